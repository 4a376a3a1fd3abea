//! Screens that are rare to reach by keys alone, and the VT100 byte
//! stream of the home screen.

use super::{kiosk, snap};
use crate::domain::Size;
use crate::engine::{Actor, Command, EngineSettings, Refusal};
use crate::kiosk::driver::{ANA, Driver, screen_text, start_time, test_bank};
use crate::kiosk::{KioskFacts, Model, Screen};
use crate::store::IntentKind;
use crate::ui::TerminalProfile;

fn model(screen: Screen) -> Model {
    let facts = KioskFacts::from_engine(
        &EngineSettings::for_tests(),
        &test_bank(),
        "Front desk, 555-0100",
    );
    let mut m = Model::new(facts, start_time());
    m.screen = screen;
    m
}

/// Escapes shown as `␛` so the snapshot reads like a terminal log.
fn readable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('\u{1b}', "␛")
        .replace("␛[", "\n␛[")
}

#[test]
fn home_on_a_vt100_is_ascii_with_reverse_video_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = Driver::open(
        dir.path(),
        EngineSettings::for_tests(),
        TerminalProfile::Vt100,
        |_| {},
    )
    .unwrap();
    let bytes = d.meter.take_kept();
    assert!(bytes.is_ascii(), "a VT100 gets ASCII only");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("38;5"), "no 256-colour codes");
    assert!(text.contains("\u{1b}[0;7m") || text.contains("\u{1b}[7m"));
    snap!("kiosk_home_vt100", readable(&bytes));
}

#[test]
fn replaced_code_says_use_the_latest_message() {
    let (mut d, _dir) = kiosk();
    let (parcel, _, old) = d.stored_parcel(ANA, Size::S).unwrap();
    let admin = Actor::Local {
        name: "test".into(),
    };
    d.engine
        .handle(&admin, Command::ResendCode { parcel })
        .unwrap();
    d.press(&format!("{old}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Replaced,
            ..
        }
    ));
    snap!("kiosk_invalid_code_replaced", d.screen_text());
}

#[test]
fn door_that_could_not_be_pulsed_keeps_the_code() {
    let m = model(Screen::DoorFault {
        door: None,
        purpose: IntentKind::Pickup,
        draft: None,
    });
    let text = screen_text(&m);
    assert!(text.contains("Your code is still valid"));
    snap!("kiosk_door_could_not_open", text);
}

#[test]
fn demo_help_lists_the_demo_codes() {
    let mut m = model(Screen::Help);
    m.facts.demo_help = Some("Demo: code 123456 opens door 3.\nCourier 1001, PIN 4321.".into());
    let text = screen_text(&m);
    assert!(text.contains("Courier 1001, PIN 4321."));
    snap!("kiosk_help_demo", text);
}

#[test]
fn lockout_in_spanish_counts_down_in_minutes_and_seconds() {
    let mut m = model(Screen::Lockout {
        until: start_time() + chrono::Duration::seconds(125),
        secs_left: 125,
    });
    m.language = crate::domain::Language::Es;
    let text = screen_text(&m);
    assert!(text.contains("02:05"));
    snap!("kiosk_lockout_es", text);
}
