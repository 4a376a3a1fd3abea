//! What a terminal can show: colours, which text attributes, which
//! characters. The backend applies the profile once per cell, so screens are
//! written once, in Unicode and colour, and never ask which terminal they
//! are on. See `docs/adr/0001-serial-terminal-profiles.md`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use ratatui::style::{Color, Modifier};
use ratatui::text::Span;

/// The terminal families the kiosk drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TerminalProfile {
    /// A modern emulator (xterm, the Linux console, PuTTY): UTF-8, colours.
    #[default]
    Ansi,
    /// DEC VT220/VT320: monochrome, ASCII, can hide the cursor.
    Vt220,
    /// DEC VT100/VT102 and the serial emulators that claim to be one:
    /// monochrome, ASCII, SGR 0/1/4/7 only, no cursor hiding.
    Vt100,
}

/// `--terminal` / `[kiosk] terminal` named no known profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown terminal profile \"{0}\" (expected ansi, vt220 or vt100)")]
pub struct UnknownProfile(pub String);

impl TerminalProfile {
    /// The profile a `TERM` value implies. An unset or unknown `TERM` gets
    /// `Ansi`: nearly every emulator today understands it, and the VT
    /// profiles are for the hardware and serial setups that say so.
    pub fn from_term(term: Option<&str>) -> Self {
        let Some(term) = term else {
            return Self::Ansi;
        };
        let term = term.trim().to_ascii_lowercase();
        if term.starts_with("vt100") || term.starts_with("vt102") {
            Self::Vt100
        } else if term.starts_with("vt220") || term.starts_with("vt320") {
            Self::Vt220
        } else {
            Self::Ansi
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Ansi => "ansi",
            Self::Vt220 => "vt220",
            Self::Vt100 => "vt100",
        }
    }

    /// Colours reach the terminal. A VT100 shows SGR 38;5;n as blink and a
    /// VT220 is monochrome, so only `Ansi` gets them.
    pub fn has_colour(self) -> bool {
        self == Self::Ansi
    }

    /// Only UTF-8 terminals get non-ASCII bytes; on the VT profiles every
    /// cell is transliterated (see [`ascii_symbol`]).
    pub fn is_ascii_only(self) -> bool {
        self != Self::Ansi
    }

    /// DECTCEM (`CSI ? 25 l/h`) arrived with the VT220; a VT100 ignores or
    /// misprints it, so there the cursor simply stays visible.
    pub fn can_hide_cursor(self) -> bool {
        self != Self::Vt100
    }

    /// The text attributes this terminal shows.
    pub fn modifiers(self) -> Modifier {
        match self {
            Self::Ansi => Modifier::all(),
            Self::Vt220 | Self::Vt100 => Modifier::BOLD | Modifier::REVERSED | Modifier::UNDERLINED,
        }
    }

    /// A cell's colour as this terminal gets it.
    pub fn colour(self, colour: Color) -> Color {
        if self.has_colour() {
            colour
        } else {
            Color::Reset
        }
    }

    /// A cell's symbol as this terminal gets it: control characters never
    /// pass (a scanned payload or a stored name must not be able to move the
    /// cursor or retitle the terminal), and VT profiles get ASCII only.
    pub fn symbol(self, symbol: &str) -> Cow<'_, str> {
        if symbol.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Cow::Borrowed(symbol);
        }
        if self.is_ascii_only() {
            return Cow::Owned(ascii_symbol(symbol));
        }
        if symbol.chars().any(is_control) {
            return Cow::Owned(
                symbol
                    .chars()
                    .map(|c| if is_control(c) { '?' } else { c })
                    .collect(),
            );
        }
        Cow::Borrowed(symbol)
    }
}

impl FromStr for TerminalProfile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ansi" => Ok(Self::Ansi),
            "vt220" => Ok(Self::Vt220),
            "vt100" => Ok(Self::Vt100),
            _ => Err(UnknownProfile(s.to_string())),
        }
    }
}

impl fmt::Display for TerminalProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn is_control(c: char) -> bool {
    c.is_control()
}

/// The ASCII stand-in for one cell's symbol, exactly as many columns wide
/// as the original (a wide character keeps its two columns, so the rest of
/// the row stays where the screen put it).
pub fn ascii_symbol(symbol: &str) -> String {
    let width = Span::raw(symbol).width().max(1);
    let mut out: String = symbol
        .chars()
        .filter(|c| !is_combining_mark(*c))
        .map(ascii_char)
        .collect();
    // A symbol is one grapheme; its ASCII form must fill the same columns.
    out.truncate(width);
    while out.len() < width {
        out.push(' ');
    }
    out
}

/// Accents on decomposed letters ("e" + U+0301) simply vanish.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{fe00}'..='\u{fe0f}' | '\u{200d}')
}

