//! Staff commands: who may run them, and what they do to accounts, doors and parcels.

use super::{Rig, lock, opening, refusal};
use crate::bus::DoorEventKind;
use crate::domain::{
    CompartmentId, CompartmentState, ParcelClass, Recipient, RecipientId, Role, Size,
};
use crate::engine::{Actor, Command, EngineError, Event, Refusal, query};
use crate::store::{AlertKind, NotificationKind, T};

#[test]
fn reassigned_parcel_gets_a_new_code_and_both_recipients_are_told() {
    let mut rig = Rig::new();
    let (parcel, _, old) = rig.deposit("111111", Size::S);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::Reassign {
                parcel,
                recipient: "222222".into(),
            },
        )
        .unwrap();
    // The old code says why it died: not a newer code for the same person.
    if old != rig.code_of(parcel) {
        assert_eq!(refusal(&rig.enter(&old)), Some(Refusal::Reassigned));
    }
    let msgs = query::outbox(rig.engine.store()).unwrap();
    assert!(
        msgs.iter().any(|n| n.kind == NotificationKind::Reassigned
            && n.to.contains(&"ana@example.org".to_string()))
    );
    assert!(
        msgs.iter().any(|n| n.kind == NotificationKind::Delivered
            && n.to == vec!["ben@example.org".to_string()])
    );
    assert_eq!(rig.parcel(parcel).recipient.as_str(), "PX-222222");
}

#[test]
fn close_account_is_refused_while_a_parcel_waits() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    let e = rig
        .engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "PX-111111".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::ParcelsWaiting)));
    rig.pick_up(c, &code);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "PX-111111".into(),
            },
        )
        .unwrap();
    let r: Recipient = rig
        .engine
        .store()
        .get(T::Recipients, b"111111")
        .unwrap()
        .unwrap();
    assert!(r.closed && r.email.is_empty() && r.name.is_empty());
    assert!(
        !rig.engine.store().tree(T::Audit).is_empty(),
        "the audit trail stays"
    );
}

#[test]
fn courier_pin_cannot_reach_admin_commands() {
    let mut rig = Rig::new();
    let courier = rig.courier.clone();
    for cmd in [
        Command::ManualUnlock {
            compartment: CompartmentId(1),
            reason: "x".into(),
        },
        Command::AddUser {
            name: "evil".into(),
            role: Role::Admin,
            pin: "1111".into(),
            badge: None,
            carrier_email: None,
        },
        Command::CloseAccount {
            recipient: "111111".into(),
        },
        Command::SetDisabled {
            compartment: CompartmentId(1),
            disabled: true,
            reason: "x".into(),
        },
    ] {
        let e = rig.engine.handle(&courier, cmd).unwrap_err();
        assert!(matches!(e, EngineError::Denied { .. }), "{e}");
    }
    assert!(rig.bus.pulses().is_empty());
    let e = rig
        .engine
        .handle(
            &Actor::Kiosk,
            Command::ManualUnlock {
                compartment: CompartmentId(1),
                reason: "x".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, EngineError::NotSignedIn));
}

#[test]
fn manual_unlock_needs_a_reason_and_leaves_a_marker() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    assert!(
        rig.engine
            .handle(
                &admin,
                Command::ManualUnlock {
                    compartment: CompartmentId(2),
                    reason: " ".into()
                }
            )
            .is_err()
    );
    let ev = rig
        .engine
        .handle(
            &admin,
            Command::ManualUnlock {
                compartment: CompartmentId(2),
                reason: "cleaning".into(),
            },
        )
        .unwrap();
    assert_eq!(opening(&ev), Some(CompartmentId(2)));
    assert_eq!(
        query::markers(rig.engine.store()).unwrap()[0].note,
        "cleaning"
    );
}

#[test]
fn disabled_compartment_is_kept_out_of_allocation() {
    let mut rig = Rig::new();
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetDisabled {
                compartment: CompartmentId(1),
                disabled: true,
                reason: "broken hinge".into(),
            },
        )
        .unwrap();
    let (_, c, _) = rig.deposit("111111", Size::S);
    assert_eq!(c, CompartmentId(2));
}

