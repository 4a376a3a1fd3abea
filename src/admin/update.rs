//! `update`: the one place the console's state changes. Keys become reads
//! and commands here; whether a command is allowed is always the engine's
//! answer (the menu only hides what a role cannot do).
//!
//! Keys work on the kiosk's 16-key keypad and on a laptop alike: digits
//! pick menu items and actions, `#`/Enter confirms or opens, `*`/Backspace
//! erases or goes back, Esc leaves a field or screen at once, A/B (or the
//! arrows) move through a list, C refreshes.

use chrono::Duration;

use super::menu::{self, MenuItem};
use super::model::{Detail, Form, Inside, LAST_ROW, Model, Msg, Request, Screen};
use super::replies;
use super::returns::ReturnForm;
use super::typing::{form_input, sign_in_input};
use crate::domain::{ReturnState, Role};
use crate::engine::read::{ParcelList, Query};
use crate::engine::{Actor, Command, Found};
use crate::ui::{Input, Intent};

pub fn update(model: &mut Model, msg: Msg) -> Vec<Request> {
    match msg {
        Msg::Tick(now) => tick(model, now),
        Msg::Input(Input::Unbound(_)) => Vec::new(),
        Msg::Input(input) => {
            model.idle_since = model.now;
            model.dirty = true;
            model.notice = None;
            on_input(model, input)
        }
        Msg::Engine(event) => replies::on_event(model, event),
        Msg::Failed(failure) => {
            model.dirty = true;
            replies::on_failure(model, failure)
        }
        Msg::Loaded(loaded) => {
            model.dirty = true;
            replies::on_loaded(model, loaded);
            Vec::new()
        }
    }
}

pub(super) fn read(model: &Model, query: Query) -> Vec<Request> {
    vec![Request::Read {
        actor: model.actor(),
        query,
    }]
}

pub(super) fn command(model: &Model, command: Command) -> Vec<Request> {
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
    let idle = Duration::seconds(i64::from(model.facts.idle_secs));
    if model.session.is_some() && now - model.idle_since >= idle {
        let mut out = sign_out(model);
        model.notice = Some(
            crate::wording::tr(model.facts.language, crate::wording::Text::SignedOutIdle).into(),
        );
        if model.facts.from_kiosk {
            out.push(Request::Leave);
        }
        return out;
    }
    Vec::new()
}

fn sign_out(model: &mut Model) -> Vec<Request> {
    let mut out = Vec::new();
    if let Some(s) = model.session.take() {
        out.push(Request::Engine {
            actor: Actor::Session { id: s.id },
            command: Command::SignOut,
        });
    }
    model.screen = Screen::sign_in();
    model.dirty = true;
    out
}

/// Leaves the console: back to the kiosk, or sign-in for `locker admin`.
fn leave(model: &mut Model) -> Vec<Request> {
    let mut out = sign_out(model);
    if model.facts.from_kiosk {
        out.push(Request::Leave);
    }
    out
}

/// The read that shows `screen` again with fresh data.
pub(super) fn refresh_query(screen: &Screen) -> Option<Query> {
    Some(match screen {
        Screen::Bank(_) => Query::Bank,
        Screen::Compartment(c) => Query::Compartment(c.row.id),
        Screen::Parcels {
            list: ParcelList::Expired,
            ..
        } => Query::Expired,
        Screen::Parcels { .. } => Query::Parcels(String::new()),
        Screen::Parcel(p) => Query::Parcel(p.parcel.id),
        Screen::People { .. } => Query::People,
        Screen::Markers { filter, .. } => Query::Markers(filter.clone()),
        Screen::Audit { page, filter, .. } => Query::Audit {
            before: page.before,
            filter: filter.clone(),
        },
        Screen::Bus { .. } => Query::Bus,
        Screen::Alerts { .. } => Query::Alerts,
        Screen::Outbox { .. } => Query::Outbox,
        Screen::Returns { .. } => Query::Returns,
        Screen::Fees { recipient, .. } => Query::Fees {
            recipient: Some(recipient.clone()),
            since: None,
        },
        Screen::Form { back, .. }
        | Screen::Detail { back, .. }
        | Screen::ReturnIssued { back, .. } => return refresh_query(back),
        Screen::SignIn { .. } | Screen::Menu => return None,
    })
}

fn open_detail(model: &mut Model, item: Detail) {
    let back = std::mem::replace(&mut model.screen, Screen::Menu);
    model.screen = Screen::Detail {
        item,
        back: Box::new(back),
    };
}

