//! The restart after a run, and the checks on its books, boards, outbox and codes.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use super::flow::Flow;
use super::kiosk::{Kiosk, opening};
use super::rig::{ChildSaid, Rig, Seeded};
use super::{DEPOSIT_DOOR, WAIT, bank, lock_of};
use crate::bus::DoorState;
use crate::domain::{CompartmentId, ParcelId, ParcelState};
use crate::engine::{Actor, Command, Event, props, query};
use crate::store::{AlertKind, DeliveryState, NotificationKind};

impl Rig {
    /// Whether the books and the boards are at rest: no intent pending, no
    /// door open on the boards, the bus's reading or the books.
    fn at_rest(&self, k: &Kiosk) -> bool {
        query::intents(k.store()).expect("intents").is_empty()
            && bank().layout.compartments.iter().all(|c| {
                !self.sim.door_open(c.lock()) && k.engine.door_reading(c.id) == DoorState::Closed
            })
            && query::compartments(k.store())
                .expect("compartments")
                .iter()
                .all(|c| !c.door_open)
    }

    pub(super) fn restart_and_check(
        &self,
        dir: &Path,
        flow: Flow,
        label: &str,
        seeded: &Seeded,
        said: &ChildSaid,
        pulsed: &HashMap<CompartmentId, u32>,
    ) -> String {
        let mut k = Kiosk::start(&self.rt, dir, &self.port(), flow.now(), |door| {
            self.sim.close_door(lock_of(door))
        });
        let before = self.pulses();
        let recovered = k.engine.recover().expect("start-up recovery");
        let door_was_open = recovered
            .iter()
            .any(|e| matches!(e, Event::DoorOpened { .. }));
        k.seen.extend(recovered);
        // As the kiosk's scheduler would, soon after the start.
        let ticked = k.engine.tick().expect("tick");
        k.seen.extend(ticked);
        // Whoever was at a door the crash left open shuts it now.
        for c in &bank().layout.compartments {
            if self.sim.door_open(c.lock()) {
                self.sim.close_door(c.lock());
            }
        }
        k.pump_while("doors shut and every intent settled", |k| !self.at_rest(k));
        assert_eq!(self.pulses(), before, "{label}: recovery pulsed a door");

        let mut known: HashSet<ParcelId> = said.stored.iter().copied().collect();
        known.insert(seeded.parcel);
        let fail = |what: String| -> ! {
            panic!(
                "{label}: {what}\nthe engine said {:?}\nbus: {:?}",
                k.seen,
                k.engine.lock_bus().diagnostics().map(|d| d.link)
            )
        };
        if let Err(e) = props::check(k.store(), &known) {
            fail(e);
        }
        if let Err(e) = self.books_match_boards(&k) {
            fail(e);
        }
        if let Err(e) = outbox_complete(&k, said) {
            fail(e);
        }
        let outcome = match self.outcome(&k, flow, seeded, pulsed) {
            Ok(o) => o,
            Err(e) => fail(e),
        };
        let code = self.code_still_works(&mut k, flow, seeded, said, label);
        let door = if door_was_open {
            " (door still open at the restart)"
        } else {
            ""
        };
        format!("{outcome}{door}; {code}")
    }

    /// Books against the boards: outside an inspection, a compartment
    /// holds a parcel on the books exactly when its item sensor sees one;
    /// an inspection is marked only where they disagree, with an alert.
    fn books_match_boards(&self, k: &Kiosk) -> Result<(), String> {
        let alerts = query::alerts(k.store()).map_err(|e| e.to_string())?;
        for c in query::compartments(k.store()).map_err(|e| e.to_string())? {
            let item = self.sim.item(lock_of(c.id));
            let booked = c.parcel.is_some();
            if c.faulty || c.door_open || c.reserved {
                return Err(format!("door {} left {c:?}", c.id));
            }
            match (c.needs_inspection, booked == item) {
                (false, false) => {
                    return Err(format!(
                        "door {}: the books say {}, the item sensor {}",
                        c.id,
                        if booked { "a parcel" } else { "empty" },
                        if item { "something inside" } else { "empty" },
                    ));
                }
                (true, true) => {
                    return Err(format!(
                        "door {} marked for inspection though books and sensor agree",
                        c.id
                    ));
                }
                (true, false)
                    if !alerts.iter().any(|a| {
                        a.kind == AlertKind::InspectionNeeded && a.compartment == Some(c.id)
                    }) =>
                {
                    return Err(format!(
                        "door {} needs an inspection but no admin was told",
                        c.id
                    ));
                }
                _ => {}
            }
        }
        if let Some(p) = k
            .parcels()
            .into_iter()
            .find(|p| p.state == ParcelState::Depositing)
        {
            return Err(format!("deposit of parcel {} left half done", p.id));
        }
        Ok(())
    }

