//! Pickup screens: code entry, the open door with the bank drawing, the
//! thank-you with re-open, problem reports, invalid codes, the lockout,
//! the fee and a door that did not open.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{Body, bank, t};
use crate::domain::fees::format_money;
use crate::engine::{Refusal, Scanned};
use crate::kiosk::model::{DoorSpot, Model, Screen};
use crate::kiosk::update::CODE_DIGITS;
use crate::wording::{Text, fill};

/// What a typed secret digit shows as ('o' on an ASCII terminal).
pub(super) const MASK: &str = "●";

pub(super) fn body(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    match &model.screen {
        Screen::CodeEntry { digits } => {
            let mut b = Body::new(t(model, Text::KeysCodeEntry));
            b.title(t(model, Text::PickupTitle))
                .text(t(model, Text::EnterCode))
                .blank()
                .line(slots(digits.len()))
                .blank()
                .blank()
                .text(t(model, Text::OrScan));
            b
        }
        Screen::DoorOpen { spot, opened, .. } => {
            let mut b = Body::new("");
            let title = if *opened {
                Text::DoorIsOpen
            } else {
                Text::DoorOpening
            };
            b.title(fill(lang, title, &[("door", &spot.door)]))
                .text(t(model, Text::TakeParcel))
                .text(t(model, Text::CloseWhenDone))
                .blank();
            where_door(model, &mut b, spot);
            b
        }
        Screen::PickupDone { door, reopen_secs } => {
            let mut b = Body::new("");
            b.title(t(model, Text::ThankYou))
                .text(fill(lang, Text::PickupComplete, &[("door", door)]))
                .blank();
            // Once the window is over only staff can open the door.
            if *reopen_secs > 0 {
                b.text(fill(
                    lang,
                    Text::ReopenKey,
                    &[("door", door), ("secs", reopen_secs)],
                ));
            }
            b.text(t(model, Text::ReportKey))
                .text(t(model, Text::DoneKey));
            b
        }
        Screen::ReportProblem { door } => {
            let mut b = Body::new("");
            b.title(fill(lang, Text::ReportTitle, &[("door", door)]))
                .text(t(model, Text::ProblemWrongParcel))
                .text(t(model, Text::ProblemDamaged))
                .text(t(model, Text::ProblemEmpty))
                .text(t(model, Text::ProblemDoorDidNotOpen))
                .blank()
                .text(t(model, Text::BackKey));
            b
        }
        Screen::ProblemRecorded { door, reference } => {
            let mut b = Body::new(t(model, Text::KeysHome));
            b.title(t(model, Text::ThankYou))
                .text(fill(lang, Text::ProblemRecorded, &[("door", door)]))
                .blank()
                .line(Line::styled(
                    fill(lang, Text::ProblemReference, &[("reference", reference)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ))
                .text(fill(lang, Text::ProblemNextStep, &[("contact", contact)]));
            b
        }
        Screen::CodeRefused {
            refusal,
            tries_left,
        } => refused(model, refusal, *tries_left),
        Screen::Lockout { secs_left, .. } => {
            let mut b = Body::new(t(model, Text::KeysLocked));
            let left = format!("{:02}:{:02}", secs_left / 60, secs_left % 60);
            b.title(t(model, Text::LockedTitle))
                .text(t(model, Text::LockedWhy))
                .blank()
                .line(Line::styled(
                    fill(lang, Text::LockedWait, &[("left", &left)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ))
                .blank()
                .text(t(model, Text::LockedStillWorks))
                .text(fill(lang, Text::NeedHelp, &[("contact", contact)]));
            b
        }
        Screen::Fee { door, fee, .. } => {
            let mut b = Body::new(t(model, Text::KeysFee));
            b.title(t(model, Text::FeeTitle))
                .text(fill(lang, Text::FeeBeforeOpen, &[("door", door)]))
                .blank();
            if fee.use_cents > 0 {
                let use_fee = format_money(fee.use_cents, &fee.currency);
                b.text(format!("  {:<28}{use_fee:>12}", t(model, Text::FeeUse)));
            }
            if fee.storage_cents > 0 {
                let label = fill(lang, Text::FeeStorage, &[("days", &fee.storage_days)]);
                let storage = format_money(fee.storage_cents, &fee.currency);
                b.text(format!("  {label:<28}{storage:>12}"));
            }
            b.line(Line::styled(
                format!("  {:<28}{:>12}", t(model, Text::FeeTotal), fee.display()),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            b
        }
        Screen::DoorFault { door, draft, .. } => {
            let keys = if draft.is_some() {
                Text::KeysFaultDeposit
            } else {
                Text::KeysHome
            };
            let mut b = Body::new(t(model, keys));
            match door {
                Some(door) => b.title(fill(lang, Text::DoorDidNotOpen, &[("door", door)])),
                None => b.title(t(model, Text::CannotOpenNow)),
            };
            if draft.is_some() {
                b.text(t(model, Text::DepositDoorFault));
            } else {
                b.text(t(model, Text::CodeStillValid));
            }
            if door.is_some() {
                b.text(t(model, Text::StaffAlerted));
            } else {
                b.text(fill(lang, Text::NeedHelp, &[("contact", contact)]));
            }
            b
        }
        _ => Body::new(""),
    }
}

/// Six slots; typed digits show as a dot so nobody reads a code over a
/// shoulder (not `*`, which is the Back key). One more digit changes one
/// cell.
fn slots(typed: usize) -> Line<'static> {
    let mut spans = vec![Span::raw("    ")];
    for i in 0..CODE_DIGITS {
        spans.push(Span::raw(if i < typed { MASK } else { "_" }));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

pub(super) fn where_door(model: &Model, b: &mut Body, spot: &DoorSpot) {
    b.text(fill(
        model.language,
        Text::WhereDoor,
        &[
            ("door", &spot.door),
            ("column", &(spot.column + 1)),
            ("row", &(spot.row + 1)),
        ],
    ))
    .blank();
    for line in bank::drawing(&model.facts.bank, spot.door) {
        b.line(line);
    }
}

fn refused(model: &Model, refusal: &Refusal, tries_left: u32) -> Body {
    let lang = model.language;
    let facts = &model.facts;
    let contact = &facts.admin_contact;
    let mut b = Body::new(t(model, Text::KeysTryAgain));
    b.title(t(model, Text::CodeNotAccepted));
    let checklist = match refusal {
        Refusal::Used => {
            b.text(t(model, Text::CodeUsed));
            false
        }
        Refusal::Expired => {
            b.text(t(model, Text::CodeExpired));
            false
        }
        Refusal::Replaced => {
            b.text(t(model, Text::CodeReplaced));
            false
        }
        Refusal::Reassigned => {
            b.text(t(model, Text::CodeReassigned)).text(fill(
                lang,
                Text::AskStaff,
                &[("contact", contact)],
            ));
            false
        }
        Refusal::OtherKiosk { kiosk } => {
            b.text(fill(
                lang,
                Text::CodeOtherKiosk,
                &[("kiosk", kiosk), ("letter", &facts.letter)],
            ));
            false
        }
        Refusal::NeedsInspection => {
            b.text(fill(
                lang,
                Text::CodeNeedsInspection,
                &[("contact", contact)],
            ));
            false
        }
        Refusal::DoorBusy => {
            b.text(t(model, Text::CodeDoorBusy));
            false
        }
        Refusal::Malformed => {
            b.text(t(model, Text::CodeMalformed)).blank();
            true
        }
        Refusal::NotACode { scanned } => {
            b.text(t(
                model,
                match scanned {
                    Scanned::Tracking => Text::ScannedTracking,
                    Scanned::RecipientId => Text::ScannedRecipientId,
                    Scanned::Other => Text::ScannedOther,
                },
            ));
            false
        }
        _ => {
            b.text(t(model, Text::CodeUnknown)).blank();
            true
        }
    };
    if checklist {
        b.text(fill(
            lang,
            Text::CheckRightKiosk,
            &[("letter", &facts.letter), ("code", &facts.locker_code)],
        ))
        .text(t(model, Text::CheckSixDigits))
        .text(t(model, Text::CheckNotOld))
        .text(fill(lang, Text::CheckAskStaff, &[("contact", contact)]));
    }
    match tries_left {
        0 => {}
        1 => {
            b.blank().text(t(model, Text::OneTryLeft));
        }
        n => {
            b.blank()
                .text(fill(lang, Text::TriesLeft, &[("tries", &n)]));
        }
    }
    b
}
