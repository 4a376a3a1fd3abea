//! The staff side of `update`: courier sign-in, the deposit flow and the
//! expired-parcel removal walk.

use crate::domain::ParcelClass;
use crate::domain::permission::allows;
use crate::domain::{CompartmentId, Dimensions, ParcelId, Permission};
use crate::engine::{Command, Event, Refusal, SizeChoice};
use crate::store::{AlertKind, IntentKind};
use crate::ui::Intent;

use super::model::{
    ClassShown, DoorSpot, Draft, Model, Notice, Request, Screen, StaffSession, size_choice,
};
use super::update::{digit_char, engine, notice, size_for_key};
use crate::wording::Text;

// The keypad takes as many keys as the domain allows, never fewer: a PIN
// set from the command line must be typeable here.
const USER_DIGITS: usize = crate::domain::people::USER_NAME_MAX;
const PIN_DIGITS: usize = *crate::domain::code::PIN_DIGITS.end();
const TRACKING_CHARS: usize = *crate::domain::parcel::TRACKING_LEN.end();
const RECIPIENT_DIGITS: usize = crate::domain::RecipientId::DIGITS;
const DIMENSION_DIGITS: usize = Dimensions::MAX_CM.ilog10() as usize + 1;

pub(super) fn is_courier_screen(screen: &Screen) -> bool {
    matches!(
        screen,
        Screen::SignInUser { .. }
            | Screen::SignInPin { .. }
            | Screen::StaffMenu
            | Screen::Tracking { .. }
            | Screen::Recipient { .. }
            | Screen::Class { .. }
            | Screen::Size { .. }
            | Screen::Dimensions { .. }
            | Screen::NotRegistered { .. }
            | Screen::Oversized
            | Screen::NoCompartment { .. }
            | Screen::DepositDoor { .. }
            | Screen::DepositCancelled { .. }
            | Screen::DepositStored { .. }
            | Screen::Removal { .. }
            | Screen::Returns { .. }
    )
}

/// Whether the signed-in person may see the removal walk.
pub(super) fn may_remove(model: &Model) -> bool {
    model
        .session
        .as_ref()
        .is_some_and(|s| allows(s.role, Permission::RemoveExpired))
}

/// A scan on a staff screen: badge, tracking number or recipient ID.
/// `None` when the screen does not take scans (pickup screens do).
pub(super) fn on_scan(model: &mut Model, payload: &str) -> Option<Vec<Request>> {
    let payload = payload.trim().to_string();
    match &model.screen {
        Screen::SignInUser { .. } | Screen::SignInPin { .. } => {
            Some(engine(model, Command::SignInBadge { badge: payload }))
        }
        Screen::StaffMenu | Screen::Tracking { .. } | Screen::DepositStored { .. } => {
            tracking_entered(model, payload);
            Some(Vec::new())
        }
        Screen::Recipient { tracking, .. } => {
            model.screen = Screen::Recipient {
                tracking: tracking.clone(),
                typed: payload.clone(),
            };
            Some(recipient_entered(model, payload))
        }
        s if is_courier_screen(s) => Some(Vec::new()),
        _ => None,
    }
}

fn push_digit(buf: &mut String, d: u8, max: usize) {
    if buf.len() < max {
        buf.extend(digit_char(d));
    }
}

