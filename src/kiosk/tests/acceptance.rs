//! Pickup situations from the FAQs, key by key.

use chrono::Duration;

use super::{kiosk, snap_sizes};
use crate::domain::Size;
use crate::engine::Refusal;
use crate::kiosk::Screen;
use crate::store::IntentKind;
use crate::testkit::driver::ANA;

#[test]
fn pickup_with_a_code_opens_the_door_and_thanks_when_it_closes() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::M).unwrap();
    snap_sizes!("kiosk_home", d.page());
    d.press("A");
    d.press(&code[..3]);
    assert_eq!(
        *d.screen(),
        Screen::CodeEntry {
            digits: code[..3].to_string()
        }
    );
    snap_sizes!("kiosk_pickup_entry_3_digits", d.page());
    assert!(
        !d.screen_text().contains(&code[..3]),
        "typed digits are masked"
    );
    d.press(&code[3..]);
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(door));
    d.open_door(door);
    assert!(matches!(d.screen(), Screen::DoorOpen { opened: true, .. }));
    snap_sizes!("kiosk_pickup_door_open", d.page());
    d.close_door(door, false);
    assert!(matches!(d.screen(), Screen::PickupDone { door: c, reopen_secs: 60 } if *c == door));
    snap_sizes!("kiosk_pickup_thank_you", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::Home);
}

#[test]
fn a_digit_on_the_home_screen_starts_the_code() {
    let (mut d, _dir) = kiosk();
    d.press("7");
    assert_eq!(*d.screen(), Screen::CodeEntry { digits: "7".into() });
    d.press("*");
    assert_eq!(
        *d.screen(),
        Screen::CodeEntry {
            digits: String::new()
        }
    );
    d.press("*");
    assert_eq!(*d.screen(), Screen::Home, "* on an empty code goes back");
}

#[test]
fn door_closed_before_taking_parcel_can_reopen() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.open_door(door);
    // Closed too soon, with the parcel still inside.
    d.close_door(door, true);
    d.press("#");
    assert!(
        matches!(d.screen(), Screen::DoorOpen { spot, purpose: IntentKind::Reopen, .. } if spot.door == door)
    );
    d.open_door(door);
    d.close_door(door, false);
    assert!(matches!(d.screen(), Screen::PickupDone { .. }));
}

#[test]
fn the_reopen_offer_counts_down() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.open_door(door);
    d.close_door(door, false);
    assert!(
        d.screen_text().contains("(within 60 s)"),
        "{}",
        d.screen_text()
    );
    d.wait(Duration::seconds(30), Duration::seconds(1));
    assert!(matches!(
        d.screen(),
        Screen::PickupDone {
            reopen_secs: 30,
            ..
        }
    ));
    assert!(
        d.screen_text().contains("(within 30 s)"),
        "{}",
        d.screen_text()
    );
    d.wait(Duration::seconds(29), Duration::seconds(1));
    assert!(
        d.screen_text().contains("(within 1 s)"),
        "{}",
        d.screen_text()
    );
}

#[test]
fn reopen_after_the_window_asks_for_staff() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = crate::testkit::driver::Driver::open(
        dir.path(),
        crate::engine::EngineSettings::for_tests(),
        crate::ui::TerminalProfile::Ansi,
        |facts| facts.inactivity_secs = 300,
    )
    .unwrap();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.open_door(door);
    d.close_door(door, false);
    d.wait(Duration::seconds(61), Duration::seconds(61));
    d.press("#");
    assert!(matches!(d.screen(), Screen::PickupDone { .. }));
    let notice = d.kiosk.model().notice.clone().map(|n| n.text);
    assert_eq!(notice, Some(crate::wording::Text::ReopenOver));
    snap_sizes!("kiosk_reopen_too_late", d.page());
}

#[test]
fn report_a_problem_after_pickup_tells_staff() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.open_door(door);
    d.close_door(door, false);
    d.press("C");
    assert_eq!(*d.screen(), Screen::ReportProblem { door });
    snap_sizes!("kiosk_report_problem", d.page());
    d.press("2");
    assert!(
        matches!(d.screen(), Screen::ProblemRecorded { door: c, reference } if *c == door && *reference > 0)
    );
    snap_sizes!("kiosk_problem_recorded", d.page());
}