#[test]
fn admin_places_a_parcel_found_inside_and_it_gets_a_code() {
    let mut rig = Rig::new();
    let cmd = Command::PlaceParcel {
        compartment: CompartmentId(5),
        tracking: "FOUND1".into(),
        recipient: "222222".into(),
        class: ParcelClass::Domestic,
    };
    let e = rig
        .engine
        .handle(&rig.courier.clone(), cmd.clone())
        .unwrap_err();
    assert!(matches!(e, EngineError::Denied { .. }));
    let ev = rig.engine.handle(&rig.admin.clone(), cmd.clone()).unwrap();
    let Some(Event::DepositStored { parcel, .. }) = ev.first() else {
        panic!("{ev:?}")
    };
    assert!(rig.bus.pulses().is_empty(), "no door moves");
    assert_eq!(
        rig.compartment(CompartmentId(5)).state(),
        CompartmentState::Occupied
    );
    assert!(matches!(
        rig.engine.handle(&rig.admin.clone(), cmd).unwrap_err(),
        EngineError::Refused(Refusal::NoCompartment)
    ));
    let code = rig.code_of(*parcel);
    assert_eq!(opening(&rig.enter(&code)), Some(CompartmentId(5)));
}

#[test]
fn a_door_unlocked_by_hand_that_closes_empty_needs_an_inspection() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    let admin = rig.admin.clone();
    let unlock = Command::ManualUnlock {
        compartment: c,
        reason: "cleaning".into(),
    };
    rig.engine.handle(&admin, unlock).unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(ev.iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    assert!(rig.compartment(c).needs_inspection);
    assert_eq!(
        refusal(&rig.enter(&code)),
        Some(Refusal::NeedsInspection),
        "no live code for an empty compartment"
    );
}

#[test]
fn stored_text_from_any_front_end_is_held_to_the_domain_limits() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let mut ana = Recipient::closed(RecipientId::parse("333333").unwrap());
    ana.closed = false;
    ana.name = "Ana".into();
    ana.email = "ana@example.org".into();
    let with = |f: &dyn Fn(&mut Recipient)| {
        let mut r = ana.clone();
        f(&mut r);
        Command::AddRecipient { recipient: r }
    };
    let user = |name: &str| Command::AddUser {
        name: name.into(),
        role: Role::Courier,
        pin: "1357".into(),
        badge: None,
        carrier_email: None,
    };
    for cmd in [
        user("jos\u{e9}"),
        user("a\u{1b}[2J"),
        with(&|r| r.name = "Ana\u{1b}]0;x\u{7}".into()),
        with(&|r| r.name = "A".repeat(65)),
        with(&|r| r.email = "ana@\u{9b}31m".into()),
        Command::AddMarker {
            compartment: None,
            note: "ok\u{1b}[1A".into(),
        },
        Command::SetDisabled {
            compartment: CompartmentId(1),
            disabled: true,
            reason: "r".repeat(201),
        },
    ] {
        let e = rig.engine.handle(&admin, cmd.clone()).unwrap_err();
        assert!(matches!(e, EngineError::Invalid(_)), "{cmd:?}: {e}");
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }
    assert!(rig.engine.handle(&admin, with(&|_| {})).is_ok());
    assert!(rig.engine.handle(&admin, user("ana.lopez")).is_ok());
}

#[test]
fn the_markers_export_is_named_in_the_kiosks_local_time() {
    let mut rig = Rig::new();
    let ev = rig
        .engine
        .handle(&rig.admin.clone(), Command::ExportMarkers)
        .unwrap();
    let Some(Event::MarkersExported { path }) = ev.first() else {
        panic!("{ev:?}");
    };
    // The rig starts at 10:00 in Madrid, 09:00 UTC.
    assert!(path.ends_with("markers-20261116-100000.csv"), "{path}");
    assert!(std::path::Path::new(path).exists(), "{path}");
}

#[test]
fn adding_an_existing_recipient_is_refused_and_an_update_keeps_the_rest() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let id = RecipientId::parse("111111").unwrap();
    let until = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    rig.engine
        .handle(
            &admin,
            Command::SetVacation {
                recipient: id.to_string(),
                until: Some(until),
            },
        )
        .unwrap();
    let stored = |rig: &Rig| {
        query::recipients(rig.engine.store())
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    };
    let before = stored(&rig);
    let mut again = before.clone();
    again.delegates.clear();
    again.vacation_until = None;
    let e = rig
        .engine
        .handle(&admin, Command::AddRecipient { recipient: again })
        .unwrap_err();
    assert!(e.to_string().contains("recipient update"), "{e}");
    assert_eq!(stored(&rig), before);

    rig.engine
        .handle(
            &admin,
            Command::UpdateRecipient {
                recipient: id.to_string(),
                change: crate::domain::RecipientChange {
                    email: Some("ana.new@example.org".into()),
                    ..Default::default()
                },
            },
        )
        .unwrap();
    let after = stored(&rig);
    assert_eq!(after.email, "ana.new@example.org");
    assert_eq!(
        Recipient {
            email: before.email.clone(),
            ..after
        },
        before,
        "only the e-mail changed"
    );
}
