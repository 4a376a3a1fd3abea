//! The kiosk's TOML configuration. A bad file gets one line naming the file,
//! the key and the reason; relative paths are taken from the file's folder.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::text::{NAME_MAX, check_name, check_text};
use crate::domain::{Country, FeePolicy, HashCost, HoldPolicy, Language};

mod fleet;
mod sms;
pub use fleet::{BrokerAddr, FleetConfig, broker_addr};
pub use sms::SmsConfig;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}: {key}: {reason}")]
pub struct ConfigError {
    pub file: String,
    pub key: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub kiosk: KioskConfig,
    #[serde(default)]
    pub bus: BusConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub fees: FeePolicy,
    #[serde(default)]
    pub security: SecurityConfig,
    #[serde(default)]
    pub notify: NotifyConfig,
    #[serde(default)]
    pub control: ControlConfig,
    #[serde(default)]
    pub fleet: FleetConfig,
    /// The GSM modem for text messages; none without the section.
    #[serde(default)]
    pub sms: Option<SmsConfig>,
}

/// The control socket (`data_dir/control.sock`) that `locker admin` and the
/// data commands reach while the kiosk runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ControlConfig {
    /// A Unix group whose members may connect too (socket 0660, data
    /// directory 0710 with that group). Without it only the kiosk's own
    /// user and root may.
    pub group: Option<String>,
    /// A signed-in connection that sends no request for this long is
    /// closed; events sent to it do not count.
    pub idle_secs: u32,
}

