//! Returns at the console: issued on a keyboard and on the kiosk keypad
//! (the code shown is one the kiosk takes), listed newest first in words,
//! withdrawn after asking; technicians never see them.

use super::{Desk, TECH, snap_sizes};
use crate::admin::Screen;
use crate::admin::menu;
use crate::domain::{CompartmentId, ReturnId, ReturnState, Role, Size};
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Command, Event, NewReturn};
use crate::testkit::driver::{ADMIN, ANA, Driver};
use crate::wording::Text;

/// Every return the engine holds, oldest first.
fn returns(d: &mut Driver) -> Vec<crate::domain::ReturnAuth> {
    let admin = d.sign_in(ADMIN.0, ADMIN.1).expect("admin");
    let all = match d.engine.read(&admin, Query::Returns) {
        Ok(Answer::Returns(all)) => all,
        other => panic!("{other:?}"),
    };
    d.engine.handle(&admin, Command::SignOut).expect("sign out");
    all
}

/// The code on the console's screen, just issued.
fn shown(screen: &Screen) -> (ReturnId, Option<String>) {
    match screen {
        Screen::ReturnIssued { id, code, .. } => (*id, code.clone()),
        other => panic!("no return issued: {other:?}"),
    }
}

/// The console's page, with the code a return screen shows replaced by
/// a fixed one: a made code differs every run, and snapshots must not.
pub(super) fn page_with_fixed_code(desk: &Desk) -> crate::ui::page::Page {
    let mut page = desk.page();
    let Screen::ReturnIssued {
        code: Some(code), ..
    } = desk.screen()
    else {
        return page;
    };
    for part in &mut page.parts {
        if let crate::ui::page::Part::Words(l) = part {
            for span in &mut l.spans {
                span.content = span.content.replace(code.as_str(), "12345678").into();
            }
        }
        if let crate::ui::page::Part::Large { big, .. } = part {
            *big = crate::ui::big::large("12345678", "    ").unwrap_or_default();
        }
    }
    page
}

/// The kiosk takes `code`: a door opens for the return.
fn drops(d: &mut Driver, code: &str) -> Option<CompartmentId> {
    let events = d
        .engine
        .handle(&Actor::Kiosk, Command::DropReturn { code: code.into() })
        .expect("drop");
    events.iter().find_map(|e| match e {
        Event::DoorOpening { compartment, .. } => Some(*compartment),
        _ => None,
    })
}

#[test]
fn a_keyboard_issues_a_return_whose_code_opens_a_door_once_shown() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("3");
    assert!(matches!(desk.screen(), Screen::Returns { .. }));
    desk.keys("1");
    snap_sizes!("admin_return_size", desk.page());
    desk.keys("m\n");
    assert!(
        desk.text().contains("recipient ID or an e-mail"),
        "{}",
        desk.text()
    );
    desk.keys(&format!("{ANA}\nOrder 77\n"));
    assert!(desk.text().contains("prepaid label"), "{}", desk.text());
    desk.keys("\n");
    let (id, code) = shown(desk.screen());
    let code = code.expect("a code made here");
    assert_eq!(code.len(), crate::domain::returns::RETURN_CODE_DIGITS);
    let text = desk.text();
    assert!(
        text.contains(&format!("Return {id}: code {code}")) && text.contains("shown only now"),
        "{text}"
    );
    snap_sizes!("admin_return_code", page_with_fixed_code(&desk));
    let all = returns(&mut desk.d);
    let made = all.iter().find(|r| r.id == id).expect("in the engine");
    assert_eq!(
        (made.size, made.state, made.reference.as_str()),
        (Size::M, ReturnState::Issued, "Order 77")
    );
    assert_eq!(
        made.recipient.as_ref().map(|r| r.to_string()).as_deref(),
        Some("PX-111111")
    );
    // Leaving the screen leaves the code behind: the list has none.
    desk.keys("\n");
    assert!(matches!(desk.screen(), Screen::Returns { .. }));
    assert!(!desk.text().contains(&code));
    assert!(
        drops(&mut desk.d, &code).is_some(),
        "the code shown is real"
    );
}

#[test]
fn a_keyboard_takes_a_prepaid_label_and_an_e_mail_address() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("31");
    desk.keys("xl\neve@example.org\n\nEE123456785US\n");
    let (id, code) = shown(desk.screen());
    assert_eq!(code, None, "a label's barcode is its code");
    assert!(desk.text().contains("the label's barcode opens its door"));
    let all = returns(&mut desk.d);
    let made = all.iter().find(|r| r.id == id).expect("in the engine");
    assert_eq!(made.email.as_deref(), Some("eve@example.org"));
    assert!(made.label);
    assert!(drops(&mut desk.d, "EE123456785US").is_some());
}

