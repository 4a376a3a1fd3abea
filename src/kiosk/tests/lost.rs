//! "I deleted my notification": new codes asked for from the help screen.

use super::{kiosk, snap_sizes};
use crate::domain::Size;
use crate::engine::Refusal;
use crate::kiosk::Screen;
use crate::testkit::driver::{ANA, BEN};

#[test]
fn from_help_a_recipient_id_brings_new_codes_and_the_old_one_stops_working() {
    let (mut d, _dir) = kiosk();
    let (parcel, door, old) = d.stored_parcel(ANA, Size::M).unwrap();
    d.press("C");
    assert!(d.screen_text().contains("Lost your code? Press 1."));
    d.press("1");
    assert_eq!(
        *d.screen(),
        Screen::LostCode {
            typed: String::new()
        }
    );
    d.press(&ANA[..3]);
    snap_sizes!("kiosk_lost_code", d.page());
    d.press(&ANA[3..]);
    d.press("#");
    assert_eq!(*d.screen(), Screen::LostCodeSent);
    snap_sizes!("kiosk_lost_code_sent", d.page());
    d.press("#");
    assert_eq!(*d.screen(), Screen::Home);
    let new = d.code_of(parcel).unwrap();
    if new != old {
        d.press(&format!("{old}#"));
        assert!(matches!(
            d.screen(),
            Screen::CodeRefused {
                refusal: Refusal::Replaced,
                ..
            }
        ));
        d.press("*");
    }
    d.press(&format!("{new}#"));
    assert_eq!(d.door_on_screen(), Some(door));
}

#[test]
fn every_id_gets_the_same_answer_whether_or_not_parcels_wait() {
    let (mut d, _dir) = kiosk();
    let (parcel, _, code) = d.stored_parcel(ANA, Size::S).unwrap();
    let mut answers = Vec::new();
    for id in ["999999", BEN, ANA] {
        d.press(&format!("C1{id}#"));
        assert_eq!(*d.screen(), Screen::LostCodeSent);
        answers.push(d.screen_text());
        d.press("*");
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
    // Only the ID with a parcel got a new code.
    assert_ne!(d.code_of(parcel).unwrap(), code);
}

#[test]
fn a_scanned_id_is_sent_at_once_and_a_short_one_is_asked_again() {
    let (mut d, _dir) = kiosk();
    d.press("C1123#");
    assert_eq!(
        *d.screen(),
        Screen::LostCode {
            typed: String::new()
        }
    );
    assert!(
        d.screen_text()
            .contains("A recipient ID is PX- and 6 digits")
    );
    d.press("*");
    assert_eq!(*d.screen(), Screen::Help);
    d.press("1");
    d.scan(&format!("PX-{BEN}"));
    assert_eq!(*d.screen(), Screen::LostCodeSent);
}

#[test]
fn requests_spend_typed_code_tries_and_the_pause_is_said_before_the_next() {
    let (mut d, _dir) = kiosk();
    for _ in 0..5 {
        d.press("C1999999#");
        assert_eq!(*d.screen(), Screen::LostCodeSent);
        d.press("*");
    }
    d.press("C1");
    assert!(matches!(d.screen(), Screen::Lockout { .. }));
}
