//! The outbox's delivery state. The engine owns the store, so the delivery
//! worker asks it which messages are due and tells it how each attempt went;
//! the network I/O happens outside the engine thread.

use std::collections::HashSet;

use chrono::Duration;
use rand::Rng;

use super::tx::abort;
use super::{Engine, EngineError, EngineResult, Event};
use crate::store::{AlertKind, DeliveryState, Notification, NotificationKind, T, seq_key};
use crate::wording::{Text, said};

/// First retry after this, doubling up to [`MAX_BACKOFF_SECS`].
pub const FIRST_BACKOFF_SECS: i64 = 30;
pub const MAX_BACKOFF_SECS: i64 = 3600;
/// A message still failing this long after it was queued is dead.
pub const DEAD_AFTER_DAYS: i64 = 3;

/// The wait before attempt `attempts + 1`, with +-20 % jitter so that
/// many messages queued during an outage do not retry in lockstep.
pub fn backoff(attempts: u32, jitter: f64) -> Duration {
    let base =
        (FIRST_BACKOFF_SECS << attempts.saturating_sub(1).min(12)).min(MAX_BACKOFF_SECS) as f64;
    Duration::milliseconds((base * 1000.0 * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0))) as i64)
}

impl Engine {
    /// Queued messages whose time has come, oldest first. A recipient's
    /// messages go out in order: once one of theirs waits for a retry, their
    /// later ones wait too.
    pub fn due_messages(&self, limit: usize) -> Result<Vec<Notification>, EngineError> {
        let now = self.now();
        let mut waiting: HashSet<String> = HashSet::new();
        let mut due = Vec::new();
        for n in self.store.all::<Notification>(T::Outbox)? {
            if n.state != DeliveryState::Queued {
                continue;
            }
            let key = n.to.first().cloned().unwrap_or_default();
            if waiting.contains(&key) {
                continue;
            }
            if n.next_attempt.is_some_and(|t| t > now) {
                waiting.insert(key);
                continue;
            }
            waiting.insert(key);
            let mut n = n;
            self.reveal_code(&mut n);
            due.push(n);
            if due.len() == limit {
                break;
            }
        }
        // What leaves the kiosk must already be on disk: sled writes a
        // commit out a moment later, so a power cut could otherwise undo
        // the deposit behind a message already sent, and recovery store
        // the parcel again under another code than the one the recipient got.
        if !due.is_empty() {
            self.store.flush()?;
        }
        Ok(due)
    }

    /// The whole outbox with the codes its unsent messages give: for the
    /// demo's help panel and for tests that play the recipient.
    pub fn outbox_with_codes(&self) -> Result<Vec<Notification>, EngineError> {
        let mut all = super::query::outbox(&self.store)?;
        for n in &mut all {
            self.reveal_code(n);
        }
        Ok(all)
    }

    /// Derives the code and QR payload a queued message gives, in memory
    /// only, for the delivery that is about to send it.
    pub fn reveal_code(&self, n: &mut Notification) {
        let keys = &self.settings.keys;
        let kiosk = &self.settings.kiosk_id;
        match &n.seed {
            // A return's code is made under its own label and has no QR.
            Some(seed) if n.kind == crate::store::NotificationKind::ReturnIssued => {
                n.code = keys.derive_return(kiosk, seed);
            }
            Some(seed) => {
                if let Some((code, qr)) = keys.derive(kiosk, seed) {
                    n.code = Some(code.as_str().to_string());
                    n.qr = Some(qr.payload());
                }
            }
            None => {}
        }
    }

    /// Sent: the seed leaves the database with it. The parcel still knows
    /// the message, so a spooled copy goes when the code dies.
    pub(super) fn message_sent(&mut self, id: u64) -> EngineResult {
        // The message is out; the outbox does not know it yet.
        super::crash::point("outbox.sending");
        let now = self.now();
        self.commit(|tx| {
            let Some(mut n) = tx.get::<Notification, _>(T::Outbox, &seq_key(id))? else {
                return abort(EngineError::NotFound(format!("message {id}")));
            };
            n.state = DeliveryState::Sent;
            n.sent_at = Some(now);
            n.seed = None;
            n.next_attempt = None;
            n.attempts += 1;
            tx.put(T::Outbox, &seq_key(id), &n)?;
            Ok(())
        })?;
        super::crash::point("outbox.after_sent");
        Ok(vec![Event::Done])
    }

    /// Failed: try again later, or give up after some days and tell an admin.
    pub(super) fn message_failed(&mut self, id: u64, error: &str) -> EngineResult {
        let now = self.now();
        let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
        let alert = self.commit(|tx| {
            let Some(mut n) = tx.get::<Notification, _>(T::Outbox, &seq_key(id))? else {
                return abort(EngineError::NotFound(format!("message {id}")));
            };
            n.attempts += 1;
            n.last_error = Some(error.chars().take(300).collect());
            let mut alert = None;
            if now - n.created_at > Duration::days(DEAD_AFTER_DAYS) {
                n.state = DeliveryState::Dead;
                n.next_attempt = None;
                // An alert about a failing alert would only fail the same way.
                if n.kind != NotificationKind::AdminAlert {
                    let text = said(
                        Text::SaidMessageDead,
                        &[("id", &id), ("to", &n.to.join(", ")), ("error", &error)],
                    );
                    alert = Some(self.raise(tx, AlertKind::NotificationDead, None, text)?);
                }
            } else {
                n.next_attempt = Some(now + backoff(n.attempts, jitter));
            }
            tx.put(T::Outbox, &seq_key(id), &n)?;
            Ok(alert)
        })?;
        Ok(alert
            .map(|alert| vec![Event::AlertRaised { alert }])
            .unwrap_or_default())
    }

    /// `locker outbox retry`: queued and dead messages become due now.
    pub(super) fn retry_messages(&mut self, who: &str, only: Option<u64>) -> EngineResult {
        let ids: Vec<u64> = self
            .store
            .all::<Notification>(T::Outbox)?
            .into_iter()
            .filter(|n| n.state != DeliveryState::Sent && only.is_none_or(|id| id == n.id))
            .map(|n| n.id)
            .collect();
        self.commit(|tx| {
            for id in &ids {
                if let Some(mut n) = tx.get::<Notification, _>(T::Outbox, &seq_key(*id))? {
                    n.state = DeliveryState::Queued;
                    n.next_attempt = None;
                    tx.put(T::Outbox, &seq_key(*id), &n)?;
                }
            }
            tx.audit(self.audit_draft(
                who,
                "outbox_retry",
                None,
                None,
                said(Text::SaidMessages, &[("count", &ids.len())]),
            ))
        })?;
        Ok(vec![Event::Done])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_an_hour_with_bounded_jitter() {
        assert_eq!(backoff(1, 0.0), Duration::seconds(30));
        assert_eq!(backoff(2, 0.0), Duration::seconds(60));
        assert_eq!(backoff(20, 0.0), Duration::seconds(3600));
        assert_eq!(backoff(1, 1.0), Duration::seconds(36));
        assert_eq!(backoff(1, -5.0), Duration::seconds(24));
    }
}
