//! `view`: a pure function of the console's model, at any size from 40x12
//! and on a VT100 (reverse video and bold only, ASCII boxes via the
//! backend). Every screen is laid out in the shared frame (`ui::page`): a
//! header, a body, a notice line and the keys line.

mod bank;
mod detail;
mod lists;
mod returns;
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
        Screen::Detail { item, .. } => detail::body(model, item),
        Screen::Returns { rows, cursor } => returns::list(model, rows, *cursor),
        Screen::ReturnIssued { id, code, .. } => returns::issued(model, *id, code.as_deref()),
        _ => lists::body(model),
    };
    for part in &mut page.parts {
        match part {
            Part::Words(l) | Part::Extra(l) => shown(l),
            Part::Gap => {}
            Part::Drawing { variants, .. } => variants.iter_mut().flatten().for_each(shown),
            Part::List { rows, .. } => rows.iter_mut().for_each(shown),
            Part::Large { big, plain } => big.iter_mut().chain(plain).for_each(shown),
            Part::Table { rows, .. } => {
                for text in rows.iter_mut().flatten() {
                    if let std::borrow::Cow::Owned(clean) = printable(text) {
                        *text = clean;
                    }
                }
            }
        }
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
    page.name_keys(&model.facts.keys);
    page
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
    // A column has no room for "(here)": the detail says it.
    let local = actor.strip_prefix(crate::domain::people::LOCAL_ACTOR_PREFIX);
    cut(
        &local.map_or_else(|| actor_words(model, actor), str::to_string),
        10,
    )
}

/// Who did something, as a person reads it: a technician on the service
/// laptop by name, the command line of this machine as such.
fn actor_words(model: &Model, actor: &str) -> String {
    if let Some(name) = actor.strip_prefix(crate::domain::people::SERVICE_ACTOR_PREFIX)
        && model.facts.bus_only
    {
        return name.to_string();
    }
    match actor.strip_prefix(crate::domain::people::LOCAL_ACTOR_PREFIX) {
        Some(name) => say_with(model, Text::ActorHere, &[("name", &name)]),
        None => actor.to_string(),
    }
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
