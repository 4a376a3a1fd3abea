//! Returns: authorised by an admin, dropped at the keypad by whoever holds
//! the code, collected by a courier. Each door goes through an intent like
//! a deposit's, so a crash or power cut settles it the same way.

use super::tx::{Addressed, Refusal, TxResult, abort};
use super::{Engine, EngineError, EngineResult, Event, NewReturn, Rejection, crash};
use crate::domain::compartment::choose;
use crate::domain::returns::{RETURN_CODE_DIGITS, normalize_code};
use crate::domain::text::{NOTE_MAX, check_email, check_text};
use crate::domain::{
    Compartment, CompartmentId, Parcel, ParcelId, ParcelKind, ParcelState, RecipientId, ReturnAuth,
    ReturnId, ReturnState,
};
use crate::store::{IntentKind, NotificationKind, T, Tx, seq_key};
use crate::wording::Text;

/// Who a return's messages go to, if anyone.
struct Whom {
    recipient: Option<RecipientId>,
    email: Option<String>,
    language: crate::domain::Language,
}

impl Engine {
    pub(super) fn issue_return(&mut self, who: &str, ret: &NewReturn) -> EngineResult {
        let reference = ret.reference.trim();
        check_text("reference", reference, NOTE_MAX)?;
        let whom = self.return_whom(ret)?;
        let keys = &self.settings.keys;
        // A label's barcode is the code; otherwise one is made from a seed
        // the message keeps, as a pickup code is.
        let (code, seed) = match &ret.label {
            Some(label) => {
                let code = normalize_code(label)
                    .ok_or(EngineError::Rejected(Rejection::ReturnLabelMalformed))?;
                (code, None)
            }
            None => {
                let seed = keys.new_seed();
                let code = keys
                    .derive_return(&self.settings.kiosk_id, &seed)
                    .ok_or(EngineError::Rejected(Rejection::NoFreeCode))?;
                (code, Some(seed))
            }
        };
        let key_id = keys.newest_id().to_string();
        let index = keys
            .return_index_under(&key_id, &code)
            .ok_or(EngineError::Rejected(Rejection::NoFreeCode))?;
        let now = self.now();
        let id = self.commit(|tx| {
            if tx.raw(T::ReturnCodes).get(index)?.is_some() {
                return abort(EngineError::Rejected(match seed {
                    Some(_) => Rejection::NoFreeCode,
                    None => Rejection::ReturnLabelInUse,
                }));
            }
            let id = ReturnId(tx.next_seq("return")?);
            let mut auth = ReturnAuth {
                id,
                size: ret.size,
                reference: reference.to_string(),
                recipient: whom.recipient.clone(),
                email: whom.email.clone(),
                language: whom.language,
                label: seed.is_none(),
                state: ReturnState::Issued,
                issued_at: now,
                issued_by: who.to_string(),
                code_key: hex::encode(index),
                key_id: key_id.clone(),
                parcel: None,
                dropped_at: None,
                receipt: None,
                collected_at: None,
                collected_by: None,
                code_messages: Vec::new(),
            };
            if let Some(to) = self.return_addressed(tx, &auth)? {
                let mut n = self.notification(
                    NotificationKind::ReturnIssued,
                    &to,
                    None,
                    self.return_facts(&auth),
                );
                n.seed = seed.clone();
                auth.code_messages = tx.queue(n)?;
            }
            tx.put(T::ReturnCodes, &index, &id)?;
            tx.put(T::Returns, &seq_key(id.0), &auth)?;
            let detail = format!("{} {}", ret.size.as_str(), auth.reference);
            tx.audit(self.return_audit(who, "return_issued", &auth, None, detail))?;
            Ok(id)
        })?;
        // Told once, to whoever issued it; the database keeps only the hash.
        let code = seed.map(|_| code);
        Ok(vec![Event::ReturnIssued { id, code }])
    }

    fn return_whom(&self, ret: &NewReturn) -> Result<Whom, EngineError> {
        if let Some(r) = ret.recipient.as_deref().filter(|r| !r.trim().is_empty()) {
            let (rid, rec) = self.registered_recipient(r)?;
            return Ok(Whom {
                recipient: Some(rid),
                email: None,
                language: rec.language,
            });
        }
        let email = ret
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if let Some(e) = email {
            check_email("e-mail", e)?;
        }
        Ok(Whom {
            recipient: None,
            email: email.map(str::to_string),
            language: ret.language.unwrap_or_default(),
        })
    }

