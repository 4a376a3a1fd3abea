//! A small drawing of the bank, so a person finds the open door: one cell
//! per compartment at its column and row, the open one in reverse video
//! (a VT100 shows that; it has no colours).

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::domain::CompartmentId;
use crate::hardware::BankLayout;
use crate::ui::bank::{door_digits, drawing as bank_drawing};

/// The widest drawing that still leaves a margin at 80 columns.
const MAX_WIDTH: usize = 72;
const INDENT: &str = "    ";

pub(super) fn drawing(bank: &BankLayout, open: CompartmentId) -> Vec<Line<'static>> {
    let columns = bank
        .compartments
        .iter()
        .map(|c| usize::from(c.column) + 1)
        .max()
        .unwrap_or(0);
    let digits = door_digits(bank);
    // Padding around the number where it fits, none on a wide bank.
    let padded = digits + 2;
    let cell = if columns * (padded + 1) < MAX_WIDTH {
        padded
    } else {
        digits
    };
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
}
