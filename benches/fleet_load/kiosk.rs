//! A simulated kiosk: a real MQTT connection with the kiosk's last will,
//! publishing as `locker::fleet` does: retained `online` and `state` on
//! connecting, then its events one at a time with QoS 1, each waiting for
//! the broker's acknowledgement, and the state again after each batch.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use locker::domain::{CompartmentId, CompartmentState, ParcelId};
use locker::fleet::{FleetEvent, FleetLink, FleetState};
use rumqttc::{AsyncClient, Event as MqttEvent, LastWill, Packet, QoS};
use tokio::sync::watch;

/// The publisher reads the audit log 100 entries at a time and sends the
/// state after each batch.
const BATCH: u32 = 100;
/// A kiosk about a year in, at a few hundred entries a day: its sequence
/// numbers have six digits.
pub const FIRST_SEQ: u64 = 100_000;
/// Doors of the simulated bank.
const DOORS: u64 = 30;

/// What every kiosk of a run shares with the watcher.
pub struct Fleet {
    pub links: Vec<FleetLink>,
    /// When each event was handed to the connection, by kiosk and seq,
    /// until the watcher sees it.
    pub sent: Vec<Mutex<HashMap<u64, Instant>>>,
    /// Kiosks that got their first CONNACK.
    pub connected: AtomicUsize,
    /// Connections that came up again after going down.
    pub reconnects: AtomicUsize,
    /// Events the broker acknowledged, in all, and each kiosk's last.
    pub acked: AtomicU64,
    pub last_acked: Vec<AtomicU64>,
    /// Event and state packets on the wire, in bytes (PUBLISH from the
    /// kiosk, for the averages).
    pub built: AtomicU64,
    pub event_bytes: AtomicU64,
    pub event_payload: AtomicU64,
    pub state_bytes: AtomicU64,
    pub states: AtomicU64,
}

impl Fleet {
    /// `kiosks` kiosks spread evenly over `sites` sites.
    pub fn new(kiosks: usize, sites: usize, port: u16) -> Fleet {
        let links = (0..kiosks)
            .map(|i| FleetLink {
                host: "127.0.0.1".into(),
                port,
                site: format!("site-{:03}", i % sites),
                kiosk: format!("K{:03}", i / sites),
                credentials: None,
                tls: None,
            })
            .map(|mut l| {
                l.credentials = Some((
                    format!("{}-{}", l.site, l.kiosk),
                    super::broker::PASSWORD.to_string(),
                ));
                l
            })
            .collect::<Vec<_>>();
        Fleet {
            sent: links.iter().map(|_| Mutex::new(HashMap::new())).collect(),
            links,
            connected: AtomicUsize::new(0),
            reconnects: AtomicUsize::new(0),
            acked: AtomicU64::new(0),
            last_acked: (0..kiosks).map(|_| AtomicU64::new(0)).collect(),
            built: AtomicU64::new(0),
            event_bytes: AtomicU64::new(0),
            event_payload: AtomicU64::new(0),
            state_bytes: AtomicU64::new(0),
            states: AtomicU64::new(0),
        }
    }
}

/// Bytes of a PUBLISH with a packet id (QoS 1) on the wire: fixed header,
/// remaining length, topic, packet id, payload.
pub fn publish_bytes(topic: usize, payload: usize) -> u64 {
    let rest = 2 + topic + 2 + payload;
    let mut len_bytes = 1;
    while rest >= 128usize.pow(len_bytes) {
        len_bytes += 1;
    }
    (1 + len_bytes as usize + rest) as u64
}

/// The nth event of a kiosk: a parcel's life, deposit to pickup.
fn event(seq: u64) -> FleetEvent {
    let n = seq - FIRST_SEQ;
    let parcel = n / 5 + 1;
    let door = CompartmentId((parcel % DOORS + 1) as u16);
    let (event, parcel) = match n % 5 {
        0 => ("deposit_started", None),
        1 => ("deposit_stored", Some(ParcelId(parcel))),
        2 => ("door_closed", None),
        3 => ("picked_up", Some(ParcelId(parcel))),
        _ => ("door_closed", None),
    };
    FleetEvent {
        v: 1,
        seq,
        at: Utc::now(),
        event: event.into(),
        door: Some(door),
        parcel,
    }
}

fn state(occupied: usize) -> FleetState {
    let mut doors = BTreeMap::new();
    for s in CompartmentState::ALL {
        doors.insert(s.as_str().to_string(), 0);
    }
    doors.insert(
        CompartmentState::Free.as_str().into(),
        DOORS as usize - occupied,
    );
    doors.insert(CompartmentState::Occupied.as_str().into(), occupied);
    FleetState {
        v: 1,
        at: Utc::now(),
        doors,
        boards: vec![(1, true), (2, true)],
        open_alerts: 0,
    }
}

