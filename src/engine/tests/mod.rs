//! Engine tests, named after the situations in the FAQs.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Madrid;

use super::*;
use crate::bus::fake::FakeBus;
use crate::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use crate::clock::ManualClock;
use crate::domain::{
    CompartmentState, Delegate, Language, Parcel, ParcelState, Recipient, RecipientId,
};
use crate::domain::{Dimensions, ParcelClass, Size};
use crate::hardware::CompartmentLayout;
use crate::store::{AlertKind, NotificationKind, T};

pub(crate) struct Rig {
    pub engine: Engine,
    pub bus: FakeBus,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
    pub courier: Actor,
    pub admin: Actor,
}

/// Monday 16 November 2026, 10:00 in Madrid: where a rig's day begins.
pub(crate) fn start() -> DateTime<Utc> {
    madrid(2026, 11, 16, 10, 0)
}

pub(crate) fn bank() -> BankLayout {
    let sizes = [Size::S, Size::S, Size::M, Size::M, Size::L, Size::XL];
    BankLayout {
        name: "test".into(),
        compartments: sizes
            .iter()
            .enumerate()
            .map(|(i, s)| CompartmentLayout {
                id: CompartmentId(i as u16 + 1),
                size: *s,
                board: 1,
                channel: i as u16,
                column: (i / 3) as u16,
                row: (i % 3) as u16,
                camera: Some("cam1".into()),
            })
            .collect(),
    }
}

fn madrid(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Madrid
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) fn lock(c: CompartmentId) -> LockId {
    LockId {
        board: 1,
        channel: c.0 - 1,
    }
}

