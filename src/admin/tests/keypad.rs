//! The console at the kiosk: the hidden sequence on the home screen, then
//! everything with the 16 keys alone.

use super::snap_sizes;
use crate::admin::Screen;
use crate::domain::CompartmentId;
use crate::kiosk::Screen as KioskScreen;
use crate::store::audit::{self, AuditFilter};
use crate::testkit::driver::{ADMIN, COURIER, Driver};

fn kiosk() -> (Driver, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = Driver::new(dir.path()).expect("kiosk");
    (d, dir)
}

fn console_screen(d: &Driver) -> Option<Screen> {
    d.kiosk.console().map(|c| c.model().screen.clone())
}

#[test]
fn star_hash_star_hash_zero_opens_the_console_and_signing_out_returns_home() {
    let (mut d, _dir) = kiosk();
    let home = d.screen_text();
    assert!(!home.contains("*#*#0"), "the sequence is shown nowhere");
    d.press("*#*#0");
    assert!(matches!(console_screen(&d), Some(Screen::SignIn { .. })));
    let text = d.screen_text();
    assert!(text.contains("Sign in: admin or technician"));
    snap_sizes!("admin_keypad_sign_in", d.page());
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    assert_eq!(console_screen(&d), Some(Screen::Menu));
    // Door 3, manual unlock, reason 1 (pulse test) picked by number.
    d.press("1");
    d.press("3#");
    d.press("1");
    d.press("1#");
    let lock = d
        .engine
        .bank()
        .compartment(CompartmentId(3))
        .map(|c| c.lock())
        .expect("door 3");
    assert_eq!(d.bus.pulses(), vec![lock]);
    let entries = audit::page(d.engine.store(), None, 5, &AuditFilter::default()).expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "manual_unlock" && e.detail == "pulse test" && e.actor == ADMIN.0)
    );
    d.press("**0");
    assert!(d.kiosk.console().is_none());
    assert_eq!(*d.screen(), KioskScreen::Home);
}

#[test]
fn a_wrong_key_in_the_sequence_starts_a_code_instead() {
    let (mut d, _dir) = kiosk();
    d.press("*#*1");
    assert!(d.kiosk.console().is_none());
    assert!(matches!(d.screen(), KioskScreen::CodeEntry { .. }));
}

#[test]
fn a_courier_pin_at_the_hidden_sequence_gets_no_console() {
    let (mut d, _dir) = kiosk();
    d.press("*#*#0");
    d.press(&format!("{}#{}#", COURIER.0, COURIER.1));
    let console = d.kiosk.console().expect("still at sign-in");
    assert!(console.model().session.is_none());
    assert!(matches!(console.model().screen, Screen::SignIn { .. }));
    assert!(d.screen_text().contains("this console is for staff"));
    // Star on an empty sign-in goes back to the kiosk.
    d.press("*");
    assert!(d.kiosk.console().is_none());
    assert_eq!(*d.screen(), KioskScreen::Home);
}

#[test]
fn an_idle_console_at_the_kiosk_goes_back_home() {
    let (mut d, _dir) = kiosk();
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    assert_eq!(console_screen(&d), Some(Screen::Menu));
    d.wait(
        chrono::Duration::seconds(150),
        chrono::Duration::seconds(10),
    );
    assert!(d.kiosk.console().is_none());
    assert_eq!(*d.screen(), KioskScreen::Home);
}

/// Signed in at the kiosk's console with the keypad alone.
fn console_at_the_keypad() -> (Driver, tempfile::TempDir) {
    let (mut d, dir) = kiosk();
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    assert_eq!(console_screen(&d), Some(Screen::Menu));
    (d, dir)
}

#[test]
fn a_new_account_is_added_with_the_keypad_alone_its_role_picked_from_a_list() {
    let (mut d, _dir) = console_at_the_keypad();
    d.press("4");
    d.press("1");
    d.press("1005#");
    let text = d.screen_text();
    assert!(
        text.contains("1  Courier") && text.contains("3  Technician"),
        "{text}"
    );
    snap_sizes!("admin_keypad_new_account_role", d.page());
    d.press("1#");
    d.press("804217");
    let text = d.screen_text();
    assert!(
        text.contains("******") && !text.contains("804217"),
        "{text}"
    );
    d.press("#");
    let users = crate::engine::query::users(d.engine.store()).expect("users");
    assert!(
        users
            .iter()
            .any(|u| u.name == "1005" && u.role == crate::domain::Role::Courier),
        "{users:?}"
    );
}

