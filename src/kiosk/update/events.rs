//! The engine's events and refusals become screens; those of the staff
//! flows go on to the courier side.

use crate::domain::CompartmentId;
use crate::engine::{Event, Refusal};
use crate::store::IntentKind;

use super::{back_home, lockout, notice};
use crate::kiosk::model::{DoorSpot, Model, Notice, Request, Screen};
use crate::kiosk::{courier, returns};
use crate::link::Failure;
use crate::wording::Text;

pub(super) fn on_event(model: &mut Model, event: Event) -> Vec<Request> {
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
                IntentKind::ReturnDrop | IntentKind::ReturnCollect => {
                    returns::door_opening(model, spot, purpose, parcel)
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
            returns::on_event(model, &Event::DoorOpened { compartment });
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
                // The door, for an alert that it closed on something.
                model.notice = Some(Notice {
                    text: Text::DepositCancelled,
                    reason: compartment.to_string(),
                });
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
            refusal: refusal @ (Refusal::ReturnMalformed | Refusal::ReturnUnknown),
            tries_left,
        } => {
            let event = Event::CodeRefused {
                refusal,
                tries_left,
            };
            returns::on_event(model, &event);
        }
        Event::CodeRefused {
            refusal,
            tries_left,
        } => {
            model.screen = Screen::CodeRefused {
                refusal,
                tries_left,
            };
        }
        // The code just refused as unknown is another kiosk's: say whose.
        Event::CodeHeldElsewhere { kiosk, locker_code } => {
            if let Screen::CodeRefused {
                refusal: refusal @ Refusal::Unknown,
                ..
            } = &mut model.screen
            {
                *refusal = Refusal::HeldElsewhere { kiosk, locker_code };
            }
        }
        // The request that spent the last try still gets its answer.
        Event::CodesLocked { until } if model.screen == Screen::LostCodeSent => {
            model.codes_locked_until = Some(until);
        }
        Event::CodesLocked { until } => {
            model.codes_locked_until = Some(until);
            lockout(model, until);
        }
        Event::LostCodesAsked => model.screen = Screen::LostCodeSent,
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
        other => {
            if returns::on_event(model, &other).is_some() {
                return Vec::new();
            }
            return courier::on_event(model, other);
        }
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

/// A door that did not open, or could not be pulsed at all (`door` None).
fn door_fault(model: &mut Model, door: Option<CompartmentId>, purpose: IntentKind) {
    match purpose {
        IntentKind::Removal => {
            courier::removal_door_failed(model, door);
        }
        IntentKind::ReturnDrop | IntentKind::ReturnCollect => returns::door_failed(model, door),
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

pub(super) fn on_failure(model: &mut Model, failure: Failure) {
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
                Screen::ReturnCode { .. } => IntentKind::ReturnDrop,
                Screen::Returns { .. } => IntentKind::ReturnCollect,
                _ => IntentKind::Pickup,
            };
            door_fault(model, None, purpose);
        }
        Failure::Refused(
            r @ (Refusal::NeedsInspection | Refusal::DoorBusy | Refusal::Malformed),
        ) if !courier::is_courier_screen(&model.screen)
            && !matches!(model.screen, Screen::ReturnCode { .. }) =>
        {
            model.screen = Screen::CodeRefused {
                refusal: r,
                tries_left: 0,
            };
        }
        Failure::Refused(r) => {
            if returns::on_refusal(model, &r).is_none() {
                courier::on_refusal(model, r)
            }
        }
        Failure::Rejected(r) => {
            use crate::engine::Rejection::{TrackingCheckDigit, TrackingMalformed};
            let tracking = matches!(r, TrackingMalformed | TrackingCheckDigit);
            courier::on_invalid(model, r.words(model.language), tracking);
        }
        Failure::Invalid(reason) => {
            let tracking = reason.contains("tracking");
            courier::on_invalid(model, reason, tracking);
        }
        Failure::NotFound(_) | Failure::Store => {
            model.notice = Some(notice(Text::SomethingWrong));
        }
    }
}
