//! Returns: issued by an admin, dropped at the keypad with the code (or a
//! prepaid label), collected by a courier; audited and crash-safe like a
//! deposit, and guessed at no faster than a pickup code.

use super::{Rig, lock, opening, refusal};
use crate::bus::{DoorEventKind, DoorState};
use crate::domain::{
    CompartmentId, CompartmentState, ParcelId, ParcelState, ReturnAuth, ReturnId, ReturnState, Size,
};
use crate::engine::{Actor, Command, EngineError, Event, NewReturn, Refusal, Rejection, query};
use crate::store::{IntentKind, NotificationKind, T, seq_key};

fn new_return(size: Size) -> NewReturn {
    NewReturn {
        size,
        reference: "order 77".into(),
        recipient: Some("PX-111111".into()),
        email: None,
        language: None,
        label: None,
    }
}

/// Issues a return for Ana; its id and code.
fn issue(rig: &mut Rig, ret: NewReturn) -> (ReturnId, Option<String>) {
    let admin = rig.admin.clone();
    let ev = rig
        .engine
        .handle(&admin, Command::IssueReturn { ret })
        .unwrap();
    match ev.as_slice() {
        [Event::ReturnIssued { id, code }] => (*id, code.clone()),
        other => panic!("{other:?}"),
    }
}

fn drop_code(rig: &mut Rig, code: &str) -> Vec<Event> {
    rig.engine
        .handle(&Actor::Kiosk, Command::DropReturn { code: code.into() })
        .unwrap()
}

fn auth(rig: &Rig, id: ReturnId) -> ReturnAuth {
    rig.engine
        .store()
        .get(T::Returns, &seq_key(id.0))
        .unwrap()
        .unwrap()
}

fn parcel_of(ev: &[Event]) -> ParcelId {
    ev.iter()
        .find_map(|e| match e {
            Event::DoorOpening {
                parcel: Some(p), ..
            } => Some(*p),
            _ => None,
        })
        .expect("a door for a parcel")
}

fn queued(rig: &Rig, kind: NotificationKind) -> Vec<crate::store::Notification> {
    query::outbox(rig.engine.store())
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == kind)
        .collect()
}

fn audited(rig: &mut Rig) -> Vec<String> {
    let mut found = Vec::new();
    rig.engine
        .each_audit_entry(&Actor::Local { name: "t".into() }, |e| {
            found.push(e.action);
            Ok(())
        })
        .unwrap();
    found
}

/// Drops a return through open and close; its parcel and door.
fn dropped(rig: &mut Rig, code: &str) -> (ParcelId, CompartmentId) {
    let ev = drop_code(rig, code);
    let c = opening(&ev).expect("a door");
    let parcel = parcel_of(&ev);
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::ReturnDropped { parcel: p, .. } if *p == parcel)),
        "{ev:?}"
    );
    (parcel, c)
}

/// The courier opens a waiting return's door and shuts it again; the
/// events of the shutting.
fn collect(rig: &mut Rig, parcel: ParcelId, c: CompartmentId) -> Vec<Event> {
    let courier = rig.courier.clone();
    rig.engine
        .handle(&courier, Command::CollectReturn { parcel })
        .unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.door(c, DoorEventKind::Closed)
}

/// Whether the courier's door closed on the return still inside (`None`:
/// the door did not ask).
fn closed_with(ev: &[Event]) -> Option<bool> {
    ev.iter().find_map(|e| match e {
        Event::ReturnDoorClosed { still_inside, .. } => Some(*still_inside),
        _ => None,
    })
}

