//! What the kiosk says besides the screen: a bell (BEL) on an error and
//! when a door opens, for terminals with a beeper, and the screen's main
//! prompt spoken through the configured speech program. Both come from how
//! the model changed, so the screens know nothing of them.

use std::mem::discriminant;

use super::model::{Model, Notice, Screen};
use crate::domain::CompartmentId;
use crate::wording::Text;

/// How the kiosk is heard: the terminal's bell (`[kiosk] bell`, on by
/// default) and the speech program (`[kiosk] speech`, none by default).
#[derive(Clone, Debug)]
pub struct Sound {
    pub bell: bool,
    pub speaker: Option<crate::ui::speech::Speaker>,
}

/// Something a person should hear about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    /// A refused code, a wrong PIN, a refusal, a door that did not open.
    Error,
    /// A door is opening: look for it.
    DoorOpens,
}

/// What the cue compares: the screen and its notice before a message.
pub(super) type Before = (Screen, Option<Notice>);

pub(super) fn before(model: &Model) -> Before {
    (model.screen.clone(), model.notice.clone())
}

/// The cue for a change from `before` to `model`, if any: one per event.
pub(super) fn cue(before: &Before, model: &Model) -> Option<Cue> {
    let (screen, notice) = before;
    if let Some(door) = opening(&model.screen)
        && opening(screen) != Some(door)
    {
        return Some(Cue::DoorOpens);
    }
    let new_screen = discriminant(screen) != discriminant(&model.screen);
    if new_screen && is_error_screen(&model.screen) {
        return Some(Cue::Error);
    }
    match &model.notice {
        Some(n) if is_error(n.text) && (notice.as_ref() != Some(n) || screen != &model.screen) => {
            Some(Cue::Error)
        }
        _ => None,
    }
}

/// The door a screen is opening (pulsed, not yet seen open or closed).
fn opening(screen: &Screen) -> Option<CompartmentId> {
    match screen {
        Screen::DoorOpen { spot, .. } => Some(spot.door),
        Screen::DepositDoor {
            spot, closed_empty, ..
        } if !closed_empty => Some(spot.door),
        Screen::Removal {
            open: Some((_, spot)),
            ..
        }
        | Screen::Returns {
            open: Some((_, spot)),
            ..
        }
        | Screen::ReturnDoor { spot, .. } => Some(spot.door),
        _ => None,
    }
}

fn is_error_screen(screen: &Screen) -> bool {
    matches!(
        screen,
        Screen::CodeRefused { .. }
            | Screen::Lockout { .. }
            | Screen::DoorFault { .. }
            | Screen::NotRegistered { .. }
            | Screen::Oversized
            | Screen::NoCompartment { .. }
    )
}

/// Notices that tell of something done, not of something wrong.
fn is_error(text: Text) -> bool {
    !matches!(
        text,
        Text::StaffOpened | Text::DepositCancelled | Text::SessionEnded
    )
}

/// The words the speech program says for the screen: its heading and the
/// sentence under it, as the wording table gives them (a door screen's
/// heading names the door). Indented lines are choices, fields and
/// amounts, not the prompt: never the code slots, a typed ID or a PIN.
/// A notice (an error, "Checking…") comes first. `None` for a screen
/// without words.
pub fn spoken(model: &Model) -> Option<String> {
    use crate::ui::page::Part;
    use crate::ui::wrap::line_text;
    let page = super::page_of(model);
    let words = page
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Words(l) => Some(line_text(l)),
            _ => None,
        })
        .filter(|w| !w.trim().is_empty() && !w.starts_with(' ') && !is_choice(w))
        .take(2);
    let said: Vec<String> = page.notice.into_iter().chain(words).collect();
    if said.is_empty() {
        return None;
    }
    let mut text = String::new();
    for sentence in said {
        if !text.is_empty() {
            // "Lost your code?" needs no full stop after it.
            if !text.ends_with(['.', '?', '!', ':', '…']) {
                text.push('.');
            }
            text.push(' ');
        }
        text.push_str(&sentence.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Some(text)
}

/// "1  Wrong parcel": a key and what it does, one of a menu.
fn is_choice(line: &str) -> bool {
    line.split_once("  ").is_some_and(|(key, _)| {
        !key.is_empty()
            && key.len() <= 2
            && key.chars().all(|c| c.is_ascii_digit() || "*#".contains(c))
    })
}
