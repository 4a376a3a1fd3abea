//! Board profiles: how one kind of lock board is driven, as data
//! (`hardware/boards/*.toml`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a lock is released.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Unlock {
    /// FC05 ON on `coil_base + channel`; the board times the pulse itself.
    BoardPulse { coil_base: u16, pulse_ms: u32 },
    /// FC05 on `coil_base + channel` carrying the pulse length in `unit_ms`
    /// units as its value (Waveshare "flash on").
    TimedPulse {
        coil_base: u16,
        unit_ms: u32,
        pulse_ms: u32,
    },
    /// No timer on the board: FC05 ON, wait `pulse_ms`, FC05 OFF.
    OnOff { coil_base: u16, pulse_ms: u32 },
}

impl Unlock {
    pub fn coil_base(&self) -> u16 {
        match *self {
            Unlock::BoardPulse { coil_base, .. }
            | Unlock::TimedPulse { coil_base, .. }
            | Unlock::OnOff { coil_base, .. } => coil_base,
        }
    }

    pub fn pulse_ms(&self) -> u32 {
        match *self {
            Unlock::BoardPulse { pulse_ms, .. }
            | Unlock::TimedPulse { pulse_ms, .. }
            | Unlock::OnOff { pulse_ms, .. } => pulse_ms,
        }
    }

    /// The FC05 value for a timed pulse: the length in board units, at least 1.
    pub fn timed_units(&self) -> Option<u16> {
        match *self {
            Unlock::TimedPulse {
                unit_ms, pulse_ms, ..
            } => {
                let units = pulse_ms.div_ceil(unit_ms.max(1)).clamp(1, 0xFF);
                Some(units as u16)
            }
            _ => None,
        }
    }
}

/// Door sensors: one discrete input per lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoorInputs {
    pub input_base: u16,
    /// The input level that means "door open".
    pub open_level: bool,
}

/// Item-presence sensors: one discrete input per lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemInputs {
    pub input_base: u16,
    /// The input level that means "item present".
    pub present_level: bool,
}

/// Input registers describing the board, where it has them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoRegisters {
    pub firmware: Option<u16>,
    pub lock_count: Option<u16>,
    /// Supply voltage in 10 mV units.
    pub voltage_10mv: Option<u16>,
}

/// Holding registers with board settings, where it has them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingRegisters {
    pub pulse_ms: Option<u16>,
    pub address: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardProfile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Number of lock channels.
    pub locks: u16,
    pub unlock: Unlock,
    pub doors: DoorInputs,
    #[serde(default)]
    pub items: Option<ItemInputs>,
    #[serde(default)]
    pub info: Option<InfoRegisters>,
    #[serde(default)]
    pub settings: Option<SettingRegisters>,
    /// Least silence before every frame, in ms, for firmware that cannot
    /// time the Modbus gap; unset: the Modbus rule (`bus::rtu::frame_gap`).
    #[serde(default)]
    pub frame_gap_ms: Option<u32>,
    /// Line silence this board needs to find frame boundaries again after
    /// an exchange went wrong (a request nobody answered, a garbled reply):
    /// some slave stacks misframe after a frame they did not expect and only
    /// resynchronise after a long quiet spell.
    #[serde(default = "default_resync_silence_ms")]
    pub resync_silence_ms: u32,
}

/// Hundreds of ms is what common slave stacks need; 500 leaves a margin and
/// costs little because offline boards are rarely polled.
pub const DEFAULT_RESYNC_SILENCE_MS: u32 = 500;

fn default_resync_silence_ms() -> u32 {
    DEFAULT_RESYNC_SILENCE_MS
}

/// The most inputs one FC02 may ask for (Modbus application protocol).
pub const MAX_FC02_INPUTS: u16 = 2000;

