//! `view`: a pure function of the console's model, at 80x24 and on a VT100
//! (reverse video and bold only, ASCII boxes via the backend). One frame
//! for every screen: a header, a body, a notice line and the keys line.

mod bank;
mod detail;
mod lists;
mod screens;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::model::{Model, Screen};
use crate::domain::printable;
use crate::wording::{self, Text};

/// What one screen puts in the shared frame.
pub(super) struct Body {
    pub lines: Vec<Line<'static>>,
    pub keys: String,
}

impl Body {
    fn new(title: impl Into<String>, keys: impl Into<String>) -> Self {
        Self {
            lines: vec![
                Line::styled(title.into(), Style::default().add_modifier(Modifier::BOLD)),
                Line::raw(""),
            ],
            keys: keys.into(),
        }
    }

    fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.lines.push(Line::raw(s.into()));
        self
    }

    fn line(&mut self, line: Line<'static>) -> &mut Self {
        self.lines.push(line);
        self
    }
}

fn reversed() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// Lines the body may use: the frame takes the header, a gap, the notice
/// and the keys.
pub(super) const BODY_ROWS: usize = 20;

/// Draws the model. Never changes it.
pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.height < 6 || area.width < 30 {
        return;
    }
    let body = match &model.screen {
        Screen::SignIn { .. } | Screen::Menu | Screen::Form { .. } => screens::body(model),
        Screen::Bank(b) => bank::body(model, b),
        Screen::Compartment(c) => screens::compartment(model, c),
        Screen::Parcel(p) => screens::parcel(model, p),
        Screen::Detail { item, .. } => detail::body(model, item),
        _ => lists::body(model),
    };
    let hints = &model.facts.keys;
    let body = Body {
        lines: body
            .lines
            .into_iter()
            .map(|l| hints.line(shown(l)))
            .collect(),
        keys: hints.fill(&body.keys),
    };
    header(model, frame, Rect { height: 1, ..area });
    let inner = Rect {
        x: area.x + 1,
        y: area.y + 2,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(4),
    };
    frame.render_widget(Paragraph::new(body.lines), inner);
    if let Some(notice) = &model.notice {
        frame.render_widget(
            Paragraph::new(Line::styled(
                hints.fill(&printable(notice)),
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Rect {
                x: area.x + 1,
                y: area.bottom() - 2,
                width: area.width.saturating_sub(2),
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

fn header(model: &Model, frame: &mut Frame, area: Rect) {
    let facts = &model.facts;
    let left = if facts.letter.is_empty() {
        say_with(model, Text::ConsoleTitle, &[("name", &facts.name)])
    } else {
        say_with(
            model,
            Text::ConsoleTitleKiosk,
            &[("letter", &facts.letter), ("name", &facts.name)],
        )
    };
    let who = model
        .session
        .as_ref()
        .map(|s| format!("{} ({})   ", s.user, words(model, s.role.as_str())))
        .unwrap_or_default();
    let right = format!("{who}{}", model.clock);
    let width = usize::from(area.width);
    let used = left.chars().count() + right.chars().count() + 2;
    let gap = width.saturating_sub(used).max(1);
    let line = shown(Line::raw(format!(" {left}{}{right} ", " ".repeat(gap))).style(reversed()));
    frame.render_widget(Paragraph::new(line), area);
}

/// A line as the terminal may get it: names, notes and audit details come
/// from people and from older databases, and a control character among
/// them would act on the terminal (or, dropped, shift every column after
/// it). Each becomes one visible U+FFFD.
fn shown(mut line: Line<'static>) -> Line<'static> {
    for span in &mut line.spans {
        if let std::borrow::Cow::Owned(clean) = printable(&span.content) {
            span.content = clean.into();
        }
    }
    line
}

/// Local time of a moment, for lists.
fn local(model: &Model, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&model.facts.tz)
        .format("%d.%m %H:%M")
        .to_string()
}

/// A message in the console's language.
fn say(model: &Model, id: Text) -> &'static str {
    wording::tr(model.facts.language, id)
}

/// A message in the console's language, placeholders filled.
fn say_with(model: &Model, id: Text, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    wording::fill(model.facts.language, id, args)
}

/// A machine name (an action, a kind, a state) in the console's language.
fn words(model: &Model, machine: &str) -> String {
    wording::named(model.facts.language, machine)
}

/// The keys a screen offers, as its keys line names them: `1-5` for a
/// run, `1/6/7` otherwise.
fn key_list(keys: &[u8]) -> String {
    match keys {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] if usize::from(last - first) + 1 == keys.len() => {
            format!("{first}-{last}")
        }
        _ => keys.iter().map(u8::to_string).collect::<Vec<_>>().join("/"),
    }
}

/// Who did something, for a narrow column: on a service laptop every
/// entry is the service's, so the technician's own name is enough.
fn actor_shown(model: &Model, actor: &str) -> String {
    let name = match actor.strip_prefix(crate::domain::people::SERVICE_ACTOR_PREFIX) {
        Some(name) if model.facts.bus_only => name,
        _ => actor,
    };
    cut(name, 10)
}

/// Cuts a text to `n` characters, for columns.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('~');
        out
    }
}
