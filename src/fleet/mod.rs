//! The kiosk on its property's MQTT broker (docs/FLEET.md). What the kiosk
//! publishes is already durable and in order: the audit log. The publisher
//! sends each entry after the last one the broker acknowledged, with QoS 1,
//! and records how far it got, so a broker that was down, or a kiosk that
//! restarted, loses nothing; a receiver drops repeats by sequence number.
//! The kiosk works the same with no broker at all.

pub mod agent;
pub mod console;
pub mod detail;
pub mod order;
mod orders;
pub mod site;
pub mod tls;
pub mod watch;

use std::time::Duration;

use rumqttc::{AsyncClient, Event as MqttEvent, LastWill, MqttOptions, Packet, QoS};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::domain::{CompartmentId, ParcelId};
use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, Event};
use crate::store::AuditEntry;
pub use detail::FleetDetail;
pub use order::SupportKey;

/// The version in every topic: a change of payload that breaks a reader
/// gets a new one.
pub const TOPIC_VERSION: &str = "v1";
/// Entries read from the log at a time.
const BATCH: u32 = 100;
/// How long a QoS 1 publish may wait for its acknowledgement before it is
/// sent again.
const ACK_WAIT: Duration = Duration::from_secs(5);

/// Where the kiosk is on the broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetLink {
    pub host: String,
    pub port: u16,
    pub site: String,
    pub kiosk: String,
    /// The user and password the broker asks for, if it does.
    pub credentials: Option<(String, String)>,
    /// `mqtts://`: the connection is over TLS with these files.
    pub tls: Option<tls::TlsFiles>,
}

/// Reads a password file: its first line, which must not be empty, from a
/// file nobody else can read.
pub fn read_password(path: &std::path::Path) -> Result<String, String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "{}: others can read it (chmod 600)",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match text.lines().next().map(str::trim) {
        Some(p) if !p.is_empty() => Ok(p.to_string()),
        _ => Err(format!("{}: empty", path.display())),
    }
}

impl FleetLink {
    /// The connection's options: client id, keep-alive, credentials, TLS.
    pub fn options(&self, client: String) -> MqttOptions {
        let mut opts = MqttOptions::new(client, self.host.clone(), self.port);
        opts.set_keep_alive(Duration::from_secs(10));
        if let Some((user, password)) = &self.credentials {
            opts.set_credentials(user.clone(), password.clone());
        }
        if let Some(tls) = &self.tls {
            opts.set_transport(rumqttc::Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(tls.client_config()),
            ));
        }
        opts
    }

    /// `locker/v1/<site>/<kiosk>`: everything this kiosk publishes.
    pub fn base(&self) -> String {
        format!("locker/{TOPIC_VERSION}/{}/{}", self.site, self.kiosk)
    }

    /// Retained `true` while connected; the broker's last will sets `false`.
    pub fn online_topic(&self) -> String {
        format!("{}/online", self.base())
    }

    pub fn events_topic(&self) -> String {
        format!("{}/events", self.base())
    }

    /// Signed orders from support for this kiosk.
    pub fn orders_topic(&self) -> String {
        format!("{}/orders", self.base())
    }

    /// The kiosk's answers to orders.
    pub fn results_topic(&self) -> String {
        format!("{}/results", self.base())
    }

    /// Retained: the bank as it is now.
    pub fn state_topic(&self) -> String {
        format!("{}/state", self.base())
    }

    /// Retained: each door with its parcel, and the open alerts (support
    /// only).
    pub fn detail_topic(&self) -> String {
        format!("{}/detail", self.base())
    }
}

/// The retained `…/state`: what a building's dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetState {
    pub v: u32,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Doors by state (`free`, `occupied`, `faulty`, …): every state named,
    /// with 0 where no door is in it.
    pub doors: std::collections::BTreeMap<String, usize>,
    /// Each lock board's address and whether it answers.
    pub boards: Vec<(u8, bool)>,
    pub open_alerts: usize,
}

/// One event on `…/events`: an audit entry without its actor and detail
/// (names and free text stay in the kiosk).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetEvent {
    pub v: u32,
    /// The audit entry's sequence number: in order, and the key receivers
    /// drop repeats by.
    pub seq: u64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The audit action's machine name (`parcel_stored`, `pickup`, …).
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub door: Option<CompartmentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel: Option<ParcelId>,
}

