//! Admin and technician commands. Each is audited with its actor.

use chrono::NaiveDate;

use super::deposit::FreshCode;
use super::tx::{Refusal, TxResult, abort};
use super::{Command, Engine, EngineError, EngineResult, Event, Found, Rejection};
use crate::domain::code::validate_pin;
use crate::domain::directory::{recipient_key, user_key};
use crate::domain::hold::local_date;
use crate::domain::people::validate_user_name;
use crate::domain::text::{NOTE_MAX, TextError, check_email, check_text};
use crate::domain::{
    CompartmentId, Parcel, ParcelId, ParcelState, Recipient, RecipientChange, RecipientId, Role,
    User,
};
use crate::store::{
    Alert, AlertKind, DeadReason, IntentKind, MarkerKind, NotificationKind, T, Tx, seq_key,
};
use crate::wording::{Text, said};

impl From<TextError> for EngineError {
    fn from(e: TextError) -> Self {
        EngineError::Invalid(e.to_string())
    }
}

/// The free text a command would store, held to the limits of
/// `domain::text` before anything is authorised or written: the console,
/// the control socket and the command line all come through here, so none
/// of them can put a control character into a list that a terminal shows.
pub(super) fn check_input(cmd: &Command) -> Result<(), EngineError> {
    match cmd {
        Command::ManualUnlock { reason, .. }
        | Command::SetDisabled { reason, .. }
        | Command::ExtendHold { reason, .. } => check_text("reason", reason, NOTE_MAX)?,
        Command::MarkInspected { note, .. }
        | Command::AddMarker { note, .. }
        | Command::AcknowledgeAlert { note, .. } => check_text("note", note, NOTE_MAX)?,
        Command::AddRecipient { recipient } => recipient.validate()?,
        Command::UpdateRecipient { change, .. } => change.validate()?,
        Command::AddUser {
            name,
            carrier_email,
            ..
        } => {
            validate_user_name(name)?;
            if let Some(email) = carrier_email {
                check_email("carrier e-mail", email)?;
            }
        }
        _ => {}
    }
    Ok(())
}

