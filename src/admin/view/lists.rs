//! The list screens: a title, a column header, a window of rows around the
//! cursor (the selected row in reverse video) and a position line.

use std::collections::BTreeMap;

use ratatui::text::Line;

use super::{Body, actor_shown, cut, local, say, say_with, titled, words};
use crate::admin::model::{Model, Screen};
use crate::bus::DoorState;
use crate::domain::RecipientId;
use crate::domain::fees::format_money;
use crate::engine::read::{FeeRow, ParcelList, PersonRow};
use crate::ui::page::{Column, Part};
use crate::wording::{Text, audit_detail, name_of, reword};

/// A column header, the rows (the frame shows the window of them that
/// fits, around the cursor) and, with a cursor, the position under them.
fn list(model: &Model, body: &mut Body, header: &str, rows: Vec<String>, cursor: Option<usize>) {
    body.words(format!("  {header}"));
    if rows.is_empty() {
        body.words(format!("  {}", say(model, Text::ListNone)));
        return;
    }
    let total = rows.len();
    body.parts.push(Part::List {
        rows: rows
            .into_iter()
            .map(|r| Line::raw(format!("  {r}")))
            .collect(),
        cursor,
    });
    position(model, body, cursor, total);
}

/// A list in columns, as [`list`] but a narrow screen drops columns.
pub(super) fn table(
    model: &Model,
    body: &mut Body,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    cursor: Option<usize>,
) {
    if rows.is_empty() {
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        body.words(format!("  {}", names.join(" ")));
        body.words(format!("  {}", say(model, Text::ListNone)));
        return;
    }
    let total = rows.len();
    body.parts.push(Part::Table {
        columns,
        rows,
        cursor,
    });
    position(model, body, cursor, total);
}

/// "3 of 40" under a list with a cursor.
fn position(model: &Model, body: &mut Body, cursor: Option<usize>, total: usize) {
    if let Some(c) = cursor {
        let at = c + 1;
        body.words(format!(
            "  {}",
            say_with(model, Text::ListPosition, &[("at", &at), ("total", &total)])
        ));
    }
}