impl Default for ControlConfig {
    fn default() -> Self {
        Self {
            group: None,
            idle_secs: 300,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    /// The kiosk letter, e.g. "A"; also inside every QR payload.
    pub id: String,
    pub name: String,
    /// The locker code printed on the bank, shown on the home screen.
    pub locker_code: String,
    #[serde(default = "default_tz")]
    pub time_zone: Tz,
    /// Where the locker stands (ISO 3166 alpha-2): a UPU S10 parcel posted
    /// in another country is international.
    #[serde(default)]
    pub country: Country,
    pub data_dir: PathBuf,
    /// The bank layout, `hardware/banks/*.toml`.
    pub hardware: PathBuf,
    #[serde(default)]
    pub keymap: Option<PathBuf>,
    /// ansi, vt220 or vt100; from TERM when absent.
    #[serde(default)]
    pub terminal: Option<String>,
    /// e.g. "80x24" for serial terminals that report no size.
    #[serde(default)]
    pub size: Option<String>,
    /// Shown when the kiosk is out of service.
    #[serde(default)]
    pub admin_contact: String,
    #[serde(default)]
    pub language: Language,
    /// BEL on an error and when a door opens, for terminals with a beeper.
    #[serde(default = "yes")]
    pub bell: bool,
    /// The program that says each screen's prompt, as a list of arguments
    /// (no shell): `{voice}` becomes "en" or "es", `{text}` the words
    /// (without it they go to standard input). Empty: no speech.
    #[serde(default)]
    pub speech: Vec<String>,
}

fn yes() -> bool {
    true
}

fn default_tz() -> Tz {
    chrono_tz::UTC
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusConfig {
    pub port: String,
    pub baud: u32,
    /// none, even or odd.
    pub parity: String,
    pub timeout_ms: u64,
    pub poll_ms: u64,
}

impl Default for BusConfig {
    fn default() -> Self {
        Self {
            port: "/dev/ttyUSB0".into(),
            baud: 9600,
            parity: "none".into(),
            timeout_ms: 200,
            poll_ms: 250,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    pub hold_days: u32,
    pub reminder_days: Vec<u32>,
    pub reminder_time: String,
    pub vacation_max_days: u32,
    /// How long after the door closes the recipient may re-open it.
    pub reopen_secs: u32,
    /// Back to the home screen after this much inactivity.
    pub inactivity_secs: u32,
    /// Alert when a door stays open this long.
    pub left_open_secs: u32,
    /// Wrong codes in one local day that raise an alert.
    pub wrong_code_daily_cap: u32,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        let hold = HoldPolicy::default();
        Self {
            hold_days: hold.hold_days,
            reminder_days: hold.reminder_days,
            reminder_time: hold.reminder_time,
            vacation_max_days: hold.vacation_max_days,
            reopen_secs: 60,
            inactivity_secs: 60,
            left_open_secs: 120,
            wrong_code_daily_cap: 50,
        }
    }
}

impl PolicyConfig {
    pub fn hold(&self) -> HoldPolicy {
        HoldPolicy {
            hold_days: self.hold_days,
            reminder_days: self.reminder_days.clone(),
            reminder_time: self.reminder_time.clone(),
            vacation_max_days: self.vacation_max_days,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub argon2: HashCost,
    /// Lets `argon2` go below the safe minimum cost, so that test suites
    /// can hash many PINs quickly. Never on a kiosk: a stolen disk's PIN
    /// hashes would then fall to a guessing run in seconds.
    pub insecure_test_cost: bool,
    /// The secret access codes and QR tokens are derived from: outside the
    /// data directory, 0600 (ADR 0010). Relative to the config's folder.
    pub key_file: PathBuf,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            argon2: HashCost::default(),
            insecure_test_cost: false,
            key_file: PathBuf::from("locker.key"),
        }
    }
}

/// Argon2id costs a kiosk accepts. Below the minimum a copied database's
/// PIN hashes are cheap to guess; above the maximum one sign-in could take
/// the small kiosk machine's memory or seconds of its time.
pub const ARGON2_M_KIB: RangeInclusive<u32> = 8192..=262_144;
pub const ARGON2_T: RangeInclusive<u32> = 1..=10;
pub const ARGON2_P: RangeInclusive<u32> = 1..=4;

/// Free-form strings of the config that reach a terminal, a socket's group
/// lookup or a mail header: any length a real value has, no control codes.
const SETTING_MAX: usize = 255;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// spool, smtp or command.
    pub transport: String,
    /// For `spool`: where `.eml` files go (relative to the data dir).
    pub spool_dir: PathBuf,
    pub from: String,
    /// Where admin alerts go.
    pub admin_email: Option<String>,
    /// Where couriers' proofs of delivery go, if anywhere.
    pub carrier_address: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<String>,
    /// none, starttls or tls.
    pub smtp_tls: String,
    /// For `command`: the program that gets each message as JSON on stdin.
    pub command: Option<Vec<String>>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            transport: "spool".into(),
            spool_dir: PathBuf::from("outbox"),
            from: "locker@localhost".into(),
            admin_email: None,
            carrier_address: None,
            smtp_host: None,
            smtp_port: None,
            smtp_user: None,
            smtp_password: None,
            smtp_tls: "starttls".into(),
            command: None,
        }
    }
}

impl Config {
    /// Reads, parses and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            key: "-".into(),
            reason: format!("cannot read: {e}"),
        })?;
        let mut cfg = Self::parse(&text, &file)?;
        let base = path.parent().unwrap_or(Path::new("."));
        cfg.resolve_paths(base);
        Ok(cfg)
    }

    /// Parses and checks TOML text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let err = |key: String, reason: String| ConfigError {
            file: file.to_string(),
            key,
            reason,
        };
        let de = toml::Deserializer::new(text);
        let cfg: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let line = inner
                .span()
                .map(|s| {
                    format!(
                        " (line {})",
                        text[..s.start.min(text.len())].lines().count().max(1)
                    )
                })
                .unwrap_or_default();
            let key = if key == "." { "-".to_string() } else { key };
            err(
                key,
                format!("{}{line}", crate::hardware::one_line(inner.message())),
            )
        })?;
        cfg.validate()
            .map_err(|(key, reason)| err(key.to_string(), reason))?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), (String, String)> {
        let k = &self.kiosk;
        if k.id.is_empty() || k.id.len() > 16 || !k.id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err((
                "kiosk.id".into(),
                "1 to 16 letters or digits, e.g. \"A\"".into(),
            ));
        }
        let text = |e: crate::domain::TextError| (e.field.to_string(), e.reason);
        check_name("kiosk.name", &k.name, NAME_MAX).map_err(text)?;
        check_name("kiosk.locker_code", &k.locker_code, NAME_MAX).map_err(text)?;
        check_text("kiosk.admin_contact", &k.admin_contact, NAME_MAX).map_err(text)?;
        if let Some(t) = &k.terminal
            && !["ansi", "vt220", "vt100"].contains(&t.as_str())
        {
            return Err((
                "kiosk.terminal".into(),
                format!("{t:?} is not ansi, vt220 or vt100"),
            ));
        }
        if k.speech.first().is_some_and(|p| p.trim().is_empty()) {
            return Err((
                "kiosk.speech".into(),
                "the first item is the program to run, e.g. [\"espeak-ng\", \"-v\", \"{voice}\", \"--stdin\"]".into(),
            ));
        }
        if let Some(s) = &k.size
            && s.parse::<crate::ui::ScreenSize>().is_err()
        {
            return Err((
                "kiosk.size".into(),
                format!("{s:?} is not COLSxROWS, e.g. \"80x24\""),
            ));
        }
        self.fleet.check()?;
        let b = &self.bus;
        if ![1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].contains(&b.baud) {
            return Err((
                "bus.baud".into(),
                format!("{} is not a standard baud rate", b.baud),
            ));
        }
        if !["none", "even", "odd"].contains(&b.parity.as_str()) {
            return Err(("bus.parity".into(), "none, even or odd".into()));
        }
        if !(10..=5000).contains(&b.timeout_ms) {
            return Err(("bus.timeout_ms".into(), "between 10 and 5000".into()));
        }
        if !(50..=2000).contains(&b.poll_ms) {
            return Err(("bus.poll_ms".into(), "between 50 and 2000".into()));
        }
        self.policy
            .hold()
            .validate()
            .map_err(|(key, reason)| (format!("policy.{key}"), reason))?;
        if self.policy.reopen_secs > 600 {
            return Err(("policy.reopen_secs".into(), "at most 600".into()));
        }
        if self.policy.inactivity_secs < 10 {
            return Err(("policy.inactivity_secs".into(), "at least 10".into()));
        }
        if self.policy.wrong_code_daily_cap == 0 {
            return Err(("policy.wrong_code_daily_cap".into(), "at least 1".into()));
        }
        if self.fees.currency.len() != 3 {
            return Err((
                "fees.currency".into(),
                "a 3-letter code, e.g. \"EUR\"".into(),
            ));
        }
        check_cost(&self.security)?;
        check_text("bus.port", &b.port, SETTING_MAX).map_err(text)?;
        if let Some(g) = &self.control.group {
            check_name("control.group", g, SETTING_MAX).map_err(text)?;
        }
        if !(30..=86_400).contains(&self.control.idle_secs) {
            return Err(("control.idle_secs".into(), "between 30 and 86400".into()));
        }
        let n = &self.notify;
        for (key, value) in [
            ("notify.from", Some(&n.from)),
            ("notify.admin_email", n.admin_email.as_ref()),
            ("notify.carrier_address", n.carrier_address.as_ref()),
        ] {
            let Some(value) = value else { continue };
            check_text(key, value, SETTING_MAX).map_err(text)?;
            if value.parse::<lettre::message::Mailbox>().is_err() {
                return Err((key.into(), format!("{value:?} is not an e-mail address")));
            }
        }
        for (key, value) in [
            ("notify.smtp_host", &n.smtp_host),
            ("notify.smtp_user", &n.smtp_user),
        ] {
            if let Some(v) = value {
                check_text(key, v, SETTING_MAX).map_err(text)?;
            }
        }
        if !["none", "starttls", "tls"].contains(&n.smtp_tls.as_str()) {
            return Err(("notify.smtp_tls".into(), "none, starttls or tls".into()));
        }
        match n.transport.as_str() {
            "spool" => {}
            "smtp" if n.smtp_host.is_none() => {
                return Err((
                    "notify.smtp_host".into(),
                    "required with transport = \"smtp\"".into(),
                ));
            }
            "smtp" => {}
            "command" if n.command.as_ref().is_none_or(|c| c.is_empty()) => {
                return Err((
                    "notify.command".into(),
                    "required with transport = \"command\"".into(),
                ));
            }
            "command" => {}
            "sms" => {
                return Err((
                    "notify.transport".into(),
                    "texts go through the modem of an [sms] section, beside e-mail; transport is spool, smtp or command".into(),
                ));
            }
            t => {
                return Err((
                    "notify.transport".into(),
                    format!("{t:?} is not spool, smtp or command"),
                ));
            }
        }
        self.sms.as_ref().map_or(Ok(()), SmsConfig::check)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let abs = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        abs(&mut self.kiosk.data_dir);
        abs(&mut self.kiosk.hardware);
        abs(&mut self.security.key_file);
        self.fleet.resolve_paths(base);
        // "keypad-16" and "pc" are built-in maps, not files next to the config.
        if let Some(k) = &mut self.kiosk.keymap
            && (k.components().count() > 1 || k.extension().is_some())
        {
            abs(k);
        }
    }

    /// A config for a data dir given on the command line without a file.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        let key_file = key_file_beside(&data_dir);
        Config {
            kiosk: KioskConfig {
                id: "A".into(),
                name: "Locker".into(),
                locker_code: "-".into(),
                time_zone: default_tz(),
                country: Country::default(),
                data_dir,
                hardware: PathBuf::from("hardware/banks/demo.toml"),
                keymap: None,
                terminal: None,
                size: None,
                admin_contact: String::new(),
                language: Language::En,
                bell: true,
                speech: Vec::new(),
            },
            bus: BusConfig::default(),
            policy: PolicyConfig::default(),
            fees: FeePolicy::default(),
            security: SecurityConfig {
                key_file,
                ..SecurityConfig::default()
            },
            notify: NotifyConfig::default(),
            control: ControlConfig::default(),
            fleet: FleetConfig::default(),
            sms: None,
        }
    }
}