impl Rig {
    pub fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        Self::open(dir, start())
    }

    pub fn open(dir: tempfile::TempDir, now: DateTime<Utc>) -> Rig {
        Rig::open_with(dir, now, EngineSettings::for_tests())
    }

    pub fn open_with(dir: tempfile::TempDir, now: DateTime<Utc>, settings: EngineSettings) -> Rig {
        let bus = FakeBus::new();
        let clock = ManualClock::new(now);
        // sled's background flusher lets go of the file lock a moment after
        // the dropped engine, as a real restart would after the old process.
        let mut store = Store::open(dir.path());
        for _ in 0..2000 {
            if !matches!(store, Err(crate::store::StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
            store = Store::open(dir.path());
        }
        let store = store.unwrap();
        let mut engine = Engine::open(
            store,
            Box::new(bus.clone()),
            bank(),
            Arc::new(clock.clone()),
            settings,
        )
        .unwrap();
        let local = Actor::Local {
            name: "test".into(),
        };
        if engine.store().tree(T::Users).is_empty() {
            for (name, role, pin) in [
                ("1001", Role::Courier, "4321"),
                ("admin", Role::Admin, "9999"),
            ] {
                engine
                    .handle(
                        &local,
                        Command::AddUser {
                            name: name.into(),
                            role,
                            pin: pin.into(),
                            badge: None,
                            carrier_email: None,
                        },
                    )
                    .unwrap();
            }
            for (id, name) in [("111111", "Ana"), ("222222", "Ben")] {
                let mut r = Recipient::closed(RecipientId::parse(id).unwrap());
                r.closed = false;
                r.name = name.into();
                r.email = format!("{}@example.org", name.to_lowercase());
                r.language = Language::Es;
                if id == "111111" {
                    r.delegates.push(Delegate {
                        name: "Cris".into(),
                        email: "cris@example.org".into(),
                    });
                }
                engine
                    .handle(&local, Command::AddRecipient { recipient: r })
                    .unwrap();
            }
        }
        let courier = sign_in(&mut engine, "1001", "4321");
        let admin = sign_in(&mut engine, "admin", "9999");
        Rig {
            engine,
            bus,
            clock,
            dir,
            courier,
            admin,
        }
    }

    /// Drops the engine as a crash would and opens the same directory again.
    pub fn restart(self, prepare: impl FnOnce(&FakeBus)) -> (Rig, EngineResult) {
        let now = self.clock.now();
        let Rig {
            engine, bus, dir, ..
        } = self;
        drop(engine);
        let mut rig = Rig::open(dir, now);
        // The sensors are the same physical doors.
        rig.bus = bus;
        prepare(&rig.bus);
        rig.engine.bus = Box::new(rig.bus.clone());
        let events = rig.engine.recover();
        (rig, events)
    }

    pub fn door(&mut self, c: CompartmentId, kind: DoorEventKind) -> Vec<Event> {
        let state = match kind {
            DoorEventKind::Opened | DoorEventKind::ForcedOpen => DoorState::Open,
            _ => DoorState::Closed,
        };
        self.bus.set_door(lock(c), state);
        let at = self.clock.now();
        self.engine
            .on_bus_event(BusEvent::Door(DoorEvent {
                lock: lock(c),
                kind,
                at,
            }))
            .unwrap()
    }

    /// The courier asks for a door of `size` for a parcel to Ana.
    pub fn start_deposit(&mut self, size: Size) -> EngineResult {
        let cmd = Command::StartDeposit {
            tracking: "TRK12345".into(),
            recipient: "PX-111111".into(),
            size: SizeChoice::Size(size),
            class: ParcelClass::Domestic,
        };
        self.engine.handle(&self.courier.clone(), cmd)
    }

    /// A courier deposit through open and close; returns the parcel, door and code.
    pub fn deposit(&mut self, recipient: &str, size: Size) -> (ParcelId, CompartmentId, String) {
        let ev = self
            .engine
            .handle(
                &self.courier.clone(),
                Command::StartDeposit {
                    tracking: "TRK12345".into(),
                    recipient: recipient.into(),
                    size: SizeChoice::Size(size),
                    class: ParcelClass::Domestic,
                },
            )
            .unwrap();
        let c = opening(&ev).expect("door opening");
        self.door(c, DoorEventKind::Opened);
        self.bus.set_item(lock(c), true);
        let ev = self.door(c, DoorEventKind::Closed);
        let parcel = ev
            .iter()
            .find_map(|e| match e {
                Event::DepositStored { parcel, .. } => Some(*parcel),
                _ => None,
            })
            .expect("deposit stored");
        (parcel, c, self.code_of(parcel))
    }

    /// The newest code queued for a parcel, derived as delivery would.
    pub fn code_of(&self, parcel: ParcelId) -> String {
        self.message_codes(parcel)
            .expect("a delivered notification with a code")
            .0
    }

    /// The code and QR payload the newest unsent message about a parcel
    /// gives, derived as delivery would.
    pub fn message_codes(&self, parcel: ParcelId) -> Option<(String, String)> {
        let mut n = query::outbox(self.engine.store())
            .unwrap()
            .into_iter()
            .rev()
            .find(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)?;
        self.engine.reveal_code(&mut n);
        Some((n.code?, n.qr?))
    }

    pub fn parcel(&self, id: ParcelId) -> Parcel {
        self.engine
            .store()
            .get(T::Parcels, &crate::store::seq_key(id.0))
            .unwrap()
            .unwrap()
    }

    pub fn compartment(&self, id: CompartmentId) -> Compartment {
        self.engine
            .store()
            .get(T::Compartments, &compartment_key(id))
            .unwrap()
            .unwrap()
    }

    pub fn enter(&mut self, code: &str) -> Vec<Event> {
        self.engine
            .handle(&Actor::Kiosk, Command::EnterCode { code: code.into() })
            .unwrap()
    }
}

pub(crate) fn sign_in(engine: &mut Engine, user: &str, pin: &str) -> Actor {
    let ev = engine
        .handle(
            &Actor::Kiosk,
            Command::SignIn {
                user: user.into(),
                pin: pin.into(),
            },
        )
        .unwrap();
    match ev.first() {
        Some(Event::SignedIn { session, .. }) => Actor::Session { id: *session },
        other => panic!("sign-in failed: {other:?}"),
    }
}

pub(crate) fn opening(ev: &[Event]) -> Option<CompartmentId> {
    ev.iter().find_map(|e| match e {
        Event::DoorOpening { compartment, .. } => Some(*compartment),
        _ => None,
    })
}

fn refusal(ev: &[Event]) -> Option<Refusal> {
    ev.iter().find_map(|e| match e {
        Event::CodeRefused { refusal, .. } => Some(refusal.clone()),
        _ => None,
    })
}

#[test]
fn deposit_creates_the_code_only_when_the_door_closes() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::M).unwrap();
    let c = opening(&ev).unwrap();
    assert_eq!(c, CompartmentId(3), "smallest free M");
    assert_eq!(rig.compartment(c).state(), CompartmentState::Reserved);
    assert!(
        query::outbox(rig.engine.store())
            .unwrap()
            .iter()
            .all(|n| n.kind != NotificationKind::Delivered)
    );
    assert!(rig.engine.store().tree(T::Codes).is_empty());
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    rig.door(c, DoorEventKind::Closed);
    assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
    let stored = query::outbox(rig.engine.store()).unwrap();
    let delivered: Vec<_> = rig
        .engine
        .outbox_with_codes()
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Delivered)
        .collect();
    assert_eq!(delivered.len(), 1);
    // The record keeps the seed, never the code or the token.
    let record = serde_json::to_string(&stored).unwrap();
    let code = delivered[0].code.clone().unwrap();
    let qr = delivered[0].qr.clone().unwrap();
    assert!(stored.iter().all(|n| n.code.is_none() && n.qr.is_none()));
    assert!(!record.contains(&qr) && !record.contains(&qr[7..]));
    assert!(!record.contains(&format!("\"{code}\"")), "{record}");
    assert_eq!(
        delivered[0].to,
        vec!["ana@example.org", "cris@example.org"],
        "delegates get copies"
    );
    assert_eq!(delivered[0].language, Language::Es);
    assert!(delivered[0].qr.as_ref().unwrap().starts_with("LKR1:A:"));
}

