//! Key to lock (docs/PERFORMANCE.md): from the `#` after a typed code reaching the
//! kiosk's key decoder to the last byte of the FC05 frame at the simulated
//! board, through everything the kiosk runs: the decoder, the kiosk's
//! update, the hop to the engine thread, the code's keyed hash and the
//! intent's flush, and the bus task, which polls 8 lb48 boards at 9600 baud
//! (wire time emulated on the simulator's replies) and sends the pulse once
//! the exchange already on the line is over.
//!
//!     cargo bench --bench key_to_lock            # 200 pickups (LOCKER_KEY_TO_LOCK_RUNS)
//!
//! Prints p50, p99 and the goal: the rest of one exchange already on the
//! line, plus the FC05 frame's own time, plus 5 ms.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use locker::bus::LockBus;
use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::clock::SystemClock;
use locker::domain::CompartmentId;
use locker::engine::runner::EngineHandle;
use locker::engine::{Engine, EngineSettings};
use locker::hardware::{Bank, embedded_profile};
use locker::kiosk::{Kiosk, KioskFacts};
use locker::sim::{SimLink, SimOptions, Simulator};
use locker::store::Store;
use locker::ui::{InputDecoder, Keymap, ScanSettings};

const WAIT: Duration = Duration::from_secs(10);
const BOARDS: u8 = 8;
const BAUD: u32 = 9600;

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// Byte time at 8N1.
fn bytes_ms(n: u32) -> f64 {
    f64::from(n) * 10.0 * 1000.0 / f64::from(BAUD)
}

fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it once.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs: usize = std::env::var("LOCKER_KEY_TO_LOCK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 3 } else { 200 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let _in = rt.enter();
    let lb48 = embedded_profile("lb48").expect("built-in lb48");
    let bank = Bank::uniform(&lb48, BOARDS);
    let opts = SimOptions {
        baud: BAUD,
        ..SimOptions::default()
    };
    let sim = Simulator::start(&bank, SimLink::Pty(None), opts).expect("simulator");
    let mut cfg = BusConfig::new(sim.path().display().to_string());
    cfg.baud = BAUD;
    let (bus, bus_events) = ModbusLockBus::spawn(&bank, cfg).expect("bus");
    until("every board online", || {
        bank.boards.iter().all(|b| bus.board_online(b.address))
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = EngineSettings::for_tests();
    let facts = KioskFacts::from_engine(&settings, &bank.layout, "bench");
    let mut engine = Engine::open(
        Store::open(dir.path()).expect("store"),
        Box::new(bus),
        bank.layout.clone(),
        Arc::new(SystemClock),
        settings,
    )
    .expect("engine");
    let op = common::bench_recipient(&mut engine);
    let mut handle = EngineHandle::spawn(engine, bus_events, Duration::ZERO);
    // The last board's first door: its poll comes last in the cycle.
    let door = CompartmentId(u16::from(BOARDS - 1) * 48 + 1);
    let lock = bank.layout.compartment(door).expect("door").lock();
    let mut samples = Vec::with_capacity(runs);
    // Of each sample, the part until the engine had answered the kiosk
    // (decoder, update, hop, keyed hash, intent, flush).
    let mut to_engine = Vec::with_capacity(runs);
    for _ in 0..runs {
        let placed = handle
            .send_blocking(op.clone(), common::place(door))
            .expect("place");
        let parcel = common::stored(&placed);
        sim.set_item(lock, true);
        let outbox = handle
            .inspect_blocking(|e| e.outbox_with_codes())
            .expect("engine running")
            .expect("outbox");
        let code = common::code_in(outbox, parcel);
        // A person types the six digits, a key every 300 ms (not timed).
        let mut decoder = InputDecoder::new(Keymap::keypad16(), ScanSettings::default());
        let mut kiosk = Kiosk::new(facts.clone(), chrono::Utc::now());
        let start = Instant::now() - Duration::from_secs(3);
        for (i, c) in code.chars().enumerate() {
            let at = start + Duration::from_millis(300 * i as u64);
            for input in decoder.feed(key(c), at) {
                let r = kiosk.on_input(input, chrono::Utc::now());
                kiosk.serve(&mut handle, r);
            }
        }
        for input in decoder.flush_due(Instant::now()) {
            let r = kiosk.on_input(input, chrono::Utc::now());
            kiosk.serve(&mut handle, r);
        }
        // A person's `#` comes at any moment of the poll round: without
        // this pause the bench would lock onto the round's rhythm (it
        // starts each pickup right after the previous one's door closed)
        // and time the same moment of it every time.
        std::thread::sleep(Duration::from_micros(rand::random::<u64>() % 300_000));
        let pulses = sim.pulses(lock);
        // The `#` arrives: timed from here to the frame at the board.
        let t = Instant::now();
        for input in decoder.feed(key('#'), t) {
            let r = kiosk.on_input(input, chrono::Utc::now());
            kiosk.serve(&mut handle, r);
        }
        to_engine.push(t.elapsed());
        // Polled with short sleeps, not spun: on a 2-core machine a spinning
        // thread would take a core from the bus and the simulator it times.
        while sim.pulses(lock) == pulses {
            assert!(t.elapsed() < WAIT, "no unlock frame");
            std::thread::sleep(Duration::from_micros(100));
        }
        samples.push(t.elapsed());
        // The person takes the parcel and shuts the door (not timed).
        until("door opens", || sim.door_open(lock));
        until("pulse ends", || !sim.output_on(lock));
        std::thread::sleep(Duration::from_millis(300));
        sim.set_item(lock, false);
        sim.close_door(lock);
        until("pickup completes", || {
            handle
                .inspect_blocking(move |e| common::picked_up(e, parcel))
                .unwrap_or(false)
        });
    }
    // Each sample less its own code check: the part the goal bounds.
    let mut after_check: Vec<Duration> = samples
        .iter()
        .zip(&to_engine)
        .map(|(s, e)| s.saturating_sub(*e))
        .collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |v: &mut Vec<Duration>, p: usize| {
        v.sort();
        ms(v[(v.len() * p / 100).min(v.len() - 1)])
    };
    let (p50, p99) = (pct(&mut samples, 50), pct(&mut samples, 99));
    let max = ms(*samples.last().expect("samples"));
    let (e50, e99) = (pct(&mut to_engine, 50), pct(&mut to_engine, 99));
    let spread: Vec<String> = [10, 25, 75, 90, 95]
        .iter()
        .map(|p| format!("p{p} {:.1}", pct(&mut samples, *p)))
        .collect();
    // An FC02 of 48 inputs (8 + 11 bytes) is the longest exchange on the
    // line while idle; the FC05 is 8 bytes out.
    let exchange = bytes_ms(8 + 11) + 2.0 * bytes_ms(35) / 10.0;
    let frame = bytes_ms(8);
    println!(
        "key to lock, {BOARDS} boards at {BAUD} baud, {runs} pickups: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms"
    );
    println!("  spread (ms): {}", spread.join(", "));
    let (a50, a99) = (pct(&mut after_check, 50), pct(&mut after_check, 99));
    let after_max = ms(*after_check.last().expect("samples"));
    println!("  of which until the engine answered the kiosk: p50 {e50:.1} ms, p99 {e99:.1} ms");
    println!(
        "  after the code check: p50 {a50:.1} ms, p99 {a99:.1} ms, max {after_max:.1} ms (+ {frame:.1} ms for the FC05 on a real line)",
        frame = bytes_ms(8)
    );
    println!(
        "goal: one exchange already on the line {exchange:.1} ms + the FC05 frame {frame:.1} ms + 5 ms = {:.1} ms",
        exchange + frame + 5.0
    );
}
