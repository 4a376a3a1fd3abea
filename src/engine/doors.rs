//! Pulses and what door events mean for parcels.
//!
//! Before every pulse the intent is committed and flushed; the door events
//! that follow (opened, closed, jammed) settle it. Because the intent is on
//! disk, a restart settles it the same way (see `recovery`).

use super::tx::{Refusal, TxResult};
use super::{Engine, EngineError, EngineResult, Event, crash};
use crate::bus::{BusEvent, DoorEvent, DoorEventKind};
use crate::domain::{Compartment, CompartmentId, ParcelId};
use crate::store::{Alert, AlertKind, DoorIntent, IntentKind, MarkerKind, T, Tx, seq_key};
use crate::wording::{Text, said};

impl Engine {
    /// Commits the intent (with `also`, in the same transaction), flushes,
    /// then pulses. The door-opening event tells the screen where the door is.
    pub(super) fn pulse_with(
        &mut self,
        c: CompartmentId,
        kind: IntentKind,
        parcel: Option<ParcelId>,
        actor: &str,
        also: impl Fn(&Engine, &Tx<'_>) -> TxResult<()>,
    ) -> EngineResult {
        let lock = self
            .lock_of(c)
            .ok_or_else(|| EngineError::NotFound(format!("door {c}")))?;
        if self.bus_down || !self.bus.board_online(lock.board) {
            return Err(EngineError::Refused(Refusal::BusDown));
        }
        let intent = DoorIntent {
            compartment: c,
            kind,
            parcel,
            actor: actor.to_string(),
            at: self.now(),
            opened: false,
            abandon: false,
        };
        self.commit(|tx| {
            if tx.intent(c)?.is_some() {
                return super::tx::refuse(Refusal::DoorBusy);
            }
            also(self, tx)?;
            tx.put_intent(&intent)?;
            tx.audit(self.audit_draft(actor, "pulse", Some(c), parcel, kind.as_str().to_string()))?;
            Ok(())
        })?;
        crash::door(kind, "after_intent");
        self.store.flush()?;
        crash::door(kind, "before_pulse");
        if let Err(e) = self.bus.pulse(lock) {
            tracing::warn!(door = %c, error = %e, "pulse refused by the bus");
            self.door_did_not_open(c, false)?;
            return Err(EngineError::Refused(Refusal::BusDown));
        }
        crash::door(kind, "after_pulse");
        let (column, row) = self.position_of(c);
        Ok(vec![Event::DoorOpening {
            compartment: c,
            purpose: kind,
            parcel,
            column,
            row,
        }])
    }

    pub(super) fn pulse(
        &mut self,
        c: CompartmentId,
        kind: IntentKind,
        parcel: Option<ParcelId>,
        actor: &str,
    ) -> EngineResult {
        self.pulse_with(c, kind, parcel, actor, |_, _| Ok(()))
    }

    /// Feeds one event from the lock bus.
    pub fn on_bus_event(&mut self, ev: BusEvent) -> EngineResult {
        match ev {
            BusEvent::Door(d) => self.on_door(d),
            BusEvent::Item { lock, .. } => Ok(self
                .bank
                .by_lock(lock)
                .map(|c| vec![Event::CompartmentChanged { compartment: c.id }])
                .unwrap_or_default()),
            BusEvent::BoardOffline { board } => self.board_offline(board),
            BusEvent::ItemInputsRefused {
                board,
                input_base,
                count,
                exception,
            } => {
                let text = said(
                    Text::SaidItemInputsRefused,
                    &[
                        ("board", &board),
                        ("inputs", &crate::bus::input_range(input_base, count)),
                        ("exception", &format!("{exception:02}")),
                    ],
                );
                let alert = self.commit(|tx| {
                    let alert =
                        self.raise(tx, AlertKind::ItemSensorsUnreadable, None, text.clone())?;
                    tx.audit(self.audit_draft(
                        "bus",
                        "item_inputs_refused",
                        None,
                        None,
                        text.clone(),
                    ))?;
                    Ok(alert)
                })?;
                Ok(vec![Event::AlertRaised { alert }])
            }
            BusEvent::BoardOnline { board } => self.board_back(board),
        }
    }

    fn board_offline(&mut self, board: u8) -> EngineResult {
        let all_down = self
            .bank
            .compartments
            .iter()
            .all(|c| c.board == board || !self.bus.board_online(c.board));
        let newly_down = all_down && !self.bus_down;
        self.bus_down |= all_down;
        let alerts = self.commit(|tx| {
            let mut alerts = vec![self.raise_about(
                tx,
                AlertKind::BoardOffline,
                None,
                Some(board),
                said(Text::SaidBoardSilent, &[("board", &board)]),
            )?];
            if newly_down {
                alerts.push(self.raise(
                    tx,
                    AlertKind::BusDown,
                    None,
                    said(Text::SaidBusDown, &[]),
                )?);
            }
            tx.audit(self.audit_draft(
                "bus",
                "board_offline",
                None,
                None,
                said(Text::SaidBoard, &[("board", &board)]),
            ))?;
            Ok(alerts)
        })?;
        let mut events: Vec<Event> = alerts
            .into_iter()
            .map(|alert| Event::AlertRaised { alert })
            .collect();
        if newly_down {
            events.push(Event::BusDown);
        }
        Ok(events)
    }

    /// A board answers again: its offline alerts (and the bus-down alert,
    /// if the bus was down) are resolved with a note, not left for staff.
    fn board_back(&mut self, board: u8) -> EngineResult {
        tracing::info!(board, "board back online");
        let bus_up = std::mem::replace(&mut self.bus_down, false);
        let note = said(Text::SaidBoardBack, &[("board", &board)]);
        let settled: Vec<u64> = self
            .store
            .all::<Alert>(T::Alerts)?
            .into_iter()
            .filter(|a| a.acknowledged.is_none())
            .filter(|a| match a.kind {
                AlertKind::BoardOffline => a.board == Some(board),
                AlertKind::BusDown => bus_up,
                _ => false,
            })
            .map(|a| a.id)
            .collect();
        let resolved = self.commit(|tx| {
            let mut resolved = Vec::new();
            for id in &settled {
                if let Some(mut a) = tx.get::<Alert, _>(T::Alerts, &seq_key(*id))?
                    && a.acknowledged.is_none()
                {
                    a.acknowledged = Some(("bus".into(), note.clone()));
                    tx.put(T::Alerts, &seq_key(*id), &a)?;
                    resolved.push(*id);
                }
            }
            if bus_up || !resolved.is_empty() {
                let action = if bus_up { "bus_up" } else { "board_online" };
                tx.audit(self.audit_draft("bus", action, None, None, note.clone()))?;
            }
            Ok(resolved)
        })?;
        let mut events = Vec::new();
        if !resolved.is_empty() {
            events.push(Event::AlertsResolved { ids: resolved });
        }
        if bus_up {
            events.push(Event::BusUp);
        }
        Ok(events)
    }

    /// Whether the kiosk should show "out of service".
    pub fn bus_down(&self) -> bool {
        self.bus_down
    }

    fn on_door(&mut self, d: DoorEvent) -> EngineResult {
        let Some(c) = self.bank.by_lock(d.lock).map(|l| l.id) else {
            tracing::warn!(lock = %d.lock, "event for a lock that is not in the bank layout");
            return Ok(vec![]);
        };
        match d.kind {
            DoorEventKind::Opened => self.door_opened(c),
            DoorEventKind::ForcedOpen => self.forced_open(c),
            DoorEventKind::Closed => self.door_closed(c),
            DoorEventKind::Jammed => self.door_did_not_open(c, true),
            DoorEventKind::LeftOpen => {
                let alert = self.commit(|tx| {
                    self.raise(
                        tx,
                        AlertKind::DoorLeftOpen,
                        Some(c),
                        said(Text::SaidLeftOpen, &[("door", &c)]),
                    )
                })?;
                Ok(vec![Event::AlertRaised { alert }])
            }
            DoorEventKind::SensorUnknown => Ok(vec![Event::CompartmentChanged { compartment: c }]),
        }
    }

    fn door_opened(&mut self, c: CompartmentId) -> EngineResult {
        let purpose = self.commit(|tx| {
            let mut comp = tx.compartment(c)?;
            comp.door_open = true;
            tx.put_compartment(&comp)?;
            let intent = tx.intent(c)?;
            if let Some(mut i) = intent.clone() {
                i.opened = true;
                tx.put_intent(&i)?;
            }
            Ok(intent.map(|i| i.kind))
        })?;
        if let Some(kind) = purpose {
            crash::door(kind, "door_opened");
        }
        Ok(vec![Event::DoorOpened { compartment: c }])
    }

    fn forced_open(&mut self, c: CompartmentId) -> EngineResult {
        let alert = self.commit(|tx| {
            let mut comp = tx.compartment(c)?;
            comp.door_open = true;
            if comp.parcel.is_some() {
                comp.needs_inspection = true;
            }
            tx.put_compartment(&comp)?;
            let text = said(Text::SaidForcedOpen, &[("door", &c)]);
            let alert = self.raise(tx, AlertKind::ForcedOpen, Some(c), text.clone())?;
            self.marker(tx, MarkerKind::ForcedOpen, Some(c), "bus", &text)?;
            tx.audit(self.audit_draft("bus", "forced_open", Some(c), comp.parcel, text))?;
            Ok(alert)
        })?;
        Ok(vec![
            Event::DoorOpened { compartment: c },
            Event::AlertRaised { alert },
        ])
    }

    fn door_closed(&mut self, c: CompartmentId) -> EngineResult {
        let intent = self.commit(|tx| tx.intent(c))?;
        let mut events = vec![Event::DoorClosed { compartment: c }];
        let Some(i) = intent else {
            self.commit(|tx| {
                let mut comp = tx.compartment(c)?;
                comp.door_open = false;
                tx.put_compartment(&comp)?;
                tx.audit(self.audit_draft(
                    "bus",
                    "door_closed",
                    Some(c),
                    comp.parcel,
                    String::new(),
                ))?;
                Ok(())
            })?;
            return Ok(events);
        };
        crash::door(i.kind, "door_closed");
        let item = self.lock_of(c).and_then(|l| self.bus.item_present(l));
        match (i.kind, i.parcel) {
            (IntentKind::Pickup, Some(p)) => {
                self.commit(|tx| self.confirm_pickup(tx, c, p))?;
                crash::point("pickup.after_confirm");
                let until = self.open_reopen_window(c, p);
                events.push(Event::PickupConfirmed {
                    compartment: c,
                    parcel: p,
                    reopen_until: until,
                });
            }
            (IntentKind::Deposit, Some(p)) if i.abandon => {
                let alert = self.commit(|tx| {
                    self.release_deposit_door(tx, c, p, Text::SaidNotFitOrCancelled)
                })?;
                events.push(Event::CompartmentChanged { compartment: c });
                events.extend(alert.map(|alert| Event::AlertRaised { alert }));
            }
            (IntentKind::Deposit, Some(p)) if item == Some(false) => {
                // Nothing went in: keep the reservation so the courier can
                // retry. The intent stays `opened`: its pulse was answered,
                // so giving the door up now frees it at once.
                self.commit(|tx| {
                    let mut comp = tx.compartment(c)?;
                    comp.door_open = false;
                    tx.put_compartment(&comp)
                })?;
                events.push(Event::DepositDoorClosedEmpty {
                    parcel: p,
                    compartment: c,
                });
            }
            (IntentKind::Deposit, Some(p)) => {
                let receipt = self.confirm_deposit(c, p)?;
                crash::point("deposit.after_store");
                events.push(Event::DepositStored {
                    parcel: p,
                    compartment: c,
                    receipt,
                });
            }
            (IntentKind::ReturnDrop, Some(p)) if i.abandon || item == Some(false) => {
                let alert = self
                    .commit(|tx| self.release_return_door(tx, c, p, Text::SaidNotFitOrCancelled))?;
                events.push(Event::ReturnNotDropped {
                    parcel: p,
                    compartment: c,
                });
                events.push(Event::CompartmentChanged { compartment: c });
                events.extend(alert.map(|alert| Event::AlertRaised { alert }));
            }
            (IntentKind::ReturnDrop, Some(p)) => {
                let receipt = self.confirm_return_drop(c, p)?;
                crash::point("return.after_drop");
                events.push(Event::ReturnDropped {
                    parcel: p,
                    compartment: c,
                    receipt,
                });
            }
            // The item sensor says whether the courier took it; only a
            // door without one asks the courier.
            (IntentKind::ReturnCollect, Some(p)) if item == Some(false) => {
                self.commit(|tx| self.collected_on_close(tx, c, p, &i.actor))?;
                crash::point("return.after_collect");
                events.push(Event::ReturnCollected {
                    parcel: p,
                    compartment: c,
                });
                events.push(Event::CompartmentChanged { compartment: c });
            }
            (IntentKind::ReturnCollect, Some(p)) => {
                self.commit(|tx| self.return_door_closed(tx, c, p, &i.actor))?;
                events.push(Event::ReturnDoorClosed {
                    parcel: p,
                    compartment: c,
                    still_inside: item == Some(true),
                });
            }
            (IntentKind::Removal, Some(p)) => {
                self.commit(|tx| self.confirm_removal(tx, c, p, &i.actor))?;
                crash::point("removal.after_remove");
                events.push(Event::ParcelRemoved {
                    parcel: p,
                    compartment: c,
                });
            }
            (kind, parcel) => {
                let alert = self.commit(|tx| {
                    let mut comp = tx.compartment(c)?;
                    comp.door_open = false;
                    if kind == IntentKind::Reopen && item == Some(false) && comp.parcel.is_none() {
                        comp.needs_inspection = false;
                    }
                    let alert = self.check_contents(tx, &mut comp, item, kind)?;
                    tx.put_compartment(&comp)?;
                    tx.clear_intent(c)?;
                    tx.audit(self.audit_draft(
                        &i.actor,
                        "door_closed",
                        Some(c),
                        parcel,
                        kind.as_str().to_string(),
                    ))?;
                    Ok(alert)
                })?;
                events.extend(alert.map(|alert| Event::AlertRaised { alert }));
                match kind {
                    IntentKind::Reopen => crash::point("reopen.after_close"),
                    IntentKind::ManualUnlock => crash::point("manual_unlock.after_close"),
                    _ => {}
                }
                if kind == IntentKind::Reopen
                    && let Some(p) = parcel
                {
                    let until = self.open_reopen_window(c, p);
                    events.push(Event::PickupConfirmed {
                        compartment: c,
                        parcel: p,
                        reopen_until: until,
                    });
                }
            }
        }
        Ok(events)
    }

    /// A door opened for neither a deposit nor a pickup (a re-open, a manual
    /// unlock) has closed: if its item sensor now disagrees with the books,
    /// someone put something in or took the parcel out. Neither is guessed
    /// at: the compartment needs an inspection (never allocated, its code
    /// opens nothing) and an admin is told. Without an item sensor, or with
    /// an inspection already due, nothing changes.
    pub(super) fn check_contents(
        &self,
        tx: &Tx<'_>,
        comp: &mut Compartment,
        item: Option<bool>,
        kind: IntentKind,
    ) -> TxResult<Option<Alert>> {
        let booked = comp.parcel.is_some();
        match item {
            Some(inside) if inside != booked && !comp.needs_inspection => {
                comp.needs_inspection = true;
                let sentence = if inside {
                    Text::SaidSomethingInside
                } else {
                    Text::SaidParcelGone
                };
                let text = said(sentence, &[("door", &comp.id), ("purpose", &kind.as_str())]);
                let alert = self.raise(tx, AlertKind::InspectionNeeded, Some(comp.id), text)?;
                Ok(Some(alert))
            }
            _ => Ok(None),
        }
    }

    /// The pulse went unanswered (jam after one retry, or the bus refused).
    /// A pickup keeps its code; a deposit gives up this door.
    pub(super) fn door_did_not_open(&mut self, c: CompartmentId, jammed: bool) -> EngineResult {
        let intent = self.commit(|tx| tx.intent(c))?;
        let purpose = intent
            .as_ref()
            .map(|i| i.kind)
            .unwrap_or(IntentKind::ManualUnlock);
        let alert = self.commit(|tx| {
            let mut alert = None;
            if jammed {
                let mut comp = tx.compartment(c)?;
                comp.faulty = true;
                tx.put_compartment(&comp)?;
                alert = Some(self.raise(
                    tx,
                    AlertKind::Jam,
                    Some(c),
                    said(
                        Text::SaidJam,
                        &[("door", &c), ("purpose", &purpose.as_str())],
                    ),
                )?);
            }
            match &intent {
                Some(i) if i.kind == IntentKind::Deposit => {
                    if let Some(p) = i.parcel {
                        alert =
                            alert.or(self.release_deposit_door(tx, c, p, Text::SaidDidNotOpen)?);
                    }
                }
                Some(i) if i.kind == IntentKind::ReturnDrop => {
                    if let Some(p) = i.parcel {
                        alert =
                            alert.or(self.release_return_door(tx, c, p, Text::SaidDidNotOpen)?);
                    }
                }
                Some(_) => tx.clear_intent(c)?,
                None => {}
            }
            tx.audit(self.audit_draft(
                "bus",
                if jammed { "jammed" } else { "pulse_failed" },
                Some(c),
                intent.as_ref().and_then(|i| i.parcel),
                purpose.as_str().to_string(),
            ))?;
            Ok(alert)
        })?;
        let mut events = vec![Event::DoorJammed {
            compartment: c,
            purpose,
        }];
        events.extend(alert.map(|alert| Event::AlertRaised { alert }));
        Ok(events)
    }
}