#[test]
fn the_audit_is_filtered_with_the_keypad_alone_by_action_and_by_date() {
    let (mut d, _dir) = console_at_the_keypad();
    d.press("6");
    d.press("0");
    assert!(d.screen_text().contains("1  Door"), "{}", d.screen_text());
    snap_sizes!("admin_keypad_audit_filter", d.page());
    // 2 Action, then 5 Signed in from the list of everyday actions.
    d.press("2#");
    d.press("5#");
    let Some(Screen::Audit { filter, .. }) = console_screen(&d) else {
        panic!("{}", d.screen_text())
    };
    assert_eq!(filter.action.as_deref(), Some("sign_in"));
    // 4 Since a date, typed as digits.
    d.press("04#20261201#");
    let Some(Screen::Audit { filter, .. }) = console_screen(&d) else {
        panic!("{}", d.screen_text())
    };
    assert_eq!(
        filter.from.map(|f| f.date_naive().to_string()).as_deref(),
        Some("2026-12-01")
    );
    assert_eq!(
        filter.action.as_deref(),
        Some("sign_in"),
        "each pick joins the filter shown"
    );
    // 3 User: a user number.
    d.press(&format!("03#{}#", ADMIN.0));
    let Some(Screen::Audit { filter, page, .. }) = console_screen(&d) else {
        panic!("{}", d.screen_text())
    };
    assert_eq!(filter.actor.as_deref(), Some(ADMIN.0));
    assert!(page.entries.iter().all(|e| e.actor == ADMIN.0));
    // An empty filter shows everything again.
    d.press("0#");
    let Some(Screen::Audit { filter, .. }) = console_screen(&d) else {
        panic!("{}", d.screen_text())
    };
    assert_eq!(filter, AuditFilter::default());
}

/// Closing an account asks first; what needs letters is not offered on
/// the keypad, and it says where to do it.
#[test]
fn the_keypad_closes_an_account_only_when_confirmed_and_sends_words_to_a_keyboard() {
    use crate::engine::read::PersonRow;
    let (mut d, _dir) = kiosk();
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    d.press("4");
    let people = d.screen_text();
    assert!(!people.contains("2 add recipient"), "{people}");
    d.press("2");
    let told = d.screen_text();
    assert!(told.contains("need a keyboard"), "{told}");
    assert!(matches!(console_screen(&d), Some(Screen::People { .. })));
    // Down (B) to the first recipient.
    for _ in 0..10 {
        match console_screen(&d) {
            Some(Screen::People { people, cursor })
                if matches!(people.rows.get(cursor), Some(PersonRow::Recipient { .. })) =>
            {
                break;
            }
            _ => d.press("B"),
        }
    }
    d.press("4");
    let asked = d.screen_text();
    assert!(asked.contains("Close the account of PX-"), "{asked}");
    assert!(asked.contains("# closes it, * keeps it"), "{asked}");
    d.press("*");
    let open = crate::engine::query::recipients(d.engine.store()).expect("recipients");
    assert!(open.iter().all(|r| !r.closed), "kept: {open:?}");
    d.press("4");
    d.press("#");
    let after = crate::engine::query::recipients(d.engine.store()).expect("recipients");
    assert_eq!(after.iter().filter(|r| r.closed).count(), 1);
}

/// A reason picked by number is changed by picking again, and `*` takes
/// the whole pick away: never "pulse tes" or "pulse test3".
#[test]
fn a_picked_reason_is_replaced_by_the_next_pick_and_erased_whole() {
    let (mut d, _dir) = kiosk();
    d.press("*#*#0");
    d.press(&format!("{}#{}#", ADMIN.0, ADMIN.1));
    d.press("1");
    d.press("3#");
    d.press("1");
    d.press("1");
    d.press("2");
    let Some(Screen::Form { text, .. }) = console_screen(&d) else {
        panic!("the reason form");
    };
    assert_eq!(text, "parcel stuck");
    d.press("*");
    let Some(Screen::Form { text, .. }) = console_screen(&d) else {
        panic!("still the reason form");
    };
    assert_eq!(text, "");
    d.press("3#");
    let entries = audit::page(d.engine.store(), None, 5, &AuditFilter::default()).expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "manual_unlock" && e.detail == "inspection"),
        "{entries:?}"
    );
}
