//! `update`: the one place the kiosk's state changes. Keys become engine
//! commands here and engine events become screens; whether a code, a size
//! or a fee is acceptable is always the engine's answer, never this module's.
//!
//! Here: the messages taken apart, the clock's part (lockouts counting
//! down, the inactivity reset) and the helpers the courier side and the
//! view share. Keys are in `keys`, the engine's events and refusals in
//! `events`.

mod events;
mod keys;

use chrono::Duration;

use crate::domain::Size;
use crate::engine::{Actor, Command};
use crate::ui::Input;

use super::model::{KEPT_EVENTS, Model, Msg, Notice, Request, Screen};
use crate::wording::Text;
use events::{on_event, on_failure};
use keys::on_input;

/// The longest code the keypad collects; the engine judges it.
pub(super) const CODE_DIGITS: usize = crate::domain::AccessCode::LEN;

/// Applies one message; returns what the world should do next. Whether
/// the screen changed is in [`Model::take_dirty`].
pub fn update(model: &mut Model, msg: Msg) -> Vec<Request> {
    match msg {
        Msg::Tick(now) => tick(model, now),
        Msg::Input(input) => {
            if matches!(input, Input::Unbound(_)) {
                return Vec::new();
            }
            model.idle_since = model.now;
            model.dirty = true;
            model.notice = None;
            // The key that answers "Still there?" does only that: a courier
            // who presses 1 then must not start anything else.
            if std::mem::take(&mut model.still_there) {
                return Vec::new();
            }
            let out = on_input(model, input);
            model.checking = out.iter().any(|r| {
                matches!(
                    r,
                    Request::Engine {
                        command: Command::EnterCode { .. }
                            | Command::DropReturn { .. }
                            | Command::ResendLostCodes { .. }
                            | Command::ScanQr { .. }
                            | Command::SignIn { .. }
                            | Command::SignInBadge { .. },
                        ..
                    }
                )
            });
            out
        }
        Msg::Engine(event) => {
            model.dirty = true;
            model.checking = false;
            model.last_events.push(event.clone());
            if model.last_events.len() > KEPT_EVENTS {
                model.last_events.remove(0);
            }
            on_event(model, event)
        }
        Msg::Failed(failure) => {
            model.dirty = true;
            model.checking = false;
            on_failure(model, failure);
            Vec::new()
        }
        Msg::Expired(list) => {
            model.dirty = true;
            model.screen = Screen::Removal {
                list,
                removed: 0,
                open: None,
            };
            Vec::new()
        }
        Msg::Returns(list) => {
            model.dirty = true;
            model.screen = Screen::Returns {
                list,
                collected: 0,
                open: None,
                asking: None,
            };
            Vec::new()
        }
    }
}

pub(super) fn engine(model: &Model, command: Command) -> Vec<Request> {
    vec![Request::Engine {
        actor: model.actor(),
        command,
    }]
}

fn tick(model: &mut Model, now: chrono::DateTime<chrono::Utc>) -> Vec<Request> {
    model.now = now;
    if crate::ui::clock::follow_clock(&mut model.clock, now, model.facts.tz) {
        model.dirty = true;
    }
    if model.codes_locked_until.is_some_and(|u| u <= now) {
        model.codes_locked_until = None;
    }
    // The re-open offer counts down as the lockout does.
    if let (Screen::PickupDone { reopen_secs, .. }, Some(until)) =
        (&mut model.screen, model.reopen_until)
    {
        let left = (until - now).num_seconds().max(0);
        if left != *reopen_secs {
            *reopen_secs = left;
            model.dirty = true;
        }
    }
    if let Screen::Lockout { until, secs_left } = &mut model.screen {
        // Rounded up, so "00:00" is never shown while still locked.
        let left = secs_until(*until, now);
        if left == 0 {
            model.screen = Screen::Home;
            model.dirty = true;
        } else if left != *secs_left {
            *secs_left = left;
            model.dirty = true;
        }
    }
    let idle = Duration::seconds(i64::from(model.facts.inactivity_secs));
    let may_time_out = !model.screen.is_resting() && model.open_doors.is_empty();
    if may_time_out && !model.still_there && now - model.idle_since >= idle - warn_before(model) {
        model.still_there = true;
        model.dirty = true;
    }
    if may_time_out && now - model.idle_since >= idle {
        return back_home(model);
    }
    Vec::new()
}

/// How long before the inactivity reset the screen asks "Still there?".
pub(super) fn warn_before(model: &Model) -> Duration {
    Duration::seconds(i64::from(model.facts.inactivity_secs / 4).clamp(5, 15))
}

/// The person walked away: forget everything they typed, sign staff out.
fn back_home(model: &mut Model) -> Vec<Request> {
    model.still_there = false;
    let mut out = Vec::new();
    if let Some(s) = model.session.take() {
        out.push(Request::Engine {
            actor: Actor::Session { id: s.id },
            command: Command::SignOut,
        });
    }
    model.screen = Screen::Home;
    model.language = model.facts.language;
    model.notice = None;
    model.dirty = true;
    out
}

pub(super) fn lockout(model: &mut Model, until: chrono::DateTime<chrono::Utc>) {
    let secs_left = secs_until(until, model.now);
    model.screen = Screen::Lockout { until, secs_left };
}

pub(super) fn notice(text: Text) -> Notice {
    Notice {
        text,
        reason: String::new(),
    }
}

/// A keypad digit as typed text; anything but 0-9 (a keymap could be
/// wrong) is dropped rather than trusted.
pub(super) fn digit_char(d: u8) -> Option<char> {
    char::from_digit(u32::from(d), 10)
}

/// The sizes offered on the size screen, by key.
pub(super) fn size_for_key(d: u8) -> Option<Size> {
    match d {
        1 => Some(Size::S),
        2 => Some(Size::M),
        3 => Some(Size::L),
        4 => Some(Size::XL),
        _ => None,
    }
}

/// Whole seconds left, rounded up.
fn secs_until(until: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> i64 {
    let ms = (until - now).num_milliseconds().max(0);
    (ms + 999) / 1000
}
