//! Courier and staff situations: sign-in, deposits, the removal walk.

use chrono::Duration;

use super::{kiosk, snap_sizes};
use crate::domain::{CompartmentId, ParcelClass, Size};
use crate::kiosk::{ClassShown, Screen};
use crate::store::IntentKind;
use crate::testkit::driver::{ANA, Driver};
use crate::wording::Text;

fn signed_in(d: &mut Driver) {
    d.press("B1001#4321#");
    assert_eq!(*d.screen(), Screen::StaffMenu);
}

/// Signed in, tracking scanned, recipient typed: the size screen.
fn at_size(d: &mut Driver, recipient: &str) {
    signed_in(d);
    d.press("1");
    d.scan("TRK-9911-AB");
    d.press(&format!("{recipient}#"));
    // The label does not say the class: the usual one, with one key.
    assert!(matches!(d.screen(), Screen::Class { .. }));
    d.press("#");
    assert!(matches!(d.screen(), Screen::Size { .. }));
}

#[test]
fn each_field_is_checked_when_it_is_entered_and_the_recipient_is_named_short() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.press("D1");
    // A tracking number of the wrong form, in the screen's language.
    d.press("123#");
    assert!(matches!(d.screen(), Screen::Tracking { .. }));
    assert_eq!(told(&d), Some(Text::TrackingInvalid));
    snap_sizes!("kiosk_courier_tracking_invalid_es", d.page());
    d.press("D");
    d.scan("TRK-9911-AB");
    d.press("12#");
    assert_eq!(
        d.model().notice.as_ref().map(|n| n.text),
        Some(Text::RecipientInvalid)
    );
    d.press(&format!("{ANA}#"));
    let Screen::Class { draft } = d.screen() else {
        panic!("{:?}", d.screen())
    };
    assert_eq!(draft.recipient_name.as_deref(), Some("Ana R."));
    d.press("#");
    snap_sizes!("kiosk_courier_size_names_the_recipient", d.page());
}

/// What the notice line says.
fn told(d: &Driver) -> Option<Text> {
    d.model().notice.as_ref().map(|n| n.text)
}

/// The class the receipt screen names once the parcel is in the door the
/// size screen's `key` opened.
fn stored_class(d: &mut Driver, key: &str) -> Option<ClassShown> {
    d.press(key);
    let c = door(d);
    d.open_door(c);
    d.close_door(c, true);
    let Screen::DepositStored { class, .. } = d.screen() else {
        panic!("{:?}", d.screen())
    };
    *class
}

fn door(d: &Driver) -> CompartmentId {
    d.door_on_screen().expect("a door on the screen")
}

#[test]
fn courier_deposit_shows_where_the_door_is_and_the_receipt() {
    let (mut d, _dir) = kiosk();
    d.press("B1001");
    snap_sizes!("kiosk_courier_sign_in", d.page());
    d.press("#43");
    snap_sizes!("kiosk_courier_pin", d.page());
    assert!(!d.screen_text().contains("43"), "the PIN is masked");
    d.press("21#");
    assert_eq!(*d.screen(), Screen::StaffMenu);
    snap_sizes!("kiosk_staff_menu", d.page());
    d.press("1");
    d.press("40442");
    snap_sizes!("kiosk_tracking", d.page());
    d.press("#");
    d.press("1111");
    snap_sizes!("kiosk_recipient", d.page());
    d.press("11#");
    snap_sizes!("kiosk_class", d.page());
    d.press("#");
    snap_sizes!("kiosk_size", d.page());
    d.press("2");
    let c = door(&d);
    assert_eq!(c, CompartmentId(2), "the smallest free M");
    snap_sizes!("kiosk_deposit_door_open", d.page());
    d.open_door(c);
    d.close_door(c, true);
    assert_eq!(
        *d.screen(),
        Screen::DepositStored {
            door: c,
            receipt: "R-A-000001".into(),
            class: Some(ClassShown::picked(ParcelClass::Domestic)),
        }
    );
    snap_sizes!("kiosk_deposit_stored", d.page());
    d.press("#");
    assert!(matches!(d.screen(), Screen::Tracking { .. }), "next parcel");
    d.press("**");
    assert_eq!(*d.screen(), Screen::Home, "signed out");
    assert!(d.kiosk.model().session.is_none());
}

