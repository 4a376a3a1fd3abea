//! Deposits: when the code is made, and what is refused, swapped or given up.

use super::{Rig, lock, opening};
use crate::bus::DoorEventKind;
use crate::domain::{CompartmentId, CompartmentState, Dimensions, Language, ParcelClass, Size};
use crate::engine::{Command, EngineError, Event, Refusal, SizeChoice, query};
use crate::store::{AlertKind, NotificationKind, T};

#[test]
fn deposit_creates_the_code_only_when_the_door_closes() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::M).unwrap();
    let c = opening(&ev).unwrap();
    assert_eq!(c, CompartmentId(3), "smallest free M");
    assert_eq!(rig.compartment(c).state(), CompartmentState::Reserved);
    assert!(
        query::outbox(rig.engine.store())
            .unwrap()
            .iter()
            .all(|n| n.kind != NotificationKind::Delivered)
    );
    assert!(rig.engine.store().tree(T::Codes).is_empty());
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    rig.door(c, DoorEventKind::Closed);
    assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
    let stored = query::outbox(rig.engine.store()).unwrap();
    let delivered: Vec<_> = rig
        .engine
        .outbox_with_codes()
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Delivered)
        .collect();
    assert_eq!(delivered.len(), 1);
    // The record keeps the seed, never the code or the token.
    let record = serde_json::to_string(&stored).unwrap();
    let code = delivered[0].code.clone().unwrap();
    let qr = delivered[0].qr.clone().unwrap();
    assert!(stored.iter().all(|n| n.code.is_none() && n.qr.is_none()));
    assert!(!record.contains(&qr) && !record.contains(&qr[7..]));
    assert!(!record.contains(&format!("\"{code}\"")), "{record}");
    assert_eq!(
        delivered[0].to,
        vec!["ana@example.org", "cris@example.org"],
        "delegates get copies"
    );
    assert_eq!(delivered[0].language, Language::Es);
    assert!(delivered[0].qr.as_ref().unwrap().starts_with("LKR1:A:"));
}

#[test]
fn unknown_or_closed_recipient_is_refused_deliver_as_usual() {
    let mut rig = Rig::new();
    let start = |r: &str| Command::StartDeposit {
        tracking: "TRK9".into(),
        recipient: r.into(),
        size: SizeChoice::Size(Size::S),
        class: ParcelClass::Domestic,
    };
    let e = rig
        .engine
        .handle(&rig.courier.clone(), start("999999"))
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::NotRegistered)));
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "222222".into(),
            },
        )
        .unwrap();
    let e = rig
        .engine
        .handle(&rig.courier.clone(), start("222222"))
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::NotRegistered)));
}

#[test]
fn oversized_parcel_is_refused() {
    let mut rig = Rig::new();
    let cmd = Command::StartDeposit {
        tracking: "TRK9".into(),
        recipient: "111111".into(),
        size: SizeChoice::Dimensions(Dimensions::new(70, 40, 60)),
        class: ParcelClass::Domestic,
    };
    let e = rig.engine.handle(&rig.courier.clone(), cmd).unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::Oversized)));
    assert!(rig.bus.pulses().is_empty());
}

#[test]
fn does_not_fit_frees_the_door_and_opens_a_larger_one() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let small = opening(&ev).unwrap();
    rig.door(small, DoorEventKind::Opened);
    let parcel = rig.compartment(small).parcel.unwrap();
    let ev = rig
        .engine
        .handle(
            &rig.courier.clone(),
            Command::DoesNotFit { parcel, size: None },
        )
        .unwrap();
    let medium = opening(&ev).unwrap();
    assert_eq!(rig.compartment(medium).size, Size::M);
    rig.door(small, DoorEventKind::Closed);
    assert!(
        rig.compartment(small).allocatable(),
        "the small door is free again once closed"
    );
    rig.door(medium, DoorEventKind::Opened);
    rig.bus.set_item(lock(medium), true);
    let ev = rig.door(medium, DoorEventKind::Closed);
    assert!(ev.iter().any(|e| matches!(e, Event::DepositStored { .. })));
    assert_eq!(rig.parcel(parcel).compartment, medium);
}

