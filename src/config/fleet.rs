//! `[fleet]`: the property's MQTT broker (docs/FLEET.md).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The property's MQTT broker (docs/FLEET.md). Without a broker the kiosk
/// is on its own, as it is when the broker is down.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FleetConfig {
    /// `mqtt://host:port`.
    pub broker: Option<String>,
    /// The property this kiosk belongs to: its topics are under it.
    pub site: String,
    /// The support agents whose signed orders this kiosk carries out:
    /// `NAME:PUBLICKEY` lines from `locker fleet keygen`.
    pub support_keys: Vec<String>,
    /// The kiosk's user on the broker (its password in `password_file`).
    pub username: Option<String>,
    /// A file holding the broker password and nothing else, readable by
    /// the kiosk's user only.
    pub password_file: Option<PathBuf>,
}

impl FleetConfig {
    /// The broker's host and port, if one is set; an error says what is
    /// wrong with the URL.
    pub fn broker_addr(&self) -> Result<Option<(String, u16)>, String> {
        self.broker.as_deref().map(broker_addr).transpose()
    }
}

/// The host and port of an `mqtt://HOST[:PORT]` URL; the error says what
/// is wrong with it.
pub fn broker_addr(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .ok_or_else(|| format!("{url:?} is not mqtt://HOST:PORT"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("{p:?} is not a port number"))?,
        ),
        None => (rest, 1883),
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return Err(format!("{host:?} is not a host name or address"));
    }
    Ok((host.to_string(), port))
}

impl FleetConfig {
    /// Checks the section; the error names the key.
    pub(super) fn check(&self) -> Result<(), (String, String)> {
        let f = self;
        f.broker_addr()
            .map_err(|r| ("fleet.broker".to_string(), r))?;
        if f.username.is_some() != f.password_file.is_some() {
            return Err((
                "fleet.password_file".into(),
                "username and password_file go together".into(),
            ));
        }
        if f.broker.is_some()
            && (f.site.is_empty()
                || f.site.len() > 32
                || !f
                    .site
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err((
                "fleet.site".into(),
                "1 to 32 letters, digits, - or _ (it names the property's topics)".into(),
            ));
        }
        Ok(())
    }
}
