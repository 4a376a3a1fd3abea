//! The demo's people and pre-filled locker, made through the engine's own
//! commands so the demo runs the same rules as a real kiosk.

use crate::domain::{
    CompartmentId, Delegate, FeePolicy, Language, ParcelClass, Recipient, RecipientId, Role,
};
use crate::engine::{Actor, Command, Engine, EngineError, Event};
use crate::store::NotificationKind;

/// What the demo's help panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoFacts {
    /// (door, code, recipient) of each parcel waiting in the locker.
    pub codes: Vec<(CompartmentId, String, String)>,
    /// (user number, PIN, role) of each demo account.
    pub accounts: Vec<(String, String, Role)>,
    /// Recipient IDs a courier can deliver to.
    pub recipients: Vec<String>,
    /// The QR payload of the first parcel, for typing as a scanner would.
    pub qr: Option<String>,
    /// The code of a return waiting to be dropped off.
    pub return_code: Option<String>,
}

/// The label of the express parcel waiting in the demo's locker.
const DEMO_EXPRESS_LABEL: &str = "EE246813576US";

/// An S10 label a courier can scan (type fast) at the demo: express mail
/// from the US, so express and international at the demo's Madrid locker.
pub const S10_TO_SCAN: &str = "EE123456785US";

const ACCOUNTS: [(&str, &str, Role); 4] = [
    ("1001", "1234", Role::Courier),
    ("1002", "2468", Role::Courier),
    ("9000", "9999", Role::Admin),
    ("9100", "5555", Role::Technician),
];

const RECIPIENTS: [(&str, &str, Language); 4] = [
    ("482913", "Ana Ruiz", Language::Es),
    ("100002", "Ben Okafor", Language::En),
    ("100003", "Chen Wei", Language::En),
    ("100004", "Dolores Vega", Language::Es),
];

/// The demo charges for storage after three free days, as many residential
/// lockers do: the delivery messages name the fee, and a parcel left past
/// the free days shows it before its door opens and lands on the ledger.
pub fn fees() -> FeePolicy {
    FeePolicy {
        per_use_cents: 0,
        storage_per_day_cents: 50,
        free_days: 3,
        currency: "EUR".into(),
    }
}