    /// The addresses a return's messages go to: the recipient's on file
    /// now (they may have changed since the return was issued), or the
    /// address given at issue.
    fn return_addressed(&self, tx: &Tx<'_>, auth: &ReturnAuth) -> TxResult<Option<Addressed>> {
        if let Some(rid) = &auth.recipient {
            return Ok(tx
                .recipient(rid)?
                .filter(|r| !r.closed)
                .map(|r| Engine::addressed(&r)));
        }
        Ok(auth.email.as_ref().map(|e| Addressed {
            to: vec![e.clone()],
            language: auth.language,
        }))
    }

    fn return_facts(&self, auth: &ReturnAuth) -> serde_json::Value {
        serde_json::json!({
            "return": auth.id.to_string(),
            "reference": auth.reference,
            "size": auth.size.as_str(),
            "label": auth.label,
            "digits": RETURN_CODE_DIGITS,
            "kiosk": self.settings.kiosk_id,
            "kiosk_name": self.settings.kiosk_name,
            "locker_code": self.settings.locker_code,
            "receipt": auth.receipt,
        })
    }

    fn return_audit(
        &self,
        who: &str,
        action: &str,
        auth: &ReturnAuth,
        c: Option<CompartmentId>,
        detail: String,
    ) -> crate::store::AuditDraft {
        let detail = if detail.is_empty() {
            auth.id.to_string()
        } else {
            format!("{} {detail}", auth.id)
        };
        self.audit_draft(who, action, c, auth.parcel, detail)
    }

    pub(super) fn withdraw_return(&mut self, who: &str, id: ReturnId) -> EngineResult {
        self.commit(|tx| {
            let mut auth = return_auth(tx, id)?;
            if auth.state != ReturnState::Issued {
                return abort(EngineError::Rejected(Rejection::ReturnNotIssued { id }));
            }
            auth.state = ReturnState::Withdrawn;
            self.kill_return_code(tx, &mut auth)?;
            tx.put(T::Returns, &seq_key(id.0), &auth)?;
            tx.audit(self.return_audit(who, "return_withdrawn", &auth, None, String::new()))
        })?;
        Ok(vec![Event::ReturnWithdrawn { id }])
    }

    /// The code stops working: out of the index, and the seed out of its
    /// message (which may not have gone yet).
    fn kill_return_code(&self, tx: &Tx<'_>, auth: &mut ReturnAuth) -> TxResult<()> {
        if let Ok(index) = hex::decode(&auth.code_key) {
            tx.raw(T::ReturnCodes).remove(index)?;
        }
        for id in std::mem::take(&mut auth.code_messages) {
            if let Some(mut n) = tx.get::<crate::store::Notification, _>(T::Outbox, &seq_key(id))?
                && n.seed.is_some()
            {
                n.seed = None;
                tx.put(T::Outbox, &seq_key(id), &n)?;
            }
        }
        Ok(())
    }

    /// A return code at the keypad: like a pickup code it draws on the
    /// typed-code budget when wrong, so the two share one guessing limit.
    pub(super) fn drop_return(&mut self, input: &str) -> EngineResult {
        let code = match self.typed_code_gate(normalize_code(input), Refusal::ReturnMalformed)? {
            Ok(code) => code,
            Err(answer) => return Ok(answer),
        };
        let mut found = None;
        for key in self.settings.keys.return_index_keys(&code) {
            if let Some(id) = self.store.get::<ReturnId>(T::ReturnCodes, &key)? {
                found = Some(id);
                break;
            }
        }
        let Some(id) = found else {
            return self.wrong_code(Refusal::ReturnUnknown);
        };
        let auth: ReturnAuth = self
            .store
            .get(T::Returns, &seq_key(id.0))?
            .ok_or_else(|| EngineError::NotFound(id.to_string()))?;
        if auth.state != ReturnState::Issued {
            return Err(EngineError::Refused(Refusal::DoorBusy));
        }
        let compartments: Vec<Compartment> = self.store.all(T::Compartments)?;
        let c = choose(&compartments, auth.size)
            .map(|c| c.id)
            .ok_or(EngineError::Refused(Refusal::NoCompartment))?;
        let parcel = self.return_parcel(&auth, c)?;
        let pid = parcel.id;
        let mut events =
            self.pulse_with(c, IntentKind::ReturnDrop, Some(pid), "kiosk", |e, tx| {
                let mut auth = return_auth(tx, id)?;
                if auth.state != ReturnState::Issued {
                    return super::tx::refuse(Refusal::DoorBusy);
                }
                super::deposit::reserve(tx, c, pid)?;
                tx.put_parcel(&parcel)?;
                auth.state = ReturnState::Dropping;
                auth.parcel = Some(pid);
                tx.put(T::Returns, &seq_key(id.0), &auth)?;
                tx.audit(e.return_audit(
                    "kiosk",
                    "return_drop_started",
                    &auth,
                    Some(c),
                    String::new(),
                ))
                .map(drop)
            })?;
        events.insert(0, Event::CompartmentChanged { compartment: c });
        Ok(events)
    }