#[test]
fn a_return_goes_from_code_to_door_to_courier_with_every_step_audited_and_told() {
    let mut rig = Rig::new();
    let (id, code) = issue(&mut rig, new_return(Size::M));
    let code = code.expect("a code made here");
    assert_eq!(code.len(), 8);
    // The code goes to Ana and her delegate; the database keeps no copy.
    let mut told = queued(&rig, NotificationKind::ReturnIssued);
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].to, ["ana@example.org", "cris@example.org"]);
    rig.engine.reveal_code(&mut told[0]);
    assert_eq!(told[0].code.as_deref(), Some(code.as_str()));
    let text = crate::notify::templates::render(&told[0]);
    assert!(text.body.contains(&code), "{}", text.body);
    assert!(text.body.contains("order 77"), "{}", text.body);

    // At the keypad: a door of the return's size opens, for this return.
    let ev = drop_code(&mut rig, &code);
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::DoorOpening {
            purpose: IntentKind::ReturnDrop,
            ..
        }
    )));
    let c = opening(&ev).unwrap();
    assert_eq!(c, CompartmentId(3), "the first M door");
    let parcel = parcel_of(&ev);
    assert_eq!(auth(&rig, id).state, ReturnState::Dropping);
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    let ev = rig.door(c, DoorEventKind::Closed);
    let receipt = ev
        .iter()
        .find_map(|e| match e {
            Event::ReturnDropped { receipt, .. } => Some(receipt.clone()),
            _ => None,
        })
        .expect("dropped");
    assert_eq!(receipt, format!("RR-A-{:06}", parcel.0));
    let a = auth(&rig, id);
    assert_eq!((a.state, a.parcel), (ReturnState::Waiting, Some(parcel)));
    assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
    assert!(rig.engine.store().tree(T::ReturnCodes).is_empty());
    // The code's seed left its message: it opens nothing now.
    assert!(
        queued(&rig, NotificationKind::ReturnIssued)[0]
            .seed
            .is_none()
    );
    assert_eq!(
        refusal(&drop_code(&mut rig, &code)),
        Some(Refusal::ReturnUnknown)
    );
    let receipts = queued(&rig, NotificationKind::ReturnReceipt);
    assert_eq!(receipts.len(), 1);
    let text = crate::notify::templates::render(&receipts[0]);
    assert!(text.body.contains(&receipt), "{}", text.body);

    // The courier's walk: open, take, close, confirm.
    let courier = rig.courier.clone();
    let waiting = query::waiting_returns(rig.engine.store()).unwrap();
    assert_eq!(waiting.iter().map(|p| p.id).collect::<Vec<_>>(), [parcel]);
    let ev = rig
        .engine
        .handle(&courier, Command::CollectReturn { parcel })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    // The item sensor sees it gone: collected as the door closes.
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::ReturnCollected { parcel: p, .. } if *p == parcel))
    );
    assert_eq!(rig.parcel(parcel).state, ParcelState::Removed);
    assert!(rig.compartment(c).allocatable());
    let a = auth(&rig, id);
    assert_eq!(a.state, ReturnState::Collected);
    assert_eq!(a.collected_by.as_deref(), Some("1001"));
    assert_eq!(queued(&rig, NotificationKind::ReturnCollected).len(), 1);
    let actions = audited(&mut rig);
    for action in [
        "return_issued",
        "return_drop_started",
        "return_dropped",
        "return_collected",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[test]
fn wrong_return_codes_spend_the_same_tries_as_wrong_pickup_codes() {
    let mut rig = Rig::new();
    let ev = rig.enter("000001");
    assert!(matches!(ev[0], Event::CodeRefused { tries_left: 4, .. }));
    let ev = drop_code(&mut rig, "12345678");
    assert_eq!(
        ev[0],
        Event::CodeRefused {
            refusal: Refusal::ReturnUnknown,
            tries_left: 3
        }
    );
    // Something that cannot be a return code at all is no guess.
    let ev = drop_code(&mut rig, "12 4");
    assert_eq!(
        ev[0],
        Event::CodeRefused {
            refusal: Refusal::ReturnMalformed,
            tries_left: 3
        }
    );
    for _ in 0..3 {
        drop_code(&mut rig, "87654321");
    }
    let ev = drop_code(&mut rig, "87654321");
    assert!(
        matches!(ev[0], Event::CodesLocked { .. }),
        "typed codes pause for returns too: {ev:?}"
    );
}

#[test]
fn a_drop_given_up_or_closed_empty_leaves_the_code_working_and_the_door_free() {
    let mut rig = Rig::new();
    let (id, code) = issue(&mut rig, new_return(Size::S));
    let code = code.unwrap();
    // Given up with the door open: the code works again at once; the door
    // is freed when it closes.
    let ev = drop_code(&mut rig, &code);
    let (c, parcel) = (opening(&ev).unwrap(), parcel_of(&ev));
    rig.door(c, DoorEventKind::Opened);
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::CancelReturnDrop { parcel })
        .unwrap();
    assert!(matches!(ev[0], Event::ReturnNotDropped { .. }));
    assert_eq!(auth(&rig, id).state, ReturnState::Issued);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    assert!(
        rig.engine
            .store()
            .get::<crate::domain::Parcel>(T::Parcels, &seq_key(parcel.0))
            .unwrap()
            .is_none()
    );

    // Closed with nothing inside: the same.
    let ev = drop_code(&mut rig, &code);
    let c = opening(&ev).unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::ReturnNotDropped { .. }))
    );
    assert_eq!(auth(&rig, id).state, ReturnState::Issued);
    assert!(rig.compartment(c).allocatable());

    // A door that did not open: the same again.
    let ev = drop_code(&mut rig, &code);
    let c = opening(&ev).unwrap();
    rig.door(c, DoorEventKind::Jammed);
    assert_eq!(auth(&rig, id).state, ReturnState::Issued);
    dropped(&mut rig, &code);
    assert_eq!(auth(&rig, id).state, ReturnState::Waiting);
}

