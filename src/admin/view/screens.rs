//! Sign-in, the menu, forms, a compartment and a parcel.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::lists::online_word;
use super::{Body, cut, key_list, local, say, say_with, titled, words};
use crate::admin::menu;
use crate::admin::model::{Model, Screen};
use crate::domain::CompartmentState;
use crate::engine::read::{CompartmentView, ParcelView};
use crate::ui::page::Page;
use crate::wording::{Text, audit_detail, name_of};

pub(super) fn body(model: &Model) -> Body {
    match &model.screen {
        Screen::SignIn { user, pin, on_pin } => {
            let mut b = titled(
                say(model, Text::SignInStaff),
                say(
                    model,
                    cancel_apart(model, Text::KeysStaffSignIn, Text::KeysStaffSignInBoard),
                ),
            );
            let cursor = |on: bool| if on { "_" } else { "" };
            let user = format!("{user}{}", cursor(!on_pin));
            b.words(say_with(model, Text::UserNumber, &[("user", &user)]));
            if *on_pin {
                let pin = format!("{}{}", "*".repeat(pin.len()), cursor(true));
                b.words(say_with(model, Text::PinField, &[("pin", &pin)]));
            }
            b
        }
        Screen::Menu => {
            let role = model
                .session
                .as_ref()
                .map_or(crate::domain::Role::Courier, |s| s.role);
            let items = menu::items(role, model.facts.bus_only);
            let keys = key_list(&items.iter().map(|i| i.key).collect::<Vec<_>>());
            let hint = if model.facts.bus_only {
                Text::KeysMenuService
            } else {
                Text::KeysMenu
            };
            // The header says whose console it is, and the keys line how
            // to sign out: a short screen keeps only the items.
            let mut b = Page::with_keys(say_with(model, hint, &[("keys", &keys)]));
            b.extra(Line::styled(
                say(model, Text::MenuTitle),
                Style::default().add_modifier(Modifier::BOLD),
            ))
            .gap();
            for item in items {
                b.words(format!("  {}  {}", item.key, say(model, item.label)));
            }
            b.gap();
            b.extra(say(
                model,
                if model.facts.bus_only {
                    Text::LeaveService
                } else {
                    Text::SignOutItem
                },
            ));
            b
        }
        Screen::Form { form, text, .. } => {
            let prompt = if model.facts.keypad {
                form.keypad_prompt(model.facts.language)
            } else {
                form.prompt(model.facts.language)
            };
            let mut b = titled(
                prompt,
                say(
                    model,
                    cancel_apart(model, Text::KeysForm, Text::KeysFormBoard),
                ),
            );
            let shown = form.shown(text);
            b.words(Line::from(vec![
                Span::raw("  > "),
                Span::styled(
                    format!("{}_", cut(&shown, 70)),
                    Style::default().add_modifier(Modifier::UNDERLINED),
                ),
            ]));
            let choosing = text.is_empty() || form.is_pick(text);
            if !form.reasons().is_empty() && choosing && model.facts.keypad {
                b.gap();
                b.words(say(model, form.pick_title()));
                for (i, r) in form.reasons().iter().enumerate() {
                    b.words(format!("    {}  {}", i + 1, say(model, *r)));
                }
            }
            b
        }
        _ => titled("", ""),
    }
}

