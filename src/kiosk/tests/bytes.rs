//! What the screen costs on a 9600 baud line, counted through the real
//! `KioskBackend` at 80x24 (docs/PERFORMANCE.md budgets). Byte counts, never timing.

use chrono::Duration;

use super::kiosk;
use crate::testkit::driver::Driver;
use crate::ui::TerminalProfile;

#[test]
fn one_more_code_digit_costs_at_most_40_bytes() {
    let (mut d, _dir) = kiosk();
    d.press("A12");
    let before = d.bytes();
    d.press("3");
    let cost = d.bytes() - before;
    eprintln!("one more code digit: {cost} bytes");
    assert!(cost > 0, "the digit shows");
    assert!(cost <= 40, "one more digit cost {cost} bytes");
}

#[test]
fn an_idle_screen_writes_nothing_until_the_minute_changes() {
    let (mut d, _dir) = kiosk();
    let before = d.bytes();
    // 10:00:00 to 10:00:59, a tick every second.
    d.wait(Duration::seconds(59), Duration::seconds(1));
    assert_eq!(d.bytes(), before, "nothing changed, nothing sent");
    d.wait(Duration::seconds(1), Duration::seconds(1));
    let minute = d.bytes() - before;
    eprintln!("clock minute change: {minute} bytes");
    assert!(
        minute > 0 && minute <= 40,
        "clock minute cost {minute} bytes"
    );
}

#[test]
fn a_key_that_changes_nothing_sends_nothing() {
    let (mut d, _dir) = kiosk();
    d.press("A");
    let before = d.bytes();
    // A full code: a seventh digit is not taken.
    d.press("123456");
    let mark = d.bytes();
    d.press("7");
    assert_eq!(d.bytes(), mark, "the seventh digit changes nothing");
    assert!(mark > before);
}

#[test]
fn home_to_pickup_screen_costs_at_most_1_5_kb() {
    for profile in [
        TerminalProfile::Ansi,
        TerminalProfile::Vt220,
        TerminalProfile::Vt100,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Driver::open(
            dir.path(),
            crate::engine::EngineSettings::for_tests(),
            profile,
            |_| {},
        )
        .unwrap();
        let first = d.bytes();
        let before = d.bytes();
        d.press("A");
        let cost = d.bytes() - before;
        eprintln!("{profile}: first home screen {first} bytes, home -> pickup {cost} bytes");
        assert!(cost <= 1536, "{profile}: home -> pickup cost {cost} bytes");
        let back = d.bytes();
        d.press("*");
        let cost = d.bytes() - back;
        assert!(cost <= 1536, "{profile}: pickup -> home cost {cost} bytes");
    }
}

#[test]
fn the_lockout_countdown_costs_a_few_bytes_a_second() {
    let (mut d, _dir) = kiosk();
    for _ in 0..5 {
        d.press("A000000#");
    }
    assert!(matches!(d.screen(), crate::kiosk::Screen::Lockout { .. }));
    let before = d.bytes();
    d.wait(Duration::seconds(1), Duration::seconds(1));
    let cost = d.bytes() - before;
    eprintln!("lockout countdown, one second: {cost} bytes");
    assert!(
        cost > 0 && cost <= 40,
        "one second of countdown cost {cost}"
    );
}

#[test]
fn the_open_door_screen_with_its_bank_drawing_stays_within_a_screen_change_budget() {
    let (mut d, _dir) = kiosk();
    let (_, door, code) = d
        .stored_parcel(crate::testkit::driver::ANA, crate::domain::Size::S)
        .unwrap();
    d.press(&code);
    let before = d.bytes();
    d.press("#");
    let opening = d.bytes() - before;
    let before = d.bytes();
    d.open_door(door);
    let opened = d.bytes() - before;
    eprintln!("code entry -> door opening: {opening} bytes, -> door open: {opened} bytes");
    // The same 1.5 KB as home -> pickup: the drawing must not make the
    // door screen the slow one.
    assert!(opening <= 1536, "door screen cost {opening}");
    assert!(opened <= 40, "'opening' -> 'open' cost {opened}");
}

/// Every kiosk screen, reached from the home screen: what the change costs
/// on the line (docs/PERFORMANCE.md lists these). Each stays within the
/// docs/PERFORMANCE.md budget for a screen change, 1.5 KB, about 1.6 s at 9600 baud.
#[test]
fn every_screen_change_from_home_stays_within_1_5_kb() {
    use ratatui::Terminal;

    use super::screens::{all_screens, model};
    use crate::kiosk::{Screen, view};
    use ratatui::layout::Size;

    use crate::ui::{CountingWriter, KioskBackend};

    let mut worst = (0u64, String::new());
    for screen in all_screens() {
        let writer = CountingWriter::new();
        let meter = writer.meter();
        let size = Size {
            width: 80,
            height: 24,
        };
        let mut terminal =
            Terminal::new(KioskBackend::new(writer, size, TerminalProfile::Vt220)).unwrap();
        let home = model(Screen::Home);
        terminal.draw(|f| view(&home, f)).unwrap();
        let mut mark = meter.bytes();
        let target = model(screen.clone());
        terminal.draw(|f| view(&target, f)).unwrap();
        let cost = meter.bytes_since(&mut mark);
        let name = format!("{screen:?}");
        let name = name
            .split([' ', '{', '('])
            .next()
            .unwrap_or("?")
            .to_string();
        eprintln!("home -> {name}: {cost} bytes");
        if screen != Screen::Home {
            assert!(cost > 0, "{name} draws nothing");
        }
        assert!(cost <= 1536, "home -> {name} costs {cost} bytes");
        if cost > worst.0 {
            worst = (cost, name);
        }
    }
    eprintln!("largest: {} ({} bytes)", worst.1, worst.0);
}
