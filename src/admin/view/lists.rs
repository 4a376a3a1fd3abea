//! The list screens: a title, a column header, a window of rows around the
//! cursor (the selected row in reverse video) and a position line.

use ratatui::text::Line;

use super::{BODY_ROWS, Body, cut, local, reversed};
use crate::admin::model::{Model, Screen};
use crate::bus::DoorState;
use crate::engine::read::{ParcelList, PersonRow};
use crate::store::DeliveryState;

fn list(body: &mut Body, header: &str, rows: Vec<String>, cursor: Option<usize>) {
    body.text(format!("  {header}"));
    // What fits under the lines above and over the position line.
    let room = BODY_ROWS.saturating_sub(body.lines.len() + 1).max(1);
    if rows.is_empty() {
        body.text("  (none)");
        return;
    }
    let at = cursor.unwrap_or(0).min(rows.len() - 1);
    let start = at
        .saturating_sub(room / 2)
        .min(rows.len().saturating_sub(room));
    let total = rows.len();
    for (i, row) in rows.into_iter().enumerate().skip(start).take(room) {
        let text = format!("  {row}");
        if Some(i) == cursor {
            body.line(Line::styled(format!("{text:<78}"), reversed()));
        } else {
            body.text(text);
        }
    }
    if let Some(c) = cursor {
        body.text(format!("  {} of {total}", c + 1));
    }
}

const MOVE: &str = "A/B up/down";