impl Engine {
    pub(super) fn manual_unlock(
        &mut self,
        who: &str,
        c: CompartmentId,
        reason: &str,
    ) -> EngineResult {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(EngineError::Rejected(Rejection::ReasonNeeded));
        }
        let parcel = self.commit(|tx| tx.compartment(c))?.parcel;
        self.pulse_with(c, IntentKind::ManualUnlock, parcel, who, |e, tx| {
            e.marker(tx, MarkerKind::ManualUnlock, Some(c), who, reason)?;
            tx.audit(e.audit_draft(who, "manual_unlock", Some(c), parcel, reason.to_string()))?;
            Ok(())
        })
    }

    pub(super) fn set_disabled(
        &mut self,
        who: &str,
        c: CompartmentId,
        disabled: bool,
        reason: &str,
    ) -> EngineResult {
        self.commit(|tx| {
            let mut comp = tx.compartment(c)?;
            comp.disabled = disabled;
            tx.put_compartment(&comp)?;
            let action = if disabled { "disabled" } else { "enabled" };
            tx.audit(self.audit_draft(who, action, Some(c), comp.parcel, reason.to_string()))
        })?;
        Ok(vec![Event::CompartmentChanged { compartment: c }])
    }

    /// An admin looked inside: settle what a fault or restart left open.
    pub(super) fn mark_inspected(
        &mut self,
        who: &str,
        c: CompartmentId,
        found: Found,
        note: &str,
    ) -> EngineResult {
        let comp = self.commit(|tx| tx.compartment(c))?;
        let parcel: Option<Parcel> = match comp.parcel {
            Some(p) => Some(self.commit(|tx| tx.parcel(p))?),
            None => None,
        };
        let mut events = vec![Event::CompartmentChanged { compartment: c }];
        if let (Some(p), Found::Parcel) = (&parcel, found)
            && p.state == ParcelState::Depositing
        {
            if p.return_of().is_some() {
                let receipt = self.confirm_return_drop(c, p.id)?;
                events.push(Event::ReturnDropped {
                    parcel: p.id,
                    compartment: c,
                    receipt,
                });
            } else {
                let receipt = self.confirm_deposit(c, p.id)?;
                events.push(Event::DepositStored {
                    parcel: p.id,
                    compartment: c,
                    receipt,
                });
            }
        }
        self.commit(|tx| {
            let mut comp = tx.compartment(c)?;
            comp.needs_inspection = false;
            comp.faulty = false;
            if let (Some(p), Found::Empty) = (&parcel, found) {
                let mut p = tx.parcel(p.id)?;
                self.return_left_locker(tx, &p, who)?;
                match p.state {
                    ParcelState::Depositing => {
                        tx.del(T::Parcels, &seq_key(p.id.0))?;
                        tx.del(T::Live, &seq_key(p.id.0))?;
                    }
                    s if s.in_locker() => {
                        self.kill_codes(tx, &mut p, DeadReason::Used)?;
                        p.state = ParcelState::Removed;
                        p.removed_at = Some(self.now());
                        tx.put_parcel(&p)?;
                    }
                    _ => {}
                }
                comp.parcel = None;
                comp.reserved = false;
            }
            if found == Found::Parcel && comp.parcel.is_none() {
                // Something nobody booked is inside: keep it out of allocation.
                comp.needs_inspection = true;
            }
            tx.put_compartment(&comp)?;
            tx.clear_intent(c)?;
            tx.audit(self.audit_draft(
                who,
                "inspected",
                Some(c),
                parcel.as_ref().map(|p| p.id),
                format!("{found:?}: {note}"),
            ))
        })?;
        Ok(events)
    }

    /// Codes are stored hashed, so a resend makes a new code (the old dies).
    pub(super) fn resend_code(&mut self, who: &str, parcel: ParcelId) -> EngineResult {
        self.rotate(who, parcel, None)?;
        Ok(vec![Event::CodeReplaced { parcel }])
    }

    pub(super) fn reassign(
        &mut self,
        who: &str,
        parcel: ParcelId,
        recipient: &str,
    ) -> EngineResult {
        let rid = RecipientId::parse(recipient)
            .map_err(|_| EngineError::Rejected(Rejection::RecipientIdMalformed))?;
        match self.commit(|tx| tx.recipient(&rid))? {
            Some(r) if !r.closed => {}
            _ => return Err(EngineError::Refused(Refusal::NotRegistered)),
        }
        self.rotate(who, parcel, Some(rid))?;
        Ok(vec![Event::CodeReplaced { parcel }])
    }

    /// Live codes made with a key that is no longer in the key file can
    /// never be checked again: their recipients get new codes, so a lost or
    /// replaced key file kills no parcel's code for good (ADR 0010).
    pub(super) fn reissue_orphaned_codes(&mut self) -> Result<usize, EngineError> {
        let keys = &self.settings.keys;
        let orphans: Vec<ParcelId> = super::query::live_parcels(&self.store)?
            .into_iter()
            .filter(|p| {
                p.state == ParcelState::Stored
                    && p.code_key.is_some()
                    && !p.key_id.as_deref().is_some_and(|id| keys.holds(id))
            })
            .map(|p| p.id)
            .collect();
        for parcel in &orphans {
            self.rotate("kiosk", *parcel, None)?;
        }
        if !orphans.is_empty() {
            let text = said(Text::SaidCodesReissued, &[("count", &orphans.len())]);
            self.commit(|tx| {
                self.raise(tx, AlertKind::CodesReissued, None, text.clone())
                    .map(|_| ())
            })?;
        }
        Ok(orphans.len())
    }

    /// New code and QR for a stored parcel, optionally for a new recipient;
    /// the old code dies and the (new) recipient is told.
    fn rotate(
        &mut self,
        who: &str,
        parcel: ParcelId,
        new_recipient: Option<RecipientId>,
    ) -> Result<(), EngineError> {
        let fresh = self.fresh_code()?;
        self.commit(|tx| {
            let p = tx.parcel(parcel)?;
            if let Err(e) = super::returns::refuse_returns(&p) {
                return abort(e);
            }
            if p.state != ParcelState::Stored {
                return abort(EngineError::Rejected(Rejection::NotWaiting { parcel }));
            }
            self.rotate_in(tx, who, p, &fresh, new_recipient.as_ref())
        })
    }

    /// [`Engine::rotate`] inside the caller's transaction, for a parcel
    /// known to be stored.
    pub(super) fn rotate_in(
        &self,
        tx: &Tx<'_>,
        who: &str,
        mut p: Parcel,
        fresh: &FreshCode,
        new_recipient: Option<&RecipientId>,
    ) -> TxResult<()> {
        let parcel = p.id;
        let why = match new_recipient {
            Some(_) => DeadReason::Reassigned,
            None => DeadReason::Replaced,
        };
        self.kill_codes(tx, &mut p, why)?;
        if let Some(rid) = new_recipient {
            let old = tx.recipient(&p.recipient)?;
            if let Some(old) = &old {
                tx.queue(self.notification(
                    NotificationKind::Reassigned,
                    &Engine::addressed(old),
                    Some(parcel),
                    self.parcel_facts(&p),
                ))?;
            }
            let new = tx.recipient(rid)?;
            p.recipient = rid.clone();
            self.hold_for(&mut p, old.as_ref(), new.as_ref());
        }
        let message = tx.recipient(&p.recipient)?.map(|r| {
            self.notification(
                NotificationKind::Delivered,
                &Engine::addressed(&r),
                Some(parcel),
                self.parcel_facts(&p),
            )
        });
        self.file_code(tx, &mut p, fresh, message)?;
        tx.put_parcel(&p)?;
        let action = if new_recipient.is_some() {
            "reassigned"
        } else {
            "code_resent"
        };
        tx.audit(self.audit_draft(
            who,
            action,
            Some(p.compartment),
            Some(parcel),
            p.recipient.to_string(),
        ))?;
        Ok(())
    }

    /// A reassigned parcel's hold follows its new recipient: the old
    /// recipient's vacation days come off, the new one's go on, and days an
    /// admin added stay.
    fn hold_for(&self, p: &mut Parcel, old: Option<&Recipient>, new: Option<&Recipient>) {
        let Some(deposited) = p.deposited_at else {
            return;
        };
        let (hold, tz) = (&self.settings.hold, self.settings.tz);
        let last_day = local_date(hold.deadline(deposited, tz, 0), tz);
        let vacation = |r: Option<&Recipient>| {
            hold.vacation_extension(last_day, r.and_then(|r| r.vacation_until))
        };
        let added = p.extension_days.saturating_sub(vacation(old));
        p.extension_days = added + vacation(new);
        p.deadline = Some(hold.deadline(deposited, tz, p.extension_days));
    }

    pub(super) fn extend_hold(
        &mut self,
        who: &str,
        parcel: ParcelId,
        days: u32,
        reason: &str,
    ) -> EngineResult {
        let range = crate::domain::hold::EXTENSION_DAYS;
        if !range.contains(&days) {
            return Err(EngineError::Rejected(Rejection::ExtendDays {
                min: *range.start(),
                max: *range.end(),
            }));
        }
        self.commit(|tx| {
            let mut p = tx.parcel(parcel)?;
            if let Err(e) = super::returns::refuse_returns(&p) {
                return abort(e);
            }
            if p.state != ParcelState::Stored {
                return abort(EngineError::Rejected(Rejection::NotWaiting { parcel }));
            }
            p.extension_days += days;
            p.deadline = p.deposited_at.map(|d| {
                self.settings
                    .hold
                    .deadline(d, self.settings.tz, p.extension_days)
            });
            tx.put_parcel(&p)?;
            tx.audit(self.audit_draft(
                who,
                "hold_extended",
                Some(p.compartment),
                Some(parcel),
                said(Text::SaidExtended, &[("days", &days), ("reason", &reason)]),
            ))
        })?;
        Ok(vec![Event::Done])
    }

    /// Vacation mode: holds of waiting parcels stretch to the day after the
    /// vacation (up to the configured maximum) and storage fees pause.
    pub(super) fn set_vacation(
        &mut self,
        who: &str,
        recipient: &str,
        until: Option<NaiveDate>,
    ) -> EngineResult {
        let rid = RecipientId::parse(recipient)
            .map_err(|_| EngineError::Rejected(Rejection::RecipientIdMalformed))?;
        let waiting = self.waiting_for(&rid)?;
        self.commit(|tx| {
            let Some(mut r) = tx.recipient(&rid)?.filter(|r| !r.closed) else {
                return abort(EngineError::NotFound(format!("recipient {rid}")));
            };
            r.vacation_until = until;
            tx.put(T::Recipients, rid.digits().as_bytes(), &r)?;
            self.stamp(tx, &recipient_key(rid.digits()))?;
            self.stretch_holds(tx, &waiting, until)?;
            tx.audit(self.audit_draft(
                who,
                "vacation",
                None,
                None,
                format!("{rid} until {until:?}"),
            ))
        })?;
        Ok(vec![Event::Done])
    }

    pub(super) fn add_recipient(&mut self, who: &str, r: Recipient) -> EngineResult {
        r.validate()?;
        if r.id.is_nobody() {
            return Err(EngineError::Rejected(Rejection::RecipientIdReserved {
                recipient: r.id.to_string(),
            }));
        }
        self.commit(|tx| {
            match tx.recipient(&r.id)? {
                Some(old) if old.closed => {
                    return abort(EngineError::Rejected(Rejection::ClosedAccount {
                        recipient: r.id.to_string(),
                    }));
                }
                // Saving over it would drop its vacation, delegates and
                // language.
                Some(_) => {
                    return abort(EngineError::Rejected(Rejection::RecipientExists {
                        recipient: r.id.to_string(),
                    }));
                }
                None => {}
            }
            tx.put(T::Recipients, r.id.digits().as_bytes(), &r)?;
            self.stamp(tx, &recipient_key(r.id.digits()))?;
            tx.audit(self.audit_draft(who, "recipient_saved", None, None, r.id.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    /// Changes what `change` names in a recipient, nothing else.
    pub(super) fn update_recipient(
        &mut self,
        who: &str,
        recipient: &str,
        change: &RecipientChange,
    ) -> EngineResult {
        let rid = RecipientId::parse(recipient)
            .map_err(|_| EngineError::Rejected(Rejection::RecipientIdMalformed))?;
        if change.is_empty() {
            return Err(EngineError::Rejected(Rejection::NothingToChange {
                recipient: rid.to_string(),
            }));
        }
        self.commit(|tx| {
            let Some(mut r) = tx.recipient(&rid)? else {
                return abort(EngineError::NotFound(format!("recipient {rid}")));
            };
            if r.closed {
                return abort(EngineError::Rejected(Rejection::ClosedAccount {
                    recipient: rid.to_string(),
                }));
            }
            change.apply(&mut r);
            if let Err(e) = r.check_reach() {
                return abort(e.into());
            }
            tx.put(T::Recipients, rid.digits().as_bytes(), &r)?;
            self.stamp(tx, &recipient_key(rid.digits()))?;
            tx.audit(self.audit_draft(who, "recipient_updated", None, None, rid.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    /// Deletes personal data but keeps the ID for the audit trail; refused
    /// while the recipient has parcels in the locker.
    pub(super) fn close_account(&mut self, who: &str, recipient: &str) -> EngineResult {
        let rid = RecipientId::parse(recipient)
            .map_err(|_| EngineError::Rejected(Rejection::RecipientIdMalformed))?;
        let waiting = super::query::live_parcels(&self.store)?
            .iter()
            .any(|p| p.recipient == rid);
        if waiting {
            return Err(EngineError::Refused(Refusal::ParcelsWaiting));
        }
        self.commit(|tx| {
            if tx.recipient(&rid)?.is_none() {
                return abort(EngineError::NotFound(format!("recipient {rid}")));
            }
            tx.put(
                T::Recipients,
                rid.digits().as_bytes(),
                &Recipient::closed(rid.clone()),
            )?;
            self.stamp(tx, &recipient_key(rid.digits()))?;
            tx.audit(self.audit_draft(who, "account_closed", None, None, rid.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    pub(super) fn add_user(
        &mut self,
        who: &str,
        name: &str,
        role: Role,
        pin: &str,
        badge: Option<&str>,
        carrier_email: Option<String>,
    ) -> EngineResult {
        validate_user_name(name)?;
        validate_pin(pin).map_err(|_| EngineError::Rejected(Rejection::PinMalformed))?;
        let user = User {
            name: name.to_string(),
            role,
            pin_hash: self.hasher.hash_pin(pin),
            badge_hash: badge.map(super::sign_in::badge_hash),
            carrier_email,
        };
        self.commit(|tx| {
            if tx.raw(T::Users).get(name.as_bytes())?.is_some() {
                return abort(EngineError::Rejected(Rejection::UserExists {
                    user: name.to_string(),
                }));
            }
            tx.put(T::Users, name.as_bytes(), &user)?;
            self.stamp(tx, &user_key(name))?;
            tx.audit(self.audit_draft(who, "user_added", None, None, format!("{name} ({role})")))
        })?;
        Ok(vec![Event::Done])
    }

    pub(super) fn remove_user(&mut self, who: &str, name: &str) -> EngineResult {
        let users: Vec<User> = self.store.all(T::Users)?;
        let Some(user) = users.iter().find(|u| u.name == name) else {
            return Err(EngineError::NotFound(format!("user {name}")));
        };
        if user.role == Role::Admin && users.iter().filter(|u| u.role == Role::Admin).count() == 1 {
            return Err(EngineError::Rejected(Rejection::LastAdmin));
        }
        self.commit(|tx| {
            tx.del(T::Users, name.as_bytes())?;
            self.stamp(tx, &user_key(name))?;
            tx.audit(self.audit_draft(who, "user_removed", None, None, name.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    /// A new PIN for an existing account; the old one stops working at once.
    pub(super) fn reset_pin(&mut self, who: &str, name: &str, pin: &str) -> EngineResult {
        validate_pin(pin).map_err(|_| EngineError::Rejected(Rejection::PinMalformed))?;
        let pin_hash = self.hasher.hash_pin(pin);
        self.commit(|tx| {
            let Some(mut user) = tx.get::<User, _>(T::Users, name.as_bytes())? else {
                return abort(EngineError::NotFound(format!("user {name}")));
            };
            user.pin_hash = pin_hash.clone();
            tx.put(T::Users, name.as_bytes(), &user)?;
            self.stamp(tx, &user_key(name))?;
            tx.audit(self.audit_draft(who, "pin_reset", None, None, name.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    pub(super) fn add_marker(
        &mut self,
        who: &str,
        c: Option<CompartmentId>,
        note: &str,
    ) -> EngineResult {
        self.commit(|tx| {
            self.marker(tx, MarkerKind::Manual, c, who, note)?;
            tx.audit(self.audit_draft(who, "marker_added", c, None, note.to_string()))
        })?;
        Ok(vec![Event::Done])
    }

    /// Writes the markers to `markers-<time>.csv` beside the data
    /// directory, the time being the kiosk's local time (what its screens
    /// show), and records where.
    pub(super) fn export_markers(&mut self, who: &str) -> EngineResult {
        let store_dir = self.store.path();
        let dir = store_dir.parent().unwrap_or(store_dir);
        let local = self.now().with_timezone(&self.settings.tz);
        let name = format!("markers-{}.csv", local.format("%Y%m%d-%H%M%S"));
        let path = dir.join(name);
        let markers = super::query::markers(&self.store)?;
        let written = std::fs::File::create(&path).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            crate::store::csv::write_markers(&markers, &mut out)?;
            std::io::Write::flush(&mut out)
        });
        if let Err(e) = written {
            return Err(EngineError::Invalid(format!("{}: {e}", path.display())));
        }
        let path = path.display().to_string();
        self.commit(|tx| {
            tx.audit(self.audit_draft(who, "markers_exported", None, None, path.clone()))
        })?;
        Ok(vec![Event::MarkersExported { path }])
    }

    pub(super) fn acknowledge_alert(&mut self, who: &str, id: u64, note: &str) -> EngineResult {
        self.commit(|tx| {
            let Some(mut a) = tx.get::<Alert, _>(T::Alerts, &seq_key(id))? else {
                return abort(EngineError::NotFound(format!("alert {id}")));
            };
            a.acknowledged = Some((who.to_string(), note.to_string()));
            tx.put(T::Alerts, &seq_key(id), &a)?;
            tx.audit(self.audit_draft(
                who,
                "alert_acknowledged",
                a.compartment,
                None,
                format!("{id}: {note}"),
            ))
        })?;
        Ok(vec![Event::Done])
    }
}
