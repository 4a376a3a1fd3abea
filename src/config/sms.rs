//! `[sms]`: the GSM modem text messages go out through. Without the
//! section the kiosk sends none, and recipients who chose texts wait in
//! the outbox (and an admin is alerted after some days).

use serde::{Deserialize, Serialize};

use crate::domain::people::is_sms_number;
use crate::domain::text::check_text;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The modem's AT command port, e.g. `/dev/ttyUSB2` or a
    /// `/dev/serial/by-id/...` link.
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// The SIM's PIN, if it asks for one at power-up.
    #[serde(default)]
    pub pin: Option<String>,
    /// The service centre number, when the SIM does not carry the right one.
    #[serde(default)]
    pub smsc: Option<String>,
    /// How long the modem may take to answer a command.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// How long it may take to hand one message to the network.
    #[serde(default = "default_send_timeout")]
    pub send_timeout_secs: u64,
}

fn default_baud() -> u32 {
    115_200
}

fn default_timeout() -> u64 {
    5
}

fn default_send_timeout() -> u64 {
    60
}

const BAUDS: [u32; 9] = [
    2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800,
];

impl SmsConfig {
    /// A modem on `port` with every other setting at its default.
    pub fn on(port: &str) -> Self {
        Self {
            port: port.to_string(),
            baud: default_baud(),
            pin: None,
            smsc: None,
            timeout_secs: default_timeout(),
            send_timeout_secs: default_send_timeout(),
        }
    }

    /// The key (with `sms.`) and reason of the first bad setting.
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |key: &str, reason: String| Err((format!("sms.{key}"), reason));
        if self.port.trim().is_empty() {
            return bad(
                "port",
                "the modem's serial port, e.g. \"/dev/ttyUSB2\"".into(),
            );
        }
        if let Err(e) = check_text("sms.port", &self.port, 255) {
            return bad("port", e.reason);
        }
        if !BAUDS.contains(&self.baud) {
            return bad("baud", format!("{} is not a standard baud rate", self.baud));
        }
        if let Some(pin) = &self.pin
            && !((4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()))
        {
            return bad("pin", "4 to 8 digits".into());
        }
        if let Some(smsc) = &self.smsc
            && !is_sms_number(smsc)
        {
            return bad(
                "smsc",
                format!("{smsc:?} is not a phone number, e.g. \"+34607003110\""),
            );
        }
        if !(1..=60).contains(&self.timeout_secs) {
            return bad("timeout_secs", "between 1 and 60".into());
        }
        if !(5..=300).contains(&self.send_timeout_secs) {
            return bad("send_timeout_secs", "between 5 and 300".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::config::tests::GOOD;

    #[test]
    fn sms_is_off_without_the_section_and_on_with_a_port() {
        assert_eq!(Config::parse(GOOD, "k.toml").unwrap().sms, None);
        let text = format!("{GOOD}\n[sms]\nport = \"/dev/ttyUSB2\"\npin = \"1234\"\n");
        let sms = Config::parse(&text, "k.toml").unwrap().sms.unwrap();
        assert_eq!((sms.port.as_str(), sms.baud), ("/dev/ttyUSB2", 115_200));
        assert_eq!(sms.pin.as_deref(), Some("1234"));
    }

    #[test]
    fn bad_sms_settings_name_file_key_and_reason() {
        for (extra, key, reason) in [
            ("pin = \"12a4\"", "sms.pin", "4 to 8 digits"),
            ("baud = 1000", "sms.baud", "not a standard baud rate"),
            ("smsc = \"operator\"", "sms.smsc", "not a phone number"),
            ("timeout_secs = 0", "sms.timeout_secs", "between 1 and 60"),
            ("speed = 9600", "sms.speed", "unknown field"),
        ] {
            let text = format!("{GOOD}\n[sms]\nport = \"/dev/ttyUSB2\"\n{extra}\n");
            let e = Config::parse(&text, "k.toml").unwrap_err();
            assert_eq!((e.file.as_str(), e.key.as_str()), ("k.toml", key), "{e}");
            assert!(e.reason.contains(reason), "{e}");
            assert!(!e.to_string().contains('\n'), "{e}");
        }
        let e = Config::parse(&format!("{GOOD}\n[sms]\nbaud = 9600\n"), "k.toml").unwrap_err();
        assert!(e.reason.contains("port"), "{e}");
        // Texts are not an e-mail transport.
        let text = format!("{GOOD}\n[notify]\ntransport = \"sms\"\n");
        let e = Config::parse(&text, "k.toml").unwrap_err();
        assert_eq!(e.key, "notify.transport", "{e}");
        assert!(e.reason.contains("[sms] section"), "{e}");
    }
}