fn open_form(model: &mut Model, form: Form, text: String) {
    let back = std::mem::replace(&mut model.screen, Screen::Menu);
    model.screen = Screen::Form {
        form,
        text,
        back: Box::new(back),
    };
}

fn on_input(model: &mut Model, input: Input) -> Vec<Request> {
    if input == Input::Intent(Intent::Quit) {
        return leave(model);
    }
    match &mut model.screen {
        Screen::SignIn { .. } => sign_in_input(model, input),
        Screen::Form { .. } => form_input(model, input),
        _ => {
            // Nothing is typed on a list or menu: leaving it is going back.
            let input = match input {
                Input::Intent(Intent::Cancel) => Input::Intent(Intent::Back),
                other => other,
            };
            let Input::Intent(intent) = input else {
                return match input {
                    // A scanned tracking number or recipient ID finds its parcels.
                    Input::Scan(payload) if model.session.is_some() => {
                        read(model, Query::Parcels(payload))
                    }
                    _ => Vec::new(),
                };
            };
            screen_intent(model, intent)
        }
    }
}

/// Moves a list cursor; returns whether the intent was a move.
fn move_cursor(cursor: &mut usize, len: usize, intent: Intent) -> bool {
    let last = len.saturating_sub(1);
    match intent {
        Intent::Up | Intent::Pickup => *cursor = cursor.saturating_sub(1),
        Intent::Down | Intent::Deposit => *cursor = (*cursor + 1).min(last),
        Intent::PageUp => *cursor = cursor.saturating_sub(10),
        Intent::PageDown => *cursor = (*cursor + 10).min(last),
        _ => return false,
    }
    true
}