    /// The parcel record a return becomes in its compartment.
    fn return_parcel(&self, auth: &ReturnAuth, c: CompartmentId) -> Result<Parcel, EngineError> {
        let mut p = self.new_parcel(
            auth.id.to_string(),
            auth.recipient.clone().unwrap_or_else(RecipientId::nobody),
            c,
            crate::domain::ParcelClass::default(),
            "kiosk",
        )?;
        p.kind = ParcelKind::Return { of: auth.id };
        Ok(p)
    }

    /// The person gave the door up: the code works again at once; the door
    /// is freed when it closes, as a courier's given-up door is.
    pub(super) fn cancel_return_drop(&mut self, parcel: ParcelId) -> EngineResult {
        let c = self.commit(|tx| {
            let (p, id) = return_of(tx.depositing(parcel)?)?;
            self.return_to_issued(tx, id)?;
            self.give_up_door(tx, p.compartment, parcel)?;
            let auth = return_auth(tx, id)?;
            let draft = self.return_audit(
                "kiosk",
                "return_drop_cancelled",
                &auth,
                Some(p.compartment),
                String::new(),
            );
            tx.audit(draft)?;
            Ok(p.compartment)
        })?;
        Ok(vec![Event::ReturnNotDropped {
            parcel,
            compartment: c,
        }])
    }

    /// A drop that did not happen: the return waits for its code again.
    fn return_to_issued(&self, tx: &Tx<'_>, id: ReturnId) -> TxResult<()> {
        let mut auth = return_auth(tx, id)?;
        if auth.back_to_issued() {
            tx.put(T::Returns, &seq_key(id.0), &auth)?;
        }
        Ok(())
    }

    /// A return's door is freed without the return (closed empty, given
    /// up, jammed, or found so after a restart).
    pub(super) fn release_return_door(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
        why: Text,
    ) -> TxResult<Option<crate::store::Alert>> {
        if let Some(p) = tx.get::<Parcel, _>(T::Parcels, &seq_key(parcel.0))?
            && let Some(id) = p.return_of()
            && p.state == ParcelState::Depositing
        {
            self.return_to_issued(tx, id)?;
        }
        self.release_deposit_door(tx, c, parcel, why)
    }

    /// The return's door closed on it: the code dies, the dropper gets a
    /// receipt and couriers see it on their list.
    pub(super) fn confirm_return_drop(
        &mut self,
        c: CompartmentId,
        parcel: ParcelId,
    ) -> Result<String, EngineError> {
        let now = self.now();
        let receipt = format!("RR-{}-{:06}", self.settings.kiosk_id, parcel.0);
        self.commit(|tx| {
            let (mut p, id) = return_of(tx.depositing(parcel)?)?;
            p.state = ParcelState::Stored;
            p.deposited_at = Some(now);
            p.receipt = Some(receipt.clone());
            tx.put_parcel(&p)?;
            tx.hold_in(c, parcel)?;
            let mut auth = return_auth(tx, id)?;
            auth.state = ReturnState::Waiting;
            auth.parcel = Some(parcel);
            auth.dropped_at = Some(now);
            auth.receipt = Some(receipt.clone());
            self.kill_return_code(tx, &mut auth)?;
            tx.put(T::Returns, &seq_key(id.0), &auth)?;
            self.tell_returner(tx, &auth, NotificationKind::ReturnReceipt, c)?;
            tx.clear_intent(c)?;
            tx.audit(self.return_audit("kiosk", "return_dropped", &auth, Some(c), receipt.clone()))
        })?;
        Ok(receipt)
    }

    fn tell_returner(
        &self,
        tx: &Tx<'_>,
        auth: &ReturnAuth,
        kind: NotificationKind,
        c: CompartmentId,
    ) -> TxResult<()> {
        if let Some(to) = self.return_addressed(tx, auth)? {
            let mut facts = self.return_facts(auth);
            facts["door"] = serde_json::json!(c);
            tx.queue(self.notification(kind, &to, auth.parcel, facts))?;
        }
        Ok(())
    }

    /// A courier opens a waiting return's door.
    pub(super) fn collect_return(&mut self, who: &str, parcel: ParcelId) -> EngineResult {
        let (p, _) = self.commit(|tx| waiting_return(tx, parcel))?;
        self.pulse(p.compartment, IntentKind::ReturnCollect, Some(parcel), who)
    }

    /// The courier's door closed on a door that cannot tell (no item
    /// sensor) or that still holds the return: the intent is settled, the
    /// return still counts as in the locker until the courier says they
    /// have it.
    pub(super) fn return_door_closed(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
        actor: &str,
    ) -> TxResult<()> {
        door_shut(tx, c)?;
        tx.audit(self.audit_draft(
            actor,
            "door_closed",
            Some(c),
            Some(parcel),
            IntentKind::ReturnCollect.as_str().into(),
        ))
        .map(drop)
    }

