//! The deposit flow: reserve, open, confirm on close.

use super::tx::{Refusal, TxResult, refuse};
use super::{Engine, EngineError, EngineResult, Event, Rejection, SizeChoice};
use crate::domain::compartment::choose;
use crate::domain::hold::local_date;
use crate::domain::s10;
use crate::domain::{
    Compartment, CompartmentId, Parcel, ParcelClass, ParcelId, ParcelState, RecipientId, Size, User,
};
use crate::store::{IntentKind, NotificationKind, T, Tx, seq_key};
use crate::wording::{Text, said};

impl Engine {
    pub(super) fn start_deposit(
        &mut self,
        courier: &str,
        tracking: &str,
        recipient: &str,
        size: SizeChoice,
        class: ParcelClass,
    ) -> EngineResult {
        let (tracking, rid, class) = self.check_new_parcel(tracking, recipient, class)?;
        let size = match size {
            SizeChoice::Size(s) => s,
            SizeChoice::Dimensions(d) if !d.is_real() => {
                return Err(EngineError::Rejected(Rejection::DimensionTooSmall));
            }
            SizeChoice::Dimensions(d) => {
                Size::smallest_fit(d).ok_or(EngineError::Refused(Refusal::Oversized))?
            }
        };
        let compartments: Vec<Compartment> = self.store.all(T::Compartments)?;
        let c = choose(&compartments, size)
            .map(|c| c.id)
            .ok_or(EngineError::Refused(Refusal::NoCompartment))?;
        let parcel = self.new_parcel(tracking, rid, c, class, courier)?;
        let id = parcel.id;
        let mut events = self.pulse_with(c, IntentKind::Deposit, Some(id), courier, |e, tx| {
            reserve(tx, c, id)?;
            tx.put_parcel(&parcel)?;
            tx.audit(e.audit_draft(
                courier,
                "deposit_started",
                Some(c),
                Some(id),
                parcel.tracking.clone(),
            ))?;
            Ok(())
        })?;
        events.insert(0, Event::CompartmentChanged { compartment: c });
        Ok(events)
    }

    /// A tracking number, a registered, open recipient and the parcel's
    /// class, or why not.
    fn check_new_parcel(
        &self,
        tracking: &str,
        recipient: &str,
        class: ParcelClass,
    ) -> Result<(String, RecipientId, ParcelClass), EngineError> {
        let tracking = tracking.trim();
        if !crate::domain::parcel::is_tracking_number(tracking) {
            return Err(EngineError::Rejected(Rejection::TrackingMalformed));
        }
        // An S10 label says the class itself; what was picked counts only
        // for the numbers that do not.
        let class = match s10::read(tracking) {
            Err(_) => return Err(EngineError::Rejected(Rejection::TrackingCheckDigit)),
            Ok(Some(label)) => label.class(self.settings.country),
            Ok(None) => class,
        };
        let (rid, _) = self.registered_recipient(recipient)?;
        Ok((tracking.to_string(), rid, class))
    }

    /// A recipient ID that names an open account, or `NotRegistered`.
    pub(super) fn registered_recipient(
        &self,
        recipient: &str,
    ) -> Result<(RecipientId, crate::domain::Recipient), EngineError> {
        let rid = RecipientId::parse(recipient)
            .map_err(|_| EngineError::Refused(Refusal::NotRegistered))?;
        match self
            .store
            .get::<crate::domain::Recipient>(T::Recipients, rid.digits().as_bytes())?
        {
            Some(r) if !r.closed => Ok((rid, r)),
            _ => Err(EngineError::Refused(Refusal::NotRegistered)),
        }
    }

    pub(super) fn new_parcel(
        &self,
        tracking: String,
        recipient: RecipientId,
        compartment: CompartmentId,
        class: ParcelClass,
        courier: &str,
    ) -> Result<Parcel, EngineError> {
        Ok(Parcel {
            id: ParcelId(self.commit(|tx| tx.next_seq("parcel"))?),
            tracking,
            recipient,
            compartment,
            class,
            state: ParcelState::Depositing,
            courier: courier.to_string(),
            deposited_at: None,
            deadline: None,
            extension_days: 0,
            reminders_sent: 0,
            receipt: None,
            picked_up_at: None,
            removed_at: None,
            code_key: None,
            qr_key: None,
            site_key: None,
            key_id: None,
            code_messages: Vec::new(),
            kind: crate::domain::ParcelKind::Delivery,
        })
    }

