//! Keys and scans become commands or screens; the staff screens' keys go
//! on to the courier side.

use crate::engine::{Command, Problem};
use crate::ui::{Input, Intent};

use super::{CODE_DIGITS, digit_char, engine, lockout, notice};
use crate::domain::RecipientId;
use crate::kiosk::model::{Model, Request, Screen};
use crate::kiosk::{courier, returns};
use crate::wording::Text;

/// Opens the admin console from the home screen: `* # * # 0`. Shown
/// nowhere on the kiosk; documented in the README for staff.
const ADMIN_SEQUENCE: [Intent; 5] = [
    Intent::Back,
    Intent::Enter,
    Intent::Back,
    Intent::Enter,
    Intent::Digit(0),
];

pub(super) fn on_input(model: &mut Model, input: Input) -> Vec<Request> {
    if model.screen == Screen::OutOfService {
        return Vec::new();
    }
    if let Input::Scan(payload) = &input {
        if let Some(out) = courier::on_scan(model, payload) {
            return out;
        }
        if let Some(out) = returns::on_scan(model, payload) {
            return out;
        }
        if let Screen::LostCode { typed } = &mut model.screen {
            *typed = payload.trim().to_string();
            return lost_code_entered(model);
        }
        return match model.screen {
            Screen::Home
            | Screen::Help
            | Screen::CodeEntry { .. }
            | Screen::CodeRefused { .. }
            | Screen::Lockout { .. }
            | Screen::PickupDone { .. }
            | Screen::ProblemRecorded { .. } => engine(
                model,
                Command::ScanQr {
                    payload: payload.clone(),
                },
            ),
            _ => Vec::new(),
        };
    }
    let Input::Intent(intent) = input else {
        return Vec::new();
    };
    // The kiosk's screens hold a few digits at most: leaving one is going back.
    let intent = match intent {
        Intent::Cancel => Intent::Back,
        other => other,
    };
    if model.screen == Screen::Home {
        // `*` and `#` do nothing on the home screen, so the sequence
        // costs nothing to anyone who types part of it by chance.
        if ADMIN_SEQUENCE.get(model.admin_keys) == Some(&intent) {
            model.admin_keys += 1;
            if model.admin_keys == ADMIN_SEQUENCE.len() {
                model.admin_keys = 0;
                return vec![Request::OpenAdmin];
            }
            if intent != Intent::Digit(0) {
                return Vec::new();
            }
        } else {
            model.admin_keys = 0;
        }
    } else {
        model.admin_keys = 0;
    }
    // `D` switches the language wherever it means nothing else: at home,
    // in help, while typed codes are paused and on every courier screen.
    if intent == Intent::Language
        && (matches!(
            model.screen,
            Screen::Home
                | Screen::Help
                | Screen::LostCode { .. }
                | Screen::ReturnCode { .. }
                | Screen::Lockout { .. }
        ) || courier::is_courier_screen(&model.screen))
    {
        model.language = model.language.toggle();
        return Vec::new();
    }
    match &mut model.screen {
        Screen::Help if intent == Intent::Digit(1) => start_lost_code(model),
        Screen::Help if intent == Intent::Digit(2) => returns::start(model),
        Screen::Home | Screen::Help | Screen::ProblemRecorded { .. } => match intent {
            Intent::Digit(d) => start_code(model, Some(d)),
            Intent::Pickup => start_code(model, None),
            Intent::Deposit => {
                model.screen = Screen::SignInUser {
                    user: String::new(),
                }
            }
            Intent::Help if model.screen == Screen::Home => model.screen = Screen::Help,
            Intent::Back | Intent::Enter | Intent::Help => model.screen = Screen::Home,
            _ => {}
        },
        Screen::CodeEntry { digits } => match intent {
            Intent::Digit(d) if digits.len() < CODE_DIGITS => digits.extend(digit_char(d)),
            Intent::Back if digits.pop().is_none() => model.screen = Screen::Home,
            Intent::Back => {}
            Intent::Enter => {
                let code = digits.clone();
                return engine(model, Command::EnterCode { code });
            }
            Intent::Help => model.screen = Screen::Help,
            _ => {}
        },
        Screen::LostCode { typed } => match intent {
            Intent::Digit(d) if typed.len() < RecipientId::DIGITS => typed.extend(digit_char(d)),
            Intent::Back if typed.pop().is_none() => model.screen = Screen::Help,
            Intent::Back => {}
            Intent::Enter if typed.is_empty() => model.notice = Some(notice(Text::TypeFirst)),
            Intent::Enter => return lost_code_entered(model),
            Intent::Help => model.screen = Screen::Help,
            _ => {}
        },
        Screen::LostCodeSent => {
            if matches!(intent, Intent::Back | Intent::Enter | Intent::Help) {
                model.screen = Screen::Home;
            }
        }
        // Typed codes are paused; everything else works.
        Screen::Lockout { .. } => match intent {
            Intent::Deposit => {
                model.screen = Screen::SignInUser {
                    user: String::new(),
                }
            }
            Intent::Help => model.screen = Screen::Help,
            Intent::Back => model.screen = Screen::Home,
            _ => {}
        },
        Screen::CodeRefused { .. } => match intent {
            Intent::Digit(d) => start_code(model, Some(d)),
            Intent::Enter | Intent::Pickup => start_code(model, None),
            Intent::Back => model.screen = Screen::Home,
            Intent::Help => model.screen = Screen::Help,
            _ => {}
        },
        Screen::Fee { ticket, .. } => match intent {
            Intent::Enter => {
                let ticket = *ticket;
                return engine(model, Command::AcceptFee { ticket });
            }
            Intent::Back => model.screen = Screen::Home,
            _ => {}
        },
        Screen::PickupDone { door, .. } => {
            let door = *door;
            match intent {
                Intent::Enter => return engine(model, Command::Reopen { compartment: door }),
                Intent::Help => model.screen = Screen::ReportProblem { door },
                Intent::Back => model.screen = Screen::Home,
                Intent::Digit(d) => start_code(model, Some(d)),
                Intent::Pickup => start_code(model, None),
                _ => {}
            }
        }
        Screen::ReportProblem { door } => {
            let door = *door;
            let problem = match intent {
                Intent::Digit(1) => Problem::WrongParcel,
                Intent::Digit(2) => Problem::Damaged,
                Intent::Digit(3) => Problem::Empty,
                Intent::Digit(4) => Problem::DoorDidNotOpen,
                Intent::Back => {
                    model.screen = Screen::Home;
                    return Vec::new();
                }
                _ => return Vec::new(),
            };
            return engine(
                model,
                Command::ReportProblem {
                    compartment: door,
                    problem,
                },
            );
        }
        // A courier's door failed: choose a size again for another door.
        Screen::DoorFault {
            draft: Some(draft), ..
        } => match intent {
            Intent::Enter => {
                model.screen = Screen::Size {
                    draft: draft.clone(),
                }
            }
            Intent::Back => model.screen = Screen::StaffMenu,
            _ => {}
        },
        Screen::DoorFault { draft: None, .. } if matches!(intent, Intent::Back | Intent::Enter) => {
            model.screen = Screen::Home
        }
        // A pickup door is open: the person's next step is the door.
        Screen::DoorOpen { .. } => {}
        _ => {
            return returns::on_intent(model, intent)
                .unwrap_or_else(|| courier::on_intent(model, intent));
        }
    }
    Vec::new()
}

