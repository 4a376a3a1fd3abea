//! The kiosk's TOML configuration. A bad file gets one line naming the file,
//! the key and the reason; relative paths are taken from the file's folder.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::text::{NAME_MAX, check_name, check_text};
use crate::domain::{FeePolicy, HashCost, HoldPolicy, Language};
use crate::hardware::{Bank, HardwareError};
use crate::ui::{Keymap, KeymapError};

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
        abs(&mut self.security.key_file);
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
            security: SecurityConfig {
                key_file,
                ..SecurityConfig::default()
            },
            notify: NotifyConfig::default(),
            control: ControlConfig::default(),
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

    fn key_of(text: &str) -> String {
        Config::parse(text, "k.toml").unwrap_err().key
    }

    #[test]
    fn argon2_costs_stay_within_bounds() {
        let cost = |m: u32, t: u32, p: u32| {
            format!("{GOOD}\n[security.argon2]\nm_kib = {m}\nt = {t}\np = {p}\n")
        };
        assert!(Config::parse(&cost(19_456, 2, 1), "k.toml").is_ok());
        assert!(Config::parse(&cost(8192, 1, 1), "k.toml").is_ok());
        assert!(Config::parse(&cost(262_144, 10, 4), "k.toml").is_ok());
        assert_eq!(key_of(&cost(8, 2, 1)), "security.argon2.m_kib");
        assert_eq!(key_of(&cost(4_000_000, 2, 1)), "security.argon2.m_kib");
        assert_eq!(key_of(&cost(19_456, 0, 1)), "security.argon2.t");
        assert_eq!(key_of(&cost(19_456, 11, 1)), "security.argon2.t");
        assert_eq!(key_of(&cost(19_456, 2, 5)), "security.argon2.p");
        let e = Config::parse(&cost(64, 1, 1), "k.toml").unwrap_err();
        assert!(e.reason.contains("insecure_test_cost"), "{e}");
    }

    #[test]
    fn the_test_cost_needs_its_hatch_and_keeps_the_upper_bounds() {
        let hatch = |m: u32| {
            format!(
                "{GOOD}\n[security]\ninsecure_test_cost = true\n\
                 [security.argon2]\nm_kib = {m}\nt = 1\np = 1\n"
            )
        };
        let c = Config::parse(&hatch(64), "k.toml").unwrap();
        assert_eq!(c.security.argon2, HashCost::TEST);
        assert_eq!(key_of(&hatch(4_000_000)), "security.argon2.m_kib");
        // argon2's own floor still holds.
        assert_eq!(key_of(&hatch(1)), "security.argon2");
    }

    #[test]
    fn shown_names_are_short_and_free_of_control_characters() {
        for key in ["name", "locker_code", "admin_contact"] {
            let with = |v: &str| {
                let line = format!("{key} = {}\n", toml::Value::String(v.into()));
                let text = GOOD.replace("[kiosk]\n", &format!("[kiosk]\n{line}"));
                // The key given twice is a TOML error; replace the original.
                let text = match key {
                    "name" => text.replacen("name = \"Lobby\"\n", "", 1),
                    "locker_code" => text.replacen("locker_code = \"LK-1042\"\n", "", 1),
                    _ => text,
                };
                Config::parse(&text, "k.toml")
            };
            assert!(with("Lobby B").is_ok(), "{key}");
            assert_eq!(
                with(&"x".repeat(41)).unwrap_err().key,
                format!("kiosk.{key}")
            );
            assert_eq!(
                with(&"x".repeat(1_000_000)).unwrap_err().key,
                format!("kiosk.{key}")
            );
            let e = with("Lobby\u{1b}[2J").unwrap_err();
            assert_eq!(e.key, format!("kiosk.{key}"));
            assert!(!e.to_string().contains('\u{1b}'), "{e}");
        }
        let text = format!("{GOOD}\n[notify]\nadmin_email = \"a\\u001b@example.org\"\n");
        assert_eq!(key_of(&text), "notify.admin_email");
        let text = format!("{GOOD}\n[notify]\nsmtp_tls = \"maybe\"\n");
        assert_eq!(key_of(&text), "notify.smtp_tls");
    }

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
    fn missing_section_is_named() {
        let e = Config::parse("[bus]\nbaud = 9600\n", "k.toml").unwrap_err();
        assert!(e.reason.contains("kiosk"), "{e}");
    }
}
