//! Engine tests, named after the situations in the FAQs and grouped by
//! flow; here the rig and helpers they share with other test modules.

mod admin;
mod codes;
mod deposit;
mod directory;
mod faults;
mod hold;
mod lost;
mod pickup;
mod recovery;
mod returns;
mod thread;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Madrid;

use super::*;
use crate::bus::fake::FakeBus;
use crate::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use crate::clock::ManualClock;
use crate::domain::{Delegate, Language, Parcel, ParcelClass, Recipient, RecipientId, Role, Size};
use crate::hardware::CompartmentLayout;
use crate::store::{NotificationKind, T};

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

    /// A whole pickup: the code, the door opened, the parcel taken, the
    /// door closed; the events of the closing.
    pub fn pick_up(&mut self, c: CompartmentId, code: &str) -> Vec<Event> {
        self.enter(code);
        self.door(c, DoorEventKind::Opened);
        self.bus.set_item(lock(c), false);
        self.door(c, DoorEventKind::Closed)
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