    /// Registers a parcel that is already inside a free compartment (found
    /// at an inspection, or the demo's pre-filled locker): the same as a
    /// deposit whose door has just closed, without a pulse.
    pub(super) fn place_parcel(
        &mut self,
        who: &str,
        c: CompartmentId,
        tracking: &str,
        recipient: &str,
        class: ParcelClass,
    ) -> EngineResult {
        let (tracking, rid, class) = self.check_new_parcel(tracking, recipient, class)?;
        let parcel = self.new_parcel(tracking, rid, c, class, who)?;
        self.commit(|tx| {
            if tx.intent(c)?.is_some() {
                return refuse(Refusal::DoorBusy);
            }
            reserve(tx, c, parcel.id)?;
            tx.put_parcel(&parcel)?;
            tx.audit(self.audit_draft(
                who,
                "parcel_placed",
                Some(c),
                Some(parcel.id),
                parcel.tracking.clone(),
            ))
        })?;
        let receipt = self.confirm_deposit(c, parcel.id)?;
        Ok(vec![Event::DepositStored {
            parcel: parcel.id,
            compartment: c,
            receipt,
        }])
    }

    /// The courier's parcel does not fit: give up this door (freed once it
    /// is closed) and open one of the next size, or of `size`.
    pub(super) fn does_not_fit(
        &mut self,
        courier: &str,
        parcel: ParcelId,
        size: Option<Size>,
    ) -> EngineResult {
        let p = self.commit(|tx| tx.depositing(parcel))?;
        let compartments: Vec<Compartment> = self.store.all(T::Compartments)?;
        let old = compartments
            .iter()
            .find(|c| c.id == p.compartment)
            .ok_or_else(|| EngineError::NotFound(format!("door {}", p.compartment)))?;
        let want = match size {
            Some(s) if s > old.size => s,
            Some(_) => return Err(EngineError::Rejected(Rejection::LargerSize)),
            None => old
                .size
                .larger()
                .ok_or(EngineError::Refused(Refusal::Oversized))?,
        };
        let to = choose(&compartments, want)
            .map(|c| c.id)
            .ok_or(EngineError::Refused(Refusal::NoCompartment))?;
        let from = p.compartment;
        let mut events =
            self.pulse_with(to, IntentKind::Deposit, Some(parcel), courier, |e, tx| {
                let mut p = tx.parcel(parcel)?;
                p.compartment = to;
                tx.put_parcel(&p)?;
                e.give_up_door(tx, from, parcel)?;
                reserve(tx, to, parcel)?;
                tx.audit(e.audit_draft(
                    courier,
                    "does_not_fit",
                    Some(from),
                    Some(parcel),
                    said(Text::SaidMovedTo, &[("door", &to)]),
                ))?;
                Ok(())
            })?;
        events.insert(0, Event::DepositMoved { parcel, from, to });
        Ok(events)
    }

    pub(super) fn cancel_deposit(&mut self, courier: &str, parcel: ParcelId) -> EngineResult {
        let c = self.commit(|tx| {
            let p = tx.depositing(parcel)?;
            tx.del(T::Parcels, &seq_key(parcel.0))?;
            tx.del(T::Live, &seq_key(parcel.0))?;
            self.give_up_door(tx, p.compartment, parcel)?;
            tx.audit(self.audit_draft(
                courier,
                "deposit_cancelled",
                Some(p.compartment),
                Some(parcel),
                p.tracking.clone(),
            ))?;
            Ok(p.compartment)
        })?;
        Ok(vec![Event::DepositCancelled {
            parcel,
            compartment: c,
        }])
    }