#[test]
fn s10_label_says_the_class_and_one_with_a_wrong_check_digit_is_scanned_again() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.press("1");
    d.scan("EE123456784US");
    assert!(matches!(d.screen(), Screen::Tracking { .. }));
    assert_eq!(told(&d), Some(Text::TrackingCheckDigit));
    snap_sizes!("kiosk_courier_tracking_check_digit", d.page());
    // Express mail posted in the US, at a locker in Spain: no class to pick.
    d.scan("EE123456785US");
    d.press(&format!("{ANA}#"));
    let express_abroad = Some(ClassShown {
        class: ParcelClass::Express,
        abroad: true,
    });
    let Screen::Size { draft } = d.screen() else {
        panic!("{:?}", d.screen())
    };
    assert_eq!(draft.class, express_abroad);
    snap_sizes!("kiosk_size_express_international", d.page());
    assert_eq!(stored_class(&mut d, "1"), express_abroad);
    assert!(d.screen_text().contains("Express, international"));
}

#[test]
fn the_courier_picks_the_class_of_a_parcel_whose_label_does_not_say_it() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.press("1");
    d.scan("TRK-77");
    d.press(&format!("{ANA}#"));
    assert!(matches!(d.screen(), Screen::Class { .. }));
    d.press("3");
    let Screen::Size { draft } = d.screen() else {
        panic!("{:?}", d.screen())
    };
    assert_eq!(draft.class, Some(ClassShown::picked(ParcelClass::Express)));
    // Back goes to the pick, and back again to the recipient.
    d.press("*");
    assert!(matches!(d.screen(), Screen::Class { .. }));
    d.press("2");
    assert_eq!(
        stored_class(&mut d, "1"),
        Some(ClassShown::picked(ParcelClass::International))
    );
}

#[test]
fn scanned_recipient_id_and_badge_work_like_typed_ones() {
    let (mut d, _dir) = kiosk();
    d.press("B");
    d.scan("BADGE-1001");
    assert_eq!(*d.screen(), Screen::StaffMenu);
    d.press("1");
    d.scan("TRK-77");
    d.scan("PX-111111");
    assert!(matches!(d.screen(), Screen::Class { draft } if draft.recipient == "PX-111111"));
}

#[test]
fn wrong_pin_asks_again() {
    let (mut d, _dir) = kiosk();
    d.press("B1001#1111#");
    assert_eq!(
        *d.screen(),
        Screen::SignInUser {
            user: String::new()
        }
    );
    assert_eq!(
        d.kiosk.model().notice.as_ref().map(|n| n.text),
        Some(Text::WrongPin)
    );
    snap_sizes!("kiosk_courier_wrong_pin", d.page());
}

#[test]
fn unknown_recipient_is_told_to_deliver_as_usual() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.press("1");
    d.scan("TRK-9911-AB");
    // Said as soon as the ID is entered, before any door is chosen.
    d.press("999999#");
    assert_eq!(
        *d.screen(),
        Screen::NotRegistered {
            recipient: "999999".into()
        }
    );
    snap_sizes!("kiosk_not_registered", d.page());
    d.press("#");
    assert!(matches!(d.screen(), Screen::Tracking { .. }));
}

#[test]
fn oversized_parcel_is_refused() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("530#20");
    snap_sizes!("kiosk_dimensions", d.page());
    d.press("0#60#");
    // 30 x 200 x 60 cm fits nowhere.
    assert_eq!(*d.screen(), Screen::Oversized);
    snap_sizes!("kiosk_oversized", d.page());
}

#[test]
fn dimensions_pick_the_smallest_size_that_fits() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("520#30#50#");
    assert_eq!(door(&d), CompartmentId(2), "20 x 30 x 50 cm fits M");
}

/// A small door opened, then "does not fit": the doors (small, larger).
fn moved_to_a_larger_door(d: &mut Driver) -> (CompartmentId, CompartmentId) {
    at_size(d, ANA);
    d.press("1");
    let small = door(d);
    d.open_door(small);
    d.press("1");
    (small, door(d))
}

