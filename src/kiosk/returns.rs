//! Returns at the keypad: someone with a return code drops a parcel off
//! (from the help screen, `2`), and a signed-in courier walks the returns
//! waiting to be collected (`2` on the staff menu).

use crate::domain::ParcelId;
use crate::domain::permission::allows;
use crate::domain::returns::RETURN_CODE_DIGITS;
use crate::engine::{Command, Event, Refusal};
use crate::store::IntentKind;
use crate::ui::Intent;

use super::model::{DoorSpot, Model, Notice, Request, Screen};
use super::update::{digit_char, engine, lockout, notice};
use crate::domain::Permission;
use crate::wording::Text;

/// Whether the signed-in person may walk the returns.
pub(super) fn may_collect(model: &Model) -> bool {
    model
        .session
        .as_ref()
        .is_some_and(|s| allows(s.role, Permission::CollectReturns))
}

/// The return code screen, unless typed codes are paused: a wrong return
/// code spends a try as a wrong pickup code does.
pub(super) fn start(model: &mut Model) {
    if let Some(until) = model.codes_locked_until.filter(|u| *u > model.now()) {
        lockout(model, until);
        return;
    }
    model.screen = Screen::ReturnCode {
        typed: String::new(),
    };
}

/// The courier's walk, once the list is read.
pub(super) fn list(model: &Model) -> Vec<Request> {
    vec![Request::ListReturns {
        actor: model.actor(),
    }]
}

/// A scanned label's barcode on the return code screen is the code.
pub(super) fn on_scan(model: &mut Model, payload: &str) -> Option<Vec<Request>> {
    match model.screen {
        Screen::ReturnCode { .. } => {
            let code = payload.trim().to_string();
            Some(engine(model, Command::DropReturn { code }))
        }
        Screen::ReturnDoor { .. }
        | Screen::ReturnNotDropped { .. }
        | Screen::ReturnDropped { .. }
        | Screen::Returns { .. } => Some(Vec::new()),
        _ => None,
    }
}

/// Keys on the returns screens; `None` when the screen is not one.
pub(super) fn on_intent(model: &mut Model, intent: Intent) -> Option<Vec<Request>> {
    let out = match &mut model.screen {
        Screen::ReturnCode { typed } => match intent {
            Intent::Digit(d) if typed.len() < RETURN_CODE_DIGITS => {
                typed.extend(digit_char(d));
                Vec::new()
            }
            Intent::Back if typed.pop().is_none() => {
                model.screen = Screen::Help;
                Vec::new()
            }
            Intent::Enter if typed.is_empty() => {
                model.notice = Some(notice(Text::TypeFirst));
                Vec::new()
            }
            Intent::Enter => {
                let code = typed.clone();
                engine(model, Command::DropReturn { code })
            }
            Intent::Help => {
                model.screen = Screen::Help;
                Vec::new()
            }
            _ => Vec::new(),
        },
        // The door is the next step; `*` gives it up.
        Screen::ReturnDoor { parcel, .. } => match intent {
            Intent::Back => {
                let parcel = *parcel;
                engine(model, Command::CancelReturnDrop { parcel })
            }
            _ => Vec::new(),
        },
        // Home once the door is shut: nobody leaves a door open behind.
        Screen::ReturnNotDropped { door } => {
            if !model.open_doors.contains(door) && matches!(intent, Intent::Back | Intent::Enter) {
                model.screen = Screen::Home;
            }
            Vec::new()
        }
        Screen::ReturnDropped { .. } => {
            if matches!(intent, Intent::Back | Intent::Enter | Intent::Help) {
                model.screen = Screen::Home;
            }
            Vec::new()
        }
        Screen::Returns {
            list, open, asking, ..
        } => match (intent, open.is_some(), asking.clone()) {
            (Intent::Enter, false, Some(r)) => {
                engine(model, Command::ConfirmReturnCollected { parcel: r.parcel })
            }
            // Not taken after all: it stays waiting, off this walk.
            (Intent::Back, false, Some(r)) => {
                list.retain(|w| w.parcel != r.parcel);
                *asking = None;
                Vec::new()
            }
            (Intent::Enter, false, None) => match list.first() {
                Some(next) => {
                    let parcel = next.parcel;
                    engine(model, Command::CollectReturn { parcel })
                }
                None => Vec::new(),
            },
            (Intent::Back, false, None) => {
                model.screen = Screen::StaffMenu;
                Vec::new()
            }
            _ => Vec::new(),
        },
        _ => return None,
    };
    Some(out)
}