pub(super) fn body(model: &Model) -> Body {
    match &model.screen {
        Screen::Parcels {
            list: which,
            rows,
            cursor,
        } => {
            let mut b = titled(
                say(model, list_title(*which)),
                say(model, Text::KeysParcels),
            );
            let rows = rows
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        cut(&p.tracking, 18),
                        p.recipient.to_string(),
                        p.door.0.to_string(),
                        cut(&words(model, &format!("parcel.{}", p.state.as_str())), 13),
                        p.deadline.map(|d| local(model, d)).unwrap_or_default(),
                    ]
                })
                .collect();
            let columns = columns(
                model,
                &[
                    (Text::ColParcel, 7, 5),
                    (Text::ColTracking, 18, 2),
                    (Text::ColRecipient, 9, 4),
                    (Text::ColDoor, -4, 5),
                    (Text::ColState, 13, 3),
                    (Text::ColHeldUntil, 0, 1),
                ],
            );
            table(model, &mut b, columns, rows, Some(*cursor));
            b
        }
        Screen::People { people, cursor } => {
            // A keypad types no e-mail address or name: it offers what it can.
            let (keys, help) = if model.facts.keypad {
                (Text::KeysPeopleKeypad, Text::PeopleHelp2Keypad)
            } else {
                (Text::KeysPeople, Text::PeopleHelp2)
            };
            let mut b = titled(say(model, Text::PeopleTitle), say(model, keys));
            b.words(say(model, Text::PeopleHelp1));
            b.extra(say(model, help));
            let recipient = say(model, Text::RecipientKind);
            let rows = people
                .rows
                .iter()
                .map(|p| match p {
                    PersonRow::User { name, role } => {
                        format!("{:<14} {name}", words(model, role.as_str()))
                    }
                    PersonRow::Recipient {
                        id,
                        name,
                        email,
                        delegates,
                        vacation_until,
                        closed,
                        ..
                    } => {
                        if *closed {
                            let closed = say(model, Text::AccountClosed);
                            format!("{recipient:<14} {id:<20} {closed}")
                        } else {
                            let vacation = vacation_until
                                .map(|d| {
                                    let date = d.format("%d.%m");
                                    say_with(model, Text::AwayUntil, &[("date", &date)])
                                })
                                .unwrap_or_default();
                            format!(
                                "{recipient:<14} {id} {:<10} {} +{delegates}{vacation}",
                                cut(name, 10),
                                cut(email, 20)
                            )
                        }
                    }
                })
                .collect();
            let header = format!(
                "{:<14} {}",
                say(model, Text::ColKind),
                say(model, Text::ColNameId)
            );
            list(model, &mut b, &header, rows, Some(*cursor));
            b
        }
        Screen::Markers {
            rows,
            filter,
            cursor,
        } => {
            let mut b = titled(
                say(model, Text::MarkersTitle),
                say(model, Text::KeysMarkers),
            );
            let mut shown = Vec::new();
            if let Some(d) = filter.door {
                shown.push(say_with(model, Text::FilterDoor, &[("door", &d)]));
            }
            if let Some(c) = &filter.camera {
                shown.push(say_with(model, Text::FilterCamera, &[("camera", c)]));
            }
            if let Some(s) = filter.since {
                let date = s.format("%Y-%m-%d");
                shown.push(say_with(model, Text::FilterSince, &[("date", &date)]));
            }
            if !shown.is_empty() {
                let filter = shown.join(", ");
                b.words(say_with(model, Text::FilterLine, &[("filter", &filter)]));
            }
            let rows = rows
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        local(model, m.at),
                        m.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(m.camera.as_deref().unwrap_or("-"), 7),
                        cut(&words(model, &name_of(&m.kind)), 18),
                        actor_shown(model, &m.actor),
                        cut(&m.note, 14),
                    ]
                })
                .collect();
            let columns = columns(
                model,
                &[
                    (Text::ColId, -5, 3),
                    (Text::ColWhen, 11, 5),
                    (Text::ColDoor, -4, 5),
                    (Text::ColCamera, 7, 1),
                    (Text::ColKind, 18, 6),
                    (Text::ColActor, 10, 2),
                    (Text::ColNote, 0, 1),
                ],
            );
            table(model, &mut b, columns, rows, Some(*cursor));
            b
        }
        Screen::Audit {
            page,
            filter,
            cursor,
            ..
        } => {
            let mut b = titled(say(model, Text::AuditTitle), say(model, Text::KeysAudit));
            let shown = describe(model, filter);
            let chain = page
                .verified
                .as_deref()
                .unwrap_or(say(model, Text::ChainPress9));
            b.words(say_with(
                model,
                Text::ChainLine,
                &[("filter", &shown), ("chain", &chain)],
            ));
            let rows = page
                .entries
                .iter()
                .map(|e| {
                    vec![
                        e.seq.to_string(),
                        local(model, e.at),
                        actor_shown(model, &e.actor),
                        cut(&words(model, &e.action), 18),
                        e.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(
                            &audit_detail(model.facts.language, &e.action, &e.detail),
                            20,
                        ),
                    ]
                })
                .collect();
            let columns = columns(
                model,
                &[
                    (Text::ColSeq, -7, 1),
                    (Text::ColWhen, 11, 5),
                    (Text::ColActor, 10, 3),
                    (Text::ColAction, 18, 6),
                    (Text::ColDoor, -4, 4),
                    (Text::ColDetail, 0, 2),
                ],
            );
            table(model, &mut b, columns, rows, Some(*cursor));
            b
        }
        Screen::Bus { bus, cursor } => {
            let mut b = titled(say(model, Text::BusTitle), say(model, Text::KeysBus));
            for board in &bus.boards {
                let address = format!("{:>3}", board.address);
                let online = format!("{:<7}", online_word(model, board.online));
                let firmware = board
                    .firmware
                    .map(|f| format!("{}.{}", f >> 8, f & 0xFF))
                    .unwrap_or_else(|| "-".into());
                let supply = board
                    .voltage_mv
                    .map(|v| format!("{}.{:02} V", v / 1000, (v % 1000) / 10))
                    .unwrap_or_else(|| "-".into());
                b.words(say_with(
                    model,
                    Text::BusBoard,
                    &[
                        ("address", &address),
                        ("online", &online),
                        ("firmware", &firmware),
                        ("supply", &supply),
                        ("polls", &board.polls),
                        ("failed", &board.failed_polls),
                    ],
                ));
            }
            match &bus.link {
                Some(l) => {
                    b.words(say_with(
                        model,
                        Text::BusLine,
                        &[
                            ("requests", &l.requests),
                            ("timeouts", &l.timeouts),
                            ("bad", &l.bad_replies),
                            ("retries", &l.retries),
                            ("reopens", &l.reopens),
                        ],
                    ));
                    b.words(say_with(
                        model,
                        Text::BusPulses,
                        &[
                            ("sent", &bus.pulses),
                            ("failed", &bus.failed_pulses),
                            ("rounds", &bus.cycles),
                        ],
                    ));
                    let last = format!("{:.1}", bus.last_cycle_us as f64 / 1000.0);
                    let limit = format!("{:.1}", bus.cycle_limit_us as f64 / 1000.0);
                    b.words(say_with(
                        model,
                        Text::BusRound,
                        &[("last", &last), ("limit", &limit)],
                    ))
                }
                None => b.words(say(model, Text::BusNoCounters)),
            };
            let rows = bus
                .doors
                .iter()
                .map(|d| {
                    let state = words(model, &name_of(&d.door));
                    let state = if d.door == DoorState::Open {
                        state.to_uppercase()
                    } else {
                        state
                    };
                    let item = match d.item {
                        Some(true) => say(model, Text::ItemInside),
                        Some(false) => say(model, Text::ItemNone),
                        None => "-",
                    };
                    say_with(
                        model,
                        Text::BusDoorRow,
                        &[
                            ("door", &format!("{:>3}", d.id.0)),
                            ("board", &format!("{:>3}", d.board)),
                            ("channel", &format!("{:>2}", d.channel)),
                            ("state", &format!("{:<10}", cut(&state, 10))),
                            ("item", &item),
                        ],
                    )
                })
                .collect();
            list(
                model,
                &mut b,
                say(model, Text::DoorsHeader),
                rows,
                Some(*cursor),
            );
            b
        }
        Screen::Alerts { rows, cursor } => {
            let mut b = titled(say(model, Text::AlertsTitle), say(model, Text::KeysAlerts));
            let rows = rows
                .iter()
                .map(|a| {
                    let ack = match &a.acknowledged {
                        Some((who, _)) => {
                            say_with(model, Text::AlertSeenBy, &[("who", &cut(who, 8))])
                        }
                        None => say(model, Text::AlertOpen).into(),
                    };
                    vec![
                        a.id.to_string(),
                        local(model, a.at),
                        ack,
                        cut(&words(model, &name_of(&a.kind)), 16),
                        a.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(&reword(model.facts.language, &a.text), 24),
                    ]
                })
                .collect();
            let columns = columns(
                model,
                &[
                    (Text::ColId, -4, 1),
                    (Text::ColWhen, 11, 3),
                    (Text::ColState, 11, 5),
                    (Text::ColKind, 16, 6),
                    (Text::ColDoor, -4, 4),
                    (Text::ColText, 0, 2),
                ],
            );
            table(model, &mut b, columns, rows, Some(*cursor));
            b
        }
        Screen::Outbox { rows, cursor } => {
            let mut b = titled(say(model, Text::OutboxTitle), say(model, Text::KeysOutbox));
            let rows = rows
                .iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        local(model, n.created_at),
                        cut(&words(model, &name_of(&n.kind)), 16),
                        cut(&words(model, &name_of(&n.state)), 9),
                        n.recipients.to_string(),
                        n.attempts.to_string(),
                        cut(n.last_error.as_deref().unwrap_or(""), 18),
                    ]
                })
                .collect();
            let columns = columns(
                model,
                &[
                    (Text::ColId, -5, 0),
                    (Text::ColCreated, 11, 4),
                    (Text::ColKind, 16, 6),
                    (Text::ColState, 9, 5),
                    (Text::ColTo, -4, 1),
                    (Text::ColTries, -8, 3),
                    (Text::ColLastError, 0, 2),
                ],
            );
            table(model, &mut b, columns, rows, Some(*cursor));
            b
        }
        Screen::Fees {
            recipient,
            rows,
            cursor,
        } => fees(model, recipient, rows, *cursor),
        _ => titled("", ""),
    }
}