pub(super) fn on_intent(model: &mut Model, intent: Intent) -> Vec<Request> {
    let home = model.facts.country;
    match &mut model.screen {
        Screen::SignInUser { user } => match intent {
            Intent::Digit(d) => push_digit(user, d, USER_DIGITS),
            Intent::Back if user.pop().is_none() => model.screen = Screen::Home,
            Intent::Enter if user.is_empty() => model.notice = Some(notice(Text::TypeFirst)),
            Intent::Enter => {
                model.screen = Screen::SignInPin {
                    user: user.clone(),
                    pin: String::new(),
                }
            }
            _ => {}
        },
        Screen::SignInPin { user, pin } => match intent {
            Intent::Digit(d) => push_digit(pin, d, PIN_DIGITS),
            Intent::Back if pin.pop().is_none() => {
                model.screen = Screen::SignInUser { user: user.clone() }
            }
            Intent::Enter => {
                let command = Command::SignIn {
                    user: user.clone(),
                    pin: std::mem::take(pin),
                };
                return engine(model, command);
            }
            _ => {}
        },
        Screen::StaffMenu => match intent {
            Intent::Digit(1) | Intent::Deposit => start_tracking(model),
            Intent::Digit(2) if super::returns::may_collect(model) => {
                return super::returns::list(model);
            }
            Intent::Digit(9) if may_remove(model) => {
                return vec![Request::ListExpired {
                    actor: model.actor(),
                }];
            }
            Intent::Back => return sign_out(model),
            _ => {}
        },
        Screen::Tracking { typed } => match intent {
            Intent::Digit(d) => push_digit(typed, d, TRACKING_CHARS),
            Intent::Back if typed.pop().is_none() => model.screen = Screen::StaffMenu,
            Intent::Enter if typed.is_empty() => model.notice = Some(notice(Text::TypeFirst)),
            Intent::Enter => {
                let typed = typed.clone();
                tracking_entered(model, typed);
            }
            _ => {}
        },
        Screen::Recipient { tracking, typed } => match intent {
            Intent::Digit(d) => push_digit(typed, d, RECIPIENT_DIGITS),
            Intent::Back if typed.pop().is_none() => {
                model.screen = Screen::Tracking {
                    typed: tracking.clone(),
                }
            }
            Intent::Enter if typed.is_empty() => model.notice = Some(notice(Text::TypeFirst)),
            Intent::Enter => {
                let typed = typed.clone();
                return recipient_entered(model, typed);
            }
            _ => {}
        },
        // One key: the usual class is also the one {enter} takes.
        Screen::Class { draft } => {
            let class = match intent {
                Intent::Digit(1) | Intent::Enter => Some(ParcelClass::Domestic),
                Intent::Digit(2) => Some(ParcelClass::International),
                Intent::Digit(3) => Some(ParcelClass::Express),
                _ => None,
            };
            if let Some(class) = class {
                draft.class = Some(ClassShown::picked(class));
                model.screen = Screen::Size {
                    draft: draft.clone(),
                };
            } else if intent == Intent::Back {
                model.screen = Screen::Recipient {
                    tracking: draft.tracking.clone(),
                    typed: String::new(),
                };
            }
        }
        Screen::Size { draft } => match intent {
            Intent::Digit(5) => {
                model.screen = Screen::Dimensions {
                    draft: draft.clone(),
                    fields: Default::default(),
                    field: 0,
                }
            }
            Intent::Digit(d) => {
                if let Some(size) = size_for_key(d) {
                    draft.size = Some(size);
                    let command = start_deposit(draft, size_choice(size));
                    return engine(model, command);
                }
            }
            // Back to the class picked, or past a class the label gave.
            Intent::Back if ClassShown::of_label(&draft.tracking, home).is_none() => {
                model.screen = Screen::Class {
                    draft: draft.clone(),
                }
            }
            Intent::Back => {
                model.screen = Screen::Recipient {
                    tracking: draft.tracking.clone(),
                    typed: String::new(),
                }
            }
            _ => {}
        },
        Screen::Dimensions {
            draft,
            fields,
            field,
        } => match intent {
            Intent::Digit(d) => push_digit(&mut fields[*field], d, DIMENSION_DIGITS),
            Intent::Back if fields[*field].pop().is_some() => {}
            Intent::Back if *field == 0 => {
                model.screen = Screen::Size {
                    draft: draft.clone(),
                }
            }
            Intent::Back => *field -= 1,
            Intent::Enter if fields[*field].is_empty() => {
                model.notice = Some(notice(Text::TypeFirst))
            }
            // A zero is a slip: said at once, and typed again.
            Intent::Enter if fields[*field].parse::<u32>().unwrap_or(0) == 0 => {
                fields[*field].clear();
                model.notice = Some(Notice {
                    text: Text::DimensionZero,
                    reason: Dimensions::MAX_CM.to_string(),
                });
            }
            Intent::Enter if *field < 2 => *field += 1,
            Intent::Enter => {
                let cm = |s: &str| s.parse::<u32>().unwrap_or(0);
                let dims = Dimensions::new(cm(&fields[0]), cm(&fields[1]), cm(&fields[2]));
                draft.size = None;
                let command = start_deposit(draft, SizeChoice::Dimensions(dims));
                return engine(model, command);
            }
            _ => {}
        },
        Screen::NotRegistered { .. } | Screen::Oversized => match intent {
            Intent::Enter => start_tracking(model),
            Intent::Back => model.screen = Screen::StaffMenu,
            _ => {}
        },
        Screen::NoCompartment { draft, wanted } => match intent {
            Intent::Digit(1) => {
                if let Some(larger) = wanted.larger() {
                    draft.size = Some(larger);
                    let command = start_deposit(draft, size_choice(larger));
                    return engine(model, command);
                }
            }
            Intent::Back => model.screen = Screen::StaffMenu,
            _ => {}
        },
        Screen::DepositDoor { parcel, .. } => {
            let parcel = *parcel;
            match intent {
                Intent::Digit(1) => {
                    return engine(model, Command::DoesNotFit { parcel, size: None });
                }
                Intent::Back => return engine(model, Command::CancelDeposit { parcel }),
                _ => {}
            }
        }
        // The courier waits for the door to close; once it is, any key goes on.
        Screen::DepositCancelled { door }
            if !model.open_doors.contains(door)
                && matches!(intent, Intent::Back | Intent::Enter) =>
        {
            model.screen = Screen::StaffMenu;
        }
        Screen::DepositStored { .. } => match intent {
            Intent::Enter | Intent::Digit(1) => start_tracking(model),
            Intent::Back => return sign_out(model),
            _ => {}
        },
        Screen::Removal { list, open, .. } => match intent {
            Intent::Enter if open.is_none() => {
                if let Some(next) = list.first() {
                    let parcel = next.parcel;
                    return engine(model, Command::OpenForRemoval { parcel });
                }
            }
            Intent::Back if open.is_none() => model.screen = Screen::StaffMenu,
            _ => {}
        },
        _ => {}
    }
    Vec::new()
}

