//! The fee ledger leaves the locker for the property's billing: `locker
//! fees export` on the demo's data, with a parcel collected after its free
//! days.

mod common;

use std::path::Path;

use chrono::{Duration, Utc};
use common::{demo_engine, locker_out, stdout_of};
use locker::bus::fake::FakeBus;
use locker::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use locker::clock::{Clock, ManualClock};
use locker::engine::{Actor, Command as EngineCommand, Event};
use locker::hardware::Bank;

/// The demo seeded in `dir` as `locker demo --keep` seeds it, and its
/// first parcel collected five days after it came, past the free days.
fn demo_with_a_late_pickup(dir: &Path) {
    let bank = Bank::demo();
    let bus = FakeBus::new();
    let clock = ManualClock::new(Utc::now() - Duration::days(6));
    let mut engine = demo_engine(dir, &bus, &clock, |cfg| cfg.fees = locker::demo::fees());
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

    let csv = stdout_of(&locker_out(&[
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

    let jsonl = stdout_of(&locker_out(&[
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
    let later = stdout_of(&locker_out(&[
        "fees",
        "export",
        "--since",
        &tomorrow,
        "--data-dir",
        data_dir,
    ]));
    assert_eq!(later.lines().count(), 1, "only the header: {later}");
}