pub(super) fn body(model: &Model) -> Body {
    match &model.screen {
        Screen::Parcels {
            list: which,
            rows,
            cursor,
        } => {
            let mut b = Body::new(
                list_title(*which),
                format!("{MOVE}  # open  0 find  * menu"),
            );
            let rows = rows
                .iter()
                .map(|p| {
                    format!(
                        "{} {:<18} {} {:>4} {:<10} {}",
                        p.id,
                        cut(&p.tracking, 18),
                        p.recipient,
                        p.door.0,
                        p.state.as_str(),
                        p.deadline.map(|d| local(model, d)).unwrap_or_default()
                    )
                })
                .collect();
            list(
                &mut b,
                "Parcel  Tracking           Recipient door State      Held until",
                rows,
                Some(*cursor),
            );
            b
        }
        Screen::People { people, cursor } => {
            let mut b = Body::new(
                "People",
                format!("{MOVE}  1 add account  2 add recipient  * menu"),
            );
            b.text("  Account: 3 new PIN  4 remove.  Recipient: 3 vacation  4 close account");
            b.text("  5 add a delegate  6 change e-mail and name");
            let rows = people
                .rows
                .iter()
                .map(|p| match p {
                    PersonRow::User { name, role } => format!("{:<12} {name}", role.as_str()),
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
                            format!("{:<12} {id:<20} account closed", "recipient")
                        } else {
                            let vacation = vacation_until
                                .map(|d| format!(" away to {}", d.format("%d.%m")))
                                .unwrap_or_default();
                            format!(
                                "{:<12} {id} {:<10} {} +{delegates}{vacation}",
                                "recipient",
                                cut(name, 10),
                                cut(email, 20)
                            )
                        }
                    }
                })
                .collect();
            list(&mut b, "Kind         Name / ID", rows, Some(*cursor));
            b
        }
        Screen::Markers {
            rows,
            filter,
            cursor,
        } => {
            let mut b = Body::new(
                "CCTV markers (newest first)",
                format!("{MOVE}  0 filter  1 add a marker  2 export CSV  * menu"),
            );
            let mut shown = Vec::new();
            if let Some(d) = filter.door {
                shown.push(format!("door {d}"));
            }
            if let Some(c) = &filter.camera {
                shown.push(format!("camera {c}"));
            }
            if let Some(s) = filter.since {
                shown.push(format!("since {}", s.format("%Y-%m-%d")));
            }
            if !shown.is_empty() {
                b.text(format!("  Filter: {}", shown.join(", ")));
            }
            let rows = rows
                .iter()
                .map(|m| {
                    format!(
                        "{:>5} {} {:>4} {:<7} {:<15} {:<10} {}",
                        m.id,
                        local(model, m.at),
                        m.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(m.camera.as_deref().unwrap_or("-"), 7),
                        cut(&format!("{:?}", m.kind), 15),
                        cut(&m.actor, 10),
                        cut(&m.note, 17)
                    )
                })
                .collect();
            list(
                &mut b,
                "   Id When        Door Camera  Kind            Actor      Note",
                rows,
                Some(*cursor),
            );
            b
        }
        Screen::Audit { page, filter, .. } => {
            let mut b = Body::new(
                "Audit log (newest first)",
                "A/B newer/older page  0 filter  9 verify chain  * menu",
            );
            let shown = describe(filter);
            b.text(format!(
                "  Filter: {shown}   Chain: {}",
                page.verified.as_deref().unwrap_or("press 9 to verify")
            ));
            let rows = page
                .entries
                .iter()
                .map(|e| {
                    format!(
                        "{:>7} {} {:<10} {:<16} {:>4} {}",
                        e.seq,
                        local(model, e.at),
                        cut(&e.actor, 10),
                        cut(&e.action, 16),
                        e.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(&e.detail, 22)
                    )
                })
                .collect();
            list(
                &mut b,
                "    Seq When        Actor      Action           Door Detail",
                rows,
                None,
            );
            b
        }
        Screen::Bus { bus, cursor } => {
            let mut b = Body::new(
                "Lock bus",
                format!("{MOVE}  1 pulse test  C refresh  * menu"),
            );
            for board in &bus.boards {
                b.text(format!(
                    "  Board {:>3}: {:<7} firmware {}  supply {}  polls {}  failed {}",
                    board.address,
                    if board.online { "online" } else { "OFFLINE" },
                    board
                        .firmware
                        .map(|f| format!("{}.{}", f >> 8, f & 0xFF))
                        .unwrap_or_else(|| "-".into()),
                    board
                        .voltage_mv
                        .map(|v| format!("{}.{:02} V", v / 1000, (v % 1000) / 10))
                        .unwrap_or_else(|| "-".into()),
                    board.polls,
                    board.failed_polls
                ));
            }
            match &bus.link {
                Some(l) => {
                    b.text(format!(
                        "  Line: {} requests, {} timeouts, {} bad replies, {} retries, {} reopens",
                        l.requests, l.timeouts, l.bad_replies, l.retries, l.reopens
                    ));
                    b.text(format!(
                        "  Pulses: {} sent, {} failed; {} rounds over every board",
                        bus.pulses, bus.failed_pulses, bus.cycles
                    ));
                    b.text(format!(
                        "  Last round: {:.1} ms, wire-time limit {:.1} ms",
                        bus.last_cycle_us as f64 / 1000.0,
                        bus.cycle_limit_us as f64 / 1000.0
                    ))
                }
                None => b.text("  Line: no counters on this bus"),
            };
            let rows = bus
                .doors
                .iter()
                .map(|d| {
                    let door = match d.door {
                        DoorState::Open => "OPEN",
                        DoorState::Closed => "closed",
                        DoorState::Unknown => "unknown",
                    };
                    let item = match d.item {
                        Some(true) => "item",
                        Some(false) => "empty",
                        None => "-",
                    };
                    format!(
                        "door {:>3}  board {:>3} channel {:>2}  {door:<8} {item}",
                        d.id.0, d.board, d.channel
                    )
                })
                .collect();
            list(&mut b, "Doors", rows, Some(*cursor));
            b
        }
        Screen::Alerts { rows, cursor } => {
            let mut b = Body::new(
                "Alerts (open first)",
                format!("{MOVE}  # acknowledge with a note  * menu"),
            );
            let rows = rows
                .iter()
                .map(|a| {
                    let ack = match &a.acknowledged {
                        Some((who, _)) => format!("ok {}", cut(who, 8)),
                        None => "OPEN".into(),
                    };
                    format!(
                        "{:>4} {} {:<11} {:<16} {:>4} {}",
                        a.id,
                        local(model, a.at),
                        ack,
                        cut(&format!("{:?}", a.kind), 16),
                        a.compartment.map(|c| c.to_string()).unwrap_or_default(),
                        cut(&a.text, 24)
                    )
                })
                .collect();
            list(
                &mut b,
                "  Id When        State       Kind             Door Text",
                rows,
                Some(*cursor),
            );
            b
        }
        Screen::Outbox { rows, cursor } => {
            let mut b = Body::new(
                "Outbox (newest first)",
                format!("{MOVE}  1 retry this one  2 retry all  * menu"),
            );
            let rows = rows
                .iter()
                .map(|n| {
                    let state = match n.state {
                        DeliveryState::Queued => "queued",
                        DeliveryState::Sent => "sent",
                        DeliveryState::Dead => "DEAD",
                    };
                    format!(
                        "{:>5} {} {:<16} {:<6} to {:<2} tries {:<2} {}",
                        n.id,
                        local(model, n.created_at),
                        cut(&format!("{:?}", n.kind), 16),
                        state,
                        n.recipients,
                        n.attempts,
                        cut(n.last_error.as_deref().unwrap_or(""), 18)
                    )
                })
                .collect();
            list(
                &mut b,
                "   Id Created     Kind             State",
                rows,
                Some(*cursor),
            );
            b
        }
        _ => Body::new("", ""),
    }
}

fn describe(f: &crate::store::audit::AuditFilter) -> String {
    let mut parts = Vec::new();
    if let Some(c) = f.compartment {
        parts.push(format!("door {c}"));
    }
    if let Some(a) = &f.actor {
        parts.push(format!("actor {a}"));
    }
    if let Some(a) = &f.action {
        parts.push(format!("action {a}"));
    }
    if let Some(d) = f.from {
        parts.push(format!("since {}", d.format("%Y-%m-%d")));
    }
    if let Some(d) = f.to {
        parts.push(format!("until {}", d.format("%Y-%m-%d")));
    }
    if parts.is_empty() {
        "all".into()
    } else {
        parts.join(", ")
    }
}

fn list_title(list: ParcelList) -> &'static str {
    match list {
        ParcelList::Live => "Parcels in the locker",
        ParcelList::Found => "Parcels found",
        ParcelList::Expired => "Expired, to remove",
    }
}