#[test]
fn five_wrong_codes_pause_typed_codes_but_qr_deposit_help_and_language_work() {
    let (mut d, _dir) = kiosk();
    let (parcel, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    let (_, _, other_code) = d.stored_parcel(ANA, Size::M).unwrap();
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for left in (1..=4).rev() {
        d.press(&format!("{wrong}#"));
        assert_eq!(
            *d.screen(),
            Screen::CodeRefused {
                refusal: Refusal::Unknown,
                tries_left: left
            }
        );
        if left == 4 {
            snap_sizes!("kiosk_invalid_code_checklist", d.page());
        }
        d.press("*");
    }
    d.press(&format!("{wrong}#"));
    assert!(matches!(d.screen(), Screen::Lockout { secs_left: 360, .. }));
    snap_sizes!("kiosk_lockout", d.page());
    // Digits cannot be typed while typed codes are paused...
    d.press(&format!("{code}#"));
    assert!(matches!(d.screen(), Screen::Lockout { .. }));
    // ...and starting a code again from home says so at once.
    d.press("*");
    assert_eq!(*d.screen(), Screen::Home);
    d.press("1");
    assert!(matches!(d.screen(), Screen::Lockout { .. }));
    // The countdown is the one screen that changes every second.
    let before = d.bytes();
    d.wait(Duration::seconds(1), Duration::seconds(1));
    assert!(matches!(d.screen(), Screen::Lockout { secs_left: 359, .. }));
    assert!(d.bytes() > before, "the countdown moved");
    // Language and help still work.
    d.press("D");
    assert_eq!(d.model().language, crate::domain::Language::Es);
    d.press("D");
    d.press("C");
    assert_eq!(*d.screen(), Screen::Help);
    // A QR code still opens its door.
    let qr = d.qr_of(parcel).unwrap();
    d.scan(&qr);
    assert_eq!(d.door_on_screen(), Some(door));
    d.open_door(door);
    d.close_door(door, false);
    // Couriers still sign in.
    d.press("*B");
    assert!(matches!(d.screen(), Screen::SignInUser { .. }));
    d.press("*");
    // Typed codes come back with time alone: one try after 6 minutes.
    d.wait(Duration::seconds(360), Duration::seconds(10));
    d.press(&format!("{other_code}#"));
    assert!(matches!(d.screen(), Screen::DoorOpen { .. }));
}

#[test]
fn a_short_code_gets_the_checklist() {
    let (mut d, _dir) = kiosk();
    d.press("A123#");
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Malformed,
            ..
        }
    ));
    snap_sizes!("kiosk_invalid_code_malformed", d.page());
}

#[test]
fn pickup_after_deadline_says_expired_collect_at_the_office() {
    let (mut d, _dir) = kiosk();
    let (_, _, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.wait(Duration::days(7), Duration::hours(6));
    d.press(&format!("{code}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Expired,
            ..
        }
    ));
    snap_sizes!("kiosk_invalid_code_expired", d.page());
}

#[test]
fn used_code_says_it_opens_once() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.open_door(door);
    d.close_door(door, false);
    d.press(&format!("*{code}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Used,
            ..
        }
    ));
    snap_sizes!("kiosk_invalid_code_used", d.page());
}

#[test]
fn qr_scan_opens_the_door_and_a_qr_for_another_kiosk_says_so() {
    let (mut d, _dir) = kiosk();
    let (parcel, door, _) = d.stored_parcel(ANA, Size::S).unwrap();
    let qr = d.qr_of(parcel).unwrap();
    d.scan(&crate::domain::QrToken::random("B").payload());
    assert_eq!(
        *d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::OtherKiosk { kiosk: "B".into() },
            tries_left: 0
        }
    );
    snap_sizes!("kiosk_invalid_code_other_kiosk", d.page());
    d.scan(&qr);
    assert_eq!(d.door_on_screen(), Some(door));
}

#[test]
fn jammed_door_keeps_the_code_valid() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("{code}#"));
    d.jam(door);
    assert_eq!(
        *d.screen(),
        Screen::DoorFault {
            door: Some(door),
            purpose: IntentKind::Pickup,
            draft: None
        }
    );
    snap_sizes!("kiosk_door_jammed", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::Home);
}

#[test]
fn fee_is_shown_before_the_door_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::engine::EngineSettings::for_tests();
    settings.fees.per_use_cents = 150;
    settings.fees.storage_per_day_cents = 50;
    settings.fees.free_days = 1;
    let mut d = crate::testkit::driver::Driver::open(
        dir.path(),
        settings,
        crate::ui::TerminalProfile::Ansi,
        |_| {},
    )
    .unwrap();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.wait(Duration::days(3), Duration::hours(12));
    d.press(&format!("{code}#"));
    assert!(matches!(d.screen(), Screen::Fee { door: c, .. } if *c == door));
    snap_sizes!("kiosk_fee", d.page());
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(door));
    assert!(matches!(d.screen(), Screen::DoorOpen { .. }));
}

