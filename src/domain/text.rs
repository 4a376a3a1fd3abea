//! Free text that people type (names, notes, reasons): the limits it is held
//! to on the way in, and how it is shown on the way out. A terminal obeys
//! the control characters it is sent, so a name holding ESC could repaint
//! an operator's screen or hide a line; the limits keep such text out, and
//! [`printable`] defuses what an older database may already hold.

use std::borrow::Cow;

/// What stands in for a character that must not reach a terminal.
pub const REPLACEMENT: char = '\u{FFFD}';

/// A short name: a kiosk's name, a locker code, a contact line, a camera.
pub const NAME_MAX: usize = 40;
/// A person's name (recipients, delegates).
pub const PERSON_NAME_MAX: usize = 64;
/// An e-mail address (RFC 5321 limits a path to 254).
pub const EMAIL_MAX: usize = 254;
/// A phone number as people write it.
pub const PHONE_MAX: usize = 32;
/// A note or a reason that goes into the audit log and the marker list.
pub const NOTE_MAX: usize = 200;

/// Why a text was refused, naming the field it was given for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct TextError {
    pub field: &'static str,
    pub reason: String,
}

impl TextError {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Characters a terminal acts on rather than shows: C0 and C1 controls
/// (ESC, CSI, newline, tab...), DEL, and the bidirectional overrides that
/// make a line read differently from the bytes it holds.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every unsafe character replaced by U+FFFD; borrowed when there
/// is none, which is nearly always.
pub fn printable(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(
            s.chars()
                .map(|c| if is_unsafe(c) { REPLACEMENT } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Free text of at most `max` characters with nothing a terminal acts on;
/// it may be empty.
pub fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), TextError> {
    if value.chars().count() > max {
        return Err(TextError::new(field, format!("at most {max} characters")));
    }
    if value.chars().any(is_unsafe) {
        return Err(TextError::new(
            field,
            "no control characters (escape, tab, line breaks...)",
        ));
    }
    Ok(())
}

/// Like [`check_text`], and not blank.
pub fn check_name(field: &'static str, value: &str, max: usize) -> Result<(), TextError> {
    if value.trim().is_empty() {
        return Err(TextError::new(field, "must not be empty"));
    }
    check_text(field, value, max)
}

/// An e-mail address mail can be sent to: `local@domain`, at most
/// [`EMAIL_MAX`] characters, no spaces or control characters.
pub fn check_email(field: &'static str, value: &str) -> Result<(), TextError> {
    check_name(field, value, EMAIL_MAX)?;
    if value.parse::<lettre::Address>().is_err() {
        return Err(TextError::new(
            field,
            "not an e-mail address, e.g. ana@example.org",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_replaces_every_control_and_keeps_the_rest() {
        assert!(matches!(printable("Ana López"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
        // C1: CSI as one character, and NEL.
        assert_eq!(printable("x\u{9b}y\u{85}"), "x\u{FFFD}y\u{FFFD}");
        assert_eq!(printable("\t\n\r\u{7f}\0"), "\u{FFFD}".repeat(5));
        assert_eq!(printable("ab\u{202E}cd"), "ab\u{FFFD}cd");
        // One character for one: columns stay aligned.
        let s = "n\u{1b}me";
        assert_eq!(printable(s).chars().count(), s.chars().count());
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert!(check_text("note", &"ñ".repeat(NOTE_MAX), NOTE_MAX).is_ok());
        let e = check_text("note", &"a".repeat(NOTE_MAX + 1), NOTE_MAX).unwrap_err();
        assert_eq!(e.to_string(), "note: at most 200 characters");
        assert!(check_text("note", "", NOTE_MAX).is_ok());
        assert!(check_text("note", "line\nbreak", NOTE_MAX).is_err());
        assert!(check_text("note", "\u{1b}[31mred", NOTE_MAX).is_err());
    }

    #[test]
    fn names_are_not_blank() {
        assert!(check_name("name", "  ", NAME_MAX).is_err());
        assert!(check_name("name", "Ana", NAME_MAX).is_ok());
    }

    #[test]
    fn email_addresses() {
        assert!(check_email("email", "ana@example.org").is_ok());
        for bad in [
            "",
            "ana",
            "ana@",
            "a b@example.org",
            "ana@exa\u{1b}mple.org",
        ] {
            assert!(check_email("email", bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(EMAIL_MAX));
        assert!(check_email("email", &long).is_err());
    }
}
