//! Bank files (`hardware/banks/*.toml`): which boards sit on the bus, with
//! which profile, and where every compartment is. Loading checks everything
//! and reports one line naming file, key and reason.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::LockId;
use super::{BankLayout, BoardProfile, CompartmentLayout, HardwareError, toml_error};
use crate::domain::text::{NAME_MAX, check_name};
use crate::domain::{CompartmentId, Size};

/// One board on the bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankBoard {
    /// Modbus slave address, 1..=247.
    pub address: u8,
    pub profile: BoardProfile,
}

/// A loaded, checked bank: its boards and its compartment layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bank {
    pub layout: BankLayout,
    /// Sorted by address.
    pub boards: Vec<BankBoard>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BankFile {
    name: String,
    #[serde(default)]
    boards: Vec<BoardEntry>,
    #[serde(default)]
    compartments: Vec<CompartmentEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoardEntry {
    address: i64,
    profile: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompartmentEntry {
    id: i64,
    size: String,
    board: i64,
    channel: i64,
    column: i64,
    row: i64,
    #[serde(default)]
    camera: Option<String>,
}

/// Where profiles come from: files next to the bank, or the embedded set.
pub enum ProfileSource<'a> {
    Dir(&'a Path),
    Embedded,
}

impl Bank {
    /// Load and check a bank file. A board's `profile` is a path ending in
    /// `.toml` relative to the bank file, or a name looked up as
    /// `<bank dir>/../boards/NAME.toml`, then among the built-in profiles.
    pub fn load(path: &Path) -> Result<Bank, HardwareError> {
        let text = std::fs::read_to_string(path).map_err(|e| HardwareError {
            file: path.display().to_string(),
            key: "-".into(),
            reason: e.to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Bank::parse(&path.display().to_string(), &text, ProfileSource::Dir(dir))
    }

    pub fn parse(file: &str, text: &str, source: ProfileSource<'_>) -> Result<Bank, HardwareError> {
        let err = |key: String, reason: String| HardwareError {
            file: file.to_string(),
            key,
            reason,
        };
        let raw: BankFile = toml::from_str(text).map_err(|e| {
            let (key, reason) = toml_error(text, &e);
            err(key, reason)
        })?;

        let mut boards: BTreeMap<u8, BankBoard> = BTreeMap::new();
        for (i, b) in raw.boards.iter().enumerate() {
            let key = |k: &str| format!("boards[{i}].{k}");
            let address = u8::try_from(b.address)
                .ok()
                .filter(|a| (1..=247).contains(a))
                .ok_or_else(|| {
                    err(
                        key("address"),
                        format!("{} is not a slave address 1..=247", b.address),
                    )
                })?;
            if boards.contains_key(&address) {
                return Err(err(
                    key("address"),
                    format!("board {address} is listed twice"),
                ));
            }
            let profile = resolve_profile(&b.profile, &source)
                .map_err(|(k, reason)| err(format!("{}{k}", key("profile")), reason))?;
            boards.insert(address, BankBoard { address, profile });
        }
        if boards.is_empty() {
            return Err(err(
                "boards".into(),
                "a bank needs at least one board".into(),
            ));
        }

        check_name("name", &raw.name, NAME_MAX).map_err(|e| err("name".into(), e.reason))?;
        let mut ids = HashSet::new();
        let mut locks = HashSet::new();
        let mut compartments = Vec::new();
        for (i, c) in raw.compartments.iter().enumerate() {
            let key = |k: &str| format!("compartments[{i}].{k}");
            let id = u16::try_from(c.id)
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    err(
                        key("id"),
                        format!("{} is not a door number 1..=65535", c.id),
                    )
                })?;
            if !ids.insert(id) {
                return Err(err(key("id"), format!("compartment {id} is listed twice")));
            }
            let size: Size = c.size.parse().map_err(|e: String| err(key("size"), e))?;
            let board = u8::try_from(c.board)
                .ok()
                .and_then(|a| boards.get(&a))
                .ok_or_else(|| err(key("board"), format!("no board {} in [[boards]]", c.board)))?;
            let channel = u16::try_from(c.channel)
                .ok()
                .filter(|ch| *ch < board.profile.locks)
                .ok_or_else(|| {
                    err(
                        key("channel"),
                        format!(
                            "channel {} is beyond board {} ({} has channels 0..={})",
                            c.channel,
                            board.address,
                            board.profile.name,
                            board.profile.locks - 1
                        ),
                    )
                })?;
            let lock = LockId {
                board: board.address,
                channel,
            };
            if !locks.insert(lock) {
                return Err(err(
                    key("channel"),
                    format!("{lock} is used by two compartments"),
                ));
            }
            let column = u16::try_from(c.column).map_err(|_| {
                err(
                    key("column"),
                    format!("{} is not a column number", c.column),
                )
            })?;
            let row = u16::try_from(c.row)
                .map_err(|_| err(key("row"), format!("{} is not a row number", c.row)))?;
            // Camera names end up in every CCTV marker and its export.
            if let Some(camera) = &c.camera {
                check_name("camera", camera, NAME_MAX).map_err(|e| err(key("camera"), e.reason))?;
            }
            compartments.push(CompartmentLayout {
                id: CompartmentId(id),
                size,
                board: board.address,
                channel,
                column,
                row,
                camera: c.camera.clone(),
            });
        }
        if compartments.is_empty() {
            return Err(err(
                "compartments".into(),
                "a bank needs at least one compartment".into(),
            ));
        }
        Ok(Bank {
            layout: BankLayout {
                name: raw.name,
                compartments,
            },
            boards: boards.into_values().collect(),
        })
    }

    /// The demo bank, built in: two lb48 boards, 30 compartments.
    pub fn demo() -> Bank {
        Bank::parse(
            "hardware/banks/demo.toml",
            super::DEMO_BANK_TOML,
            ProfileSource::Embedded,
        )
        .expect("the built-in demo bank is valid")
    }

    /// The built-in small Waveshare bank: one 8-relay board.
    pub fn waveshare_demo() -> Bank {
        Bank::parse(
            "hardware/banks/waveshare.toml",
            super::WAVESHARE_BANK_TOML,
            ProfileSource::Embedded,
        )
        .expect("the built-in waveshare bank is valid")
    }

    /// `boards` boards of one profile at addresses 1..=N, every channel a
    /// compartment: for benches and the technician's bench command.
    pub fn uniform(profile: &BoardProfile, boards: u8) -> Bank {
        let boards = boards.clamp(1, 247);
        let mut compartments = Vec::new();
        for address in 1..=boards {
            for channel in 0..profile.locks {
                compartments.push(CompartmentLayout {
                    id: CompartmentId(compartments.len() as u16 + 1),
                    size: Size::M,
                    board: address,
                    channel,
                    column: u16::from(address - 1),
                    row: channel,
                    camera: None,
                });
            }
        }
        Bank {
            layout: BankLayout {
                name: format!("{} x{boards}", profile.name),
                compartments,
            },
            boards: (1..=boards)
                .map(|address| BankBoard {
                    address,
                    profile: profile.clone(),
                })
                .collect(),
        }
    }

    /// The silence kept before every frame on this bank's line: every board
    /// hears every frame, so the line keeps the longest gap any board needs.
    pub fn frame_gap(&self, baud: u32) -> std::time::Duration {
        self.boards
            .iter()
            .map(|b| b.profile.frame_gap(baud))
            .max()
            .unwrap_or_else(|| super::line::frame_gap(baud))
    }

    /// The silence after a failed exchange: the longest any board needs, since
    /// a foreign frame nobody answered can throw every board off.
    pub fn resync_silence(&self) -> std::time::Duration {
        self.boards
            .iter()
            .map(|b| b.profile.resync_silence())
            .max()
            .unwrap_or_default()
    }

    pub fn board(&self, address: u8) -> Option<&BankBoard> {
        self.boards.iter().find(|b| b.address == address)
    }

    /// Whether a lock is a channel of one of the bank's boards.
    pub fn has_lock(&self, lock: LockId) -> bool {
        self.board(lock.board)
            .is_some_and(|b| lock.channel < b.profile.locks)
    }

    /// Locks of a board that have a compartment, by channel.
    pub fn compartments_by_lock(&self) -> HashMap<LockId, CompartmentId> {
        self.layout
            .compartments
            .iter()
            .map(|c| (c.lock(), c.id))
            .collect()
    }
}

/// Built-in profiles by name.
pub fn embedded_profile(name: &str) -> Option<BoardProfile> {
    let text = match name {
        "lb48" => super::LB48_TOML,
        "waveshare-relay-8" => super::WAVESHARE8_TOML,
        "relay-8-untimed" => super::UNTIMED8_TOML,
        _ => return None,
    };
    BoardProfile::parse(text).ok()
}

/// Returns the profile or (key suffix, reason).
fn resolve_profile(
    spec: &str,
    source: &ProfileSource<'_>,
) -> Result<BoardProfile, (String, String)> {
    let from_file = |path: PathBuf| -> Result<BoardProfile, (String, String)> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| (String::new(), format!("{}: {e}", path.display())))?;
        BoardProfile::parse(&text).map_err(|(key, reason)| {
            (
                String::new(),
                format!("{}: {key}: {reason}", path.display()),
            )
        })
    };
    match source {
        ProfileSource::Dir(dir) if spec.ends_with(".toml") => from_file(dir.join(spec)),
        ProfileSource::Dir(dir) => {
            let path = dir.join("..").join("boards").join(format!("{spec}.toml"));
            if path.exists() {
                from_file(path)
            } else {
                embedded_profile(spec).ok_or_else(|| {
                    (
                        String::new(),
                        format!("unknown profile {spec:?} (no {})", path.display()),
                    )
                })
            }
        }
        ProfileSource::Embedded => {
            let name = Path::new(spec)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(spec);
            embedded_profile(name)
                .ok_or_else(|| (String::new(), format!("unknown profile {spec:?}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::DEMO_BANK_TOML;

    fn parse(text: &str) -> Result<Bank, String> {
        Bank::parse("banks/x.toml", text, ProfileSource::Embedded).map_err(|e| e.to_string())
    }

    #[test]
    fn demo_bank_has_two_boards_and_thirty_mixed_compartments() {
        let bank = Bank::demo();
        assert_eq!(bank.boards.len(), 2);
        assert_eq!(bank.layout.compartments.len(), 30);
        for size in Size::ALL {
            assert!(bank.layout.compartments.iter().any(|c| c.size == size));
        }
        assert_eq!(
            Bank::waveshare_demo().boards[0].profile.name,
            "waveshare-relay-8"
        );
    }

    #[test]
    fn shipped_files_load_from_disk_with_relative_profiles() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("hardware/banks");
        assert_eq!(Bank::load(&dir.join("demo.toml")).unwrap(), Bank::demo());
        assert_eq!(
            Bank::load(&dir.join("waveshare.toml")).unwrap(),
            Bank::waveshare_demo()
        );
    }

    #[test]
    fn mistakes_are_one_line_naming_file_key_and_reason() {
        let cases = [
            (
                "channel = 3\n",
                "channel = 48\n",
                "compartments[3].channel: channel 48 is beyond board 1",
            ),
            (
                "id = 2\n",
                "id = 1\n",
                "compartments[1].id: compartment 1 is listed twice",
            ),
            (
                "size = \"M\"",
                "size = \"XXL\"",
                "size: unknown size \"XXL\"",
            ),
            (
                "profile = \"lb48\"",
                "profile = \"lb99\"",
                "boards[0].profile: unknown profile \"lb99\"",
            ),
            (
                "channel = 1\n",
                "channel = 0\n",
                "compartments[1].channel: board 1 lock 0 is used by two",
            ),
            ("board = 2\n", "board = 7\n", "board: no board 7"),
            (
                "address = 2\n",
                "address = 1\n",
                "boards[1].address: board 1 is listed twice",
            ),
            ("name = \"demo\"", "name = [", "banks/x.toml: line "),
            (
                "camera = \"cam-1\"",
                "camera = \"cam\\u001b[8m\"",
                "compartments[0].camera: no control characters",
            ),
            (
                "name = \"demo\"",
                "name = \"\"",
                "banks/x.toml: name: must not",
            ),
        ];
        for (from, to, expected) in cases {
            let text = DEMO_BANK_TOML.replacen(from, to, 1);
            assert_ne!(text, DEMO_BANK_TOML, "{from} not in the demo bank");
            let err = parse(&text).unwrap_err();
            assert!(err.starts_with("banks/x.toml: "), "{err}");
            assert!(err.contains(expected), "{err} does not say {expected}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn profile_file_next_to_the_bank_wins_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("boards")).unwrap();
        std::fs::create_dir_all(dir.path().join("banks")).unwrap();
        let small = crate::hardware::LB48_TOML.replace("locks = 48", "locks = 4");
        std::fs::write(dir.path().join("boards/lb48.toml"), small).unwrap();
        let bank_path = dir.path().join("banks/demo.toml");
        std::fs::write(&bank_path, DEMO_BANK_TOML).unwrap();
        let err = Bank::load(&bank_path).unwrap_err();
        assert_eq!(err.key, "compartments[4].channel");
        std::fs::write(dir.path().join("boards/lb48.toml"), "locks = \"many\"").unwrap();
        let err = Bank::load(&bank_path).unwrap_err().to_string();
        assert!(err.contains("boards/lb48.toml: line 1"), "{err}");
        assert!(!err.contains('\n'));
    }
}