#[test]
fn a_prepaid_label_is_its_own_code_and_opens_one_door_once() {
    let mut rig = Rig::new();
    let mut ret = new_return(Size::L);
    ret.recipient = None;
    ret.email = Some("shopper@example.net".into());
    ret.label = Some("EE123456785US".into());
    let (id, code) = issue(&mut rig, ret.clone());
    assert_eq!(code, None, "the issuer has the label");
    let told = queued(&rig, NotificationKind::ReturnIssued);
    assert_eq!(told[0].to, ["shopper@example.net"]);
    assert!(told[0].seed.is_none());
    let text = crate::notify::templates::render(&told[0]);
    assert!(text.body.contains("barcode"), "{}", text.body);
    // The same label cannot be issued twice while it is live.
    let admin = rig.admin.clone();
    let again = rig.engine.handle(&admin, Command::IssueReturn { ret });
    assert!(matches!(
        again,
        Err(EngineError::Rejected(Rejection::ReturnLabelInUse))
    ));
    // Scanned in any case.
    let (parcel, c) = dropped(&mut rig, " ee123456785us ");
    assert_eq!(c, CompartmentId(5), "the L door");
    assert_eq!(auth(&rig, id).parcel, Some(parcel));
    // Nobody registered: the parcel record names no recipient's account.
    assert!(rig.parcel(parcel).recipient.is_nobody());
    assert_eq!(
        refusal(&drop_code(&mut rig, "EE123456785US")),
        Some(Refusal::ReturnUnknown)
    );
}

#[test]
fn a_crash_during_a_drop_is_settled_from_the_item_sensor() {
    for inside in [true, false] {
        let mut rig = Rig::new();
        let (id, code) = issue(&mut rig, new_return(Size::S));
        let ev = drop_code(&mut rig, code.as_deref().unwrap());
        let c = opening(&ev).unwrap();
        let (rig, events) = rig.restart(|bus| {
            bus.set_door(lock(c), DoorState::Closed);
            bus.set_item(lock(c), inside);
        });
        let events = events.unwrap();
        let a = auth(&rig, id);
        if inside {
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Event::ReturnDropped { .. }))
            );
            assert_eq!(a.state, ReturnState::Waiting);
            assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
        } else {
            assert_eq!(a.state, ReturnState::Issued, "the code works again");
            assert!(rig.compartment(c).allocatable());
            assert!(!rig.engine.store().tree(T::ReturnCodes).is_empty());
        }
    }
}

#[test]
fn a_crash_while_a_courier_collects_frees_the_door_only_when_the_sensor_sees_it_empty() {
    for inside in [false, true] {
        let mut rig = Rig::new();
        let (id, code) = issue(&mut rig, new_return(Size::S));
        let (parcel, c) = dropped(&mut rig, code.as_deref().unwrap());
        let courier = rig.courier.clone();
        rig.engine
            .handle(&courier, Command::CollectReturn { parcel })
            .unwrap();
        let (rig, _) = rig.restart(|bus| {
            bus.set_door(lock(c), DoorState::Closed);
            bus.set_item(lock(c), inside);
        });
        let want = if inside {
            ReturnState::Waiting
        } else {
            ReturnState::Collected
        };
        assert_eq!(auth(&rig, id).state, want);
        assert_eq!(rig.compartment(c).allocatable(), !inside);
        assert!(rig.engine.store().tree(T::Intents).is_empty());
    }
}