    /// The flow's parcel ended as the physical pulse says: done when the
    /// board got the pulse, untouched when it did not.
    fn outcome(
        &self,
        k: &Kiosk,
        flow: Flow,
        seeded: &Seeded,
        pulsed: &HashMap<CompartmentId, u32>,
    ) -> Result<String, String> {
        let door = flow.door();
        let comps = query::compartments(k.store()).map_err(|e| e.to_string())?;
        let comp = comps
            .iter()
            .find(|c| c.id == door)
            .expect("the flow's door");
        let parcels = k.parcels();
        let state = |id: ParcelId| parcels.iter().find(|p| p.id == id).map(|p| p.state);
        let seeded_state = state(seeded.parcel);
        let was_pulsed = flow.pulsed(pulsed.get(&door).copied().unwrap_or(0));
        let others: Vec<&CompartmentId> = pulsed.keys().filter(|c| **c != door).collect();
        if !others.is_empty() {
            return Err(format!("doors {others:?} were pulsed, not the flow's"));
        }
        let (ok, what) = match flow {
            Flow::Deposit => {
                let in_door = comp.parcel.and_then(state);
                (
                    in_door == was_pulsed.then_some(ParcelState::Stored),
                    format!("deposit door {door}: {in_door:?}"),
                )
            }
            Flow::Pickup => {
                let want = if was_pulsed {
                    ParcelState::PickedUp
                } else {
                    ParcelState::Stored
                };
                (seeded_state == Some(want), format!("{seeded_state:?}"))
            }
            Flow::Reopen => {
                // The pickup itself was over before any reopen point; a
                // re-opened door closed on something the books do not have.
                (
                    seeded_state == Some(ParcelState::PickedUp)
                        && comp.needs_inspection == was_pulsed,
                    format!("{seeded_state:?}, inspection {}", comp.needs_inspection),
                )
            }
            Flow::ManualUnlock => (
                seeded_state == Some(ParcelState::Stored) && comp.needs_inspection == was_pulsed,
                format!("{seeded_state:?}, inspection {}", comp.needs_inspection),
            ),
            Flow::Removal => {
                let want = if was_pulsed {
                    ParcelState::Removed
                } else {
                    ParcelState::Expired
                };
                (seeded_state == Some(want), format!("{seeded_state:?}"))
            }
            Flow::ReturnDrop | Flow::ReturnCollect => returned(k, flow, was_pulsed, comp)?,
        };
        let pulse = if was_pulsed { "pulsed" } else { "not pulsed" };
        if ok {
            Ok(format!("{pulse}: {what}"))
        } else {
            Err(format!("{pulse}, but {what}"))
        }
    }

    /// The flow's parcel's newest code: while the parcel waits in a door
    /// nobody needs to inspect, it opens that door again (a real pulse on
    /// the board); otherwise it opens nothing.
    fn code_still_works(
        &self,
        k: &mut Kiosk,
        flow: Flow,
        seeded: &Seeded,
        said: &ChildSaid,
        label: &str,
    ) -> String {
        let parcel = match flow {
            Flow::Deposit => match said.stored.first().copied().or_else(|| {
                query::compartments(k.store())
                    .expect("compartments")
                    .iter()
                    .find(|c| c.id == DEPOSIT_DOOR)
                    .and_then(|c| c.parcel)
            }) {
                Some(p) => p,
                None => return "no parcel went in".into(),
            },
            _ => seeded.parcel,
        };
        let mut codes: HashMap<u64, String> = HashMap::new();
        codes.insert(seeded.message, seeded.code.clone());
        for (id, _, code) in &said.sent {
            codes.insert(*id, code.clone());
        }
        let outbox = k.engine.outbox_with_codes().expect("outbox");
        for n in &outbox {
            if let Some(code) = &n.code {
                codes.insert(n.id, code.clone());
            }
        }
        let newest = outbox
            .iter()
            .filter(|n| n.kind == NotificationKind::Delivered && n.parcel == Some(parcel))
            .map(|n| n.id)
            .max()
            .unwrap_or_else(|| panic!("{label}: parcel {parcel} has no delivered message"));
        let code = codes
            .get(&newest)
            .unwrap_or_else(|| panic!("{label}: the code of message {newest} is unknown"))
            .clone();
        let p = k
            .parcels()
            .into_iter()
            .find(|p| p.id == parcel)
            .expect("parcel recorded");
        let comp = query::compartments(k.store())
            .expect("compartments")
            .into_iter()
            .find(|c| c.id == p.compartment)
            .expect("compartment");
        let lock = lock_of(p.compartment);
        let before = self.sim.pulses(lock);
        let events = k.cmd(&Actor::Kiosk, Command::EnterCode { code });
        if p.state != ParcelState::Stored || comp.needs_inspection {
            assert_eq!(
                opening(&events),
                None,
                "{label}: the code of parcel {parcel} ({:?}) opened a door",
                p.state
            );
            return "its code opens nothing".into();
        }
        assert_eq!(
            opening(&events),
            Some(p.compartment),
            "{label}: the code of waiting parcel {parcel} does not open its door: {events:?}"
        );
        let deadline = Instant::now() + WAIT;
        while self.sim.pulses(lock) == before {
            assert!(
                Instant::now() < deadline,
                "{label}: no pulse reached door {}",
                p.compartment
            );
            std::thread::sleep(StdDuration::from_millis(5));
        }
        k.pump_until(
            "the pickup after the restart",
            |e| matches!(e, Event::PickupConfirmed { parcel: q, .. } if *q == parcel),
        );
        k.pump_while("doors shut again", |k| !self.at_rest(k));
        let known: HashSet<ParcelId> = [parcel].into();
        if let Err(e) = props::check(k.store(), &known).and_then(|()| self.books_match_boards(k)) {
            panic!(
                "{label}: after the pickup: {e}\nthe engine said {:?}\nbus: {:?}",
                k.seen,
                k.engine.lock_bus().diagnostics().map(|d| d.link)
            );
        }
        "its code opened the door again".into()
    }
}

