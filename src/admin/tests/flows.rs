//! What an admin or technician does at the console, end to end: keys in,
//! engine, store and bus out.

use chrono::Duration;

use super::{Desk, TECH, snap_sizes};
use crate::admin::{Request, Screen};
use crate::bus::{BusEvent, DoorEvent, DoorEventKind};
use crate::clock::Clock;
use crate::domain::{CompartmentId, Size};
use crate::engine::read::Query;
use crate::engine::{Refusal, query};
use crate::kiosk::Screen as KioskScreen;
use crate::store::MarkerKind;
use crate::store::audit::{self, AuditFilter};
use crate::testkit::driver::{ADMIN, ANA, COURIER};

fn lock_of(desk: &Desk, door: u16) -> crate::bus::LockId {
    desk.d
        .engine
        .bank()
        .compartment(CompartmentId(door))
        .map(|c| c.lock())
        .expect("door in the bank")
}

fn audit_actions(desk: &Desk) -> Vec<(String, String, Option<CompartmentId>, String)> {
    audit::page(desk.d.engine.store(), None, 50, &AuditFilter::default())
        .expect("audit")
        .into_iter()
        .map(|e| (e.actor, e.action, e.compartment, e.detail))
        .collect()
}

#[test]
fn manual_unlock_writes_audit_and_marker_and_the_door_opens() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    desk.keys("3\n");
    assert!(matches!(desk.screen(), Screen::Compartment(c) if c.row.id == CompartmentId(3)));
    desk.keys("1\n");
    assert!(
        desk.text().contains("a reason is needed"),
        "{}",
        desk.text()
    );
    desk.keys("parcel stuck\n");
    assert_eq!(desk.d.bus.pulses(), vec![lock_of(&desk, 3)]);
    assert!(
        desk.text().contains("Door 3 is opening."),
        "{}",
        desk.text()
    );
    let actions = audit_actions(&desk);
    assert!(
        actions
            .iter()
            .any(|(actor, action, door, detail)| actor == ADMIN.0
                && action == "manual_unlock"
                && *door == Some(CompartmentId(3))
                && detail == "parcel stuck")
    );
    let markers = query::markers(desk.d.engine.store()).expect("markers");
    assert!(markers.iter().any(|m| m.kind == MarkerKind::ManualUnlock
        && m.compartment == Some(CompartmentId(3))
        && m.actor == ADMIN.0));
}

#[test]
fn forced_open_door_shows_up_as_an_alert_and_can_be_acknowledged() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("8");
    assert!(desk.text().contains("(none)"));
    let lock = lock_of(&desk, 6);
    desk.d.bus.set_door(lock, crate::bus::DoorState::Open);
    let at = desk.d.clock.now();
    let reply = desk.d.engine.on_bus_event(BusEvent::Door(DoorEvent {
        lock,
        kind: DoorEventKind::ForcedOpen,
        at,
    }));
    // The alerts screen follows the bus by itself.
    desk.events(reply);
    let text = desk.text();
    assert!(
        text.contains("Door forced open") && text.contains("OPEN"),
        "{text}"
    );
    // The alert opens whole, its text uncut, and is acknowledged from there.
    desk.keys("\n");
    let detail = desk.text();
    assert!(
        detail.contains("Alert 1") && detail.contains("door 6 was opened without a command"),
        "{detail}"
    );
    snap_sizes!("admin_alert_detail", desk.page());
    desk.keys("1checked the camera\n");
    let alerts = query::alerts(desk.d.engine.store()).expect("alerts");
    assert_eq!(
        alerts[0].acknowledged,
        Some((ADMIN.0.to_string(), "checked the camera".to_string()))
    );
    assert!(desk.text().contains("seen 9001"), "{}", desk.text());
}

#[test]
fn disabled_compartment_stays_out_of_allocation() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    desk.keys("1\n");
    desk.keys("2hinge broken\n");
    assert!(
        desk.text().contains("State: Out of service"),
        "{}",
        desk.text()
    );
    desk.keys("\x1b");
    assert!(desk.text().contains(" 1 OFF"), "{}", desk.text());
    for _ in 0..4 {
        let (_, door, _) = desk.d.stored_parcel(ANA, Size::S).expect("deposit");
        assert_ne!(door, CompartmentId(1), "a disabled door was handed out");
    }
    desk.keys("h");
    assert!(desk.text().contains(" 1 OFF"));
}

