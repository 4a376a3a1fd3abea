//! A small drawing of the bank, so a person finds the open door: one cell
//! per compartment at its column and row, the open one pointed at (◀) and
//! in reverse video (a VT100 shows both; it has no colours).

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::domain::CompartmentId;
use crate::hardware::BankLayout;
use crate::ui::bank::{door_digits, drawing as bank_drawing};

const INDENT: &str = "    ";

/// After the open door's number (`<` on an ASCII terminal).
pub(super) const OPEN_MARK: char = '◀';

/// The drawing with padding around each number, then without: the frame
/// shows the first that fits the screen.
pub(super) fn drawings(bank: &BankLayout, open: CompartmentId) -> Vec<Vec<Line<'static>>> {
    let digits = door_digits(bank);
    [digits + 2, digits]
        .into_iter()
        .map(|cell| {
            bank_drawing(bank, INDENT, cell, |c| {
                // Right-aligned, so 1 and 13 line up as on printed doors;
                // the open one pointed at as well as highlighted, so it
                // does not rest on the highlight alone.
                let number = format!("{:>width$}", c.id.0, width = cell - 1);
                if c.id == open {
                    let style = Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
                    (format!("{number}{OPEN_MARK}"), style)
                } else {
                    (format!("{number} "), Style::default())
                }
            })
        })
        .collect()
}