#[test]
fn pickup_opens_the_door_and_the_code_dies_when_it_closes() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    let ev = rig.enter(&code);
    assert_eq!(opening(&ev), Some(c));
    assert_eq!(rig.bus.pulses().last(), Some(&lock(c)));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::PickupConfirmed { .. }))
    );
    assert_eq!(rig.parcel(parcel).state, ParcelState::PickedUp);
    assert!(rig.compartment(c).allocatable());
    assert_eq!(refusal(&rig.enter(&code)), Some(Refusal::Used));
}

#[test]
fn door_closed_before_taking_parcel_can_reopen_within_the_window() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    rig.door(c, DoorEventKind::Opened);
    rig.door(c, DoorEventKind::Closed);
    assert!(
        rig.compartment(c).needs_inspection,
        "parcel still inside keeps the door out of allocation"
    );
    rig.clock.advance(Duration::seconds(30));
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    rig.clock.advance(Duration::seconds(61));
    let e = rig
        .engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::ReopenClosed)));
}

#[test]
fn pickup_attempt_costs_exactly_one_keyed_hash_whatever_the_number_of_parcels() {
    let mut rig = Rig::new();
    let mut codes = vec![];
    for _ in 0..5 {
        codes.push(rig.deposit("222222", Size::S).2);
    }
    let argon2 = rig.engine.hash_evaluations();
    let before = rig.engine.code_lookups();
    rig.enter("000000");
    assert_eq!(rig.engine.code_lookups() - before, 1, "a wrong code");
    let before = rig.engine.code_lookups();
    rig.enter(&codes[4]);
    assert_eq!(rig.engine.code_lookups() - before, 1, "a right code");
    assert_eq!(rig.engine.hash_evaluations(), argon2, "no argon2 for codes");
}

#[test]
fn five_wrong_codes_pause_typed_codes_until_a_try_comes_back() {
    let mut rig = Rig::new();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for i in 0..4 {
        let ev = rig.enter(wrong);
        assert!(
            matches!(ev[0], Event::CodeRefused { refusal: Refusal::Unknown, tries_left } if tries_left == 4 - i)
        );
    }
    let ev = rig.enter(wrong);
    assert!(ev.iter().any(|e| matches!(e, Event::CodesLocked { .. })));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::Lockout))
    );
    // Even the right code waits out the lock, and costs no hashing.
    let before = rig.engine.code_lookups();
    assert!(matches!(rig.enter(&code)[0], Event::CodesLocked { .. }));
    assert_eq!(rig.engine.code_lookups(), before);
    rig.clock.advance(Duration::seconds(361));
    assert!(opening(&rig.enter(&code)).is_some());
}