    /// The courier has it: the compartment is free and the dropper told.
    /// Refused while its door is open, or while its item sensor still
    /// sees something inside.
    pub(super) fn confirm_return_collected(&mut self, who: &str, parcel: ParcelId) -> EngineResult {
        let p = self.commit(|tx| tx.parcel(parcel))?;
        let c = p.compartment;
        let inside = self.lock_of(c).and_then(|l| self.bus.item_present(l)) == Some(true);
        self.commit(|tx| self.settle_collected(tx, parcel, who, inside))?;
        crash::point("return.after_collect");
        Ok(vec![
            Event::ReturnCollected {
                parcel,
                compartment: c,
            },
            Event::CompartmentChanged { compartment: c },
        ])
    }

    fn settle_collected(
        &self,
        tx: &Tx<'_>,
        parcel: ParcelId,
        who: &str,
        inside: bool,
    ) -> TxResult<()> {
        let (mut p, id) = waiting_return(tx, parcel)?;
        let c = p.compartment;
        if tx.intent(c)?.is_some() {
            return super::tx::refuse(Refusal::DoorBusy);
        }
        if inside {
            return abort(EngineError::Rejected(Rejection::ReturnStillInside {
                door: c,
            }));
        }
        let now = self.now();
        p.state = ParcelState::Removed;
        p.removed_at = Some(now);
        tx.put_parcel(&p)?;
        let mut comp = tx.compartment(c)?;
        if comp.parcel == Some(parcel) {
            comp.parcel = None;
        }
        tx.put_compartment(&comp)?;
        let mut auth = return_auth(tx, id)?;
        auth.collected(who, now);
        tx.put(T::Returns, &seq_key(id.0), &auth)?;
        self.tell_returner(tx, &auth, NotificationKind::ReturnCollected, c)?;
        tx.audit(self.return_audit(who, "return_collected", &auth, Some(c), String::new()))
            .map(drop)
    }

    /// A courier's return door closed and its item sensor sees the
    /// compartment empty (as it closed, or at a restart): they took it.
    pub(super) fn collected_on_close(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
        actor: &str,
    ) -> TxResult<()> {
        door_shut(tx, c)?;
        self.settle_collected(tx, parcel, actor, false)
    }

    /// An inspection found a return's compartment empty: a drop that did
    /// not happen waits for its code again; a waiting return has gone.
    pub(super) fn return_left_locker(&self, tx: &Tx<'_>, p: &Parcel, who: &str) -> TxResult<()> {
        let Some(id) = p.return_of() else {
            return Ok(());
        };
        let mut auth = return_auth(tx, id)?;
        match auth.state {
            ReturnState::Dropping => self.return_to_issued(tx, id),
            ReturnState::Waiting => {
                auth.collected(who, self.now());
                tx.put(T::Returns, &seq_key(id.0), &auth)
            }
            _ => Ok(()),
        }
    }
}

/// A courier's return door is shut: its intent is settled.
fn door_shut(tx: &Tx<'_>, c: CompartmentId) -> TxResult<()> {
    let mut comp = tx.compartment(c)?;
    comp.door_open = false;
    tx.put_compartment(&comp)?;
    tx.clear_intent(c)
}

/// The parcel and the return it is, or why it is not one.
fn return_of(p: Parcel) -> TxResult<(Parcel, ReturnId)> {
    match p.return_of() {
        Some(id) => Ok((p, id)),
        None => abort(EngineError::Rejected(Rejection::NotAReturn {
            parcel: p.id,
        })),
    }
}

/// A return waiting in its door for a courier, or why not.
fn waiting_return(tx: &Tx<'_>, parcel: ParcelId) -> TxResult<(Parcel, ReturnId)> {
    let (p, id) = return_of(tx.parcel(parcel)?)?;
    if p.state != ParcelState::Stored {
        return abort(EngineError::Rejected(Rejection::NotWaiting { parcel }));
    }
    Ok((p, id))
}

fn return_auth(tx: &Tx<'_>, id: ReturnId) -> TxResult<ReturnAuth> {
    match tx.get(T::Returns, &seq_key(id.0))? {
        Some(a) => Ok(a),
        None => abort(EngineError::NotFound(format!("return {id}"))),
    }
}

/// Whether the parcel behind a staff command on parcels is a return, which
/// has no code, hold or recipient to change.
pub(super) fn refuse_returns(p: &Parcel) -> Result<(), EngineError> {
    match p.return_of() {
        Some(_) => Err(EngineError::Rejected(Rejection::IsAReturn { parcel: p.id })),
        None => Ok(()),
    }
}
