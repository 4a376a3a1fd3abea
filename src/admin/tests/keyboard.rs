//! The console on a laptop keyboard (the pc keymap): Backspace erases one
//! character, Esc leaves a field or screen in one press, and letters go
//! only into fields that take them.

use super::Desk;
use crate::admin::{Form, Screen};
use crate::testkit::driver::ADMIN;

fn form_text(desk: &Desk) -> Option<String> {
    match desk.screen() {
        Screen::Form { text, .. } => Some(text.clone()),
        _ => None,
    }
}

#[test]
fn backspace_erases_one_character_and_esc_leaves_the_form_in_one_press() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("5");
    assert!(matches!(desk.screen(), Screen::Markers { .. }));
    desk.keys("1lobby door");
    desk.keys("\x08");
    assert_eq!(form_text(&desk).as_deref(), Some("lobby doo"));
    let text = desk.text();
    assert!(text.contains("Backspace erase   Esc cancel"), "{text}");
    desk.keys("\x1b");
    assert!(matches!(desk.screen(), Screen::Markers { .. }));
    assert!(desk.console.model().session.is_some(), "still signed in");
    // On a list, Esc goes back to the menu; on the menu it signs out.
    desk.keys("\x1b");
    assert_eq!(*desk.screen(), Screen::Menu);
    desk.keys("\x1b");
    assert!(desk.console.model().session.is_none());
}

#[test]
fn q_at_the_pin_leaves_and_never_goes_into_it() {
    let mut desk = Desk::new();
    desk.keys(&format!("{}\n", ADMIN.0));
    assert!(matches!(desk.screen(), Screen::SignIn { on_pin: true, .. }));
    desk.keys("99x");
    assert!(
        matches!(desk.screen(), Screen::SignIn { pin, .. } if pin == "99"),
        "a letter is not a PIN digit: {:?}",
        desk.screen()
    );
    desk.keys("q");
    assert!(
        matches!(desk.screen(), Screen::SignIn { user, pin, on_pin: false } if user.is_empty() && pin.is_empty()),
        "{:?}",
        desk.screen()
    );
}

#[test]
fn a_user_name_takes_letters_as_it_is_stored() {
    let mut desk = Desk::new();
    desk.keys("Ana.R q");
    assert!(
        matches!(desk.screen(), Screen::SignIn { user, on_pin: false, .. } if user == "ana.rq"),
        "{:?}",
        desk.screen()
    );
    // Esc clears the sign-in in one press.
    desk.keys("\n12\x1b");
    assert!(
        matches!(desk.screen(), Screen::SignIn { user, pin, on_pin: false } if user.is_empty() && pin.is_empty()),
        "{:?}",
        desk.screen()
    );
}

#[test]
fn a_number_field_takes_no_letters_and_q_leaves() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    assert!(matches!(desk.screen(), Screen::Bank(_)));
    desk.keys("\n");
    assert!(matches!(
        desk.screen(),
        Screen::Form {
            form: Form::Door,
            ..
        }
    ));
    desk.keys("1x2");
    assert_eq!(form_text(&desk).as_deref(), Some("12"));
    desk.keys("q");
    assert!(desk.console.model().session.is_none(), "q leaves");
}