#[test]
fn a_door_without_an_item_sensor_asks_the_courier() {
    let mut rig = Rig::new();
    let (id, code) = issue(&mut rig, new_return(Size::S));
    let (parcel, c) = dropped(&mut rig, code.as_deref().unwrap());
    rig.bus.forget_item(lock(c));
    let ev = collect(&mut rig, parcel, c);
    assert_eq!(closed_with(&ev), Some(false));
    let courier = rig.courier.clone();
    // Closing the door alone does not say the courier has it.
    assert_eq!(rig.parcel(parcel).state, ParcelState::Stored);
    rig.engine
        .handle(&courier, Command::ConfirmReturnCollected { parcel })
        .unwrap();
    assert_eq!(rig.parcel(parcel).state, ParcelState::Removed);
    assert_eq!(auth(&rig, id).state, ReturnState::Collected);
    assert!(rig.compartment(c).allocatable());
}

#[test]
fn a_courier_cannot_confirm_a_return_the_sensor_still_sees() {
    let mut rig = Rig::new();
    let (_, code) = issue(&mut rig, new_return(Size::S));
    let (parcel, c) = dropped(&mut rig, code.as_deref().unwrap());
    let ev = collect(&mut rig, parcel, c);
    assert_eq!(closed_with(&ev), Some(true));
    let courier = rig.courier.clone();
    let r = rig
        .engine
        .handle(&courier, Command::ConfirmReturnCollected { parcel });
    assert!(matches!(
        r,
        Err(EngineError::Rejected(Rejection::ReturnStillInside { door })) if door == c
    ));
    assert_eq!(rig.parcel(parcel).state, ParcelState::Stored);
}

#[test]
fn only_admins_issue_returns_and_only_staff_collect_them() {
    let mut rig = Rig::new();
    let courier = rig.courier.clone();
    let r = rig.engine.handle(
        &courier,
        Command::IssueReturn {
            ret: new_return(Size::S),
        },
    );
    assert!(matches!(r, Err(EngineError::Denied { .. })));
    let (_, code) = issue(&mut rig, new_return(Size::S));
    let (parcel, _) = dropped(&mut rig, code.as_deref().unwrap());
    let r = rig
        .engine
        .handle(&Actor::Kiosk, Command::CollectReturn { parcel });
    assert!(matches!(r, Err(EngineError::NotSignedIn)));
}

#[test]
fn a_waiting_return_has_no_hold_reminder_lost_code_or_new_code() {
    let mut rig = Rig::new();
    let (_, code) = issue(&mut rig, new_return(Size::S));
    let (parcel, _) = dropped(&mut rig, code.as_deref().unwrap());
    rig.clock.advance(chrono::Duration::days(60));
    rig.engine.tick().unwrap();
    assert_eq!(rig.parcel(parcel).state, ParcelState::Stored);
    assert!(queued(&rig, NotificationKind::Reminder1).is_empty());
    rig.engine
        .handle(
            &Actor::Kiosk,
            Command::ResendLostCodes {
                recipient: "111111".into(),
            },
        )
        .unwrap();
    assert!(queued(&rig, NotificationKind::Delivered).is_empty());
    let admin = super::sign_in(&mut rig.engine, "admin", "9999");
    let r = rig.engine.handle(&admin, Command::ResendCode { parcel });
    assert!(matches!(
        r,
        Err(EngineError::Rejected(Rejection::IsAReturn { .. }))
    ));
}

#[test]
fn a_withdrawn_return_opens_nothing_and_a_dropped_one_cannot_be_withdrawn() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let (id, code) = issue(&mut rig, new_return(Size::S));
    rig.engine
        .handle(&admin, Command::WithdrawReturn { id })
        .unwrap();
    assert_eq!(auth(&rig, id).state, ReturnState::Withdrawn);
    assert!(
        queued(&rig, NotificationKind::ReturnIssued)[0]
            .seed
            .is_none()
    );
    assert_eq!(
        refusal(&drop_code(&mut rig, code.as_deref().unwrap())),
        Some(Refusal::ReturnUnknown)
    );
    let (id, code) = issue(&mut rig, new_return(Size::S));
    dropped(&mut rig, code.as_deref().unwrap());
    let r = rig.engine.handle(&admin, Command::WithdrawReturn { id });
    assert!(matches!(
        r,
        Err(EngineError::Rejected(Rejection::ReturnNotIssued { .. }))
    ));
}
