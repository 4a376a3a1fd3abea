//! The site a kiosk runs: its config and every file the config names (the
//! bank, its board profiles, the keymap), each checked, and the settings
//! the config gives other layers that are checked against them (the control
//! socket's group, the mail transport).

use std::path::Path;

use crate::config::{Config, ConfigError};
use crate::hardware::{Bank, HardwareError};
use crate::ui::{Keymap, KeymapError};

/// What a kiosk reads before it opens its database: the config and every
/// file it names, each checked. `locker config check` and `locker kiosk`
/// both come through [`Site::load`], so a file that passes the one starts
/// the other.
pub struct Site {
    pub config: Config,
    pub bank: Bank,
    pub keymap: Keymap,
}

/// One line naming the file (the config or the file it points to), the key
/// and the reason.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Hardware(#[from] HardwareError),
    #[error(transparent)]
    Keymap(#[from] KeymapError),
}

/// The kiosk's keymap when the config names none.
pub const DEFAULT_KEYMAP: &str = "keypad-16";

impl Site {
    pub fn load(path: &Path) -> Result<Site, SiteError> {
        let config = Config::load(path)?;
        let err = |key: &str, reason: String| ConfigError {
            file: path.display().to_string(),
            key: key.into(),
            reason,
        };
        // Said against the config's key: the file's own name alone would
        // not tell the operator which setting to fix.
        let readable = |key: &str, file: &Path, hint: &str| match std::fs::File::open(file) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => Ok(()),
            Ok(_) => Err(err(key, format!("{} is not a file{hint}", file.display()))),
            Err(e) => Err(err(key, format!("{}: {e}{hint}", file.display()))),
        };
        readable("kiosk.hardware", &config.kiosk.hardware, "")?;
        let bank = Bank::load(&config.kiosk.hardware)?;
        let keymap = match &config.kiosk.keymap {
            None => Keymap::resolve(DEFAULT_KEYMAP)?,
            Some(p) => {
                let name = p.display().to_string();
                match Keymap::builtin(&name) {
                    Some(k) => k,
                    None => {
                        readable("kiosk.keymap", p, " (built in: keypad-16, pc)")?;
                        Keymap::load(p)?
                    }
                }
            }
        };
        if let Some(group) = &config.control.group {
            crate::control::peer::group_id(group).map_err(|e| err("control.group", e))?;
        }
        for line in &config.fleet.support_keys {
            crate::fleet::SupportKey::parse(line).map_err(|e| err("fleet.support_keys", e))?;
        }
        if let Some(p) = &config.fleet.site_key_file {
            crate::domain::CodeKeys::load(p)
                .map_err(|e| err("fleet.site_key_file", e.to_string()))?;
        }
        crate::fleet::tls::TlsFiles::from_config(&config.fleet)
            .map_err(|(key, reason)| err(&key, reason))?;
        crate::notify::Transport::from_config(&config.notify, &config.kiosk.data_dir)
            .map_err(|e| err("notify", e.0))?;
        Ok(Site {
            config,
            bank,
            keymap,
        })
    }

    /// A line for `config check` when the file is fine but weakened.
    pub fn warning(&self) -> Option<String> {
        self.config.security.insecure_test_cost.then(|| {
            "security.insecure_test_cost: PINs may be hashed below the safe cost; \
             for test suites only"
                .to_string()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::tests::GOOD;

    /// A config beside a bank file and its board profile, as deployed.
    fn site(dir: &Path, extra: &str) -> PathBuf {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::create_dir_all(dir.join("banks")).unwrap();
        std::fs::copy(
            repo.join("hardware/banks/demo.toml"),
            dir.join("banks/demo.toml"),
        )
        .unwrap();
        let path = dir.join("k.toml");
        std::fs::write(&path, format!("{GOOD}{extra}")).unwrap();
        path
    }

    fn site_error(path: &Path) -> String {
        match Site::load(path) {
            Ok(_) => panic!("{} loads", path.display()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_site_loads_its_bank_and_keymap() {
        let dir = tempfile::tempdir().unwrap();
        let s = Site::load(&site(dir.path(), "")).unwrap();
        assert!(!s.bank.boards.is_empty());
        assert!(s.warning().is_none());
        for builtin in ["pc", "keypad-16"] {
            let path = site(dir.path(), "");
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("[kiosk]\n", &format!("[kiosk]\nkeymap = \"{builtin}\"\n"));
            std::fs::write(&path, text).unwrap();
            assert!(Site::load(&path).is_ok(), "{builtin}");
        }
    }

    #[test]
    fn a_missing_bank_file_is_named_by_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = site(dir.path(), "");
        std::fs::remove_file(dir.path().join("banks/demo.toml")).unwrap();
        let e = site_error(&path);
        assert!(
            e.starts_with(&format!("{}: kiosk.hardware: ", path.display())),
            "{e}"
        );
        assert!(e.contains("demo.toml"), "{e}");
    }

    #[test]
    fn a_bank_naming_a_missing_board_profile_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = site(dir.path(), "");
        let bank = dir.path().join("banks/demo.toml");
        let text = std::fs::read_to_string(&bank).unwrap();
        let text = regex_free_profile_swap(&text, "no-such-board");
        std::fs::write(&bank, text).unwrap();
        let e = site_error(&path);
        assert!(e.contains("demo.toml") && e.contains("profile"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }

    /// Every `profile = "..."` line pointed at `name`.
    fn regex_free_profile_swap(text: &str, name: &str) -> String {
        text.lines()
            .map(|l| {
                if l.trim_start().starts_with("profile") {
                    format!("profile = \"{name}\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_keymap_path_must_exist_and_parse() {
        let dir = tempfile::tempdir().unwrap();
        let path = site(dir.path(), "");
        let with_keymap = |name: &str| {
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("[kiosk]\n", &format!("[kiosk]\nkeymap = \"{name}\"\n"));
            let p = dir.path().join("with-keymap.toml");
            std::fs::write(&p, text).unwrap();
            p
        };
        let e = site_error(&with_keymap("lobby.toml"));
        assert!(
            e.contains("kiosk.keymap") && e.contains("lobby.toml"),
            "{e}"
        );
        std::fs::write(dir.path().join("lobby.toml"), "keys = 5\n").unwrap();
        let e = site_error(&with_keymap("lobby.toml"));
        assert!(
            e.starts_with(&format!("{}", dir.path().join("lobby.toml").display())),
            "{e}"
        );
        std::fs::write(
            dir.path().join("lobby.toml"),
            "extends = \"keypad-16\"\n[keys]\nhelp = \"f1\"\n",
        )
        .unwrap();
        assert!(Site::load(&with_keymap("lobby.toml")).is_ok());
    }

    #[test]
    fn tls_files_are_read_from_the_configs_folder_and_named_by_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = site(
            dir.path(),
            "\n[fleet]\nbroker = \"mqtts://broker.lan\"\nsite = \"riverside\"\nca_file = \"broker-ca.pem\"\n",
        );
        let e = site_error(&path);
        let ca = dir.path().join("broker-ca.pem");
        assert!(
            e.contains("fleet.ca_file") && e.contains(&ca.display().to_string()),
            "{e}"
        );
        std::fs::write(&ca, "not a certificate\n").unwrap();
        let e = site_error(&path);
        assert!(e.contains("fleet.ca_file") && e.contains("not PEM"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