fn screen_intent(model: &mut Model, intent: Intent) -> Vec<Request> {
    let role = model.session.as_ref().map_or(Role::Courier, |s| s.role);
    if intent == Intent::Help {
        return match refresh_query(&model.screen) {
            Some(q) => read(model, q),
            None => Vec::new(),
        };
    }
    // A return's code is seen once: any way out leaves it behind.
    if let Screen::ReturnIssued { back, .. } = &mut model.screen {
        if matches!(intent, Intent::Enter | Intent::Back) {
            model.screen = std::mem::replace(back.as_mut(), Screen::Menu);
        }
        return Vec::new();
    }
    if let Screen::Detail { item, back } = &mut model.screen {
        let alert = match item {
            Detail::Alert(a) if a.acknowledged.is_none() => Some(a.id),
            _ => None,
        };
        match intent {
            Intent::Back => model.screen = std::mem::replace(back.as_mut(), Screen::Menu),
            Intent::Digit(1) if alert.is_some() => {
                model.screen = std::mem::replace(back.as_mut(), Screen::Menu);
                if let Some(id) = alert {
                    open_form(model, Form::AckNote(id), String::new());
                }
            }
            _ => {}
        }
        return Vec::new();
    }
    if intent == Intent::Back && !matches!(model.screen, Screen::Menu) {
        return match &model.screen {
            Screen::Compartment(_) => read(model, Query::Bank),
            Screen::Parcel(_) => read(model, Query::Parcels(String::new())),
            Screen::Fees { .. } => read(model, Query::People),
            _ => {
                model.screen = Screen::Menu;
                Vec::new()
            }
        };
    }
    match &mut model.screen {
        Screen::Menu => match intent {
            Intent::Digit(0) | Intent::Back => return leave(model),
            Intent::Digit(d) => {
                if let Some(item) = menu::items(role, model.facts.bus_only)
                    .into_iter()
                    .find(|i| i.key == d)
                {
                    return open_item(model, item);
                }
            }
            _ => {}
        },
        Screen::Bank(_) => match intent {
            Intent::Digit(d) => open_form(model, Form::Door, d.to_string()),
            Intent::Enter => open_form(model, Form::Door, String::new()),
            _ => {}
        },
        Screen::Compartment(view) => {
            let c = view.row.id;
            let disabled = view.row.state == crate::domain::CompartmentState::Disabled;
            let form = match intent {
                Intent::Digit(1) => Form::UnlockReason(c, Inside::of(view.row.parcel, view.item)),
                _ if model.facts.bus_only => return Vec::new(),
                Intent::Digit(2) => Form::DisableReason(c, !disabled),
                Intent::Digit(3) => Form::InspectNote(c, Found::Empty),
                Intent::Digit(4) => Form::InspectNote(c, Found::Parcel),
                Intent::Digit(5) => Form::MarkerNote(Some(c)),
                _ => return Vec::new(),
            };
            open_form(model, form, String::new());
        }
        Screen::Parcels { list, rows, cursor } => {
            if move_cursor(cursor, rows.len(), intent) {
                return Vec::new();
            }
            match intent {
                Intent::Enter => {
                    if let Some(p) = rows.get(*cursor) {
                        let id = p.id;
                        return read(model, Query::Parcel(id));
                    }
                }
                Intent::Digit(0) => open_form(model, Form::ParcelSearch, String::new()),
                // Expired parcels (to remove) and back to them all.
                Intent::Digit(9) => {
                    let query = match list {
                        ParcelList::Expired => Query::Parcels(String::new()),
                        _ => Query::Expired,
                    };
                    return read(model, query);
                }
                _ => {}
            }
        }
        Screen::Parcel(view) => {
            let p = view.parcel.id;
            let recipient = view.parcel.recipient.clone();
            match intent {
                Intent::Digit(1) => {
                    let mut out = command(model, Command::ResendCode { parcel: p });
                    out.extend(read(model, Query::Parcel(p)));
                    return out;
                }
                Intent::Digit(2) => open_form(model, Form::ExtendDays(p), String::new()),
                Intent::Digit(3) => open_form(model, Form::Reassign(p), String::new()),
                Intent::Digit(4) => open_form(model, Form::Vacation(recipient), String::new()),
                Intent::Digit(5) => {
                    let mut out = command(model, Command::OpenForRemoval { parcel: p });
                    out.extend(read(model, Query::Parcel(p)));
                    return out;
                }
                _ => {}
            }
        }
        Screen::People { people, cursor } => {
            if move_cursor(cursor, people.rows.len(), intent) {
                return Vec::new();
            }
            use crate::engine::read::PersonRow;
            let selected = people.rows.get(*cursor).cloned();
            let (form, cmd) = match (intent, selected) {
                (Intent::Digit(1), _) => (Some(Form::AddUser), None),
                // E-mail addresses and names need letters.
                (Intent::Digit(2 | 5 | 6), _) if model.facts.keypad => {
                    model.notice = Some(crate::wording::fill(
                        model.facts.language,
                        crate::wording::Text::NeedsKeyboard,
                        &[],
                    ));
                    (None, None)
                }
                (Intent::Digit(2), _) => (Some(Form::AddRecipient), None),
                (Intent::Digit(3), Some(PersonRow::User { name, .. })) => {
                    (Some(Form::PinReset(name)), None)
                }
                (Intent::Digit(4), Some(PersonRow::User { name, .. })) => {
                    (Some(Form::RemoveUser(name)), None)
                }
                (Intent::Digit(3), Some(PersonRow::Recipient { id, .. })) => {
                    (Some(Form::Vacation(id)), None)
                }
                (Intent::Digit(4), Some(PersonRow::Recipient { id, closed, .. })) if !closed => {
                    (Some(Form::CloseAccount(id)), None)
                }
                (Intent::Digit(5), Some(PersonRow::Recipient { record, closed, .. }))
                    if !closed =>
                {
                    (Some(Form::AddDelegate(record)), None)
                }
                (Intent::Digit(6), Some(PersonRow::Recipient { record, closed, .. }))
                    if !closed =>
                {
                    (Some(Form::EditRecipient(record)), None)
                }
                // A closed account's fees stay on the ledger, to be billed.
                (Intent::Digit(7), Some(PersonRow::Recipient { record, .. })) => {
                    let query = Query::Fees {
                        recipient: Some(record.id.clone()),
                        since: None,
                    };
                    return read(model, query);
                }
                _ => (None, None),
            };
            if let Some(form) = form {
                open_form(model, form, String::new());
            }
            if let Some(cmd) = cmd {
                let mut out = command(model, cmd);
                out.extend(read(model, Query::People));
                return out;
            }
        }
        Screen::Markers { rows, cursor, .. } => {
            if move_cursor(cursor, rows.len(), intent) {
                return Vec::new();
            }
            match intent {
                Intent::Enter => {
                    if let Some(m) = rows.get(*cursor) {
                        let item = Detail::Marker(m.clone());
                        open_detail(model, item);
                    }
                }
                Intent::Digit(0) => open_form(model, Form::MarkerFilter, String::new()),
                Intent::Digit(1) => open_form(model, Form::MarkerNote(None), String::new()),
                Intent::Digit(2) => return command(model, Command::ExportMarkers),
                _ => {}
            }
        }
        Screen::Audit {
            page,
            filter,
            trail,
            cursor,
        } => match intent {
            Intent::Down | Intent::Deposit if *cursor + 1 < page.entries.len() => *cursor += 1,
            Intent::Up | Intent::Pickup if *cursor > 0 => *cursor -= 1,
            Intent::Enter => {
                if let Some(e) = page.entries.get(*cursor) {
                    let item = Detail::Audit(e.clone());
                    open_detail(model, item);
                }
            }
            Intent::Down | Intent::Deposit | Intent::PageDown => {
                if let Some(older) = page.older {
                    trail.push(page.before);
                    let q = Query::Audit {
                        before: Some(older),
                        filter: filter.clone(),
                    };
                    return read(model, q);
                }
            }
            Intent::Up | Intent::Pickup | Intent::PageUp => {
                if let Some(before) = trail.pop() {
                    if intent != Intent::PageUp {
                        *cursor = LAST_ROW;
                    }
                    let q = Query::Audit {
                        before,
                        filter: filter.clone(),
                    };
                    return read(model, q);
                }
            }
            Intent::Digit(0) => open_form(model, Form::AuditFilter, String::new()),
            Intent::Digit(9) => return read(model, Query::VerifyAudit),
            _ => {}
        },
        Screen::Bus { bus, cursor } => {
            if move_cursor(cursor, bus.doors.len(), intent) {
                return Vec::new();
            }
            // A pulse test opens a door like any other: what is inside is
            // said, and a reason asked for.
            if intent == Intent::Digit(1)
                && let Some(door) = bus.doors.get(*cursor)
            {
                let form = Form::UnlockReason(door.id, Inside::of(None, door.item));
                open_form(model, form, String::new());
            }
        }
        Screen::Alerts { rows, cursor } => {
            if move_cursor(cursor, rows.len(), intent) {
                return Vec::new();
            }
            match (intent, rows.get(*cursor)) {
                (Intent::Enter, Some(a)) => {
                    let item = Detail::Alert(a.clone());
                    open_detail(model, item);
                }
                (Intent::Digit(1), Some(a)) => match &a.acknowledged {
                    None => {
                        let id = a.id;
                        open_form(model, Form::AckNote(id), String::new());
                    }
                    Some((who, _)) => {
                        let (id, who) = (a.id, who.clone());
                        model.notice = Some(crate::wording::fill(
                            model.facts.language,
                            crate::wording::Text::AlertAlreadySeen,
                            &[("id", &id), ("who", &who)],
                        ));
                    }
                },
                _ => {}
            }
        }
        Screen::Outbox { rows, cursor } => {
            if move_cursor(cursor, rows.len(), intent) {
                return Vec::new();
            }
            let id = match intent {
                Intent::Digit(1) => match rows.get(*cursor) {
                    Some(r) => Some(r.id),
                    None => return Vec::new(),
                },
                Intent::Digit(2) => None,
                _ => return Vec::new(),
            };
            let mut out = command(model, Command::RetryMessages { id });
            out.extend(read(model, Query::Outbox));
            return out;
        }
        Screen::Fees { rows, cursor, .. } => {
            move_cursor(cursor, rows.len(), intent);
        }
        Screen::Returns { rows, cursor } => {
            if move_cursor(cursor, rows.len(), intent) {
                return Vec::new();
            }
            let keyboard = !model.facts.keypad;
            match (intent, rows.get(*cursor)) {
                (Intent::Digit(1), _) => {
                    let form = Form::Return(ReturnForm::Size { keyboard });
                    open_form(model, form, String::new());
                }
                (Intent::Digit(2), Some(r)) if r.state == ReturnState::Issued => {
                    let form = Form::Return(ReturnForm::Withdraw(r.id));
                    open_form(model, form, String::new());
                }
                (Intent::Digit(2), Some(r)) => {
                    let lang = model.facts.language;
                    let state =
                        crate::wording::named(lang, &format!("return.{}", r.state.as_str()));
                    model.notice = Some(crate::wording::fill(
                        lang,
                        crate::wording::Text::ReturnNotWithdrawable,
                        &[("id", &r.id), ("state", &state)],
                    ));
                }
                _ => {}
            }
        }
        Screen::SignIn { .. }
        | Screen::Form { .. }
        | Screen::Detail { .. }
        | Screen::ReturnIssued { .. } => {}
    }
    Vec::new()
}

fn open_item(model: &mut Model, item: MenuItem) -> Vec<Request> {
    read(model, item.query)
}