/// A tracking number is checked as soon as it is entered, not after a
/// door was chosen: one of the wrong form is said at once, in the screen's
/// language, and can be typed again.
fn tracking_entered(model: &mut Model, tracking: String) {
    let tracking = tracking.trim().to_string();
    let wrong = if !crate::domain::parcel::is_tracking_number(&tracking) {
        Text::TrackingInvalid
    } else if crate::domain::s10::read(&tracking).is_err() {
        Text::TrackingCheckDigit
    } else {
        model.screen = Screen::Recipient {
            tracking,
            typed: String::new(),
        };
        return;
    };
    model.screen = Screen::Tracking {
        typed: String::new(),
    };
    model.notice = Some(notice(wrong));
}

/// The class the parcel's S10 label gives, with the locker's country.
fn label_class(model: &Model, tracking: &str) -> Option<ClassShown> {
    ClassShown::of_label(tracking, model.facts.country)
}

/// A recipient ID of the right form goes to the engine at once, which
/// answers with the short name or "not registered".
fn recipient_entered(model: &mut Model, recipient: String) -> Vec<Request> {
    if crate::domain::RecipientId::parse(&recipient).is_err() {
        if let Screen::Recipient { typed, .. } = &mut model.screen {
            typed.clear();
        }
        model.notice = Some(notice(Text::RecipientInvalid));
        return Vec::new();
    }
    engine(model, Command::CheckRecipient { recipient })
}

fn start_tracking(model: &mut Model) {
    model.screen = Screen::Tracking {
        typed: String::new(),
    };
}

fn sign_out(model: &mut Model) -> Vec<Request> {
    let out = engine(model, Command::SignOut);
    model.session = None;
    model.screen = Screen::Home;
    out
}

fn start_deposit(draft: &Draft, size: SizeChoice) -> Command {
    Command::StartDeposit {
        tracking: draft.tracking.clone(),
        recipient: draft.recipient.clone(),
        size,
        // The engine reads an S10 label itself; this is the courier's pick.
        class: draft.class.unwrap_or_default().class,
    }
}

/// The parcel details a deposit screen holds, to try again after a fault.
pub(super) fn draft_of(screen: &Screen) -> Draft {
    match screen {
        Screen::Recipient { tracking, typed } => Draft {
            tracking: tracking.clone(),
            recipient: typed.clone(),
            ..Draft::default()
        },
        Screen::Class { draft }
        | Screen::Size { draft }
        | Screen::Dimensions { draft, .. }
        | Screen::NoCompartment { draft, .. }
        | Screen::DepositDoor { draft, .. } => draft.clone(),
        _ => Draft::default(),
    }
}

pub(super) fn door_opening(
    model: &mut Model,
    spot: DoorSpot,
    purpose: IntentKind,
    parcel: Option<ParcelId>,
) {
    match (purpose, &mut model.screen, parcel) {
        (IntentKind::Removal, Screen::Removal { list, open, .. }, _) => {
            if let Some(p) = list.iter().find(|p| p.door == spot.door) {
                *open = Some((p.clone(), spot));
            }
        }
        (IntentKind::Deposit, screen, Some(parcel)) => {
            let moved_from = match screen {
                Screen::DepositDoor {
                    moved_from: Some(from),
                    ..
                } => Some(*from),
                _ => None,
            };
            model.screen = Screen::DepositDoor {
                draft: draft_of(screen),
                parcel,
                spot,
                opened: false,
                closed_empty: false,
                moved_from,
            };
        }
        _ => {}
    }
}

pub(super) fn removal_door_failed(model: &mut Model, door: Option<CompartmentId>) {
    if let Screen::Removal { list, open, .. } = &mut model.screen {
        *open = None;
        // Skip the stuck door for this walk; the jam alert tells the admin.
        if let Some(door) = door {
            list.retain(|p| p.door != door);
        }
    }
    model.notice = Some(notice(Text::CannotOpenNow));
}

