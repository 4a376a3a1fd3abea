//! The whole kiosk against the simulator, end to end (see `common/rig.rs`
//! for the rig): the test plays the person at the keypad and the hands at
//! the doors, and reads what the screen says.
//!
//! Waiting is always "until the screen (or the simulator) shows it", with a
//! generous deadline; no test asserts how long anything took.

mod common;

use std::time::Duration as StdDuration;

use chrono::Duration;

use common::rig::*;
use locker::domain::{CompartmentId, ParcelState};
use locker::engine::{Command, Event, Found, Refusal};
use locker::kiosk::Screen;
use locker::sim::SimOptions;
use locker::store::{AlertKind, DeliveryState, IntentKind, NotificationKind};
use locker::testkit::driver::{ANA, BEN};

#[test]
fn pickup_with_a_code_opens_the_door_and_the_code_dies_after() {
    let mut r = Rig::new();
    let door = CompartmentId(3);
    let (parcel, code) = r.stored(ANA, door);
    r.pick_up_opens(&code, door);
    assert!(r.text().contains("Take your parcel."), "{}", r.text());
    r.close(door, false);
    r.wait_text("Thank you!");
    assert!(
        r.text()
            .contains(&format!("Door {door} is closed. Your pickup is complete.")),
        "{}",
        r.text()
    );
    assert!(!r.sim.door_open(r.lock(door)));
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
    r.press("*");
    assert_eq!(*r.screen(), Screen::Home);
    let pulses = r.sim.pulses(r.lock(door));
    r.press(&format!("A{code}#"));
    r.wait_text("This code was already used:");
    assert_eq!(
        r.sim.pulses(r.lock(door)),
        pulses,
        "no pulse for a used code"
    );
}

#[test]
fn door_closed_before_taking_parcel_can_reopen() {
    let mut r = Rig::new();
    let door = CompartmentId(20);
    let (parcel, code) = r.stored(BEN, door);
    r.pick_up_opens(&code, door);
    // Shut too soon, the parcel still inside.
    r.close(door, true);
    r.wait_text("Thank you!");
    assert!(
        r.text().contains("Re-open door 20 (within 60 s)"),
        "{}",
        r.text()
    );
    r.press("#");
    assert!(
        matches!(r.screen(), Screen::DoorOpen { purpose: IntentKind::Reopen, spot, .. } if spot.door == door),
        "{}",
        r.text()
    );
    r.wait_door_open(door);
    assert!(r.sim.pulses(r.lock(door)) >= 2, "pulsed again");
    r.close(door, false);
    r.wait_text("Thank you!");
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
}

#[test]
fn five_wrong_codes_pause_typed_codes_while_the_qr_still_opens() {
    let mut r = Rig::new();
    let door = CompartmentId(1);
    let (_, code) = r.stored(ANA, door);
    let (parcel, _) = r.stored(ANA, CompartmentId(2));
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for left in (1..=4).rev() {
        r.press(&format!("A{wrong}#"));
        assert_eq!(
            *r.screen(),
            Screen::CodeRefused {
                refusal: Refusal::Unknown,
                tries_left: left
            },
            "{}",
            r.text()
        );
        r.press("*");
    }
    r.press(&format!("A{wrong}#"));
    r.wait_text("Typed codes paused");
    assert!(
        r.text().contains("Typed codes work again in 06:00"),
        "{}",
        r.text()
    );
    // The right code cannot be typed while paused.
    r.press(&format!("A{code}#"));
    assert!(matches!(r.screen(), Screen::Lockout { .. }));
    assert_eq!(r.all_pulses(), 0);
    assert!(r.alerts().iter().any(|a| a.kind == AlertKind::Lockout));
    // A QR code opens its door at once.
    let qr = r.qr_of(parcel);
    r.scan(&qr);
    r.wait_door_open(CompartmentId(2));
    r.wait_text("Door 2 is open\n");
    r.close(CompartmentId(2), false);
    r.wait_text("Thank you!");
    r.press("*");
    r.advance(Duration::seconds(360));
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
}

#[test]
fn pickup_after_deadline_says_expired_and_the_final_notice_is_queued() {
    let mut r = Rig::new();
    let door = CompartmentId(21);
    let (parcel, code) = r.stored(ANA, door);
    // Monday's parcel is held to Saturday night; a week later it expired.
    r.advance(Duration::days(7));
    assert!(r.handle.tick_now_blocking());
    r.wait_for("the engine says the parcel expired", |r| {
        r.seen.contains(&Event::ParcelExpired {
            parcel,
            compartment: door,
        })
    });
    r.press(&format!("A{code}#"));
    r.wait_text("This code has expired. Collect your parcel at the office.");
    assert_eq!(
        r.sim.pulses(r.lock(door)),
        0,
        "no pulse for an expired code"
    );
    assert_eq!(r.parcel(parcel).state, ParcelState::Expired);
    assert!(
        r.outbox()
            .iter()
            .any(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::FinalNotice),
        "final notice queued"
    );
}

