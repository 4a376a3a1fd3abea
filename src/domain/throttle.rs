//! Throttling that cannot be turned against the people who use the kiosk
//! (docs/SECURITY.md).
//!
//! Every budget here is a bucket of tries that refills with time and with
//! nothing else: no one's success gives a guesser more tries. Typed codes
//! share one budget per kiosk; PINs have one per account, and user numbers
//! that name no account share one of their own. While the typed-code budget
//! is spent, QR scans, sign-in, deposits, help and language still work.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many tries a budget holds and how fast it refills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TryRule {
    /// Tries available at once (a person's typos).
    pub tries: u32,
    /// One try comes back after this many seconds.
    pub refill_secs: i64,
}

impl TryRule {
    fn refill(&self) -> Duration {
        Duration::seconds(self.refill_secs)
    }
}

/// Typed codes, one budget per kiosk: 5 tries, one more every 6 minutes.
pub const TYPED_CODES: TryRule = TryRule {
    tries: 5,
    refill_secs: 360,
};

/// PINs, one budget per account (and one for unknown user numbers):
/// 5 tries, one more every 15 minutes.
pub const PINS: TryRule = TryRule {
    tries: 5,
    refill_secs: 900,
};

/// A recipient who lost their codes gets new ones at most this often per
/// recipient ID; each request also spends a typed-code try.
pub const LOST_CODE_EVERY_SECS: i64 = 600;

/// The space a typed code is drawn from.
pub const CODE_SPACE: u32 = 1_000_000;

/// Tries spent and not yet given back. Empty means all tries are there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TryBudget {
    used: u32,
    /// When the next try comes back counts from here.
    since: Option<DateTime<Utc>>,
}

/// What spending one try led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spent {
    /// Tries left now.
    pub left: u32,
    /// No try left: the next one comes back then.
    pub locked_until: Option<DateTime<Utc>>,
}

impl TryBudget {
    /// Gives back the tries that time has earned since the last look.
    fn settle(&mut self, rule: TryRule, now: DateTime<Utc>) {
        let Some(since) = self.since else {
            self.used = 0;
            return;
        };
        if now <= since || self.used == 0 {
            return;
        }
        let earned = (now - since).num_seconds() / rule.refill_secs.max(1);
        let earned = u32::try_from(earned).unwrap_or(u32::MAX);
        if earned >= self.used {
            self.used = 0;
            self.since = None;
        } else {
            self.used -= earned;
            self.since = Some(since + rule.refill() * i32::try_from(earned).unwrap_or(i32::MAX));
        }
    }

    fn settled(&self, rule: TryRule, now: DateTime<Utc>) -> TryBudget {
        let mut b = self.clone();
        b.settle(rule, now);
        b
    }

    /// Tries left at `now`.
    pub fn left(&self, rule: TryRule, now: DateTime<Utc>) -> u32 {
        rule.tries.saturating_sub(self.settled(rule, now).used)
    }

    /// `Some(until)` while no try is left.
    pub fn locked(&self, rule: TryRule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let b = self.settled(rule, now);
        (b.used >= rule.tries)
            .then(|| b.since.map(|s| s + rule.refill()))
            .flatten()
    }

    /// Spends one try (a wrong code or PIN). Call only when not locked.
    pub fn spend(&mut self, rule: TryRule, now: DateTime<Utc>) -> Spent {
        self.settle(rule, now);
        if self.used == 0 {
            self.since = Some(now);
        }
        self.used = (self.used + 1).min(rule.tries);
        Spent {
            left: rule.tries - self.used,
            locked_until: self.locked(rule, now),
        }
    }
}

/// The kiosk's typed-code throttle: the budget, plus a count of the day's
/// wrong codes for the admin's alert.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeThrottle {
    pub budget: TryBudget,
    pub day: Option<NaiveDate>,
    pub wrong_today: u32,
    pub cap_alerted: bool,
    /// The last lock that raised an alert: a guesser spends the budget
    /// every few minutes, the admin hears of it once an hour.
    pub lock_alerted_at: Option<DateTime<Utc>>,
}

/// What one wrong typed code led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongCodeOutcome {
    pub spent: Spent,
    /// The lock that began now deserves an alert.
    pub alert_lock: bool,
    /// The daily cap was reached just now (alert + CCTV marker).
    pub cap_reached: bool,
}

/// How often a running lockout is reported to the admin.
pub const LOCK_ALERT_EVERY_SECS: i64 = 3600;

impl CodeThrottle {
    pub fn locked(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.budget.locked(TYPED_CODES, now)
    }

    pub fn tries_left(&self, now: DateTime<Utc>) -> u32 {
        self.budget.left(TYPED_CODES, now)
    }

    /// Spends one typed-code try for something other than a wrong code
    /// (a lost-code request): the budget and its lock, not the day's count
    /// of wrong codes. `true` when the lock that began deserves an alert.
    pub fn spend(&mut self, now: DateTime<Utc>) -> (Spent, bool) {
        let spent = self.budget.spend(TYPED_CODES, now);
        let alert_lock = spent.locked_until.is_some()
            && self
                .lock_alerted_at
                .is_none_or(|at| now - at >= Duration::seconds(LOCK_ALERT_EVERY_SECS));
        if alert_lock {
            self.lock_alerted_at = Some(now);
        }
        (spent, alert_lock)
    }

    pub fn wrong_code(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        daily_cap: u32,
    ) -> WrongCodeOutcome {
        if self.day != Some(today) {
            self.day = Some(today);
            self.wrong_today = 0;
            self.cap_alerted = false;
        }
        self.wrong_today += 1;
        let (spent, alert_lock) = self.spend(now);
        let cap_reached = self.wrong_today >= daily_cap && !self.cap_alerted;
        if cap_reached {
            self.cap_alerted = true;
        }
        WrongCodeOutcome {
            spent,
            alert_lock,
            cap_reached,
        }
    }
}