/// A data directory given without a config keeps its key file beside it,
/// never in it: `/var/lib/locker` → `/var/lib/locker.key`.
pub fn key_file_beside(data_dir: &Path) -> PathBuf {
    match data_dir.file_name() {
        Some(name) => data_dir.with_file_name(format!("{}.key", name.to_string_lossy())),
        None => data_dir.join("..").join("locker.key"),
    }
}

/// The argon2id cost within [`ARGON2_M_KIB`], [`ARGON2_T`] and
/// [`ARGON2_P`]; with `insecure_test_cost` only the upper bounds hold.
fn check_cost(sec: &SecurityConfig) -> Result<(), (String, String)> {
    let c = &sec.argon2;
    let hatch = "security.insecure_test_cost = true is for test suites only";
    for (key, value, range) in [
        ("security.argon2.m_kib", c.m_kib, ARGON2_M_KIB),
        ("security.argon2.t", c.t, ARGON2_T),
        ("security.argon2.p", c.p, ARGON2_P),
    ] {
        let (low, high) = (*range.start(), *range.end());
        if value > high {
            return Err((key.into(), format!("{value} is above the maximum {high}")));
        }
        if value < low && !sec.insecure_test_cost {
            return Err((
                key.into(),
                format!("{value} is below the minimum {low} ({hatch})"),
            ));
        }
    }
    c.validate().map_err(|r| ("security.argon2".to_string(), r))
}

#[cfg(test)]
pub(crate) mod tests;
