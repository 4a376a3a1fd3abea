//! An in-memory lock bus for engine unit tests: doors are set by the test,
//! pulses are recorded. Real bus behaviour is tested over pseudo-terminals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{BusError, DoorState, LockBus, LockId};

#[derive(Default, Debug)]
struct FakeState {
    doors: HashMap<LockId, DoorState>,
    items: HashMap<LockId, bool>,
    offline: Vec<u8>,
    pulses: Vec<LockId>,
}

/// Clones share the same state, so a test keeps one while the engine owns another.
#[derive(Clone, Default, Debug)]
pub struct FakeBus(Arc<Mutex<FakeState>>);

impl FakeBus {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_door(&self, lock: LockId, state: DoorState) {
        self.state().doors.insert(lock, state);
    }

    /// The lock has no item sensor (or it cannot be read).
    pub fn forget_item(&self, lock: LockId) {
        self.state().items.remove(&lock);
    }

    pub fn set_item(&self, lock: LockId, present: bool) {
        self.state().items.insert(lock, present);
    }

    pub fn set_board_offline(&self, board: u8, offline: bool) {
        let mut s = self.state();
        s.offline.retain(|b| *b != board);
        if offline {
            s.offline.push(board);
        }
    }

    /// Every pulse asked for so far, oldest first.
    pub fn pulses(&self) -> Vec<LockId> {
        self.state().pulses.clone()
    }
}

impl LockBus for FakeBus {
    fn pulse(&self, lock: LockId) -> Result<(), BusError> {
        let mut s = self.state();
        if s.offline.contains(&lock.board) {
            return Err(BusError::BoardOffline(lock.board));
        }
        s.pulses.push(lock);
        Ok(())
    }

    fn door(&self, lock: LockId) -> DoorState {
        let s = self.state();
        if s.offline.contains(&lock.board) {
            return DoorState::Unknown;
        }
        s.doors.get(&lock).copied().unwrap_or(DoorState::Closed)
    }

    fn item_present(&self, lock: LockId) -> Option<bool> {
        self.state().items.get(&lock).copied()
    }

    fn board_online(&self, board: u8) -> bool {
        !self.state().offline.contains(&board)
    }
}
