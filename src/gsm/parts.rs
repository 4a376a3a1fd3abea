//! How a text goes out: in 7 bits when every character is in the GSM
//! alphabet, in UCS-2 otherwise (Spanish "ó", "á", "í", "ú" are not), and in
//! as many parts as it needs. A part of a longer text gives up room for
//! the header that numbers it: 153 septets instead of 160, 67 UCS-2 units
//! instead of 70. A character is never cut between two parts.

use super::alphabet::{septets_of, to_septets};

/// One message alone.
pub const SINGLE_GSM7: usize = 160;
/// One part of a concatenated message.
pub const CONCAT_GSM7: usize = 153;
pub const SINGLE_UCS2: usize = 70;
pub const CONCAT_UCS2: usize = 67;
/// The 8-bit reference numbers parts 1 to 255.
pub const MAX_PARTS: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// The GSM 7-bit default alphabet (data coding scheme 0).
    Gsm7,
    /// UCS-2, 16 bits a unit (data coding scheme 8).
    Ucs2,
}

impl Coding {
    /// The data coding scheme octet.
    pub fn dcs(self) -> u8 {
        match self {
            Coding::Gsm7 => 0x00,
            Coding::Ucs2 => 0x08,
        }
    }

    /// Units of `c` in this coding (septets or UTF-16 units).
    fn units(self, c: char) -> usize {
        match self {
            Coding::Gsm7 => septets_of(c).map_or(0, |s| s.len()),
            Coding::Ucs2 => c.len_utf16(),
        }
    }

    /// Units a whole text takes.
    pub fn length(self, text: &str) -> usize {
        text.chars().map(|c| self.units(c)).sum()
    }

    /// Room in a message alone and in a part of a longer one.
    pub fn room(self) -> (usize, usize) {
        match self {
            Coding::Gsm7 => (SINGLE_GSM7, CONCAT_GSM7),
            Coding::Ucs2 => (SINGLE_UCS2, CONCAT_UCS2),
        }
    }
}

/// A text cut for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub coding: Coding,
    pub parts: Vec<String>,
}

impl Plan {
    /// Whether the modem's text mode can carry it as it is: one part, and
    /// for 7 bits only characters whose septet is a plain printable byte
    /// (an "@" is a NUL byte, "Ξ" the Ctrl-Z that ends the text, the
    /// extension table's escape cancels it, and "é" or "ò" are control
    /// bytes a modem's line editor may act on). Anything else goes in PDU
    /// mode, which carries every septet.
    pub fn fits_text_mode(&self) -> bool {
        if self.parts.len() != 1 {
            return false;
        }
        match self.coding {
            Coding::Ucs2 => true,
            Coding::Gsm7 => to_septets(&self.parts[0])
                .is_some_and(|s| s.iter().all(|b| (0x20..=0x7E).contains(b))),
        }
    }
}

/// The coding a text needs and its parts.
pub fn plan(text: &str) -> Plan {
    let coding = if to_septets(text).is_some() {
        Coding::Gsm7
    } else {
        Coding::Ucs2
    };
    let (single, concat) = coding.room();
    if coding.length(text) <= single {
        return Plan {
            coding,
            parts: vec![text.to_string()],
        };
    }
    let mut parts = Vec::new();
    let (mut part, mut used) = (String::new(), 0);
    for c in text.chars() {
        let n = coding.units(c);
        if used + n > concat {
            parts.push(std::mem::take(&mut part));
            used = 0;
        }
        part.push(c);
        used += n;
    }
    parts.push(part);
    Plan { coding, parts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_text_of_160_septets_is_one_part_and_161_are_two() {
        let p = plan(&"a".repeat(160));
        assert_eq!((p.coding, p.parts.len()), (Coding::Gsm7, 1));
        let p = plan(&"a".repeat(161));
        assert_eq!(p.parts.len(), 2);
        assert_eq!(p.parts[0].len(), 153);
        assert_eq!(p.parts[1].len(), 8);
    }

    #[test]
    fn extension_characters_count_two_septets_and_are_never_cut() {
        // 80 euro signs are 160 septets: one message.
        assert_eq!(plan(&"€".repeat(80)).parts.len(), 1);
        // 152 letters, a euro sign and more: the sign does not fit in the
        // first part's last septet and moves whole to the second.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(10));
        let p = plan(&text);
        assert_eq!(p.coding, Coding::Gsm7);
        assert_eq!(
            p.parts,
            vec!["a".repeat(152), format!("€{}", "b".repeat(10))]
        );
    }

    #[test]
    fn a_character_outside_the_alphabet_makes_the_whole_text_ucs2() {
        let p = plan("Código 123456");
        assert_eq!(p.coding, Coding::Ucs2);
        assert!(p.fits_text_mode());
        let long = "á".repeat(71);
        let p = plan(&long);
        assert_eq!(
            p.parts
                .iter()
                .map(|s| s.chars().count())
                .collect::<Vec<_>>(),
            [67, 4]
        );
        assert!(!p.fits_text_mode());
        // Outside the basic plane a character is two units, kept together.
        let p = plan(&format!("{}📦", "á".repeat(66)));
        assert_eq!(p.parts.len(), 1, "68 units fit in one message");
        let p = plan(&format!("{}📦", "á".repeat(69)));
        assert_eq!(p.parts, vec!["á".repeat(67), "áá📦".to_string()]);
    }

    #[test]
    fn text_mode_carries_only_plain_septets() {
        assert!(plan("Code 123456, by 2026-11-21 23:59").fits_text_mode());
        assert!(plan("Señal ¿ya?").fits_text_mode());
        for awkward in ["a@b", "5 €", "café", "Ξ"] {
            let p = plan(awkward);
            assert_eq!(p.coding, Coding::Gsm7, "{awkward}");
            assert!(!p.fits_text_mode(), "{awkward}");
        }
    }
}
