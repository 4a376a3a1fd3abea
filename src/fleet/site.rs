//! What a kiosk shares with the other kiosks of its property: the
//! directory, and the question "whose is this code?" (docs/FLEET.md).
//!
//! Directory records go out retained, one topic per record under the kiosk
//! that changed it, so the broker keeps each kiosk's latest version of
//! every record: a kiosk that connects (after a partition, a restart or
//! for the first time) gets them all at once and keeps, record by record,
//! the one with the latest stamp.

use rumqttc::{AsyncClient, QoS};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::{FleetLink, Sent, TOPIC_VERSION, Wire, actor, send};
use crate::domain::directory::Change;
use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Command, Event};

/// `…/<kiosk>/ask`: a code typed there that nothing there knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ask {
    pub v: u32,
    /// The code's fingerprints under the site key (hex), one per key.
    pub fingerprints: Vec<String>,
}

/// `…/<holder>/found/<asker>`: the holder has a live code of that
/// fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub v: u32,
    pub fingerprint: String,
    pub kiosk: String,
    pub locker_code: String,
}

/// What a message from the property is, by its topic.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Heard<'a> {
    Orders,
    /// A directory record as kiosk `from` last published it.
    Directory,
    /// Kiosk `from` asks whose a code is.
    Ask {
        from: &'a str,
    },
    /// Kiosk `from` holds a code this kiosk asked for.
    Found {
        from: &'a str,
    },
    Other,
}

impl FleetLink {
    /// `locker/v1/<site>`.
    fn site_base(&self) -> String {
        format!("locker/{TOPIC_VERSION}/{}", self.site)
    }

    /// Where this kiosk's version of a directory record is retained.
    pub fn directory_topic(&self, key: &str) -> String {
        format!("{}/directory/{key}", self.base())
    }

    /// Every kiosk's directory records.
    pub fn directory_filter(&self) -> String {
        format!("{}/+/directory/#", self.site_base())
    }

    pub fn ask_topic(&self) -> String {
        format!("{}/ask", self.base())
    }

    pub fn ask_filter(&self) -> String {
        format!("{}/+/ask", self.site_base())
    }

    /// Where this kiosk answers `asker`.
    pub fn found_topic(&self, asker: &str) -> String {
        format!("{}/found/{asker}", self.base())
    }

    /// Every kiosk's answers to this one.
    pub fn found_filter(&self) -> String {
        format!("{}/+/found/{}", self.site_base(), self.kiosk)
    }

    /// What a message on `topic` is.
    pub(super) fn heard<'a>(&self, topic: &'a str) -> Heard<'a> {
        if topic == self.orders_topic() {
            return Heard::Orders;
        }
        let prefix = format!("{}/", self.site_base());
        let Some(rest) = topic.strip_prefix(&prefix) else {
            return Heard::Other;
        };
        let mut parts = rest.splitn(3, '/');
        let (Some(from), Some(kind)) = (parts.next(), parts.next()) else {
            return Heard::Other;
        };
        match (kind, parts.next()) {
            ("directory", Some(_)) => Heard::Directory,
            ("ask", None) => Heard::Ask { from },
            ("found", Some(to)) if to == self.kiosk => Heard::Found { from },
            _ => Heard::Other,
        }
    }
}

/// Publishes, retained with QoS 1, every directory record changed here
/// that the broker has yet to take, and records each it acknowledged.
pub(super) async fn publish_directory(
    engine: &EngineHandle,
    link: &FleetLink,
    client: &AsyncClient,
    wire: &mut mpsc::UnboundedReceiver<Wire>,
) -> Sent {
    let changes = match engine
        .inspect(|e| e.read(&actor(), Query::DirectoryOut))
        .await
    {
        Some(Ok(Answer::Directory(changes))) => changes,
        other => {
            tracing::warn!(answer = ?other.map(|a| a.err()), "could not read the directory to publish");
            return Sent::Acked;
        }
    };
    for change in changes {
        let key = change.entry.key();
        let payload = serde_json::to_vec(&change).unwrap_or_default();
        let sent = send(client, wire, &link.directory_topic(&key), true, payload).await;
        if sent != Sent::Acked {
            return sent;
        }
        let done = Command::DirectoryPublished {
            key,
            stamp: change.stamp,
        };
        if let Err(e) = engine.send(actor(), done).await {
            tracing::warn!(error = %e, "could not record a published directory record");
        }
    }
    Sent::Acked
}

