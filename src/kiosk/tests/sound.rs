//! What the kiosk is heard saying: the terminal's bell, counted in the
//! bytes the screen sends, and the spoken prompts, their words and (with
//! the real espeak-ng) their sound.

use std::path::Path;

use chrono::Duration;

use super::screens::{all_screens, model};
use super::{kiosk, kiosk_on};
use crate::domain::{CompartmentId, Language, Size};
use crate::kiosk::{DoorSpot, Screen, spoken};
use crate::store::IntentKind;
use crate::testkit::driver::{ANA, Driver};
use crate::ui::TerminalProfile;
use crate::ui::speech::{Speaker, say_now, voice};

const BEL: u8 = 0x07;

/// BEL bytes sent since the last look.
fn bells(d: &Driver) -> usize {
    d.meter.take_kept().iter().filter(|b| **b == BEL).count()
}

#[test]
fn a_refused_code_rings_once_and_typing_it_rings_nothing() {
    let (mut d, _dir) = kiosk();
    bells(&d);
    d.press("A000000");
    assert_eq!(bells(&d), 0, "typing is quiet");
    d.press("#");
    assert!(matches!(d.screen(), Screen::CodeRefused { .. }));
    assert_eq!(bells(&d), 1, "one bell for the refusal");
    d.press("#");
    assert_eq!(bells(&d), 0, "back to the code: quiet");
}

#[test]
fn a_door_opening_rings_once_and_its_opening_and_closing_ring_nothing_more() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&code);
    bells(&d);
    d.press("#");
    assert!(matches!(d.screen(), Screen::DoorOpen { .. }));
    assert_eq!(bells(&d), 1, "one bell as the door opens");
    d.open_door(door);
    d.close_door(door, false);
    assert!(matches!(d.screen(), Screen::PickupDone { .. }));
    assert_eq!(bells(&d), 0);
}

#[test]
fn a_return_door_rings_once_for_the_dropper_and_once_for_the_courier() {
    let (mut d, _dir) = kiosk();
    let ret = crate::engine::NewReturn {
        size: Size::S,
        reference: String::new(),
        recipient: Some(ANA.into()),
        email: None,
        language: None,
        label: None,
    };
    let code = d.issued_return(ret).unwrap().unwrap();
    d.press(&format!("C2{code}"));
    bells(&d);
    d.press("#");
    let door = d.door_on_screen().expect("a return door");
    assert_eq!(bells(&d), 1, "one bell as the return's door opens");
    d.open_door(door);
    d.close_door(door, true);
    d.press("*");
    assert_eq!(bells(&d), 0);
    d.press("B1001#4321#");
    assert!(matches!(d.screen(), Screen::StaffMenu), "{:?}", d.screen());
    d.press("2");
    bells(&d);
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(door));
    assert_eq!(bells(&d), 1, "one bell as the courier's door opens");
}

#[test]
fn a_wrong_pin_rings_each_time() {
    let (mut d, _dir) = kiosk();
    d.press("B1001#1111");
    bells(&d);
    d.press("#");
    assert_eq!(bells(&d), 1);
    d.press("1001#1111#");
    assert_eq!(bells(&d), 1, "the second wrong PIN rings too");
}

#[test]
fn an_idle_kiosk_never_rings() {
    let (mut d, _dir) = kiosk();
    bells(&d);
    d.wait(Duration::minutes(10), Duration::seconds(1));
    assert_eq!(bells(&d), 0);
}

