//! Hardware description as data: board profiles (`hardware/boards/*.toml`)
//! and bank layouts (`hardware/banks/*.toml`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{CompartmentId, Size};

/// One lock output / door sensor: board slave address and channel on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LockId {
    pub board: u8,
    pub channel: u16,
}

impl fmt::Display for LockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "board {} lock {}", self.board, self.channel)
    }
}

/// Where one compartment is, electrically and on the bank drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompartmentLayout {
    pub id: CompartmentId,
    pub size: Size,
    /// Modbus slave address of its lock board.
    pub board: u8,
    /// Lock channel on that board, 0-based.
    pub channel: u16,
    /// Position in the bank drawing: column from the left, row from the top.
    pub column: u16,
    pub row: u16,
    /// Camera that sees this door, for CCTV markers.
    #[serde(default)]
    pub camera: Option<String>,
}

impl CompartmentLayout {
    pub fn lock(&self) -> LockId {
        LockId {
            board: self.board,
            channel: self.channel,
        }
    }
}

/// A bank of compartments on one RS-485 bus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankLayout {
    pub name: String,
    pub compartments: Vec<CompartmentLayout>,
}

impl BankLayout {
    pub fn compartment(&self, id: CompartmentId) -> Option<&CompartmentLayout> {
        self.compartments.iter().find(|c| c.id == id)
    }

    pub fn by_lock(&self, lock: LockId) -> Option<&CompartmentLayout> {
        self.compartments.iter().find(|c| c.lock() == lock)
    }
}

mod bank;
pub mod line;
mod profile;

pub use bank::{Bank, BankBoard, ProfileSource, embedded_profile};
pub use profile::{
    BoardProfile, DEFAULT_RESYNC_SILENCE_MS, DoorInputs, InfoRegisters, ItemInputs, ItemRead,
    MAX_FC02_INPUTS, PollPlan, SettingRegisters, Unlock,
};

/// The shipped files, built in so that `locker demo` needs no files.
pub const LB48_TOML: &str = include_str!("../../hardware/boards/lb48.toml");
pub const WAVESHARE8_TOML: &str = include_str!("../../hardware/boards/waveshare-relay-8.toml");
pub const UNTIMED8_TOML: &str = include_str!("../../hardware/boards/relay-8-untimed.toml");
pub const DEMO_BANK_TOML: &str = include_str!("../../hardware/banks/demo.toml");
pub const WAVESHARE_BANK_TOML: &str = include_str!("../../hardware/banks/waveshare.toml");

/// A hardware file that cannot be used: one line naming file, key and reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct HardwareError {
    pub file: String,
    pub key: String,
    pub reason: String,
}

/// A parser's message on one line: its lines joined with "; ".
pub(crate) fn one_line(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if parts.is_empty() {
        "invalid TOML".into()
    } else {
        parts.join("; ")
    }
}

/// A TOML parse error as (key, one-line reason); the key is the line number
/// when the parser could not name a key.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> (String, String) {
    let line = e.span().map(|s| {
        let before = &text.as_bytes()[..s.start.min(text.len())];
        before.iter().filter(|b| **b == b'\n').count() + 1
    });
    let reason = one_line(e.message());
    let key = match line {
        Some(n) => format!("line {n}"),
        None => "-".to_string(),
    };
    (key, reason)
}
