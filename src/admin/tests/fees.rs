//! A recipient's fee ledger on the console: from People, 7 on a recipient,
//! on a keyboard or the keypad; and only for those who manage recipients.

use chrono::Duration;

use super::{Desk, TECH, snap_sizes};
use crate::admin::Screen;
use crate::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use crate::clock::Clock;
use crate::domain::{FeePolicy, RecipientId, Size};
use crate::engine::read::{Answer, PersonRow, Query};
use crate::engine::{Actor, Command, EngineError, EngineSettings, Event};
use crate::testkit::driver::{ADMIN, ANA, BEN, Driver};
use crate::ui::TerminalProfile;

fn charging() -> EngineSettings {
    let mut s = EngineSettings::for_tests();
    s.fees = FeePolicy {
        per_use_cents: 150,
        storage_per_day_cents: 50,
        free_days: 1,
        currency: "EUR".into(),
    };
    s
}

/// A parcel for `recipient` collected `days` after it came: the fee is
/// accepted and the door opened and closed.
fn collected_after(d: &mut Driver, recipient: &str, days: i64) {
    let (_, door, code) = d.stored_parcel(recipient, Size::S).expect("parcel");
    d.clock.advance(Duration::days(days));
    let events = d
        .engine
        .handle(&Actor::Kiosk, Command::EnterCode { code })
        .expect("code");
    let Some(ticket) = events.iter().find_map(|e| match e {
        Event::FeeDue { ticket, .. } => Some(*ticket),
        _ => None,
    }) else {
        panic!("a fee is due: {events:?}");
    };
    d.engine
        .handle(&Actor::Kiosk, Command::AcceptFee { ticket })
        .expect("accepted");
    let lock = d.lock(door).expect("lock");
    for (kind, state) in [
        (DoorEventKind::Opened, DoorState::Open),
        (DoorEventKind::Closed, DoorState::Closed),
    ] {
        d.bus.set_item(lock, kind == DoorEventKind::Opened);
        d.bus.set_door(lock, state);
        let at = d.clock.now();
        d.engine
            .on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at }))
            .expect("door");
    }
}

fn is_ana(row: Option<&PersonRow>) -> bool {
    matches!(row, Some(PersonRow::Recipient { id, .. }) if id.ends_with(ANA))
}

#[test]
fn seven_on_a_recipient_shows_what_they_were_charged_and_what_is_due() {
    let mut desk = Desk::with(charging());
    collected_after(&mut desk.d, ANA, 3);
    collected_after(&mut desk.d, BEN, 2);
    collected_after(&mut desk.d, ANA, 0);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    for _ in 0..10 {
        match desk.screen() {
            Screen::People { people, cursor } if is_ana(people.rows.get(*cursor)) => break,
            _ => desk.down(1),
        }
    }
    desk.keys("7");
    let text = desk.text();
    assert!(
        matches!(desk.screen(), Screen::Fees { rows, .. } if rows.len() == 2),
        "Ana's two pickups, not Ben's:\n{text}"
    );
    // 1.50 a use; 3 days with 1 free is 2 days at 0.50.
    assert!(
        text.contains("EUR 2.50") && text.contains("EUR 1.50"),
        "{text}"
    );
    assert!(text.contains("Total due: EUR 4.00"), "{text}");
    assert!(text.contains("takes no payment"), "{text}");
    snap_sizes!("admin_fees", desk.page());
    desk.keys("\x1b");
    assert!(
        matches!(desk.screen(), Screen::People { .. }),
        "back to People"
    );
}

#[test]
fn the_keypad_reaches_a_fee_ledger_with_digits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::open(dir.path(), charging(), TerminalProfile::Ansi, |_| {}).expect("kiosk");
    collected_after(&mut d, ANA, 2);
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    d.press("4");
    assert!(d.screen_text().contains("7 fees"), "{}", d.screen_text());
    for _ in 0..10 {
        match d.kiosk.console().map(|c| c.model().screen.clone()) {
            Some(Screen::People { people, cursor }) if is_ana(people.rows.get(cursor)) => break,
            _ => d.press("B"),
        }
    }
    d.press("7");
    let text = d.screen_text();
    assert!(text.contains("Total due: EUR 2.00"), "{text}");
    d.press("*");
    let back = d.kiosk.console().map(|c| c.model().screen.clone());
    assert!(matches!(back, Some(Screen::People { .. })), "{back:?}");
}

#[test]
fn a_technician_never_reads_what_residents_were_charged() {
    let mut desk = Desk::with(charging());
    collected_after(&mut desk.d, ANA, 2);
    let tech = desk.d.sign_in(TECH.0, TECH.1).expect("technician");
    let ledger = Query::Fees {
        recipient: RecipientId::parse(ANA).ok(),
        since: None,
    };
    let read = desk.d.engine.read(&tech, ledger.clone());
    assert!(matches!(read, Err(EngineError::Denied { .. })), "{read:?}");
    let admin = desk.d.sign_in(ADMIN.0, ADMIN.1).expect("admin");
    let Ok(Answer::Fees { rows, .. }) = desk.d.engine.read(&admin, ledger) else {
        panic!("an admin reads the ledger");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].total_cents(), 150 + 50);
}