#[test]
fn resend_rotates_the_code_and_the_kiosk_refuses_the_old_one() {
    let mut desk = Desk::new();
    let (parcel, door, old) = desk.d.stored_parcel(ANA, Size::M).expect("parcel");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("2\n");
    assert!(matches!(desk.screen(), Screen::Parcel(p) if p.parcel.id == parcel));
    desk.keys("1");
    assert!(
        desk.text().contains("the old code no longer works"),
        "{}",
        desk.text()
    );
    assert!(
        desk.text().contains("New code sent"),
        "history shows the resend"
    );
    let new = desk.d.code_of(parcel).expect("new code");
    assert_ne!(new, old);
    desk.d.press(&format!("{old}#"));
    assert!(matches!(
        desk.d.screen(),
        KioskScreen::CodeRefused {
            refusal: Refusal::Replaced,
            ..
        }
    ));
    desk.d.press(&format!("*{new}#"));
    assert!(matches!(desk.d.screen(), KioskScreen::DoorOpen { spot, .. } if spot.door == door));
}

#[test]
fn courier_pin_never_reaches_the_admin_console() {
    let mut desk = Desk::new();
    desk.sign_in(COURIER.0, COURIER.1);
    assert!(matches!(desk.screen(), Screen::SignIn { .. }));
    assert!(desk.console.model().session.is_none());
    assert!(desk.text().contains("this console is for staff"));
    // Even a console that skipped the check gets nothing from the engine.
    let courier = desk
        .d
        .engine
        .handle(
            &crate::engine::Actor::Kiosk,
            crate::engine::Command::SignIn {
                user: COURIER.0.into(),
                pin: COURIER.1.into(),
            },
        )
        .expect("courier signs in at the kiosk");
    let Some(crate::engine::Event::SignedIn { session, .. }) = courier.first().cloned() else {
        panic!("no session");
    };
    let actor = crate::engine::Actor::Session { id: session };
    for query in [
        Query::Bank,
        Query::Parcels(String::new()),
        Query::People,
        Query::Bus,
    ] {
        let r = desk.console.serve_one(
            &mut desk.d.engine,
            Request::Read {
                actor: actor.clone(),
                query,
            },
        );
        assert!(r.is_empty());
        assert_eq!(
            desk.console.model().notice.as_deref(),
            Some("Not allowed for your role.")
        );
    }
    assert!(
        matches!(desk.screen(), Screen::SignIn { .. }),
        "no screen opened"
    );
}

#[test]
fn technician_gets_the_bus_but_no_personal_data() {
    let mut desk = Desk::new();
    desk.d.stored_parcel(ANA, Size::S).expect("parcel");
    desk.sign_in(TECH.0, TECH.1);
    desk.keys("2");
    assert_eq!(*desk.screen(), Screen::Menu, "the menu has no parcels item");
    desk.keys("1");
    desk.keys("1\n");
    let text = desk.text();
    assert!(
        text.contains("Parcel: P000001") && !text.contains("PX-111111"),
        "{text}"
    );
    let r = desk.console.serve_one(
        &mut desk.d.engine,
        Request::Read {
            actor: desk.console.model().actor(),
            query: Query::Parcels(String::new()),
        },
    );
    assert!(r.is_empty());
    assert_eq!(
        desk.console.model().notice.as_deref(),
        Some("Not allowed for your role.")
    );
}

#[test]
fn pulse_test_from_the_bus_screen_is_an_audited_manual_unlock() {
    let mut desk = Desk::new();
    desk.sign_in(TECH.0, TECH.1);
    desk.keys("7");
    desk.down(2);
    desk.keys("1");
    // What is inside is said, and a reason asked for, before any pulse.
    assert!(desk.d.bus.pulses().is_empty());
    assert!(
        desk.text().contains("To open it, type the reason"),
        "{}",
        desk.text()
    );
    desk.keys("pulse test\n");
    assert_eq!(desk.d.bus.pulses(), vec![lock_of(&desk, 3)]);
    assert!(
        audit_actions(&desk)
            .iter()
            .any(|(a, action, door, detail)| a == TECH.0
                && action == "manual_unlock"
                && *door == Some(CompartmentId(3))
                && detail == "pulse test")
    );
}

