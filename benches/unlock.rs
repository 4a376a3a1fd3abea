//! "Enter to unlock" end to end (docs/PERFORMANCE.md): from the Enter of a valid code
//! at the kiosk to the unlock frame received by the lock board, with
//! the code looked up by its keyed hash (ADR 0010) and the real Modbus RTU
//! path: the bus task on a pseudo-terminal, the simulated board counting
//! the FC05 once the whole frame has arrived at 9600 baud (wire time
//! emulated).
//!
//!     cargo bench --bench unlock
//!
//! Budget: one frame time + 10 ms (the keyed hash costs microseconds).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::bus::{BusEvent, LockBus};
use locker::clock::SystemClock;
use locker::domain::{CompartmentId, HashCost};
use locker::engine::{Actor, Command, Engine, EngineSettings, Event};
use locker::hardware::Bank;
use locker::sim::{SimLink, SimOptions, Simulator};
use locker::store::Store;
use tokio::sync::mpsc::UnboundedReceiver;

const WAIT: Duration = Duration::from_secs(10);

fn pump(engine: &mut Engine, events: &mut UnboundedReceiver<BusEvent>) {
    while let Ok(ev) = events.try_recv() {
        engine.on_bus_event(ev).expect("bus event");
    }
}

fn enter_to_unlock_frame(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let _in = rt.enter();
    let bank = Bank::demo();
    let sim = Simulator::start(&bank, SimLink::Pty(None), SimOptions::default()).expect("sim");
    let mut cfg = BusConfig::new(sim.path().display().to_string());
    cfg.baud = 9600;
    let (bus, mut bus_events) = ModbusLockBus::spawn(&bank, cfg).expect("bus");
    let deadline = Instant::now() + WAIT;
    while !bank.boards.iter().all(|b| bus.board_online(b.address)) {
        assert!(Instant::now() < deadline, "boards online");
        std::thread::sleep(Duration::from_millis(10));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = EngineSettings {
        hash_cost: HashCost::default(),
        ..EngineSettings::for_tests()
    };
    let mut engine = Engine::open(
        Store::open(dir.path()).expect("store"),
        Box::new(bus),
        bank.layout.clone(),
        Arc::new(SystemClock),
        settings,
    )
    .expect("engine");
    let op = common::bench_recipient(&mut engine);
    let door = CompartmentId(1);
    let lock = bank.layout.compartment(door).expect("door 1").lock();
    let mut g = c.benchmark_group("unlock");
    g.sample_size(20).measurement_time(Duration::from_secs(15));
    g.bench_function(
        "enter valid code to unlock frame at the board (9600 baud)",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // A parcel waits in door 1 with a fresh code (not timed).
                    let ev = engine.handle(&op, common::place(door)).expect("place");
                    let parcel = common::stored(&ev);
                    sim.set_item(lock, true);
                    let code = common::code_in(engine.outbox_with_codes().expect("outbox"), parcel);
                    let pulses = sim.pulses(lock);
                    let t = Instant::now();
                    let ev = engine
                        .handle(&Actor::Kiosk, Command::EnterCode { code })
                        .expect("enter");
                    assert!(
                        matches!(ev.first(), Some(Event::DoorOpening { .. })),
                        "{ev:?}"
                    );
                    while sim.pulses(lock) == pulses {
                        assert!(t.elapsed() < WAIT, "no unlock frame");
                        std::hint::spin_loop();
                    }
                    total += t.elapsed();
                    // The person takes the parcel and shuts the door (not timed).
                    let deadline = Instant::now() + WAIT;
                    while !sim.door_open(lock) {
                        assert!(Instant::now() < deadline, "door opens");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    // A door shut while the lock is still energised would not latch.
                    while sim.output_on(lock) {
                        assert!(Instant::now() < deadline, "pulse ends");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    std::thread::sleep(Duration::from_millis(150));
                    pump(&mut engine, &mut bus_events);
                    sim.set_item(lock, false);
                    sim.close_door(lock);
                    loop {
                        pump(&mut engine, &mut bus_events);
                        if common::picked_up(&engine, parcel) {
                            break;
                        }
                        assert!(Instant::now() < deadline, "pickup completes");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
                total
            })
        },
    );
    g.finish();
}

criterion_group!(benches, enter_to_unlock_frame);
criterion_main!(benches);
