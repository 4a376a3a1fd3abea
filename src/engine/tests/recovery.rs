//! A restart after a crash: the doors and item sensors settle what was under way.

use super::{Rig, lock, opening};
use crate::bus::DoorState;
use crate::domain::{CompartmentState, ParcelState, Size};
use crate::engine::{Actor, Command, Event};
use crate::store::{AlertKind, T};

#[test]
fn crash_between_intent_and_outcome_is_settled_from_the_sensors() {
    // Deposit door pulsed, then the power went: the item sensor says the parcel is in.
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let c = opening(&ev).unwrap();
    let (rig, events) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), true);
    });
    assert!(
        events
            .unwrap()
            .iter()
            .any(|e| matches!(e, Event::DepositStored { .. }))
    );
    assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
    assert_eq!(rig.engine.store().tree(T::Codes).len(), 1);

    // Same, but the sensor cannot be read: inspection and an alert, never free.
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let c = opening(&ev).unwrap();
    let (rig, events) = rig.restart(|bus| bus.set_board_offline(1, true));
    let events = events.unwrap();
    assert!(events.iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    let comp = rig.compartment(c);
    assert!(comp.needs_inspection && !comp.allocatable());
    assert!(comp.parcel.is_some());
}

#[test]
fn crash_after_pickup_pulse_with_parcel_gone_confirms_the_pickup() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    let (rig, _) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), false);
    });
    assert_eq!(rig.parcel(parcel).state, ParcelState::PickedUp);
    assert!(
        rig.engine.store().tree(T::Codes).is_empty(),
        "no live code for an empty compartment"
    );
    assert!(rig.compartment(c).allocatable());
}

#[test]
fn a_reopened_door_that_closes_on_something_new_is_kept_out_of_allocation() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.pick_up(c, &code);
    assert!(rig.compartment(c).allocatable());
    rig.engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap();
    // The same on a restart: the door closed while the kiosk was down.
    let (rig, events) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), true);
    });
    assert!(events.unwrap().iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    assert!(!rig.compartment(c).allocatable());
}
