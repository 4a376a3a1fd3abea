//! Staff screens: sign-in, the menu, the deposit flow and the removal walk.

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use super::pickup::where_door;
use super::{Body, t};
use crate::domain::Size;
use crate::kiosk::courier::may_remove;
use crate::kiosk::model::{Model, Screen};
use crate::wording::{Text, fill};

pub(super) fn body(model: &Model) -> Body {
    let lang = model.language;
    match &model.screen {
        Screen::SignInUser { user } => {
            let mut b = Body::new(t(model, Text::KeysSignIn));
            b.title(t(model, Text::SignInTitle))
                .text(t(model, Text::EnterUser))
                .text(t(model, Text::OrBadge))
                .blank()
                .line(field(&t(model, Text::UserLabel), user, true))
                .line(field(&t(model, Text::PinLabel), "", false));
            b
        }
        Screen::SignInPin { user, pin } => {
            let mut b = Body::new(t(model, Text::KeysSignIn));
            b.title(t(model, Text::SignInTitle))
                .text(t(model, Text::EnterPin))
                .blank()
                .blank()
                .line(field(&t(model, Text::UserLabel), user, false))
                .line(field(
                    &t(model, Text::PinLabel),
                    &super::pickup::MASK.repeat(pin.len()),
                    true,
                ));
            b
        }
        Screen::StaffMenu => {
            let user = model.session.as_ref().map_or("", |s| s.user.as_str());
            let mut b = Body::new("");
            b.title(fill(lang, Text::SignedInAs, &[("user", &user)]))
                .text(format!("    {}", t(model, Text::MenuDeposit)));
            if may_remove(model) {
                b.text(format!("    {}", t(model, Text::MenuRemoval)));
            }
            b.blank()
                .text(format!("    {}", t(model, Text::MenuSignOut)));
            b
        }
        Screen::Tracking { typed } => {
            let mut b = Body::new(t(model, Text::KeysTyping));
            b.title(t(model, Text::TrackingTitle))
                .text(t(model, Text::TrackingHow))
                .blank()
                .line(field("", typed, true));
            b
        }
        Screen::Recipient { tracking, typed } => {
            let mut b = Body::new(t(model, Text::KeysTyping));
            b.title(t(model, Text::RecipientTitle))
                .text(t(model, Text::RecipientHow))
                .blank()
                .line(field("", &format!("PX-{typed}"), true))
                .blank()
                .text(format!("{}: {tracking}", t(model, Text::TrackingTitle)));
            b
        }
        Screen::Size { draft } => {
            let mut b = Body::new(t(model, Text::BackKey));
            b.title(t(model, Text::SizeTitle));
            for (key, size) in Size::ALL.iter().enumerate() {
                let d = size.dimensions();
                b.text(format!(
                    "    {}",
                    fill(
                        lang,
                        Text::SizeLine,
                        &[
                            ("key", &(key + 1)),
                            ("size", &format!("{:<2}", size.as_str())),
                            ("h", &format!("{:>2}", d.h)),
                            ("w", &d.w),
                            ("d", &d.d),
                        ],
                    )
                ));
            }
            b.text(format!("    {}", t(model, Text::SizeDimensions)))
                .blank()
                .text(summary(model, draft));
            b
        }
        Screen::Dimensions {
            fields, field: at, ..
        } => {
            let mut b = Body::new(t(model, Text::KeysTyping));
            b.title(t(model, Text::DimensionsTitle))
                .text(t(model, Text::DimensionsHow))
                .blank();
            let labels = [Text::Height, Text::Width, Text::Depth];
            for (i, label) in labels.iter().enumerate() {
                // The typed number, then the cursor, then the unit.
                let unit = if fields[i].is_empty() && i != *at {
                    ""
                } else {
                    " cm"
                };
                b.line(field_in(&t(model, *label), &fields[i], unit, i == *at));
            }
            b
        }
        Screen::NotRegistered { recipient } => {
            let mut b = Body::new(t(model, Text::KeysNextOrMenu));
            b.title(t(model, Text::NotRegisteredTitle)).text(fill(
                lang,
                Text::NotRegisteredWhy,
                &[("recipient", &shown_recipient(recipient))],
            ));
            b
        }
        Screen::Oversized => {
            let mut b = Body::new(t(model, Text::KeysNextOrMenu));
            b.title(t(model, Text::OversizedTitle))
                .text(t(model, Text::OversizedWhy));
            b
        }
        Screen::NoCompartment { wanted, .. } => {
            let mut b = Body::new("");
            b.title(t(model, Text::NoCompartmentTitle))
                .text(fill(lang, Text::NoCompartmentWhy, &[("size", wanted)]))
                .blank();
            if let Some(larger) = wanted.larger() {
                b.text(fill(lang, Text::TryLarger, &[("size", &larger)]));
            }
            b.text(t(model, Text::CancelKey));
            b
        }
        Screen::DepositDoor {
            spot,
            opened,
            closed_empty,
            moved_from,
            ..
        } => {
            // "Does not fit" only where a larger door could exist.
            let larger = model
                .facts
                .bank
                .compartment(spot.door)
                .is_some_and(|c| c.size.larger().is_some());
            let keys = if larger {
                Text::DepositKeys
            } else {
                Text::DepositKeysLargest
            };
            let mut b = Body::new(t(model, keys));
            let title = match (*closed_empty, *opened) {
                (true, _) => Text::ClosedEmpty,
                (false, true) => Text::DoorIsOpen,
                (false, false) => Text::DoorOpening,
            };
            b.title(fill(lang, title, &[("door", &spot.door)]));
            // Said while the door given up is open: once it is closed there
            // is nothing left to do there.
            if let Some(from) = moved_from.filter(|from| model.open_doors.contains(from)) {
                b.text(fill(
                    lang,
                    Text::MovedDoor,
                    &[("from", &from), ("door", &spot.door)],
                ));
            }
            if !*closed_empty {
                b.text(t(model, Text::PutParcelIn)).blank();
            }
            where_door(model, &mut b, spot);
            b
        }
        Screen::DepositCancelled { door } => {
            let mut b = Body::new("");
            b.title(fill(lang, Text::CancelledClose, &[("door", door)]));
            b
        }
        Screen::DepositStored { door, receipt } => {
            let mut b = Body::new(t(model, Text::KeysStored));
            b.title(fill(lang, Text::StoredTitle, &[("door", door)]))
                .line(Line::styled(
                    fill(lang, Text::Receipt, &[("receipt", receipt)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ))
                .blank()
                .text(t(model, Text::RecipientTold));
            b
        }
        Screen::Removal {
            list,
            removed,
            open,
        } => {
            let mut b = Body::new(t(model, Text::KeysRemoval));
            b.title(t(model, Text::RemovalTitle));
            match (open, list.first()) {
                (Some((p, spot)), _) => {
                    b.keys.clear();
                    b.text(fill(
                        lang,
                        Text::RemovalOpen,
                        &[("door", &spot.door), ("parcel", &p.parcel)],
                    ))
                    .text(t(model, Text::RemovalTakeOut))
                    .blank();
                    where_door(model, &mut b, spot);
                }
                (None, Some(next)) => {
                    b.text(fill(lang, Text::RemovalLeft, &[("count", &list.len())]))
                        .text(fill(
                            lang,
                            Text::RemovalNext,
                            &[("door", &next.door), ("parcel", &next.parcel)],
                        ));
                }
                (None, None) => {
                    b.keys = t(model, Text::KeysRemovalDone);
                    let done = if *removed > 0 {
                        Text::RemovalDone
                    } else {
                        Text::RemovalNone
                    };
                    b.text(t(model, done));
                }
            }
            if *removed > 0 {
                b.blank()
                    .text(fill(lang, Text::RemovalCount, &[("count", removed)]));
            }
            b
        }
        _ => Body::new(""),
    }
}

/// `Label: value_` with the cursor mark on the field being typed.
fn field(label: &str, value: &str, active: bool) -> Line<'static> {
    field_in(label, value, "", active)
}

/// `Label: value_ unit`: the cursor where the next key goes, before the unit.
fn field_in(label: &str, value: &str, unit: &str, active: bool) -> Line<'static> {
    let mark = if active { "_" } else { "" };
    if label.is_empty() {
        return Line::raw(format!("    {value}{mark}{unit}"));
    }
    let label = format!("{label}:");
    Line::raw(format!("    {label:<8} {value}{mark}{unit}"))
}

fn shown_recipient(typed: &str) -> String {
    if typed.contains('-') {
        typed.to_string()
    } else {
        format!("PX-{typed}")
    }
}

fn summary(model: &Model, draft: &crate::kiosk::Draft) -> String {
    let name = draft
        .recipient_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "{}: {}   {}: {}{name}",
        t(model, Text::TrackingTitle),
        draft.tracking,
        t(model, Text::RecipientTitle),
        shown_recipient(&draft.recipient)
    )
}