fn ascii_char(c: char) -> char {
    if c.is_ascii() {
        return if c.is_ascii_control() { '?' } else { c };
    }
    match c {
        // Box drawing: straight lines keep their direction, every joint
        // (corner, tee, cross, rounded or double) becomes '+'.
        '─' | '━' | '═' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '╴' | '╶' | '╸' | '╺' => {
            '-'
        }
        '│' | '┃' | '║' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' | '╵' | '╷' | '╹' | '╻' => {
            '|'
        }
        '╱' => '/',
        '╲' => '\\',
        '╳' => 'X',
        '\u{2500}'..='\u{257f}' => '+',
        // Block elements (gauges, scrollbars, the bank drawing).
        '░' => '.',
        '▏' | '▕' => '|',
        '▁' => '_',
        '▔' => '-',
        '\u{2580}'..='\u{259f}' => '#',
        // Braille: ratatui's canvas dots.
        '\u{2800}' => ' ',
        '\u{2801}'..='\u{28ff}' => '.',
        // Arrows and pointers.
        '←' | '◄' | '◀' | '‹' | '⇐' => '<',
        '→' | '►' | '▶' | '›' | '⇒' => '>',
        '↑' | '▲' | '△' | '⇑' => '^',
        '↓' | '▼' | '▽' | '⇓' => 'v',
        // Marks.
        // A typed digit's mask: not `*`, the keypad's Back key.
        '●' => 'o',
        '•' | '·' | '○' | '◆' | '◇' | '■' | '□' | '★' | '☆' | '✓' | '✔' | '✗' | '✘' => {
            '*'
        }
        '…' => '.',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        '‘' | '’' | '‚' | '′' | '´' | '`' => '\'',
        '“' | '”' | '„' | '″' | '«' | '»' => '"',
        '¿' => '?',
        '¡' => '!',
        '°' | 'º' => 'o',
        'ª' => 'a',
        '×' => 'x',
        '÷' => '/',
        '€' => 'E',
        '£' => 'L',
        '©' => 'c',
        '®' => 'r',
        '¦' => '|',
        '\u{a0}' | '\u{2000}'..='\u{200b}' | '\u{3000}' => ' ',
        // Latin letters, for the Spanish screens: "Recogida del paquete"
        // reads fine without accents, "ñ" as "n" is the usual fallback.
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'æ' => 'a',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Æ' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' => 'c',
        'Ç' => 'C',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'ß' => 's',
        _ => '?',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_names_pick_their_profile() {
        assert_eq!(
            TerminalProfile::from_term(Some("vt100")),
            TerminalProfile::Vt100
        );
        assert_eq!(
            TerminalProfile::from_term(Some("vt100-am")),
            TerminalProfile::Vt100
        );
        assert_eq!(
            TerminalProfile::from_term(Some("vt102")),
            TerminalProfile::Vt100
        );
        assert_eq!(
            TerminalProfile::from_term(Some("VT100")),
            TerminalProfile::Vt100
        );
        assert_eq!(
            TerminalProfile::from_term(Some("vt220")),
            TerminalProfile::Vt220
        );
        assert_eq!(
            TerminalProfile::from_term(Some("vt220-8bit")),
            TerminalProfile::Vt220
        );
        assert_eq!(
            TerminalProfile::from_term(Some("vt320")),
            TerminalProfile::Vt220
        );
    }

    #[test]
    fn unknown_or_missing_term_is_ansi() {
        for term in [
            None,
            Some(""),
            Some("xterm-256color"),
            Some("linux"),
            Some("screen"),
        ] {
            assert_eq!(
                TerminalProfile::from_term(term),
                TerminalProfile::Ansi,
                "{term:?}"
            );
        }
    }

    #[test]
    fn configured_profile_names_round_trip() {
        for p in [
            TerminalProfile::Ansi,
            TerminalProfile::Vt220,
            TerminalProfile::Vt100,
        ] {
            assert_eq!(p.name().parse::<TerminalProfile>(), Ok(p));
        }
        let err = "vt52".parse::<TerminalProfile>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown terminal profile \"vt52\" (expected ansi, vt220 or vt100)"
        );
    }

    #[test]
    fn box_drawing_becomes_plus_minus_bar() {
        let border = [
            "┌", "─", "┐", "│", "└", "┘", "╭", "╮", "╰", "╯", "├", "┤", "┬", "┴", "┼",
        ];
        let got: String = border.iter().map(|s| ascii_symbol(s)).collect();
        assert_eq!(got, "+-+|+++++++++++");
        assert_eq!(ascii_symbol("═"), "-");
        assert_eq!(ascii_symbol("║"), "|");
        assert_eq!(ascii_symbol("╔"), "+");
    }

    #[test]
    fn spanish_text_keeps_its_letters_without_accents() {
        let text = "¿Dónde está mi paquete? ¡Año próximo!";
        let got: String = text.chars().map(|c| ascii_symbol(&c.to_string())).collect();
        assert_eq!(got, "?Donde esta mi paquete? !Ano proximo!");
        assert_eq!(ascii_symbol("e\u{301}"), "e");
    }

    #[test]
    fn wide_characters_keep_their_two_columns() {
        assert_eq!(ascii_symbol("界"), "? ");
        assert_eq!(ascii_symbol("📦"), "? ");
    }

    #[test]
    fn control_characters_never_reach_any_terminal() {
        for p in [
            TerminalProfile::Ansi,
            TerminalProfile::Vt220,
            TerminalProfile::Vt100,
        ] {
            assert_eq!(p.symbol("\u{1b}"), "?", "{p}");
            assert_eq!(p.symbol("\u{9b}"), "?", "{p}");
            assert_eq!(p.symbol("\u{7f}"), "?", "{p}");
        }
        assert_eq!(TerminalProfile::Ansi.symbol("─"), "─");
        assert_eq!(TerminalProfile::Vt100.symbol("─"), "-");
    }

    #[test]
    fn vt_profiles_drop_colour_and_keep_three_attributes() {
        let vt = TerminalProfile::Vt100;
        assert_eq!(vt.colour(Color::Red), Color::Reset);
        assert_eq!(
            TerminalProfile::Vt220.colour(Color::Indexed(4)),
            Color::Reset
        );
        assert_eq!(TerminalProfile::Ansi.colour(Color::Red), Color::Red);
        let wanted =
            Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED | Modifier::SLOW_BLINK;
        assert_eq!(
            wanted & vt.modifiers(),
            Modifier::BOLD | Modifier::UNDERLINED
        );
        assert!(!vt.can_hide_cursor());
        assert!(TerminalProfile::Vt220.can_hide_cursor());
    }
}