pub(super) fn on_event(model: &mut Model, event: Event) -> Vec<crate::kiosk::Request> {
    match event {
        Event::SignedIn {
            session,
            user,
            role,
        } => {
            model.session = Some(StaffSession {
                id: session,
                user,
                role,
            });
            model.screen = Screen::StaffMenu;
        }
        Event::SignedOut => {
            model.session = None;
            if is_courier_screen(&model.screen) {
                model.screen = Screen::Home;
            }
        }
        Event::RecipientConfirmed {
            recipient,
            short_name,
        } => {
            if let Screen::Recipient { tracking, .. } = &model.screen {
                let class = label_class(model, tracking);
                let draft = Draft {
                    tracking: tracking.clone(),
                    recipient: recipient.as_str().to_string(),
                    size: None,
                    recipient_name: Some(short_name),
                    class,
                };
                // A label that says the class spares the courier the question.
                model.screen = match class {
                    Some(_) => Screen::Size { draft },
                    None => Screen::Class { draft },
                };
            }
        }
        Event::DepositMoved { from, .. } => {
            if let Screen::DepositDoor { moved_from, .. } = &mut model.screen {
                *moved_from = Some(from);
            }
        }
        Event::DepositDoorClosedEmpty { compartment, .. } => {
            model.open_doors.remove(&compartment);
            if let Screen::DepositDoor {
                opened,
                closed_empty,
                ..
            } = &mut model.screen
            {
                *opened = false;
                *closed_empty = true;
            }
        }
        // Only the courier at this door sees the receipt: a deposit that
        // recovery settles after a restart is in the audit log and the
        // console, never on the screen of whoever stands here next.
        Event::DepositStored {
            parcel,
            compartment,
            receipt,
        } => {
            if let Screen::DepositDoor {
                parcel: p, draft, ..
            } = &model.screen
                && *p == parcel
            {
                model.screen = Screen::DepositStored {
                    door: compartment,
                    receipt,
                    class: draft.class,
                };
            }
        }
        Event::DepositCancelled { compartment, .. } => {
            if model.open_doors.contains(&compartment) {
                model.screen = Screen::DepositCancelled { door: compartment };
            } else {
                model.screen = Screen::StaffMenu;
                model.notice = Some(notice(Text::DepositCancelled));
            }
        }
        // A door given up (cancelled, too small) closed on something: the
        // courier hears it at once; staff have the alert.
        Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded => {
            if let Some(door) = alert.compartment
                && given_up(model, door)
            {
                model.notice = Some(Notice {
                    text: Text::LeftInside,
                    reason: door.to_string(),
                });
            }
        }
        Event::ParcelRemoved { parcel, .. } => {
            if let Screen::Removal {
                list,
                removed,
                open,
            } = &mut model.screen
            {
                list.retain(|p| p.parcel != parcel);
                *removed += 1;
                *open = None;
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Whether `door` is one the courier here has just given up.
fn given_up(model: &Model, door: CompartmentId) -> bool {
    let cancelled = model
        .notice
        .as_ref()
        .is_some_and(|n| n.text == Text::DepositCancelled && n.reason == door.to_string());
    let moved =
        matches!(model.screen, Screen::DepositDoor { moved_from: Some(from), .. } if from == door);
    cancelled || moved
}

pub(super) fn on_refusal(model: &mut Model, refusal: Refusal) {
    let on_door = matches!(model.screen, Screen::DepositDoor { .. });
    match refusal {
        Refusal::NotRegistered => {
            let recipient = draft_of(&model.screen).recipient;
            model.screen = Screen::NotRegistered { recipient };
        }
        Refusal::Oversized | Refusal::NoCompartment if on_door => {
            model.notice = Some(notice(Text::NoLargerDoor));
        }
        Refusal::Oversized => model.screen = Screen::Oversized,
        Refusal::NoCompartment => {
            let draft = draft_of(&model.screen);
            let wanted = draft.size.unwrap_or(crate::domain::Size::S);
            model.screen = Screen::NoCompartment { draft, wanted };
        }
        other => {
            model.notice = Some(Notice {
                text: Text::NotAccepted,
                reason: other.to_string(),
            });
        }
    }
}

pub(super) fn on_invalid(model: &mut Model, reason: String, tracking: bool) {
    // A fee offer that timed out: the code has to be entered again.
    if matches!(model.screen, Screen::Fee { .. }) {
        model.screen = Screen::CodeEntry {
            digits: String::new(),
        };
    }
    // The engine's reason is the one line that says what to fix (e.g. the
    // tracking number's form); a bad tracking number is typed again.
    if matches!(
        model.screen,
        Screen::Size { .. } | Screen::Dimensions { .. } | Screen::NoCompartment { .. }
    ) && tracking
    {
        model.screen = Screen::Tracking {
            typed: String::new(),
        };
    }
    model.notice = Some(Notice {
        text: Text::NotAccepted,
        reason,
    });
}
