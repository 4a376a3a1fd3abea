//! `update`: the one place the kiosk's state changes. Keys become engine
//! commands here and engine events become screens; whether a code, a size
//! or a fee is acceptable is always the engine's answer, never this file's.

use chrono::Duration;

use crate::domain::{CompartmentId, Size};
use crate::engine::{Actor, Command, Event, Problem, Refusal};
use crate::store::IntentKind;
use crate::ui::{Input, Intent};

use super::courier;
use super::i18n::Text;
use super::model::{DoorSpot, Failure, KEPT_EVENTS, Model, Msg, Notice, Request, Screen};

/// Opens the admin console from the home screen: `* # * # 0`. Shown
/// nowhere on the kiosk; documented in the README for staff.
const ADMIN_SEQUENCE: [Intent; 5] = [
    Intent::Back,
    Intent::Enter,
    Intent::Back,
    Intent::Enter,
    Intent::Digit(0),
];

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

fn on_input(model: &mut Model, input: Input) -> Vec<Request> {
    if model.screen == Screen::OutOfService {
        return Vec::new();
    }
    if let Input::Scan(payload) = &input {
        if let Some(out) = courier::on_scan(model, payload) {
            return out;
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
            Screen::Home | Screen::Help | Screen::Lockout { .. }
        ) || courier::is_courier_screen(&model.screen))
    {
        model.language = model.language.toggle();
        return Vec::new();
    }
    match &mut model.screen {
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
        _ => return courier::on_intent(model, intent),
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

fn on_event(model: &mut Model, event: Event) -> Vec<Request> {
    match event {
        Event::DoorOpening {
            compartment,
            purpose,
            parcel,
            column,
            row,
        } => {
            model.open_doors.insert(compartment);
            let spot = DoorSpot {
                door: compartment,
                column,
                row,
            };
            match purpose {
                IntentKind::Pickup | IntentKind::Reopen => {
                    model.screen = Screen::DoorOpen {
                        spot,
                        purpose,
                        opened: false,
                    };
                }
                IntentKind::Deposit | IntentKind::Removal => {
                    courier::door_opening(model, spot, purpose, parcel)
                }
                // Whoever stands here sees which door opened by itself.
                IntentKind::ManualUnlock => {
                    model.notice = Some(Notice {
                        text: Text::StaffOpened,
                        reason: compartment.to_string(),
                    });
                }
            }
        }
        Event::DoorOpened { compartment } => {
            model.open_doors.insert(compartment);
            match &mut model.screen {
                Screen::DoorOpen { spot, opened, .. } if spot.door == compartment => *opened = true,
                Screen::DepositDoor {
                    spot,
                    opened,
                    closed_empty,
                    ..
                } if spot.door == compartment => {
                    *opened = true;
                    *closed_empty = false;
                }
                _ => {}
            }
        }
        Event::DoorClosed { compartment } => {
            model.open_doors.remove(&compartment);
            if model
                .notice
                .as_ref()
                .is_some_and(|n| n.text == Text::StaffOpened && n.reason == compartment.to_string())
            {
                model.notice = None;
            }
            // The person was busy at the door: the inactivity time counts
            // from its closing, not from the last key, so they still see the
            // thank-you (re-open, report) screen however long it took.
            model.idle_since = model.now;
            if model.screen == (Screen::DepositCancelled { door: compartment }) {
                model.screen = Screen::StaffMenu;
                model.notice = Some(notice(Text::DepositCancelled));
            }
        }
        Event::DoorJammed {
            compartment,
            purpose,
        } => {
            model.open_doors.remove(&compartment);
            door_fault(model, Some(compartment), purpose);
        }
        Event::PickupConfirmed {
            compartment,
            reopen_until,
            ..
        } => {
            let secs = (reopen_until - model.now).num_seconds().max(0);
            model.reopen_until = Some(reopen_until);
            model.screen = Screen::PickupDone {
                door: compartment,
                reopen_secs: secs,
            };
        }
        Event::CodeRefused {
            refusal: Refusal::WrongPin,
            ..
        } => {
            model.screen = Screen::SignInUser {
                user: String::new(),
            };
            model.notice = Some(notice(Text::WrongPin));
        }
        Event::CodeRefused {
            refusal: Refusal::SignInLocked { until },
            ..
        } => sign_in_paused(model, until),
        Event::CodeRefused {
            refusal,
            tries_left,
        } => {
            model.screen = Screen::CodeRefused {
                refusal,
                tries_left,
            };
        }
        Event::CodesLocked { until } => {
            model.codes_locked_until = Some(until);
            lockout(model, until);
        }
        Event::FeeDue {
            ticket,
            compartment,
            fee,
        } => {
            model.screen = Screen::Fee {
                ticket,
                door: compartment,
                fee,
            };
        }
        Event::ProblemRecorded {
            compartment,
            reference,
            ..
        } => {
            model.screen = Screen::ProblemRecorded {
                door: compartment,
                reference,
            };
        }
        Event::BusDown => {
            model.screen = Screen::OutOfService;
            // Door states are unknown until the boards answer again; a
            // door remembered as open would hold off the inactivity reset
            // forever.
            model.open_doors.clear();
        }
        Event::BusUp => {
            let mut out = Vec::new();
            if model.screen == Screen::OutOfService {
                // Whoever was at the keypad has likely left: start clean.
                out = back_home(model);
            }
            out.push(Request::ClearScreen);
            return out;
        }
        other => return courier::on_event(model, other),
    }
    Vec::new()
}

/// Wrong PINs paused this account: the courier may still use a badge, and
/// everyone else is not held up.
fn sign_in_paused(model: &mut Model, until: chrono::DateTime<chrono::Utc>) {
    model.screen = Screen::SignInUser {
        user: String::new(),
    };
    model.notice = Some(Notice {
        text: Text::SignInPaused,
        reason: until
            .with_timezone(&model.facts.tz)
            .format("%H:%M")
            .to_string(),
    });
}

fn lockout(model: &mut Model, until: chrono::DateTime<chrono::Utc>) {
    let secs_left = secs_until(until, model.now);
    model.screen = Screen::Lockout { until, secs_left };
}

/// A door that did not open, or could not be pulsed at all (`door` None).
fn door_fault(model: &mut Model, door: Option<CompartmentId>, purpose: IntentKind) {
    match purpose {
        IntentKind::Removal => {
            courier::removal_door_failed(model, door);
        }
        IntentKind::Deposit => {
            let draft = courier::draft_of(&model.screen);
            model.screen = Screen::DoorFault {
                door,
                purpose,
                draft: Some(draft),
            };
        }
        _ => {
            model.screen = Screen::DoorFault {
                door,
                purpose,
                draft: None,
            };
        }
    }
}

pub(super) fn notice(text: Text) -> Notice {
    Notice {
        text,
        reason: String::new(),
    }
}

fn on_failure(model: &mut Model, failure: Failure) {
    match failure {
        Failure::NotSignedIn => {
            model.session = None;
            model.screen = Screen::SignInUser {
                user: String::new(),
            };
            model.notice = Some(notice(Text::SessionEnded));
        }
        Failure::Denied => model.notice = Some(notice(Text::NotAllowed)),
        Failure::Refused(Refusal::WrongPin) => {
            model.screen = Screen::SignInUser {
                user: String::new(),
            };
            model.notice = Some(notice(Text::WrongPin));
        }
        Failure::Refused(Refusal::SignInLocked { until }) => sign_in_paused(model, until),
        Failure::Refused(Refusal::ReopenClosed) => {
            if let Screen::PickupDone { reopen_secs, .. } = &mut model.screen {
                *reopen_secs = 0;
            }
            model.notice = Some(notice(Text::ReopenOver));
        }
        Failure::Refused(Refusal::BusDown) => {
            let purpose = match model.screen {
                Screen::Size { .. }
                | Screen::Dimensions { .. }
                | Screen::NoCompartment { .. }
                | Screen::DepositDoor { .. } => IntentKind::Deposit,
                Screen::Removal { .. } => IntentKind::Removal,
                _ => IntentKind::Pickup,
            };
            door_fault(model, None, purpose);
        }
        Failure::Refused(
            r @ (Refusal::NeedsInspection | Refusal::DoorBusy | Refusal::Malformed),
        ) if !courier::is_courier_screen(&model.screen) => {
            model.screen = Screen::CodeRefused {
                refusal: r,
                tries_left: 0,
            };
        }
        Failure::Refused(r) => courier::on_refusal(model, r),
        Failure::Invalid(reason) => courier::on_invalid(model, reason),
        Failure::NotFound(_) | Failure::Store => {
            model.notice = Some(notice(Text::SomethingWrong));
        }
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