#[test]
fn the_keypad_picks_the_size_and_types_the_recipient_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(dir.path()).expect("kiosk");
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    d.press("31");
    let text = d.screen_text();
    assert!(
        text.contains("1  S, small") && text.contains("4  XL, extra large"),
        "{text}"
    );
    snap_sizes!("admin_keypad_return_size", d.page());
    d.press("2#");
    let text = d.screen_text();
    assert!(
        text.contains("needs a keyboard") && !text.contains("e-mail"),
        "the keypad is not asked for letters: {text}"
    );
    snap_sizes!("admin_keypad_return_recipient", d.page());
    d.press(&format!("{ANA}#"));
    let screen = d.kiosk.console().map(|c| c.model().screen.clone());
    let (id, code) = shown(&screen.expect("the console"));
    let code = code.expect("a code made here");
    let all = returns(&mut d);
    let made = all.iter().find(|r| r.id == id).expect("in the engine");
    assert_eq!((made.size, made.reference.as_str()), (Size::M, ""));
    // Back to the list, then to the kiosk, where the code opens a door.
    d.press("#**");
    assert!(d.kiosk.console().is_none());
    assert!(drops(&mut d, &code).is_some(), "the code shown is real");
}

#[test]
fn a_technician_has_no_returns() {
    assert!(
        menu::items(Role::Admin, false)
            .iter()
            .any(|i| i.label == Text::MenuReturnAuths)
    );
    assert!(
        !menu::items(Role::Technician, false)
            .iter()
            .any(|i| i.label == Text::MenuReturnAuths || i.query == Query::Returns)
    );
    let mut desk = Desk::new();
    desk.sign_in(TECH.0, TECH.1);
    assert!(!desk.text().contains("Returns"), "{}", desk.text());
    desk.keys("3");
    assert_eq!(*desk.screen(), Screen::Menu);
}

fn issue(d: &mut Driver, size: Size, reference: &str) -> String {
    d.issued_return(NewReturn {
        size,
        reference: reference.into(),
        recipient: Some(ANA.into()),
        email: None,
        language: None,
        label: None,
    })
    .expect("issued")
    .expect("a code")
}

#[test]
fn the_list_shows_each_return_newest_first_in_words() {
    let mut desk = Desk::new();
    let d = &mut desk.d;
    // Dropped off: waiting for a courier.
    let waiting = issue(d, Size::S, "Order 12");
    let door = drops(d, &waiting).expect("a door");
    d.open_door(door);
    d.close_door(door, true);
    d.clock.advance(chrono::Duration::hours(2));
    let withdrawn = issue(d, Size::L, "Shoes back");
    d.clock.advance(chrono::Duration::minutes(30));
    issue(d, Size::M, "Order 99");
    d.issued_return(NewReturn {
        size: Size::XL,
        reference: "Carrier 5".into(),
        recipient: None,
        email: Some("eve@example.org".into()),
        language: None,
        label: Some("EE123456785US".into()),
    })
    .expect("label");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("3");
    // The second newest is Shoes back: withdraw it.
    desk.down(2);
    desk.keys("2");
    assert!(
        desk.text().contains("Withdraw return RT000002?"),
        "{}",
        desk.text()
    );
    desk.keys("\n");
    assert!(desk.text().contains("withdrawn: its code no longer opens"));
    let text = desk.text();
    for words in [
        "Waiting for a courier",
        "Withdrawn",
        "Code issued",
        "PX-111111",
        "eve@example.org",
    ] {
        assert!(text.contains(words), "{words} missing:\n{text}");
    }
    let newest = text.find("RT000004").expect("newest");
    assert!(newest < text.find("RT000001").expect("oldest"), "{text}");
    snap_sizes!("admin_returns", desk.page());
    assert_eq!(drops(&mut desk.d, &withdrawn), None);
}

#[test]
fn withdrawing_asks_first_then_the_code_opens_nothing() {
    let mut desk = Desk::new();
    let code = issue(&mut desk.d, Size::S, "Order 1");
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("32");
    snap_sizes!("admin_return_withdraw", desk.page());
    // Esc keeps it.
    desk.keys("\x1b");
    assert!(matches!(desk.screen(), Screen::Returns { .. }));
    assert_eq!(returns(&mut desk.d)[0].state, ReturnState::Issued);
    desk.keys("2\n");
    assert_eq!(returns(&mut desk.d)[0].state, ReturnState::Withdrawn);
    // A withdrawn one is not withdrawn again: the screen says why.
    desk.keys("2");
    assert!(matches!(desk.screen(), Screen::Returns { .. }));
    assert!(
        desk.text().contains("Only one whose code is unused"),
        "{}",
        desk.text()
    );
    assert_eq!(drops(&mut desk.d, &code), None, "the code no longer works");
}
