//! What the engine runs with: the settings a config gives it and its code key.

use chrono_tz::Tz;

use crate::config::Config;
use crate::domain::code_keys::KeyFileError;
use crate::domain::{CodeKeys, Country, FeePolicy, HashCost, HoldPolicy};
use crate::store::{Store, T};

/// A key file could not be read or made; one line naming its key.
#[derive(Debug, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct KeySetupError {
    pub key: &'static str,
    pub reason: String,
}

/// The property's site key, shared by its kiosks: a code typed at the
/// wrong kiosk is asked of the others by its fingerprint under it.
#[derive(Clone, Debug)]
pub struct SiteKeys {
    pub site: String,
    pub keys: CodeKeys,
}

/// The settings the engine needs, taken from the config file.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    pub kiosk_id: String,
    pub kiosk_name: String,
    pub locker_code: String,
    pub tz: Tz,
    /// Where the locker stands: S10 parcels from elsewhere are international.
    pub country: Country,
    pub hold: HoldPolicy,
    pub fees: FeePolicy,
    pub hash_cost: HashCost,
    pub reopen_secs: u32,
    pub wrong_code_daily_cap: u32,
    pub admin_email: Option<String>,
    pub carrier_address: Option<String>,
    /// Idle time after which a staff session ends.
    pub session_secs: u32,
    /// The secret codes and QR tokens are derived from (the key file).
    pub keys: CodeKeys,
    /// Where the spool transport leaves `.eml` files, so that copies
    /// giving a dead code can be deleted.
    pub spool_dir: Option<std::path::PathBuf>,
    /// The property's site key (`fleet.site_key_file`), if the kiosk is one
    /// of several.
    pub site: Option<SiteKeys>,
}

impl EngineSettings {
    /// The settings of a config, with the keys read from its key file.
    pub fn from_config(c: &Config, keys: CodeKeys) -> Self {
        Self {
            kiosk_id: c.kiosk.id.clone(),
            kiosk_name: c.kiosk.name.clone(),
            locker_code: c.kiosk.locker_code.clone(),
            tz: c.kiosk.time_zone,
            country: c.kiosk.country,
            hold: c.policy.hold(),
            fees: c.fees.clone(),
            hash_cost: c.security.argon2,
            reopen_secs: c.policy.reopen_secs,
            wrong_code_daily_cap: c.policy.wrong_code_daily_cap,
            admin_email: c.notify.admin_email.clone(),
            carrier_address: c.notify.carrier_address.clone(),
            session_secs: 300,
            keys,
            spool_dir: (c.notify.transport == "spool")
                .then(|| c.kiosk.data_dir.join(&c.notify.spool_dir)),
            site: None,
        }
    }

    /// The settings of a config, its key file read. A missing key file is
    /// made afresh only while no live code needs the old one: otherwise
    /// the kiosk would start and refuse every code it gave out.
    pub fn load(c: &Config, store: &Store) -> Result<Self, KeySetupError> {
        let path = &c.security.key_file;
        let keys = match CodeKeys::load(path) {
            Ok(keys) => keys,
            Err(KeyFileError::Missing { .. }) if store.tree(T::Codes).is_empty() => {
                let keys = CodeKeys::generate();
                keys.save(path).map_err(|e| KeySetupError {
                    key: "security.key_file",
                    reason: format!("{}: cannot write: {e}", path.display()),
                })?;
                tracing::info!(file = %path.display(), "made a new code key file");
                keys
            }
            Err(KeyFileError::Missing { path }) => {
                return Err(KeySetupError {
                    key: "security.key_file",
                    reason: format!(
                        "{path}: missing, and live codes were made with it: restore it from the backup"
                    ),
                });
            }
            Err(e) => {
                return Err(KeySetupError {
                    key: "security.key_file",
                    reason: e.to_string(),
                });
            }
        };
        let mut settings = Self::from_config(c, keys);
        if let Some(path) = &c.fleet.site_key_file {
            let keys = CodeKeys::load(path).map_err(|e| KeySetupError {
                key: "fleet.site_key_file",
                reason: e.to_string(),
            })?;
            settings.site = Some(SiteKeys {
                site: c.fleet.site.clone(),
                keys,
            });
        }
        Ok(settings)
    }

    /// Defaults with cheap hashing, for tests.
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests() -> Self {
        Self {
            kiosk_id: "A".into(),
            kiosk_name: "Lobby".into(),
            locker_code: "LK-1042".into(),
            tz: chrono_tz::Europe::Madrid,
            country: Country::SPAIN,
            hold: HoldPolicy::default(),
            fees: FeePolicy::default(),
            hash_cost: HashCost::TEST,
            reopen_secs: 60,
            wrong_code_daily_cap: 50,
            admin_email: Some("admin@example.org".into()),
            carrier_address: None,
            session_secs: 300,
            keys: CodeKeys::for_tests(),
            spool_dir: None,
            site: None,
        }
    }
}
