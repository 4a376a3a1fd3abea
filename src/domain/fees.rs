//! Fees per location: an optional fee per use and a storage fee per day after
//! some free days. Vacation mode waives storage fees on its days.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::hold::local_date;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeePolicy {
    pub per_use_cents: u32,
    pub storage_per_day_cents: u32,
    pub free_days: u32,
    pub currency: String,
}

impl Default for FeePolicy {
    fn default() -> Self {
        Self {
            per_use_cents: 0,
            storage_per_day_cents: 0,
            free_days: 3,
            currency: "EUR".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub use_cents: u32,
    pub storage_days: u32,
    pub storage_cents: u32,
    pub currency: String,
}

impl Fee {
    pub fn total_cents(&self) -> u32 {
        self.use_cents.saturating_add(self.storage_cents)
    }

    pub fn is_due(&self) -> bool {
        self.total_cents() > 0
    }

    /// "EUR 3.50"
    pub fn display(&self) -> String {
        format_money(self.total_cents(), &self.currency)
    }
}

pub fn format_money(cents: u32, currency: &str) -> String {
    format!("{currency} {}.{:02}", cents / 100, cents % 100)
}

/// What a delivery message says the locker charges, amounts written out
/// ("EUR 0.50"); a fee the locker does not charge is left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeNotice {
    pub per_use: Option<String>,
    pub storage_per_day: Option<String>,
    pub free_days: u32,
}

impl FeePolicy {
    /// What residents are told before they come; `None` for a free locker.
    pub fn notice(&self) -> Option<FeeNotice> {
        if self.per_use_cents == 0 && self.storage_per_day_cents == 0 {
            return None;
        }
        let money = |cents: u32| (cents > 0).then(|| format_money(cents, &self.currency));
        Some(FeeNotice {
            per_use: money(self.per_use_cents),
            storage_per_day: money(self.storage_per_day_cents),
            free_days: self.free_days,
        })
    }

    /// What a pickup at `now` costs. Calendar days are local days after the
    /// deposit day; a day is free while within `free_days` or on vacation.
    pub fn due(
        &self,
        deposited: DateTime<Utc>,
        now: DateTime<Utc>,
        tz: Tz,
        vacation_until: Option<NaiveDate>,
    ) -> Fee {
        let start = local_date(deposited, tz);
        let today = local_date(now, tz);
        let elapsed = (today - start).num_days().max(0) as u64;
        let storage_days = (1..=elapsed)
            .filter(|i| *i > u64::from(self.free_days))
            .filter(|i| {
                let date = start + Days::new(*i);
                vacation_until.is_none_or(|until| date > until)
            })
            .count() as u32;
        Fee {
            use_cents: self.per_use_cents,
            storage_days,
            storage_cents: storage_days.saturating_mul(self.storage_per_day_cents),
            currency: self.currency.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Madrid;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Madrid
            .with_ymd_and_hms(2026, 11, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn paid() -> FeePolicy {
        FeePolicy {
            per_use_cents: 100,
            storage_per_day_cents: 50,
            free_days: 2,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn free_location_charges_nothing() {
        let f = FeePolicy::default().due(at(16, 10), at(21, 10), Madrid, None);
        assert!(!f.is_due());
    }

    #[test]
    fn storage_fee_starts_after_the_free_days() {
        let p = paid();
        assert_eq!(p.due(at(16, 10), at(18, 22), Madrid, None).storage_days, 0);
        let f = p.due(at(16, 10), at(20, 8), Madrid, None);
        assert_eq!(f.storage_days, 2);
        assert_eq!(f.total_cents(), 100 + 2 * 50);
        assert_eq!(f.display(), "EUR 2.00");
    }

    #[test]
    fn residents_are_told_only_of_the_fees_charged() {
        assert_eq!(FeePolicy::default().notice(), None);
        let storage_only = FeePolicy {
            per_use_cents: 0,
            ..paid()
        };
        let n = storage_only.notice().expect("storage is charged");
        assert_eq!(n.per_use, None);
        assert_eq!(n.storage_per_day.as_deref(), Some("EUR 0.50"));
        assert_eq!(n.free_days, 2);
    }

    #[test]
    fn vacation_waives_storage_fees_meanwhile() {
        let p = paid();
        let until = NaiveDate::from_ymd_opt(2026, 11, 19);
        let f = p.due(at(16, 10), at(20, 8), Madrid, until);
        assert_eq!(f.storage_days, 1);
    }
}