#[derive(Clone, Copy)]
enum Out {
    Online,
    State,
    Event(u64),
}

/// How a kiosk behaves in a run.
#[derive(Clone, Copy)]
pub struct Plan {
    /// Events waiting in its log when it connects.
    pub backlog: u32,
    /// New events an hour (0: none).
    pub per_hour: f64,
    /// Its first new event comes this long after the run says go.
    pub phase: Duration,
}

/// What the run tells its kiosks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connecting, sending the backlog.
    Connect,
    /// Every kiosk is connected: new events from now on.
    Go,
    Stop,
}

/// Runs kiosk `i` until `phase` says to stop.
pub async fn run(
    fleet: std::sync::Arc<Fleet>,
    i: usize,
    plan: Plan,
    mut phase: watch::Receiver<Phase>,
) {
    let link = &fleet.links[i];
    let mut opts = link.options(format!("locker-{}-{}", link.site, link.kiosk));
    opts.set_last_will(LastWill::new(
        link.online_topic(),
        "false",
        QoS::AtLeastOnce,
        true,
    ));
    let (client, mut eventloop) = AsyncClient::new(opts, 16);
    let (online, state_topic, events) =
        (link.online_topic(), link.state_topic(), link.events_topic());
    let every = (plan.per_hour > 0.0).then(|| Duration::from_secs_f64(3600.0 / plan.per_hour));
    let mut next = tokio::time::Instant::now();
    let mut ticking = false;
    let mut ever_connected = false;
    let mut up = false;
    let mut inflight: Option<Out> = None;
    let (mut online_due, mut state_due) = (false, false);
    let (mut pending, mut in_batch) = (0u32, 0u32);
    let mut seq = FIRST_SEQ;
    loop {
        tokio::select! {
            ev = eventloop.poll() => match ev {
                Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                    if ever_connected {
                        fleet.reconnects.fetch_add(1, Ordering::Relaxed);
                    } else {
                        ever_connected = true;
                        pending += plan.backlog;
                        fleet.connected.fetch_add(1, Ordering::Relaxed);
                    }
                    up = true;
                    inflight = None;
                    online_due = true;
                    state_due = true;
                    let _ = client.try_subscribe(link.orders_topic(), QoS::AtLeastOnce);
                }
                Ok(MqttEvent::Incoming(Packet::PubAck(_))) => match inflight.take() {
                    Some(Out::Online) => online_due = false,
                    Some(Out::State) => state_due = false,
                    Some(Out::Event(s)) => {
                        fleet.acked.fetch_add(1, Ordering::Relaxed);
                        fleet.last_acked[i].store(s, Ordering::Relaxed);
                        seq = s;
                        pending -= 1;
                        in_batch += 1;
                        if pending == 0 || in_batch == BATCH {
                            state_due = true;
                            in_batch = 0;
                        }
                    }
                    None => {}
                },
                Ok(_) => {}
                Err(_) => {
                    up = false;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            },
            () = tokio::time::sleep_until(next), if ticking => {
                pending += 1;
                next += every.unwrap_or_default();
            }
            changed = phase.changed() => {
                let now = *phase.borrow_and_update();
                if changed.is_err() || now == Phase::Stop {
                    return;
                }
                if now == Phase::Go && every.is_some() {
                    ticking = true;
                    next = tokio::time::Instant::now() + plan.phase;
                }
            }
        }
        if !up || inflight.is_some() {
            continue;
        }
        let (out, topic, retain, payload) = if online_due {
            (Out::Online, &online, true, b"true".to_vec())
        } else if state_due {
            let occupied = ((seq - FIRST_SEQ) / 5 % DOORS) as usize;
            let p = serde_json::to_vec(&state(occupied)).expect("state");
            fleet.states.fetch_add(1, Ordering::Relaxed);
            fleet
                .state_bytes
                .fetch_add(publish_bytes(state_topic.len(), p.len()), Ordering::Relaxed);
            (Out::State, &state_topic, true, p)
        } else if pending > 0 {
            let s = seq + 1;
            let p = serde_json::to_vec(&event(s)).expect("event");
            fleet.built.fetch_add(1, Ordering::Relaxed);
            fleet
                .event_payload
                .fetch_add(p.len() as u64, Ordering::Relaxed);
            fleet
                .event_bytes
                .fetch_add(publish_bytes(events.len(), p.len()), Ordering::Relaxed);
            fleet.sent[i]
                .lock()
                .expect("sent")
                .insert(s, Instant::now());
            (Out::Event(s), &events, false, p)
        } else {
            continue;
        };
        if client
            .try_publish(topic.as_str(), QoS::AtLeastOnce, retain, payload)
            .is_ok()
        {
            inflight = Some(out);
        }
    }
}
