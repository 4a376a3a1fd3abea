//! Hardware description as data: board profiles (`hardware/boards/*.toml`)
//! and bank layouts (`hardware/banks/*.toml`).

use serde::{Deserialize, Serialize};

use crate::bus::LockId;
use crate::domain::{CompartmentId, Size};

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
