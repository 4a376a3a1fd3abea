//! Scanner or person: the decoder's cases, and properties over arbitrary
//! key and time sequences.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use proptest::prelude::*;

use super::{Input, InputDecoder, ScanSettings};
use crate::ui::keymap::{Intent, Keymap};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), modifiers)
}

fn keypad() -> InputDecoder {
    InputDecoder::new(Keymap::keypad16(), ScanSettings::default())
}

/// Types `text` then Enter with `gap` between keys, starting at `start`;
/// returns everything decided, including a final flush well after.
fn type_text(decoder: &mut InputDecoder, start: Instant, text: &str, gap: Duration) -> Vec<Input> {
    let mut out = Vec::new();
    let mut at = start;
    for c in text.chars() {
        out.extend(decoder.feed(ch(c), at));
        at += gap;
    }
    out.extend(decoder.feed(key(KeyCode::Enter), at));
    out.extend(decoder.flush_due(at + ms(1000)));
    out
}

#[test]
fn scanner_burst_ending_in_enter_is_one_scan() {
    let mut decoder = keypad();
    let got = type_text(&mut decoder, Instant::now(), "PX-482913", ms(4));
    assert_eq!(got, [Input::Scan("PX-482913".into())]);
}

#[test]
fn a_scanned_a_is_not_pickup_but_a_typed_a_is() {
    let t0 = Instant::now();
    let mut decoder = keypad();
    assert_eq!(
        type_text(&mut decoder, t0, "ABBA1", ms(3)),
        [Input::Scan("ABBA1".into())]
    );
    assert!(
        decoder.feed(ch('A'), t0 + ms(2000)).is_empty(),
        "held back for a moment"
    );
    assert_eq!(
        decoder.flush_due(t0 + ms(2030)),
        [Input::Intent(Intent::Pickup)]
    );
}

#[test]
fn a_persons_digit_comes_out_within_the_burst_gap() {
    let t0 = Instant::now();
    let mut decoder = keypad();
    assert!(decoder.feed(ch('4'), t0).is_empty());
    assert_eq!(decoder.next_deadline(), Some(t0 + ms(30)));
    assert!(
        decoder.flush_due(t0 + ms(29)).is_empty(),
        "another scanner key may still come"
    );
    assert_eq!(
        decoder.flush_due(t0 + ms(30)),
        [Input::Intent(Intent::Digit(4))]
    );
    assert_eq!(decoder.next_deadline(), None);
}

#[test]
fn a_persons_code_is_digits_one_by_one_then_enter() {
    let mut decoder = keypad();
    let got = type_text(&mut decoder, Instant::now(), "123456", ms(250));
    let mut want: Vec<Input> = (1..=6).map(|d| Input::Intent(Intent::Digit(d))).collect();
    want.push(Input::Intent(Intent::Enter));
    assert_eq!(got, want);
}

#[test]
fn keys_come_out_even_if_flush_due_is_late() {
    let t0 = Instant::now();
    let mut decoder = keypad();
    assert!(decoder.feed(ch('1'), t0).is_empty());
    assert_eq!(
        decoder.feed(ch('2'), t0 + ms(400)),
        [Input::Intent(Intent::Digit(1))]
    );
    assert_eq!(decoder.flush_all(), [Input::Intent(Intent::Digit(2))]);
}

#[test]
fn a_short_fast_burst_with_enter_is_keys() {
    // Two keys pressed at once, then Enter right after: a person.
    let mut decoder = keypad();
    let got = type_text(&mut decoder, Instant::now(), "12", ms(5));
    assert_eq!(
        got,
        [
            Input::Intent(Intent::Digit(1)),
            Input::Intent(Intent::Digit(2)),
            Input::Intent(Intent::Enter)
        ]
    );
}

#[test]
fn a_fast_burst_without_enter_is_released_as_keys() {
    let t0 = Instant::now();
    let mut decoder = keypad();
    for (i, c) in "X12".chars().enumerate() {
        assert!(decoder.feed(ch(c), t0 + ms(i as u64)).is_empty());
    }
    let got = decoder.flush_due(t0 + ms(100));
    assert!(matches!(got[0], Input::Unbound(_)), "{got:?}");
    assert_eq!(
        got[1..],
        [
            Input::Intent(Intent::Digit(1)),
            Input::Intent(Intent::Digit(2))
        ]
    );
}

#[test]
fn enter_after_a_pause_is_not_the_end_of_a_scan() {
    let mut decoder = keypad();
    let t0 = Instant::now();
    for (i, c) in "4829".chars().enumerate() {
        decoder.feed(ch(c), t0 + ms(i as u64));
    }
    let got = decoder.feed(key(KeyCode::Enter), t0 + ms(200));
    assert_eq!(got.len(), 5);
    assert_eq!(got[4], Input::Intent(Intent::Enter));
}