#[test]
fn reminders_fire_twice_then_the_final_notice() {
    let mut rig = Rig::new();
    let (parcel, _, code) = rig.deposit("111111", Size::S);
    let mut reminders = vec![];
    let mut expired = false;
    // Walk a week hour by hour.
    for _ in 0..(24 * 7) {
        rig.clock.advance(Duration::hours(1));
        for e in rig.engine.tick().unwrap() {
            match e {
                Event::ReminderQueued { number, .. } => reminders.push((number, rig.clock.now())),
                Event::ParcelExpired { .. } => expired = true,
                _ => {}
            }
        }
    }
    assert_eq!(
        reminders.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let r1 = reminders[0].1.with_timezone(&Madrid);
    assert_eq!(r1.format("%Y-%m-%d %H").to_string(), "2026-11-18 09");
    assert!(expired);
    let kinds: Vec<_> = query::outbox(rig.engine.store())
        .unwrap()
        .into_iter()
        .filter(|n| n.parcel == Some(parcel))
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == NotificationKind::FinalNotice)
            .count(),
        1
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| matches!(k, NotificationKind::Reminder1 | NotificationKind::Reminder2))
            .count(),
        2
    );
    assert_eq!(rig.parcel(parcel).state, ParcelState::Expired);
    assert_eq!(refusal(&rig.enter(&code)), Some(Refusal::Expired));
    assert_eq!(query::expired_parcels(rig.engine.store()).unwrap().len(), 1);
}

#[test]
fn deposit_at_2359_local_is_held_until_the_fifth_day_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut rig = Rig::open(dir, madrid(2026, 11, 16, 23, 59));
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let dl = rig.parcel(parcel).deadline.unwrap().with_timezone(&Madrid);
    assert_eq!(
        dl.format("%Y-%m-%d %H:%M:%S").to_string(),
        "2026-11-21 23:59:59"
    );
}

#[test]
fn expired_parcel_is_removed_by_staff_walk() {
    let mut rig = Rig::new();
    let (parcel, c, _) = rig.deposit("111111", Size::S);
    rig.clock.advance(Duration::days(6));
    rig.engine.tick().unwrap();
    // Days later the session has ended: the staff member signs in again.
    let staff = sign_in(&mut rig.engine, "1001", "4321");
    let ev = rig
        .engine
        .handle(&staff, Command::OpenForRemoval { parcel })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert_eq!(rig.parcel(parcel).state, ParcelState::Removed);
    assert!(rig.compartment(c).allocatable());
    assert!(
        query::expired_parcels(rig.engine.store())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn resend_rotates_the_code_and_the_old_one_dies() {
    let mut rig = Rig::new();
    let (parcel, c, old) = rig.deposit("111111", Size::S);
    rig.engine
        .handle(&rig.admin.clone(), Command::ResendCode { parcel })
        .unwrap();
    let new = rig.code_of(parcel);
    assert_eq!(
        refusal(&rig.enter(&old)),
        if old == new {
            None
        } else {
            Some(Refusal::Replaced)
        }
    );
    assert_eq!(opening(&rig.enter(&new)), Some(c));
}

#[test]
fn reassigned_parcel_gets_a_new_code_and_both_recipients_are_told() {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::Reassign {
                parcel,
                recipient: "222222".into(),
            },
        )
        .unwrap();
    let msgs = query::outbox(rig.engine.store()).unwrap();
    assert!(
        msgs.iter().any(|n| n.kind == NotificationKind::Reassigned
            && n.to.contains(&"ana@example.org".to_string()))
    );
    assert!(
        msgs.iter().any(|n| n.kind == NotificationKind::Delivered
            && n.to == vec!["ben@example.org".to_string()])
    );
    assert_eq!(rig.parcel(parcel).recipient.as_str(), "PX-222222");
}

#[test]
fn close_account_is_refused_while_a_parcel_waits() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    let e = rig
        .engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "PX-111111".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::ParcelsWaiting)));
    rig.enter(&code);
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "PX-111111".into(),
            },
        )
        .unwrap();
    let r: Recipient = rig
        .engine
        .store()
        .get(T::Recipients, b"111111")
        .unwrap()
        .unwrap();
    assert!(r.closed && r.email.is_empty() && r.name.is_empty());
    assert!(
        !rig.engine.store().tree(T::Audit).is_empty(),
        "the audit trail stays"
    );
}