/// A recipient's fee ledger and what is due in all. The locker takes no
/// payment: every line is for the building to bill.
fn fees(model: &Model, recipient: &RecipientId, ledger: &[FeeRow], cursor: usize) -> Body {
    let mut b = titled(
        say_with(model, Text::FeesTitle, &[("recipient", recipient)]),
        say(model, Text::KeysFees),
    );
    b.extra(say(model, Text::FeesHelp));
    let mut totals: BTreeMap<&str, u32> = BTreeMap::new();
    for f in ledger {
        let t = totals.entry(f.currency.as_str()).or_default();
        *t = t.saturating_add(f.total_cents());
    }
    let due = say(model, Text::FeeDueState);
    let rows = ledger
        .iter()
        .map(|f| {
            vec![
                local(model, f.at),
                cut(&f.tracking, 18),
                f.door.0.to_string(),
                money(f.use_cents),
                f.storage_days.to_string(),
                money(f.storage_cents),
                format_money(f.total_cents(), &f.currency),
                due.to_string(),
            ]
        })
        .collect();
    let columns = columns(
        model,
        &[
            (Text::ColWhen, 11, 6),
            (Text::ColTracking, 18, 2),
            (Text::ColDoor, -4, 1),
            (Text::ColFeeUse, -7, 3),
            (Text::ColFeeDays, -5, 4),
            (Text::ColFeeStorage, -7, 3),
            (Text::ColFeeTotal, -10, 7),
            (Text::ColState, 0, 5),
        ],
    );
    table(model, &mut b, columns, rows, Some(cursor));
    if !totals.is_empty() {
        let total = totals
            .iter()
            .map(|(currency, cents)| format_money(*cents, currency))
            .collect::<Vec<_>>()
            .join(", ");
        b.words(format!(
            "  {}",
            say_with(model, Text::FeesTotal, &[("total", &total)])
        ));
    }
    b
}

