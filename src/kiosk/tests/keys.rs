//! The keys a screen names are the keys of the keymap in use: a site that
//! moves "confirm" to another key sees that key in every hint.

use super::screens::{all_screens, model};
use crate::domain::Language;
use crate::testkit::driver::screen_text;
use crate::testkit::plain::placeholders;
use crate::ui::{KeyHints, Keymap};

/// Every kiosk screen in both languages, drawn with `keys`.
fn every_screen(keys: &KeyHints) -> Vec<String> {
    let mut out = Vec::new();
    for language in [Language::En, Language::Es] {
        for screen in all_screens() {
            let mut m = model(screen);
            m.language = language;
            m.facts.keys = keys.clone();
            out.push(screen_text(&m));
        }
    }
    out
}

#[test]
fn no_screen_leaves_a_key_unnamed() {
    for keymap in [Keymap::keypad16(), Keymap::pc()] {
        for text in every_screen(&KeyHints::new(&keymap)) {
            assert!(placeholders(&text).is_empty(), "{text}");
        }
    }
}

#[test]
fn a_site_keymap_is_what_the_hints_name() {
    let site = Keymap::from_toml_str(
        "extends = \"keypad-16\"\n[keys]\nenter = [\"D\"]\nback = [\"C\"]\nlanguage = [\"#\"]\nhelp = [\"*\"]\n",
    )
    .expect("site keymap");
    let hints = KeyHints::new(&site);
    let mut m = model(crate::kiosk::Screen::CodeEntry {
        digits: "12".into(),
    });
    m.facts.keys = hints.clone();
    let entry = screen_text(&m);
    assert!(entry.contains("D Open door   C Delete"), "{entry}");
    assert!(!entry.contains("# Open door"), "{entry}");
    let mut home = model(crate::kiosk::Screen::Home);
    home.facts.keys = hints;
    let home = screen_text(&home);
    assert!(home.contains("*  Help"), "{home}");
    assert!(home.contains("#  Español"), "{home}");
}

#[test]
fn the_console_moves_with_arrows_on_a_keyboard_and_a_b_on_the_keypad() {
    let pad = KeyHints::new(&Keymap::keypad16());
    let pc = KeyHints::new(&Keymap::pc());
    let hint = "{up}/{down} up/down  {enter} open  {cancel} menu";
    assert_eq!(pad.fill(hint), "A/B up/down  # open  * menu");
    assert_eq!(pc.fill(hint), "Up/Down up/down  Enter open  Esc menu");
}