pub(super) fn door_opening(
    model: &mut Model,
    spot: DoorSpot,
    purpose: IntentKind,
    parcel: Option<ParcelId>,
) {
    match (purpose, &mut model.screen, parcel) {
        (IntentKind::ReturnDrop, Screen::ReturnCode { .. }, Some(parcel)) => {
            model.screen = Screen::ReturnDoor {
                spot,
                parcel,
                opened: false,
            };
        }
        (IntentKind::ReturnCollect, Screen::Returns { list, open, .. }, _) => {
            if let Some(r) = list.iter().find(|r| r.door == spot.door) {
                *open = Some((r.clone(), spot));
            }
        }
        _ => {}
    }
}

/// The engine's answers about returns; `Some` when the event was one.
pub(super) fn on_event(model: &mut Model, event: &Event) -> Option<()> {
    match event {
        Event::DoorOpened { compartment } => {
            if let Screen::ReturnDoor { spot, opened, .. } = &mut model.screen
                && spot.door == *compartment
            {
                *opened = true;
            }
            return None;
        }
        Event::ReturnDropped {
            parcel,
            compartment,
            receipt,
        } => {
            if matches!(&model.screen, Screen::ReturnDoor { parcel: p, .. } if p == parcel) {
                model.screen = Screen::ReturnDropped {
                    door: *compartment,
                    receipt: receipt.clone(),
                };
            }
        }
        Event::ReturnNotDropped {
            parcel,
            compartment,
        } => {
            if matches!(&model.screen, Screen::ReturnDoor { parcel: p, .. } if p == parcel) {
                model.screen = Screen::ReturnNotDropped { door: *compartment };
            }
        }
        Event::ReturnDoorClosed {
            parcel,
            compartment,
            still_inside,
        } => {
            if let Screen::Returns {
                list, open, asking, ..
            } = &mut model.screen
            {
                *open = None;
                if *still_inside {
                    // Left for another walk; the courier hears why.
                    list.retain(|r| r.parcel != *parcel);
                    model.notice = Some(Notice {
                        text: Text::ReturnsStillInside,
                        reason: compartment.to_string(),
                    });
                } else {
                    *asking = list.iter().find(|r| r.parcel == *parcel).cloned();
                }
            }
        }
        Event::ReturnCollected { parcel, .. } => {
            if let Screen::Returns {
                list,
                collected,
                open,
                asking,
            } = &mut model.screen
            {
                list.retain(|r| r.parcel != *parcel);
                *collected += 1;
                *open = None;
                *asking = None;
            }
        }
        Event::CodeRefused {
            refusal: refusal @ (Refusal::ReturnMalformed | Refusal::ReturnUnknown),
            tries_left,
        } => {
            model.screen = Screen::ReturnCode {
                typed: String::new(),
            };
            model.notice = Some(match refusal {
                Refusal::ReturnMalformed => notice(Text::ReturnCodeMalformed),
                _ => Notice {
                    text: Text::ReturnCodeUnknown,
                    reason: crate::wording::fill(
                        model.language,
                        tries_text(*tries_left),
                        &[("tries", tries_left)],
                    ),
                },
            });
        }
        _ => return None,
    }
    Some(())
}

fn tries_text(left: u32) -> Text {
    if left == 1 {
        Text::OneTryLeft
    } else {
        Text::TriesLeft
    }
}

/// A refusal while a return code was being checked or a return's door
/// walked; `Some` when it was handled here.
pub(super) fn on_refusal(model: &mut Model, refusal: &Refusal) -> Option<()> {
    match (&mut model.screen, refusal) {
        (Screen::ReturnCode { typed }, Refusal::NoCompartment | Refusal::Oversized) => {
            typed.clear();
            model.notice = Some(notice(Text::ReturnNoDoor));
        }
        (Screen::ReturnCode { typed }, Refusal::DoorBusy) => {
            typed.clear();
            model.notice = Some(notice(Text::ReturnDoorBusy));
        }
        (Screen::Returns { open, .. }, _) => {
            *open = None;
            model.notice = Some(notice(Text::CannotOpenNow));
        }
        _ => return None,
    }
    Some(())
}

/// A return door that did not open: the drop did not happen (the code
/// still works); on the walk the stuck door is skipped.
pub(super) fn door_failed(model: &mut Model, door: Option<crate::domain::CompartmentId>) {
    match &mut model.screen {
        Screen::Returns { list, open, .. } => {
            *open = None;
            if let Some(door) = door {
                list.retain(|r| r.door != door);
            }
            model.notice = Some(notice(Text::CannotOpenNow));
        }
        _ => {
            model.screen = Screen::ReturnCode {
                typed: String::new(),
            };
            model.notice = Some(notice(Text::CannotOpenNow));
        }
    }
}
