//! Transaction helpers: typed reads and writes of the engine's records and
//! the side records (audit, outbox, alerts, markers) that a change causes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Engine, EngineError};
use crate::domain::{Compartment, CompartmentId, Parcel, ParcelId, Recipient, RecipientId};
use crate::store::{
    Alert, AlertKind, AuditDraft, CctvMarker, Channel, DeliveryState, DoorIntent, MarkerKind,
    Notification, NotificationKind, SMS_SCHEME, T, Tx, TxError, compartment_key, seq_key,
    sms_address,
};

pub(super) type TxResult<V> = Result<V, TxError<EngineError>>;

/// Why a code or scan did not open a door. The screen explains each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Refusal {
    #[error("a code has 6 digits")]
    Malformed,
    #[error("unknown code")]
    Unknown,
    #[error("this code was already used")]
    Used,
    #[error("this code has expired: collect the parcel at the office")]
    Expired,
    #[error("this code was replaced by a newer one")]
    Replaced,
    #[error("this parcel was given to another recipient: ask staff")]
    Reassigned,
    #[error("this code is for kiosk {kiosk}")]
    OtherKiosk { kiosk: String },
    /// A typed code another kiosk of the property holds.
    #[error("this code is for kiosk {kiosk} (locker code {locker_code})")]
    HeldElsewhere { kiosk: String, locker_code: String },
    #[error("this is not a pickup code")]
    NotACode { scanned: Scanned },
    #[error("too many wrong PINs for this user: sign-in paused")]
    SignInLocked { until: DateTime<Utc> },
    #[error("this door needs an inspection: please contact the building admin")]
    NeedsInspection,
    #[error("that door is already open")]
    DoorBusy,
    #[error("not registered: deliver as usual")]
    NotRegistered,
    #[error("oversized: deliver as you would without a locker")]
    Oversized,
    #[error("no free compartment of this size or larger")]
    NoCompartment,
    #[error("the lock bus is down")]
    BusDown,
    #[error("wrong user or PIN")]
    WrongPin,
    #[error("the re-open window has closed: ask the building admin")]
    ReopenClosed,
    #[error("the recipient still has parcels in the locker")]
    ParcelsWaiting,
    #[error("a return code has 8 digits, or is the label's barcode")]
    ReturnMalformed,
    #[error("unknown return code")]
    ReturnUnknown,
}

/// What a scanned barcode that is no pickup code looks like, so the screen
/// can say what to do with it instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scanned {
    /// A recipient ID label (`PX-…`).
    RecipientId,
    /// A parcel's tracking label.
    Tracking,
    Other,
}

impl Scanned {
    pub fn classify(payload: &str) -> Scanned {
        let p = payload.trim();
        let prefix = format!("{}-", crate::domain::people::RECIPIENT_PREFIX);
        if p.len() > prefix.len()
            && p.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&prefix))
        {
            Scanned::RecipientId
        } else if crate::domain::parcel::is_tracking_number(p) {
            Scanned::Tracking
        } else {
            Scanned::Other
        }
    }
}

pub(super) fn refuse<V>(r: Refusal) -> TxResult<V> {
    Err(TxError::Abort(EngineError::Refused(r)))
}

pub(super) fn abort<V>(e: EngineError) -> TxResult<V> {
    Err(TxError::Abort(e))
}

