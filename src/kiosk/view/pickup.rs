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
use crate::ui::big;
use crate::ui::page::Part;
use crate::wording::{Text, fill};

/// What a typed secret digit shows as ('o' on an ASCII terminal).
pub(super) const MASK: &str = "●";

pub(super) fn body(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    match &model.screen {
        Screen::CodeEntry { digits } => {
            // With nothing typed, `*` goes home rather than deleting.
            let keys = if digits.is_empty() {
                Text::KeysCodeEntryEmpty
            } else {
                Text::KeysCodeEntry
            };
            let mut b = Body::with_keys(t(model, keys));
            b.heading(t(model, Text::PickupTitle))
                .words(t(model, Text::EnterCode))
                .gap();
            b.parts.push(code_slots(digits.len(), CODE_DIGITS));
            b.gap().gap().words(t(model, Text::OrScan));
            b
        }
        Screen::DoorOpen { spot, opened, .. } => {
            let mut b = Body::with_keys("");
            let title = if *opened {
                Text::DoorIsOpen
            } else {
                Text::DoorOpening
            };
            b.heading(fill(lang, title, &[("door", &spot.door)]))
                .words(t(model, Text::TakeParcel))
                .words(t(model, Text::CloseWhenDone))
                .gap();
            where_door(model, &mut b, spot);
            b
        }
        Screen::PickupDone { door, reopen_secs } => {
            let mut b = Body::with_keys("");
            b.heading(t(model, Text::ThankYou))
                .words(fill(lang, Text::PickupComplete, &[("door", door)]))
                .gap();
            // Once the window is over only staff can open the door.
            if *reopen_secs > 0 {
                b.words(fill(
                    lang,
                    Text::ReopenKey,
                    &[("door", door), ("secs", reopen_secs)],
                ));
            }
            b.words(t(model, Text::ReportKey))
                .words(t(model, Text::DoneKey));
            b
        }
        Screen::ReportProblem { door } => {
            let mut b = Body::with_keys("");
            b.heading(fill(lang, Text::ReportTitle, &[("door", door)]))
                .words(t(model, Text::ProblemWrongParcel))
                .words(t(model, Text::ProblemDamaged))
                .words(t(model, Text::ProblemEmpty))
                .words(t(model, Text::ProblemDoorDidNotOpen))
                .gap()
                .words(t(model, Text::BackKey));
            b
        }
        Screen::ProblemRecorded { door, reference } => {
            let mut b = Body::with_keys(t(model, Text::KeysHome));
            b.heading(t(model, Text::ThankYou))
                .words(fill(lang, Text::ProblemRecorded, &[("door", door)]))
                .gap()
                .words(Line::styled(
                    fill(lang, Text::ProblemReference, &[("reference", reference)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ))
                .words(fill(lang, Text::ProblemNextStep, &[("contact", contact)]));
            b
        }
        Screen::CodeRefused {
            refusal,
            tries_left,
        } => refused(model, refusal, *tries_left),
        Screen::Lockout { secs_left, .. } => {
            let mut b = Body::with_keys(t(model, Text::KeysLocked));
            let left = format!("{:02}:{:02}", secs_left / 60, secs_left % 60);
            b.heading(t(model, Text::LockedTitle))
                .words(t(model, Text::LockedWhy))
                .gap()
                .words(Line::styled(
                    fill(lang, Text::LockedWait, &[("left", &left)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ))
                .gap()
                .words(t(model, Text::LockedStillWorks))
                .words(fill(lang, Text::NeedHelp, &[("contact", contact)]));
            b
        }
        Screen::Fee { door, fee, .. } => {
            let mut b = Body::with_keys(t(model, Text::KeysFee));
            b.heading(t(model, Text::FeeTitle))
                .words(fill(lang, Text::FeeBeforeOpen, &[("door", door)]))
                .gap();
            if fee.use_cents > 0 {
                let use_fee = format_money(fee.use_cents, &fee.currency);
                b.words(format!("  {:<22}{use_fee:>12}", t(model, Text::FeeUse)));
            }
            if fee.storage_cents > 0 {
                let label = fill(lang, Text::FeeStorage, &[("days", &fee.storage_days)]);
                let storage = format_money(fee.storage_cents, &fee.currency);
                b.words(format!("  {label:<22}{storage:>12}"));
            }
            b.words(Line::styled(
                format!("  {:<22}{:>12}", t(model, Text::FeeTotal), fee.display()),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            // The kiosk takes no card: the building bills the ledger.
            b.gap().words(t(model, Text::FeeBilledLater));
            b
        }
        Screen::DoorFault { door, draft, .. } => {
            let keys = if draft.is_some() {
                Text::KeysFaultDeposit
            } else {
                Text::KeysHome
            };
            let mut b = Body::with_keys(t(model, keys));
            match door {
                Some(door) => b.heading(fill(lang, Text::DoorDidNotOpen, &[("door", door)])),
                None => b.heading(t(model, Text::CannotOpenNow)),
            };
            if draft.is_some() {
                b.words(t(model, Text::DepositDoorFault));
            } else {
                b.words(t(model, Text::CodeStillValid));
            }
            if door.is_some() {
                b.words(t(model, Text::StaffAlerted));
            } else {
                b.words(fill(lang, Text::NeedHelp, &[("contact", contact)]));
            }
            b
        }
        _ => Body::with_keys(""),
    }
}

/// Six slots; typed digits show as a dot so nobody reads a code over a
/// shoulder (not `*`, which is the Back key). One more digit changes one
/// cell; in large print, one square. `of` slots: a pickup code's six, a
/// return code's eight.
pub(super) fn code_slots(typed: usize, of: usize) -> Part {
    let mut spans = vec![Span::raw("    ")];
    let mut marks = String::new();
    for i in 0..of {
        spans.push(Span::raw(if i < typed { MASK } else { "_" }));
        spans.push(Span::raw("  "));
        marks.push(if i < typed { big::MASKED } else { big::EMPTY });
    }
    large(&marks, Line::from(spans))
}

/// `text` in large print where the screen has room, else `plain`.
pub(super) fn large(text: &str, plain: impl Into<Line<'static>>) -> Part {
    let plain = plain.into();
    Part::Large {
        big: big::large(text, INDENT).unwrap_or_else(|| vec![plain.clone()]),
        plain: vec![plain],
    }
}

const INDENT: &str = "    ";

/// The digits of a recipient ID being typed, in large print under the
/// field (they are no secret), once there is one.
pub(super) fn typed_id(b: &mut Body, typed: &str) {
    if !typed.is_empty() {
        b.parts.push(Part::Large {
            big: big::large(&format!("{typed}{}", big::EMPTY), INDENT).unwrap_or_default(),
            plain: Vec::new(),
        });
    }
}

pub(super) fn where_door(model: &Model, b: &mut Body, spot: &DoorSpot) {
    // The door's number in large print; the heading already says it.
    b.parts.push(Part::Large {
        big: big::large(&spot.door.to_string(), INDENT).unwrap_or_default(),
        plain: Vec::new(),
    });
    b.gap()
        .words(fill(
            model.language,
            Text::WhereDoor,
            &[
                ("door", &spot.door),
                ("column", &(spot.column + 1)),
                ("row", &(spot.row + 1)),
            ],
        ))
        .gap();
    // Its first line is the box's top: a row of doors is one line lower.
    b.parts.push(Part::Drawing {
        variants: bank::drawings(&model.facts.bank, spot.door),
        focus: Some(usize::from(spot.row) + 1),
    });
}

fn refused(model: &Model, refusal: &Refusal, tries_left: u32) -> Body {
    let lang = model.language;
    let facts = &model.facts;
    let contact = &facts.admin_contact;
    let mut b = Body::with_keys(t(model, Text::KeysTryAgain));
    b.heading(t(model, Text::CodeNotAccepted));
    let checklist = match refusal {
        Refusal::Used => {
            b.words(t(model, Text::CodeUsed));
            false
        }
        Refusal::Expired => {
            b.words(t(model, Text::CodeExpired));
            false
        }
        Refusal::Replaced => {
            b.words(t(model, Text::CodeReplaced));
            false
        }
        Refusal::Reassigned => {
            b.words(t(model, Text::CodeReassigned)).words(fill(
                lang,
                Text::AskStaff,
                &[("contact", contact)],
            ));
            false
        }
        Refusal::OtherKiosk { kiosk } => {
            b.words(fill(
                lang,
                Text::CodeOtherKiosk,
                &[("kiosk", kiosk), ("letter", &facts.letter)],
            ));
            false
        }
        Refusal::HeldElsewhere { kiosk, locker_code } => {
            b.words(fill(
                lang,
                Text::CodeHeldElsewhere,
                &[
                    ("kiosk", kiosk),
                    ("locker_code", locker_code),
                    ("letter", &facts.letter),
                ],
            ));
            false
        }
        Refusal::NeedsInspection => {
            b.words(fill(
                lang,
                Text::CodeNeedsInspection,
                &[("contact", contact)],
            ));
            false
        }
        Refusal::DoorBusy => {
            b.words(t(model, Text::CodeDoorBusy));
            false
        }
        Refusal::Malformed => {
            b.words(t(model, Text::CodeMalformed)).gap();
            true
        }
        Refusal::NotACode { scanned } => {
            b.words(t(
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
            b.words(t(model, Text::CodeUnknown)).gap();
            true
        }
    };
    if checklist {
        b.words(fill(
            lang,
            Text::CheckRightKiosk,
            &[("letter", &facts.letter), ("code", &facts.locker_code)],
        ))
        // A short screen keeps the first and the last check.
        .extra(t(model, Text::CheckSixDigits))
        .extra(t(model, Text::CheckNotOld))
        .words(fill(lang, Text::CheckAskStaff, &[("contact", contact)]));
    }
    match tries_left {
        0 => {}
        1 => {
            b.gap().words(t(model, Text::OneTryLeft));
        }
        n => {
            b.gap().words(fill(lang, Text::TriesLeft, &[("tries", &n)]));
        }
    }
    b
}
