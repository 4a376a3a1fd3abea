//! What support sees of a property: every kiosk's retained topics and the
//! directory, as the broker hands them over, kept up to date.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::detail::FleetDetail;
use super::{FleetLink, FleetState, TOPIC_VERSION};
use crate::domain::directory::{Change, Entry, Stamp};
use crate::domain::{Recipient, User};

/// One kiosk as it last published itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KioskView {
    /// `None` until its `online` topic is heard.
    pub online: Option<bool>,
    pub state: Option<FleetState>,
    pub detail: Option<FleetDetail>,
}

impl KioskView {
    /// When the kiosk last told anything about itself.
    pub fn last_seen(&self) -> Option<DateTime<Utc>> {
        let state = self.state.as_ref().map(|s| s.at);
        let detail = self.detail.as_ref().map(|d| d.at);
        state.max(detail)
    }
}

/// The property as the broker keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteView {
    pub kiosks: BTreeMap<String, KioskView>,
    /// Each recipient's latest version across the kiosks, by its digits.
    pub recipients: BTreeMap<String, (Stamp, Recipient)>,
    /// Each staff account's latest version (`None`: removed), by name.
    pub users: BTreeMap<String, (Stamp, Option<User>)>,
}

/// Every topic support follows, for `link`'s site.
pub fn filters(link: &FleetLink) -> Vec<String> {
    let site = format!("locker/{TOPIC_VERSION}/{}", link.site);
    [
        "online",
        "state",
        "detail",
        "directory/recipient/+",
        "directory/user/+",
    ]
    .iter()
    .map(|t| format!("{site}/+/{t}"))
    .collect()
}

impl SiteView {
    /// Takes a message from the broker; `true` when it changed the view.
    pub fn take(&mut self, topic: &str, payload: &[u8]) -> bool {
        // locker/v1/<site>/<kiosk>/<what>[/…]
        let parts: Vec<&str> = topic.splitn(6, '/').collect();
        let [_, _, _, kiosk, what, rest @ ..] = &parts[..] else {
            return false;
        };
        match (*what, rest) {
            ("online", []) => {
                let k = self.kiosks.entry(kiosk.to_string()).or_default();
                let online = Some(payload == b"true");
                std::mem::replace(&mut k.online, online) != online
            }
            ("state", []) => {
                let Ok(state) = serde_json::from_slice::<FleetState>(payload) else {
                    return false;
                };
                let k = self.kiosks.entry(kiosk.to_string()).or_default();
                k.state.replace(state.clone()) != Some(state)
            }
            ("detail", []) => {
                let Ok(detail) = serde_json::from_slice::<FleetDetail>(payload) else {
                    return false;
                };
                let k = self.kiosks.entry(kiosk.to_string()).or_default();
                k.detail.replace(detail.clone()) != Some(detail)
            }
            ("directory", [_]) => {
                let Ok(Change { stamp, entry, .. }) = serde_json::from_slice::<Change>(payload)
                else {
                    return false;
                };
                match entry {
                    Entry::Recipient { record } => {
                        let key = record.id.digits().to_string();
                        latest(&mut self.recipients, &key, stamp, record)
                    }
                    Entry::User { name, record } => latest(&mut self.users, &name, stamp, record),
                }
            }
            _ => false,
        }
    }

    /// The staff accounts the site has, by name.
    pub fn staff(&self) -> impl Iterator<Item = &User> {
        self.users.values().filter_map(|(_, u)| u.as_ref())
    }

    /// The recipient `digits`, as the site has it.
    pub fn recipient(&self, digits: &str) -> Option<&Recipient> {
        self.recipients.get(digits).map(|(_, r)| r)
    }

    /// Where the recipient's parcels are: kiosk, and the door with it.
    pub fn parcels_of(&self, recipient: &str) -> Vec<(String, super::detail::DoorBrief)> {
        let mut found = Vec::new();
        for (id, k) in &self.kiosks {
            for door in k.detail.iter().flat_map(|d| &d.doors) {
                if door
                    .parcel
                    .as_ref()
                    .is_some_and(|p| p.recipient == recipient)
                {
                    found.push((id.clone(), door.clone()));
                }
            }
        }
        found
    }
}

/// Keeps `record` under `key` if its stamp is later than the one held.
fn latest<R>(held: &mut BTreeMap<String, (Stamp, R)>, key: &str, stamp: Stamp, record: R) -> bool {
    match held.get(key) {
        Some((at, _)) if *at >= stamp => false,
        _ => {
            held.insert(key.to_string(), (stamp, record));
            true
        }
    }
}
