//! A small drawing of the bank, so a person finds the open door: one cell
//! per compartment at its column and row, the open one in reverse video
//! (a VT100 shows that; it has no colours).

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::domain::CompartmentId;
use crate::hardware::BankLayout;
use crate::ui::bank::{door_digits, drawing as bank_drawing};

const INDENT: &str = "    ";

/// The drawing with padding around each number, then without: the frame
/// shows the first that fits the screen.
pub(super) fn drawings(bank: &BankLayout, open: CompartmentId) -> Vec<Vec<Line<'static>>> {
    let digits = door_digits(bank);
    [digits + 2, digits]
        .into_iter()
        .map(|cell| {
            bank_drawing(bank, INDENT, cell, |c| {
                // Right-aligned, so 1 and 13 line up as on printed doors.
                let label = format!("{:>width$} ", c.id.0, width = cell - 1);
                let style = if c.id == open {
                    Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                } else {
                    Style::default()
                };
                (label, style)
            })
        })
        .collect()
}
