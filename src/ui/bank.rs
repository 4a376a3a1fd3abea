//! The drawing of a bank: one cell per compartment at its column and row,
//! boxed, as on the printed doors. The kiosk highlights the open door; the
//! admin console writes each compartment's state in its cell. A VT100 gets
//! the box in ASCII (the backend maps it) and highlights in reverse video.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::hardware::{BankLayout, CompartmentLayout};

/// Rows of a drawing of `cell`-wide cells; `label` gives each
/// compartment's text (padded or cut to the cell) and style.
pub fn drawing(
    bank: &BankLayout,
    indent: &str,
    cell: usize,
    label: impl Fn(&CompartmentLayout) -> (String, Style),
) -> Vec<Line<'static>> {
    let Some(columns) = bank.compartments.iter().map(|c| c.column).max() else {
        return Vec::new();
    };
    let rows = bank.compartments.iter().map(|c| c.row).max().unwrap_or(0);
    let columns = usize::from(columns) + 1;
    let rule = |left: &str, mid: &str, right: &str| {
        let inner = vec!["─".repeat(cell); columns].join(mid);
        Line::raw(format!("{indent}{left}{inner}{right}"))
    };
    let mut lines = vec![rule("┌", "┬", "┐")];
    for row in 0..=rows {
        let mut spans = vec![Span::raw(format!("{indent}│"))];
        for column in 0..columns {
            let here = bank
                .compartments
                .iter()
                .find(|c| usize::from(c.column) == column && c.row == row);
            match here {
                Some(c) => {
                    let (text, style) = label(c);
                    let text: String = format!("{text:<cell$}").chars().take(cell).collect();
                    spans.push(Span::styled(text, style));
                }
                None => spans.push(Span::raw(" ".repeat(cell))),
            }
            spans.push(Span::raw("│"));
        }
        lines.push(Line::from(spans));
    }
    lines.push(rule("└", "┴", "┘"));
    lines
}

/// Widest door number of a bank, in digits.
pub fn door_digits(bank: &BankLayout) -> usize {
    bank.compartments
        .iter()
        .map(|c| c.id.to_string().len())
        .max()
        .unwrap_or(1)
}