#[test]
fn a_new_accounts_pin_is_starred_on_the_screen_and_works_at_the_keypad() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    desk.keys("1");
    desk.keys("1005 courier 80");
    let text = desk.text();
    assert!(text.contains("1005 courier **"), "{text}");
    desk.keys("4217");
    let text = desk.text();
    assert!(
        !text.contains("804217") && text.contains("1005 courier ******"),
        "{text}"
    );
    desk.keys("\n");
    assert!(desk.text().contains("Done."), "{}", desk.text());
    desk.d.press("*****B1005#804217#");
    assert!(
        matches!(desk.d.screen(), KioskScreen::StaffMenu),
        "{:?}",
        desk.d.screen()
    );
}

#[test]
fn pin_reset_replaces_the_old_pin() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    // The courier is the first row.
    desk.keys("3");
    assert!(desk.text().contains("New PIN for 1001"));
    desk.keys("2468\n");
    assert!(desk.text().contains("Done."), "{}", desk.text());
    assert!(
        audit_actions(&desk)
            .iter()
            .any(|(_, a, _, d)| a == "pin_reset" && d == "1001")
    );
    desk.d.press("B1001#4321#");
    assert!(
        !matches!(desk.d.screen(), KioskScreen::StaffMenu),
        "old PIN refused"
    );
    desk.d.press("*****B1001#2468#");
    assert!(
        matches!(desk.d.screen(), KioskScreen::StaffMenu),
        "{:?}",
        desk.d.screen()
    );
}

#[test]
fn audit_viewer_filters_by_door_and_verifies_the_chain() {
    let mut desk = Desk::new();
    desk.d.stored_parcel(ANA, Size::S).expect("parcel");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("6");
    desk.keys("0door 1\n");
    let Screen::Audit { page, filter, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    assert_eq!(filter.compartment, Some(CompartmentId(1)));
    assert!(!page.entries.is_empty());
    assert!(
        page.entries
            .iter()
            .all(|e| e.compartment == Some(CompartmentId(1)))
    );
    desk.keys("9");
    assert!(desk.text().contains("intact"), "{}", desk.text());
}

#[test]
fn idle_console_signs_out() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    assert_eq!(*desk.screen(), Screen::Menu);
    desk.d.clock.advance(Duration::seconds(301));
    let now = desk.d.clock.now();
    let r = desk.console.on_tick(now);
    desk.console.serve(&mut desk.d.engine, r);
    assert!(matches!(desk.screen(), Screen::SignIn { .. }));
    assert!(desk.text().contains("Signed out after inactivity."));
}

#[test]
fn a_user_number_typed_fast_or_scanned_moves_on_to_the_pin() {
    let mut desk = Desk::new();
    let now = desk.d.clock.now();
    let r = desk
        .console
        .on_input(crate::ui::Input::Scan(ADMIN.0.into()), now);
    desk.console.serve(&mut desk.d.engine, r);
    assert!(matches!(desk.screen(), Screen::SignIn { on_pin: true, .. }));
    desk.keys(&format!("{}\n", ADMIN.1));
    assert_eq!(*desk.screen(), Screen::Menu);
    // A reason pasted in one burst ends the form as Enter would.
    desk.keys("1");
    desk.keys("2\n");
    desk.keys("1");
    let r = desk
        .console
        .on_input(crate::ui::Input::Scan("parcel stuck".into()), now);
    desk.console.serve(&mut desk.d.engine, r);
    assert_eq!(desk.d.bus.pulses(), vec![lock_of(&desk, 2)]);
}

#[test]
fn recipients_get_delegates_new_details_and_vacation() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    // Accounts first (courier, technician, admin), then Ana.
    desk.down(3);
    desk.keys("5Luis Ruiz luis@example.org\n");
    desk.keys("6ana.ruiz@example.org Ana Ruiz\n");
    desk.keys("320261224\n");
    let ana = query::recipients(desk.d.engine.store())
        .expect("recipients")
        .into_iter()
        .find(|r| r.id.digits() == ANA)
        .expect("Ana");
    assert_eq!(ana.email, "ana.ruiz@example.org");
    assert_eq!(ana.name, "Ana Ruiz");
    assert_eq!(ana.delegates.len(), 1);
    assert_eq!(ana.delegates[0].email, "luis@example.org");
    assert_eq!(
        ana.vacation_until.map(|d| d.to_string()).as_deref(),
        Some("2026-12-24")
    );
    let text = desk.text();
    assert!(
        text.contains("ana.ruiz@example.org +1 away to 24.12"),
        "{text}"
    );
}

