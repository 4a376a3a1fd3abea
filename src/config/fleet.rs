//! `[fleet]`: the property's MQTT broker (docs/FLEET.md).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The property's MQTT broker (docs/FLEET.md). Without a broker the kiosk
/// is on its own, as it is when the broker is down.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FleetConfig {
    /// `mqtt://host:port`, or `mqtts://host:port` over TLS.
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
    /// With `mqtts://`: the PEM certificate of the authority the broker's
    /// certificate must chain to (no other is trusted).
    pub ca_file: Option<PathBuf>,
    /// With `mqtts://`, for a broker that asks for one: the kiosk's own
    /// certificate (PEM), its private key in `key_file`.
    pub cert_file: Option<PathBuf>,
    /// The private key of `cert_file` (PEM), readable by the kiosk's user
    /// only.
    pub key_file: Option<PathBuf>,
    /// The property's site key, the same file at each of its kiosks (made
    /// by `locker fleet sitekey`): a code typed at the wrong kiosk is asked
    /// of the others by its fingerprint under it.
    pub site_key_file: Option<PathBuf>,
}

/// Where a broker URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerAddr {
    pub host: String,
    pub port: u16,
    /// `mqtts://`: TLS.
    pub tls: bool,
}

impl FleetConfig {
    /// The broker's address, if one is set; an error says what is wrong
    /// with the URL.
    pub fn broker_addr(&self) -> Result<Option<BrokerAddr>, String> {
        self.broker.as_deref().map(broker_addr).transpose()
    }

    /// The section's keys one by one: the key at fault and why.
    pub(super) fn check(&self) -> Result<(), (String, String)> {
        let addr = self
            .broker_addr()
            .map_err(|r| ("fleet.broker".to_string(), r))?;
        if self.username.is_some() != self.password_file.is_some() {
            return Err((
                "fleet.password_file".into(),
                "username and password_file go together".into(),
            ));
        }
        if self.broker.is_some()
            && (self.site.is_empty()
                || self.site.len() > 32
                || !self
                    .site
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err((
                "fleet.site".into(),
                "1 to 32 letters, digits, - or _ (it names the property's topics)".into(),
            ));
        }
        let tls = addr.as_ref().is_some_and(|a| a.tls);
        if tls && self.ca_file.is_none() {
            return Err((
                "fleet.ca_file".into(),
                "required with mqtts://: the authority the broker's certificate must chain to"
                    .into(),
            ));
        }
        if !tls {
            for (key, set) in [
                ("fleet.ca_file", self.ca_file.is_some()),
                ("fleet.cert_file", self.cert_file.is_some()),
                ("fleet.key_file", self.key_file.is_some()),
            ] {
                if set {
                    return Err((
                        key.into(),
                        "only with an mqtts:// broker (this one is not over TLS)".into(),
                    ));
                }
            }
        }
        if self.cert_file.is_some() != self.key_file.is_some() {
            let key = if self.cert_file.is_some() {
                "fleet.key_file"
            } else {
                "fleet.cert_file"
            };
            return Err((key.into(), "cert_file and key_file go together".into()));
        }
        Ok(())
    }

    /// Relative paths from the config file's folder `base`.
    pub(super) fn resolve_paths(&mut self, base: &std::path::Path) {
        for p in [
            &mut self.password_file,
            &mut self.ca_file,
            &mut self.cert_file,
            &mut self.key_file,
            &mut self.site_key_file,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

/// The host and port of an `mqtt://HOST[:PORT]` (1883 by default) or
/// `mqtts://HOST[:PORT]` (8883) URL; the error says what is wrong with it.
pub fn broker_addr(url: &str) -> Result<BrokerAddr, String> {
    let (rest, tls, default_port) = if let Some(rest) = url.strip_prefix("mqtts://") {
        (rest, true, 8883)
    } else if let Some(rest) = url.strip_prefix("mqtt://") {
        (rest, false, 1883)
    } else {
        return Err(format!(
            "{url:?} is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]"
        ));
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("{p:?} is not a port number"))?,
        ),
        None => (rest, default_port),
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return Err(format!("{host:?} is not a host name or address"));
    }
    Ok(BrokerAddr {
        host: host.to_string(),
        port,
        tls,
    })
}