#[test]
fn unknown_or_closed_recipient_is_refused_deliver_as_usual() {
    let mut rig = Rig::new();
    let start = |r: &str| Command::StartDeposit {
        tracking: "TRK9".into(),
        recipient: r.into(),
        size: SizeChoice::Size(Size::S),
        class: ParcelClass::Domestic,
    };
    let e = rig
        .engine
        .handle(&rig.courier.clone(), start("999999"))
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::NotRegistered)));
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::CloseAccount {
                recipient: "222222".into(),
            },
        )
        .unwrap();
    let e = rig
        .engine
        .handle(&rig.courier.clone(), start("222222"))
        .unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::NotRegistered)));
}

#[test]
fn oversized_parcel_is_refused() {
    let mut rig = Rig::new();
    let cmd = Command::StartDeposit {
        tracking: "TRK9".into(),
        recipient: "111111".into(),
        size: SizeChoice::Dimensions(Dimensions::new(70, 40, 60)),
        class: ParcelClass::Domestic,
    };
    let e = rig.engine.handle(&rig.courier.clone(), cmd).unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::Oversized)));
    assert!(rig.bus.pulses().is_empty());
}

#[test]
fn does_not_fit_frees_the_door_and_opens_a_larger_one() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let small = opening(&ev).unwrap();
    rig.door(small, DoorEventKind::Opened);
    let parcel = rig.compartment(small).parcel.unwrap();
    let ev = rig
        .engine
        .handle(
            &rig.courier.clone(),
            Command::DoesNotFit { parcel, size: None },
        )
        .unwrap();
    let medium = opening(&ev).unwrap();
    assert_eq!(rig.compartment(medium).size, Size::M);
    rig.door(small, DoorEventKind::Closed);
    assert!(
        rig.compartment(small).allocatable(),
        "the small door is free again once closed"
    );
    rig.door(medium, DoorEventKind::Opened);
    rig.bus.set_item(lock(medium), true);
    let ev = rig.door(medium, DoorEventKind::Closed);
    assert!(ev.iter().any(|e| matches!(e, Event::DepositStored { .. })));
    assert_eq!(rig.parcel(parcel).compartment, medium);
}

#[test]
fn cancelled_deposit_frees_the_compartment() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    assert!(query::live_parcels(rig.engine.store()).unwrap().is_empty());
    assert!(rig.engine.store().tree(T::Codes).is_empty());
}

#[test]
fn a_deposit_given_up_with_the_parcel_inside_is_flagged_not_freed() {
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::L).unwrap();
    let c = opening(&ev).unwrap();
    let parcel = rig.compartment(c).parcel.unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), true);
    rig.engine
        .handle(&rig.courier.clone(), Command::CancelDeposit { parcel })
        .unwrap();
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).needs_inspection);
    assert!(!rig.compartment(c).allocatable());
    let alerts = query::alerts(rig.engine.store()).unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == AlertKind::InspectionNeeded && a.compartment == Some(c)),
        "{alerts:?}"
    );
}

#[test]
fn jammed_door_keeps_the_code_valid_and_alerts_the_admin() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    let ev = rig.door(c, DoorEventKind::Jammed);
    assert!(ev.iter().any(|e| matches!(e, Event::DoorJammed { .. })));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::Jam))
    );
    assert_eq!(rig.compartment(c).state(), CompartmentState::Faulty);
    assert_eq!(
        rig.engine.store().tree(T::Codes).len(),
        1,
        "code still live"
    );
}

#[test]
fn forced_open_raises_an_alarm_with_a_cctv_marker() {
    let mut rig = Rig::new();
    let (_, c, _) = rig.deposit("111111", Size::S);
    let ev = rig.door(c, DoorEventKind::ForcedOpen);
    assert!(
        ev.iter().any(
            |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::ForcedOpen)
        )
    );
    let markers = query::markers(rig.engine.store()).unwrap();
    assert_eq!(markers.len(), 1);
    assert_eq!(markers[0].camera.as_deref(), Some("cam1"));
    assert!(rig.compartment(c).needs_inspection);
}

#[test]
fn courier_pin_cannot_reach_admin_commands() {
    let mut rig = Rig::new();
    let courier = rig.courier.clone();
    for cmd in [
        Command::ManualUnlock {
            compartment: CompartmentId(1),
            reason: "x".into(),
        },
        Command::AddUser {
            name: "evil".into(),
            role: Role::Admin,
            pin: "1111".into(),
            badge: None,
            carrier_email: None,
        },
        Command::CloseAccount {
            recipient: "111111".into(),
        },
        Command::SetDisabled {
            compartment: CompartmentId(1),
            disabled: true,
            reason: "x".into(),
        },
    ] {
        let e = rig.engine.handle(&courier, cmd).unwrap_err();
        assert!(matches!(e, EngineError::Denied { .. }), "{e}");
    }
    assert!(rig.bus.pulses().is_empty());
    let e = rig
        .engine
        .handle(
            &Actor::Kiosk,
            Command::ManualUnlock {
                compartment: CompartmentId(1),
                reason: "x".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, EngineError::NotSignedIn));
}

