//! Pickups by code or QR: the door opens, the code dies, a re-open, a fee.

use chrono::Duration;

use super::{Rig, lock, madrid, opening, refusal};
use crate::bus::DoorEventKind;
use crate::domain::{FeePolicy, ParcelState, Size};
use crate::engine::{Actor, Command, EngineError, Event, Refusal};
use crate::store::{NotificationKind, T};

#[test]
fn pickup_opens_the_door_and_the_code_dies_when_it_closes() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    let ev = rig.enter(&code);
    assert_eq!(opening(&ev), Some(c));
    assert_eq!(rig.bus.pulses().last(), Some(&lock(c)));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::PickupConfirmed { .. }))
    );
    assert_eq!(rig.parcel(parcel).state, ParcelState::PickedUp);
    assert!(rig.compartment(c).allocatable());
    assert_eq!(refusal(&rig.enter(&code)), Some(Refusal::Used));
}

#[test]
fn door_closed_before_taking_parcel_can_reopen_within_the_window() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    rig.door(c, DoorEventKind::Opened);
    rig.door(c, DoorEventKind::Closed);
    assert!(
        rig.compartment(c).needs_inspection,
        "parcel still inside keeps the door out of allocation"
    );
    rig.clock.advance(Duration::seconds(30));
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    rig.clock.advance(Duration::seconds(61));
    let e = rig
        .engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::ReopenClosed)));
}

#[test]
fn a_problem_report_after_pickup_names_the_parcel_in_the_audit_log() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    rig.pick_up(c, &code);
    rig.engine
        .handle(
            &Actor::Kiosk,
            Command::ReportProblem {
                compartment: c,
                problem: crate::engine::Problem::Damaged,
            },
        )
        .unwrap();
    let mut reported = Vec::new();
    rig.engine
        .each_audit_entry(&Actor::Local { name: "t".into() }, |e| {
            if e.action == "problem_reported" {
                reported.push(e);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].parcel, Some(parcel));
    assert_eq!(reported[0].compartment, Some(c));
}

#[test]
fn qr_for_another_kiosk_says_so() {
    let mut rig = Rig::new();
    let payload = crate::domain::QrToken::random("B").payload();
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::ScanQr { payload })
        .unwrap();
    assert_eq!(
        refusal(&ev),
        Some(Refusal::OtherKiosk { kiosk: "B".into() })
    );
}

#[test]
fn qr_scan_opens_the_door_once() {
    let mut rig = Rig::new();
    let (parcel, c, _) = rig.deposit("111111", Size::S);
    let qr = rig.message_codes(parcel).unwrap().1;
    let ev = rig
        .engine
        .handle(
            &Actor::Kiosk,
            Command::ScanQr {
                payload: qr.clone(),
            },
        )
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::ScanQr { payload: qr })
        .unwrap();
    assert_eq!(refusal(&ev), Some(Refusal::Used));
}

#[test]
fn a_locker_with_fees_names_them_in_the_delivery_message_and_a_free_one_does_not() {
    let mut rig = Rig::new();
    rig.engine.settings.fees = FeePolicy {
        per_use_cents: 100,
        storage_per_day_cents: 25,
        free_days: 2,
        currency: "EUR".into(),
    };
    let (charged, _, _) = rig.deposit("111111", Size::S);
    rig.engine.settings.fees = FeePolicy::default();
    let (free, _, _) = rig.deposit("111111", Size::S);
    let body = |parcel| {
        let messages = rig.engine.outbox_with_codes().unwrap();
        let n = messages
            .iter()
            .find(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
            .expect("a delivery message");
        crate::notify::templates::render(n).body
    };
    let charged = body(charged);
    // Ana reads Spanish.
    assert!(charged.contains("EUR 1.00 por recogida"), "{charged}");
    assert!(charged.contains("Pasados 2 días gratis"), "{charged}");
    assert!(charged.contains("EUR 0.25 al día"), "{charged}");
    let free = body(free);
    assert!(!free.contains("EUR"), "{free}");
}

#[test]
fn fee_is_shown_before_the_door_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut rig = Rig::open(dir, madrid(2026, 11, 16, 10, 0));
    rig.engine.settings.fees = FeePolicy {
        per_use_cents: 150,
        storage_per_day_cents: 0,
        free_days: 3,
        currency: "EUR".into(),
    };
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    let ev = rig.enter(&code);
    let ticket = match &ev[0] {
        Event::FeeDue { ticket, fee, .. } => {
            assert_eq!(fee.display(), "EUR 1.50");
            *ticket
        }
        other => panic!("expected a fee, got {other:?}"),
    };
    assert!(rig.bus.pulses().len() == 1, "only the deposit pulse so far");
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::AcceptFee { ticket })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    let fees: Vec<crate::store::FeeRecord> = rig.engine.store().all(T::Fees).unwrap();
    assert_eq!(fees.len(), 1);
    assert_eq!(fees[0].parcel, parcel);
}