/// Code entry, unless typed codes are paused: then the person learns it
/// before typing six digits for nothing, and what still works.
fn start_code(model: &mut Model, first: Option<u8>) {
    if let Some(until) = model.codes_locked_until.filter(|u| *u > model.now) {
        lockout(model, until);
        return;
    }
    let digits = first.and_then(digit_char).into_iter().collect();
    model.screen = Screen::CodeEntry { digits };
}

/// "Lost your code?", unless typed codes are paused: a request spends a
/// try as a code does, so the person learns of the pause first.
fn start_lost_code(model: &mut Model) {
    if let Some(until) = model.codes_locked_until.filter(|u| *u > model.now) {
        lockout(model, until);
        return;
    }
    model.screen = Screen::LostCode {
        typed: String::new(),
    };
}

/// A recipient ID of the right form goes to the engine; one of the wrong
/// form is said at once and costs no try.
fn lost_code_entered(model: &mut Model) -> Vec<Request> {
    let Screen::LostCode { typed } = &mut model.screen else {
        return Vec::new();
    };
    match RecipientId::parse(typed) {
        Ok(id) => {
            *typed = id.digits().to_string();
            let recipient = id.to_string();
            engine(model, Command::ResendLostCodes { recipient })
        }
        Err(_) => {
            typed.clear();
            model.notice = Some(notice(Text::RecipientInvalid));
            Vec::new()
        }
    }
}