#[test]
fn cancelled_deposit_frees_the_compartment() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    assert!(query::live_parcels(rig.engine.store()).unwrap().is_empty());
    assert!(rig.engine.store().tree(T::Codes).is_empty());
}

#[test]
fn a_deposit_given_up_with_the_parcel_inside_is_flagged_not_freed() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).needs_inspection);
    assert!(!rig.compartment(c).allocatable());
    let alerts = query::alerts(rig.engine.store()).unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == AlertKind::InspectionNeeded && a.compartment == Some(c)),
        "{alerts:?}"
    );
}

#[test]
fn a_deposit_cancelled_before_its_door_reports_open_is_settled_when_it_closes() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    // Cancelled while the pulse is still on its way: the door may yet open.
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    let intents = query::intents(rig.engine.store()).unwrap();
    assert!(
        intents.iter().any(|i| i.compartment == c && i.abandon),
        "kept until the door closes: {intents:?}"
    );
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).needs_inspection, "left inside: flagged");
    assert!(!rig.compartment(c).allocatable());
    assert!(
        ev.iter().any(|e| matches!(e, Event::AlertRaised { alert }
            if alert.kind == AlertKind::InspectionNeeded && alert.compartment == Some(c))),
        "{ev:?}"
    );
}

#[test]
fn a_door_given_up_as_too_small_with_the_parcel_left_inside_is_flagged() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let small = opening(&ev).unwrap();
    rig.door(small, DoorEventKind::Opened);
    let parcel = rig.compartment(small).parcel.unwrap();
    rig.engine
        .handle(
            &rig.courier.clone(),
            Command::DoesNotFit { parcel, size: None },
        )
        .unwrap();
    rig.bus.set_item(lock(small), true);
    let ev = rig.door(small, DoorEventKind::Closed);
    assert!(rig.compartment(small).needs_inspection);
    assert!(ev.iter().any(|e| matches!(e, Event::AlertRaised { .. })));
}

#[test]
fn a_door_closed_empty_then_given_up_is_free_at_once() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    assert!(rig.compartment(c).allocatable());
    assert!(query::intents(rig.engine.store()).unwrap().is_empty());
}

/// The parcel a deposit of `tracking` started, the courier having picked
/// `picked`.
fn start_s10(
    rig: &mut Rig,
    tracking: &str,
    picked: ParcelClass,
) -> Result<crate::domain::ParcelId, EngineError> {
    let ev = rig.engine.handle(
        &rig.courier.clone(),
        Command::StartDeposit {
            tracking: tracking.into(),
            recipient: "111111".into(),
            size: SizeChoice::Size(Size::S),
            class: picked,
        },
    )?;
    Ok(ev
        .iter()
        .find_map(|e| match e {
            Event::DoorOpening {
                parcel: Some(p), ..
            } => Some(*p),
            _ => None,
        })
        .expect("a door opening"))
}

#[test]
fn s10_label_sets_the_class_whatever_was_picked() {
    let mut rig = Rig::new();
    // The test locker is in Spain.
    for (tracking, class) in [
        ("EE123456785US", ParcelClass::Express),
        ("RR123456785US", ParcelClass::International),
        ("RR123456785ES", ParcelClass::Domestic),
    ] {
        let parcel = start_s10(&mut rig, tracking, ParcelClass::Domestic).unwrap();
        assert_eq!(rig.parcel(parcel).class, class, "{tracking}");
    }
    let parcel = start_s10(&mut rig, "TRK77", ParcelClass::International).unwrap();
    assert_eq!(rig.parcel(parcel).class, ParcelClass::International);
}

#[test]
fn s10_label_with_a_wrong_check_digit_is_refused_before_a_door_opens() {
    let mut rig = Rig::new();
    let e = start_s10(&mut rig, "EE123456784US", ParcelClass::Domestic).unwrap_err();
    assert!(
        matches!(
            e,
            EngineError::Rejected(crate::engine::Rejection::TrackingCheckDigit)
        ),
        "{e:?}"
    );
    assert!(rig.bus.pulses().is_empty());
}
