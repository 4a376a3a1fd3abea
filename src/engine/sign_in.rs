//! Staff sign-in at the keypad: a user number and PIN, or a badge. Wrong
//! PINs draw on each account's own budget.

use sha2::{Digest, Sha256};

use super::tx::Refusal;
use super::{Engine, EngineResult, Event};
use crate::domain::throttle::PINS;
use crate::domain::{TryBudget, User};
use crate::store::T;
use crate::wording::{Text, said};

impl Engine {
    /// A user number and PIN. Wrong PINs draw on that account's own budget
    /// (or, for a number that names no account, on the budget all such
    /// numbers share): a stranger can pause one account, never the keypad.
    pub(super) fn sign_in(&mut self, user: &str, pin: &str) -> EngineResult {
        let record: Option<User> = self.store.get(T::Users, user.as_bytes())?;
        let budget_key = pin_budget_key(record.as_ref().map(|u| u.name.as_str()));
        let now = self.now();
        let budget: TryBudget = self.store.get(T::Meta, &budget_key)?.unwrap_or_default();
        if let Some(until) = budget.locked(PINS, now) {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::SignInLocked { until },
                tries_left: 0,
            }]);
        }
        // Verify against a dummy hash for unknown users too, so timing does not tell who exists.
        let phc = match &record {
            Some(u) => u.pin_hash.clone(),
            None => self.dummy_pin_hash(),
        };
        let ok = self.hasher.verify_pin(pin, &phc) && record.is_some();
        match record {
            Some(u) if ok => {
                self.commit(|tx| {
                    tx.audit(self.audit_draft(&u.name, "sign_in", None, None, u.role.to_string()))
                })?;
                super::crash::point("sign_in.after_audit");
                Ok(vec![self.new_session(u.name, u.role)])
            }
            _ => self.wrong_pin(record.map(|u| u.name)),
        }
    }

    /// One try spent from the account's budget (or the unknown numbers');
    /// the try that empties it alerts the admin.
    fn wrong_pin(&mut self, user: Option<String>) -> EngineResult {
        let now = self.now();
        let budget_key = pin_budget_key(user.as_deref());
        let who = user.clone().unwrap_or_else(|| "unknown user number".into());
        let (spent, alert) = self.commit(|tx| {
            let mut budget: TryBudget = tx.get(T::Meta, &budget_key)?.unwrap_or_default();
            let spent = budget.spend(PINS, now);
            tx.put(T::Meta, &budget_key, &budget)?;
            let mut alert = None;
            if let Some(until) = spent.locked_until {
                let time = until.with_timezone(&self.settings.tz).format("%H:%M:%S");
                let text = said(Text::SaidSignInPaused, &[("who", &who), ("time", &time)]);
                alert = Some(self.raise(tx, crate::store::AlertKind::Lockout, None, text)?);
            }
            tx.audit(self.audit_draft(&who, "wrong_pin", None, None, String::new()))?;
            Ok((spent, alert))
        })?;
        let refusal = match spent.locked_until {
            Some(until) => Refusal::SignInLocked { until },
            None => Refusal::WrongPin,
        };
        let mut events = vec![Event::CodeRefused {
            refusal,
            tries_left: spent.left,
        }];
        events.extend(alert.map(|alert| Event::AlertRaised { alert }));
        Ok(events)
    }

    /// A badge is something a courier holds, not something a guesser
    /// types: an account paused by wrong PINs still signs in with its
    /// badge. Unknown badges draw on the unknown numbers' budget.
    pub(super) fn sign_in_badge(&mut self, badge: &str) -> EngineResult {
        let unknown: TryBudget = self
            .store
            .get(T::Meta, &pin_budget_key(None))?
            .unwrap_or_default();
        if let Some(until) = unknown.locked(PINS, self.now()) {
            return Ok(vec![Event::CodeRefused {
                refusal: Refusal::SignInLocked { until },
                tries_left: 0,
            }]);
        }
        let hash = badge_hash(badge);
        let users: Vec<User> = self.store.all(T::Users)?;
        match users
            .into_iter()
            .find(|u| u.badge_hash.as_deref() == Some(hash.as_str()))
        {
            Some(u) => {
                self.commit(|tx| {
                    tx.audit(self.audit_draft(&u.name, "sign_in", None, None, "badge".into()))
                })?;
                Ok(vec![self.new_session(u.name, u.role)])
            }
            None => self.wrong_pin(None),
        }
    }

    /// A hash at the configured cost that no PIN matches.
    fn dummy_pin_hash(&self) -> String {
        self.dummy_phc
            .get_or_init(|| {
                self.hasher
                    .hash_pin(&format!("{:016x}", rand::random::<u64>()))
            })
            .clone()
    }
}

/// Where an account's PIN budget lives in `meta`; `None` is the budget of
/// user numbers and badges that name no account.
fn pin_budget_key(user: Option<&str>) -> Vec<u8> {
    let mut k = b"pin_budget/".to_vec();
    match user {
        Some(name) => k.extend_from_slice(name.as_bytes()),
        None => k.push(0),
    }
    k
}

pub fn badge_hash(badge: &str) -> String {
    hex::encode(Sha256::digest(badge.trim().as_bytes()))
}