impl From<&AuditEntry> for FleetEvent {
    fn from(e: &AuditEntry) -> Self {
        FleetEvent {
            v: 1,
            seq: e.seq,
            at: e.at,
            event: e.action.clone(),
            door: e.compartment,
            parcel: e.parcel,
        }
    }
}

/// What the MQTT connection tells the publisher.
enum Wire {
    Connected,
    Acked,
    Down,
}

/// How a publish went.
#[derive(PartialEq, Eq)]
enum Sent {
    Acked,
    /// No acknowledgement in time: send again.
    Unanswered,
    /// The connection went down: wait for it, then send again.
    Down,
}

fn actor() -> Actor {
    Actor::Local {
        name: "fleet".into(),
    }
}

/// Starts publishing on the current tokio runtime, and carrying out the
/// orders the agents of `keys` sign.
pub fn spawn(engine: EngineHandle, link: FleetLink, keys: Vec<SupportKey>) {
    tokio::spawn(publish(engine, link, keys));
}

async fn publish(engine: EngineHandle, link: FleetLink, keys: Vec<SupportKey>) {
    let mut opts = link.options(format!("locker-{}-{}", link.site, link.kiosk));
    opts.set_last_will(LastWill::new(
        link.online_topic(),
        "false",
        QoS::AtLeastOnce,
        true,
    ));
    let (client, mut eventloop) = AsyncClient::new(opts, 16);
    let (tx, mut wire) = mpsc::unbounded_channel();
    let (orders_tx, orders) = mpsc::unbounded_channel();
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel::<(String, Vec<u8>)>();
    {
        let (engine, client, link) = (engine.clone(), client.clone(), link.clone());
        tokio::spawn(async move {
            while let Some((topic, payload)) = heard_rx.recv().await {
                if link.heard(&topic) == site::Heard::Orders {
                    let _ = orders_tx.send(payload);
                } else {
                    site::heard(&engine, &client, &link, &topic, &payload).await;
                }
            }
        });
    }
    let site_key = engine.inspect(|e| e.settings().site.is_some()).await == Some(true);
    if site_key {
        tokio::spawn(site::ask_site(engine.clone(), client.clone(), link.clone()));
    }
    tokio::spawn(async move {
        // The log says why the broker cannot be reached once per outage (a
        // certificate it refuses, a wrong password...), then only at debug.
        let mut told = None::<String>;
        loop {
            let said = match eventloop.poll().await {
                Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                    told = None;
                    Wire::Connected
                }
                Ok(MqttEvent::Incoming(Packet::PubAck(_))) => Wire::Acked,
                Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                    let _ = heard_tx.send((p.topic.clone(), p.payload.to_vec()));
                    continue;
                }
                Ok(_) => continue,
                Err(e) => {
                    let why = e.to_string();
                    if told.as_ref() != Some(&why) {
                        tracing::warn!(error = %why, "the property's broker cannot be reached");
                        told = Some(why);
                    } else {
                        tracing::debug!(error = %e, "broker unreachable");
                    }
                    // Polling again reconnects; not faster than this.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Wire::Down
                }
            };
            if tx.send(said).is_err() {
                return;
            }
        }
    });
    if !keys.is_empty() {
        tokio::spawn(orders::serve_orders(
            engine.clone(),
            client.clone(),
            link.clone(),
            keys.clone(),
            orders,
        ));
    }
    let mut events = engine.subscribe();
    let mut cues = engine.subscribe_cues();
    let Some(mut done) = read_published(&engine).await else {
        return;
    };
    let mut recorded = done;
    loop {
        // Wait for a connection (repeats of Down and stray acks go by).
        loop {
            match wire.recv().await {
                Some(Wire::Connected) => break,
                Some(_) => {}
                None => return,
            }
        }
        tracing::info!(broker = %link.host, "connected to the property's broker");
        if subscribe(&client, &link, !keys.is_empty(), site_key)
            .await
            .is_err()
        {
            continue;
        }
        if send(
            &client,
            &mut wire,
            &link.online_topic(),
            true,
            b"true".to_vec(),
        )
        .await
            == Sent::Down
        {
            continue;
        }
        let mut state_due = true;
        let mut directory_due = true;
        'connected: loop {
            if directory_due {
                match site::publish_directory(&engine, &link, &client, &mut wire).await {
                    Sent::Acked => directory_due = false,
                    Sent::Unanswered => continue 'connected,
                    Sent::Down => break 'connected,
                }
            }
            if state_due {
                let Some(state) = engine.inspect(detail::read_state).await else {
                    return;
                };
                match state {
                    Ok((state, detail)) => {
                        let state = serde_json::to_vec(&state).unwrap_or_default();
                        let detail = serde_json::to_vec(&detail).unwrap_or_default();
                        let mut sent =
                            send(&client, &mut wire, &link.state_topic(), true, state).await;
                        if sent == Sent::Acked {
                            sent =
                                send(&client, &mut wire, &link.detail_topic(), true, detail).await;
                        }
                        match sent {
                            Sent::Acked => state_due = false,
                            Sent::Unanswered => continue 'connected,
                            Sent::Down => break 'connected,
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not read the state to publish");
                        state_due = false;
                    }
                }
            }
            let Some(batch) = entries_after(&engine, done).await else {
                return;
            };
            if batch.is_empty() {
                tokio::select! {
                    ev = events.recv() => {
                        // A door, an alert or the bus changed (or events
                        // were missed): the retained state follows.
                        state_due = ev.as_ref().is_ok_and(|e| e.is_shared()) || ev.is_err();
                    }
                    cue = cues.recv() => {
                        directory_due = matches!(cue, Ok(Event::DirectoryChanged) | Err(_));
                    }
                    w = wire.recv() => match w {
                        Some(Wire::Down) => break 'connected,
                        Some(_) => {}
                        None => return,
                    },
                    () = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
                continue;
            }
            let mut stopped = Sent::Acked;
            for entry in &batch {
                let payload = serde_json::to_vec(&FleetEvent::from(entry)).unwrap_or_default();
                stopped = send(&client, &mut wire, &link.events_topic(), false, payload).await;
                if stopped != Sent::Acked {
                    break;
                }
                done = entry.seq;
                // Something happened: the retained state follows.
                state_due = true;
            }
            // One write per batch, not per entry: after a crash the rest of
            // a batch goes out again, and receivers drop repeats.
            if done > recorded {
                match engine.send(actor(), Command::Published { seq: done }).await {
                    Ok(_) => recorded = done,
                    Err(e) => tracing::warn!(error = %e, "could not record the published place"),
                }
            }
            if stopped == Sent::Down {
                break 'connected;
            }
        }
    }
}

