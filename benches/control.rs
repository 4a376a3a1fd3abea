//! Control socket figures for docs/PERFORMANCE.md: one call's round trip
//! from a second process's point of view (write the line, the engine
//! thread answers, read the line), for a small read (`users`), the admin
//! console's bank screen (`read bank`, the 30-door demo bank) and a command
//! (`set_disabled`, one sled transaction with its audit entry).
//!
//!     cargo bench --bench control

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use locker::bus::fake::FakeBus;
use locker::clock::SystemClock;
use locker::control::proto::Call;
use locker::control::{Client, Limits, ServerInfo, serve};
use locker::domain::{CompartmentId, HashCost, Role};
use locker::engine::read::Query;
use locker::engine::runner::EngineHandle;
use locker::engine::{Actor, Command, Engine, EngineSettings};
use locker::hardware::Bank;
use locker::store::Store;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = EngineSettings {
        hash_cost: HashCost {
            m_kib: 64,
            t: 1,
            p: 1,
        },
        ..EngineSettings::for_tests()
    };
    let mut engine = Engine::open(
        Store::open(dir.path()).expect("store"),
        Box::new(FakeBus::new()),
        Bank::demo().layout,
        Arc::new(SystemClock),
        settings,
    )
    .expect("engine");
    engine
        .handle(
            &Actor::Local {
                name: "bench".into(),
            },
            Command::AddUser {
                name: "admin".into(),
                role: Role::Admin,
                pin: "9999".into(),
                badge: None,
                carrier_email: None,
            },
        )
        .expect("admin");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (_no_bus, bus_rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = EngineHandle::spawn(engine, bus_rx, Duration::ZERO);
    let server = {
        let _in = rt.enter();
        serve(
            handle,
            dir.path(),
            None,
            ServerInfo {
                kiosk: "A".into(),
                name: "bench".into(),
                ..ServerInfo::default()
            },
            Limits::default(),
        )
        .expect("socket")
    };
    let mut client = Client::connect(server.path()).expect("connect");
    client.sign_in("admin", "9999").expect("sign in");
    let mut g = c.benchmark_group("control");
    g.bench_function("users round trip", |b| {
        b.iter(|| client.call(Call::Users).expect("users"))
    });
    g.bench_function("read bank round trip (30 doors)", |b| {
        b.iter(|| {
            client
                .call(Call::Read { query: Query::Bank })
                .expect("bank")
        })
    });
    let mut disabled = false;
    g.bench_function("set_disabled command round trip", |b| {
        b.iter(|| {
            disabled = !disabled;
            client
                .call(Call::Command {
                    command: Command::SetDisabled {
                        compartment: CompartmentId(5),
                        disabled,
                        reason: "bench".into(),
                    },
                })
                .expect("command")
        })
    });
    g.finish();
    drop(client);
    drop(server);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
