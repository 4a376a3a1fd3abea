//! The bank as the admin sees it: every compartment's state in its cell,
//! what needs a look in reverse video, the boards underneath.

use ratatui::style::Style;
use ratatui::text::Line;

use super::lists::online_word;
use super::{Body, reversed, say, say_with, titled};
use crate::admin::model::Model;
use crate::bus::DoorState;
use crate::domain::CompartmentState;
use crate::engine::read::{BankView, CompartmentRow};
use crate::ui::bank::{door_digits, drawing};
use crate::ui::page::Part;
use crate::wording::Text;

/// A compartment's mark: at most three characters.
pub(super) fn mark(r: &CompartmentRow) -> String {
    if r.door == DoorState::Unknown {
        return "?".into();
    }
    let mark = match r.state {
        CompartmentState::Free => ".".to_string(),
        CompartmentState::Reserved => "R".into(),
        CompartmentState::Occupied if r.expired => "EXP".into(),
        CompartmentState::Occupied => match r.days_left {
            Some(d) if d < 10 => format!("{d}d"),
            Some(_) => "9+".into(),
            None => "occ".into(),
        },
        CompartmentState::Open => "OPN".into(),
        CompartmentState::Disabled => "OFF".into(),
        CompartmentState::Faulty => "FLT".into(),
    };
    if r.needs_inspection {
        format!("{mark}!")
    } else {
        mark
    }
}

/// States a person should look at are drawn in reverse video.
fn needs_a_look(r: &CompartmentRow) -> bool {
    r.door == DoorState::Unknown
        || r.expired
        || r.needs_inspection
        || matches!(r.state, CompartmentState::Open | CompartmentState::Faulty)
}

pub(super) fn body(model: &Model, bank: &BankView) -> Body {
    let mut body = titled(say(model, Text::MenuBank), say(model, Text::KeysBank));
    let layout = crate::hardware::BankLayout {
        name: String::new(),
        compartments: bank
            .rows
            .iter()
            .map(|r| crate::hardware::CompartmentLayout {
                id: r.id,
                size: r.size,
                board: r.board,
                channel: r.channel,
                column: r.column,
                row: r.row,
                camera: None,
            })
            .collect(),
    };
    let digits = door_digits(&layout);
    // Roomy cells where the screen is wide enough, tight ones where not;
    // the tightest drops a mark's "!" (such a door is highlighted anyway).
    let boxes: Vec<Vec<Line<'static>>> = [digits + 6, digits + 5, digits + 4]
        .into_iter()
        .map(|cell| {
            drawing(&layout, "  ", cell, |c| {
                let Some(r) = bank.rows.iter().find(|r| r.id == c.id) else {
                    return (String::new(), Style::default());
                };
                let text = format!("{:>digits$} {:<4} ", c.id.0, mark(r));
                let style = if needs_a_look(r) {
                    reversed()
                } else {
                    Style::default()
                };
                (text, style)
            })
        })
        .collect();
    // The legend goes with the drawing: where the screen is too narrow
    // for it, or too short, the drawing goes on alone.
    let mut legend = vec![Line::raw("")];
    let words: &[Text] = if model.facts.bus_only {
        &[Text::ServiceLegend]
    } else {
        &[Text::BankLegend1, Text::BankLegend2, Text::BankLegend3]
    };
    for id in words {
        legend.push(Line::raw(format!("  {}", say(model, *id))));
    }
    let with_legend = boxes.iter().take(2).map(|lines| {
        let mut lines = lines.clone();
        lines.extend(legend.iter().cloned());
        lines
    });
    // A short screen keeps the row of the first door that needs a look.
    let focus = bank
        .rows
        .iter()
        .filter(|r| needs_a_look(r))
        .map(|r| usize::from(r.row) + 1)
        .min();
    body.parts.push(Part::Drawing {
        variants: with_legend.chain(boxes.iter().cloned()).collect(),
        focus,
    });
    let boards: Vec<String> = bank
        .boards
        .iter()
        .map(|(b, online)| {
            let online = online_word(model, *online);
            say_with(
                model,
                Text::BoardState,
                &[("board", b), ("online", &online)],
            )
        })
        .collect();
    let boards = boards.join(", ");
    body.words(say_with(model, Text::LockBoards, &[("boards", &boards)]));
    body
}
