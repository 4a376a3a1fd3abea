//! What one Mosquitto carries for a fleet of kiosks (docs/PERFORMANCE.md,
//! docs/FLEET.md "What one broker carries"). Each case starts a Mosquitto
//! of its own, set up as `deploy/mosquitto/locker.conf` (a user per kiosk,
//! the ACL), connects N simulated kiosks over M sites at once, each a real
//! MQTT client with the kiosk's last will publishing what `locker::fleet`
//! publishes (the crate's own payload types), and one building tool on
//! `locker/v1/#` that counts, checks each kiosk's sequence and times every
//! event from hand-over to delivery.
//!
//!     cargo bench --bench fleet_load                 # every case of the table
//!     cargo bench --bench fleet_load -- --kiosks 1000 --sites 100 --per-hour 60
//!     cargo bench --bench fleet_load -- --kiosks 1000 --backlog 100
//!
//! Not part of `cargo test`: without cargo bench's `--bench` it does nothing.

mod broker;
mod kiosk;
mod watcher;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use broker::{Broker, Usage};
use clap::Parser;
use kiosk::{Fleet, Phase, Plan};
use watcher::{Watcher, quantile_ms};

#[derive(Parser, Debug)]
struct Args {
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
    /// One case of this many kiosks instead of the whole table.
    #[arg(long)]
    kiosks: Option<usize>,
    /// Sites they are spread over (default: one per 10 kiosks).
    #[arg(long)]
    sites: Option<usize>,
    /// New events per kiosk per hour (default: 60, none with a backlog).
    #[arg(long)]
    per_hour: Option<f64>,
    /// Events waiting in each kiosk's log when it connects.
    #[arg(long, default_value_t = 0)]
    backlog: u32,
    /// QoS 1 messages Mosquitto queues per client beyond those in flight
    /// (`max_queued_messages`, 0: no limit).
    #[arg(long, default_value_t = 1000)]
    queue: u32,
    /// QoS 1 messages in flight to a client at once
    /// (`max_inflight_messages`, 0: no limit).
    #[arg(long, default_value_t = 20)]
    inflight: u32,
    /// Seconds measured once every kiosk is connected (steady cases).
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

#[derive(Clone, Copy, Debug)]
struct Case {
    kiosks: usize,
    sites: usize,
    per_hour: f64,
    backlog: u32,
    seconds: u64,
    queue: u32,
    inflight: u32,
}

impl Case {
    fn steady(kiosks: usize, per_hour: f64) -> Case {
        Case {
            kiosks,
            sites: kiosks.div_ceil(10),
            per_hour,
            backlog: 0,
            seconds: 15,
            queue: 1000,
            inflight: 20,
        }
    }

