//! One simulated lock board: its registers per profile, door physics and the
//! faults a test can switch on. Here: the board and its doors' mechanics;
//! its register map in `map`, the Modbus functions it answers in `modbus`,
//! the framing fault in `faults`.

mod faults;
mod map;
mod modbus;

use std::time::{Duration, Instant};

use crate::hardware::BoardProfile;

pub(crate) use faults::Faults;
pub use map::{SIM_FIRMWARE, SIM_VOLTAGE_10MV};

#[derive(Clone, Debug, Default)]
pub(crate) struct SimDoor {
    pub open: bool,
    pub jammed: bool,
    /// The sensor reads this (true = open) whatever the door does.
    pub stuck: Option<bool>,
    pub item: bool,
    /// What the item sensor reads once this door next shuts, when someone
    /// said what the person at it will do (the demo's kiosk does).
    pub item_on_close: Option<bool>,
    pub opens_at: Option<Instant>,
    pub closes_at: Option<Instant>,
    /// Output energised until then (board-timed pulse, timed relay).
    pub output_until: Option<Instant>,
    /// Output switched on by the master and not yet off (untimed boards).
    pub output_on: bool,
    pub pulses: u32,
    /// Opened by a pulse (not pried): its closing ends a deposit or pickup.
    pub opened_by_pulse: bool,
}

impl SimDoor {
    /// The door shuts. With `items_follow`, a door that a pulse opened
    /// closes on the opposite item state: a courier left a parcel in an
    /// empty compartment, or a recipient took it out of a full one.
    pub fn shut(&mut self, items_follow: bool) {
        if self.open && self.opened_by_pulse && items_follow {
            self.item = self.item_on_close.take().unwrap_or(!self.item);
        }
        self.open = false;
        self.opened_by_pulse = false;
        self.opens_at = None;
        self.closes_at = None;
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SimBoard {
    pub address: u8,
    pub profile: BoardProfile,
    pub doors: Vec<SimDoor>,
    pub pulse_ms: u16,
    pub faults: Faults,
    pub frames_seen: u64,
    pub replies_sent: u64,
    /// Lost its framing (the `resync` fault) and not yet resynchronised.
    pub misframed: bool,
    /// Requests to this board it ignored while misframed.
    pub misframed_requests: u64,
}

/// Timing of the simulated mechanics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Physics {
    pub open_delay: Duration,
    pub auto_close: Option<Duration>,
    pub items_follow: bool,
}

impl SimBoard {
    pub fn new(address: u8, profile: BoardProfile) -> Self {
        let pulse_ms = profile.unlock.pulse_ms().min(u32::from(u16::MAX)) as u16;
        Self {
            address,
            doors: vec![SimDoor::default(); usize::from(profile.locks)],
            profile,
            pulse_ms,
            faults: Faults::default(),
            frames_seen: 0,
            replies_sent: 0,
            misframed: false,
            misframed_requests: 0,
        }
    }

    /// Move the mechanics on to `now`.
    pub fn tick(&mut self, now: Instant, physics: Physics) {
        for door in &mut self.doors {
            if door.opens_at.is_some_and(|t| now >= t) {
                door.opens_at = None;
                if !door.open {
                    door.open = true;
                    door.opened_by_pulse = true;
                    door.closes_at = physics.auto_close.map(|d| now + d);
                }
            }
            if door.closes_at.is_some_and(|t| now >= t) {
                door.shut(physics.items_follow);
            }
            if door.output_until.is_some_and(|t| now >= t) {
                door.output_until = None;
            }
        }
    }

    /// The lock released: the door springs open shortly unless jammed.
    fn release(&mut self, channel: usize, now: Instant, physics: Physics) {
        let door = &mut self.doors[channel];
        door.pulses += 1;
        if !door.jammed && !door.open && door.opens_at.is_none() {
            door.opens_at = Some(now + physics.open_delay);
        }
    }

    pub fn output(&self, channel: usize) -> bool {
        let d = &self.doors[channel];
        d.output_on || d.output_until.is_some()
    }
}

#[cfg(test)]
mod tests;