/// Cents as a plain amount, as the ledger's columns show them: "1.50".
fn money(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn describe(model: &Model, f: &crate::store::audit::AuditFilter) -> String {
    let mut parts = Vec::new();
    if let Some(c) = f.compartment {
        parts.push(say_with(model, Text::FilterDoor, &[("door", &c)]));
    }
    if let Some(a) = &f.actor {
        parts.push(say_with(model, Text::FilterActor, &[("actor", a)]));
    }
    if let Some(a) = &f.action {
        let action = words(model, a);
        parts.push(say_with(model, Text::FilterAction, &[("action", &action)]));
    }
    if let Some(d) = f.from {
        let date = d.format("%Y-%m-%d");
        parts.push(say_with(model, Text::FilterSince, &[("date", &date)]));
    }
    if let Some(d) = f.to {
        let date = d.format("%Y-%m-%d");
        parts.push(say_with(model, Text::FilterUntil, &[("date", &date)]));
    }
    if parts.is_empty() {
        say(model, Text::FilterAll).into()
    } else {
        parts.join(", ")
    }
}

fn list_title(list: ParcelList) -> Text {
    match list {
        ParcelList::Live => Text::ParcelsLive,
        ParcelList::Found => Text::ParcelsFound,
        ParcelList::Expired => Text::ParcelsExpired,
    }
}

/// Columns by name, width (negative: numbers, right-aligned; 0: as wide
/// as the widest text) and rank (a narrow screen drops the lowest first).
pub(super) fn columns(model: &Model, columns: &[(Text, i8, u8)]) -> Vec<Column> {
    columns
        .iter()
        .map(|&(id, width, rank)| Column::new(say(model, id), width, rank))
        .collect()
}

/// A lock board's state, in the console's language.
pub(super) fn online_word(model: &Model, online: bool) -> &'static str {
    say(model, if online { Text::Online } else { Text::Offline })
}