/// Adds the demo accounts, recipients and a few parcels to a fresh store.
pub fn seed(engine: &mut Engine) -> Result<DemoFacts, EngineError> {
    let op = Actor::Local {
        name: "demo".into(),
    };
    for (name, pin, role) in ACCOUNTS {
        engine.handle(
            &op,
            Command::AddUser {
                name: name.into(),
                role,
                pin: pin.into(),
                badge: None,
                carrier_email: None,
            },
        )?;
    }
    for (digits, name, language) in RECIPIENTS {
        let id = RecipientId::parse(digits).map_err(|e| EngineError::Invalid(e.into()))?;
        let first = name.split(' ').next().unwrap_or(name).to_lowercase();
        let delegates = if digits == "482913" {
            vec![Delegate {
                name: "Luis Ruiz".into(),
                email: "luis@example.org".into(),
            }]
        } else {
            Vec::new()
        };
        let recipient = Recipient {
            id,
            name: name.into(),
            email: format!("{first}@example.org"),
            phone: None,
            notify_by: crate::domain::NotifyBy::Email,
            language,
            delegates,
            vacation_until: None,
            closed: false,
        };
        engine.handle(&op, Command::AddRecipient { recipient })?;
    }
    // A few parcels already waiting, in doors spread over the bank.
    let mut doors: Vec<CompartmentId> = engine.bank().compartments.iter().map(|c| c.id).collect();
    doors.sort();
    let mut picks: Vec<usize> = vec![1, doors.len() / 2, doors.len().saturating_sub(2)];
    picks.dedup();
    let picks = picks.into_iter().filter_map(|i| doors.get(i));
    let mut codes = Vec::new();
    let mut qr = None;
    for (i, door) in picks.enumerate() {
        let (digits, _, _) = RECIPIENTS[i % RECIPIENTS.len()];
        // The first is classed by hand; the others by their S10 labels,
        // posted from Germany and (express) from the US to a locker in Spain.
        let (tracking, class) = [
            (format!("DEMO{:04}", i + 1), ParcelClass::Domestic),
            ("RR102938478DE".to_string(), ParcelClass::International),
            (DEMO_EXPRESS_LABEL.to_string(), ParcelClass::Express),
        ][i % 3]
            .clone();
        let events = engine.handle(
            &op,
            Command::PlaceParcel {
                compartment: *door,
                tracking,
                recipient: digits.into(),
                class,
            },
        )?;
        let parcel = events.iter().find_map(|e| match e {
            Event::DepositStored { parcel, .. } => Some(*parcel),
            _ => None,
        });
        // Derived from the message's seed, as delivery does: the database
        // holds no code.
        let message = engine
            .outbox_with_codes()?
            .into_iter()
            .find(|n| n.parcel == parcel && n.kind == NotificationKind::Delivered);
        if let Some(n) = message
            && let Some(code) = n.code
        {
            codes.push((*door, code, format!("PX-{digits}")));
            qr = qr.or(n.qr);
        }
    }
    // A return Ben may drop off (help, 2): its code, as the message gives it.
    let ret = crate::engine::NewReturn {
        size: crate::domain::Size::M,
        reference: "demo return".into(),
        recipient: Some(RECIPIENTS[1].0.into()),
        email: None,
        language: None,
        label: None,
    };
    let return_code = engine
        .handle(&op, Command::IssueReturn { ret })?
        .into_iter()
        .find_map(|e| match e {
            Event::ReturnIssued { code, .. } => code,
            _ => None,
        });
    engine.flush()?;
    Ok(DemoFacts {
        codes,
        qr,
        return_code,
        accounts: ACCOUNTS
            .iter()
            .map(|(n, p, r)| (n.to_string(), p.to_string(), *r))
            .collect(),
        recipients: RECIPIENTS
            .iter()
            .map(|(d, _, _)| format!("PX-{d}"))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::bank;

    #[test]
    fn demo_seed_gives_working_codes_and_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let bus = crate::bus::fake::FakeBus::new();
        let clock = std::sync::Arc::new(crate::clock::ManualClock::new(chrono::Utc::now()));
        let mut engine = Engine::open(
            store,
            Box::new(bus),
            bank(),
            clock,
            crate::engine::EngineSettings::for_tests(),
        )
        .unwrap();
        let facts = seed(&mut engine).unwrap();
        assert_eq!(facts.codes.len(), 3);
        assert_eq!(facts.accounts.len(), 4);
        let (door, code, _) = facts.codes[0].clone();
        let ev = engine
            .handle(&Actor::Kiosk, Command::EnterCode { code })
            .unwrap();
        assert!(
            ev.iter().any(
                |e| matches!(e, Event::DoorOpening { compartment, .. } if *compartment == door)
            )
        );
        let ev = engine
            .handle(
                &Actor::Kiosk,
                Command::SignIn {
                    user: "1001".into(),
                    pin: "1234".into(),
                },
            )
            .unwrap();
        assert!(matches!(
            ev[0],
            Event::SignedIn {
                role: Role::Courier,
                ..
            }
        ));
        // The labels class the parcels: from Germany, and express from the US.
        let local = Actor::Local {
            name: "demo".into(),
        };
        let query = crate::engine::read::Query::Parcels(String::new());
        let Ok(crate::engine::read::Answer::Parcels(_, rows)) = engine.read(&local, query) else {
            panic!("no parcel list")
        };
        let class_of = |label: &str| {
            let row = rows.iter().find(|r| r.tracking == label).unwrap();
            (row.class, row.abroad)
        };
        assert_eq!(
            class_of("RR102938478DE"),
            (ParcelClass::International, true)
        );
        assert_eq!(class_of(DEMO_EXPRESS_LABEL), (ParcelClass::Express, true));
    }
}

/// The demo kiosk's link to its engine. Each door the kiosk opens tells the
/// simulated bank what the person at it will do, so the item sensors
/// follow the story: a courier's parcel goes in, a recipient's comes out, a
/// cancelled or moved deposit comes back out, a door opened again stays as
/// it was. Without it a simulated door would only flip its sensor, and a
/// cancelled deposit would leave a door "something inside" for staff.
pub struct DemoLink<'a> {
    pub engine: crate::engine::runner::EngineHandle,
    pub sim: &'a crate::sim::SimHandle,
    pub bank: &'a crate::hardware::BankLayout,
}

