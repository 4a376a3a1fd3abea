//! The fee ledger leaves the locker for the property's billing: `locker
//! fees export` on the demo's data, with a parcel collected after its free
//! days.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::{Duration, Utc};
use locker::bus::fake::FakeBus;
use locker::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use locker::clock::{Clock, ManualClock};
use locker::config::Config;
use locker::domain::HashCost;
use locker::engine::{Actor, Command as EngineCommand, Engine, EngineSettings, Event};
use locker::hardware::Bank;
use locker::store::Store;

fn locker(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(args)
        .env_remove("LOCKER_CONFIG")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The demo seeded in `dir` as `locker demo --keep` seeds it, and its
/// first parcel collected five days after it came, past the free days.
fn demo_with_a_late_pickup(dir: &Path) {
    let mut cfg = Config::for_data_dir(dir.to_path_buf());
    cfg.security.insecure_test_cost = true;
    cfg.security.argon2 = HashCost {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    cfg.fees = locker::demo::fees();
    let store = Store::open(dir).unwrap();
    let settings = EngineSettings::load(&cfg, &store).unwrap();
    let bank = Bank::demo();
    let bus = FakeBus::new();
    let clock = ManualClock::new(Utc::now() - Duration::days(6));
    let mut engine = Engine::open(
        store,
        Box::new(bus.clone()),
        bank.layout.clone(),
        Arc::new(clock.clone()),
        settings,
    )
    .unwrap();
    let facts = locker::demo::seed(&mut engine).unwrap();
    let (door, code, _) = facts.codes[0].clone();
    let lock = bank.layout.compartment(door).unwrap().lock();
    bus.set_item(lock, true);
    clock.advance(Duration::days(5));
    let events = engine
        .handle(&Actor::Kiosk, EngineCommand::EnterCode { code })
        .unwrap();
    let ticket = events
        .iter()
        .find_map(|e| match e {
            Event::FeeDue { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .expect("two days of storage are due");
    engine
        .handle(&Actor::Kiosk, EngineCommand::AcceptFee { ticket })
        .unwrap();
    for (kind, state) in [
        (DoorEventKind::Opened, DoorState::Open),
        (DoorEventKind::Closed, DoorState::Closed),
    ] {
        if kind == DoorEventKind::Closed {
            bus.set_item(lock, false);
        }
        bus.set_door(lock, state);
        let at = clock.now();
        engine
            .on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at }))
            .unwrap();
    }
    engine.flush().unwrap();
}

#[test]
fn fees_export_writes_the_demo_ledger_for_billing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    demo_with_a_late_pickup(&dir);
    let data_dir = dir.to_str().unwrap();

    let csv = stdout(&locker(&[
        "fees",
        "export",
        "--format",
        "csv",
        "--data-dir",
        data_dir,
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,recipient,parcel,tracking,compartment,use_cents,storage_days,storage_cents,total_cents,currency"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    let row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        row[2], "PX-482913",
        "the demo's first parcel is Ana's: {csv}"
    );
    assert_eq!(row[4], "DEMO0001");
    assert_eq!(&row[6..], ["0", "2", "100", "100", "EUR"], "{csv}");

    let jsonl = stdout(&locker(&[
        "fees",
        "export",
        "--format",
        "jsonl",
        "--data-dir",
        data_dir,
    ]));
    let fee: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
    assert_eq!(fee["total_cents"], 100);
    assert_eq!(fee["recipient"], "PX-482913");

    let tomorrow = (Utc::now() + Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let later = stdout(&locker(&[
        "fees",
        "export",
        "--since",
        &tomorrow,
        "--data-dir",
        data_dir,
    ]));
    assert_eq!(later.lines().count(), 1, "only the header: {later}");
}