    fn burst(kiosks: usize, backlog: u32) -> Case {
        Case {
            backlog,
            per_hour: 0.0,
            ..Case::steady(kiosks, 0.0)
        }
    }
}

/// One row of the table.
struct Row {
    case: Case,
    /// Until every kiosk had its CONNACK.
    connect_s: f64,
    /// First states (one per kiosk, on connecting) the watcher got.
    first_states: u64,
    /// Until the broker had acknowledged every kiosk's backlog.
    acked_s: Option<f64>,
    window_s: f64,
    seen: watcher::Seen,
    broker: (Usage, Usage),
    us: (Usage, Usage),
    /// The machine's busy and total ticks (all cores) at both ends.
    machine: ((u64, u64), (u64, u64)),
    /// The machine's busy share in the second before the case (others).
    before: f64,
    gaps: u64,
    repeats: u64,
    lost: u64,
    /// Kiosks' and the watcher's connections that came up again.
    reconnects: (usize, u64),
}

fn main() {
    let args = Args::parse();
    if !args.bench {
        println!("fleet_load: run with `cargo bench --bench fleet_load`");
        return;
    }
    let cases = match args.kiosks {
        Some(kiosks) => vec![Case {
            kiosks,
            sites: args.sites.unwrap_or(kiosks.div_ceil(10)).max(1),
            per_hour: args
                .per_hour
                .unwrap_or(if args.backlog > 0 { 0.0 } else { 60.0 }),
            backlog: args.backlog,
            seconds: args.seconds,
            queue: args.queue,
            inflight: args.inflight,
        }],
        None => {
            let mut all: Vec<Case> = [10, 100, 500, 1000, 5000]
                .into_iter()
                .map(|n| Case::steady(n, 60.0))
                .collect();
            all.extend([100, 500, 1000].map(|n| Case::burst(n, 100)));
            all.push(Case {
                queue: 0,
                ..Case::burst(1000, 100)
            });
            // One to 30 events a second per kiosk: where the one tool
            // reading everything falls behind, and with Mosquitto's
            // in-flight limit lifted.
            all.extend([3600.0, 36000.0, 108000.0].map(|r| Case::steady(1000, r)));
            all.push(Case {
                inflight: 0,
                ..Case::steady(1000, 108000.0)
            });
            all
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    const COLUMNS: &str = "| kiosks | sites | events/kiosk/h | backlog | queue/inflight \
        | connect s | first states | acked s | window s | offered ev/s | delivered msg/s \
        | events/s | p50 ms | p99 ms | broker CPU % | broker RSS MiB (peak) | bench CPU % \
        | machine busy % (before) | broker B/event | gaps/repeats/lost |";
    println!("{COLUMNS}");
    println!("|{}", "---|".repeat(20));
    // Sizes over every case: (events, payload bytes, PUBLISH bytes,
    // states, state PUBLISH bytes, event topic length).
    let mut sizes = (0, 0, 0, 0, 0, 0);
    for case in cases {
        let (row, f) = rt.block_on(run(case));
        print_row(&row);
        sizes.0 += f.built.load(Ordering::Relaxed);
        sizes.1 += f.event_payload.load(Ordering::Relaxed);
        sizes.2 += f.event_bytes.load(Ordering::Relaxed);
        sizes.3 += f.states.load(Ordering::Relaxed);
        sizes.4 += f.state_bytes.load(Ordering::Relaxed);
        sizes.5 = f.links[0].events_topic().len();
    }
    let (events, states) = (sizes.0.max(1) as f64, sizes.3.max(1) as f64);
    println!(
        "\nevent: payload {:.1} B, PUBLISH {:.1} B (+ PUBACK 4 B), topic {} B; state: PUBLISH {:.1} B",
        sizes.1 as f64 / events,
        sizes.2 as f64 / events,
        sizes.5,
        sizes.4 as f64 / states,
    );
}

fn print_row(r: &Row) {
    let c = r.case;
    let tps = broker::ticks_per_second();
    let cpu = |(a, b): (Usage, Usage)| (b.ticks - a.ticks) as f64 / tps / r.window_s * 100.0;
    let mut lat = r.seen.latency_us.clone();
    let p50 = quantile_ms(&mut lat, 0.5);
    let p99 = quantile_ms(&mut lat, 0.99);
    let io = (r.broker.1.read + r.broker.1.written) - (r.broker.0.read + r.broker.0.written);
    println!(
        "| {} | {} | {} | {} | {}/{} | {:.2} | {} | {} | {:.2} | {:.1} | {:.0} | {:.1} | {:.2} | {:.2} | {:.1} | {:.1} ({:.1}) | {:.1} | {:.0} ({:.0}) | {:.0} | {}/{}/{}{} |",
        c.kiosks,
        c.sites,
        c.per_hour,
        c.backlog,
        c.queue,
        c.inflight,
        r.connect_s,
        if c.backlog > 0 {
            "-".to_string()
        } else {
            r.first_states.to_string()
        },
        r.acked_s.map_or("-".into(), |a| format!("{a:.2}")),
        r.window_s,
        c.kiosks as f64 * c.per_hour / 3600.0,
        r.seen.messages() as f64 / r.window_s,
        r.seen.events as f64 / r.window_s,
        p50,
        p99,
        cpu(r.broker),
        r.broker.1.rss_kib as f64 / 1024.0,
        r.broker.1.peak_kib as f64 / 1024.0,
        cpu(r.us),
        busy(r.machine),
        r.before,
        io as f64 / r.seen.events.max(1) as f64,
        r.gaps,
        r.repeats,
        r.lost,
        if r.reconnects != (0, 0) {
            format!(" ({}+{} reconnects)", r.reconnects.0, r.reconnects.1)
        } else {
            String::new()
        },
    );
}

/// The machine's busy share between two readings, in %.
fn busy(((b0, a0), (b1, a1)): ((u64, u64), (u64, u64))) -> f64 {
    (b1 - b0) as f64 / (a1 - a0).max(1) as f64 * 100.0
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        if Instant::now() > deadline {
            eprintln!("fleet_load: gave up waiting for {what}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn run(case: Case) -> (Row, Arc<Fleet>) {
    let quiet = broker::machine();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = busy((quiet, broker::machine()));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fleet = Fleet::new(case.kiosks, case.sites, 0);
    let broker = Broker::start(dir.path(), &fleet.links, case.queue, case.inflight);
    for l in &mut fleet.links {
        l.port = broker.port;
    }
    let fleet = Arc::new(fleet);
    let watcher = Watcher::start(fleet.clone(), broker.port).await;
    let (phase, phases) = tokio::sync::watch::channel(Phase::Connect);
    let every = if case.per_hour > 0.0 {
        3600.0 / case.per_hour
    } else {
        0.0
    };
    let (b0, g0, t0) = (broker.usage(), broker::usage("/proc/self"), Instant::now());
    let m0 = broker::machine();
    for i in 0..case.kiosks {
        let plan = Plan {
            backlog: case.backlog,
            per_hour: case.per_hour,
            phase: Duration::from_secs_f64(every * rand::random::<f64>()),
        };
        tokio::spawn(kiosk::run(fleet.clone(), i, plan, phases.clone()));
    }
    let n = case.kiosks;
    wait_for("every kiosk's CONNACK", Duration::from_secs(60), || {
        fleet.connected.load(Ordering::Relaxed) == n
    })
    .await;
    let connect_s = t0.elapsed().as_secs_f64();
    let mut acked_s = None;
    let mut first_states = n as u64;
    let (window_s, seen, broker_use, us, machine) = if case.backlog > 0 {
        // Every kiosk's backlog at once: the broker's restart. Until the
        // broker acknowledged all of it, then until the last delivery
        // (or nothing more for a second).
        let want = (n as u64) * u64::from(case.backlog);
        wait_for(
            "the backlogs' acknowledgements",
            Duration::from_secs(60),
            || fleet.acked.load(Ordering::Relaxed) >= want,
        )
        .await;
        acked_s = Some(t0.elapsed().as_secs_f64());
        let mut progress = (0, Instant::now());
        wait_for("the backlogs' delivery", Duration::from_secs(60), || {
            let got = watcher.peek().events;
            if got != progress.0 {
                progress = (got, Instant::now());
            }
            got >= want || progress.1.elapsed() > Duration::from_secs(1)
        })
        .await;
        let (b1, g1) = (broker.usage(), broker::usage("/proc/self"));
        let last = watcher.last_event.lock().expect("last event").unwrap_or(t0);
        let window = last.duration_since(t0).as_secs_f64().max(1e-3);
        (
            window,
            watcher.take(),
            (b0, b1),
            (g0, g1),
            (m0, broker::machine()),
        )
    } else {
        // Steady: every kiosk's first state delivered (or as many as
        // come in 10 s), then a window.
        wait_for("every kiosk's first state", Duration::from_secs(10), || {
            watcher.peek().states >= n as u64
        })
        .await;
        first_states = watcher.peek().states;
        let _ = phase.send(Phase::Go);
        // Each kiosk's first event comes at a random point of its
        // interval: the window starts a second in.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = watcher.take();
        let (b1, g1, t1) = (broker.usage(), broker::usage("/proc/self"), Instant::now());
        let m1 = broker::machine();
        tokio::time::sleep(Duration::from_secs(case.seconds)).await;
        let seen = watcher.take();
        let (b2, g2) = (broker.usage(), broker::usage("/proc/self"));
        let m2 = broker::machine();
        (
            t1.elapsed().as_secs_f64(),
            seen,
            (b1, b2),
            (g1, g2),
            (m1, m2),
        )
    };
    let _ = phase.send(Phase::Stop);
    // What was still on its way.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let gaps = watcher.gaps.load(Ordering::Relaxed);
    let repeats = watcher.repeats.load(Ordering::Relaxed);
    let row = Row {
        case,
        connect_s,
        first_states,
        acked_s,
        window_s,
        seen,
        broker: broker_use,
        us,
        machine,
        before,
        gaps,
        repeats,
        lost: watcher.lost(&fleet),
        reconnects: (
            fleet.reconnects.load(Ordering::Relaxed),
            watcher.reconnects.load(Ordering::Relaxed),
        ),
    };
    watcher.done.store(true, Ordering::Relaxed);
    drop(broker);
    (row, fleet)
}