#[test]
fn markers_filter_by_door_and_a_manual_marker_has_its_note() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    desk.keys("4\n5camera shows a bag\n");
    desk.keys("\x1b\x1b5");
    desk.keys("1lobby door propped open\n");
    let Screen::Markers { rows, .. } = desk.screen().clone() else {
        panic!("not the markers screen");
    };
    assert_eq!(rows.len(), 2);
    desk.keys("0door 4\n");
    let Screen::Markers { rows, filter, .. } = desk.screen().clone() else {
        panic!("not the markers screen");
    };
    assert_eq!(filter.door, Some(CompartmentId(4)));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].note, "camera shows a bag");
    assert!(desk.text().contains("Filter: door 4"));
    desk.keys("2");
    let notice = desk.console.model().notice.clone().unwrap_or_default();
    let path = notice.trim_start_matches("Markers written to ");
    let csv = std::fs::read_to_string(path).expect("exported CSV");
    assert!(csv.starts_with("id,at,kiosk,compartment,camera,kind,actor,note"));
    assert!(csv.contains("lobby door propped open") && csv.contains("camera shows a bag"));
}

#[test]
fn a_wrong_pin_leaves_the_console_at_sign_in() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, "0000");
    assert!(matches!(desk.screen(), Screen::SignIn { .. }));
    assert!(desk.console.model().session.is_none());
    let text = desk.text();
    assert!(!text.contains("0000"));
    assert!(desk.console.model().notice.is_some(), "{text}");
}

#[test]
fn parcels_are_found_by_tracking_recipient_or_door() {
    let mut desk = Desk::new();
    let (parcel, door, _) = desk.d.stored_parcel(ANA, Size::M).expect("parcel");
    desk.d
        .stored_parcel(crate::testkit::driver::BEN, Size::S)
        .expect("parcel");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("2");
    for search in [ANA.to_string(), door.0.to_string()] {
        desk.keys(&format!("0{search}\n"));
        let Screen::Parcels { rows, .. } = desk.screen().clone() else {
            panic!("not the parcel list");
        };
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![parcel],
            "{search}"
        );
    }
    desk.keys("0nothing-like-this\n");
    assert!(desk.text().contains("(none)"));
    // A scanned tracking number finds its parcels from any screen.
    let now = desk.d.clock.now();
    let r = desk
        .console
        .on_input(crate::ui::Input::Scan("trk-setup".into()), now);
    desk.console.serve(&mut desk.d.engine, r);
    let Screen::Parcels { rows, .. } = desk.screen().clone() else {
        panic!("not the parcel list");
    };
    assert_eq!(rows.len(), 2);
}

#[test]
fn outbox_retry_all_is_audited() {
    let mut desk = Desk::new();
    desk.d.stored_parcel(ANA, Size::S).expect("parcel");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("9");
    assert!(desk.text().contains("Parcel waiting") && desk.text().contains("Waiting"));
    assert!(
        !desk
            .text()
            .contains(&desk.d.code_of(crate::domain::ParcelId(1)).expect("code"))
    );
    desk.keys("2");
    assert!(desk.text().contains("Done."), "{}", desk.text());
    assert!(audit_actions(&desk).iter().any(|(a, _, _, _)| a == ADMIN.0));
}

#[test]
fn browsing_screens_keeps_the_session_alive() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    for key in ["1", "h", "\x1b7", "h"] {
        desk.d.clock.advance(Duration::seconds(200));
        desk.keys(key);
        assert!(desk.console.model().session.is_some(), "after {key:?}");
    }
    // 800 s after signing in, with reads only: a command still goes through.
    desk.keys("1");
    desk.keys("pulse test\n");
    assert_eq!(desk.d.bus.pulses(), vec![lock_of(&desk, 1)]);
}

#[test]
fn a_marker_opens_to_its_whole_note() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("5");
    let note = "lobby door propped open with a wedge by the delivery van driver";
    desk.keys(&format!("1{note}\n"));
    desk.keys("\n");
    let text = desk.text();
    assert!(text.contains("CCTV marker 1"), "{text}");
    assert!(text.contains("propped open with a wedge"), "{text}");
    assert!(text.contains("delivery van driver"), "{text}");
    snap_sizes!("admin_marker_detail", desk.page());
    desk.keys("\x1b");
    assert!(matches!(desk.screen(), Screen::Markers { .. }));
}