#[test]
fn with_the_bell_off_nothing_rings() {
    let (mut d, _dir) = kiosk_on(TerminalProfile::Vt100, |f| f.bell = false);
    let (_, _, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press("A000000#*");
    d.press(&format!("A{code}#"));
    assert!(matches!(d.screen(), Screen::DoorOpen { .. }));
    assert_eq!(bells(&d), 0);
}

#[test]
fn a_door_screen_says_its_door_in_both_languages() {
    let spot = DoorSpot {
        door: CompartmentId(14),
        column: 3,
        row: 1,
    };
    for language in [Language::En, Language::Es] {
        for screen in [
            Screen::DoorOpen {
                spot,
                purpose: IntentKind::Pickup,
                opened: false,
            },
            Screen::Removal {
                list: Vec::new(),
                removed: 0,
                open: Some((
                    crate::kiosk::ExpiredParcel {
                        parcel: crate::domain::ParcelId(7),
                        door: spot.door,
                    },
                    spot,
                )),
            },
        ] {
            let mut m = model(screen);
            m.language = language;
            let said = spoken(&m).expect("a prompt");
            assert!(said.contains("14"), "{language:?}: {said}");
        }
    }
}

/// Digits typed on every screen that takes them, in both languages:
/// never in the words spoken.
#[test]
fn no_typed_code_pin_or_id_is_ever_spoken() {
    let secret = "987654";
    for screen in all_screens() {
        let typed = match screen {
            Screen::CodeEntry { .. } => Screen::CodeEntry {
                digits: secret.into(),
            },
            Screen::LostCode { .. } => Screen::LostCode {
                typed: secret.into(),
            },
            Screen::SignInPin { user, .. } => Screen::SignInPin {
                user,
                pin: secret.into(),
            },
            Screen::SignInUser { .. } => Screen::SignInUser {
                user: secret.into(),
            },
            other => other,
        };
        for language in [Language::En, Language::Es] {
            let mut m = model(typed.clone());
            m.language = language;
            let said = spoken(&m).unwrap_or_default();
            assert!(!said.contains(secret), "{typed:?} says {said}");
            assert!(!said.contains("●"), "{typed:?} says a mask: {said}");
        }
    }
    // And a real code, typed whole and then taken.
    let (mut d, _dir) = kiosk();
    let (_, _, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.press(&format!("A{code}"));
    assert!(!spoken(d.model()).unwrap_or_default().contains(&code));
    d.press("#");
    assert!(matches!(d.screen(), Screen::DoorOpen { .. }));
    assert!(!spoken(d.model()).unwrap_or_default().contains(&code));
}

/// The 16-bit samples of a WAV file (PCM, as espeak-ng writes it).
fn samples(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).expect("the WAV file");
    let at = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk");
    bytes[(at + 8).min(bytes.len())..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The configured command, writing to a file instead of the speaker,
/// says a door screen's prompt in English and in Spanish: the file holds
/// speech, not silence.
#[test]
fn a_spoken_prompt_is_sound_in_english_and_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let spot = DoorSpot {
        door: CompartmentId(7),
        column: 1,
        row: 2,
    };
    for language in [Language::En, Language::Es] {
        let mut m = model(Screen::DoorOpen {
            spot,
            purpose: IntentKind::Pickup,
            opened: false,
        });
        m.language = language;
        let text = spoken(&m).expect("a prompt");
        let wav = dir.path().join(format!("{}.wav", voice(language)));
        // As a site would configure it, the words on standard input.
        let command: Vec<String> = [
            "espeak-ng",
            "-v",
            "{voice}",
            "-w",
            &wav.display().to_string(),
            "--stdin",
        ]
        .map(String::from)
        .to_vec();
        match say_now(&command, voice(language), &text) {
            Ok(status) => assert!(status.success(), "espeak-ng failed: {status}"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("espeak-ng is not installed: run .ci/peers.sh")
            }
            Err(e) => panic!("espeak-ng: {e}"),
        }
        let samples = samples(&wav);
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        let rms = (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>()
            / samples.len().max(1) as f64)
            .sqrt();
        eprintln!(
            "{language:?}: \"{text}\": {} samples, peak {peak}, RMS {rms:.0}",
            samples.len()
        );
        assert!(
            samples.len() > 10_000,
            "{language:?}: too short to be words"
        );
        assert!(peak > 8_000, "{language:?}: peak {peak} is near silence");
        assert!(rms > 1_000.0, "{language:?}: RMS {rms:.0} is near silence");
    }
}

/// The kiosk hands each new prompt to the configured program once (here
/// `tee`, writing what it is given to a file): the code entry's, not again
/// for each digit, then the opening door's; never the code.
#[test]
fn the_kiosk_says_each_new_prompt_once_through_the_configured_program() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("said.txt");
    let speaker =
        Speaker::start(vec!["tee".into(), "-a".into(), file.display().to_string()]).unwrap();
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.kiosk.set_speaker(Some(speaker.clone()));
    d.press("A");
    assert!(speaker.wait_said(1, LIMIT), "the code entry's prompt");
    d.press(&code);
    d.press("#");
    assert!(speaker.wait_said(2, LIMIT), "the door's prompt");
    let said = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines,
        [
            "Pick up a parcel. Enter the 6-digit code from your message:".to_string(),
            format!("Door {door} is opening. Take your parcel."),
        ],
        "{said}"
    );
    assert!(!said.contains(&code));
}

/// A speech program that is not there: the kiosk works on, silent.
#[test]
fn a_missing_speech_program_leaves_the_kiosk_working() {
    let speaker = Speaker::start(vec!["/nonexistent/espeak-ng".into()]).unwrap();
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d.stored_parcel(ANA, Size::S).unwrap();
    d.kiosk.set_speaker(Some(speaker.clone()));
    d.press(&format!("A{code}#"));
    assert!(!speaker.wait_said(1, LIMIT));
    d.open_door(door);
    d.close_door(door, false);
    assert!(matches!(d.screen(), Screen::PickupDone { .. }));
}

/// How long a test waits for the speech thread before it fails (it never
/// needs more than a moment; this only keeps a broken thread from hanging).
const LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Spoken prompts read as sentences: no stop after a question, no run of
/// spaces, no menu choice or field read out as if it were the prompt.
#[test]
fn prompts_read_as_sentences_without_menus_or_fields() {
    for screen in all_screens() {
        for language in [Language::En, Language::Es] {
            let mut m = model(screen.clone());
            m.language = language;
            let said = spoken(&m).unwrap_or_default();
            for odd in ["?.", "!.", ":.", "  ", "PX-4829", "____"] {
                assert!(!said.contains(odd), "{screen:?} says {said:?}");
            }
        }
    }
    let m = model(Screen::ReportProblem {
        door: CompartmentId(14),
    });
    assert_eq!(spoken(&m).as_deref(), Some("Report a problem with door 14"));
    let m = model(Screen::LostCode {
        typed: String::new(),
    });
    let said = spoken(&m).unwrap_or_default();
    assert!(said.starts_with("Lost your code? Scan"), "{said}");
}