    /// An open door is freed when it closes; so is one pulsed and not yet
    /// seen open, which may still open: freed now, it would close later
    /// with nobody checking what was left inside. A closed door is freed
    /// right away.
    pub(super) fn give_up_door(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
    ) -> TxResult<()> {
        let mut comp = tx.compartment(c)?;
        match tx.intent(c)? {
            Some(mut i) if comp.door_open || !i.opened => {
                // The parcel leaves this door's books now; the open door
                // itself keeps the compartment out of allocation until closed.
                if comp.parcel == Some(parcel) {
                    comp.parcel = None;
                    comp.reserved = false;
                    tx.put_compartment(&comp)?;
                }
                i.abandon = true;
                tx.put_intent(&i)
            }
            _ => self
                .release_deposit_door(tx, c, parcel, Text::SaidGivenUp)
                .map(drop),
        }
    }

    /// Frees a deposit's door; a parcel still assigned to it is dropped.
    /// The alert, when the item sensor sees something left inside.
    pub(super) fn release_deposit_door(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
        why: Text,
    ) -> TxResult<Option<crate::store::Alert>> {
        let mut comp = tx.compartment(c)?;
        if comp.parcel == Some(parcel) {
            comp.parcel = None;
            comp.reserved = false;
        }
        comp.door_open = false;
        // A door given up with something still inside is not free: the
        // books say empty, the sensor says otherwise, so someone looks.
        let inside = self.lock_of(c).and_then(|l| self.bus.item_present(l)) == Some(true);
        let mut alert = None;
        if inside && !comp.needs_inspection {
            comp.needs_inspection = true;
            alert = Some(self.raise(
                tx,
                crate::store::AlertKind::InspectionNeeded,
                Some(c),
                said(
                    Text::SaidGivenUpFull,
                    &[("door", &c), ("why", &said(why, &[]))],
                ),
            )?);
        }
        tx.put_compartment(&comp)?;
        if let Some(p) = tx.get::<Parcel, _>(T::Parcels, &seq_key(parcel.0))?
            && p.compartment == c
            && p.state == ParcelState::Depositing
        {
            tx.del(T::Parcels, &seq_key(parcel.0))?;
            tx.del(T::Live, &seq_key(parcel.0))?;
        }
        tx.clear_intent(c)?;
        tx.audit(self.audit_draft(
            "kiosk",
            "deposit_door_released",
            Some(c),
            Some(parcel),
            said(why, &[]),
        ))?;
        Ok(alert)
    }

    /// The deposit door closed with the parcel inside: only now is the code
    /// made and the notification queued.
    pub(super) fn confirm_deposit(
        &mut self,
        c: CompartmentId,
        parcel: ParcelId,
    ) -> Result<String, EngineError> {
        let fresh = self.fresh_code()?;
        let now = self.now();
        let receipt = format!("R-{}-{:06}", self.settings.kiosk_id, parcel.0);
        self.commit(|tx| {
            let mut p = tx.depositing(parcel)?;
            let recipient = tx.recipient(&p.recipient)?;
            let base = self.settings.hold.deadline(now, self.settings.tz, 0);
            let vacation = recipient.as_ref().and_then(|r| r.vacation_until);
            p.extension_days = self
                .settings
                .hold
                .vacation_extension(local_date(base, self.settings.tz), vacation);
            p.state = ParcelState::Stored;
            p.deposited_at = Some(now);
            p.deadline = Some(
                self.settings
                    .hold
                    .deadline(now, self.settings.tz, p.extension_days),
            );
            p.receipt = Some(receipt.clone());
            tx.hold_in(c, parcel)?;
            let facts = self.parcel_facts(&p);
            let message = recipient.as_ref().map(|r| {
                self.notification(
                    NotificationKind::Delivered,
                    &Engine::addressed(r),
                    Some(parcel),
                    facts.clone(),
                )
            });
            self.file_code(tx, &mut p, &fresh, message)?;
            let courier: Option<User> = tx.get(T::Users, p.courier.as_bytes())?;
            let carrier = courier
                .and_then(|u| u.carrier_email)
                .or_else(|| self.settings.carrier_address.clone());
            if let Some(addr) = carrier {
                let who = super::tx::Addressed {
                    to: vec![addr],
                    language: crate::domain::Language::En,
                };
                tx.queue(self.notification(
                    NotificationKind::ProofOfDelivery,
                    &who,
                    Some(parcel),
                    facts,
                ))?;
            }
            tx.put_parcel(&p)?;
            tx.clear_intent(c)?;
            tx.audit(self.audit_draft(
                &p.courier,
                "deposit_stored",
                Some(c),
                Some(parcel),
                format!("{} receipt {receipt}", p.tracking),
            ))?;
            Ok(())
        })?;
        Ok(receipt)
    }