#[test]
fn manual_unlock_needs_a_reason_and_leaves_a_marker() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    assert!(
        rig.engine
            .handle(
                &admin,
                Command::ManualUnlock {
                    compartment: CompartmentId(2),
                    reason: " ".into()
                }
            )
            .is_err()
    );
    let ev = rig
        .engine
        .handle(
            &admin,
            Command::ManualUnlock {
                compartment: CompartmentId(2),
                reason: "cleaning".into(),
            },
        )
        .unwrap();
    assert_eq!(opening(&ev), Some(CompartmentId(2)));
    assert_eq!(
        query::markers(rig.engine.store()).unwrap()[0].note,
        "cleaning"
    );
}

#[test]
fn disabled_compartment_is_kept_out_of_allocation() {
    let mut rig = Rig::new();
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetDisabled {
                compartment: CompartmentId(1),
                disabled: true,
                reason: "broken hinge".into(),
            },
        )
        .unwrap();
    let (_, c, _) = rig.deposit("111111", Size::S);
    assert_eq!(c, CompartmentId(2));
}

#[test]
fn vacation_extends_the_hold_and_waives_storage_fees() {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let before = rig.parcel(parcel).deadline.unwrap();
    let until = chrono::NaiveDate::from_ymd_opt(2026, 11, 23);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetVacation {
                recipient: "111111".into(),
                until,
            },
        )
        .unwrap();
    let after = rig.parcel(parcel).deadline.unwrap();
    assert_eq!((after - before).num_days(), 3);
}

#[test]
fn crash_between_intent_and_outcome_is_settled_from_the_sensors() {
    // Deposit door pulsed, then the power went: the item sensor says the parcel is in.
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let c = opening(&ev).unwrap();
    let (rig, events) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), true);
    });
    assert!(
        events
            .unwrap()
            .iter()
            .any(|e| matches!(e, Event::DepositStored { .. }))
    );
    assert_eq!(rig.compartment(c).state(), CompartmentState::Occupied);
    assert_eq!(rig.engine.store().tree(T::Codes).len(), 1);

    // Same, but the sensor cannot be read: inspection and an alert, never free.
    let mut rig = Rig::new();
    let ev = rig.start_deposit(Size::S).unwrap();
    let c = opening(&ev).unwrap();
    let (rig, events) = rig.restart(|bus| bus.set_board_offline(1, true));
    let events = events.unwrap();
    assert!(events.iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    let comp = rig.compartment(c);
    assert!(comp.needs_inspection && !comp.allocatable());
    assert!(comp.parcel.is_some());
}

#[test]
fn crash_after_pickup_pulse_with_parcel_gone_confirms_the_pickup() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    let (rig, _) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), false);
    });
    assert_eq!(rig.parcel(parcel).state, ParcelState::PickedUp);
    assert!(
        rig.engine.store().tree(T::Codes).is_empty(),
        "no live code for an empty compartment"
    );
    assert!(rig.compartment(c).allocatable());
}

#[test]
fn sent_or_dead_codes_leave_no_seed_in_the_outbox() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    let msgs = query::outbox(rig.engine.store()).unwrap();
    assert!(
        msgs.iter()
            .filter(|n| n.parcel == Some(parcel))
            .all(|n| n.seed.is_none())
    );
    assert_eq!(rig.message_codes(parcel), None);
}

#[test]
fn qr_for_another_kiosk_says_so() {
    let mut rig = Rig::new();
    let payload = crate::domain::QrToken::random("B").payload();
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::ScanQr { payload })
        .unwrap();
    assert_eq!(
        refusal(&ev),
        Some(Refusal::OtherKiosk { kiosk: "B".into() })
    );
}

