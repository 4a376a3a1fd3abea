//! Hardware faults: a jammed or forced door, boards offline, unreadable item sensors.

use super::Rig;
use crate::bus::{BusEvent, DoorEventKind};
use crate::domain::{CompartmentState, Size};
use crate::engine::{EngineError, Event, Refusal, query};
use crate::store::{AlertKind, T};

#[test]
fn jammed_door_keeps_the_code_valid_and_alerts_the_admin() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    let ev = rig.door(c, DoorEventKind::Jammed);
    assert!(ev.iter().any(|e| matches!(e, Event::DoorJammed { .. })));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::Jam))
    );
    assert_eq!(rig.compartment(c).state(), CompartmentState::Faulty);
    assert_eq!(
        rig.engine.store().tree(T::Codes).len(),
        1,
        "code still live"
    );
}

#[test]
fn forced_open_raises_an_alarm_with_a_cctv_marker() {
    let mut rig = Rig::new();
    let (_, c, _) = rig.deposit("111111", Size::S);
    let ev = rig.door(c, DoorEventKind::ForcedOpen);
    assert!(
        ev.iter().any(
            |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::ForcedOpen)
        )
    );
    let markers = query::markers(rig.engine.store()).unwrap();
    assert_eq!(markers.len(), 1);
    assert_eq!(markers[0].camera.as_deref(), Some("cam1"));
    assert!(rig.compartment(c).needs_inspection);
}

#[test]
fn all_boards_offline_puts_the_kiosk_out_of_service() {
    let mut rig = Rig::new();
    rig.bus.set_board_offline(1, true);
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOffline { board: 1 })
        .unwrap();
    assert!(ev.contains(&Event::BusDown));
    assert!(rig.engine.bus_down());
    let e = rig.start_deposit(Size::S).unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::BusDown)));
    assert!(query::live_parcels(rig.engine.store()).unwrap().is_empty());
    rig.bus.set_board_offline(1, false);
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOnline { board: 1 })
        .unwrap();
    assert!(ev.contains(&Event::BusUp));
}

#[test]
fn a_board_that_answers_again_resolves_its_own_offline_alert_and_no_other() {
    let mut rig = Rig::new();
    rig.bus.set_board_offline(1, true);
    rig.engine
        .on_bus_event(BusEvent::BoardOffline { board: 1 })
        .unwrap();
    let open = |rig: &Rig, kind: AlertKind| {
        query::alerts(rig.engine.store())
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == kind && a.acknowledged.is_none())
            .count()
    };
    assert_eq!(open(&rig, AlertKind::BoardOffline), 1);
    assert_eq!(open(&rig, AlertKind::BusDown), 1);
    // Another board answering brings the bus back, not board 1.
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOnline { board: 7 })
        .unwrap();
    assert!(ev.contains(&Event::BusUp));
    assert_eq!(open(&rig, AlertKind::BusDown), 0);
    assert_eq!(
        open(&rig, AlertKind::BoardOffline),
        1,
        "board 1 still silent"
    );
    rig.bus.set_board_offline(1, false);
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOnline { board: 1 })
        .unwrap();
    assert!(matches!(&ev[..], [Event::AlertsResolved { ids }] if ids.len() == 1));
    assert_eq!(open(&rig, AlertKind::BoardOffline), 0);
    let resolved = query::alerts(rig.engine.store())
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AlertKind::BoardOffline)
        .unwrap();
    assert_eq!(
        resolved.acknowledged,
        Some(("bus".into(), "board 1 answers again".into()))
    );
}

#[test]
fn refused_item_inputs_raise_one_alert_naming_board_and_inputs() {
    let mut rig = Rig::new();
    let ev = rig
        .engine
        .on_bus_event(BusEvent::ItemInputsRefused {
            board: 1,
            input_base: 0x0100,
            count: 48,
            exception: 2,
        })
        .unwrap();
    let raised: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::AlertRaised { alert } => Some(alert),
            _ => None,
        })
        .collect();
    assert_eq!(raised.len(), 1, "{ev:?}");
    assert_eq!(
        raised[0].kind,
        crate::store::AlertKind::ItemSensorsUnreadable
    );
    assert!(raised[0].text.contains("board 1"), "{}", raised[0].text);
    assert!(
        raised[0].text.contains("0x0100-0x012F"),
        "{}",
        raised[0].text
    );
    let alerts = query::alerts(rig.engine.store()).unwrap();
    assert_eq!(
        alerts
            .iter()
            .filter(|a| a.kind == crate::store::AlertKind::ItemSensorsUnreadable)
            .count(),
        1
    );
    // Doors still work: the kiosk stays in service.
    assert!(!rig.engine.bus_down());
}
