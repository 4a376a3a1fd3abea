//! Pickup by code or QR, the fee step, re-open and problem reports.

use chrono::Duration;

use super::tx::{Refusal, Scanned, TxResult};
use super::{
    Engine, EngineError, EngineResult, Event, PendingPickup, Problem, Rejection, ReopenWindow,
    crash,
};
use crate::domain::{
    AccessCode, CodeThrottle, Compartment, CompartmentId, Parcel, ParcelId, ParcelState, QrToken,
    Recipient,
};
use crate::store::{
    AlertKind, DeadCode, DeadReason, DoorIntent, IntentKind, MarkerKind, T, Tx, compartment_key,
    seq_key,
};
use crate::wording::{Text, name_of, said};

/// The typed-code budget in `meta` (a new key: the old throttle's doubling
/// and resets are not carried over).
pub(super) const THROTTLE_KEY: &[u8] = b"code_throttle";

/// How a code reached the kiosk: only typed codes draw on the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Via {
    Typed,
    Qr,
}

/// Dead QR keys share the dead-code tree under this prefix.
pub(super) fn dead_qr_key(key: &[u8; 32]) -> Vec<u8> {
    let mut k = b"q".to_vec();
    k.extend_from_slice(key);
    k
}

impl Engine {
    fn throttle(&self) -> Result<CodeThrottle, EngineError> {
        Ok(self.store.get(T::Meta, THROTTLE_KEY)?.unwrap_or_default())
    }

