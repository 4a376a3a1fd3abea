//! `view`: a pure function of the model. Every screen shares one frame —
//! a header with the kiosk's letter, name, locker code and clock, a body,
//! a notice line and the keys line — so moving between screens repaints
//! only the body, which keeps a 9600 baud line fast.

mod bank;
mod courier;
mod home;
mod pickup;
mod returns;

use ratatui::Frame;

use super::model::{Model, Screen};
use crate::ui::page::{self, Page};
use crate::wording::{Text, fill, tr};

/// What one screen puts in the shared frame.
pub(super) type Body = Page;

/// Draws the model. Never changes it.
pub fn view(model: &Model, frame: &mut Frame) {
    page::draw(&page_of(model), frame);
}

/// The model's screen as a page: header, body, notice and keys.
pub fn page_of(model: &Model) -> Page {
    let mut page = match &model.screen {
        Screen::Home
        | Screen::Help
        | Screen::LostCode { .. }
        | Screen::LostCodeSent
        | Screen::OutOfService => home::body(model),
        Screen::CodeEntry { .. }
        | Screen::DoorOpen { .. }
        | Screen::PickupDone { .. }
        | Screen::ReportProblem { .. }
        | Screen::ProblemRecorded { .. }
        | Screen::CodeRefused { .. }
        | Screen::Lockout { .. }
        | Screen::Fee { .. }
        | Screen::DoorFault { .. } => pickup::body(model),
        Screen::ReturnCode { .. }
        | Screen::ReturnDoor { .. }
        | Screen::ReturnNotDropped { .. }
        | Screen::ReturnDropped { .. }
        | Screen::Returns { .. } => returns::body(model),
        _ => courier::body(model),
    };
    let lang = model.language;
    let facts = &model.facts;
    page.title = fill(
        lang,
        Text::KioskTitle,
        &[("letter", &facts.letter), ("name", &facts.name)],
    );
    page.status = vec![
        fill(lang, Text::LockerCode, &[("code", &facts.locker_code)]),
        model.clock.to_string(),
    ];
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
    page.notice = notice.map(|notice| {
        fill(
            lang,
            notice.text,
            &[
                ("reason", &notice.reason),
                ("contact", &facts.admin_contact),
            ],
        )
    });
    page.name_keys(&facts.keys);
    page
}

/// A message without placeholders, in the model's language.
fn t(model: &Model, id: Text) -> String {
    tr(model.language, id).to_string()
}