#[test]
fn jammed_door_keeps_the_code_valid_and_alerts_staff() {
    let mut r = Rig::new();
    let door = CompartmentId(4);
    let lock = r.lock(door);
    let (parcel, code) = r.stored(ANA, door);
    r.sim.jam(lock, true);
    r.press(&format!("A{code}#"));
    assert_eq!(r.door_on_screen(), door);
    r.wait_text(&format!("Door {door} did not open"));
    assert!(
        r.text()
            .contains("Your code is still valid: you can try again later."),
        "{}",
        r.text()
    );
    assert!(r.text().contains("Staff have been alerted"), "{}", r.text());
    assert!(r.sim.pulses(lock) >= 2, "pulsed, then once more");
    assert!(!r.sim.door_open(lock));
    assert!(
        r.alerts()
            .iter()
            .any(|a| a.kind == AlertKind::Jam && a.compartment == Some(door))
    );
    assert_eq!(r.parcel(parcel).state, ParcelState::Stored);
    r.press("*");
    assert_eq!(*r.screen(), Screen::Home);
    // A technician frees the door and marks it checked: the same code works.
    r.sim.jam(lock, false);
    r.cmd(
        local(),
        Command::MarkInspected {
            compartment: door,
            found: Found::Parcel,
            note: "lock freed".into(),
        },
    );
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
}

// --- Deposit ----------------------------------------------------------------

#[test]
fn courier_deposit_opens_a_door_and_queues_the_code() {
    let mut r = Rig::new();
    r.press("B1001#");
    r.wait_text("PIN");
    r.press("4321#");
    r.wait_for("the staff menu", |r| *r.screen() == Screen::StaffMenu);
    r.press("1");
    r.press("40442#");
    r.press("111111#");
    r.wait_text("Parcel class");
    r.press("#");
    r.wait_text("Parcel size");
    r.press("2");
    let door = r.door_on_screen();
    assert_eq!(door, CompartmentId(3), "the smallest free M");
    r.wait_door_open(door);
    r.wait_text(&format!(
        "Door {door}: column 1 from the left, row 3 from the top."
    ));
    r.close(door, true);
    r.wait_text(&format!("Parcel stored in door {door}"));
    assert!(r.text().contains("Receipt: R-A-000001"), "{}", r.text());
    let parcel = r.stored_event(door);
    let p = r.parcel(parcel);
    assert_eq!(p.state, ParcelState::Stored);
    assert_eq!(p.tracking, "40442");
    let sent: Vec<_> = r
        .outbox()
        .into_iter()
        .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].state, DeliveryState::Queued);
    assert!(
        sent[0]
            .code
            .as_ref()
            .is_some_and(|c| c.len() == 6 && c.chars().all(|c| c.is_ascii_digit())),
        "{:?}",
        sent[0]
    );
    r.press("#");
    r.wait_for("the next parcel", |r| {
        matches!(r.screen(), Screen::Tracking { .. })
    });
    r.press("**");
    assert_eq!(*r.screen(), Screen::Home, "signed out");
}

#[test]
fn unknown_recipient_is_told_to_deliver_as_usual() {
    let mut r = Rig::new();
    r.sign_in();
    r.press("1");
    // Both labels scanned, as a courier usually does: the recipient is
    // refused as soon as it is scanned, before any size or door.
    r.scan("TRK-9911-AB");
    r.scan("PX-999999");
    r.wait_text("Not registered: deliver as usual");
    assert!(
        r.text().contains("PX-999999 has no locker account here."),
        "{}",
        r.text()
    );
    assert_eq!(r.all_pulses(), 0, "no door opened");
}

#[test]
fn oversized_parcel_is_refused() {
    let mut r = Rig::new();
    r.at_size(ANA);
    // 30 x 200 x 60 cm fits no compartment in any orientation.
    r.press("530#200#60#");
    r.wait_text("Oversized: deliver as you would without a locker");
    assert_eq!(r.all_pulses(), 0, "no door opened");
}

#[test]
fn does_not_fit_then_a_larger_door_opens() {
    let mut r = Rig::new();
    r.at_size(ANA);
    r.press("1");
    let small = r.door_on_screen();
    r.wait_door_open(small);
    r.press("1");
    r.wait_for(
        "a second door on the screen",
        |r| matches!(r.screen(), Screen::DepositDoor { moved_from: Some(c), .. } if *c == small),
    );
    let larger = r.door_on_screen();
    assert_ne!(small, larger);
    let size = |c: CompartmentId| r.bank.layout.compartment(c).map(|c| c.size);
    assert!(
        size(larger) > size(small),
        "{larger} is larger than {small}"
    );
    r.wait_door_open(larger);
    assert!(
        r.text().contains(&format!(
            "Take the parcel out of door {small} and close it; use door {larger}."
        )),
        "{}",
        r.text()
    );
    r.close(small, false);
    r.close(larger, true);
    r.wait_text(&format!("Parcel stored in door {larger}"));
    assert!(
        r.compartment(small).allocatable(),
        "the first door is free again"
    );
    let parcel = r.stored_event(larger);
    assert_eq!(r.parcel(parcel).compartment, larger);
}