#[test]
fn does_not_fit_then_a_larger_door() {
    let (mut d, _dir) = kiosk();
    let (small, larger) = moved_to_a_larger_door(&mut d);
    assert_ne!(small, larger);
    assert!(matches!(d.screen(), Screen::DepositDoor { moved_from: Some(c), .. } if *c == small));
    snap_sizes!("kiosk_deposit_moved", d.page());
    d.close_door(small, false);
    assert_eq!(d.model().notice, None, "nothing left in the small door");
    d.open_door(larger);
    d.close_door(larger, true);
    assert!(matches!(d.screen(), Screen::DepositStored { door, .. } if *door == larger));
}

#[test]
fn a_door_given_up_as_too_small_that_closes_on_the_parcel_is_said_and_flagged() {
    let (mut d, _dir) = kiosk();
    let (small, larger) = moved_to_a_larger_door(&mut d);
    d.close_door(small, true);
    assert_eq!(door(&d), larger, "the courier stays at the larger door");
    let notice = d.model().notice.clone().expect("a notice");
    assert_eq!(
        (notice.text, notice.reason),
        (Text::LeftInside, small.to_string())
    );
}

#[test]
fn cancelled_deposit_frees_the_door() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("1");
    let c = door(&d);
    d.open_door(c);
    d.press("*");
    assert_eq!(*d.screen(), Screen::DepositCancelled { door: c });
    snap_sizes!("kiosk_deposit_cancelled", d.page());
    d.close_door(c, false);
    assert_eq!(*d.screen(), Screen::StaffMenu);
    // The same door is free for the next parcel.
    d.press("1");
    d.scan("TRK-9912");
    d.press("111111##1");
    assert_eq!(door(&d), c);
}

#[test]
fn cancelled_before_the_door_opens_the_courier_still_closes_it_and_a_parcel_left_in_is_flagged() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("1");
    let c = door(&d);
    d.press("*");
    assert_eq!(*d.screen(), Screen::DepositCancelled { door: c });
    d.open_door(c);
    d.press("#");
    assert_eq!(
        *d.screen(),
        Screen::DepositCancelled { door: c },
        "no key goes on while the door is open"
    );
    d.close_door(c, true);
    assert_eq!(*d.screen(), Screen::StaffMenu);
    assert_eq!(
        d.model().notice.as_ref().map(|n| n.text),
        Some(Text::LeftInside),
        "the courier hears it too"
    );
    let comp = crate::engine::query::compartments(d.engine.store())
        .unwrap()
        .into_iter()
        .find(|x| x.id == c)
        .unwrap();
    assert!(
        comp.needs_inspection,
        "not shown free with something inside"
    );
}

#[test]
fn no_free_compartment_offers_the_next_size() {
    let (mut d, _dir) = kiosk();
    for size in [Size::L, Size::XL] {
        for _ in 0..4 {
            d.stored_parcel(ANA, size).unwrap();
        }
    }
    at_size(&mut d, ANA);
    d.press("3");
    assert!(matches!(
        d.screen(),
        Screen::NoCompartment {
            wanted: Size::L,
            ..
        }
    ));
    snap_sizes!("kiosk_no_compartment", d.page());
    d.press("1");
    assert!(matches!(
        d.screen(),
        Screen::NoCompartment {
            wanted: Size::XL,
            ..
        }
    ));
    d.press("*");
    assert_eq!(*d.screen(), Screen::StaffMenu);
}

#[test]
fn jammed_deposit_door_lets_the_courier_choose_again() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("1");
    let c = door(&d);
    d.jam(c);
    assert!(matches!(
        d.screen(),
        Screen::DoorFault {
            purpose: IntentKind::Deposit,
            draft: Some(_),
            ..
        }
    ));
    snap_sizes!("kiosk_deposit_door_jammed", d.page());
    d.press("#1");
    assert_ne!(door(&d), c, "the jammed door is out of the running");
}

#[test]
fn expired_parcels_are_removed_door_by_door() {
    let (mut d, _dir) = kiosk();
    let (_, first, _) = d.stored_parcel(ANA, Size::S).unwrap();
    let (_, second, _) = d.stored_parcel(ANA, Size::M).unwrap();
    d.wait(Duration::days(7), Duration::hours(6));
    signed_in(&mut d);
    d.press("9");
    assert!(matches!(d.screen(), Screen::Removal { list, .. } if list.len() == 2));
    snap_sizes!("kiosk_removal_list", d.page());
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(first));
    snap_sizes!("kiosk_removal_door_open", d.page());
    d.open_door(first);
    d.close_door(first, false);
    assert!(
        matches!(d.screen(), Screen::Removal { list, removed: 1, open: None } if list.len() == 1)
    );
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(second));
    d.open_door(second);
    d.close_door(second, false);
    assert!(matches!(d.screen(), Screen::Removal { list, removed: 2, .. } if list.is_empty()));
    snap_sizes!("kiosk_removal_done", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::StaffMenu);
}

