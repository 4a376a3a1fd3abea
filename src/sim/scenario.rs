//! Scenario files for `locker sim --scenario FILE`: faults at given times.
//!
//! ```toml
//! [[step]]
//! at_ms = 2000
//! action = "jam"          # see `Action`
//! board = 1
//! lock = 4                # channel, for door actions
//!
//! [[step]]
//! at_ms = 5000
//! action = "late_replies"
//! board = 1
//! count = 2
//! delay_ms = 400
//!
//! [[step]]
//! at_ms = 0
//! action = "resync"       # misframes after other ids until 300 ms of quiet
//! board = 2
//! delay_ms = 300
//! ```

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::SimHandle;
use crate::bus::LockId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Jam,
    Unjam,
    ForceOpen,
    Close,
    StuckOpen,
    StuckClosed,
    Unstick,
    PutItem,
    TakeItem,
    DropReplies,
    LateReplies,
    BadCrc,
    Offline,
    Online,
    /// The board misframes after a request for another id until the line
    /// has been silent `delay_ms` (300 when not given).
    Resync,
    NoResync,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_ms: u64,
    pub action: Action,
    pub board: u8,
    #[serde(default)]
    pub lock: u16,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub delay_ms: u64,
}

/// A silence that the slave stacks seen in the field need before they
/// find the next frame again.
pub const DEFAULT_RESYNC_QUIET: Duration = Duration::from_millis(300);

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default, rename = "step")]
    pub steps: Vec<Step>,
}

impl Scenario {
    pub fn parse(file: &str, text: &str) -> Result<Scenario, crate::hardware::HardwareError> {
        let mut s: Scenario = toml::from_str(text).map_err(|e| {
            let (key, reason) = crate::hardware::toml_error(text, &e);
            crate::hardware::HardwareError {
                file: file.to_string(),
                key,
                reason,
            }
        })?;
        s.steps.sort_by_key(|s| s.at_ms);
        Ok(s)
    }

    pub fn load(path: &Path) -> Result<Scenario, crate::hardware::HardwareError> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::hardware::HardwareError {
            file: path.display().to_string(),
            key: "-".into(),
            reason: e.to_string(),
        })?;
        Scenario::parse(&path.display().to_string(), &text)
    }
}

impl Step {
    pub fn apply(&self, sim: &SimHandle) {
        let lock = LockId {
            board: self.board,
            channel: self.lock,
        };
        match self.action {
            Action::Jam => sim.jam(lock, true),
            Action::Unjam => sim.jam(lock, false),
            Action::ForceOpen => sim.force_open(lock),
            Action::Close => sim.close_door(lock),
            Action::StuckOpen => sim.stuck_sensor(lock, Some(true)),
            Action::StuckClosed => sim.stuck_sensor(lock, Some(false)),
            Action::Unstick => sim.stuck_sensor(lock, None),
            Action::PutItem => sim.set_item(lock, true),
            Action::TakeItem => sim.set_item(lock, false),
            Action::DropReplies => sim.drop_replies(self.board, self.count),
            Action::LateReplies => {
                sim.late_replies(self.board, self.count, Duration::from_millis(self.delay_ms))
            }
            Action::BadCrc => sim.bad_crc(self.board, self.count),
            Action::Offline => sim.set_offline(self.board, true),
            Action::Online => sim.set_offline(self.board, false),
            Action::Resync => {
                let quiet = match self.delay_ms {
                    0 => DEFAULT_RESYNC_QUIET,
                    ms => Duration::from_millis(ms),
                };
                sim.resync(self.board, Some(quiet))
            }
            Action::NoResync => sim.resync(self.board, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_in_time_order() {
        let s = Scenario::parse(
            "s.toml",
            "[[step]]\nat_ms = 900\naction = \"offline\"\nboard = 2\n\
             [[step]]\nat_ms = 10\naction = \"jam\"\nboard = 1\nlock = 3\n",
        )
        .unwrap();
        assert_eq!(s.steps[0].action, Action::Jam);
        assert_eq!(s.steps[1].board, 2);
    }

    #[test]
    fn shipped_fault_tour_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("hardware/scenarios/faults-demo.toml");
        let s = Scenario::load(&path).unwrap();
        assert_eq!(s.steps.len(), 7);
        assert_eq!(s.steps[3].action, Action::LateReplies);
        assert_eq!(s.steps[3].delay_ms, 400);
    }

    #[test]
    fn resync_steps_parse_with_and_without_their_quiet_time() {
        let s = Scenario::parse(
            "s.toml",
            "[[step]]\nat_ms = 0\naction = \"resync\"\nboard = 2\n\
             [[step]]\nat_ms = 5\naction = \"resync\"\nboard = 1\ndelay_ms = 800\n\
             [[step]]\nat_ms = 9\naction = \"no_resync\"\nboard = 2\n",
        )
        .unwrap();
        let actions: Vec<(Action, u64)> = s.steps.iter().map(|s| (s.action, s.delay_ms)).collect();
        assert_eq!(
            actions,
            vec![
                (Action::Resync, 0),
                (Action::Resync, 800),
                (Action::NoResync, 0)
            ]
        );
    }

    #[test]
    fn unknown_action_is_one_clear_line() {
        let e = Scenario::parse(
            "s.toml",
            "[[step]]\nat_ms = 1\naction = \"explode\"\nboard = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("s.toml: line 3: unknown variant"), "{e}");
        assert!(!e.contains('\n'));
    }
}