/// The door an event tells about, and whether a parcel is inside once the
/// person at it is done (`None`: as it is now).
fn left_inside(event: &Event) -> Option<(CompartmentId, Option<bool>)> {
    use crate::store::IntentKind;
    Some(match event {
        Event::DoorOpening {
            compartment,
            purpose,
            ..
        } => (
            *compartment,
            match purpose {
                IntentKind::Deposit | IntentKind::ReturnDrop => Some(true),
                IntentKind::Pickup | IntentKind::Removal | IntentKind::ReturnCollect => Some(false),
                IntentKind::Reopen | IntentKind::ManualUnlock => None,
            },
        ),
        Event::DepositCancelled { compartment, .. }
        | Event::ReturnNotDropped { compartment, .. } => (*compartment, Some(false)),
        Event::DepositMoved { from, .. } => (*from, Some(false)),
        _ => return None,
    })
}

impl DemoLink<'_> {
    fn follow(&self, event: &Event) {
        let Some((door, inside)) = left_inside(event) else {
            return;
        };
        let Some(lock) = self.bank.compartment(door).map(|c| c.lock()) else {
            return;
        };
        let inside = inside.unwrap_or_else(|| self.sim.item(lock));
        self.sim.set_item_on_close(lock, inside);
    }
}

impl crate::link::EngineLink for DemoLink<'_> {
    fn command(&mut self, actor: &Actor, command: Command) -> crate::engine::EngineResult {
        let events = self.engine.command(actor, command)?;
        for e in &events {
            self.follow(e);
        }
        Ok(events)
    }

    fn read(
        &mut self,
        actor: &Actor,
        query: crate::engine::read::Query,
    ) -> Result<crate::engine::read::Answer, EngineError> {
        crate::link::EngineLink::read(&mut self.engine, actor, query)
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;
    use crate::domain::ParcelId;
    use crate::store::IntentKind;

    fn opening(door: u16, purpose: IntentKind) -> Event {
        Event::DoorOpening {
            compartment: CompartmentId(door),
            purpose,
            parcel: Some(ParcelId(1)),
            column: 0,
            row: 0,
        }
    }

    #[test]
    fn a_cancelled_or_moved_deposit_leaves_its_door_empty_and_a_reopen_as_it_was() {
        let door = |n| CompartmentId(n);
        assert_eq!(
            left_inside(&opening(3, IntentKind::Deposit)),
            Some((door(3), Some(true)))
        );
        assert_eq!(
            left_inside(&opening(3, IntentKind::Pickup)),
            Some((door(3), Some(false)))
        );
        assert_eq!(
            left_inside(&opening(3, IntentKind::Reopen)),
            Some((door(3), None))
        );
        let cancelled = Event::DepositCancelled {
            parcel: ParcelId(1),
            compartment: door(3),
        };
        assert_eq!(left_inside(&cancelled), Some((door(3), Some(false))));
        let moved = Event::DepositMoved {
            parcel: ParcelId(1),
            from: door(3),
            to: door(9),
        };
        assert_eq!(left_inside(&moved), Some((door(3), Some(false))));
        assert_eq!(left_inside(&Event::Done), None);
    }
}
