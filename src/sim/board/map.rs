//! The board's register map: which coils, inputs and registers it has for
//! its profile, and what they read.

use crate::hardware::Unlock;

use super::SimBoard;

/// Firmware version the simulated boards report (1.2).
pub const SIM_FIRMWARE: u16 = 0x0102;
/// Supply voltage the simulated boards report, in 10 mV (24.12 V).
pub const SIM_VOLTAGE_10MV: u16 = 2412;

impl SimBoard {
    fn door_level(&self, channel: usize) -> bool {
        let door = &self.doors[channel];
        let open = door.stuck.unwrap_or(door.open);
        open == self.profile.doors.open_level
    }

    /// The level of discrete input `address`; `None` where the board has none.
    pub(super) fn input(&self, address: u16) -> Option<bool> {
        let locks = u32::from(self.profile.locks);
        let offset = |base: u16| {
            let a = u32::from(address);
            let b = u32::from(base);
            (a >= b && a < b + locks).then(|| (a - b) as usize)
        };
        if let Some(ch) = offset(self.profile.doors.input_base) {
            return Some(self.door_level(ch));
        }
        if let Some(items) = &self.profile.items
            && let Some(ch) = offset(items.input_base)
        {
            return Some(self.doors[ch].item == items.present_level);
        }
        None
    }

    pub(super) fn coil_channel(&self, address: u16, base: u16) -> Option<usize> {
        let ch = address.checked_sub(base)?;
        (ch < self.profile.locks).then_some(usize::from(ch))
    }

    /// The coil FC01 reads at `address`; `None` where the board has none.
    /// A Waveshare's flash-on addresses are commands, not coils: its relays
    /// read at 0x0000 + channel.
    pub(super) fn coil(&self, address: u16) -> Option<bool> {
        let base = match self.profile.unlock {
            Unlock::TimedPulse { .. } => 0,
            _ => self.profile.unlock.coil_base(),
        };
        self.coil_channel(address, base).map(|ch| self.output(ch))
    }

    /// Whether FC05/FC0F may write `address`.
    pub(super) fn coil_writable(&self, address: u16) -> bool {
        let unlock = &self.profile.unlock;
        self.coil_channel(address, unlock.coil_base()).is_some()
            || (matches!(unlock, Unlock::TimedPulse { .. })
                && self.coil_channel(address, 0).is_some())
    }

    pub(super) fn register(&self, function: u8, address: u16) -> Option<u16> {
        if function == 0x04 {
            let info = self.profile.info.clone()?;
            if info.firmware == Some(address) {
                Some(SIM_FIRMWARE)
            } else if info.lock_count == Some(address) {
                Some(self.profile.locks)
            } else if info.voltage_10mv == Some(address) {
                Some(SIM_VOLTAGE_10MV)
            } else {
                None
            }
        } else {
            let settings = self.profile.settings.clone()?;
            if settings.pulse_ms == Some(address) {
                Some(self.pulse_ms)
            } else if settings.address == Some(address) {
                Some(u16::from(self.address))
            } else {
                None
            }
        }
    }
}
