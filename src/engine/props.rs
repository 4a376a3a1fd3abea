//! Random sequences of kiosk, courier, admin and bus events (including
//! crashes and jams) against the engine, checking after every step that no
//! parcel is lost, no compartment is double-booked, no live code points at
//! an empty compartment, the audit chain verifies, and a small reference
//! model built only from the announced events agrees with the books.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use proptest::prelude::*;

use super::tests::Rig;
use super::*;
use crate::bus::{DoorEventKind, DoorState};
use crate::domain::{Parcel, ParcelState};
use crate::domain::{ParcelClass, Size};
use crate::store::{T, audit};

#[derive(Clone, Debug)]
enum Step {
    Deposit(u8),
    OpenDoor(u8),
    CloseDoor(u8, bool),
    Jam(u8),
    ForceOpen(u8),
    EnterKnownCode(u8),
    EnterWrongCode,
    DoesNotFit(u8),
    Cancel(u8),
    Reopen(u8),
    Resend(u8),
    Wait(u16),
    Remove(u8),
    Crash,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0u8..4).prop_map(Step::Deposit),
        // Mostly the door a pulse is waiting on, or one standing open, so
        // flows run to their end; now and then any door.
        7 => any::<u8>().prop_map(Step::OpenDoor),
        7 => (any::<u8>(), any::<bool>()).prop_map(|(c, item)| Step::CloseDoor(c, item)),
        1 => (0u8..6).prop_map(Step::Jam),
        1 => (0u8..6).prop_map(Step::ForceOpen),
        4 => any::<u8>().prop_map(Step::EnterKnownCode),
        1 => Just(Step::EnterWrongCode),
        1 => any::<u8>().prop_map(Step::DoesNotFit),
        1 => any::<u8>().prop_map(Step::Cancel),
        1 => (0u8..6).prop_map(Step::Reopen),
        1 => any::<u8>().prop_map(Step::Resend),
        2 => (1u16..(24 * 60)).prop_map(Step::Wait),
        1 => any::<u8>().prop_map(Step::Remove),
        1 => Just(Step::Crash),
    ]
}

fn lock(c: CompartmentId) -> LockId {
    LockId {
        board: 1,
        channel: c.0 - 1,
    }
}

/// The invariants of docs/RELIABILITY.md, read from the store: no parcel in two
/// compartments, every parcel in the locker in its own, none of
/// `known_parcels` (ever confirmed stored) lost, no live code for a parcel
/// not stored in its compartment, and an intact audit chain. Shared with
/// the crash-point test (`engine::crash`).
pub(crate) fn check(store: &Store, known_parcels: &HashSet<ParcelId>) -> Result<(), String> {
    check_books(store, known_parcels)?;
    let report = audit::verify(store).map_err(|e| e.to_string())?;
    if !report.ok() {
        return Err(format!("audit: {report:?}"));
    }
    Ok(())
}

/// [`check`] without the audit chain: the chain is append-only, so a break
/// made at any step is still there at the end of a sequence, where the
/// property test checks it (walking it after every step made each case
/// quadratic in its length).
fn check_books(store: &Store, known_parcels: &HashSet<ParcelId>) -> Result<(), String> {
    let comps = query::compartments(store).map_err(|e| e.to_string())?;
    let parcels: HashMap<ParcelId, Parcel> = query::all_parcels(store)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut holders: HashMap<ParcelId, CompartmentId> = HashMap::new();
    for c in &comps {
        if let Some(p) = c.parcel {
            if holders.insert(p, c.id).is_some() {
                return Err(format!("parcel {p} is in two compartments"));
            }
            let parcel = parcels
                .get(&p)
                .ok_or(format!("door {} holds unknown parcel {p}", c.id))?;
            if !parcel.state.in_locker() {
                return Err(format!(
                    "door {} holds parcel {p} in state {:?}",
                    c.id, parcel.state
                ));
            }
        }
    }
    for p in parcels.values() {
        if p.state.in_locker() && holders.get(&p.id) != Some(&p.compartment) {
            return Err(format!(
                "parcel {} ({:?}) is not in its door {}",
                p.id, p.state, p.compartment
            ));
        }
    }
    // Every parcel ever confirmed still exists.
    for id in known_parcels {
        if !parcels.contains_key(id) {
            return Err(format!("stored parcel {id} was lost"));
        }
    }
    for item in store.tree(T::Codes).iter() {
        let (_, v) = item.map_err(|e| e.to_string())?;
        let id: ParcelId = serde_json::from_slice(&v).map_err(|e| e.to_string())?;
        let p = parcels.get(&id).ok_or("code for an unknown parcel")?;
        if p.state != ParcelState::Stored || !holders.contains_key(&id) {
            return Err(format!("live code for parcel {id} in state {:?}", p.state));
        }
    }
    check_returns(store, &parcels)
}

