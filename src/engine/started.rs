//! What the kiosk last started with, kept beside the database so that
//! `locker config check` can say what a changed key file or argon2 cost
//! will do before the kiosk starts on it. Nothing in it is secret: key ids
//! tell keys apart and say nothing about them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::code_keys::KeyFileError;
use crate::domain::{CodeKeys, HashCost};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedWith {
    /// Keys that made the codes live at the last start.
    pub key_ids: Vec<String>,
    pub argon2: HashCost,
}

/// What `config check` has to say about the key file and the cost.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct KeyReport {
    /// Lines about what will happen at the next start.
    pub notes: Vec<String>,
    /// A reason the kiosk would refuse to start.
    pub error: Option<String>,
}

impl StartedWith {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("started-with.json")
    }

    pub fn load(data_dir: &Path) -> Option<StartedWith> {
        let text = std::fs::read_to_string(Self::path(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Written whole or not at all; a failure only costs `config check` its
    /// foresight, so it is logged, not raised.
    pub fn save(&self, data_dir: &Path) {
        let path = Self::path(data_dir);
        let tmp = path.with_extension("json.new");
        let write = serde_json::to_vec_pretty(self)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = write {
            tracing::warn!(file = %path.display(), error = %e, "cannot record the start's key ids");
        }
    }
}

/// Compares the config's key file and cost with what the kiosk last
/// started with.
pub fn report(cfg: &Config) -> KeyReport {
    let mut report = KeyReport::default();
    let before = StartedWith::load(&cfg.kiosk.data_dir);
    let key_file = &cfg.security.key_file;
    match CodeKeys::load(key_file) {
        Ok(keys) => {
            if let Some(b) = &before {
                let lost: Vec<&str> = b
                    .key_ids
                    .iter()
                    .map(String::as_str)
                    .filter(|id| !keys.holds(id))
                    .collect();
                if !lost.is_empty() {
                    report.notes.push(format!(
                        "security.key_file: {} does not hold key {} that made live codes: at start those recipients are sent new codes",
                        key_file.display(),
                        lost.join(", ")
                    ));
                }
            }
        }
        Err(KeyFileError::Missing { path }) => match &before {
            Some(b) if !b.key_ids.is_empty() => {
                report.error = Some(format!(
                    "security.key_file: {path}: missing, and live codes were made with it: restore it from the backup"
                ));
            }
            _ => report.notes.push(format!(
                "security.key_file: {path}: made at the first start"
            )),
        },
        Err(e) => report.error = Some(format!("security.key_file: {e}")),
    }
    if let Some(b) = &before
        && b.argon2 != cfg.security.argon2
    {
        let c = cfg.security.argon2;
        report.notes.push(format!(
            "security.argon2: PINs set from now on use m={} KiB, t={}, p={}; existing PINs keep the cost they were set with; codes do not depend on it",
            c.m_kib, c.t, c.p
        ));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path) -> Config {
        let mut c = Config::for_data_dir(dir.join("data"));
        c.security.key_file = dir.join("locker.key");
        std::fs::create_dir_all(dir.join("data")).unwrap();
        c
    }

    #[test]
    fn a_new_kiosk_is_told_its_key_file_will_be_made() {
        let dir = tempfile::tempdir().unwrap();
        let r = report(&config(dir.path()));
        assert_eq!(r.error, None);
        assert!(r.notes[0].contains("made at the first start"), "{r:?}");
    }

    #[test]
    fn a_missing_key_file_with_live_codes_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path());
        StartedWith {
            key_ids: vec!["abc".into()],
            argon2: HashCost::default(),
        }
        .save(&cfg.kiosk.data_dir);
        let r = report(&cfg);
        assert!(r.error.unwrap().contains("restore it"));
    }

    #[test]
    fn another_key_and_another_cost_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path());
        let old = CodeKeys::generate();
        StartedWith {
            key_ids: old.ids().map(String::from).collect(),
            argon2: HashCost::default(),
        }
        .save(&cfg.kiosk.data_dir);
        CodeKeys::generate().save(&cfg.security.key_file).unwrap();
        cfg.security.argon2.t = 3;
        let r = report(&cfg);
        assert_eq!(r.error, None);
        assert!(
            r.notes.iter().any(|n| n.contains("are sent new codes")),
            "{r:?}"
        );
        assert!(r.notes.iter().any(|n| n.contains("keep the cost")), "{r:?}");
        // The old key added back (a rotated file) leaves nothing to say
        // about keys.
        let mut both = old.clone();
        both.rotate();
        both.save(&cfg.security.key_file).unwrap();
        cfg.security.argon2.t = 2;
        assert_eq!(report(&cfg), KeyReport::default());
    }
}