/// Which discrete inputs one poll reads. Doors are read every poll with one
/// FC02. Item sensors share that frame when their inputs sit close to the
/// doors; otherwise they get their own FC02, which the bus sends only while a
/// door of that board is (or just was) open: an item can only come or go
/// through an open door, so the steady-state poll stays one frame per board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPlan {
    /// The every-poll read: start address and count.
    pub first: (u16, u16),
    pub items: ItemRead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemRead {
    None,
    /// Item inputs are inside `first`.
    SameFrame,
    /// A separate FC02: start address and count.
    OwnFrame(u16, u16),
}

impl BoardProfile {
    pub fn parse(text: &str) -> Result<Self, (String, String)> {
        let profile: BoardProfile =
            toml::from_str(text).map_err(|e| super::toml_error(text, &e))?;
        profile.validate()?;
        Ok(profile)
    }

    /// Checks that do not need the bank; errors are (key, reason).
    pub fn validate(&self) -> Result<(), (String, String)> {
        let bad = |key: &str, reason: String| Err((key.to_string(), reason));
        if self.name.trim().is_empty() {
            return bad("name", "must not be empty".into());
        }
        if self.locks == 0 || self.locks > MAX_FC02_INPUTS {
            return bad(
                "locks",
                format!("{} is not in 1..={MAX_FC02_INPUTS}", self.locks),
            );
        }
        let end = |base: u16| u32::from(base) + u32::from(self.locks);
        if end(self.unlock.coil_base()) > 0x1_0000 {
            return bad("unlock.coil_base", "coils run past address 0xFFFF".into());
        }
        if self.unlock.pulse_ms() == 0 || self.unlock.pulse_ms() > 60_000 {
            return bad("unlock.pulse_ms", "must be in 1..=60000".into());
        }
        if let Unlock::TimedPulse { unit_ms, .. } = self.unlock
            && unit_ms == 0
        {
            return bad("unlock.unit_ms", "must be at least 1".into());
        }
        if self.frame_gap_ms.is_some_and(|ms| ms > 1000) {
            return bad("frame_gap_ms", "must be at most 1000".into());
        }
        if self.resync_silence_ms > 10_000 {
            return bad("resync_silence_ms", "must be at most 10000".into());
        }
        if end(self.doors.input_base) > 0x1_0000 {
            return bad("doors.input_base", "inputs run past address 0xFFFF".into());
        }
        if let Some(items) = &self.items {
            if end(items.input_base) > 0x1_0000 {
                return bad("items.input_base", "inputs run past address 0xFFFF".into());
            }
            let (d, i) = (
                u32::from(self.doors.input_base),
                u32::from(items.input_base),
            );
            let n = u32::from(self.locks);
            if d < i + n && i < d + n {
                return bad(
                    "items.input_base",
                    "item inputs overlap the door inputs".into(),
                );
            }
        }
        Ok(())
    }

    /// The silence kept before every frame to this board at `baud`.
    pub fn frame_gap(&self, baud: u32) -> Duration {
        let modbus = super::line::frame_gap(baud);
        match self.frame_gap_ms {
            Some(ms) => modbus.max(Duration::from_millis(u64::from(ms))),
            None => modbus,
        }
    }

    pub fn resync_silence(&self) -> Duration {
        Duration::from_millis(u64::from(self.resync_silence_ms))
    }

