//! `view`: a pure function of the model. Every screen shares one frame —
//! a header with the kiosk's letter, name, locker code and clock, a body,
//! a notice line and the keys line — so moving between screens repaints
//! only the body, which keeps a 9600 baud line fast.

mod bank;
mod courier;
mod home;
mod pickup;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::model::{Model, Screen};
use crate::wording::{Text, fill, tr};

/// What one screen puts in the shared frame.
pub(super) struct Body {
    pub lines: Vec<Line<'static>>,
    /// The keys line at the bottom; empty when no key does anything.
    pub keys: String,
}

impl Body {
    fn new(keys: impl Into<String>) -> Self {
        Self {
            lines: Vec::new(),
            keys: keys.into(),
        }
    }

    fn title(&mut self, s: impl Into<String>) -> &mut Self {
        self.lines.push(Line::styled(
            s.into(),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        self.blank()
    }

    fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.lines.push(Line::raw(s.into()));
        self
    }

    fn blank(&mut self) -> &mut Self {
        self.lines.push(Line::raw(""));
        self
    }

    fn line(&mut self, line: Line<'static>) -> &mut Self {
        self.lines.push(line);
        self
    }
}

/// Draws the model. Never changes it.
pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.height < 4 || area.width < 20 {
        return;
    }
    let body = match &model.screen {
        Screen::Home | Screen::Help | Screen::OutOfService => home::body(model),
        Screen::CodeEntry { .. }
        | Screen::DoorOpen { .. }
        | Screen::PickupDone { .. }
        | Screen::ReportProblem { .. }
        | Screen::ProblemRecorded { .. }
        | Screen::CodeRefused { .. }
        | Screen::Lockout { .. }
        | Screen::Fee { .. }
        | Screen::DoorFault { .. } => pickup::body(model),
        _ => courier::body(model),
    };
    let hints = &model.facts.keys;
    let body = Body {
        lines: body.lines.into_iter().map(|l| hints.line(l)).collect(),
        keys: hints.fill(&body.keys),
    };
    header(model, frame, Rect { height: 1, ..area });
    let inner = Rect {
        x: area.x + 2,
        y: area.y + 2,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(4),
    };
    frame.render_widget(Paragraph::new(body.lines).wrap(Wrap { trim: false }), inner);
    let said = |text| super::model::Notice {
        text,
        reason: String::new(),
    };
    let (checking, still_there) = (said(Text::Checking), said(Text::StillThere));
    let notice = if model.checking {
        Some(&checking)
    } else if model.still_there {
        Some(&still_there)
    } else {
        model.notice.as_ref()
    };
    if let Some(notice) = notice {
        let text = hints.fill(&fill(
            model.language,
            notice.text,
            &[
                ("reason", &notice.reason),
                ("contact", &model.facts.admin_contact),
            ],
        ));
        frame.render_widget(
            Paragraph::new(Line::styled(
                text,
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Rect {
                x: area.x + 2,
                y: area.bottom() - 2,
                width: area.width.saturating_sub(4),
                height: 1,
            },
        );
    }
    frame.render_widget(
        Paragraph::new(Line::raw(format!(" {}", body.keys))),
        Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        },
    );
}

/// Reverse video works on every profile down to a VT100.
fn header(model: &Model, frame: &mut Frame, area: Rect) {
    let lang = model.language;
    let facts = &model.facts;
    let left = fill(
        lang,
        Text::KioskTitle,
        &[("letter", &facts.letter), ("name", &facts.name)],
    );
    let right = format!(
        "{}   {}",
        fill(lang, Text::LockerCode, &[("code", &facts.locker_code)]),
        model.clock
    );
    let width = usize::from(area.width);
    let used = left.chars().count() + right.chars().count() + 2;
    let gap = width.saturating_sub(used).max(1);
    let line = Line::from(vec![Span::raw(format!(
        " {left}{}{right} ",
        " ".repeat(gap)
    ))])
    .style(Style::default().add_modifier(Modifier::REVERSED));
    frame.render_widget(Paragraph::new(line), area);
}

/// A message without placeholders, in the model's language.
fn t(model: &Model, id: Text) -> String {
    tr(model.language, id).to_string()
}
