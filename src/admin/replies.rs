//! What comes back to the console: read results, engine events (a
//! command's outcome or a door on the bus) and refusals.

use super::model::{LAST_ROW, Model, Request, Screen, Session};
use super::update::{read, refresh_query};
use crate::domain::{Language, Role};
use crate::engine::read::Answer;
use crate::engine::{Actor, Command, Event, Refusal};
use crate::link::Failure;
use crate::wording::{Text, fill, humanize, name_of, named, tr};

pub(super) fn on_loaded(model: &mut Model, loaded: Answer) {
    // A read answered after sign-out (or a slow one) must not open a screen.
    if model.session.is_none() {
        return;
    }
    let keep = |old: &Screen, len: usize, same: bool| -> usize {
        let c = match old {
            Screen::Parcels { cursor, .. }
            | Screen::People { cursor, .. }
            | Screen::Markers { cursor, .. }
            | Screen::Bus { cursor, .. }
            | Screen::Alerts { cursor, .. }
            | Screen::Outbox { cursor, .. }
            | Screen::Fees { cursor, .. }
            | Screen::Returns { cursor, .. }
                if same =>
            {
                *cursor
            }
            _ => 0,
        };
        c.min(len.saturating_sub(1))
    };
    let old = &model.screen;
    model.screen = match loaded {
        Answer::Bank(b) => Screen::Bank(b),
        Answer::Compartment(c) => Screen::Compartment(c),
        Answer::Parcels(list, rows) => {
            let same = matches!(old, Screen::Parcels { list: l, .. } if *l == list);
            let cursor = keep(old, rows.len(), same);
            Screen::Parcels { list, rows, cursor }
        }
        Answer::Parcel(p) => Screen::Parcel(p),
        Answer::People(people) => {
            let cursor = keep(old, people.rows.len(), matches!(old, Screen::People { .. }));
            Screen::People { people, cursor }
        }
        Answer::Markers(rows, filter) => {
            let same = matches!(old, Screen::Markers { filter: f, .. } if *f == filter);
            let cursor = keep(old, rows.len(), same);
            Screen::Markers {
                rows,
                filter,
                cursor,
            }
        }
        Answer::Audit(page) => {
            let filter = page.filter.clone();
            let (trail, cursor) = match old {
                Screen::Audit {
                    filter: f,
                    trail,
                    cursor,
                    page: was,
                } if *f == filter => {
                    // The same page again keeps its row; another page starts
                    // at its top, or its end when it was asked for from above.
                    let cursor = match *cursor {
                        LAST_ROW => page.entries.len().saturating_sub(1),
                        c if was.before == page.before => {
                            c.min(page.entries.len().saturating_sub(1))
                        }
                        _ => 0,
                    };
                    (trail.clone(), cursor)
                }
                _ => (Vec::new(), 0),
            };
            Screen::Audit {
                page,
                filter,
                trail,
                cursor,
            }
        }
        Answer::Bus(bus) => {
            let cursor = keep(old, bus.doors.len(), matches!(old, Screen::Bus { .. }));
            Screen::Bus { bus, cursor }
        }
        Answer::Alerts(rows) => {
            let cursor = keep(old, rows.len(), matches!(old, Screen::Alerts { .. }));
            Screen::Alerts { rows, cursor }
        }
        Answer::Outbox(rows) => {
            let cursor = keep(old, rows.len(), matches!(old, Screen::Outbox { .. }));
            Screen::Outbox { rows, cursor }
        }
        Answer::Returns(mut rows) => {
            rows.reverse();
            // The code just issued stays up: the list waits under it.
            let under = match &mut model.screen {
                Screen::ReturnIssued { back, .. } => back.as_mut(),
                other => other,
            };
            let same = matches!(under, Screen::Returns { .. });
            let cursor = keep(under, rows.len(), same);
            *under = Screen::Returns { rows, cursor };
            return;
        }
        Answer::Fees {
            recipient: Some(recipient),
            rows,
        } => {
            let same = matches!(old, Screen::Fees { recipient: r, .. } if *r == recipient);
            let cursor = keep(old, rows.len(), same);
            Screen::Fees {
                recipient,
                rows,
                cursor,
            }
        }
        Answer::Verified { checked, broken } => {
            let text = match broken {
                None => say(model, Text::ChainOk, &[("checked", &checked)]),
                Some(why) => say(
                    model,
                    Text::ChainBroken,
                    &[("checked", &checked), ("why", &why)],
                ),
            };
            if let Screen::Audit { page, .. } = &mut model.screen {
                page.verified = Some(text);
            } else {
                model.notice = Some(text);
            }
            return;
        }
        // Whole records are for the socket and the command line; the
        // console never asks for them.
        Answer::ParcelRecords(_)
        | Answer::Users(_)
        | Answer::Recipients(_)
        | Answer::OutboxEntries(_)
        | Answer::AuditEntries(_)
        | Answer::MarkerRecords(_)
        | Answer::Fees {
            recipient: None, ..
        }
        | Answer::Compartments(_)
        | Answer::Intents(_)
        | Answer::PublishedUpTo(_)
        | Answer::Directory(_)
        | Answer::SiteCodeHeld(_) => return,
    };
}