#[test]
fn a_function_key_ends_a_burst_and_keeps_its_place() {
    let t0 = Instant::now();
    let mut decoder = InputDecoder::new(Keymap::pc(), ScanSettings::default());
    decoder.feed(ch('7'), t0);
    let got = decoder.feed(key(KeyCode::F(1)), t0 + ms(5));
    assert_eq!(
        got,
        [
            Input::Intent(Intent::Digit(7)),
            Input::Intent(Intent::Pickup)
        ]
    );
}

#[test]
fn key_releases_are_ignored() {
    let mut decoder = keypad();
    let mut release = ch('5');
    release.kind = KeyEventKind::Release;
    assert!(decoder.feed(release, Instant::now()).is_empty());
    assert_eq!(decoder.held_back(), 0);
}

#[test]
fn text_entry_types_letters_and_still_recognises_scans() {
    let t0 = Instant::now();
    let mut decoder = InputDecoder::new(Keymap::pc(), ScanSettings::default());
    decoder.set_text_entry(true);
    assert_eq!(decoder.feed(ch('q'), t0), []);
    assert_eq!(decoder.flush_due(t0 + ms(40)), [Input::Typed('q')]);
    assert_eq!(
        decoder.feed(key(KeyCode::Backspace), t0 + ms(300)),
        [Input::Intent(Intent::Back)]
    );
    let got = type_text(&mut decoder, t0 + ms(600), "BADGE-0042", ms(2));
    assert_eq!(got, [Input::Scan("BADGE-0042".into())]);
    decoder.set_text_entry(false);
    decoder.feed(ch('q'), t0 + ms(900));
    assert_eq!(
        decoder.flush_due(t0 + ms(1000)),
        [Input::Intent(Intent::Quit)]
    );
}

#[test]
fn an_endless_burst_is_not_a_scan() {
    let settings = ScanSettings {
        max_scan_chars: 8,
        ..ScanSettings::default()
    };
    let mut decoder = InputDecoder::new(Keymap::keypad16(), settings);
    let got = type_text(&mut decoder, Instant::now(), "1111111111", ms(1));
    assert!(!got.iter().any(|i| matches!(i, Input::Scan(_))), "{got:?}");
    assert_eq!(got.len(), 11, "ten digits and Enter, all as keys");
}

#[test]
fn a_clock_going_backwards_does_not_panic() {
    let t0 = Instant::now() + ms(1000);
    let mut decoder = keypad();
    decoder.feed(ch('1'), t0);
    decoder.feed(ch('2'), t0 - ms(500));
    assert!(decoder.flush_due(t0 - ms(900)).is_empty());
    assert_eq!(decoder.flush_due(t0 + ms(1000)).len(), 2);
}

/// A key a test may press: what the keypad, a keyboard or a scanner sends.
fn any_key() -> impl Strategy<Value = KeyEvent> {
    let codes = prop_oneof![
        proptest::char::range('0', '9').prop_map(KeyCode::Char),
        proptest::char::range('A', 'Z').prop_map(KeyCode::Char),
        proptest::char::range('a', 'z').prop_map(KeyCode::Char),
        proptest::sample::select(vec!['#', '*', '-', ' ', 'é', '\u{1b}']).prop_map(KeyCode::Char),
        Just(KeyCode::Enter),
        Just(KeyCode::Enter),
        Just(KeyCode::Backspace),
        Just(KeyCode::Esc),
        Just(KeyCode::Up),
        (1u8..=12).prop_map(KeyCode::F),
    ];
    let modifiers = proptest::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
    ]);
    let kinds = proptest::sample::select(vec![
        KeyEventKind::Press,
        KeyEventKind::Press,
        KeyEventKind::Press,
        KeyEventKind::Repeat,
        KeyEventKind::Release,
    ]);
    (codes, modifiers, kinds).prop_map(|(code, modifiers, kind)| {
        let mut key = KeyEvent::new(code, modifiers);
        key.kind = kind;
        key
    })
}