/// Each return's state agrees with its parcel, and only a return not yet
/// in the locker has a live code.
fn check_returns(store: &Store, parcels: &HashMap<ParcelId, Parcel>) -> Result<(), String> {
    use crate::domain::ReturnState as R;
    let returns = query::returns(store).map_err(|e| e.to_string())?;
    for r in &returns {
        let parcel = r.parcel.and_then(|p| parcels.get(&p));
        let state = parcel.map(|p| p.state);
        let ok = match r.state {
            R::Issued | R::Withdrawn => parcel.is_none(),
            R::Dropping => state == Some(ParcelState::Depositing),
            R::Waiting => state == Some(ParcelState::Stored),
            R::Collected => state == Some(ParcelState::Removed),
        };
        if !ok || parcel.is_some_and(|p| p.return_of() != Some(r.id)) {
            return Err(format!(
                "return {} is {:?} but its parcel is {state:?}",
                r.id, r.state
            ));
        }
    }
    for p in parcels.values() {
        if let Some(id) = p.return_of()
            && p.state.in_locker()
            && !returns.iter().any(|r| r.id == id && r.parcel == Some(p.id))
        {
            return Err(format!(
                "parcel {} is return {id}, which does not know it",
                p.id
            ));
        }
    }
    for item in store.tree(T::ReturnCodes).iter() {
        let (_, v) = item.map_err(|e| e.to_string())?;
        let id: crate::domain::ReturnId = serde_json::from_slice(&v).map_err(|e| e.to_string())?;
        match returns.iter().find(|r| r.id == id) {
            Some(r) if matches!(r.state, R::Issued | R::Dropping) => {}
            other => return Err(format!("live return code for {id}: {other:?}")),
        }
    }
    Ok(())
}

/// The reference model: where each parcel should be, from nothing but the
/// events the engine announced. The engine's books must agree with it after
/// every step, so a state change nobody was told about is caught too.
#[derive(Default)]
struct Model {
    /// Parcels stored and not yet taken out, and their door.
    inside: HashMap<ParcelId, CompartmentId>,
    /// Parcels that left the locker (picked up or removed).
    gone: HashSet<ParcelId>,
}

impl Model {
    fn follow(&mut self, e: &Event) {
        match e {
            Event::DepositStored {
                parcel,
                compartment,
                ..
            } => {
                self.inside.insert(*parcel, *compartment);
            }
            Event::PickupConfirmed { parcel, .. } | Event::ParcelRemoved { parcel, .. } => {
                self.inside.remove(parcel);
                self.gone.insert(*parcel);
            }
            _ => {}
        }
    }

