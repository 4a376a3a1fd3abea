//! Sign-in, the menu, forms, a compartment and a parcel.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{Body, cut, local};
use crate::admin::forms::REASONS;
use crate::admin::menu;
use crate::admin::model::{Model, Screen};
use crate::bus::DoorState;
use crate::domain::CompartmentState;
use crate::engine::read::{CompartmentView, ParcelView};

pub(super) fn body(model: &Model) -> Body {
    match &model.screen {
        Screen::SignIn { user, pin, on_pin } => {
            let mut b = Body::new(
                "Sign in: admin or technician",
                "# next / sign in   * erase or back",
            );
            let cursor = |on: bool| if on { "_" } else { "" };
            b.text(format!("  User number: {user}{}", cursor(!on_pin)));
            if *on_pin {
                b.text(format!(
                    "  PIN:         {}{}",
                    "*".repeat(pin.len()),
                    cursor(true)
                ));
            }
            b
        }
        Screen::Menu => {
            let role = model
                .session
                .as_ref()
                .map_or(crate::domain::Role::Courier, |s| s.role);
            let mut b = Body::new("Menu", "1-9 choose   0 sign out");
            for item in menu::items(role, model.facts.bus_only) {
                b.text(format!("  {}  {}", item.key, item.label));
            }
            b.text("");
            b.text(if model.facts.bus_only {
                "  0  Leave (ends the service session)"
            } else {
                "  0  Sign out"
            });
            b
        }
        Screen::Form { form, text, .. } => {
            let mut b = Body::new(form.prompt(), "# confirm   * erase or cancel");
            let shown = if form.secret() {
                "*".repeat(text.chars().count())
            } else {
                text.clone()
            };
            b.line(Line::from(vec![
                Span::raw("  > "),
                Span::styled(
                    format!("{}_", cut(&shown, 70)),
                    Style::default().add_modifier(Modifier::UNDERLINED),
                ),
            ]));
            if form.takes_reason() && text.is_empty() && model.facts.keypad {
                b.text("");
                b.text("  On the keypad, pick a reason by number:");
                for (i, r) in REASONS.iter().enumerate() {
                    b.text(format!("    {}  {r}", i + 1));
                }
            }
            b
        }
        _ => Body::new("", ""),
    }
}

fn door_text(d: DoorState) -> &'static str {
    match d {
        DoorState::Open => "open",
        DoorState::Closed => "closed",
        DoorState::Unknown => "unknown (no reading)",
    }
}

pub(super) fn compartment(view: &CompartmentView, bus_only: bool) -> Body {
    let r = &view.row;
    let mut b = Body::new(
        format!("Door {} ({})", r.id, r.size),
        "1-5 action   C refresh   * back to the bank",
    );
    b.text(format!(
        "  State: {}{}",
        r.state.as_str(),
        if r.needs_inspection {
            ", to inspect"
        } else {
            ""
        }
    ));
    b.text(format!("  Door sensor: {}", door_text(r.door)));
    let item = match view.item {
        Some(true) => "something inside",
        Some(false) => "empty",
        None => "no item sensor",
    };
    b.text(format!("  Item sensor: {item}"));
    b.text(format!(
        "  Lock: board {} channel {} ({}), camera {}",
        r.board,
        r.channel,
        if r.board_online { "online" } else { "OFFLINE" },
        r.camera.as_deref().unwrap_or("none")
    ));
    match (&view.parcel, r.parcel) {
        (Some(p), _) => {
            b.text(format!(
                "  Parcel: {} {} for {} ({})",
                p.id,
                cut(&p.tracking, 20),
                p.recipient,
                p.state.as_str()
            ));
        }
        (None, Some(p)) => {
            b.text(format!("  Parcel: {p}"));
        }
        (None, None) => {
            b.text("  Parcel: none");
        }
    }
    b.text("");
    let toggle = if r.state == CompartmentState::Disabled {
        "Enable (back into allocation)"
    } else {
        "Disable (out of allocation)"
    };
    for (k, label) in [
        (1, "Open the door (manual unlock, reason required)"),
        (2, toggle),
        (3, "Inspected: empty"),
        (4, "Inspected: a parcel is inside"),
        (5, "CCTV marker at this door"),
    ]
    .into_iter()
    .take(if bus_only { 1 } else { 5 })
    {
        b.text(format!("  {k}  {label}"));
    }
    b
}

pub(super) fn parcel(model: &Model, view: &ParcelView) -> Body {
    let p = &view.parcel;
    let mut b = Body::new(
        format!("Parcel {} - {}", p.id, cut(&p.tracking, 40)),
        "1-5 action   C refresh   * back",
    );
    b.text(format!(
        "  For {}   door {}   {}   {:?}",
        p.recipient,
        p.door,
        p.state.as_str(),
        p.class
    ));
    let deadline = p
        .deadline
        .map(|d| local(model, d))
        .unwrap_or_else(|| "-".into());
    b.text(format!(
        "  Deposited {} by {}   held until {deadline} (+{} days)   reminders {}",
        view.deposited_at
            .map(|d| local(model, d))
            .unwrap_or_else(|| "-".into()),
        cut(&view.courier, 12),
        view.extension_days,
        view.reminders_sent
    ));
    b.text("  1 resend code  2 extend hold  3 reassign  4 vacation  5 open for removal");
    b.text("");
    b.text("  History (newest first)");
    for e in view.history.iter().take(10) {
        b.text(format!(
            "  {:>7} {} {:<16} {:<12} {}",
            e.seq,
            local(model, e.at),
            cut(&e.action, 16),
            cut(&e.actor, 12),
            cut(&e.detail, 24)
        ));
    }
    if view.history.is_empty() {
        b.text("  (nothing recorded)");
    }
    b
}