/// A message from the property that is not an order.
pub(super) async fn heard(
    engine: &EngineHandle,
    client: &AsyncClient,
    link: &FleetLink,
    topic: &str,
    payload: &[u8],
) {
    match link.heard(topic) {
        Heard::Directory => {
            let Ok(change) = serde_json::from_slice::<Change>(payload) else {
                tracing::warn!(%topic, "a directory record that could not be read");
                return;
            };
            if let Err(e) = engine
                .send(
                    actor(),
                    Command::ApplyDirectory {
                        change: Box::new(change),
                    },
                )
                .await
            {
                tracing::warn!(%topic, error = %e, "a directory record was not taken");
            }
        }
        Heard::Ask { from } if from != link.kiosk => {
            let Ok(ask) = serde_json::from_slice::<Ask>(payload) else {
                return;
            };
            let query = Query::SiteCode {
                fingerprints: ask.fingerprints.clone(),
            };
            // One visit to the engine: whether the code is held here, and
            // the locker code that says where.
            let held = engine
                .inspect(move |e| {
                    matches!(e.read(&actor(), query), Ok(Answer::SiteCodeHeld(true)))
                        .then(|| e.settings().locker_code.clone())
                })
                .await;
            let Some(Some(locker_code)) = held else {
                return;
            };
            let found = Found {
                v: 1,
                fingerprint: ask.fingerprints.first().cloned().unwrap_or_default(),
                kiosk: link.kiosk.clone(),
                locker_code,
            };
            let payload = serde_json::to_vec(&found).unwrap_or_default();
            if let Err(e) =
                client.try_publish(link.found_topic(from), QoS::AtMostOnce, false, payload)
            {
                tracing::warn!(error = %e, "could not answer another kiosk");
            }
        }
        Heard::Found { from } => {
            let Ok(found) = serde_json::from_slice::<Found>(payload) else {
                return;
            };
            // The broker's ACL lets a kiosk publish only under its own
            // topics: the topic says who answered.
            if found.kiosk != from {
                return;
            }
            let told = Command::CodeElsewhere {
                fingerprint: found.fingerprint,
                kiosk: found.kiosk,
                locker_code: found.locker_code,
            };
            if let Err(e) = engine.send(actor(), told).await {
                tracing::warn!(error = %e, "could not tell the screen whose a code is");
            }
        }
        Heard::Ask { .. } | Heard::Orders | Heard::Other => {}
    }
}

/// Asks the property whose a code typed here is, each time the engine
/// says so; a question that cannot go out now is dropped (the person has
/// the general answer already, and asking late helps nobody).
pub(super) async fn ask_site(engine: EngineHandle, client: AsyncClient, link: FleetLink) {
    let mut cues = engine.subscribe_cues();
    loop {
        match cues.recv().await {
            Ok(Event::AskSite { fingerprints }) => {
                let ask = Ask { v: 1, fingerprints };
                let payload = serde_json::to_vec(&ask).unwrap_or_default();
                if let Err(e) =
                    client.try_publish(link.ask_topic(), QoS::AtMostOnce, false, payload)
                {
                    tracing::debug!(error = %e, "could not ask the property");
                }
            }
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kiosk: &str) -> FleetLink {
        FleetLink {
            host: "h".into(),
            port: 1,
            site: "riverside".into(),
            kiosk: kiosk.into(),
            credentials: None,
            tls: None,
        }
    }

    #[test]
    fn a_topic_says_what_a_message_is() {
        let a = link("A");
        let b = link("B");
        assert_eq!(a.heard(&a.orders_topic()), Heard::Orders);
        assert_eq!(a.heard(&b.directory_topic("user/1001")), Heard::Directory);
        assert_eq!(a.heard(&b.ask_topic()), Heard::Ask { from: "B" });
        assert_eq!(a.heard(&b.found_topic("A")), Heard::Found { from: "B" });
        // An answer to another kiosk, another site, or a kiosk's events.
        assert_eq!(a.heard(&b.found_topic("C")), Heard::Other);
        assert_eq!(a.heard("locker/v1/elsewhere/B/ask"), Heard::Other);
        assert_eq!(a.heard(&b.events_topic()), Heard::Other);
        assert_eq!(a.heard(&b.orders_topic()), Heard::Other);
    }
}