impl Tx<'_> {
    pub(super) fn compartment(&self, id: CompartmentId) -> TxResult<Compartment> {
        match self.get(T::Compartments, &compartment_key(id))? {
            Some(c) => Ok(c),
            None => abort(EngineError::NotFound(format!("compartment {id}"))),
        }
    }

    pub(super) fn put_compartment(&self, c: &Compartment) -> TxResult<()> {
        self.put(T::Compartments, &compartment_key(c.id), c)
    }

    pub(super) fn parcel(&self, id: ParcelId) -> TxResult<Parcel> {
        match self.get(T::Parcels, &seq_key(id.0))? {
            Some(p) => Ok(p),
            None => abort(EngineError::NotFound(format!("parcel {id}"))),
        }
    }

    /// A parcel whose door is open (or opening) for it to go in, or why not.
    pub(super) fn depositing(&self, id: ParcelId) -> TxResult<Parcel> {
        let p = self.parcel(id)?;
        if p.state != crate::domain::ParcelState::Depositing {
            return abort(EngineError::Rejected(super::Rejection::NotBeingDeposited {
                parcel: id,
            }));
        }
        Ok(p)
    }

    /// The parcel went in and its door is shut: the compartment holds it.
    pub(super) fn hold_in(&self, c: CompartmentId, parcel: ParcelId) -> TxResult<()> {
        let mut comp = self.compartment(c)?;
        comp.reserved = false;
        comp.door_open = false;
        comp.parcel = Some(parcel);
        self.put_compartment(&comp)
    }

    /// Writes a parcel and keeps the `live` index in step with its state.
    pub(super) fn put_parcel(&self, p: &Parcel) -> TxResult<()> {
        self.put(T::Parcels, &seq_key(p.id.0), p)?;
        if p.state.in_locker() {
            self.raw(T::Live).insert(&seq_key(p.id.0), &[])?;
        } else {
            self.raw(T::Live).remove(&seq_key(p.id.0))?;
        }
        Ok(())
    }

    pub(super) fn recipient(&self, id: &RecipientId) -> TxResult<Option<Recipient>> {
        self.get(T::Recipients, id.digits().as_bytes())
    }

    pub(super) fn intent(&self, c: CompartmentId) -> TxResult<Option<DoorIntent>> {
        self.get(T::Intents, &compartment_key(c))
    }

    pub(super) fn put_intent(&self, i: &DoorIntent) -> TxResult<()> {
        self.put(T::Intents, &compartment_key(i.compartment), i)
    }

    pub(super) fn clear_intent(&self, c: CompartmentId) -> TxResult<()> {
        self.del(T::Intents, &compartment_key(c))
    }

    /// Files a message in the outbox: one record for its e-mail addresses
    /// and one for its phone numbers (`sms:` addresses), so that each
    /// channel is delivered at least once whatever the other does.
    pub(super) fn queue(&self, n: Notification) -> TxResult<Vec<u64>> {
        let (phones, mail): (Vec<String>, Vec<String>) =
            n.to.iter()
                .cloned()
                .partition(|a| a.starts_with(SMS_SCHEME));
        let mut ids = Vec::new();
        if !mail.is_empty() || phones.is_empty() {
            ids.push(self.file(Notification {
                to: mail,
                ..n.clone()
            })?);
        }
        if !phones.is_empty() {
            let to = phones
                .iter()
                .map(|p| p[SMS_SCHEME.len()..].to_string())
                .collect();
            ids.push(self.file(Notification {
                to,
                channel: Channel::Sms,
                ..n
            })?);
        }
        Ok(ids)
    }

    fn file(&self, n: Notification) -> TxResult<u64> {
        let id = self.next_seq("outbox")?;
        let n = Notification { id, ..n };
        self.put(T::Outbox, &seq_key(id), &n)?;
        Ok(id)
    }

    /// Queues a message that gives the parcel's code, and remembers it on
    /// the parcel so that its seeds and spooled copy go when the code dies.
    pub(super) fn queue_with_code(&self, p: &mut Parcel, n: Notification) -> TxResult<Vec<u64>> {
        let ids = self.queue(n)?;
        p.code_messages.extend(&ids);
        Ok(ids)
    }

    /// Drops the seeds of the messages that gave a code that no longer
    /// works (used, expired, replaced, parcel gone); returns their ids.
    pub(super) fn purge_codes(&self, p: &mut Parcel) -> TxResult<Vec<u64>> {
        let ids: Vec<u64> = p.code_messages.drain(..).collect();
        for id in &ids {
            if let Some(mut n) = self.get::<Notification, _>(T::Outbox, &seq_key(*id))?
                && n.seed.is_some()
            {
                n.seed = None;
                self.put(T::Outbox, &seq_key(*id), &n)?;
            }
        }
        Ok(ids)
    }
}

/// The facts and addresses a notification about a parcel needs.
pub(super) struct Addressed {
    pub to: Vec<String>,
    pub language: crate::domain::Language,
}

