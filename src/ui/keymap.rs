//! Keys to intents. The keypad, a laptop keyboard and any site's own wiring
//! are data (`keymaps/*.toml`); screens only ever see an [`Intent`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::KeyEvent;
use ratatui::text::Line;
use serde::Deserialize;

use super::key_chord::KeyChord;

/// What the person at the kiosk wants, whatever key they pressed. Kept apart
/// from the application's messages: a screen maps an intent to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intent {
    /// 0-9.
    Digit(u8),
    /// `*` on the keypad: erase the last digit, or go back when nothing is
    /// typed. The screen knows which.
    Back,
    /// Esc on a keyboard: leave the field or screen at once, whatever is
    /// typed (Backspace erases one character). The kiosk takes it as Back.
    Cancel,
    /// `#` on the keypad: confirm.
    Enter,
    Pickup,
    /// The courier's entry.
    Deposit,
    Help,
    /// Switch English / Spanish.
    Language,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    NextField,
    PreviousField,
    /// Leave the admin console (never bound on the kiosk keypad).
    Quit,
}

const NAMED_INTENTS: [(Intent, &str); 17] = [
    (Intent::Back, "back"),
    (Intent::Cancel, "cancel"),
    (Intent::Enter, "enter"),
    (Intent::Pickup, "pickup"),
    (Intent::Deposit, "deposit"),
    (Intent::Help, "help"),
    (Intent::Language, "language"),
    (Intent::Up, "up"),
    (Intent::Down, "down"),
    (Intent::Left, "left"),
    (Intent::Right, "right"),
    (Intent::PageUp, "page-up"),
    (Intent::PageDown, "page-down"),
    (Intent::NextField, "next-field"),
    (Intent::PreviousField, "previous-field"),
    (Intent::Quit, "quit"),
    (Intent::Back, "clear"),
];

const INTENT_NAMES: &str = "digit-0 .. digit-9, back, cancel, enter, pickup, deposit, help, language, \
     up, down, left, right, page-up, page-down, next-field, previous-field, quit";

impl Intent {
    /// The name a keymap file uses: `digit-4`, `pickup`, `page-up`.
    pub fn name(self) -> String {
        match self {
            Self::Digit(d) => format!("digit-{d}"),
            other => NAMED_INTENTS
                .iter()
                .find(|(i, _)| *i == other)
                .map(|(_, name)| (*name).to_string())
                .unwrap_or_default(),
        }
    }

    /// The intent a keymap file names; "clear" is accepted for `back`,
    /// since that is what `*` does while typing.
    pub fn from_name(name: &str) -> Option<Self> {
        if let Some(d) = name.strip_prefix("digit-") {
            let d: u8 = d.parse().ok()?;
            return (d <= 9).then_some(Self::Digit(d));
        }
        NAMED_INTENTS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(intent, _)| *intent)
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// What a keymap file said, as an error quotes it: control characters (a
/// line break inside a quoted key, say) as U+FFFD, so the error stays one
/// line and cannot steer the terminal.
fn shown(s: &str) -> String {
    crate::domain::printable(s).into_owned()
}

/// A keymap that cannot be used, as one line: file, key, reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("{file}: cannot read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{file}: line {line}: {reason}")]
    Syntax {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{file}: keys.{intent}: not an intent (expected {INTENT_NAMES})")]
    UnknownIntent { file: String, intent: String },
    #[error("{file}: keys.{intent}: \"{key}\": {reason}")]
    BadKey {
        file: String,
        intent: String,
        key: String,
        reason: &'static str,
    },
    #[error("{file}: key \"{key}\" is bound to both {first} and {second}")]
    KeyBoundTwice {
        file: String,
        key: String,
        first: Intent,
        second: Intent,
    },
    #[error("{file}: extends: no built-in keymap \"{name}\" (expected keypad-16 or pc)")]
    UnknownBase { file: String, name: String },
}

/// One intent's keys, as a file writes them: `"A"` or `["A", "f1"]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    name: Option<String>,
    extends: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, KeyList>,
}

const KEYPAD_16: &str = include_str!("../../keymaps/keypad-16.toml");
const PC: &str = include_str!("../../keymaps/pc.toml");

/// Which keys trigger which intents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    name: String,
    bindings: BTreeMap<Intent, Vec<KeyChord>>,
}

impl Keymap {
    /// The kiosk's 16-key keypad (`keymaps/keypad-16.toml`).
    pub fn keypad16() -> Self {
        Self::embedded("keymaps/keypad-16.toml", KEYPAD_16)
    }

    /// A laptop keyboard for admins (`keymaps/pc.toml`).
    pub fn pc() -> Self {
        Self::embedded("keymaps/pc.toml", PC)
    }