#[test]
fn qr_scan_opens_the_door_once() {
    let mut rig = Rig::new();
    let (parcel, c, _) = rig.deposit("111111", Size::S);
    let qr = rig.message_codes(parcel).unwrap().1;
    let ev = rig
        .engine
        .handle(
            &Actor::Kiosk,
            Command::ScanQr {
                payload: qr.clone(),
            },
        )
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::ScanQr { payload: qr })
        .unwrap();
    assert_eq!(refusal(&ev), Some(Refusal::Used));
}

#[test]
fn fee_is_shown_before_the_door_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut rig = Rig::open(dir, madrid(2026, 11, 16, 10, 0));
    rig.engine.settings.fees = FeePolicy {
        per_use_cents: 150,
        storage_per_day_cents: 0,
        free_days: 3,
        currency: "EUR".into(),
    };
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    let ev = rig.enter(&code);
    let ticket = match &ev[0] {
        Event::FeeDue { ticket, fee, .. } => {
            assert_eq!(fee.display(), "EUR 1.50");
            *ticket
        }
        other => panic!("expected a fee, got {other:?}"),
    };
    assert!(rig.bus.pulses().len() == 1, "only the deposit pulse so far");
    let ev = rig
        .engine
        .handle(&Actor::Kiosk, Command::AcceptFee { ticket })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    let fees: Vec<crate::store::FeeRecord> = rig.engine.store().all(T::Fees).unwrap();
    assert_eq!(fees.len(), 1);
    assert_eq!(fees[0].parcel, parcel);
}

#[test]
fn all_boards_offline_puts_the_kiosk_out_of_service() {
    let mut rig = Rig::new();
    rig.bus.set_board_offline(1, true);
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOffline { board: 1 })
        .unwrap();
    assert!(ev.contains(&Event::BusDown));
    assert!(rig.engine.bus_down());
    let e = rig.start_deposit(Size::S).unwrap_err();
    assert!(matches!(e, EngineError::Refused(Refusal::BusDown)));
    assert!(query::live_parcels(rig.engine.store()).unwrap().is_empty());
    rig.bus.set_board_offline(1, false);
    let ev = rig
        .engine
        .on_bus_event(BusEvent::BoardOnline { board: 1 })
        .unwrap();
    assert!(ev.contains(&Event::BusUp));
}

#[test]
fn refused_item_inputs_raise_one_alert_naming_board_and_inputs() {
    let mut rig = Rig::new();
    let ev = rig
        .engine
        .on_bus_event(BusEvent::ItemInputsRefused {
            board: 1,
            input_base: 0x0100,
            count: 48,
            exception: 2,
        })
        .unwrap();
    let raised: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::AlertRaised { alert } => Some(alert),
            _ => None,
        })
        .collect();
    assert_eq!(raised.len(), 1, "{ev:?}");
    assert_eq!(
        raised[0].kind,
        crate::store::AlertKind::ItemSensorsUnreadable
    );
    assert!(raised[0].text.contains("board 1"), "{}", raised[0].text);
    assert!(
        raised[0].text.contains("0x0100-0x012F"),
        "{}",
        raised[0].text
    );
    let alerts = query::alerts(rig.engine.store()).unwrap();
    assert_eq!(
        alerts
            .iter()
            .filter(|a| a.kind == crate::store::AlertKind::ItemSensorsUnreadable)
            .count(),
        1
    );
    // Doors still work: the kiosk stays in service.
    assert!(!rig.engine.bus_down());
}

