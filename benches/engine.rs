//! Engine figures for docs/PERFORMANCE.md:
//! - a pickup: Enter of a valid code to the pulse handed to the bus, with
//!   argon2id at the default cost (m=19456 KiB, t=2, p=1);
//! - engine start (open the store and the engine, start-up recovery) with
//!   100 000 parcels in the history.
//!
//!     cargo bench --bench engine

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use locker::bus::fake::FakeBus;
use locker::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState, LockBus, LockId};
use locker::clock::SystemClock;
use locker::domain::{
    CompartmentId, HashCost, Language, Parcel, ParcelClass, ParcelId, ParcelState, Recipient,
    RecipientId, Size,
};
use locker::engine::{Actor, Command, Engine, EngineSettings, Event};
use locker::hardware::{BankLayout, CompartmentLayout};
use locker::store::{NotificationKind, Store, StoreError, T, seq_key};

fn bank() -> BankLayout {
    BankLayout {
        name: "bench".into(),
        compartments: (0..30u16)
            .map(|i| CompartmentLayout {
                id: CompartmentId(i + 1),
                size: Size::M,
                board: 1 + (i / 15) as u8,
                channel: i % 15,
                column: i / 6,
                row: i % 6,
                camera: None,
            })
            .collect(),
    }
}

fn open_store(dir: &Path) -> Store {
    // A dropped store lets go of its lock a moment later (sled's flusher).
    for _ in 0..500 {
        match Store::open(dir) {
            Err(StoreError::Locked { .. }) => std::thread::sleep(Duration::from_millis(5)),
            other => return other.expect("store"),
        }
    }
    panic!("store stayed locked")
}

fn engine(dir: &Path, bus: FakeBus, cost: HashCost) -> Engine {
    let settings = EngineSettings {
        hash_cost: cost,
        ..EngineSettings::for_tests()
    };
    Engine::open(
        open_store(dir),
        Box::new(bus),
        bank(),
        Arc::new(SystemClock),
        settings,
    )
    .expect("engine")
}

fn add_recipient(e: &mut Engine) {
    let r = Recipient {
        id: RecipientId::parse("482913").unwrap(),
        name: "Ana".into(),
        email: "ana@example.org".into(),
        phone: None,
        notify_by: locker::domain::NotifyBy::Email,
        language: Language::En,
        delegates: vec![],
        vacation_until: None,
        closed: false,
    };
    e.handle(
        &Actor::Local {
            name: "bench".into(),
        },
        Command::AddRecipient { recipient: r },
    )
    .unwrap();
}

fn pickup(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let bus = FakeBus::new();
    let e = std::cell::RefCell::new(engine(dir.path(), bus.clone(), HashCost::default()));
    add_recipient(&mut e.borrow_mut());
    let op = Actor::Local {
        name: "bench".into(),
    };
    let door = CompartmentId(1);
    let lock = LockId {
        board: 1,
        channel: 0,
    };
    let mut g = c.benchmark_group("pickup");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function(
        "enter valid code to pulse (keyed hash, transaction, flush)",
        |b| {
            b.iter_batched(
                || {
                    let mut e = e.borrow_mut();
                    // The previous pickup completes outside the timing.
                    if bus.door(lock) == DoorState::Closed && common::intents_pending(&e) {
                        for (state, kind) in [
                            (DoorState::Open, DoorEventKind::Opened),
                            (DoorState::Closed, DoorEventKind::Closed),
                        ] {
                            bus.set_door(lock, state);
                            e.on_bus_event(BusEvent::Door(DoorEvent {
                                lock,
                                kind,
                                at: chrono::Utc::now(),
                            }))
                            .unwrap();
                        }
                    }
                    // A parcel waits in door 1 with a fresh code.
                    let ev = e.handle(&op, common::place(door)).unwrap();
                    let parcel = &common::stored(&ev);
                    e.outbox_with_codes()
                        .unwrap()
                        .into_iter()
                        .rev()
                        .find(|n| {
                            n.parcel == Some(*parcel) && n.kind == NotificationKind::Delivered
                        })
                        .and_then(|n| n.code)
                        .unwrap()
                },
                |code| {
                    let mut e = e.borrow_mut();
                    let ev = e
                        .handle(&Actor::Kiosk, Command::EnterCode { code })
                        .unwrap();
                    assert!(
                        matches!(ev.first(), Some(Event::DoorOpening { .. })),
                        "{ev:?}"
                    );
                },
                BatchSize::PerIteration,
            )
        },
    );
    let keys = locker::domain::CodeKeys::generate();
    let code = locker::domain::AccessCode::parse("123456").unwrap();
    g.bench_function("one keyed hash of a typed code alone", |b| {
        b.iter(|| keys.index_keys(&code))
    });
    let hasher = locker::domain::Hasher::new(HashCost::default());
    let phc = hasher.hash_pin("1234");
    g.bench_function("one PIN check, argon2id at the default cost", |b| {
        b.iter(|| hasher.verify_pin("1234", &phc))
    });
    g.finish();
}

fn start(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    {
        // 100 000 parcels of history, written straight into the tree.
        let store = open_store(dir.path());
        let tree = store.tree(T::Parcels);
        for i in 1..=100_000u64 {
            let p = Parcel {
                id: ParcelId(1_000_000 + i),
                tracking: format!("HIST{i:08}"),
                recipient: RecipientId::parse("482913").unwrap(),
                compartment: CompartmentId((i % 30) as u16 + 1),
                class: ParcelClass::Domestic,
                state: ParcelState::PickedUp,
                courier: "1001".into(),
                deposited_at: Some(chrono::Utc::now()),
                deadline: Some(chrono::Utc::now()),
                extension_days: 0,
                reminders_sent: 2,
                receipt: Some(format!("R-A-{i:06}")),
                picked_up_at: Some(chrono::Utc::now()),
                removed_at: None,
                code_key: None,
                qr_key: None,
                site_key: None,
                key_id: None,
                code_messages: vec![],
                kind: Default::default(),
            };
            tree.insert(seq_key(p.id.0), serde_json::to_vec(&p).unwrap())
                .unwrap();
        }
        store.flush().unwrap();
        drop(store);
        let mut e = engine(dir.path(), FakeBus::new(), HashCost::TEST);
        add_recipient(&mut e);
        e.flush().unwrap();
    }
    let mut g = c.benchmark_group("engine start");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function(
        "open store and engine, recover, first tick (100k parcels)",
        |b| {
            b.iter(|| {
                let mut e = engine(dir.path(), FakeBus::new(), HashCost::TEST);
                e.recover().unwrap();
                e.tick().unwrap();
                e
            })
        },
    );
    g.finish();
}

criterion_group!(benches, pickup, start);
criterion_main!(benches);
