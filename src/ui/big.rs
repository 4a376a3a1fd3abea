//! Large print: digits five rows tall, for the code being typed and the
//! number of the door that opens, so a person with poor sight reads them
//! from a step back. Drawn in full blocks; a VT profile gets `#` for each
//! (the backend's ASCII mapping), so a screen draws them once for every
//! terminal. The page frame shows them where the body has room (see
//! [`super::page::Part::Large`]), else the plain line.

use ratatui::text::Line;

/// Rows of a large glyph.
pub const ROWS: usize = 5;

/// Columns between two glyphs.
const SPACE: &str = "  ";

const BLOCK: char = '█';

/// Each glyph as rows of three cells, `#` for a block.
fn glyph(c: char) -> Option<[&'static str; ROWS]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        // A typed secret digit: a solid square (cells are twice as tall
        // as wide), never the digit.
        MASKED => ["   ", "   ", "###", "###", "___"],
        // A digit still to type.
        EMPTY => ["   ", "   ", "   ", "   ", "___"],
        _ => return None,
    })
}

/// In [`large`]'s text: a typed secret digit.
pub const MASKED: char = '●';
/// In [`large`]'s text: a slot still to fill.
pub const EMPTY: char = '_';

/// `text` (digits, [`MASKED`] and [`EMPTY`]) in large print, each row
/// after `indent`, without a row no glyph uses; `None` when it holds
/// anything else.
pub fn large(text: &str, indent: &str) -> Option<Vec<Line<'static>>> {
    let glyphs: Vec<[&str; ROWS]> = text.chars().map(glyph).collect::<Option<_>>()?;
    if glyphs.is_empty() {
        return None;
    }
    let used = |row: &usize| glyphs.iter().any(|g| !g[*row].trim().is_empty());
    Some(
        (0..ROWS)
            .filter(used)
            .map(|row| {
                let cells: Vec<String> = glyphs
                    .iter()
                    .map(|g| g[row].replace('#', &BLOCK.to_string()))
                    .collect();
                Line::raw(
                    format!("{indent}{}", cells.join(SPACE))
                        .trim_end()
                        .to_string(),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::wrap::line_text;

    #[test]
    fn every_digit_has_its_own_glyph() {
        let digits: Vec<[&str; ROWS]> = ('0'..='9').filter_map(glyph).collect();
        assert_eq!(digits.len(), 10);
        for (i, a) in digits.iter().enumerate() {
            for b in &digits[i + 1..] {
                assert_ne!(a, b, "two digits look alike");
            }
        }
        assert_ne!(glyph(MASKED), glyph(EMPTY));
    }

    #[test]
    fn a_door_number_is_five_rows_of_blocks_and_spaces() {
        let lines = large("14", "  ").unwrap();
        assert_eq!(lines.len(), ROWS);
        let text: Vec<String> = lines.iter().map(line_text).collect();
        assert_eq!(text[0], "   █   █ █");
        assert_eq!(text[2], "   █   ███");
        assert!(
            text.iter()
                .all(|l| l.chars().all(|c| c == ' ' || c == BLOCK))
        );
    }

    #[test]
    fn a_masked_code_never_shows_its_digits_and_other_text_is_refused() {
        let lines = large("●●__", "").unwrap();
        assert_eq!(lines.len(), 3, "no blank row");
        assert_eq!(line_text(&lines[0]), "███  ███");
        assert_eq!(line_text(&lines[2]), "___  ___  ___  ___");
        assert!(large("12a", "").is_none());
        assert!(large("", "").is_none());
    }
}
