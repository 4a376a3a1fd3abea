//! The GSM 7-bit default alphabet and its extension table (TS 23.038
//! 6.2.1): which characters a 7-bit message can carry, and the septets it
//! takes. A character of the extension table costs two septets (escape
//! 0x1B, then its code).

/// The default alphabet, by septet value.
const DEFAULT: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1b}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The escape septet before a character of the extension table.
pub const ESCAPE: u8 = 0x1B;

/// The extension table: character and its code after the escape.
const EXTENSION: [(char, u8); 10] = [
    ('\u{c}', 0x0A),
    ('^', 0x14),
    ('{', 0x28),
    ('}', 0x29),
    ('\\', 0x2F),
    ('[', 0x3C),
    ('~', 0x3D),
    (']', 0x3E),
    ('|', 0x40),
    ('€', 0x65),
];

/// A text as 7-bit septets (escape pairs included).
pub type Septets = Vec<u8>;

/// The septets of one character: one from the default table, two from the
/// extension table, `None` when 7 bits cannot carry it. The escape
/// character itself is not text.
pub fn septets_of(c: char) -> Option<Vec<u8>> {
    if c == '\u{1b}' {
        return None;
    }
    if let Some(i) = DEFAULT.iter().position(|&d| d == c) {
        return Some(vec![i as u8]);
    }
    EXTENSION
        .iter()
        .find(|(e, _)| *e == c)
        .map(|(_, code)| vec![ESCAPE, *code])
}

/// The whole text in septets, or `None` if a character needs UCS-2.
pub fn to_septets(text: &str) -> Option<Septets> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        out.extend(septets_of(c)?);
    }
    Some(out)
}

/// Septets back to text; an unknown escape reads as a space, as TS 23.038
/// asks of a receiver.
pub fn from_septets(septets: &[u8]) -> String {
    let mut out = String::with_capacity(septets.len());
    let mut it = septets.iter();
    while let Some(&s) = it.next() {
        if s == ESCAPE {
            let code = it.next().copied().unwrap_or(0);
            let c = EXTENSION
                .iter()
                .find(|(_, e)| *e == code)
                .map(|(c, _)| *c)
                .unwrap_or(' ');
            out.push(c);
        } else {
            out.push(DEFAULT[usize::from(s & 0x7F)]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_takes_one_septet_and_the_extension_two() {
        assert_eq!(to_septets("A@ñ").unwrap(), vec![0x41, 0x00, 0x7D]);
        assert_eq!(to_septets("€").unwrap(), vec![ESCAPE, 0x65]);
        assert_eq!(to_septets("[x]").unwrap().len(), 5);
        assert_eq!(to_septets("¿Dónde?"), None, "ó is not in the GSM alphabet");
        assert_eq!(to_septets("\u{1b}"), None);
        assert_eq!(to_septets("Señal ¡ya! Ü é ß").map(|s| s.len()), Some(16));
    }

    #[test]
    fn every_character_of_both_tables_reads_back_the_same() {
        let all: String = DEFAULT
            .iter()
            .filter(|&&c| c != '\u{1b}')
            .chain(EXTENSION.iter().map(|(c, _)| c))
            .collect();
        let septets = to_septets(&all).unwrap();
        assert_eq!(from_septets(&septets), all);
    }
}
