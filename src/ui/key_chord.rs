//! One key as a keymap names it: `"a"`, `"#"`, `"enter"`, `"f1"`,
//! `"ctrl-c"`. Both a keymap's spec and crossterm's events are brought to
//! the same normal form, so matching is plain equality.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Why a key spec could not be read.
pub const UNKNOWN_KEY_NAME: &str = "not a key (expected one character, enter, esc, backspace, \
     tab, backtab, space, up, down, left, right, pageup, pagedown, home, end, insert, delete \
     or f1-f24, optionally after ctrl-, alt- or shift-)";

/// A key with its modifiers, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    code: KeyCode,
    modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // Letters match in either case: the keypad's "A" may arrive as
            // 'a' or 'A' depending on how it was programmed, and Shift is
            // already in the character.
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, modifiers }
    }

    /// The chord a key press makes; `None` for key releases (only some
    /// terminals report them, and a press already did the work).
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        (event.kind != KeyEventKind::Release).then(|| Self::new(event.code, event.modifiers))
    }

    /// Reads `"a"`, `"#"`, `"enter"`, `"f1"`, `"ctrl-c"`, `"shift-tab"`.
    /// The error is the reason alone; the keymap adds file and key.
    pub fn parse(spec: &str) -> Result<Self, &'static str> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err("empty key");
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = spec;
        // "ctrl--" is Ctrl and '-': a prefix only counts as a modifier when
        // something follows its dash.
        while rest.chars().count() > 1 {
            let Some((prefix, tail)) = rest.split_once('-') else {
                break;
            };
            let modifier = match prefix.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => break,
            };
            if tail.is_empty() {
                break;
            }
            modifiers |= modifier;
            rest = tail;
        }
        let code = key_code(rest).ok_or(UNKNOWN_KEY_NAME)?;
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        Ok(Self::new(code, modifiers))
    }

    pub fn code(&self) -> KeyCode {
        self.code
    }

    pub fn modifiers(&self) -> KeyModifiers {
        self.modifiers
    }
}

fn key_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "backspace" => KeyCode::Backspace,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "insert" => KeyCode::Insert,
        "delete" | "del" => KeyCode::Delete,
        f => {
            let n: u8 = f.strip_prefix('f')?.parse().ok()?;
            return (1..=24).contains(&n).then_some(KeyCode::F(n));
        }
    };
    Some(code)
}

/// As a screen would name the key in a hint: `A`, `#`, `Enter`, `F1`,
/// `Ctrl-C`.
impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (modifier, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(modifier) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::Delete => f.write_str("Delete"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn specs_name_the_keys_they_look_like() {
        let cases = [
            ("a", KeyCode::Char('a'), KeyModifiers::NONE),
            ("#", KeyCode::Char('#'), KeyModifiers::NONE),
            ("-", KeyCode::Char('-'), KeyModifiers::NONE),
            ("enter", KeyCode::Enter, KeyModifiers::NONE),
            ("Esc", KeyCode::Esc, KeyModifiers::NONE),
            ("f1", KeyCode::F(1), KeyModifiers::NONE),
            ("F12", KeyCode::F(12), KeyModifiers::NONE),
            ("space", KeyCode::Char(' '), KeyModifiers::NONE),
            ("ctrl-c", KeyCode::Char('c'), KeyModifiers::CONTROL),
            ("ctrl--", KeyCode::Char('-'), KeyModifiers::CONTROL),
            ("alt-shift-x", KeyCode::Char('x'), KeyModifiers::ALT),
            ("shift-tab", KeyCode::BackTab, KeyModifiers::NONE),
            ("pagedown", KeyCode::PageDown, KeyModifiers::NONE),
        ];
        for (spec, code, modifiers) in cases {
            assert_eq!(
                KeyChord::parse(spec),
                Ok(KeyChord::new(code, modifiers)),
                "{spec}"
            );
        }
    }

    #[test]
    fn bad_specs_say_why() {
        for spec in ["", "  ", "f0", "f25", "enterr", "ctrl-", "hyper-a", "ab"] {
            assert!(KeyChord::parse(spec).is_err(), "{spec:?}");
        }
        assert_eq!(KeyChord::parse(""), Err("empty key"));
        assert_eq!(KeyChord::parse("fx"), Err(UNKNOWN_KEY_NAME));
    }

    #[test]
    fn keypad_letters_match_in_either_case() {
        let a = KeyChord::parse("A").unwrap();
        assert_eq!(
            KeyChord::from_event(&press(KeyCode::Char('a'), KeyModifiers::NONE)),
            Some(a)
        );
        assert_eq!(
            KeyChord::from_event(&press(KeyCode::Char('A'), KeyModifiers::SHIFT)),
            Some(a)
        );
    }

    #[test]
    fn releases_are_not_presses() {
        let mut event = press(KeyCode::Char('1'), KeyModifiers::NONE);
        event.kind = KeyEventKind::Release;
        assert_eq!(KeyChord::from_event(&event), None);
        event.kind = KeyEventKind::Repeat;
        assert!(KeyChord::from_event(&event).is_some());
    }

    #[test]
    fn chords_read_back_as_screen_hints() {
        let hints: Vec<String> = ["a", "#", "enter", "f1", "ctrl-c", "shift-tab", "space"]
            .iter()
            .map(|s| KeyChord::parse(s).unwrap().to_string())
            .collect();
        assert_eq!(
            hints,
            ["A", "#", "Enter", "F1", "Ctrl-C", "Shift-Tab", "Space"]
        );
    }
}