pub(super) fn compartment(model: &Model, view: &CompartmentView) -> Body {
    let r = &view.row;
    let toggle = if r.state == CompartmentState::Disabled {
        Text::DoEnable
    } else {
        Text::DoDisable
    };
    // A service laptop only opens doors: the keys line offers what is listed.
    let actions: Vec<(u8, Text)> = [
        (1, Text::DoOpen),
        (2, toggle),
        (3, Text::DoInspectedEmpty),
        (4, Text::DoInspectedParcel),
        (5, Text::DoMarker),
    ]
    .into_iter()
    .take(if model.facts.bus_only { 1 } else { 5 })
    .collect();
    let keys = key_list(&actions.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    let mut b = titled(
        say_with(
            model,
            Text::DoorTitle,
            &[("door", &r.id), ("size", &r.size)],
        ),
        say_with(model, Text::KeysDoor, &[("keys", &keys)]),
    );
    let state = words(model, &format!("compartment.{}", r.state.as_str()));
    let inspect = if r.needs_inspection {
        say(model, Text::ToInspect)
    } else {
        ""
    };
    b.words(say_with(
        model,
        Text::DoorStateLine,
        &[("state", &state), ("inspect", &inspect)],
    ));
    // The actions before the details: a short screen drops details first.
    b.gap();
    for (k, label) in actions {
        b.words(format!("  {k}  {}", say(model, label)));
    }
    b.gap();
    let door = words(model, &name_of(&r.door));
    b.extra(say_with(model, Text::DoorSensorLine, &[("state", &door)]));
    let item = match view.item {
        Some(true) => say(model, Text::SomethingInside),
        Some(false) => say(model, Text::ItemNone),
        None => say(model, Text::NoItemSensor),
    };
    b.words(say_with(model, Text::ItemSensorLine, &[("item", &item)]));
    let online = online_word(model, r.board_online);
    let camera = r.camera.as_deref().unwrap_or(say(model, Text::NoneWord));
    b.extra(say_with(
        model,
        Text::LockLine,
        &[
            ("board", &r.board),
            ("channel", &r.channel),
            ("online", &online),
            ("camera", &camera),
        ],
    ));
    match (&view.parcel, r.parcel) {
        (Some(p), _) => {
            let state = words(model, &format!("parcel.{}", p.state.as_str()));
            b.words(say_with(
                model,
                Text::ParcelInDoor,
                &[
                    ("id", &p.id),
                    ("tracking", &cut(&p.tracking, 20)),
                    ("recipient", &p.recipient),
                    ("state", &state),
                ],
            ));
        }
        (None, Some(p)) => {
            b.words(say_with(model, Text::ParcelOnly, &[("id", &p)]));
        }
        (None, None) => {
            b.words(say(model, Text::NoParcel));
        }
    }
    b
}

pub(super) fn parcel(model: &Model, view: &ParcelView) -> Body {
    let p = &view.parcel;
    let mut b = titled(
        say_with(
            model,
            Text::ParcelTitle,
            &[("id", &p.id), ("tracking", &cut(&p.tracking, 40))],
        ),
        say(model, Text::KeysParcel),
    );
    let state = words(model, &format!("parcel.{}", p.state.as_str()));
    b.words(say_with(
        model,
        Text::ParcelFor,
        &[
            ("recipient", &p.recipient),
            ("door", &p.door),
            ("state", &state),
        ],
    ));
    // Express wins the class (back to the sender); one from abroad says
    // it is international too.
    let class = if p.abroad && p.class == crate::domain::ParcelClass::Express {
        say(model, Text::ClassExpressInternational).to_string()
    } else {
        words(model, &format!("class.{}", p.class.as_str()))
    };
    b.words(say_with(model, Text::ParcelClassLine, &[("class", &class)]));
    let deadline = p
        .deadline
        .map(|d| local(model, d))
        .unwrap_or_else(|| "-".into());
    let at = view
        .deposited_at
        .map(|d| local(model, d))
        .unwrap_or_else(|| "-".into());
    b.words(say_with(
        model,
        Text::ParcelDeposited,
        &[
            ("at", &at),
            (
                "courier",
                &cut(&super::actor_words(model, &view.courier), 20),
            ),
            ("deadline", &deadline),
        ],
    ));
    b.words(say_with(
        model,
        Text::ParcelExtended,
        &[
            ("days", &view.extension_days),
            ("reminders", &view.reminders_sent),
        ],
    ));
    b.words(say(model, Text::ParcelActions));
    b.gap();
    b.words(say(model, Text::HistoryTitle));
    for e in view.history.iter().take(10) {
        b.words(format!(
            "  {:>7} {} {:<16} {:<12} {}",
            e.seq,
            local(model, e.at),
            cut(&words(model, &e.action), 16),
            cut(&e.actor, 12),
            cut(
                &audit_detail(model.facts.language, &e.action, &e.detail),
                24
            )
        ));
    }
    if view.history.is_empty() {
        b.words(say(model, Text::NothingRecorded));
    }
    b
}

/// The keys line that names Esc apart from Backspace, where the keymap has
/// a key to leave a field besides the one that erases (a keyboard).
fn cancel_apart(model: &Model, one_key: Text, two_keys: Text) -> Text {
    if model.facts.keys.separate_cancel() {
        two_keys
    } else {
        one_key
    }
}
