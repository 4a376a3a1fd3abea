//! Large print: the code being typed and the opening door's number, as a
//! VT100 shows them (`#` for a block) at every size, and the plain line a
//! short screen falls back to; and no screen using colour.

use super::screens::{all_screens, model};
use super::snap_at;
use crate::domain::{CompartmentId, Language};
use crate::kiosk::{DoorSpot, Draft, Screen, page_of};
use crate::store::IntentKind;
use crate::testkit::{SIZES, coloured_cells, page_text};
use crate::ui::TerminalProfile;

/// The screen as a VT100 shows it: each cell through the profile.
fn on_vt100(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.chars()
                .map(|c| TerminalProfile::Vt100.symbol(&c.to_string()).into_owned())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn spot() -> DoorSpot {
    DoorSpot {
        door: CompartmentId(14),
        column: 3,
        row: 1,
    }
}

fn screens() -> Vec<(&'static str, Screen)> {
    vec![
        (
            "kiosk_large_code",
            Screen::CodeEntry {
                digits: "1234".into(),
            },
        ),
        (
            "kiosk_large_door_open",
            Screen::DoorOpen {
                spot: spot(),
                purpose: IntentKind::Pickup,
                opened: false,
            },
        ),
        (
            "kiosk_large_deposit_door",
            Screen::DepositDoor {
                draft: Draft::default(),
                parcel: crate::domain::ParcelId(3),
                spot: spot(),
                opened: false,
                closed_empty: false,
                moved_from: None,
            },
        ),
        (
            "kiosk_large_recipient",
            Screen::Recipient {
                tracking: "TRK-9911-AB".into(),
                typed: "1111".into(),
            },
        ),
        (
            "kiosk_large_lost_code",
            Screen::LostCode {
                typed: "4829".into(),
            },
        ),
    ]
}

#[test]
fn large_print_on_a_vt100_at_every_size() {
    for (name, screen) in screens() {
        let m = model(screen.clone());
        for (w, h) in SIZES {
            let text = page_text(&page_of(&m), w, h);
            let ascii = on_vt100(&text);
            assert!(ascii.is_ascii());
            if h >= 24 {
                assert!(
                    ascii.contains("###"),
                    "{name} at {w}x{h}: large print\n{ascii}"
                );
            }
            snap_at!(format!("{name}_vt100"), w, h, ascii);
        }
    }
}

#[test]
fn typed_code_digits_stay_masked_in_large_print() {
    let m = model(Screen::CodeEntry {
        digits: "2580".into(),
    });
    for (w, h) in SIZES {
        let text = page_text(&page_of(&m), w, h);
        for digit in ['2', '5', '8'] {
            // The header has 10:00 and the words "6-digit": no other digits.
            let body: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
            assert!(
                !body.replace("6-digit", "").contains(digit),
                "{w}x{h} shows a typed digit:\n{text}"
            );
        }
    }
}

/// On a screen too short for large print the words stay whole, in both
/// languages: the door number is in the heading anyway.
#[test]
fn a_short_screen_falls_back_to_plain_words() {
    for language in [Language::En, Language::Es] {
        let mut m = model(Screen::DoorOpen {
            spot: spot(),
            purpose: IntentKind::Pickup,
            opened: false,
        });
        m.language = language;
        let small = page_text(&page_of(&m), 40, 12);
        assert!(!small.contains("███"), "no large print at 40x12:\n{small}");
        assert!(small.contains("14"));
        let large = page_text(&page_of(&m), 80, 24);
        assert!(large.contains("███"), "large print at 80x24:\n{large}");
    }
}

/// No kiosk screen uses colour: a VT100 loses nothing (the console's:
/// `admin::tests::colourless`).
#[test]
fn no_kiosk_screen_uses_colour() {
    for screen in all_screens() {
        let m = model(screen);
        assert_eq!(coloured_cells(&page_of(&m)), 0, "{:?}", m.screen);
    }
}