impl Engine {
    /// Runs a transaction and turns its failure into an engine error.
    pub(super) fn commit<R>(&self, f: impl Fn(&Tx<'_>) -> TxResult<R>) -> Result<R, EngineError> {
        self.unspool.borrow_mut().clear();
        let r = self.store.transact(f)?;
        self.delete_spooled();
        Ok(r)
    }

    /// Deletes the spooled copies of messages whose code died in the
    /// transaction just committed: a spool directory must not keep a
    /// working code, or one that worked, longer than the parcel stays.
    fn delete_spooled(&self) {
        let mut ids = std::mem::take(&mut *self.unspool.borrow_mut());
        let Some(dir) = &self.settings.spool_dir else {
            return;
        };
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let path = dir.join(crate::store::spool_name(id));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "cannot delete a spooled message")
                }
            }
        }
    }

    pub(super) fn audit_draft(
        &self,
        actor: &str,
        action: &str,
        compartment: Option<CompartmentId>,
        parcel: Option<ParcelId>,
        detail: String,
    ) -> AuditDraft {
        AuditDraft {
            at: self.now(),
            actor: actor.to_string(),
            action: action.to_string(),
            compartment,
            parcel,
            detail,
        }
    }

    /// A notification to a recipient and their delegates.
    pub(super) fn notification(
        &self,
        kind: NotificationKind,
        who: &Addressed,
        parcel: Option<ParcelId>,
        facts: serde_json::Value,
    ) -> Notification {
        Notification {
            id: 0,
            kind,
            to: who.to.clone(),
            channel: Channel::Email,
            language: who.language,
            parcel,
            created_at: self.now(),
            state: DeliveryState::Queued,
            facts,
            seed: None,
            code: None,
            qr: None,
            attempts: 0,
            next_attempt: None,
            last_error: None,
            sent_at: None,
        }
    }

    /// The recipient by the way they chose (e-mail, text or both), and
    /// their delegates by e-mail.
    pub(super) fn addressed(r: &Recipient) -> Addressed {
        let mut to = Vec::new();
        if r.notify_by.email() {
            to.push(r.email.clone());
        }
        to.extend(r.delegates.iter().map(|d| d.email.clone()));
        to.retain(|a| !a.is_empty());
        if r.notify_by.sms()
            && let Some(phone) = r.phone.as_deref().filter(|p| !p.trim().is_empty())
        {
            to.push(sms_address(phone));
        }
        Addressed {
            to,
            language: r.language,
        }
    }

    /// An alert record plus its admin e-mail, in the caller's transaction.
    pub(super) fn raise(
        &self,
        tx: &Tx<'_>,
        kind: AlertKind,
        compartment: Option<CompartmentId>,
        text: String,
    ) -> TxResult<Alert> {
        self.raise_about(tx, kind, compartment, None, text)
    }

    /// [`Engine::raise`] for an alert about one lock board, which the
    /// board's coming back resolves.
    pub(super) fn raise_about(
        &self,
        tx: &Tx<'_>,
        kind: AlertKind,
        compartment: Option<CompartmentId>,
        board: Option<u8>,
        text: String,
    ) -> TxResult<Alert> {
        let id = tx.next_seq("alert")?;
        let alert = Alert {
            id,
            at: self.now(),
            kind,
            compartment,
            text: text.clone(),
            acknowledged: None,
            board,
        };
        tx.put(T::Alerts, &seq_key(id), &alert)?;
        if let Some(admin) = &self.settings.admin_email {
            let facts = serde_json::json!({
                "alert": kind,
                "compartment": compartment,
                "text": text,
                "kiosk": self.settings.kiosk_id,
                "kiosk_name": self.settings.kiosk_name,
            });
            let who = Addressed {
                to: vec![admin.clone()],
                language: crate::domain::Language::En,
            };
            tx.queue(self.notification(NotificationKind::AdminAlert, &who, None, facts))?;
        }
        Ok(alert)
    }

    pub(super) fn marker(
        &self,
        tx: &Tx<'_>,
        kind: MarkerKind,
        compartment: Option<CompartmentId>,
        actor: &str,
        note: &str,
    ) -> TxResult<()> {
        let id = tx.next_seq("marker")?;
        let m = CctvMarker {
            id,
            at: self.now(),
            kiosk: self.settings.kiosk_id.clone(),
            compartment,
            camera: compartment.and_then(|c| self.camera_of(c)),
            kind,
            actor: actor.to_string(),
            note: note.to_string(),
        };
        tx.put(T::Markers, &seq_key(id), &m)
    }
}