/// The return's outcome: dropped off when its door was pulsed (waiting in
/// it, or collected once the courier's pulse came too), its code still
/// live otherwise.
fn returned(
    k: &Kiosk,
    flow: Flow,
    was_pulsed: bool,
    comp: &crate::domain::Compartment,
) -> Result<(bool, String), String> {
    use crate::domain::ReturnState as R;
    let returns = query::returns(k.store()).map_err(|e| e.to_string())?;
    let [r] = returns.as_slice() else {
        return Err(format!("one return was seeded, there are {returns:?}"));
    };
    let in_door = comp.parcel.and_then(|p| {
        k.parcels()
            .into_iter()
            .find(|q| q.id == p)
            .map(|q| (q.state, q.return_of()))
    });
    let live_code = !k.store().tree(crate::store::T::ReturnCodes).is_empty();
    let ok = match (flow, was_pulsed) {
        (_, true) if flow != Flow::ReturnCollect => {
            r.state == R::Waiting && in_door == Some((ParcelState::Stored, Some(r.id)))
        }
        (_, true) => r.state == R::Collected && in_door.is_none(),
        // The drop itself was over before any collect point.
        (Flow::ReturnCollect, false) => {
            r.state == R::Waiting && in_door == Some((ParcelState::Stored, Some(r.id)))
        }
        (_, false) => r.state == R::Issued && in_door.is_none() && live_code,
    };
    Ok((
        ok && live_code == (r.state == R::Issued),
        format!(
            "return {:?}, door {}: {in_door:?}, live code {live_code}",
            r.state, comp.id
        ),
    ))
}

/// Every notification a state change causes is queued or sent, none given
/// up; a message already handed to the relay is in the outbox, and if it
/// is still queued it carries the very code the recipient has.
fn outbox_complete(k: &Kiosk, said: &ChildSaid) -> Result<(), String> {
    let outbox = k.engine.outbox_with_codes().map_err(|e| e.to_string())?;
    if let Some(n) = outbox.iter().find(|n| n.state == DeliveryState::Dead) {
        return Err(format!("message {} given up", n.id));
    }
    let has = |p: ParcelId, kind: NotificationKind| {
        outbox.iter().any(|n| n.parcel == Some(p) && n.kind == kind)
    };
    for p in k.parcels() {
        let wanted: &[NotificationKind] = match p.state {
            _ if p.return_of().is_some() => match p.state {
                ParcelState::Stored => &[NotificationKind::ReturnReceipt],
                ParcelState::Removed => &[
                    NotificationKind::ReturnReceipt,
                    NotificationKind::ReturnCollected,
                ],
                _ => &[],
            },
            ParcelState::Depositing => &[],
            ParcelState::Stored => &[NotificationKind::Delivered],
            ParcelState::PickedUp => &[NotificationKind::Delivered, NotificationKind::PickedUp],
            ParcelState::Expired | ParcelState::Removed => {
                &[NotificationKind::Delivered, NotificationKind::FinalNotice]
            }
        };
        if let Some(kind) = wanted.iter().find(|kind| !has(p.id, **kind)) {
            return Err(format!(
                "parcel {} ({:?}) without its {kind:?} message",
                p.id, p.state
            ));
        }
    }
    for (id, parcel, code) in &said.sent {
        let Some(n) = outbox.iter().find(|n| n.id == *id) else {
            return Err(format!("message {id} was sent but is not in the outbox"));
        };
        if n.parcel != Some(*parcel) || n.kind != NotificationKind::Delivered {
            return Err(format!(
                "message {id} was sent about parcel {parcel}, the outbox has {n:?}"
            ));
        }
        if n.state == DeliveryState::Queued && n.code.as_deref() != Some(code.as_str()) {
            return Err(format!(
                "message {id} was sent with one code and the outbox would send another"
            ));
        }
    }
    Ok(())
}
