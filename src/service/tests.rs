//! The service laptop on a fake bus: the door table, a pulse test and a
//! manual unlock, each in the local audit chain.

use chrono::Utc;

use super::{ServiceLink, console};
use crate::admin::{Console, Request, Screen};
use crate::bus::fake::FakeBus;
use crate::bus::{DoorState, LockId};
use crate::domain::{CompartmentId, Language};
use crate::engine::read::Query;
use crate::hardware::Bank;
use crate::store::audit::{self, AuditFilter};
use crate::testkit::driver::frame_text;
use crate::testkit::snap_sizes;
use crate::ui::{Input, Intent, Keymap};

fn keys(c: &mut Console, link: &mut ServiceLink, inputs: &[Input]) {
    for input in inputs {
        let r = c.on_input(input.clone(), Utc::now());
        c.serve(link, r);
    }
}

fn digit(d: u8) -> Input {
    Input::Intent(Intent::Digit(d))
}

/// The screen as text; the header's clock is the real one, shown as hh:mm.
fn text(c: &Console) -> String {
    frame_text(|f| crate::admin::view(c.model(), f))
        .lines()
        .map(|l| match l.char_indices().nth_back(4) {
            Some((at, _)) if l.starts_with(" Admin") => format!("{}hh:mm", &l[..at]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen before it is laid out, the header's real clock as hh:mm.
fn page(c: &Console) -> crate::ui::page::Page {
    let mut page = crate::admin::page_of(c.model());
    if let Some(clock) = page.status.last_mut() {
        *clock = "hh:mm".into();
    }
    page
}

#[test]
fn service_laptop_pulses_and_unlocks_into_its_own_audit_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = Bank::demo();
    let bus = FakeBus::new();
    bus.set_door(
        LockId {
            board: 2,
            channel: 3,
        },
        DoorState::Open,
    );
    let mut link = ServiceLink::new(Box::new(bus.clone()), bank.clone(), dir.path(), "ana")
        .expect("service link");
    let mut c = console(&bank, "ana", &Keymap::keypad16(), Language::En);
    let first = vec![Request::Read {
        actor: c.model().actor(),
        query: Query::Bus,
    }];
    c.serve(&mut link, first);
    assert!(matches!(c.model().screen, Screen::Bus { .. }));
    let shown = text(&c);
    assert!(
        shown.contains("door   1  board   1 channel  0  Closed"),
        "{shown}"
    );
    snap_sizes!("service_bus", page(&c));
    // Pulse test on the third door of the table: what is inside is said,
    // and reason 1 (pulse test) picked by number.
    keys(
        &mut c,
        &mut link,
        &[
            Input::Intent(Intent::Down),
            Input::Intent(Intent::Down),
            digit(1),
        ],
    );
    assert!(bus.pulses().is_empty(), "a pulse before the reason");
    assert!(text(&c).contains("To open it"), "{}", text(&c));
    keys(&mut c, &mut link, &[digit(1), Input::Intent(Intent::Enter)]);
    let door3 = bank
        .layout
        .compartment(CompartmentId(3))
        .map(|c| c.lock())
        .expect("door 3");
    assert_eq!(bus.pulses(), vec![door3]);
    // A manual unlock from the bank: door 7, reason 2 (parcel stuck) by number.
    keys(
        &mut c,
        &mut link,
        &[Input::Intent(Intent::Back), digit(1), digit(7)],
    );
    keys(
        &mut c,
        &mut link,
        &[
            Input::Intent(Intent::Enter),
            digit(1),
            digit(2),
            Input::Intent(Intent::Enter),
        ],
    );
    assert_eq!(bus.pulses().len(), 2);
    assert!(text(&c).contains("Door 7 is opening."), "{}", text(&c));
    // Neither parcels nor people exist here.
    let r = c.serve_one(
        &mut link,
        Request::Read {
            actor: c.model().actor(),
            query: Query::People,
        },
    );
    assert!(r.is_empty());
    assert_eq!(
        c.model().notice.as_deref(),
        Some("Not allowed for your role.")
    );
    // Leaving ends the program.
    keys(
        &mut c,
        &mut link,
        &[
            Input::Intent(Intent::Back),
            Input::Intent(Intent::Back),
            digit(0),
        ],
    );
    assert!(c.has_left());
    // The same log `locker audit verify --data-dir` reads.
    let store = link.audit_store();
    assert_eq!(store.path(), dir.path().join("db"));
    let report = audit::verify(store).expect("verify");
    assert!(report.ok() && report.checked == 2, "{report:?}");
    let entries = audit::page(store, None, 10, &AuditFilter::default()).expect("page");
    assert_eq!(entries[0].detail, "parcel stuck");
    assert_eq!(entries[1].detail, "pulse test");
    assert!(
        entries
            .iter()
            .all(|e| e.actor == "service:ana" && e.action == "manual_unlock")
    );
}

#[test]
fn a_pulse_on_an_offline_board_is_refused_and_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = Bank::demo();
    let bus = FakeBus::new();
    bus.set_board_offline(1, true);
    let mut link = ServiceLink::new(Box::new(bus.clone()), bank.clone(), dir.path(), "ana")
        .expect("service link");
    let mut c = console(&bank, "ana", &Keymap::keypad16(), Language::En);
    keys(
        &mut c,
        &mut link,
        &[digit(7), digit(1), digit(1), Input::Intent(Intent::Enter)],
    );
    assert!(bus.pulses().is_empty());
    let notice = c.model().notice.clone().unwrap_or_default();
    assert!(notice.contains("offline"), "{notice}");
    let entries = audit::page(link.audit_store(), None, 10, &AuditFilter::default()).expect("page");
    assert_eq!(entries[0].action, "pulse_failed");
}

#[test]
fn service_menu_and_door_offer_only_what_the_boards_can_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = Bank::demo();
    let mut link = ServiceLink::new(Box::new(FakeBus::new()), bank.clone(), dir.path(), "ana")
        .expect("service link");
    let mut c = console(&bank, "ana", &Keymap::keypad16(), Language::En);
    let menu = text(&c);
    assert!(menu.contains("1  Bank") && menu.contains("6  Audit log") && menu.contains("7  Bus"));
    assert!(!menu.contains("CCTV") && !menu.contains("Alerts"), "{menu}");
    assert!(menu.contains("1/6/7 choose   0 leave"), "{menu}");
    snap_sizes!("service_menu", page(&c));
    keys(
        &mut c,
        &mut link,
        &[digit(1), digit(4), Input::Intent(Intent::Enter)],
    );
    let door = text(&c);
    assert!(
        door.contains("Door 4 (M)") && door.contains("1  Open the door"),
        "{door}"
    );
    assert!(!door.contains("Disable"));
    assert!(door.contains(" 1 action   C refresh"), "{door}");
    keys(&mut c, &mut link, &[digit(2)]);
    assert!(
        matches!(c.model().screen, Screen::Compartment(_)),
        "2 does nothing here"
    );
}

#[test]
fn service_screens_show_no_code_in_either_language() {
    let mut seen = Vec::new();
    for lang in [Language::En, Language::Es] {
        let dir = tempfile::tempdir().expect("temp dir");
        let bank = Bank::demo();
        let bus = FakeBus::new();
        bus.set_board_offline(2, true);
        let mut link =
            ServiceLink::new(Box::new(bus), bank.clone(), dir.path(), "ana").expect("service link");
        let mut c = console(&bank, "ana", &Keymap::keypad16(), lang);
        seen.push((format!("{lang:?} menu"), text(&c)));
        let back = Input::Intent(Intent::Back);
        let enter = Input::Intent(Intent::Enter);
        for (inputs, label) in [
            (vec![digit(1)], "bank"),
            (vec![digit(4), enter.clone()], "door"),
            (vec![digit(1), digit(1), enter.clone()], "unlocked"),
            (vec![back.clone(), back.clone(), digit(7)], "bus"),
            (vec![digit(1)], "pulse test"),
            (vec![digit(1), enter.clone()], "pulse test reason"),
            (vec![back.clone(), digit(6)], "audit"),
        ] {
            keys(&mut c, &mut link, &inputs);
            seen.push((format!("{lang:?} {label}"), text(&c)));
        }
    }
    crate::testkit::plain::assert_plain(seen.iter().map(|(l, t)| (l.clone(), t.as_str())));
}

#[test]
fn the_service_bank_explains_only_what_the_boards_show() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = Bank::demo();
    let mut link = ServiceLink::new(Box::new(FakeBus::new()), bank.clone(), dir.path(), "ana")
        .expect("service link");
    let mut c = console(&bank, "ana", &Keymap::keypad16(), Language::En);
    keys(&mut c, &mut link, &[digit(1)]);
    let shown = text(&c);
    assert!(shown.contains("OPN door open"), "{shown}");
    assert!(
        !shown.contains("days left") && !shown.contains("expired"),
        "no parcels here: {shown}"
    );
    snap_sizes!("service_bank", page(&c));
}

#[test]
fn the_service_audit_names_the_technician_in_full() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = Bank::demo();
    let mut link = ServiceLink::new(
        Box::new(FakeBus::new()),
        bank.clone(),
        dir.path(),
        "technician",
    )
    .expect("service link");
    let mut c = console(&bank, "technician", &Keymap::keypad16(), Language::En);
    let enter = Input::Intent(Intent::Enter);
    let back = Input::Intent(Intent::Back);
    keys(
        &mut c,
        &mut link,
        &[digit(1), digit(4), enter.clone(), digit(1), digit(1), enter],
    );
    keys(&mut c, &mut link, &[back.clone(), back, digit(6)]);
    let shown = text(&c);
    assert!(matches!(c.model().screen, Screen::Audit { .. }), "{shown}");
    assert!(
        shown.contains(" technician ") && !shown.contains("service:t~"),
        "{shown}"
    );
}