#[test]
fn inactivity_returns_home_but_never_while_a_door_is_open() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press("D12");
    d.wait(Duration::seconds(59), Duration::seconds(1));
    assert!(matches!(d.screen(), Screen::CodeEntry { .. }));
    d.wait(Duration::seconds(1), Duration::seconds(1));
    assert_eq!(*d.screen(), Screen::Home);
    assert_eq!(
        d.kiosk.model().language,
        crate::domain::Language::En,
        "the next person gets the kiosk's own language"
    );
    d.press(&format!("{code}#"));
    d.open_door(door);
    d.wait(Duration::seconds(300), Duration::seconds(10));
    assert!(
        matches!(d.screen(), Screen::DoorOpen { .. }),
        "a door is open"
    );
    d.close_door(door, false);
    // However long the door was open, the person gets the thank-you screen
    // (re-open, report a problem) for the full inactivity time after it.
    d.wait(Duration::seconds(59), Duration::seconds(1));
    assert!(matches!(d.screen(), Screen::PickupDone { .. }));
    d.wait(Duration::seconds(1), Duration::seconds(1));
    assert_eq!(*d.screen(), Screen::Home);
}

#[test]
fn out_of_service_shows_the_contact_and_comes_back() {
    let (mut d, _dir) = kiosk();
    d.press("12");
    d.bus_down();
    assert_eq!(*d.screen(), Screen::OutOfService);
    snap_sizes!("kiosk_out_of_service", d.page());
    assert!(d.screen_text().contains("Front desk, 555-0100"));
    d.press("A123456#");
    assert_eq!(*d.screen(), Screen::OutOfService, "keys wait for the bus");
    d.bus_up();
    assert_eq!(*d.screen(), Screen::Home);
    assert!(!d.kiosk.needs_render(), "drawn already");
}

#[test]
fn a_kiosk_started_with_the_bus_down_says_out_of_service() {
    let (mut d, _dir) = kiosk();
    d.bus_down();
    let facts = d.kiosk.model().facts.clone();
    let mut fresh = crate::kiosk::Kiosk::new(facts, d.kiosk.model().now());
    let requests = fresh.follow_bus_state(&d.engine);
    assert!(requests.is_empty());
    assert_eq!(fresh.model().screen, Screen::OutOfService);
}

#[test]
fn help_explains_the_keys() {
    let (mut d, _dir) = kiosk();
    d.press("C");
    assert_eq!(*d.screen(), Screen::Help);
    snap_sizes!("kiosk_help", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::Home);
}

#[test]
fn spanish_on_the_home_screen_and_through_pickup() {
    let (mut d, _dir) = kiosk();
    d.press("D");
    snap_sizes!("kiosk_home_es", d.page());
    d.press("A123");
    snap_sizes!("kiosk_pickup_entry_es", d.page());
    d.press("456#");
    snap_sizes!("kiosk_invalid_code_checklist_es", d.page());
    d.press("*D");
    assert_eq!(d.kiosk.model().language, crate::domain::Language::En);
}

#[test]
fn a_scanned_tracking_label_at_home_is_told_for_what_it_is_and_costs_no_try() {
    let (mut d, _dir) = kiosk();
    let (_, _, code) = d.stored_parcel(ANA, Size::S).unwrap();
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for _ in 0..10 {
        d.scan("1Z999AA10123456784");
    }
    assert_eq!(
        *d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::NotACode {
                scanned: crate::engine::Scanned::Tracking
            },
            tries_left: 0
        }
    );
    snap_sizes!("kiosk_scanned_tracking_label", d.page());
    d.scan("PX-482913");
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::NotACode {
                scanned: crate::engine::Scanned::RecipientId
            },
            ..
        }
    ));
    // Ten scans later the typed-code budget is whole.
    d.press(&format!("*{wrong}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Unknown,
            tries_left: 4
        }
    ));
}

