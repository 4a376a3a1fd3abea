//! The flows with crash points: the points each passes, and how the child drives it.

use chrono::{DateTime, Duration, Utc};

use super::kiosk::{Kiosk, env, opening, say};
use super::{ADMIN, COURIER, DEPOSIT_DOOR, RECIPIENT, STORED_DOOR, local, start};
use crate::domain::{CompartmentId, ParcelClass, ParcelId, Size};
use crate::engine::{Actor, Command, Event, SizeChoice};

/// The flows with crash points, each driven end to end by the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flow {
    Deposit,
    Pickup,
    Reopen,
    ManualUnlock,
    Removal,
    ReturnDrop,
    /// A return dropped off, then collected by a courier.
    ReturnCollect,
}

impl Flow {
    pub(super) const ALL: [Flow; 7] = [
        Flow::Deposit,
        Flow::Pickup,
        Flow::Reopen,
        Flow::ManualUnlock,
        Flow::Removal,
        Flow::ReturnDrop,
        Flow::ReturnCollect,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Flow::Deposit => "deposit",
            Flow::Pickup => "pickup",
            Flow::Reopen => "reopen",
            Flow::ManualUnlock => "manual_unlock",
            Flow::Removal => "removal",
            Flow::ReturnDrop => "return_drop",
            Flow::ReturnCollect => "return_collect",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Flow> {
        Flow::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The points the flow passes, in order, when nothing crashes.
    pub(super) fn points(self) -> &'static [&'static str] {
        const PICKUP: &[&str] = &[
            "pickup.code_ok",
            "pickup.after_intent",
            "pickup.before_pulse",
            "pickup.after_pulse",
            "pickup.door_opened",
            "pickup.door_closed",
            "pickup.after_confirm",
        ];
        const RETURN_DROP: &[&str] = &[
            "return_drop.after_intent",
            "return_drop.before_pulse",
            "return_drop.after_pulse",
            "return_drop.door_opened",
            "return_drop.door_closed",
            "return.after_drop",
        ];
        match self {
            Flow::Deposit => &[
                "sign_in.after_audit",
                "deposit.after_intent",
                "deposit.before_pulse",
                "deposit.after_pulse",
                "deposit.door_opened",
                "deposit.door_closed",
                "deposit.after_store",
                "outbox.sending",
                "outbox.after_sent",
            ],
            Flow::Pickup => PICKUP,
            Flow::ReturnDrop => RETURN_DROP,
            Flow::ReturnCollect => &[
                "return_drop.after_intent",
                "return_drop.before_pulse",
                "return_drop.after_pulse",
                "return_drop.door_opened",
                "return_drop.door_closed",
                "return.after_drop",
                "sign_in.after_audit",
                "return_collect.after_intent",
                "return_collect.before_pulse",
                "return_collect.after_pulse",
                "return_collect.door_opened",
                "return_collect.door_closed",
                "return.after_collect",
            ],
            Flow::Reopen => &[
                "pickup.code_ok",
                "pickup.after_intent",
                "pickup.before_pulse",
                "pickup.after_pulse",
                "pickup.door_opened",
                "pickup.door_closed",
                "pickup.after_confirm",
                "reopen.after_intent",
                "reopen.before_pulse",
                "reopen.after_pulse",
                "reopen.door_opened",
                "reopen.door_closed",
                "reopen.after_close",
            ],
            Flow::ManualUnlock => &[
                "sign_in.after_audit",
                "manual_unlock.after_intent",
                "manual_unlock.before_pulse",
                "manual_unlock.after_pulse",
                "manual_unlock.door_opened",
                "manual_unlock.door_closed",
                "manual_unlock.after_close",
            ],
            Flow::Removal => &[
                "expiry.after_expire",
                "sign_in.after_audit",
                "removal.after_intent",
                "removal.before_pulse",
                "removal.after_pulse",
                "removal.door_opened",
                "removal.door_closed",
                "removal.after_remove",
            ],
        }
    }

    /// The flow that crashes at `point`: the first that passes it.
    pub(super) fn owning(point: &str) -> Flow {
        Flow::ALL
            .into_iter()
            .find(|f| f.points().contains(&point))
            .unwrap_or_else(|| panic!("no flow passes crash point {point}"))
    }

    /// The door the flow pulses.
    pub(super) fn door(self) -> CompartmentId {
        match self {
            // A return of size S takes the next S door, as a deposit does.
            Flow::Deposit | Flow::ReturnDrop | Flow::ReturnCollect => DEPOSIT_DOOR,
            _ => STORED_DOOR,
        }
    }

    /// Whether the flow's own pulse reached its door, from the pulses the
    /// door got in the run (a re-open comes after its pickup's pulse).
    pub(super) fn pulsed(self, pulses: u32) -> bool {
        match self {
            Flow::Reopen | Flow::ReturnCollect => pulses >= 2,
            _ => pulses >= 1,
        }
    }

    /// The kiosk's clock: the removal flow runs after the hold ran out.
    pub(super) fn now(self) -> DateTime<Utc> {
        match self {
            Flow::Removal => start() + Duration::days(10),
            _ => start(),
        }
    }
}

/// The flow as the kiosk's screens and the delivery worker would run it.
pub(super) fn drive(k: &mut Kiosk, flow: Flow) {
    let door = flow.door();
    match flow {
        Flow::Deposit => {
            let courier = k.sign_in(COURIER);
            let events = k.cmd(
                &courier,
                Command::StartDeposit {
                    tracking: "TRK-CRASH-1".into(),
                    recipient: RECIPIENT.into(),
                    size: SizeChoice::Size(Size::S),
                    class: ParcelClass::Domestic,
                },
            );
            assert_eq!(opening(&events), Some(door), "{events:?}");
            let stored = k.pump_until(
                "the deposit is stored",
                |e| matches!(e, Event::DepositStored { compartment, .. } if *compartment == door),
            );
            let Event::DepositStored { parcel, .. } = stored else {
                unreachable!()
            };
            say("STORED", parcel.0);
            // The delivery worker takes the code's message and sends it.
            let due = k.engine.due_messages(usize::MAX).expect("due messages");
            for n in due.into_iter().filter(|n| n.parcel == Some(parcel)) {
                let code = n.code.clone().unwrap_or_default();
                say("SENT", format!("{} {} {code}", n.id, parcel.0));
                k.cmd(&local(), Command::MessageSent { id: n.id });
            }
        }
        Flow::Pickup | Flow::Reopen => {
            let parcel = ParcelId(env("LOCKER_CRASH_PARCEL").parse().expect("parcel id"));
            let code = env("LOCKER_CRASH_CODE");
            let events = k.cmd(&Actor::Kiosk, Command::EnterCode { code });
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until(
                "the pickup is confirmed",
                |e| matches!(e, Event::PickupConfirmed { parcel: p, .. } if *p == parcel),
            );
            if flow == Flow::Reopen {
                let events = k.cmd(&Actor::Kiosk, Command::Reopen { compartment: door });
                assert_eq!(opening(&events), Some(door), "{events:?}");
                k.pump_until("the re-opened door closes", |e| {
                    *e == Event::DoorClosed { compartment: door }
                });
            }
        }
        Flow::ManualUnlock => {
            let admin = k.sign_in(ADMIN);
            let events = k.cmd(
                &admin,
                Command::ManualUnlock {
                    compartment: door,
                    reason: "crash test".into(),
                },
            );
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until("the unlocked door closes", |e| {
                *e == Event::DoorClosed { compartment: door }
            });
        }
        Flow::ReturnDrop | Flow::ReturnCollect => {
            let code = env("LOCKER_CRASH_RETURN_CODE");
            let events = k.cmd(&Actor::Kiosk, Command::DropReturn { code });
            assert_eq!(opening(&events), Some(door), "{events:?}");
            let dropped = k.pump_until(
                "the return is dropped off",
                |e| matches!(e, Event::ReturnDropped { compartment, .. } if *compartment == door),
            );
            let Event::ReturnDropped { parcel, .. } = dropped else {
                unreachable!()
            };
            say("STORED", parcel.0);
            if flow == Flow::ReturnCollect {
                let courier = k.sign_in(COURIER);
                let events = k.cmd(&courier, Command::CollectReturn { parcel });
                assert_eq!(opening(&events), Some(door), "{events:?}");
                k.pump_until(
                    "the return is collected",
                    |e| matches!(e, Event::ReturnCollected { parcel: p, .. } if *p == parcel),
                );
            }
        }
        Flow::Removal => {
            let events = k.engine.tick().expect("tick");
            let Some(parcel) = events.iter().find_map(|e| match e {
                Event::ParcelExpired { parcel, .. } => Some(*parcel),
                _ => None,
            }) else {
                panic!("the parcel expires: {events:?}");
            };
            let admin = k.sign_in(ADMIN);
            let events = k.cmd(&admin, Command::OpenForRemoval { parcel });
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until(
                "the parcel is removed",
                |e| matches!(e, Event::ParcelRemoved { parcel: p, .. } if *p == parcel),
            );
        }
    }
}
