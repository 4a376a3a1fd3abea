//! A small drawing of the bank, so a person finds the open door: one cell
//! per compartment at its column and row, the open one in reverse video
//! (a VT100 shows that; it has no colours).

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::domain::CompartmentId;
use crate::hardware::BankLayout;

/// The widest drawing that still leaves a margin at 80 columns.
const MAX_WIDTH: usize = 72;
const INDENT: &str = "    ";

pub(super) fn drawing(bank: &BankLayout, open: CompartmentId) -> Vec<Line<'static>> {
    let Some(columns) = bank.compartments.iter().map(|c| c.column).max() else {
        return Vec::new();
    };
    let rows = bank.compartments.iter().map(|c| c.row).max().unwrap_or(0);
    let columns = usize::from(columns) + 1;
    let digits = bank
        .compartments
        .iter()
        .map(|c| c.id.to_string().len())
        .max()
        .unwrap_or(1);
    // Padding around the number where it fits, none on a wide bank.
    let padded = digits + 2;
    let cell = if columns * (padded + 1) < MAX_WIDTH {
        padded
    } else {
        digits
    };
    let rule = |left: &str, mid: &str, right: &str| {
        let inner = vec!["─".repeat(cell); columns].join(mid);
        Line::raw(format!("{INDENT}{left}{inner}{right}"))
    };
    let mut lines = vec![rule("┌", "┬", "┐")];
    for row in 0..=rows {
        let mut spans = vec![Span::raw(format!("{INDENT}│"))];
        for column in 0..columns {
            let here = bank
                .compartments
                .iter()
                .find(|c| usize::from(c.column) == column && c.row == row);
            let label = match here {
                // Right-aligned, so 1 and 13 line up as on printed doors.
                Some(c) => format!("{:>width$} ", c.id.0, width = cell - 1),
                None => " ".repeat(cell),
            };
            if here.is_some_and(|c| c.id == open) {
                spans.push(Span::styled(
                    label,
                    Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                ));
            } else {
                spans.push(Span::raw(label));
            }
            spans.push(Span::raw("│"));
        }
        lines.push(Line::from(spans));
    }
    lines.push(rule("└", "┴", "┘"));
    lines
}
