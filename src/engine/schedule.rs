//! Time-driven rules: reminders, expiry, and the staff's removal walk.

use super::tx::TxResult;
use super::{Engine, EngineError, EngineResult, Event, Rejection};
use crate::domain::{CompartmentId, Parcel, ParcelId, ParcelState};
use crate::store::{DeadReason, IntentKind, NotificationKind, Tx};
use crate::wording::{Text, said};

impl Engine {
    /// Fires what is due at the clock's time. Call it every few seconds; it
    /// only reads the parcels in the locker.
    pub fn tick(&mut self) -> EngineResult {
        let now = self.now();
        self.pending.retain(|_, p| p.expires > now);
        self.reopen.retain(|_, w| w.until >= now);
        let idle = self.session_idle();
        self.sessions.retain(|_, s| s.ends(idle) > now);
        let mut events = Vec::new();
        for p in super::query::live_parcels(&self.store)? {
            // A return waits for a courier: no hold, no reminders.
            if p.state != ParcelState::Stored || p.return_of().is_some() {
                continue;
            }
            let deposited = p.deposited_at.unwrap_or(now);
            if p.deadline.is_some_and(|d| d <= now) {
                self.commit(|tx| self.expire(tx, p.id))?;
                super::crash::point("expiry.after_expire");
                events.push(Event::ParcelExpired {
                    parcel: p.id,
                    compartment: p.compartment,
                });
                continue;
            }
            let due: Vec<u8> = (usize::from(p.reminders_sent)
                ..self.settings.hold.reminder_days.len())
                .filter(|i| {
                    self.settings
                        .hold
                        .reminder_due(deposited, self.settings.tz, *i)
                        .is_some_and(|t| t <= now)
                })
                .map(|i| i as u8 + 1)
                .collect();
            // After a long power cut only the latest missed reminder is worth sending.
            if let Some(&number) = due.last() {
                self.commit(|tx| self.remind(tx, p.id, number))?;
                events.push(Event::ReminderQueued {
                    parcel: p.id,
                    number,
                });
            }
        }
        Ok(events)
    }

    fn remind(&self, tx: &Tx<'_>, parcel: ParcelId, number: u8) -> TxResult<()> {
        let mut p = tx.parcel(parcel)?;
        p.reminders_sent = number;
        let kind = if number == 1 {
            NotificationKind::Reminder1
        } else {
            NotificationKind::Reminder2
        };
        self.settle_by_scheduler(
            tx,
            &p,
            kind,
            "reminder",
            said(Text::SaidReminder, &[("number", &number)]),
        )
    }

    /// The hold ran out: the code dies, the recipient gets the final notice
    /// and the parcel joins the staff's removal list.
    fn expire(&self, tx: &Tx<'_>, parcel: ParcelId) -> TxResult<()> {
        let mut p = tx.parcel(parcel)?;
        if p.state != ParcelState::Stored {
            return Ok(());
        }
        p.state = ParcelState::Expired;
        self.kill_codes(tx, &mut p, DeadReason::Expired)?;
        let class = p.class.as_str().to_string();
        self.settle_by_scheduler(tx, &p, NotificationKind::FinalNotice, "expired", class)
    }

    /// Writes a parcel the scheduler changed, tells its recipient and audits it.
    fn settle_by_scheduler(
        &self,
        tx: &Tx<'_>,
        p: &crate::domain::Parcel,
        kind: NotificationKind,
        action: &str,
        detail: String,
    ) -> TxResult<()> {
        if let Some(r) = tx.recipient(&p.recipient)? {
            let n = self.notification(
                kind,
                &Engine::addressed(&r),
                Some(p.id),
                self.parcel_facts(p),
            );
            tx.queue(n)?;
        }
        tx.put_parcel(p)?;
        let draft = self.audit_draft("scheduler", action, Some(p.compartment), Some(p.id), detail);
        tx.audit(draft)?;
        Ok(())
    }

    /// Staff open an expired parcel's door to take it out.
    pub(super) fn open_for_removal(&mut self, who: &str, parcel: ParcelId) -> EngineResult {
        let p: Parcel = self.commit(|tx| tx.parcel(parcel))?;
        super::returns::refuse_returns(&p)?;
        if p.state != ParcelState::Expired {
            return Err(EngineError::Rejected(Rejection::NotExpired { parcel }));
        }
        self.pulse(p.compartment, IntentKind::Removal, Some(parcel), who)
    }

    /// The removal door closed: the parcel is out of the locker.
    pub(super) fn confirm_removal(
        &self,
        tx: &Tx<'_>,
        c: CompartmentId,
        parcel: ParcelId,
        actor: &str,
    ) -> TxResult<()> {
        let mut p = tx.parcel(parcel)?;
        self.kill_codes(tx, &mut p, DeadReason::Expired)?;
        p.state = ParcelState::Removed;
        p.removed_at = Some(self.now());
        tx.put_parcel(&p)?;
        let mut comp = tx.compartment(c)?;
        comp.parcel = None;
        comp.door_open = false;
        tx.put_compartment(&comp)?;
        tx.clear_intent(c)?;
        let detail = match p.class.after_expiry() {
            crate::domain::AfterExpiry::HeldAtOffice { days } => {
                said(Text::SaidToOffice, &[("days", &days)])
            }
            crate::domain::AfterExpiry::ReturnedToSender => said(Text::SaidReturnToSender, &[]),
        };
        tx.audit(self.audit_draft(actor, "removed", Some(c), Some(parcel), detail))?;
        Ok(())
    }
}