pub(super) fn on_event(model: &mut Model, event: Event) -> Vec<Request> {
    match event {
        Event::SignedIn {
            session,
            user,
            role,
        } => {
            model.dirty = true;
            if role == Role::Courier {
                // The engine refuses a courier every admin command and read;
                // the console does not even show its menu.
                model.notice = Some(say(model, Text::CouriersAtKiosk, &[]));
                model.screen = Screen::sign_in();
                return vec![Request::Engine {
                    actor: Actor::Session { id: session },
                    command: Command::SignOut,
                }];
            }
            model.session = Some(Session {
                id: session,
                user,
                role,
            });
            model.screen = Screen::Menu;
        }
        Event::CodeRefused {
            refusal: Refusal::WrongPin,
            ..
        } => {
            model.dirty = true;
            model.notice = Some(say(model, Text::WrongUserOrPin, &[]));
            model.screen = Screen::sign_in();
        }
        Event::CodeRefused {
            refusal: Refusal::SignInLocked { until },
            ..
        } => {
            model.dirty = true;
            let time = until.with_timezone(&model.facts.tz).format("%H:%M");
            model.notice = Some(say(model, Text::SignInPausedUntil, &[("time", &time)]));
            model.screen = Screen::sign_in();
        }
        Event::DoorOpening { compartment, .. } => {
            model.dirty = true;
            model.notice = Some(say(
                model,
                Text::DoorOpeningNotice,
                &[("door", &compartment)],
            ));
        }
        Event::CodeReplaced { parcel } => {
            model.dirty = true;
            model.notice = Some(say(model, Text::CodeReplacedNotice, &[("parcel", &parcel)]));
        }
        Event::CompartmentChanged { compartment } => {
            model.dirty = true;
            model.notice = Some(say(model, Text::DoorUpdated, &[("door", &compartment)]));
        }
        Event::Done => {
            model.dirty = true;
            model.notice = Some(say(model, Text::DoneNotice, &[]));
        }
        Event::ReturnIssued { id, code } => {
            model.dirty = true;
            let back = std::mem::replace(&mut model.screen, Screen::Menu);
            model.screen = Screen::ReturnIssued {
                id,
                code,
                back: Box::new(back),
            };
        }
        Event::ReturnWithdrawn { id } => {
            model.dirty = true;
            model.notice = Some(say(model, Text::ReturnWithdrawnNotice, &[("id", &id)]));
        }
        Event::MarkersExported { path } => {
            model.dirty = true;
            model.notice = Some(say(model, Text::MarkersWritten, &[("path", &path)]));
        }
        Event::DoorOpened { .. }
        | Event::DoorClosed { .. }
        | Event::DoorJammed { .. }
        | Event::AlertRaised { .. }
        | Event::AlertsResolved { .. }
        | Event::BusDown
        | Event::BusUp => {
            // Live screens follow the doors; others wait for C (refresh).
            if matches!(
                model.screen,
                Screen::Bank(_)
                    | Screen::Bus { .. }
                    | Screen::Compartment(_)
                    | Screen::Alerts { .. }
            ) && let Some(q) = refresh_query(&model.screen)
            {
                return read(model, q);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_failure(model: &mut Model, failure: Failure) -> Vec<Request> {
    match failure {
        Failure::NotSignedIn => {
            model.session = None;
            model.screen = Screen::sign_in();
            model.notice = Some(say(model, Text::SessionEndedAgain, &[]));
            if model.facts.from_kiosk {
                return vec![Request::Leave];
            }
        }
        Failure::Denied => model.notice = Some(say(model, Text::NotAllowedRole, &[])),
        other => model.notice = Some(failure_words(model.facts.language, &other)),
    }
    Vec::new()
}

/// Why something was not done, in words: a refusal by its name, an
/// engine's reason with its machine names in words.
pub(crate) fn failure_words(lang: Language, failure: &Failure) -> String {
    let why = match failure {
        Failure::Refused(r) => named(lang, &format!("refusal.{}", name_of(r))),
        Failure::NotFound(what) => {
            return fill(lang, Text::NotFoundNotice, &[("what", &thing(lang, what))]);
        }
        Failure::Store => return tr(lang, Text::DatabaseFailed).to_string(),
        Failure::NotSignedIn => tr(lang, Text::SessionEndedAgain).to_string(),
        Failure::Denied => tr(lang, Text::NotAllowedRole).to_string(),
        Failure::Rejected(r) => r.words(lang),
        Failure::Invalid(why) => humanize(lang, why),
    };
    fill(lang, Text::NotDone, &[("why", &why)])
}

/// What was not found, "parcel P000007", with its kind in words.
fn thing(lang: Language, what: &str) -> String {
    let (kind, id) = what.split_once(' ').unwrap_or((what, ""));
    match crate::wording::machine(&format!("thing.{kind}")) {
        Some(words) => format!("{} {id}", tr(lang, words)).trim_end().to_string(),
        None => humanize(lang, what),
    }
}

/// A notice in the console's language.
fn say(model: &Model, id: Text, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    fill(model.facts.language, id, args)
}
