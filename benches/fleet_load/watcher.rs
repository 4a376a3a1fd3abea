//! The building's tool on `locker/v1/#`: counts what arrives, checks each
//! kiosk's events come in sequence, and times each event from the moment
//! its kiosk handed it to the connection to its delivery here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use locker::fleet::FleetEvent;
use rumqttc::{AsyncClient, Event as MqttEvent, MqttOptions, Packet, QoS};

use super::broker::{PASSWORD, WATCHER};
use super::kiosk::{FIRST_SEQ, Fleet};

/// What arrived, since the last `take`.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub online: u64,
    pub states: u64,
    pub events: u64,
    /// Other topics, or payloads that were not an event.
    pub other: u64,
    /// Micro-seconds from hand-over to delivery, one per event.
    pub latency_us: Vec<u64>,
}

impl Seen {
    pub fn messages(&self) -> u64 {
        self.online + self.states + self.events + self.other
    }
}

pub struct Watcher {
    seen: Mutex<Seen>,
    /// Per kiosk, over the whole run: the last seq and how many events
    /// above the one before it arrived.
    last: Mutex<Vec<(u64, u64)>>,
    subscribed: AtomicBool,
    /// Times its connection came up again (subscribing anew each time).
    pub reconnects: AtomicU64,
    /// Set at the end of the run: the connection goes.
    pub done: AtomicBool,
    /// Over the whole run: events not right after their kiosk's last seq
    /// (some missing before them),
    pub gaps: AtomicU64,
    /// and events at or below it (QoS 1 repeats, or out of order).
    pub repeats: AtomicU64,
    /// When the last event arrived.
    pub last_event: Mutex<Option<Instant>>,
}

impl Watcher {
    /// Connects, subscribes with QoS 1 and returns once the broker said so.
    /// It runs on a thread of its own, as a building's tool is a process of
    /// its own: among a thousand busy kiosk tasks it would get a
    /// thousandth of the runtime's turns.
    pub async fn start(fleet: Arc<Fleet>, port: u16) -> Arc<Watcher> {
        let watcher = Arc::new(Watcher {
            seen: Mutex::new(Seen::default()),
            last: Mutex::new(vec![(FIRST_SEQ, 0); fleet.links.len()]),
            subscribed: AtomicBool::new(false),
            reconnects: AtomicU64::new(0),
            done: AtomicBool::new(false),
            gaps: AtomicU64::new(0),
            repeats: AtomicU64::new(0),
            last_event: Mutex::new(None),
        });
        let mut opts = MqttOptions::new("dashboard-load", "127.0.0.1", port);
        opts.set_keep_alive(Duration::from_secs(10));
        opts.set_credentials(WATCHER, PASSWORD);
        let index: HashMap<String, usize> = fleet
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.base(), i))
            .collect();
        let w = watcher.clone();
        let own = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the watcher's runtime");
        std::thread::spawn(move || {
            own.block_on(async move {
                let (client, mut eventloop) = AsyncClient::new(opts, 64);
                client
                    .subscribe("locker/v1/#", QoS::AtLeastOnce)
                    .await
                    .expect("subscribe");
                let mut connected = false;
                while !w.done.load(Ordering::Relaxed) {
                    match eventloop.poll().await {
                        Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                            if connected {
                                w.reconnects.fetch_add(1, Ordering::Relaxed);
                                let _ = client.try_subscribe("locker/v1/#", QoS::AtLeastOnce);
                            }
                            connected = true;
                        }
                        Ok(MqttEvent::Incoming(Packet::SubAck(_))) => {
                            w.subscribed.store(true, Ordering::SeqCst);
                        }
                        Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                            w.arrived(&fleet, &index, &p.topic, &p.payload);
                        }
                        Ok(_) => {}
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
            })
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while !watcher.subscribed.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the watcher's subscription");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        watcher
    }

    fn arrived(&self, fleet: &Fleet, index: &HashMap<String, usize>, topic: &str, payload: &[u8]) {
        let now = Instant::now();
        let (base, leaf) = topic.rsplit_once('/').unwrap_or((topic, ""));
        let kiosk = index.get(base).copied();
        let mut seen = self.seen.lock().expect("seen");
        match (leaf, kiosk) {
            ("online", Some(_)) => seen.online += 1,
            ("state", Some(_)) => seen.states += 1,
            ("events", Some(k)) => match serde_json::from_slice::<FleetEvent>(payload) {
                Ok(e) => {
                    seen.events += 1;
                    *self.last_event.lock().expect("last event") = Some(now);
                    let mut last = self.last.lock().expect("last");
                    let (seq, count) = &mut last[k];
                    if e.seq <= *seq {
                        self.repeats.fetch_add(1, Ordering::Relaxed);
                    } else {
                        if e.seq != *seq + 1 {
                            self.gaps.fetch_add(1, Ordering::Relaxed);
                        }
                        *seq = e.seq;
                        *count += 1;
                    }
                    if let Some(at) = fleet.sent[k].lock().expect("sent").remove(&e.seq) {
                        seen.latency_us
                            .push(now.duration_since(at).as_micros() as u64);
                    }
                }
                Err(_) => seen.other += 1,
            },
            _ => seen.other += 1,
        }
    }

    /// What arrived since the last call, and starts counting anew.
    pub fn take(&self) -> Seen {
        std::mem::take(&mut *self.seen.lock().expect("seen"))
    }

    /// Events the broker acknowledged that never arrived: every seq up to
    /// the last one acknowledged or seen was sent, once each.
    pub fn lost(&self, fleet: &Fleet) -> u64 {
        let last = self.last.lock().expect("last");
        last.iter()
            .zip(&fleet.last_acked)
            .map(|(&(seen, count), acked)| {
                let sent = seen.max(acked.load(Ordering::Relaxed)) - FIRST_SEQ;
                sent.saturating_sub(count)
            })
            .sum()
    }

    /// Counts so far without starting anew (latencies left out).
    pub fn peek(&self) -> Seen {
        self.seen.lock().expect("seen").clone_counts()
    }
}

impl Seen {
    fn clone_counts(&self) -> Seen {
        Seen {
            online: self.online,
            states: self.states,
            events: self.events,
            other: self.other,
            latency_us: Vec::new(),
        }
    }
}

/// The `q` quantile (0..1) of `v`, sorted in place, in milliseconds.
pub fn quantile_ms(v: &mut [u64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i] as f64 / 1000.0
}
