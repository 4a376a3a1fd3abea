//! `locker return` on the demo's data: a return issued from the command
//! line prints a code that really drops a parcel off at the kiosk's
//! engine, the listing follows it, and what cannot be done is refused.

mod common;

use std::path::{Path, PathBuf};

use chrono::Utc;
use common::{demo_engine, locker_out as locker, stdout_of as stdout};
use locker::bus::fake::FakeBus;
use locker::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use locker::clock::ManualClock;
use locker::engine::{Actor, Command as EngineCommand, Engine, Event};
use locker::hardware::Bank;

fn engine_on(dir: &Path, bus: &FakeBus) -> Engine {
    demo_engine(dir, bus, &ManualClock::new(Utc::now()), |_| {})
}

/// A data directory with the demo's people, parcels and return.
fn demo_data() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let mut engine = engine_on(&dir, &FakeBus::new());
    locker::demo::seed(&mut engine).unwrap();
    engine.flush().unwrap();
    (tmp, dir)
}

/// The kiosk's side: the code typed, the door opened and shut on the
/// parcel; the events of the closing.
fn drop_off(dir: &Path, code: &str) -> Vec<Event> {
    let bus = FakeBus::new();
    let mut engine = engine_on(dir, &bus);
    let events = engine
        .handle(
            &Actor::Kiosk,
            EngineCommand::DropReturn { code: code.into() },
        )
        .unwrap();
    let door = events
        .iter()
        .find_map(|e| match e {
            Event::DoorOpening { compartment, .. } => Some(*compartment),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the code opens a door: {events:?}"));
    let lock = Bank::demo().layout.compartment(door).unwrap().lock();
    let mut last = Vec::new();
    for (kind, state) in [
        (DoorEventKind::Opened, DoorState::Open),
        (DoorEventKind::Closed, DoorState::Closed),
    ] {
        bus.set_item(lock, true);
        bus.set_door(lock, state);
        last = engine
            .on_bus_event(BusEvent::Door(DoorEvent {
                lock,
                kind,
                at: Utc::now(),
            }))
            .unwrap();
    }
    engine.flush().unwrap();
    last
}

fn states(data_dir: &str) -> Vec<(String, String)> {
    let json = stdout(&locker(&[
        "return",
        "list",
        "--json",
        "--data-dir",
        data_dir,
    ]));
    let all: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    all.iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_return_issued_on_the_command_line_drops_off_at_the_kiosk() {
    let (_tmp, dir) = demo_data();
    let data_dir = dir.to_str().unwrap();
    let out = stdout(&locker(&[
        "return",
        "add",
        "--size",
        "M",
        "--reference",
        "order 9",
        "--data-dir",
        data_dir,
    ]));
    // The demo issued the first; this is the second.
    assert!(out.starts_with("return RT000002 issued"), "{out}");
    let code = out.trim().rsplit(' ').next().unwrap().to_string();
    assert_eq!(code.len(), 8, "{out}");
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{out}");
    assert_eq!(
        states(data_dir),
        [
            ("demo return".to_string(), "issued".to_string()),
            ("order 9".to_string(), "issued".to_string())
        ]
    );
    let plain = stdout(&locker(&["return", "list", "--data-dir", data_dir]));
    assert!(
        plain.contains("RT000002") && plain.contains("order 9"),
        "{plain}"
    );

    let events = drop_off(&dir, &code);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ReturnDropped { .. })),
        "{events:?}"
    );
    assert_eq!(states(data_dir)[1].1, "waiting");

    // A return in the locker cannot be withdrawn: a refusal (exit 1) that says why.
    let out = locker(&["return", "withdraw", "RT000002", "--data-dir", data_dir]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not waiting to be dropped"), "{err}");
    // The demo's own return can be.
    stdout(&locker(&[
        "return",
        "withdraw",
        "1",
        "--data-dir",
        data_dir,
    ]));
    assert_eq!(states(data_dir)[0].1, "withdrawn");
}

#[test]
fn a_prepaid_label_is_issued_once_and_bad_input_is_a_usage_error() {
    let (_tmp, dir) = demo_data();
    let data_dir = dir.to_str().unwrap();
    let label = [
        "return",
        "add",
        "--size",
        "S",
        "--label",
        "EE123456785US",
        "--email",
        "shopper@example.net",
        "--data-dir",
        data_dir,
    ];
    let out = stdout(&locker(&label));
    assert!(out.contains("the label's barcode opens its door"), "{out}");
    assert!(!out.contains("EE123456785US"), "{out}");
    let again = locker(&label);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already issued"));
    let events = drop_off(&dir, "ee123456785us");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ReturnDropped { .. }))
    );

    for bad in [
        &["return", "add", "--size", "XXL", "--data-dir", data_dir][..],
        &["return", "withdraw", "R-12", "--data-dir", data_dir][..],
        &[
            "return",
            "add",
            "--size",
            "S",
            "--label",
            "EE 12",
            "--data-dir",
            data_dir,
        ][..],
        &[
            "return",
            "add",
            "--size",
            "S",
            "--email",
            "not an address",
            "--data-dir",
            data_dir,
        ][..],
    ] {
        let out = locker(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.trim().is_empty(), "{bad:?} says why");
    }
}
