//! The kiosk's TOML configuration. A bad file gets one line naming the file,
//! the key and the reason; relative paths are taken from the file's folder.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::{FeePolicy, HashCost, HoldPolicy, Language};

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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub argon2: HashCost,
}

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
        if k.name.trim().is_empty() {
            return Err(("kiosk.name".into(), "must not be empty".into()));
        }
        if k.locker_code.trim().is_empty() {
            return Err(("kiosk.locker_code".into(), "must not be empty".into()));
        }
        if let Some(t) = &k.terminal
            && !["ansi", "vt220", "vt100"].contains(&t.as_str())
        {
            return Err((
                "kiosk.terminal".into(),
                format!("{t:?} is not ansi, vt220 or vt100"),
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
        if !(30..=86_400).contains(&self.control.idle_secs) {
            return Err(("control.idle_secs".into(), "between 30 and 86400".into()));
        }
        self.security
            .argon2
            .validate()
            .map_err(|r| ("security.argon2".to_string(), r))?;
        let n = &self.notify;
        if n.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err((
                "notify.from".into(),
                format!("{:?} is not an e-mail address", n.from),
            ));
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
            t => {
                return Err((
                    "notify.transport".into(),
                    format!("{t:?} is not spool, smtp or command"),
                ));
            }
        }
        Ok(())
    }

    fn resolve_paths(&mut self, base: &Path) {
        let abs = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        abs(&mut self.kiosk.data_dir);
        abs(&mut self.kiosk.hardware);
        // "keypad-16" and "pc" are built-in maps, not files next to the config.
        if let Some(k) = &mut self.kiosk.keymap
            && (k.components().count() > 1 || k.extension().is_some())
        {
            abs(k);
        }
    }

    /// A config for a data dir given on the command line without a file.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        Config {
            kiosk: KioskConfig {
                id: "A".into(),
                name: "Locker".into(),
                locker_code: "-".into(),
                time_zone: default_tz(),
                data_dir,
                hardware: PathBuf::from("hardware/banks/demo.toml"),
                keymap: None,
                terminal: None,
                size: None,
                admin_contact: String::new(),
                language: Language::En,
            },
            bus: BusConfig::default(),
            policy: PolicyConfig::default(),
            fees: FeePolicy::default(),
            security: SecurityConfig::default(),
            notify: NotifyConfig::default(),
            control: ControlConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "banks/demo.toml"
"#;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(GOOD, "k.toml").unwrap();
        assert_eq!(c.policy.hold_days, 5);
        assert_eq!(c.policy.reopen_secs, 60);
        assert_eq!(c.bus.baud, 9600);
        assert_eq!(c.kiosk.time_zone, chrono_tz::Europe::Madrid);
    }

    #[test]
    fn built_in_keymap_names_stay_names_and_files_become_paths() {
        let dir = Path::new("/etc/locker");
        for (given, want) in [
            ("keypad-16", "keypad-16"),
            ("pc", "pc"),
            ("lobby.toml", "/etc/locker/lobby.toml"),
            ("maps/lobby", "/etc/locker/maps/lobby"),
            ("/opt/maps/lobby.toml", "/opt/maps/lobby.toml"),
        ] {
            let text = GOOD.replace(
                "hardware = \"banks/demo.toml\"",
                &format!("hardware = \"banks/demo.toml\"\nkeymap = \"{given}\""),
            );
            let mut c = Config::parse(&text, "k.toml").unwrap();
            c.resolve_paths(dir);
            assert_eq!(c.kiosk.keymap, Some(PathBuf::from(want)), "{given}");
        }
    }

    #[test]
    fn bad_time_zone_names_file_and_key() {
        let text = GOOD.replace("Europe/Madrid", "Mars/Olympus");
        let e = Config::parse(&text, "k.toml").unwrap_err();
        assert_eq!(e.file, "k.toml");
        assert_eq!(e.key, "kiosk.time_zone");
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let text = format!("{GOOD}\n[policy]\nhold_days = \"five\"\n");
        let e = Config::parse(&text, "k.toml").unwrap_err();
        assert_eq!(e.key, "policy.hold_days");
        assert!(e.reason.contains("line"), "{e}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let text = format!("{GOOD}\n[bus]\nbaudrate = 9600\n");
        let e = Config::parse(&text, "k.toml").unwrap_err();
        assert!(e.reason.contains("baudrate"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn semantic_errors_name_the_key() {
        let text = format!("{GOOD}\n[policy]\nreminder_days = [2, 7]\n");
        assert_eq!(
            Config::parse(&text, "k.toml").unwrap_err().key,
            "policy.reminder_days"
        );
        let text = format!("{GOOD}\n[bus]\nbaud = 1234\n");
        assert_eq!(Config::parse(&text, "k.toml").unwrap_err().key, "bus.baud");
        let text = format!("{GOOD}\n[notify]\ntransport = \"smtp\"\n");
        assert_eq!(
            Config::parse(&text, "k.toml").unwrap_err().key,
            "notify.smtp_host"
        );
        let text = format!("{GOOD}\n[control]\nidle_secs = 5\n");
        let e = Config::parse(&text, "k.toml").unwrap_err();
        assert_eq!(e.key, "control.idle_secs");
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn control_idle_time_defaults_to_five_minutes() {
        assert_eq!(
            Config::parse(GOOD, "k.toml").unwrap().control.idle_secs,
            300
        );
        let text = format!("{GOOD}\n[control]\nidle_secs = 3600\n");
        assert_eq!(
            Config::parse(&text, "k.toml").unwrap().control.idle_secs,
            3600
        );
    }

    #[test]
    fn missing_section_is_named() {
        let e = Config::parse("[bus]\nbaud = 9600\n", "k.toml").unwrap_err();
        assert!(e.reason.contains("kiosk"), "{e}");
    }
}