/// Subscribes to what the kiosk hears from the property: the directory
/// always, orders with support keys, codes' questions and answers with a
/// site key.
async fn subscribe(
    client: &AsyncClient,
    link: &FleetLink,
    orders: bool,
    site_key: bool,
) -> Result<(), rumqttc::ClientError> {
    client
        .subscribe(link.directory_filter(), QoS::AtLeastOnce)
        .await?;
    if orders {
        client
            .subscribe(link.orders_topic(), QoS::AtLeastOnce)
            .await?;
    }
    if site_key {
        client.subscribe(link.ask_filter(), QoS::AtMostOnce).await?;
        client
            .subscribe(link.found_filter(), QoS::AtMostOnce)
            .await?;
    }
    Ok(())
}

/// Publishes with QoS 1 and waits for the broker's acknowledgement.
async fn send(
    client: &AsyncClient,
    wire: &mut mpsc::UnboundedReceiver<Wire>,
    topic: &str,
    retain: bool,
    payload: Vec<u8>,
) -> Sent {
    if client
        .publish(topic, QoS::AtLeastOnce, retain, payload)
        .await
        .is_err()
    {
        return Sent::Down;
    }
    let deadline = tokio::time::sleep(ACK_WAIT);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            w = wire.recv() => match w {
                Some(Wire::Acked) => return Sent::Acked,
                Some(Wire::Connected) => {}
                Some(Wire::Down) | None => return Sent::Down,
            },
            () = &mut deadline => return Sent::Unanswered,
        }
    }
}

async fn read_published(engine: &EngineHandle) -> Option<u64> {
    match engine
        .inspect(|e| e.read(&actor(), Query::PublishedUpTo))
        .await?
    {
        Ok(Answer::PublishedUpTo(seq)) => Some(seq),
        other => {
            tracing::error!(answer = ?other.err(), "the fleet publisher cannot read its place");
            None
        }
    }
}

async fn entries_after(engine: &EngineHandle, after: u64) -> Option<Vec<AuditEntry>> {
    let query = Query::AuditRange {
        after,
        limit: BATCH,
    };
    match engine.inspect(move |e| e.read(&actor(), query)).await? {
        Ok(Answer::AuditEntries(entries)) => Some(entries),
        other => {
            tracing::error!(answer = ?other.err(), "the fleet publisher cannot read the log");
            None
        }
    }
}
