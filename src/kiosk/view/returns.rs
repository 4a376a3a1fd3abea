//! The returns screens: dropping one off, and the courier's walk.

use super::pickup::{code_slots, where_door};
use super::{Body, t};
use crate::domain::returns::RETURN_CODE_DIGITS;
use crate::kiosk::model::{Model, Screen};
use crate::wording::{Text, fill};

pub(super) fn body(model: &Model) -> Body {
    let lang = model.language;
    match &model.screen {
        // Only the count of digits shows, as for a pickup code.
        Screen::ReturnCode { typed } => {
            let mut b = Body::with_keys(t(model, Text::KeysReturnCode));
            b.heading(t(model, Text::ReturnTitle))
                .words(t(model, Text::ReturnHow))
                .gap();
            b.parts.push(code_slots(typed.len(), RETURN_CODE_DIGITS));
            b
        }
        Screen::ReturnDoor { spot, opened, .. } => {
            let mut b = Body::with_keys(t(model, Text::KeysReturnDoor));
            let title = if *opened {
                Text::DoorIsOpen
            } else {
                Text::DoorOpening
            };
            b.heading(fill(lang, title, &[("door", &spot.door)]))
                .words(t(model, Text::ReturnPutIn))
                .gap();
            where_door(model, &mut b, spot);
            b
        }
        Screen::ReturnNotDropped { door } => {
            // Home only once the door is shut.
            let keys = if model.open_doors.contains(door) {
                String::new()
            } else {
                t(model, Text::KeysHome)
            };
            let mut b = Body::with_keys(keys);
            b.heading(t(model, Text::ReturnNotDroppedTitle))
                .words(fill(lang, Text::ReturnNotDroppedText, &[("door", door)]))
                .words(t(model, Text::ReturnCodeStillWorks));
            b
        }
        Screen::ReturnDropped { door, receipt } => {
            let mut b = Body::with_keys(t(model, Text::KeysHome));
            b.heading(t(model, Text::ThankYou))
                .words(fill(lang, Text::ReturnDroppedText, &[("door", door)]))
                .gap()
                .words(fill(lang, Text::ReturnReceiptLine, &[("receipt", receipt)]))
                .words(t(model, Text::ReturnReceiptSent));
            b
        }
        Screen::Returns {
            list,
            collected,
            open,
            asking,
        } => {
            let mut b = Body::with_keys(t(model, Text::KeysRemoval));
            b.heading(t(model, Text::ReturnsTitle));
            match (open, asking, list.first()) {
                (Some((r, spot)), _, _) => {
                    b.keys.clear();
                    b.words(fill(
                        lang,
                        Text::ReturnsOpen,
                        &[("door", &spot.door), ("id", &r.id)],
                    ))
                    .words(t(model, Text::ReturnsCloseAfter))
                    .gap();
                    where_door(model, &mut b, spot);
                }
                (None, Some(r), _) => {
                    b.keys = t(model, Text::KeysReturnsTaken);
                    b.words(fill(
                        lang,
                        Text::ReturnsTaken,
                        &[("door", &r.door), ("id", &r.id)],
                    ));
                }
                (None, None, Some(next)) => {
                    b.words(fill(lang, Text::ReturnsLeft, &[("count", &list.len())]))
                        .words(fill(
                            lang,
                            Text::ReturnsNext,
                            &[("door", &next.door), ("id", &next.id)],
                        ));
                }
                (None, None, None) => {
                    b.keys = t(model, Text::KeysRemovalDone);
                    let done = if *collected > 0 {
                        Text::ReturnsDone
                    } else {
                        Text::ReturnsNone
                    };
                    b.words(t(model, done));
                }
            }
            if *collected > 0 {
                b.gap()
                    .words(fill(lang, Text::ReturnsCount, &[("count", collected)]));
            }
            b
        }
        _ => Body::with_keys(""),
    }
}
