//! Typing into a field: the sign-in's user number and PIN, and a form's
//! one line (a keypad picks its reasons by number).

use super::forms::Outcome;
use super::model::{Model, Request, Screen};
use super::update::{command, read, refresh_query};
use crate::engine::read::Query;
use crate::engine::{Actor, Command};
use crate::ui::{Input, Intent};

pub(super) fn sign_in_input(model: &mut Model, input: Input) -> Vec<Request> {
    let Screen::SignIn { user, pin, on_pin } = &mut model.screen else {
        return Vec::new();
    };
    let field = if *on_pin { &mut *pin } else { &mut *user };
    // As long as the longest user name; a PIN is shorter.
    let room = crate::domain::people::USER_NAME_MAX;
    match input {
        Input::Intent(Intent::Digit(d)) if field.len() < room => {
            field.extend(char::from_digit(u32::from(d), 10));
        }
        // A user name is lower-case letters, digits and `._-`; a PIN is
        // digits only, so there letters are never typed (see `wants_text`).
        Input::Typed(c) if field.len() < room && !*on_pin => {
            let c = c.to_ascii_lowercase();
            if crate::domain::people::is_user_name_char(c) {
                field.push(c);
            }
        }
        Input::Typed(c) if field.len() < room && c.is_ascii_digit() => field.push(c),
        // Esc: whatever is typed goes, in one press; on an empty sign-in it
        // leaves (back to the kiosk, or `locker admin` ends).
        Input::Intent(Intent::Cancel) => {
            let typed = !user.is_empty() || !pin.is_empty();
            user.clear();
            pin.clear();
            *on_pin = false;
            if !typed {
                return vec![Request::Leave];
            }
        }
        // A scanned or pasted user number ends with Enter: on to the PIN.
        Input::Scan(s) if !*on_pin => {
            *user = s;
            *on_pin = !user.is_empty();
        }
        Input::Intent(Intent::Back) if field.pop().is_none() => {
            if *on_pin {
                *on_pin = false;
            } else if model.facts.from_kiosk {
                return vec![Request::Leave];
            }
        }
        Input::Intent(Intent::Enter | Intent::NextField) if !*on_pin => *on_pin = !user.is_empty(),
        Input::Intent(Intent::Enter) => {
            let cmd = Command::SignIn {
                user: user.clone(),
                pin: std::mem::take(pin),
            };
            return vec![Request::Engine {
                actor: Actor::Kiosk,
                command: cmd,
            }];
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn form_input(model: &mut Model, input: Input) -> Vec<Request> {
    let Screen::Form { form, text, back } = &mut model.screen else {
        return Vec::new();
    };
    // A reason picked by number is one choice: another digit picks again,
    // Back takes the whole pick away.
    let picked = form.is_pick(text);
    match input {
        Input::Intent(Intent::Digit(d))
            if (text.is_empty() || picked) && !form.reasons().is_empty() =>
        {
            let reasons = form.reasons();
            if let Some(r) = usize::from(d).checked_sub(1).and_then(|i| reasons.get(i)) {
                *text = crate::wording::tr(model.facts.language, *r).to_string();
            }
        }
        Input::Intent(Intent::Back) if picked => text.clear(),
        Input::Intent(Intent::Digit(d)) if text.len() < crate::domain::text::NOTE_MAX => {
            text.extend(char::from_digit(u32::from(d), 10));
        }
        Input::Typed(c) if text.len() < crate::domain::text::NOTE_MAX && !c.is_control() => {
            text.push(c)
        }
        // A scanner (or a fast paste) ends with Enter: the field is complete.
        Input::Scan(s) => {
            *text = s.chars().take(200).collect();
            return form_input(model, Input::Intent(Intent::Enter));
        }
        Input::Intent(Intent::Back) if text.pop().is_none() => {
            model.screen = std::mem::replace(back.as_mut(), Screen::Menu);
        }
        Input::Intent(Intent::Cancel) => {
            model.screen = std::mem::replace(back.as_mut(), Screen::Menu);
        }
        Input::Intent(Intent::Enter) => {
            let outcome = form.submit(text);
            if let Outcome::Invalid(why) = outcome {
                model.notice = Some(crate::wording::tr(model.facts.language, why).into());
                return Vec::new();
            }
            if let Outcome::Next(next) = outcome {
                *form = next;
                text.clear();
                return Vec::new();
            }
            let narrows = form.narrows_audit();
            model.screen = std::mem::replace(back.as_mut(), Screen::Menu);
            return match outcome {
                Outcome::Invalid(_) | Outcome::Next(_) => Vec::new(),
                // One picked criterion joins those already shown.
                Outcome::Read(Query::Audit { before, filter }) if narrows => {
                    let filter = match &model.screen {
                        Screen::Audit { filter: shown, .. } => {
                            super::filters::narrowed(shown, filter)
                        }
                        _ => filter,
                    };
                    read(model, Query::Audit { before, filter })
                }
                Outcome::Read(query) => read(model, query),
                Outcome::Command(cmd) => {
                    let mut out = command(model, cmd);
                    if let Some(q) = refresh_query(&model.screen) {
                        out.extend(read(model, q));
                    }
                    out
                }
            };
        }
        _ => {}
    }
    Vec::new()
}
