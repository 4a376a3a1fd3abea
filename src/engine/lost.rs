//! "I deleted my notification": new codes for a recipient ID typed at the
//! kiosk. The kiosk's answer is the same whether the ID is registered, has
//! parcels waiting or asked a minute ago, so the keypad tells no one which
//! IDs exist; each request spends a typed-code try.

use chrono::{DateTime, Duration, Utc};

use super::pickup::THROTTLE_KEY;
use super::{Engine, EngineError, EngineResult, Event, Rejection};
use crate::domain::throttle::LOST_CODE_EVERY_SECS;
use crate::domain::{CodeThrottle, ParcelId, ParcelState, RecipientId};
use crate::store::T;

/// Where the last lost-code request for a recipient ID is kept in `meta`.
fn last_request_key(id: &RecipientId) -> Vec<u8> {
    let mut k = b"lost_code/".to_vec();
    k.extend_from_slice(id.digits().as_bytes());
    k
}

impl Engine {
    /// Replaces the codes of the recipient's waiting parcels and sends them
    /// to the addresses on file, at most once per [`LOST_CODE_EVERY_SECS`]
    /// per ID. Unknown, closed and rate-limited IDs get the same answer
    /// with nothing sent.
    pub(super) fn resend_lost_codes(&mut self, input: &str) -> EngineResult {
        let now = self.now();
        if let Some(until) = self.codes_locked_until()? {
            return Ok(vec![Event::CodesLocked { until }]);
        }
        let id = RecipientId::parse(input)
            .map_err(|_| EngineError::Rejected(Rejection::RecipientIdMalformed))?;
        let key = last_request_key(&id);
        let due = |last: Option<DateTime<Utc>>| {
            last.is_none_or(|at| now - at >= Duration::seconds(LOST_CODE_EVERY_SECS))
        };
        // New codes are made before the transaction, as a resend's are.
        let waiting: Vec<ParcelId> = if due(self.store.get(T::Meta, &key)?) {
            super::query::live_parcels(&self.store)?
                .into_iter()
                .filter(|p| {
                    p.state == ParcelState::Stored && p.recipient == id && p.return_of().is_none()
                })
                .map(|p| p.id)
                .collect()
        } else {
            Vec::new()
        };
        let fresh = waiting
            .iter()
            .map(|_| self.fresh_code())
            .collect::<Result<Vec<_>, _>>()?;
        let (locked_until, alert) = self.commit(|tx| {
            let mut throttle: CodeThrottle = tx.get(T::Meta, THROTTLE_KEY)?.unwrap_or_default();
            let (spent, alert_lock) = throttle.spend(now);
            tx.put(T::Meta, THROTTLE_KEY, &throttle)?;
            let alert = match (spent.locked_until, alert_lock) {
                (Some(until), true) => Some(self.lock_alert(tx, until)?),
                _ => None,
            };
            if due(tx.get(T::Meta, &key)?) {
                tx.put(T::Meta, &key, &now)?;
                let open = tx.recipient(&id)?.is_some_and(|r| !r.closed);
                for (parcel, fresh) in waiting.iter().zip(&fresh) {
                    let p = tx.parcel(*parcel)?;
                    if open && p.state == ParcelState::Stored && p.recipient == id {
                        self.rotate_in(tx, "kiosk", p, fresh, None)?;
                    }
                }
            }
            tx.audit(self.audit_draft("kiosk", "lost_code", None, None, id.to_string()))?;
            Ok((spent.locked_until, alert))
        })?;
        let mut events = vec![Event::LostCodesAsked];
        if let Some(until) = locked_until {
            events.push(Event::CodesLocked { until });
        }
        events.extend(alert.map(|alert| Event::AlertRaised { alert }));
        Ok(events)
    }
}