    /// A code that no live parcel has, from a fresh seed under the newest
    /// key. Each candidate costs one keyed hash; with few live codes the
    /// first nearly always does.
    pub(super) fn fresh_code(&self) -> Result<FreshCode, EngineError> {
        let keys = &self.settings.keys;
        for _ in 0..32 {
            let seed = keys.new_seed();
            let Some((code, qr)) = keys.derive(&self.settings.kiosk_id, &seed) else {
                break;
            };
            let Some(index) = keys.index_under(&seed.key, &code) else {
                break;
            };
            if self
                .store
                .tree(T::Codes)
                .get(index)
                .map_err(crate::store::StoreError::from)?
                .is_none()
            {
                return Ok(FreshCode {
                    seed,
                    index,
                    qr_key: qr.key(),
                    site_key: self.site_fingerprint(&code),
                });
            }
        }
        Err(EngineError::Rejected(Rejection::NoFreeCode))
    }

    /// Files a fresh code for a parcel in the live indexes and queues the
    /// message that gives it, when there is someone to tell.
    pub(super) fn file_code(
        &self,
        tx: &Tx<'_>,
        p: &mut Parcel,
        fresh: &FreshCode,
        message: Option<crate::store::Notification>,
    ) -> TxResult<()> {
        if tx.raw(T::Codes).get(fresh.index)?.is_some() {
            return refuse(Refusal::DoorBusy);
        }
        p.code_key = Some(hex::encode(fresh.index));
        p.qr_key = Some(hex::encode(fresh.qr_key));
        p.key_id = Some(fresh.seed.key.clone());
        tx.put(T::Codes, &fresh.index, &p.id)?;
        tx.del(T::DeadCodes, &fresh.index)?;
        tx.put(T::Qr, &fresh.qr_key, &p.id)?;
        if let Some(fp) = &fresh.site_key {
            p.site_key = Some(hex::encode(fp));
            tx.put(T::SiteCodes, fp, &p.id)?;
        }
        if let Some(mut n) = message {
            n.seed = Some(fresh.seed.clone());
            tx.queue_with_code(p, n)?;
        }
        Ok(())
    }

    /// What a notification says about a parcel.
    pub(super) fn parcel_facts(&self, p: &Parcel) -> serde_json::Value {
        let tz = self.settings.tz;
        serde_json::json!({
            "parcel": p.id,
            "tracking": p.tracking,
            "recipient": p.recipient,
            "door": p.compartment,
            "kiosk": self.settings.kiosk_id,
            "kiosk_name": self.settings.kiosk_name,
            "locker_code": self.settings.locker_code,
            "deadline": p.deadline.map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()),
            "class": p.class,
            "after_expiry": p.class.after_expiry(),
            "receipt": p.receipt,
            "fees": self.settings.fees.notice(),
        })
    }
}

/// A code made but not yet filed: the seed its message keeps, and where
/// the indexes will point at the parcel.
pub(super) struct FreshCode {
    seed: crate::domain::CodeSeed,
    index: [u8; 32],
    qr_key: [u8; 32],
    /// The code's fingerprint for the property, with a site key.
    site_key: Option<[u8; 32]>,
}

pub(super) fn reserve(tx: &Tx<'_>, c: CompartmentId, parcel: ParcelId) -> TxResult<()> {
    let mut comp = tx.compartment(c)?;
    if !comp.allocatable() {
        return refuse(Refusal::NoCompartment);
    }
    comp.reserved = true;
    comp.parcel = Some(parcel);
    tx.put_compartment(&comp)
}
