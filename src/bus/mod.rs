//! The lock bus: what the engine needs from the lock boards.
//!
//! The engine only sees the [`LockBus`] trait and a stream of [`BusEvent`]s.
//! The Modbus RTU implementation runs in its own task so that nobody ever
//! waits on RS-485; [`fake::FakeBus`] is an in-memory double for unit tests.

pub mod bench;
#[cfg(any(test, feature = "test-support"))]
pub mod fake;
pub mod link;
pub mod modbus;
mod poll_loop;
pub mod rtu;
pub mod tracker;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::hardware::LockId;

/// What the door sensor says. `Unknown` whenever the board is offline or the
/// sensor cannot be trusted: never guess "closed".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorState {
    Open,
    Closed,
    Unknown,
}

/// Door tracker events (docs/HARDWARE.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorEventKind {
    /// The door opened after we pulsed it.
    Opened,
    /// The door closed.
    Closed,
    /// Pulsed, retried once, still closed: the compartment is faulty.
    Jammed,
    /// Opened with no command: alarm.
    ForcedOpen,
    /// Open for longer than the configured time.
    LeftOpen,
    /// The sensor reading became unknown (board offline, stuck sensor).
    SensorUnknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorEvent {
    pub lock: LockId,
    pub kind: DoorEventKind,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum BusEvent {
    Door(DoorEvent),
    /// The item-presence sensor of a lock changed.
    Item {
        lock: LockId,
        present: bool,
    },
    /// Three failed polls in a row.
    BoardOffline {
        board: u8,
    },
    BoardOnline {
        board: u8,
    },
    /// The board answers its door poll but refuses to read the item inputs
    /// its profile names (`count` inputs from `input_base`), with a Modbus
    /// exception (02: no such address). Sent once; item presence is unknown
    /// until a later read succeeds.
    ItemInputsRefused {
        board: u8,
        input_base: u16,
        count: u16,
        exception: u8,
    },
}

/// `0x0100-0x012F`: a block of `count` inputs as the profile files write
/// addresses.
pub fn input_range(input_base: u16, count: u16) -> String {
    let last = u32::from(input_base) + u32::from(count.max(1)) - 1;
    format!("0x{input_base:04X}-0x{last:04X}")
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum BusError {
    #[error("no such lock: {0}")]
    NoSuchLock(LockId),
    #[error("board {0} is offline")]
    BoardOffline(u8),
    #[error("lock bus stopped")]
    Stopped,
}

/// The engine's view of the lock boards. Calls return at once; outcomes come
/// back as [`BusEvent`]s on the channel the implementation was created with.
pub trait LockBus: Send {
    /// Ask for one unlock pulse. Always pulses, even when the sensor already
    /// reads open (a cut sensor wire reads open).
    fn pulse(&self, lock: LockId) -> Result<(), BusError>;
    /// The latest door reading.
    fn door(&self, lock: LockId) -> DoorState;
    /// The latest item-presence reading, if the board has such sensors.
    fn item_present(&self, lock: LockId) -> Option<bool>;
    /// Whether the board answered its recent polls.
    fn board_online(&self, board: u8) -> bool;
    /// Counters and board facts for the admin's bus screen; `None` for a
    /// bus that keeps none (the fake, no bus at all).
    fn diagnostics(&self) -> Option<modbus::BusStats> {
        None
    }
}

/// The bus of a process that has no lock boards (command-line tools):
/// every door reads unknown and every pulse is refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoBus;

impl LockBus for NoBus {
    fn pulse(&self, _lock: LockId) -> Result<(), BusError> {
        Err(BusError::Stopped)
    }
    fn door(&self, _lock: LockId) -> DoorState {
        DoorState::Unknown
    }
    fn item_present(&self, _lock: LockId) -> Option<bool> {
        None
    }
    fn board_online(&self, _board: u8) -> bool {
        false
    }
}