    /// When typed codes work again, if they are paused now.
    pub fn codes_locked_until(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, EngineError> {
        Ok(self.throttle()?.locked(self.now()))
    }

    /// What every typed code (pickup or return) meets first: while typed
    /// codes are paused, the pause; input not of the code's form is no
    /// guess (`code` is `None`), is told as `malformed` and costs no try.
    /// The code to look up, or the answer to give.
    pub(super) fn typed_code_gate<C>(
        &self,
        code: Option<C>,
        malformed: Refusal,
    ) -> Result<Result<C, Vec<Event>>, EngineError> {
        let throttle = self.throttle()?;
        let now = self.now();
        if let Some(until) = throttle.locked(now) {
            return Ok(Err(vec![Event::CodesLocked { until }]));
        }
        Ok(code.ok_or_else(|| {
            vec![Event::CodeRefused {
                refusal: malformed,
                tries_left: throttle.tries_left(now),
            }]
        }))
    }

    /// A typed code: one keyed hash, then one index lookup. Input that is
    /// not six digits is no guess and costs no try.
    pub(super) fn enter_code(&mut self, input: &str) -> EngineResult {
        let code = match self.typed_code_gate(AccessCode::parse(input), Refusal::Malformed)? {
            Ok(code) => code,
            Err(answer) => return Ok(answer),
        };
        let mut dead = None;
        for key in self.settings.keys.index_keys(&code) {
            if let Some(parcel) = self.store.get::<ParcelId>(T::Codes, &key)? {
                return self.open_for_pickup(parcel, Via::Typed);
            }
            dead = dead.or(self.store.get::<DeadCode>(T::DeadCodes, &key)?);
        }
        if dead.is_none() {
            self.ask_site(&code);
        }
        self.wrong_code(refusal_for(dead))
    }

    /// A scanned payload. A QR token carries 128 random bits, so scans need
    /// no throttle and a wrong one costs no try; a barcode that is not a
    /// pickup code at all is told for what it is.
    pub(super) fn scan_qr(&mut self, payload: &str) -> EngineResult {
        let Some(token) = QrToken::parse(payload) else {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::NotACode {
                    scanned: Scanned::classify(payload),
                },
                // A scan costs no try, so there is no count to give.
                tries_left: 0,
            }]);
        };
        if token.kiosk != self.settings.kiosk_id {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::OtherKiosk { kiosk: token.kiosk },
                // A scan costs no try, so there is no count to give.
                tries_left: 0,
            }]);
        }
        let key = token.key();
        match self.store.get::<ParcelId>(T::Qr, &key)? {
            Some(parcel) => self.open_for_pickup(parcel, Via::Qr),
            None => {
                let dead: Option<DeadCode> = self.store.get(T::DeadCodes, &dead_qr_key(&key))?;
                Ok(vec![Event::CodeRefused {
                    refusal: refusal_for(dead),
                    // A scan costs no try, so there is no count to give.
                    tries_left: 0,
                }])
            }
        }
    }

    /// A wrong typed code: one try spent from the kiosk's budget.
    pub(super) fn wrong_code(&mut self, refusal: Refusal) -> EngineResult {
        let now = self.now();
        let today = self.today();
        let cap = self.settings.wrong_code_daily_cap;
        let (outcome, alerts) = self.commit(|tx| {
            let mut t: CodeThrottle = tx.get(T::Meta, THROTTLE_KEY)?.unwrap_or_default();
            let outcome = t.wrong_code(now, today, cap);
            tx.put(T::Meta, THROTTLE_KEY, &t)?;
            let mut alerts = Vec::new();
            if let (Some(until), true) = (outcome.spent.locked_until, outcome.alert_lock) {
                alerts.push(self.lock_alert(tx, until)?);
            }
            if outcome.cap_reached {
                let text = said(Text::SaidDailyCap, &[("count", &t.wrong_today)]);
                alerts.push(self.raise(tx, AlertKind::DailyCap, None, text.clone())?);
                self.marker(tx, MarkerKind::DailyCap, None, "kiosk", &text)?;
            }
            tx.audit(self.audit_draft("kiosk", "wrong_code", None, None, format!("{refusal:?}")))?;
            Ok((outcome, alerts))
        })?;
        let mut events = vec![Event::CodeRefused {
            refusal,
            tries_left: outcome.spent.left,
        }];
        if let Some(until) = outcome.spent.locked_until {
            events.push(Event::CodesLocked { until });
        }
        events.extend(alerts.into_iter().map(|alert| Event::AlertRaised { alert }));
        Ok(events)
    }

    /// The admin's alert that typed codes are paused until then.
    pub(super) fn lock_alert(
        &self,
        tx: &Tx<'_>,
        until: chrono::DateTime<chrono::Utc>,
    ) -> TxResult<crate::store::Alert> {
        let time = until.with_timezone(&self.settings.tz).format("%H:%M:%S");
        let text = said(Text::SaidCodesPaused, &[("time", &time)]);
        self.raise(tx, AlertKind::Lockout, None, text)
    }

    fn open_for_pickup(&mut self, parcel: ParcelId, via: Via) -> EngineResult {
        // Plain reads: only the pulse's own transaction writes (and flushes).
        let not_found = || EngineError::NotFound(format!("parcel {parcel}"));
        let p: Parcel = self
            .store
            .get(T::Parcels, &seq_key(parcel.0))?
            .ok_or_else(not_found)?;
        if p.state != ParcelState::Stored {
            return match via {
                Via::Typed => self.wrong_code(Refusal::Expired),
                Via::Qr => Ok(vec![Event::CodeRefused {
                    refusal: Refusal::Expired,
                    // A scan costs no try, so there is no count to give.
                    tries_left: 0,
                }]),
            };
        }
        let c: Compartment = self
            .store
            .get(T::Compartments, &compartment_key(p.compartment))?
            .ok_or_else(not_found)?;
        if c.needs_inspection || c.faulty {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::NeedsInspection,
                tries_left: 0,
            }]);
        }
        if self
            .store
            .get::<DoorIntent>(T::Intents, &compartment_key(c.id))?
            .is_some()
        {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::DoorBusy,
                tries_left: 0,
            }]);
        }
        let vacation = self
            .store
            .get::<Recipient>(T::Recipients, p.recipient.digits().as_bytes())?
            .and_then(|r| r.vacation_until);
        let deposited = p.deposited_at.unwrap_or_else(|| self.now());
        let fee = self
            .settings
            .fees
            .due(deposited, self.now(), self.settings.tz, vacation);
        if fee.is_due() {
            let ticket = rand::random::<u64>();
            let expires = self.now() + Duration::seconds(120);
            self.pending.insert(
                ticket,
                PendingPickup {
                    parcel,
                    compartment: c.id,
                    fee: fee.clone(),
                    expires,
                },
            );
            return Ok(vec![Event::FeeDue {
                ticket,
                compartment: c.id,
                fee,
            }]);
        }
        crash::point("pickup.code_ok");
        self.pulse(c.id, IntentKind::Pickup, Some(parcel), "kiosk")
    }

    pub(super) fn accept_fee(&mut self, ticket: u64) -> EngineResult {
        let now = self.now();
        self.pending.retain(|_, p| p.expires > now);
        let Some(p) = self.pending.remove(&ticket) else {
            return Err(EngineError::Rejected(Rejection::FeeOfferExpired));
        };
        let _ = &p.fee;
        self.pulse(p.compartment, IntentKind::Pickup, Some(p.parcel), "kiosk")
    }

    pub(super) fn reopen_door(&mut self, compartment: CompartmentId) -> EngineResult {
        let now = self.now();
        match self.reopen.get(&compartment) {
            Some(w) if now <= w.until => {
                let parcel = w.parcel;
                self.pulse(compartment, IntentKind::Reopen, Some(parcel), "kiosk")
            }
            _ => Err(EngineError::Refused(Refusal::ReopenClosed)),
        }
    }

    pub(super) fn report_problem(
        &mut self,
        compartment: CompartmentId,
        problem: Problem,
    ) -> EngineResult {
        let text = said(
            Text::SaidProblem,
            &[("door", &compartment), ("problem", &name_of(&problem))],
        );
        // The report follows a pickup: the parcel is the one last taken
        // from this door.
        let parcel = self.reopen.get(&compartment).map(|w| w.parcel);
        let alert = self.commit(|tx| {
            tx.compartment(compartment)?;
            let alert = self.raise(
                tx,
                AlertKind::ProblemReported,
                Some(compartment),
                text.clone(),
            )?;
            self.marker(
                tx,
                MarkerKind::ProblemReported,
                Some(compartment),
                "kiosk",
                &text,
            )?;
            tx.audit(self.audit_draft(
                "kiosk",
                "problem_reported",
                Some(compartment),
                parcel,
                name_of(&problem),
            ))?;
            Ok(alert)
        })?;
        Ok(vec![
            Event::ProblemRecorded {
                compartment,
                problem,
                reference: alert.id,
            },
            Event::AlertRaised { alert },
        ])
    }

    /// The door closed after a pickup: the parcel is out and its code dead.
    pub(super) fn confirm_pickup(
        &self,
        tx: &Tx<'_>,
        compartment: CompartmentId,
        parcel: ParcelId,
    ) -> TxResult<()> {
        let now = self.now();
        let mut p = tx.parcel(parcel)?;
        p.state = ParcelState::PickedUp;
        p.picked_up_at = Some(now);
        self.kill_codes(tx, &mut p, DeadReason::Used)?;
        let recipient = tx.recipient(&p.recipient)?;
        let vacation = recipient.as_ref().and_then(|r| r.vacation_until);
        let fee = self.settings.fees.due(
            p.deposited_at.unwrap_or(now),
            now,
            self.settings.tz,
            vacation,
        );
        if fee.is_due() {
            let id = tx.next_seq("fee")?;
            let rec = crate::store::FeeRecord {
                id,
                parcel,
                at: now,
                use_cents: fee.use_cents,
                storage_days: fee.storage_days,
                storage_cents: fee.storage_cents,
                currency: fee.currency.clone(),
            };
            tx.put(T::Fees, &crate::store::seq_key(id), &rec)?;
        }
        let mut c = tx.compartment(compartment)?;
        c.parcel = None;
        c.door_open = false;
        // A parcel left behind keeps the door out of allocation until someone looks.
        let lock = self.lock_of(compartment);
        if lock.and_then(|l| self.bus.item_present(l)) == Some(true) {
            c.needs_inspection = true;
        }
        tx.put_compartment(&c)?;
        if let Some(r) = &recipient {
            let facts = serde_json::json!({ "door": compartment, "tracking": p.tracking, "kiosk": self.settings.kiosk_id });
            tx.queue(self.notification(
                crate::store::NotificationKind::PickedUp,
                &Engine::addressed(r),
                Some(parcel),
                facts,
            ))?;
        }
        tx.put_parcel(&p)?;
        tx.clear_intent(compartment)?;
        tx.audit(self.audit_draft(
            "kiosk",
            "picked_up",
            Some(compartment),
            Some(parcel),
            fee.display(),
        ))?;
        Ok(())
    }

    /// Moves a parcel's code and QR from the live indexes to the dead ones.
    pub(super) fn kill_codes(
        &self,
        tx: &Tx<'_>,
        p: &mut crate::domain::Parcel,
        reason: DeadReason,
    ) -> TxResult<()> {
        let dead = DeadCode {
            reason,
            parcel: p.id,
            at: self.now(),
        };
        if let Some(k) = p.code_key.take().and_then(|h| hex::decode(h).ok()) {
            tx.del(T::Codes, &k)?;
            tx.put(T::DeadCodes, &k, &dead)?;
        }
        if let Some(k) = p.site_key.take().and_then(|h| hex::decode(h).ok()) {
            tx.del(T::SiteCodes, &k)?;
        }
        if let Some(k) = p.qr_key.take().and_then(|h| hex::decode(h).ok()) {
            tx.del(T::Qr, &k)?;
            if let Ok(k32) = <[u8; 32]>::try_from(k.as_slice()) {
                tx.put(T::DeadCodes, &dead_qr_key(&k32), &dead)?;
            }
        }
        let ids = tx.purge_codes(p)?;
        self.unspool.borrow_mut().extend(ids);
        Ok(())
    }

    pub(super) fn open_reopen_window(
        &mut self,
        compartment: CompartmentId,
        parcel: ParcelId,
    ) -> chrono::DateTime<chrono::Utc> {
        let until = self.now() + Duration::seconds(i64::from(self.settings.reopen_secs));
        self.reopen
            .insert(compartment, ReopenWindow { parcel, until });
        until
    }
}

fn refusal_for(dead: Option<DeadCode>) -> Refusal {
    match dead.map(|d| d.reason) {
        Some(DeadReason::Used) => Refusal::Used,
        Some(DeadReason::Expired) => Refusal::Expired,
        Some(DeadReason::Replaced) => Refusal::Replaced,
        Some(DeadReason::Reassigned) => Refusal::Reassigned,
        None => Refusal::Unknown,
    }
}