#[test]
fn cancelled_deposit_frees_the_door() {
    let mut r = Rig::new();
    r.at_size(ANA);
    r.press("1");
    let door = r.door_on_screen();
    r.wait_door_open(door);
    r.press("*");
    r.wait_text(&format!(
        "Deposit cancelled. Take the parcel out and close door {door}."
    ));
    r.close(door, false);
    r.wait_for("back at the staff menu", |r| {
        *r.screen() == Screen::StaffMenu
    });
    let c = r.compartment(door);
    assert!(c.allocatable() && c.parcel.is_none(), "{c:?}");
    assert!(
        r.outbox()
            .iter()
            .all(|n| n.kind != NotificationKind::Delivered),
        "no code for a cancelled deposit"
    );
}

// --- Staff ------------------------------------------------------------------

#[test]
fn expired_parcels_are_removed_door_by_door() {
    let mut r = Rig::new();
    let (first_parcel, _) = r.stored(ANA, CompartmentId(2));
    let (second_parcel, _) = r.stored(BEN, CompartmentId(25));
    r.advance(Duration::days(7));
    assert!(r.handle.tick_now_blocking());
    r.wait_for("both parcels expired", |r| {
        r.seen
            .iter()
            .filter(|e| matches!(e, Event::ParcelExpired { .. }))
            .count()
            == 2
    });
    r.sign_in();
    r.press("9");
    r.wait_text("Left to remove: 2");
    for (n, parcel) in [(1, first_parcel), (2, second_parcel)] {
        r.press("#");
        let door = r.door_on_screen();
        r.wait_door_open(door);
        r.wait_text(&format!("Door {door} is open: take parcel"));
        r.close(door, false);
        r.wait_for(
            &format!("{n} removed"),
            |r| matches!(r.screen(), Screen::Removal { removed, open: None, .. } if *removed == n),
        );
        assert_eq!(r.parcel(parcel).state, ParcelState::Removed);
        assert_eq!(r.parcel(parcel).compartment, door);
    }
    r.wait_text("All expired parcels are out.");
    r.press("*");
    assert_eq!(*r.screen(), Screen::StaffMenu);
}

#[test]
fn inactivity_returns_home_but_never_while_a_door_is_open() {
    let mut r = Rig::new();
    let door = CompartmentId(7);
    let (_, code) = r.stored(ANA, door);
    r.press("12");
    r.advance(Duration::seconds(59));
    assert!(
        matches!(r.screen(), Screen::CodeEntry { .. }),
        "{}",
        r.text()
    );
    r.advance(Duration::seconds(1));
    assert_eq!(*r.screen(), Screen::Home, "{}", r.text());
    r.pick_up_opens(&code, door);
    for _ in 0..30 {
        r.advance(Duration::seconds(10));
    }
    assert!(
        matches!(r.screen(), Screen::DoorOpen { .. }),
        "a door is open: {}",
        r.text()
    );
    r.close(door, false);
    r.wait_text("Thank you!");
    r.advance(Duration::seconds(59));
    assert!(
        matches!(r.screen(), Screen::PickupDone { .. }),
        "{}",
        r.text()
    );
    r.advance(Duration::seconds(1));
    assert_eq!(*r.screen(), Screen::Home, "{}", r.text());
}

// --- The bus ----------------------------------------------------------------

#[test]
fn doors_open_and_shut_within_a_second_are_never_missed() {
    // Doors spring shut 0.9 s after opening, items following, at the
    // default poll interval and 9600 baud wire time. The bus would pulse
    // again only after 30 s, far past the deadline, so every pickup and
    // deposit below completes only if its brief opening was seen.
    let mut r = Rig::with(
        SimOptions {
            auto_close: Some(StdDuration::from_millis(900)),
            items_follow_doors: true,
            ..SimOptions::default()
        },
        |cfg| cfg.jam_timeout = StdDuration::from_secs(30),
    );
    let doors = [
        CompartmentId(1),
        CompartmentId(14),
        CompartmentId(19),
        CompartmentId(30),
    ];
    let stored: Vec<_> = doors.iter().map(|&d| (d, r.stored(ANA, d))).collect();
    for (door, (parcel, code)) in stored {
        r.press(&format!("A{code}#"));
        assert_eq!(r.door_on_screen(), door);
        r.wait_for(
            &format!("pickup at door {door} confirmed"),
            |r| matches!(r.screen(), Screen::PickupDone { door: d, .. } if *d == door),
        );
        assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
        assert!(!r.sim.item(r.lock(door)), "taken out");
        r.press("*");
    }
    r.at_size(BEN);
    r.press("3");
    let door = r.door_on_screen();
    r.wait_text(&format!("Parcel stored in door {door}"));
    assert!(r.sim.item(r.lock(door)), "left inside");
    for kind in [AlertKind::Jam, AlertKind::ForcedOpen] {
        assert!(r.alerts().iter().all(|a| a.kind != kind), "{kind:?}");
    }
}
