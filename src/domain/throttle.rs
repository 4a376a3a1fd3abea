//! Keypad throttling against code guessing (SPEC §3, docs/SECURITY.md):
//! after 5 wrong codes the keypad locks for 60 s, doubling up to 1 h; the
//! doubling resets after a good code or at local midnight. A daily cap of
//! wrong codes raises an admin alert and a CCTV marker once per day.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const WRONG_CODES_BEFORE_LOCK: u32 = 5;
pub const FIRST_LOCK_SECS: i64 = 60;
pub const MAX_LOCK_SECS: i64 = 3600;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    /// Wrong codes since the last lock or good code.
    pub wrong_in_row: u32,
    /// How many locks so far today: the next lasts 60 s x 2^locks.
    pub locks_today: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub day: Option<NaiveDate>,
    pub wrong_today: u32,
    pub cap_alerted: bool,
}

/// What one wrong code led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongCodeOutcome {
    /// The keypad is now locked until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// The daily cap was reached just now (alert + CCTV marker).
    pub cap_reached: bool,
    /// Wrong codes left before the next lock.
    pub tries_left: u32,
}

impl Throttle {
    fn roll_day(&mut self, today: NaiveDate) {
        if self.day != Some(today) {
            self.day = Some(today);
            self.locks_today = 0;
            self.wrong_today = 0;
            self.cap_alerted = false;
        }
    }

    /// `Some(until)` while the keypad is locked.
    pub fn locked(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| now < *until)
    }

    pub fn wrong_code(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        daily_cap: u32,
    ) -> WrongCodeOutcome {
        self.roll_day(today);
        self.wrong_in_row += 1;
        self.wrong_today += 1;
        let mut locked_until = None;
        if self.wrong_in_row >= WRONG_CODES_BEFORE_LOCK {
            let secs = (FIRST_LOCK_SECS << self.locks_today.min(16)).min(MAX_LOCK_SECS);
            let until = now + Duration::seconds(secs);
            self.locked_until = Some(until);
            self.locks_today += 1;
            self.wrong_in_row = 0;
            locked_until = Some(until);
        }
        let cap_reached = self.wrong_today >= daily_cap && !self.cap_alerted;
        if cap_reached {
            self.cap_alerted = true;
        }
        WrongCodeOutcome {
            locked_until,
            cap_reached,
            tries_left: WRONG_CODES_BEFORE_LOCK - self.wrong_in_row,
        }
    }

    pub fn good_code(&mut self, today: NaiveDate) {
        self.roll_day(today);
        self.wrong_in_row = 0;
        self.locks_today = 0;
    }
}

/// Most wrong codes a stranger can try in 24 hours under this throttle,
/// starting fresh at midnight (docs/SECURITY.md derives the guess chance).
pub fn max_attempts_per_day() -> u32 {
    let mut t = Throttle::default();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let start = day.and_hms_opt(0, 0, 0).expect("time").and_utc();
    let end = start + Duration::days(1);
    let mut now = start;
    let mut attempts = 0;
    while now < end {
        if let Some(until) = t.locked(now) {
            now = until;
            continue;
        }
        attempts += 1;
        t.wrong_code(now, day, u32::MAX);
    }
    attempts
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

    #[test]
    fn five_wrong_codes_lock_the_keypad_for_a_minute() {
        let mut t = Throttle::default();
        for i in 0..4 {
            let o = t.wrong_code(t0(), day(), 100);
            assert_eq!(o.locked_until, None);
            assert_eq!(o.tries_left, 4 - i);
        }
        let o = t.wrong_code(t0(), day(), 100);
        assert_eq!(o.locked_until, Some(t0() + Duration::seconds(60)));
        assert!(t.locked(t0() + Duration::seconds(59)).is_some());
        assert!(t.locked(t0() + Duration::seconds(60)).is_none());
    }

    #[test]
    fn lock_doubles_up_to_an_hour() {
        let mut t = Throttle::default();
        let mut now = t0();
        let mut lengths = vec![];
        for _ in 0..9 {
            for _ in 0..5 {
                t.wrong_code(now, day(), u32::MAX);
            }
            let until = t.locked_until.unwrap();
            lengths.push((until - now).num_seconds());
            now = until;
        }
        assert_eq!(
            lengths,
            vec![60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
        );
    }

    #[test]
    fn good_code_resets_the_doubling() {
        let mut t = Throttle::default();
        for _ in 0..5 {
            t.wrong_code(t0(), day(), 100);
        }
        t.good_code(day());
        for _ in 0..5 {
            t.wrong_code(t0(), day(), 100);
        }
        assert_eq!(t.locked_until, Some(t0() + Duration::seconds(60)));
    }

    #[test]
    fn daily_cap_alerts_once_per_day() {
        let mut t = Throttle::default();
        let hits: Vec<bool> = (0..12)
            .map(|_| t.wrong_code(t0(), day(), 10).cap_reached)
            .collect();
        assert_eq!(hits.iter().filter(|h| **h).count(), 1);
        assert!(hits[9]);
        let next = day().succ_opt().unwrap();
        assert!(!t.wrong_code(t0(), next, 10).cap_reached);
        assert_eq!(t.wrong_today, 1);
    }

    #[test]
    fn a_day_allows_at_most_this_many_guesses() {
        // Bursts of 5 start at 0, 60, 180, 420, 900 and 1860 s; the doubling
        // then caps at an hour, so 23 more bursts start before midnight: 29 x 5.
        assert_eq!(max_attempts_per_day(), 145);
    }
}