    /// One FC02 per board per poll where the address ranges allow it.
    pub fn poll_plan(&self) -> PollPlan {
        let doors = (self.doors.input_base, self.locks);
        let Some(items) = &self.items else {
            return PollPlan {
                first: doors,
                items: ItemRead::None,
            };
        };
        let lo = self.doors.input_base.min(items.input_base);
        let hi = u32::from(self.doors.input_base.max(items.input_base)) + u32::from(self.locks);
        let span = hi - u32::from(lo);
        // Door and item inputs are read in one frame only when they touch:
        // a read across inputs a board does not have is answered with
        // exception 02 by a strict board (and the simulator), which would
        // fail every door poll.
        let touching = span == 2 * u32::from(self.locks);
        if span <= u32::from(MAX_FC02_INPUTS) && touching {
            PollPlan {
                first: (lo, span as u16),
                items: ItemRead::SameFrame,
            }
        } else {
            PollPlan {
                first: doors,
                items: ItemRead::OwnFrame(items.input_base, self.locks),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lb48_polls_doors_alone_and_items_in_their_own_frame() {
        let p = BoardProfile::parse(crate::hardware::LB48_TOML).unwrap();
        assert_eq!(p.locks, 48);
        // 0x0000..0x0130 would waste 208 inputs: dearer than a second frame.
        assert_eq!(
            p.poll_plan(),
            PollPlan {
                first: (0, 48),
                items: ItemRead::OwnFrame(0x100, 48)
            }
        );
    }

    #[test]
    fn item_inputs_right_after_the_doors_share_their_frame_and_no_gap_is_read() {
        let mut p = BoardProfile::parse(crate::hardware::LB48_TOML).unwrap();
        p.items.as_mut().unwrap().input_base = 0x30;
        assert_eq!(p.poll_plan().first, (0, 0x60));
        assert_eq!(p.poll_plan().items, ItemRead::SameFrame);
        // A gap of inputs the board lacks is never read across.
        p.items.as_mut().unwrap().input_base = 0x40;
        assert_eq!(p.poll_plan().first, (0, 48));
        assert_eq!(p.poll_plan().items, ItemRead::OwnFrame(0x40, 48));
    }

    #[test]
    fn waveshare_has_timed_pulse_in_100ms_units() {
        let p = BoardProfile::parse(crate::hardware::WAVESHARE8_TOML).unwrap();
        assert_eq!(p.unlock.timed_units(), Some(5));
        assert_eq!(p.poll_plan().items, ItemRead::None);
        assert!(!p.doors.open_level);
    }

    #[test]
    fn line_timing_is_read_from_the_profile() {
        let lb48 = BoardProfile::parse(crate::hardware::LB48_TOML).unwrap();
        assert_eq!(lb48.frame_gap_ms, None);
        assert_eq!(lb48.frame_gap(9600), crate::hardware::line::frame_gap(9600));
        assert_eq!(lb48.frame_gap(115_200), Duration::from_micros(1750));
        assert_eq!(lb48.resync_silence_ms, DEFAULT_RESYNC_SILENCE_MS);

        let ws = BoardProfile::parse(crate::hardware::WAVESHARE8_TOML).unwrap();
        assert_eq!(ws.frame_gap_ms, Some(5));
        assert_eq!(ws.frame_gap(115_200), Duration::from_millis(5));
        // The field rule never shortens the Modbus gap of a slow line.
        assert_eq!(ws.frame_gap(1200), crate::hardware::line::frame_gap(1200));

        let text = crate::hardware::LB48_TOML.replace(
            "locks = 48",
            "locks = 48\nresync_silence_ms = 800\nframe_gap_ms = 7",
        );
        let p = BoardProfile::parse(&text).unwrap();
        assert_eq!(p.resync_silence(), Duration::from_millis(800));
        assert_eq!(p.frame_gap(9600), Duration::from_millis(7));
        let text = crate::hardware::LB48_TOML
            .replace("locks = 48", "locks = 48\nresync_silence_ms = 60000");
        assert_eq!(
            BoardProfile::parse(&text).unwrap_err().0,
            "resync_silence_ms"
        );
    }

    #[test]
    fn bad_profiles_say_which_key() {
        let text = crate::hardware::LB48_TOML.replace("locks = 48", "locks = 0");
        assert_eq!(BoardProfile::parse(&text).unwrap_err().0, "locks");
        let text = crate::hardware::LB48_TOML.replace("board_pulse", "teleport");
        assert!(BoardProfile::parse(&text).is_err());
        assert!(BoardProfile::parse("locks = [").is_err());
    }
}