/// (key, milliseconds since the previous key, whether the event loop woke
/// for a deadline before it, and how late).
type Step = (KeyEvent, u64, bool, u64);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let gap = prop_oneof![0u64..8, 0u64..60, 0u64..2000];
    let single = (any_key(), gap, any::<bool>(), 0u64..80).prop_map(|step| vec![step]);
    // Random keys alone rarely line up into a scan; mix real-looking
    // scanner bursts in, so both outcomes are exercised.
    let burst = (
        proptest::collection::vec(proptest::char::range('!', '~'), 1..16),
        0u64..6,
        any::<bool>(),
    )
        .prop_map(|(payload, gap, wake)| {
            let mut steps: Vec<Step> = payload.into_iter().map(|c| (ch(c), gap, wake, 0)).collect();
            steps.push((key(KeyCode::Enter), gap, wake, 0));
            steps
        });
    proptest::collection::vec(prop_oneof![3 => single, 1 => burst], 0..30)
        .prop_map(|chunks| chunks.into_iter().flatten().collect())
}

/// Runs the steps, waking for deadlines or not, and flushes at the end.
fn run(
    decoder: &mut InputDecoder,
    start: Instant,
    steps: &[Step],
    wake_for_deadlines: bool,
) -> Vec<Input> {
    let mut out = Vec::new();
    let mut at = start;
    for (key, gap, wake, late) in steps {
        let next = at + ms(*gap);
        if wake_for_deadlines && *wake {
            if let Some(deadline) = decoder.next_deadline() {
                let woke = deadline + ms(*late);
                if woke < next {
                    out.extend(decoder.flush_due(woke));
                }
            }
        }
        at = next;
        out.extend(decoder.feed(*key, at));
    }
    out.extend(decoder.flush_due(at + ms(10_000)));
    out
}

proptest! {
    #[test]
    fn every_key_press_ends_up_in_exactly_one_input(steps in steps(), text in any::<bool>()) {
        let mut decoder = keypad();
        decoder.set_text_entry(text);
        let out = run(&mut decoder, Instant::now(), &steps, true);
        let presses = steps.iter().filter(|(k, ..)| k.kind != KeyEventKind::Release).count();
        let accounted: usize = out
            .iter()
            .map(|input| match input {
                // The payload's characters and the Enter that ended it.
                Input::Scan(payload) => payload.chars().count() + 1,
                Input::Intent(_) | Input::Typed(_) | Input::Unbound(_) => 1,
            })
            .sum();
        prop_assert_eq!(accounted, presses);
        prop_assert_eq!(decoder.held_back(), 0);
        for input in &out {
            if let Input::Scan(payload) = input {
                prop_assert!(payload.chars().count() >= ScanSettings::default().min_scan_chars);
                prop_assert!(!payload.chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn the_outcome_does_not_depend_on_when_deadlines_are_served(steps in steps()) {
        let start = Instant::now();
        let woken = run(&mut keypad(), start, &steps, true);
        let lazy = run(&mut keypad(), start, &steps, false);
        prop_assert_eq!(woken, lazy);
    }

    #[test]
    fn a_person_never_produces_a_scan(steps in steps()) {
        let slow: Vec<Step> = steps.into_iter().map(|(k, gap, w, l)| (k, gap.max(30), w, l)).collect();
        let out = run(&mut keypad(), Instant::now(), &slow, true);
        prop_assert!(!out.iter().any(|i| matches!(i, Input::Scan(_))));
    }
}

#[test]
fn the_property_harness_sees_a_payload_burst_as_a_scan() {
    let mut decoder = keypad();
    let steps: Vec<Step> = "QR:K-A:9f2c"
        .chars()
        .map(|c| (ch(c), 2, false, 0))
        .chain([(key(KeyCode::Enter), 2, false, 0)])
        .collect();
    let out = run(&mut decoder, Instant::now(), &steps, true);
    assert_eq!(out, [Input::Scan("QR:K-A:9f2c".into())]);
}

#[test]
fn a_persons_enter_after_a_code_comes_out_at_once() {
    let mut d = keypad();
    let t0 = Instant::now();
    let mut out = Vec::new();
    for (i, c) in "123456".chars().enumerate() {
        out.extend(d.feed(ch(c), t0 + ms(400 * i as u64)));
    }
    // The last digit is still held for its burst gap when `#` comes...
    out.extend(d.flush_due(t0 + ms(400 * 6)));
    // ...and `#` itself waits for nothing: no scan starts with it.
    let enter = d.feed(ch('#'), t0 + ms(400 * 6));
    assert_eq!(enter, vec![Input::Intent(Intent::Enter)]);
    assert_eq!(d.held_back(), 0);
    assert_eq!(d.next_deadline(), None);
    assert_eq!(out.len(), 6);
}

#[test]
fn a_hash_inside_a_scan_is_part_of_the_payload() {
    let mut d = keypad();
    let out = type_text(&mut d, Instant::now(), "TRK#123", ms(2));
    assert_eq!(out, vec![Input::Scan("TRK#123".into())]);
}