#[test]
fn a_signed_in_courier_is_signed_out_after_inactivity() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.wait(Duration::seconds(60), Duration::seconds(5));
    assert_eq!(*d.screen(), Screen::Home);
    assert!(d.kiosk.model().session.is_none());
}

#[test]
fn deposit_door_closed_empty_keeps_the_door_for_the_courier() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("1");
    let c = door(&d);
    d.open_door(c);
    d.close_door(c, false);
    assert!(matches!(
        d.screen(),
        Screen::DepositDoor {
            closed_empty: true,
            ..
        }
    ));
    snap_sizes!("kiosk_deposit_closed_empty", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::StaffMenu, "cancelled, door shut");
}

#[test]
fn bus_down_during_a_session_signs_the_courier_out_when_it_returns() {
    let (mut d, _dir) = kiosk();
    signed_in(&mut d);
    d.bus_down();
    assert_eq!(*d.screen(), Screen::OutOfService);
    d.bus_up();
    assert_eq!(*d.screen(), Screen::Home);
    assert!(d.kiosk.model().session.is_none());
}

#[test]
fn after_a_crash_the_next_person_sees_home_not_the_couriers_receipt() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("1");
    let door = door(&d);
    d.open_door(door);
    // The power goes; the courier shuts the door on the parcel meanwhile.
    let lock = d.lock(door).expect("a lock");
    d.bus.set_item(lock, true);
    d.bus.set_door(lock, crate::bus::DoorState::Closed);
    let settled = d.engine.recover().unwrap();
    assert!(
        settled
            .iter()
            .any(|e| matches!(e, crate::engine::Event::DepositStored { .. })),
        "{settled:?}"
    );
    // The restarted kiosk starts on its home screen and stays there.
    let facts = d.kiosk.model().facts.clone();
    let mut restarted = crate::kiosk::Kiosk::new(facts, crate::testkit::driver::start_time());
    for event in settled {
        restarted.on_event(event);
    }
    assert_eq!(restarted.model().screen, Screen::Home);
}

#[test]
fn a_twelve_digit_pin_set_elsewhere_can_be_typed_at_the_keypad() {
    let (mut d, _dir) = kiosk();
    let admin = d
        .sign_in(
            crate::testkit::driver::ADMIN.0,
            crate::testkit::driver::ADMIN.1,
        )
        .unwrap();
    d.engine
        .handle(
            &admin,
            crate::engine::Command::AddUser {
                name: "1003".into(),
                role: crate::domain::Role::Courier,
                pin: "123456789012".into(),
                badge: None,
                carrier_email: None,
            },
        )
        .unwrap();
    d.press("B1003#123456789012#");
    assert_eq!(*d.screen(), Screen::StaffMenu);
}

#[test]
fn a_zero_dimension_is_typed_again_and_opens_no_door() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("50#");
    assert_eq!(
        d.model().notice.as_ref().map(|n| n.text),
        Some(Text::DimensionZero)
    );
    d.press("0#0#");
    assert!(matches!(d.screen(), Screen::Dimensions { .. }));
    assert_eq!(d.door_on_screen(), None);
    snap_sizes!("kiosk_dimension_zero", d.page());
    assert!(
        d.screen_text().contains("1 to 999 cm"),
        "{}",
        d.screen_text()
    );
    // Typed again: the number, the cursor, then the unit.
    d.press("12");
    assert!(
        d.screen_text().contains("Height:  12_ cm"),
        "{}",
        d.screen_text()
    );
}

#[test]
fn the_largest_door_does_not_offer_does_not_fit() {
    let (mut d, _dir) = kiosk();
    at_size(&mut d, ANA);
    d.press("4");
    let door = door(&d);
    assert!(d.screen_text().contains("* Cancel"), "{}", d.screen_text());
    assert!(
        !d.screen_text().contains("Does not fit"),
        "door {door} is XL: {}",
        d.screen_text()
    );
}
