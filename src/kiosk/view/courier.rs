//! Staff screens: sign-in, the menu, the deposit flow and the removal walk.

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use super::pickup::where_door;
use super::{Body, t};
use crate::domain::{ParcelClass, Size};
use crate::kiosk::courier::may_remove;
use crate::kiosk::model::{ClassShown, Model, Screen};
use crate::wording::{Text, fill};

pub(super) fn body(model: &Model) -> Body {
    let lang = model.language;
    match &model.screen {
        Screen::SignInUser { user } => {
            let mut b = Body::with_keys(t(model, Text::KeysSignIn));
            b.heading(t(model, Text::SignInTitle))
                .words(t(model, Text::EnterUser))
                .words(t(model, Text::OrBadge))
                .gap()
                .words(field(&t(model, Text::UserLabel), user, true))
                .words(field(&t(model, Text::PinLabel), "", false));
            b
        }
        Screen::SignInPin { user, pin } => {
            let mut b = Body::with_keys(t(model, Text::KeysSignIn));
            b.heading(t(model, Text::SignInTitle))
                .words(t(model, Text::EnterPin))
                .gap()
                .gap()
                .words(field(&t(model, Text::UserLabel), user, false))
                .words(field(
                    &t(model, Text::PinLabel),
                    &super::pickup::MASK.repeat(pin.len()),
                    true,
                ));
            b
        }
        Screen::StaffMenu => {
            let user = model.session.as_ref().map_or("", |s| s.user.as_str());
            let mut b = Body::with_keys("");
            b.heading(fill(lang, Text::SignedInAs, &[("user", &user)]))
                .words(format!("    {}", t(model, Text::MenuDeposit)));
            if crate::kiosk::returns::may_collect(model) {
                b.words(format!("    {}", t(model, Text::MenuReturns)));
            }
            if may_remove(model) {
                b.words(format!("    {}", t(model, Text::MenuRemoval)));
            }
            b.gap()
                .words(format!("    {}", t(model, Text::MenuSignOut)));
            b
        }
        Screen::Tracking { typed } => {
            let mut b = Body::with_keys(t(model, Text::KeysTyping));
            b.heading(t(model, Text::TrackingTitle))
                .words(t(model, Text::TrackingHow))
                .gap()
                .words(field("", typed, true));
            b
        }
        Screen::Recipient { tracking, typed } => {
            let mut b = Body::with_keys(t(model, Text::KeysTyping));
            b.heading(t(model, Text::RecipientTitle))
                .words(t(model, Text::RecipientHow))
                .gap()
                .words(field("", &format!("PX-{typed}"), true));
            super::pickup::typed_id(&mut b, typed);
            b.gap()
                .words(format!("{}: {tracking}", t(model, Text::TrackingTitle)));
            b
        }
        Screen::Class { draft } => {
            let mut b = Body::with_keys(t(model, Text::KeysClass));
            b.heading(t(model, Text::ClassTitle))
                .words(t(model, Text::ClassHow));
            for (key, class) in [
                ParcelClass::Domestic,
                ParcelClass::International,
                ParcelClass::Express,
            ]
            .iter()
            .enumerate()
            {
                let words = class_words(model, ClassShown::picked(*class));
                b.words(format!("    {}  {words}", key + 1));
            }
            b.gap().words(summary(model, draft));
            b
        }
        Screen::Size { draft } => {
            let mut b = Body::with_keys(t(model, Text::BackKey));
            b.heading(t(model, Text::SizeTitle));
            for (key, size) in Size::ALL.iter().enumerate() {
                let d = size.dimensions();
                b.words(format!(
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
            b.words(format!("    {}", t(model, Text::SizeDimensions)))
                .gap()
                .words(summary(model, draft));
            if let Some(class) = draft.class {
                b.words(class_line(model, class));
            }
            b
        }
        Screen::Dimensions {
            fields, field: at, ..
        } => {
            let mut b = Body::with_keys(t(model, Text::KeysTyping));
            b.heading(t(model, Text::DimensionsTitle))
                .words(t(model, Text::DimensionsHow))
                .gap();
            let labels = [Text::Height, Text::Width, Text::Depth];
            for (i, label) in labels.iter().enumerate() {
                // The typed number, then the cursor, then the unit.
                let unit = if fields[i].is_empty() && i != *at {
                    ""
                } else {
                    " cm"
                };
                b.words(field_in(&t(model, *label), &fields[i], unit, i == *at));
            }
            b
        }
        Screen::NotRegistered { recipient } => {
            let mut b = Body::with_keys(t(model, Text::KeysNextOrMenu));
            b.heading(t(model, Text::NotRegisteredTitle)).words(fill(
                lang,
                Text::NotRegisteredWhy,
                &[("recipient", &shown_recipient(recipient))],
            ));
            b
        }
        Screen::Oversized => {
            let mut b = Body::with_keys(t(model, Text::KeysNextOrMenu));
            b.heading(t(model, Text::OversizedTitle))
                .words(t(model, Text::OversizedWhy));
            b
        }
        Screen::NoCompartment { wanted, .. } => {
            let mut b = Body::with_keys("");
            b.heading(t(model, Text::NoCompartmentTitle))
                .words(fill(lang, Text::NoCompartmentWhy, &[("size", wanted)]))
                .gap();
            if let Some(larger) = wanted.larger() {
                b.words(fill(lang, Text::TryLarger, &[("size", &larger)]));
            }
            b.words(t(model, Text::CancelKey));
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
            let mut b = Body::with_keys(t(model, keys));
            let title = match (*closed_empty, *opened) {
                (true, _) => Text::ClosedEmpty,
                (false, true) => Text::DoorIsOpen,
                (false, false) => Text::DoorOpening,
            };
            b.heading(fill(lang, title, &[("door", &spot.door)]));
            // Said while the door given up is open: once it is closed there
            // is nothing left to do there.
            if let Some(from) = moved_from.filter(|from| model.open_doors.contains(from)) {
                b.words(fill(
                    lang,
                    Text::MovedDoor,
                    &[("from", &from), ("door", &spot.door)],
                ));
            }
            if !*closed_empty {
                b.words(t(model, Text::PutParcelIn)).gap();
            }
            where_door(model, &mut b, spot);
            b
        }
        Screen::DepositCancelled { door } => {
            let mut b = Body::with_keys("");
            b.heading(fill(lang, Text::CancelledClose, &[("door", door)]));
            b
        }
        Screen::DepositStored {
            door,
            receipt,
            class,
        } => {
            let mut b = Body::with_keys(t(model, Text::KeysStored));
            b.heading(fill(lang, Text::StoredTitle, &[("door", door)]))
                .words(Line::styled(
                    fill(lang, Text::Receipt, &[("receipt", receipt)]),
                    Style::default().add_modifier(Modifier::BOLD),
                ));
            if let Some(class) = class {
                b.words(class_line(model, *class));
            }
            b.gap().words(t(model, Text::RecipientTold));
            b
        }
        Screen::Removal {
            list,
            removed,
            open,
        } => {
            let mut b = Body::with_keys(t(model, Text::KeysRemoval));
            b.heading(t(model, Text::RemovalTitle));
            match (open, list.first()) {
                (Some((p, spot)), _) => {
                    b.keys.clear();
                    b.words(fill(
                        lang,
                        Text::RemovalOpen,
                        &[("door", &spot.door), ("parcel", &p.parcel)],
                    ))
                    .words(t(model, Text::RemovalTakeOut))
                    .gap();
                    where_door(model, &mut b, spot);
                }
                (None, Some(next)) => {
                    b.words(fill(lang, Text::RemovalLeft, &[("count", &list.len())]))
                        .words(fill(
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
                    b.words(t(model, done));
                }
            }
            if *removed > 0 {
                b.gap()
                    .words(fill(lang, Text::RemovalCount, &[("count", removed)]));
            }
            b
        }
        _ => Body::with_keys(""),
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

/// The class and what becomes of the parcel after its hold, in the words
/// the console uses; an express item from abroad says it is both.
fn class_words(model: &Model, class: ClassShown) -> String {
    let text = match class.class {
        ParcelClass::Express if class.abroad => Text::ClassExpressInternational,
        ParcelClass::Express => Text::ClassExpress,
        ParcelClass::International => Text::ClassInternational,
        ParcelClass::Domestic => Text::ClassDomestic,
    };
    t(model, text)
}

fn class_line(model: &Model, class: ClassShown) -> String {
    let words = class_words(model, class);
    fill(model.language, Text::ParcelClassLine, &[("class", &words)])
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
