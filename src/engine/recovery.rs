//! Start-up recovery: settle every intent a crash or power cut left behind,
//! from the door and item sensors. What cannot be decided is marked for
//! inspection and an admin is alerted; a compartment is never freed on a
//! guess.

use super::{Engine, EngineResult, Event};
use crate::bus::DoorState;
use crate::domain::CompartmentId;
use crate::store::{AlertKind, DoorIntent, IntentKind};
use crate::wording::{Text, said};

/// What the sensors let us conclude about an intent whose door is closed.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// The action happened (parcel in after a deposit, out after a pickup).
    Done,
    /// It did not: undo the reservation, keep the code.
    NotDone,
    Undecided,
}

fn verdict(i: &DoorIntent, item: Option<bool>) -> Verdict {
    let wanted_inside = match i.kind {
        IntentKind::Deposit | IntentKind::ReturnDrop if i.abandon => return Verdict::NotDone,
        IntentKind::Deposit | IntentKind::ReturnDrop => true,
        IntentKind::Pickup | IntentKind::Removal => false,
        // Only an item sensor that sees the compartment empty says the
        // courier took it; otherwise it stays on their list.
        IntentKind::ReturnCollect if item == Some(false) => return Verdict::Done,
        IntentKind::ReturnCollect => return Verdict::NotDone,
        IntentKind::Reopen | IntentKind::ManualUnlock => return Verdict::Done,
    };
    match item {
        Some(inside) if inside == wanted_inside => Verdict::Done,
        Some(_) => Verdict::NotDone,
        // No item sensor: an opened-then-closed door is what confirms in normal running.
        None if i.opened => Verdict::Done,
        None => Verdict::Undecided,
    }
}

impl Engine {
    /// Call once at start, after the bus has read every board once.
    pub fn recover(&mut self) -> EngineResult {
        let mut events = Vec::new();
        for c in super::query::compartments(&self.store)? {
            let Some(lock) = self.lock_of(c.id) else {
                continue;
            };
            let open = match self.bus.door(lock) {
                DoorState::Open => true,
                DoorState::Closed => false,
                DoorState::Unknown => continue,
            };
            if open != c.door_open {
                self.commit(|tx| {
                    let mut comp = tx.compartment(c.id)?;
                    comp.door_open = open;
                    tx.put_compartment(&comp)
                })?;
            }
        }
        for i in super::query::intents(&self.store)? {
            events.extend(self.recover_intent(i)?);
        }
        Ok(events)
    }