#[test]
fn five_wrong_pins_pause_that_courier_only() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    let admin = d.sign_in(
        crate::testkit::driver::ADMIN.0,
        crate::testkit::driver::ADMIN.1,
    );
    d.engine
        .handle(
            &admin.unwrap(),
            crate::engine::Command::AddUser {
                name: "1002".into(),
                role: crate::domain::Role::Courier,
                pin: "2468".into(),
                badge: None,
                carrier_email: None,
            },
        )
        .unwrap();
    for _ in 0..5 {
        d.press("B1001#1111#");
    }
    // The right PIN now waits too: the account is paused, with the time.
    d.press("1001#4321#");
    assert!(matches!(d.screen(), Screen::SignInUser { .. }));
    assert_eq!(
        d.model().notice.as_ref().map(|n| n.text),
        Some(crate::wording::Text::SignInPaused)
    );
    snap_sizes!("kiosk_courier_sign_in_paused", d.page());
    // Another courier signs in and out.
    d.press("*B1002#2468#");
    assert_eq!(*d.screen(), Screen::StaffMenu);
    d.press("*");
    // A recipient's typed code still opens the door.
    d.press(&format!("{code}#"));
    assert_eq!(d.door_on_screen(), Some(door));
}

#[test]
fn still_there_comes_before_the_inactivity_reset_and_the_answering_key_does_nothing_else() {
    let (mut d, _dir) = kiosk();
    d.press("B1001#4321#");
    assert_eq!(*d.screen(), Screen::StaffMenu);
    d.wait(Duration::seconds(44), Duration::seconds(1));
    assert!(!d.model().still_there);
    d.wait(Duration::seconds(1), Duration::seconds(1));
    assert!(d.model().still_there, "15 s before the reset");
    snap_sizes!("kiosk_still_there", d.page());
    // The courier's "1" answers the question; it starts no deposit.
    d.press("1");
    assert_eq!(*d.screen(), Screen::StaffMenu);
    assert!(!d.model().still_there);
    // Left alone again, the kiosk warns again, then goes home.
    d.wait(Duration::seconds(45), Duration::seconds(1));
    assert!(d.model().still_there);
    d.wait(Duration::seconds(15), Duration::seconds(1));
    assert_eq!(*d.screen(), Screen::Home);
    // Now a digit starts a code, as on any home screen.
    d.press("1");
    assert!(matches!(d.screen(), Screen::CodeEntry { .. }));
}

/// A code typed at the wrong kiosk of a property: the refusal is the usual
/// one (a try spent), then names the kiosk that holds it once the site
/// answers; an answer after the person moved on changes nothing.
#[test]
fn a_code_held_at_another_kiosk_of_the_property_names_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = crate::engine::EngineSettings::for_tests();
    settings.site = Some(crate::engine::SiteKeys {
        site: "riverside".into(),
        keys: crate::domain::CodeKeys::for_tests(),
    });
    let mut d = crate::testkit::driver::Driver::open(
        dir.path(),
        settings,
        crate::ui::TerminalProfile::Ansi,
        |_| {},
    )
    .expect("kiosk driver");
    d.press("483920#");
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Unknown,
            ..
        }
    ));
    let Some(fingerprints) = d.engine.take_announced().into_iter().find_map(|e| match e {
        crate::engine::Event::AskSite { fingerprints } => Some(fingerprints),
        _ => None,
    }) else {
        panic!("the site was not asked");
    };
    // What the fleet publisher does with kiosk B's answer.
    let fleet = crate::engine::Actor::Local {
        name: "fleet".into(),
    };
    let answer = crate::engine::Command::CodeElsewhere {
        fingerprint: fingerprints[0].clone(),
        kiosk: "B".into(),
        locker_code: "LK-2077".into(),
    };
    let told = d.engine.handle(&fleet, answer.clone()).unwrap();
    for event in told {
        let r = d.kiosk.on_event(event);
        d.run(r);
    }
    d.render();
    let Screen::CodeRefused {
        refusal: Refusal::HeldElsewhere { kiosk, locker_code },
        tries_left,
    } = d.screen().clone()
    else {
        panic!("{:?}", d.screen());
    };
    assert_eq!((kiosk.as_str(), locker_code.as_str()), ("B", "LK-2077"));
    assert_eq!(tries_left, 4);
    assert!(d.screen_text().contains("Kiosk B (locker code LK-2077)"));
    snap_sizes!("kiosk_code_held_elsewhere", d.page());
    // The person went home; a late answer leaves the home screen alone.
    d.press("*");
    let home = d.screen().clone();
    let r = d.kiosk.on_event(crate::engine::Event::CodeHeldElsewhere {
        kiosk: "B".into(),
        locker_code: "LK-2077".into(),
    });
    d.run(r);
    assert_eq!(*d.screen(), home);
}