/// Most tries a guesser gets in 24 hours under `rule`, starting with a full
/// budget and trying whenever a try is there. Trying at once is the best a
/// guesser can do with a bucket that only time refills: a try not taken
/// is lost once the bucket is full.
pub fn max_tries_per_day(rule: TryRule) -> u32 {
    let start = DateTime::<Utc>::UNIX_EPOCH;
    let end = start + Duration::days(1);
    let mut budget = TryBudget::default();
    let mut now = start;
    let mut tries = 0;
    while now < end {
        if let Some(until) = budget.locked(rule, now) {
            now = until;
            continue;
        }
        tries += 1;
        budget.spend(rule, now);
    }
    tries
}

/// The chance that `tries` distinct guesses at typed codes hit at least one
/// of `live` live codes (drawn without repeating, as a careful guesser would).
pub fn guess_chance(live: u32, tries: u32) -> f64 {
    let space = f64::from(CODE_SPACE);
    let mut miss = 1.0;
    for i in 0..tries {
        let left = space - f64::from(i);
        if left <= f64::from(live) {
            return 1.0;
        }
        miss *= 1.0 - f64::from(live) / left;
    }
    1.0 - miss
}

/// The chance that a stranger at the keypad opens some door in 24 hours
/// with `live` live codes, under the typed-code rule the kiosk runs.
pub fn daily_guess_chance(live: u32) -> f64 {
    guess_chance(live, max_tries_per_day(TYPED_CODES))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn t0() -> DateTime<Utc> {
        day().and_hms_opt(10, 0, 0).unwrap().and_utc()
    }

    fn secs(s: i64) -> DateTime<Utc> {
        t0() + Duration::seconds(s)
    }

    #[test]
    fn five_wrong_codes_pause_typed_codes_until_a_try_comes_back() {
        let mut t = CodeThrottle::default();
        for left in (1..5).rev() {
            let o = t.wrong_code(t0(), day(), 100);
            assert_eq!(o.spent.locked_until, None);
            assert_eq!(o.spent.left, left);
        }
        let o = t.wrong_code(t0(), day(), 100);
        assert_eq!(o.spent.locked_until, Some(secs(360)));
        assert!(o.alert_lock);
        assert!(t.locked(secs(359)).is_some());
        assert!(t.locked(secs(360)).is_none());
        assert_eq!(t.tries_left(secs(360)), 1);
    }

    #[test]
    fn tries_come_back_with_time_only() {
        let mut b = TryBudget::default();
        for _ in 0..5 {
            b.spend(TYPED_CODES, t0());
        }
        assert_eq!(b.left(TYPED_CODES, secs(359)), 0);
        assert_eq!(b.left(TYPED_CODES, secs(360)), 1);
        assert_eq!(b.left(TYPED_CODES, secs(719)), 1);
        assert_eq!(b.left(TYPED_CODES, secs(720)), 2);
        assert_eq!(b.left(TYPED_CODES, secs(5 * 360)), 5);
        assert_eq!(b.left(TYPED_CODES, secs(100 * 360)), 5);
        // Spending one after a part refill keeps the earned time.
        let mut b2 = b.clone();
        let s = b2.spend(TYPED_CODES, secs(400));
        assert_eq!(s.left, 0);
        assert_eq!(s.locked_until, Some(secs(720)));
    }

    #[test]
    fn a_running_lockout_alerts_once_an_hour() {
        let mut t = CodeThrottle::default();
        let mut now = t0();
        let mut alerts = 0;
        // A guesser who tries whenever a try is there, for three hours.
        while now < secs(3 * 3600) {
            match t.locked(now) {
                Some(until) => now = until,
                None => {
                    if t.wrong_code(now, day(), u32::MAX).alert_lock {
                        alerts += 1;
                    }
                }
            }
        }
        assert_eq!(alerts, 3);
    }

    #[test]
    fn daily_cap_alerts_once_per_day() {
        let mut t = CodeThrottle::default();
        let mut hits = vec![];
        let mut now = t0();
        for _ in 0..12 {
            if let Some(until) = t.locked(now) {
                now = until;
            }
            hits.push(t.wrong_code(now, day(), 10).cap_reached);
        }
        assert_eq!(hits.iter().filter(|h| **h).count(), 1);
        assert!(hits[9]);
        let next = day().succ_opt().unwrap();
        let later = now + Duration::days(1);
        assert!(!t.wrong_code(later, next, 10).cap_reached);
        assert_eq!(t.wrong_today, 1);
    }

    #[test]
    fn a_day_allows_at_most_this_many_typed_guesses() {
        // 5 at once, then one every 6 minutes: at 360 s, 720 s, ... up to
        // 86 040 s, the last refill before the day is out.
        assert_eq!(max_tries_per_day(TYPED_CODES), 5 + 239);
        assert_eq!(max_tries_per_day(PINS), 5 + 95);
    }

    #[test]
    fn the_daily_chance_with_thirty_live_codes_is_under_one_percent() {
        let p = daily_guess_chance(30);
        assert!(p < 0.01, "{p}");
        // The figure docs/SECURITY.md states.
        assert_eq!(format!("{:.2} %", p * 100.0), "0.73 %");
        assert!(guess_chance(1, 10) > 9.99e-6 && guess_chance(1, 10) < 1.01e-5);
        assert_eq!(guess_chance(5, CODE_SPACE), 1.0);
    }
}