    fn recover_intent(&mut self, i: DoorIntent) -> EngineResult {
        let c = i.compartment;
        let lock = self.lock_of(c);
        let door = lock.map(|l| self.bus.door(l)).unwrap_or(DoorState::Unknown);
        let item = lock.and_then(|l| self.bus.item_present(l));
        tracing::info!(door = %c, kind = i.kind.as_str(), ?door, ?item, "settling an unfinished intent");
        match door {
            // Still open: the close event will settle it as in normal running.
            DoorState::Open => {
                self.commit(|tx| {
                    let mut i = i.clone();
                    i.opened = true;
                    tx.put_intent(&i)
                })?;
                Ok(vec![Event::DoorOpened { compartment: c }])
            }
            DoorState::Unknown => self.needs_inspection(c, &i, Text::SaidSensorUnreadable),
            DoorState::Closed => match (verdict(&i, item), i.parcel) {
                (Verdict::Undecided, _) => self.needs_inspection(c, &i, Text::SaidSensorsUndecided),
                (Verdict::Done, Some(p)) if i.kind == IntentKind::Deposit => {
                    let receipt = self.confirm_deposit(c, p)?;
                    Ok(vec![Event::DepositStored {
                        parcel: p,
                        compartment: c,
                        receipt,
                    }])
                }
                (Verdict::Done, Some(p)) if i.kind == IntentKind::Pickup => {
                    self.commit(|tx| self.confirm_pickup(tx, c, p))?;
                    Ok(vec![Event::CompartmentChanged { compartment: c }])
                }
                (Verdict::Done, Some(p)) if i.kind == IntentKind::Removal => {
                    self.commit(|tx| self.confirm_removal(tx, c, p, &i.actor))?;
                    Ok(vec![Event::ParcelRemoved {
                        parcel: p,
                        compartment: c,
                    }])
                }
                (Verdict::Done, Some(p)) if i.kind == IntentKind::ReturnDrop => {
                    let receipt = self.confirm_return_drop(c, p)?;
                    Ok(vec![Event::ReturnDropped {
                        parcel: p,
                        compartment: c,
                        receipt,
                    }])
                }
                (Verdict::NotDone, Some(p)) if i.kind == IntentKind::ReturnDrop => {
                    self.commit(|tx| {
                        self.release_return_door(tx, c, p, Text::SaidRestartEmpty)
                            .map(drop)
                    })?;
                    Ok(vec![Event::CompartmentChanged { compartment: c }])
                }
                (Verdict::Done, Some(p)) if i.kind == IntentKind::ReturnCollect => {
                    self.commit(|tx| self.collected_on_close(tx, c, p, &i.actor))?;
                    Ok(vec![Event::ReturnCollected {
                        parcel: p,
                        compartment: c,
                    }])
                }
                (Verdict::NotDone, Some(p)) if i.kind == IntentKind::Deposit => {
                    self.commit(|tx| {
                        self.release_deposit_door(tx, c, p, Text::SaidRestartEmpty)
                            .map(drop)
                    })?;
                    Ok(vec![Event::CompartmentChanged { compartment: c }])
                }
                _ => {
                    let alert = self.commit(|tx| {
                        // The item sensor against the books, as when a
                        // re-open or manual unlock closes in normal running
                        // (a pickup or removal that did not happen leaves
                        // them agreeing).
                        let mut comp = tx.compartment(c)?;
                        let alert = self.check_contents(tx, &mut comp, item, i.kind)?;
                        tx.put_compartment(&comp)?;
                        tx.clear_intent(c)?;
                        tx.audit(self.audit_draft(
                            "recovery",
                            "intent_settled",
                            Some(c),
                            i.parcel,
                            said(Text::SaidNothingChanged, &[("purpose", &i.kind.as_str())]),
                        ))?;
                        Ok(alert)
                    })?;
                    let mut events = vec![Event::CompartmentChanged { compartment: c }];
                    events.extend(alert.map(|alert| Event::AlertRaised { alert }));
                    Ok(events)
                }
            },
        }
    }

    fn needs_inspection(&mut self, c: CompartmentId, i: &DoorIntent, why: Text) -> EngineResult {
        let text = said(
            Text::SaidRestartInspection,
            &[
                ("door", &c),
                ("why", &said(why, &[])),
                ("purpose", &i.kind.as_str()),
            ],
        );
        let alert = self.commit(|tx| {
            let mut comp = tx.compartment(c)?;
            comp.needs_inspection = true;
            tx.put_compartment(&comp)?;
            tx.audit(self.audit_draft(
                "recovery",
                "inspection_needed",
                Some(c),
                i.parcel,
                text.clone(),
            ))?;
            self.raise(tx, AlertKind::InspectionNeeded, Some(c), text.clone())
        })?;
        Ok(vec![Event::AlertRaised { alert }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn intent(kind: IntentKind, opened: bool) -> DoorIntent {
        DoorIntent {
            compartment: CompartmentId(1),
            kind,
            parcel: None,
            actor: "t".into(),
            at: Utc::now(),
            opened,
            abandon: false,
        }
    }

    #[test]
    fn item_sensor_decides_when_present() {
        assert_eq!(
            verdict(&intent(IntentKind::Deposit, false), Some(true)),
            Verdict::Done
        );
        assert_eq!(
            verdict(&intent(IntentKind::Deposit, true), Some(false)),
            Verdict::NotDone
        );
        assert_eq!(
            verdict(&intent(IntentKind::Pickup, false), Some(false)),
            Verdict::Done
        );
        assert_eq!(
            verdict(&intent(IntentKind::Pickup, true), Some(true)),
            Verdict::NotDone
        );
    }

    #[test]
    fn without_item_sensor_only_a_seen_opening_decides() {
        assert_eq!(
            verdict(&intent(IntentKind::Deposit, true), None),
            Verdict::Done
        );
        assert_eq!(
            verdict(&intent(IntentKind::Deposit, false), None),
            Verdict::Undecided
        );
        assert_eq!(
            verdict(&intent(IntentKind::Pickup, false), None),
            Verdict::Undecided
        );
    }
}