    fn embedded(file: &str, text: &str) -> Self {
        // The embedded maps are checked by this module's tests; an empty
        // map is the fallback that keeps the kiosk up regardless.
        Self::parse(file, text).unwrap_or_else(|_| Self {
            name: file.to_string(),
            bindings: BTreeMap::new(),
        })
    }

    /// A built-in keymap by name: `keypad-16` or `pc`.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            "keypad-16" => Some(Self::keypad16()),
            "pc" => Some(Self::pc()),
            _ => None,
        }
    }

    /// What `[kiosk] keymap` names: a built-in keymap, else a file.
    pub fn resolve(name_or_path: &str) -> Result<Self, KeymapError> {
        match Self::builtin(name_or_path) {
            Some(keymap) => Ok(keymap),
            None => Self::load(name_or_path),
        }
    }

    /// A keymap file. With `extends = "keypad-16"` (or `"pc"`) it is a
    /// patch over that built-in map; otherwise it is the whole map.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, KeymapError> {
        let file = path.as_ref().display().to_string();
        let text = std::fs::read_to_string(path.as_ref()).map_err(|e| KeymapError::Unreadable {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        Self::parse(&file, &text)
    }

    /// A keymap from TOML text, as [`Keymap::load`] reads a file.
    pub fn from_toml_str(text: &str) -> Result<Self, KeymapError> {
        Self::parse("<keymap>", text)
    }

    fn parse(file: &str, text: &str) -> Result<Self, KeymapError> {
        let parsed: KeymapFile = toml::from_str(text).map_err(|e| KeymapError::Syntax {
            file: file.to_string(),
            line: e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1),
            reason: e.message().replace('\n', " "),
        })?;
        let mut own = Self {
            name: parsed.name.clone().unwrap_or_else(|| file.to_string()),
            bindings: BTreeMap::new(),
        };
        let mut seen: Vec<(KeyChord, Intent)> = Vec::new();
        for (intent_name, keys) in parsed.keys {
            let intent =
                Intent::from_name(&intent_name).ok_or_else(|| KeymapError::UnknownIntent {
                    file: file.to_string(),
                    intent: shown(&intent_name),
                })?;
            let keys = match keys {
                KeyList::One(key) => vec![key],
                KeyList::Many(keys) => keys,
            };
            let chords = own.bindings.entry(intent).or_default();
            for key in keys {
                let chord = KeyChord::parse(&key).map_err(|reason| KeymapError::BadKey {
                    file: file.to_string(),
                    intent: intent_name.clone(),
                    key: shown(&key),
                    reason,
                })?;
                match seen.iter().find(|(c, _)| *c == chord) {
                    Some((_, first)) if *first != intent => {
                        return Err(KeymapError::KeyBoundTwice {
                            file: file.to_string(),
                            key,
                            first: *first,
                            second: intent,
                        });
                    }
                    Some(_) => {}
                    None => {
                        seen.push((chord, intent));
                        chords.push(chord);
                    }
                }
            }
        }
        match parsed.extends {
            None => Ok(own),
            Some(base_name) => {
                let mut base =
                    Self::builtin(&base_name).ok_or_else(|| KeymapError::UnknownBase {
                        file: file.to_string(),
                        name: shown(&base_name),
                    })?;
                base.overlay(&own);
                if parsed.name.is_some() {
                    base.name = own.name;
                }
                Ok(base)
            }
        }
    }

    /// Apply a patch: every intent the patch names gets exactly the patch's
    /// keys (an empty list unbinds it), and those keys leave whatever
    /// intent they had here, so the site's choice always wins.
    pub fn overlay(&mut self, patch: &Keymap) {
        for (intent, chords) in &patch.bindings {
            for other in self.bindings.values_mut() {
                other.retain(|c| !chords.contains(c));
            }
            self.bindings.insert(*intent, chords.clone());
        }
        self.bindings.retain(|_, chords| !chords.is_empty());
    }

    /// The intent of a key press, if the key means anything here.
    pub fn intent(&self, key: KeyEvent) -> Option<Intent> {
        let chord = KeyChord::from_event(&key)?;
        self.bindings
            .iter()
            .find(|(_, chords)| chords.contains(&chord))
            .map(|(intent, _)| *intent)
    }

    /// The keys for an intent, first the one a screen should show in a hint
    /// ("C: help").
    pub fn keys_for(&self, intent: Intent) -> &[KeyChord] {
        self.bindings
            .get(&intent)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The keys a screen names in its hints, read from the keymap in use: a
/// wording text writes `{enter}`, `{back}`, `{up}` … and gets the first key
/// bound to that intent, so a site's own keymap is what the screen says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHints {
    labels: Vec<(&'static str, String)>,
}

/// Each placeholder and the intents that serve it, first bound first: the
/// console moves with up/down, or with pickup/deposit (A/B) on a keypad
/// that has no arrows.
const HINTS: [(&str, &[Intent]); 10] = [
    ("enter", &[Intent::Enter]),
    ("back", &[Intent::Back]),
    // Esc on a keyboard; the keypad's `*` does both.
    ("cancel", &[Intent::Cancel, Intent::Back]),
    ("pickup", &[Intent::Pickup]),
    ("deposit", &[Intent::Deposit]),
    ("help", &[Intent::Help]),
    ("language", &[Intent::Language]),
    ("up", &[Intent::Up, Intent::Pickup]),
    ("down", &[Intent::Down, Intent::Deposit]),
    ("quit", &[Intent::Quit]),
];

impl KeyHints {
    pub fn new(keymap: &Keymap) -> Self {
        let labels = HINTS
            .iter()
            .map(|(name, intents)| {
                let label = intents
                    .iter()
                    .find_map(|i| keymap.keys_for(*i).first())
                    .map_or_else(|| "-".to_string(), ToString::to_string);
                (*name, label)
            })
            .collect();
        Self { labels }
    }

    /// The text with every key placeholder replaced by its key's name;
    /// other placeholders are left for the wording's `fill`.
    pub fn fill(&self, text: &str) -> String {
        if !text.contains('{') {
            return text.to_string();
        }
        self.labels
            .iter()
            .fold(text.to_string(), |out, (name, label)| {
                out.replace(&format!("{{{name}}}"), label)
            })
    }

    /// Whether leaving a field has a key of its own (Esc on a keyboard),
    /// apart from erasing one character.
    pub fn separate_cancel(&self) -> bool {
        self.label("cancel") != self.label("back")
    }

    /// A drawn line with its key placeholders filled.
    pub fn line(&self, mut line: Line<'static>) -> Line<'static> {
        for span in &mut line.spans {
            if span.content.contains('{') {
                span.content = self.fill(&span.content).into();
            }
        }
        line
    }

    /// The key an intent's hint names.
    pub fn label(&self, name: &str) -> &str {
        self.labels
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("-", |(_, l)| l.as_str())
    }
}

impl Default for KeyHints {
    /// The kiosk's 16-key keypad.
    fn default() -> Self {
        Self::new(&Keymap::keypad16())
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c))
    }

    #[test]
    fn keypad_16_covers_every_key_on_the_pad() {
        let pad = Keymap::keypad16();
        assert_eq!(pad.name(), "keypad-16");
        for d in 0..=9u8 {
            assert_eq!(pad.intent(ch(char::from(b'0' + d))), Some(Intent::Digit(d)));
        }
        assert_eq!(pad.intent(ch('*')), Some(Intent::Back));
        assert_eq!(pad.intent(ch('#')), Some(Intent::Enter));
        assert_eq!(pad.intent(ch('A')), Some(Intent::Pickup));
        assert_eq!(pad.intent(ch('b')), Some(Intent::Deposit));
        assert_eq!(pad.intent(ch('C')), Some(Intent::Help));
        assert_eq!(pad.intent(ch('D')), Some(Intent::Language));
        assert_eq!(
            pad.intent(ch('E')),
            None,
            "letters beyond D come from a scanner"
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            pad.intent(ctrl_c),
            None,
            "nobody leaves the kiosk from its keypad"
        );
    }

    #[test]
    fn pc_map_has_navigation_and_a_way_out() {
        let pc = Keymap::pc();
        assert_eq!(pc.intent(key(KeyCode::F(1))), Some(Intent::Pickup));
        assert_eq!(pc.intent(key(KeyCode::F(4))), Some(Intent::Language));
        assert_eq!(pc.intent(key(KeyCode::Esc)), Some(Intent::Cancel));
        assert_eq!(pc.intent(key(KeyCode::Backspace)), Some(Intent::Back));
        assert_eq!(pc.intent(key(KeyCode::PageDown)), Some(Intent::PageDown));
        assert_eq!(pc.intent(key(KeyCode::Tab)), Some(Intent::NextField));
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(pc.intent(back_tab), Some(Intent::PreviousField));
        assert_eq!(pc.intent(ch('q')), Some(Intent::Quit));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(pc.intent(ctrl_c), Some(Intent::Quit));
        assert_eq!(pc.intent(ch('c')), None, "plain c is not ctrl-c");
    }

    #[test]
    fn site_patch_rebinds_a_key_and_the_rest_stays() {
        let patch = "extends = \"keypad-16\"\n[keys]\nhelp = [\"f1\", \"A\"]\n";
        let map = Keymap::from_toml_str(patch).unwrap();
        assert_eq!(
            map.intent(ch('A')),
            Some(Intent::Help),
            "the site's choice wins"
        );
        assert_eq!(
            map.intent(ch('C')),
            None,
            "help got exactly the patch's keys"
        );
        assert_eq!(map.intent(key(KeyCode::F(1))), Some(Intent::Help));
        assert_eq!(
            map.keys_for(Intent::Pickup),
            &[] as &[KeyChord],
            "A left pickup"
        );
        assert_eq!(map.intent(ch('#')), Some(Intent::Enter));
        assert_eq!(map.name(), "keypad-16");
    }

    #[test]
    fn overlay_with_an_empty_list_unbinds() {
        let mut map = Keymap::pc();
        map.overlay(&Keymap::from_toml_str("[keys]\nquit = []\n").unwrap());
        assert_eq!(map.intent(ch('q')), None);
        assert_eq!(map.intent(ch('7')), Some(Intent::Digit(7)));
    }

    #[test]
    fn a_map_without_extends_stands_alone_and_takes_a_single_key() {
        let map = Keymap::from_toml_str("name = \"tiny\"\n[keys]\nenter = \"#\"\n").unwrap();
        assert_eq!(map.name(), "tiny");
        assert_eq!(map.intent(ch('#')), Some(Intent::Enter));
        assert_eq!(map.intent(ch('1')), None);
    }

    #[test]
    fn hints_name_the_first_key() {
        let pad = Keymap::keypad16();
        let hint: Vec<String> = pad
            .keys_for(Intent::Enter)
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(hint, ["#", "Enter"]);
        assert_eq!(Keymap::pc().keys_for(Intent::Help)[0].to_string(), "F3");
    }

    #[test]
    fn errors_are_one_line_with_file_key_and_reason() {
        let cases = [
            (
                "[keys]\npickup = [\"f99\"]\n",
                "<keymap>: keys.pickup: \"f99\": not a key",
            ),
            (
                "[keys]\nfly = [\"a\"]\n",
                "<keymap>: keys.fly: not an intent (expected digit-0",
            ),
            (
                "[keys]\nhelp = [\"x\"]\nquit = [\"X\"]\n",
                "<keymap>: key \"X\" is bound to both help and quit",
            ),
            (
                "extends = \"kiosk\"\n",
                "<keymap>: extends: no built-in keymap \"kiosk\"",
            ),
            ("[keys]\nhelp = 5\n", "<keymap>: line 2: "),
            (
                "colour = \"red\"\n",
                "<keymap>: line 1: unknown field `colour`",
            ),
            ("[keys\n", "<keymap>: line 1: "),
            // A line break inside a quoted key or name stays out of the error.
            (
                "[keys]\ndigit-8 = [\"A\\n8\"]\n",
                "<keymap>: keys.digit-8: \"A\u{fffd}8\": not a key",
            ),
            (
                "extends = \"pc\\n\"\n",
                "<keymap>: extends: no built-in keymap \"pc\u{fffd}\"",
            ),
        ];
        for (text, start) in cases {
            let err = Keymap::from_toml_str(text).unwrap_err().to_string();
            assert!(err.starts_with(start), "{text:?} gave {err:?}");
            assert!(!err.contains('\n'), "one line: {err:?}");
        }
    }

    #[test]
    fn load_names_the_file_it_could_not_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(&path, "extends = \"pc\"\n[keys]\nhelp = [\"ctrl-\"]\n").unwrap();
        let err = Keymap::load(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: keys.help: \"ctrl-\"", path.display())),
            "{err}"
        );
        let missing = dir.path().join("missing.toml");
        let err = Keymap::resolve(missing.to_str().unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.toml: cannot read"), "{err}");
        std::fs::write(&path, "extends = \"pc\"\n[keys]\nhelp = [\"f5\"]\n").unwrap();
        let map = Keymap::resolve(path.to_str().unwrap()).unwrap();
        assert_eq!(map.intent(key(KeyCode::F(5))), Some(Intent::Help));
        assert_eq!(map.intent(key(KeyCode::F(3))), None);
    }

    #[test]
    fn intent_names_round_trip() {
        let mut all: Vec<Intent> = (0..=9).map(Intent::Digit).collect();
        all.extend(NAMED_INTENTS.iter().map(|(i, _)| *i));
        for intent in all {
            assert_eq!(Intent::from_name(&intent.name()), Some(intent), "{intent}");
        }
        assert_eq!(Intent::from_name("clear"), Some(Intent::Back));
        assert_eq!(Intent::from_name("digit-10"), None);
    }

    #[test]
    fn embedded_maps_parse_cleanly() {
        assert!(Keymap::parse("keypad-16", KEYPAD_16).is_ok());
        assert!(Keymap::parse("pc", PC).is_ok());
    }
}