    fn agrees(&self, store: &Store) -> Result<(), String> {
        let parcels: HashMap<ParcelId, Parcel> = query::all_parcels(store)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for (id, door) in &self.inside {
            let p = parcels
                .get(id)
                .ok_or(format!("model: parcel {id} vanished"))?;
            if !p.state.in_locker() || p.compartment != *door {
                return Err(format!(
                    "model: parcel {id} should be in door {door}, the books say {:?} in {}",
                    p.state, p.compartment
                ));
            }
        }
        for id in &self.gone {
            if parcels.get(id).is_some_and(|p| p.state.in_locker()) {
                return Err(format!("model: parcel {id} left, the books still hold it"));
            }
        }
        // Nothing is in the locker that the model was not told about.
        for p in parcels.values() {
            if matches!(p.state, ParcelState::Stored | ParcelState::Expired)
                && !self.inside.contains_key(&p.id)
            {
                return Err(format!(
                    "model: parcel {} is {:?} in door {} without an announcement",
                    p.id, p.state, p.compartment
                ));
            }
        }
        Ok(())
    }
}

/// Signs staff in, waiting out a keypad lock that wrong codes caused.
fn staff(rig: &mut Rig, user: &str, pin: &str) -> Actor {
    loop {
        let cmd = Command::SignIn {
            user: user.into(),
            pin: pin.into(),
        };
        match rig.engine.handle(&Actor::Kiosk, cmd).unwrap().first() {
            Some(Event::SignedIn { session, .. }) => return Actor::Session { id: *session },
            Some(Event::CodesLocked { until }) => rig.clock.set(*until),
            other => panic!("sign-in failed: {other:?}"),
        }
    }
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut rig = Rig::new();
    let mut codes: Vec<(ParcelId, String)> = Vec::new();
    let mut known: HashSet<ParcelId> = HashSet::new();
    let mut model = Model::default();
    // Staff sign in once, and again when a restart or time passing may
    // have ended their sessions.
    let mut signed_in: Option<(Actor, Actor)> = None;
    for s in steps {
        let parcels = query::live_parcels(rig.engine.store()).unwrap();
        let pick = |i: u8| -> Option<ParcelId> {
            (!parcels.is_empty()).then(|| parcels[usize::from(i) % parcels.len()].id)
        };
        let door = |i: u8| CompartmentId(u16::from(i % 6) + 1);
        let (courier, admin) = match &signed_in {
            Some(pair) => pair.clone(),
            None => {
                let pair = (
                    staff(&mut rig, "1001", "4321"),
                    staff(&mut rig, "admin", "9999"),
                );
                signed_in = Some(pair.clone());
                pair
            }
        };
        let mut events = Vec::new();
        match s {
            Step::Deposit(size) => {
                let cmd = Command::StartDeposit {
                    tracking: "TRK0001".into(),
                    recipient: "111111".into(),
                    size: SizeChoice::Size(Size::ALL[usize::from(size)]),
                    class: ParcelClass::Domestic,
                };
                events = rig.engine.handle(&courier, cmd).unwrap_or_default();
            }
            Step::OpenDoor(c) | Step::ForceOpen(c) => {
                let waiting: Vec<CompartmentId> = query::intents(rig.engine.store())
                    .unwrap()
                    .iter()
                    .map(|i| i.compartment)
                    .collect();
                let c = if matches!(s, Step::OpenDoor(_)) && c % 5 != 0 && !waiting.is_empty() {
                    waiting[usize::from(c) % waiting.len()]
                } else {
                    door(c)
                };
                if rig.bus.door(lock(c)) != DoorState::Open {
                    let kind = if matches!(s, Step::ForceOpen(_))
                        || query::intents(rig.engine.store())
                            .unwrap()
                            .iter()
                            .all(|i| i.compartment != c)
                    {
                        DoorEventKind::ForcedOpen
                    } else {
                        DoorEventKind::Opened
                    };
                    events = rig.door(c, kind);
                }
            }
            Step::CloseDoor(c, item) => {
                let open: Vec<CompartmentId> = (0..6u8)
                    .map(door)
                    .filter(|d| rig.bus.door(lock(*d)) == DoorState::Open)
                    .collect();
                let c = if c % 5 != 0 && !open.is_empty() {
                    open[usize::from(c) % open.len()]
                } else {
                    door(c)
                };
                if rig.bus.door(lock(c)) == DoorState::Open {
                    rig.bus.set_item(lock(c), item);
                    events = rig.door(c, DoorEventKind::Closed);
                }
            }
            Step::Jam(c) => {
                let c = door(c);
                if rig.bus.door(lock(c)) != DoorState::Open
                    && query::intents(rig.engine.store())
                        .unwrap()
                        .iter()
                        .any(|i| i.compartment == c)
                {
                    events = rig.door(c, DoorEventKind::Jammed);
                }
            }
            Step::EnterKnownCode(i) => {
                if !codes.is_empty() {
                    let (_, code) = codes[usize::from(i) % codes.len()].clone();
                    events = rig.enter(&code);
                }
            }
            Step::EnterWrongCode => events = rig.enter("999999"),
            Step::DoesNotFit(i) => {
                if let Some(p) = pick(i) {
                    events = rig
                        .engine
                        .handle(
                            &courier,
                            Command::DoesNotFit {
                                parcel: p,
                                size: None,
                            },
                        )
                        .unwrap_or_default();
                }
            }
            Step::Cancel(i) => {
                if let Some(p) = pick(i) {
                    events = rig
                        .engine
                        .handle(&courier, Command::CancelDeposit { parcel: p })
                        .unwrap_or_default();
                }
            }
            Step::Reopen(c) => {
                events = rig
                    .engine
                    .handle(
                        &Actor::Kiosk,
                        Command::Reopen {
                            compartment: door(c),
                        },
                    )
                    .unwrap_or_default()
            }
            Step::Resend(i) => {
                if let Some(p) = pick(i)
                    && rig
                        .engine
                        .handle(&admin, Command::ResendCode { parcel: p })
                        .is_ok()
                {
                    codes.push((p, rig.code_of(p)));
                }
            }
            Step::Wait(minutes) => {
                rig.clock.advance(Duration::minutes(i64::from(minutes) * 6));
                events = rig.engine.tick().unwrap();
            }
            Step::Remove(i) => {
                if let Some(p) = pick(i) {
                    events = rig
                        .engine
                        .handle(&courier, Command::OpenForRemoval { parcel: p })
                        .unwrap_or_default();
                }
            }
            Step::Crash => {
                // The restarted rig signs its staff in at once: wait out a
                // keypad lock that wrong codes left, as staff would.
                staff(&mut rig, "admin", "9999");
                let (r, ev) = rig.restart(|_| {});
                rig = r;
                events = ev.map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
        }
        if matches!(s, Step::Crash | Step::Wait(_)) {
            signed_in = None;
        }
        for e in &events {
            if let Event::DepositStored { parcel, .. } = e {
                known.insert(*parcel);
                codes.push((*parcel, rig.code_of(*parcel)));
            }
            model.follow(e);
        }
        let checked = if matches!(s, Step::Crash) {
            check(rig.engine.store(), &known)
        } else {
            check_books(rig.engine.store(), &known)
        };
        checked.map_err(|e| TestCaseError::fail(format!("after {s:?}: {e}")))?;
        model
            .agrees(rig.engine.store())
            .map_err(|e| TestCaseError::fail(format!("after {s:?}: {e}")))?;
    }
    check(rig.engine.store(), &known).map_err(|e| TestCaseError::fail(format!("at the end: {e}")))
}

/// Cases per property: LOCKER_PROPTEST_CASES, or `default`.
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("LOCKER_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    // Two halves of the same property with their own random seeds, so the
    // test harness runs them on two cores: CI's 10 000 cases
    // (LOCKER_PROPTEST_CASES=5000 each) take half the wall-clock time.
    #![proptest_config(ProptestConfig { cases: cases(32), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_kiosk_courier_admin_and_bus_sequences_keep_the_invariants(steps in proptest::collection::vec(step(), 1..50)) {
        run(steps)?;
    }

    #[test]
    fn random_kiosk_courier_admin_and_bus_sequences_keep_the_invariants_too(steps in proptest::collection::vec(step(), 1..50)) {
        run(steps)?;
    }
}
