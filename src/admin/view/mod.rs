//! `view`: a pure function of the console's model, at any size from 40x12
//! and on a VT100 (reverse video and bold only, ASCII boxes via the
//! backend). Every screen is laid out in the shared frame (`ui::page`): a
//! header, a body, a notice line and the keys line.

mod bank;
mod lists;
mod screens;

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use super::model::{Model, Screen};
use crate::domain::printable;
use crate::ui::page::{self, Page, Part};
use crate::wording::{self, Text};

/// What one screen puts in the shared frame.
pub(super) type Body = Page;

/// A page with a bold title over its body.
fn titled(title: impl Into<String>, keys: impl Into<String>) -> Body {
    let mut page = Page::with_keys(keys);
    page.heading(title);
    page
}

fn reversed() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// Draws the model. Never changes it.
pub fn view(model: &Model, frame: &mut Frame) {
    page::draw(&page_of(model), frame);
}

/// The console's screen as a page: header, body, notice and keys.
pub fn page_of(model: &Model) -> Page {
    let mut page = match &model.screen {
        Screen::SignIn { .. } | Screen::Menu | Screen::Form { .. } => screens::body(model),
        Screen::Bank(b) => bank::body(model, b),
        Screen::Compartment(c) => screens::compartment(model, c),
        Screen::Parcel(p) => screens::parcel(model, p),
        _ => lists::body(model),
    };
    for part in &mut page.parts {
        match part {
            Part::Words(l) | Part::Extra(l) => shown(l),
            Part::Gap => {}
            Part::Drawing { variants, .. } => variants.iter_mut().flatten().for_each(shown),
            Part::List { rows, .. } => rows.iter_mut().for_each(shown),
            Part::Table { rows, .. } => {
                for text in rows.iter_mut().flatten() {
                    if let std::borrow::Cow::Owned(clean) = printable(text) {
                        *text = clean;
                    }
                }
            }
        }
    }
    if !model.facts.keypad {
        page.keys = keyboard_keys(model, &page.keys);
    }
    page.notice = model
        .notice
        .as_ref()
        .map(|notice| printable(notice).into_owned());
    let facts = &model.facts;
    page.title = if facts.letter.is_empty() {
        say_with(model, Text::ConsoleTitle, &[("name", &facts.name)])
    } else {
        say_with(
            model,
            Text::ConsoleTitleKiosk,
            &[("letter", &facts.letter), ("name", &facts.name)],
        )
    };
    page.title = printable(&page.title).into_owned();
    if let Some(s) = &model.session {
        let who = format!("{} ({})", s.user, words(model, s.role.as_str()));
        page.status.push(printable(&who).into_owned());
    }
    page.status.push(model.clock.to_string());
    page
}

/// The keys line names the keypad's keys; on a laptop keyboard (the pc
/// keymap) the same intents sit on other keys.
fn keyboard_keys(model: &Model, keys: &str) -> String {
    let moves = [
        (Text::KeysMovePad, Text::KeysMoveBoard),
        (Text::KeysPagePad, Text::KeysPageBoard),
        (Text::KeysRefreshPad, Text::KeysRefreshBoard),
    ]
    .map(|(pad, board)| (say(model, pad), say(model, board)));
    moves
        .into_iter()
        .chain([("# ", "Enter "), ("* ", "Esc ")])
        .fold(keys.to_string(), |k, (from, to)| k.replace(from, to))
}

/// A line as the terminal may get it: names, notes and audit details come
/// from people and from older databases, and a control character among
/// them would act on the terminal (or, dropped, shift every column after
/// it). Each becomes one visible U+FFFD.
fn shown(line: &mut Line<'static>) {
    for span in &mut line.spans {
        if let std::borrow::Cow::Owned(clean) = printable(&span.content) {
            span.content = clean.into();
        }
    }
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