#[tokio::test]
async fn engine_thread_answers_commands_and_publishes_door_events() {
    let rig = Rig::new();
    let Rig {
        engine,
        bus,
        courier,
        dir,
        ..
    } = rig;
    let (bus_tx, bus_rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = runner::EngineHandle::spawn(engine, bus_rx, std::time::Duration::ZERO);
    let mut events = handle.subscribe();
    let cmd = Command::StartDeposit {
        tracking: "TRK77".into(),
        recipient: "111111".into(),
        size: SizeChoice::Size(Size::XL),
        class: ParcelClass::Express,
    };
    let c = opening(&handle.send(courier, cmd).await.unwrap()).unwrap();
    assert_eq!(c, CompartmentId(6));
    assert_eq!(bus.pulses(), vec![lock(c)]);
    let at = Utc::now();
    bus_tx
        .send(BusEvent::Door(DoorEvent {
            lock: lock(c),
            kind: DoorEventKind::Opened,
            at,
        }))
        .unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(Event::DoorOpened { compartment }) => return compartment,
                Ok(_) => continue,
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(first, c);
    let reserved = handle
        .inspect(move |e| query::live_parcels(e.store()).unwrap().len())
        .await;
    assert_eq!(reserved, Some(1));
    drop(dir);
}

#[test]
fn admin_places_a_parcel_found_inside_and_it_gets_a_code() {
    let mut rig = Rig::new();
    let cmd = Command::PlaceParcel {
        compartment: CompartmentId(5),
        tracking: "FOUND1".into(),
        recipient: "222222".into(),
        class: ParcelClass::Domestic,
    };
    let e = rig
        .engine
        .handle(&rig.courier.clone(), cmd.clone())
        .unwrap_err();
    assert!(matches!(e, EngineError::Denied { .. }));
    let ev = rig.engine.handle(&rig.admin.clone(), cmd.clone()).unwrap();
    let Some(Event::DepositStored { parcel, .. }) = ev.first() else {
        panic!("{ev:?}")
    };
    assert!(rig.bus.pulses().is_empty(), "no door moves");
    assert_eq!(
        rig.compartment(CompartmentId(5)).state(),
        CompartmentState::Occupied
    );
    assert!(matches!(
        rig.engine.handle(&rig.admin.clone(), cmd).unwrap_err(),
        EngineError::Refused(Refusal::NoCompartment)
    ));
    let code = rig.code_of(*parcel);
    assert_eq!(opening(&rig.enter(&code)), Some(CompartmentId(5)));
}

#[test]
fn a_door_unlocked_by_hand_that_closes_empty_needs_an_inspection() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    let admin = rig.admin.clone();
    let unlock = Command::ManualUnlock {
        compartment: c,
        reason: "cleaning".into(),
    };
    rig.engine.handle(&admin, unlock).unwrap();
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    let ev = rig.door(c, DoorEventKind::Closed);
    assert!(ev.iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    assert!(rig.compartment(c).needs_inspection);
    assert_eq!(
        refusal(&rig.enter(&code)),
        Some(Refusal::NeedsInspection),
        "no live code for an empty compartment"
    );
}

#[test]
fn a_reopened_door_that_closes_on_something_new_is_kept_out_of_allocation() {
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    rig.enter(&code);
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert!(rig.compartment(c).allocatable());
    rig.engine
        .handle(&Actor::Kiosk, Command::Reopen { compartment: c })
        .unwrap();
    // The same on a restart: the door closed while the kiosk was down.
    let (rig, events) = rig.restart(|bus| {
        bus.set_door(lock(c), DoorState::Closed);
        bus.set_item(lock(c), true);
    });
    assert!(events.unwrap().iter().any(
        |e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::InspectionNeeded)
    ));
    assert!(!rig.compartment(c).allocatable());
}

#[test]
fn stored_text_from_any_front_end_is_held_to_the_domain_limits() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let mut ana = Recipient::closed(RecipientId::parse("333333").unwrap());
    ana.closed = false;
    ana.name = "Ana".into();
    ana.email = "ana@example.org".into();
    let with = |f: &dyn Fn(&mut Recipient)| {
        let mut r = ana.clone();
        f(&mut r);
        Command::AddRecipient { recipient: r }
    };
    let user = |name: &str| Command::AddUser {
        name: name.into(),
        role: Role::Courier,
        pin: "1357".into(),
        badge: None,
        carrier_email: None,
    };
    for cmd in [
        user("jos\u{e9}"),
        user("a\u{1b}[2J"),
        with(&|r| r.name = "Ana\u{1b}]0;x\u{7}".into()),
        with(&|r| r.name = "A".repeat(65)),
        with(&|r| r.email = "ana@\u{9b}31m".into()),
        Command::AddMarker {
            compartment: None,
            note: "ok\u{1b}[1A".into(),
        },
        Command::SetDisabled {
            compartment: CompartmentId(1),
            disabled: true,
            reason: "r".repeat(201),
        },
    ] {
        let e = rig.engine.handle(&admin, cmd.clone()).unwrap_err();
        assert!(matches!(e, EngineError::Invalid(_)), "{cmd:?}: {e}");
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }
    assert!(rig.engine.handle(&admin, with(&|_| {})).is_ok());
    assert!(rig.engine.handle(&admin, user("ana.lopez")).is_ok());
}
