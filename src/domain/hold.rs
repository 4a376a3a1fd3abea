//! How long a parcel is held, when reminders go out, and what happens at
//! expiry. All calendar arithmetic is done on local dates in the kiosk's IANA
//! time zone, so a DST change never shifts a deadline.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How many days staff may extend a hold by at once.
pub const EXTENSION_DAYS: std::ops::RangeInclusive<u32> = 1..=30;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoldPolicy {
    /// The parcel is held until the end of the Nth calendar day after deposit.
    pub hold_days: u32,
    /// Calendar days after deposit on which a reminder goes out.
    pub reminder_days: Vec<u32>,
    /// Local time of day of the reminders, "HH:MM".
    pub reminder_time: String,
    /// The most a recipient's vacation may extend a hold.
    pub vacation_max_days: u32,
}

impl Default for HoldPolicy {
    fn default() -> Self {
        Self {
            hold_days: 5,
            reminder_days: vec![2, 4],
            reminder_time: "09:00".into(),
            vacation_max_days: 14,
        }
    }
}

impl HoldPolicy {
    /// Checks the policy; the error names the offending key.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(1..=60).contains(&self.hold_days) {
            return Err(("hold_days", "must be between 1 and 60".into()));
        }
        for d in &self.reminder_days {
            if *d == 0 || *d > self.hold_days {
                return Err((
                    "reminder_days",
                    format!("day {d} is outside the hold of {} days", self.hold_days),
                ));
            }
        }
        if parse_hhmm(&self.reminder_time).is_none() {
            return Err(("reminder_time", "expected HH:MM, e.g. \"09:00\"".into()));
        }
        if self.vacation_max_days > 60 {
            return Err(("vacation_max_days", "must be at most 60".into()));
        }
        Ok(())
    }

    fn reminder_time_of_day(&self) -> NaiveTime {
        parse_hhmm(&self.reminder_time).unwrap_or(NaiveTime::from_hms_opt(9, 0, 0).expect("9:00"))
    }

    /// End of the (hold_days + extra_days)th local calendar day after deposit.
    pub fn deadline(&self, deposited: DateTime<Utc>, tz: Tz, extra_days: u32) -> DateTime<Utc> {
        let day = local_date(deposited, tz) + Days::new(u64::from(self.hold_days + extra_days));
        end_of_day(day, tz)
    }

    /// Days a vacation adds to a hold ending on `deadline_day`: enough to
    /// reach the day after the vacation, at most `vacation_max_days`.
    pub fn vacation_extension(
        &self,
        deadline_day: NaiveDate,
        vacation_until: Option<NaiveDate>,
    ) -> u32 {
        match vacation_until {
            Some(until) if until >= deadline_day => {
                let days = (until - deadline_day).num_days() + 1;
                (days.max(0) as u32).min(self.vacation_max_days)
            }
            _ => 0,
        }
    }

    /// When reminder number `index` (0-based) is due, if there is one.
    pub fn reminder_due(
        &self,
        deposited: DateTime<Utc>,
        tz: Tz,
        index: usize,
    ) -> Option<DateTime<Utc>> {
        let day = *self.reminder_days.get(index)?;
        let date = local_date(deposited, tz) + Days::new(u64::from(day));
        Some(at_local(date, self.reminder_time_of_day(), tz))
    }
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

pub fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// 23:59:59 local on `date`.
pub fn end_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    at_local(
        date,
        NaiveTime::from_hms_opt(23, 59, 59).expect("valid"),
        tz,
    )
}

/// A local wall-clock time as an instant. In a DST fold the later instant is
/// taken (the recipient gets the extra hour); in a gap, the first valid
/// minute after it.
pub fn at_local(date: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let mut naive = date.and_time(time);
    for _ in 0..(3 * 60) {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(_, later) => return later.with_timezone(&Utc),
            LocalResult::None => naive += chrono::Duration::minutes(1),
        }
    }
    // No zone has a gap of three hours; treat the wall time as UTC rather than panic.
    Utc.from_utc_datetime(&naive)
}

/// What a parcel's class means once its hold runs out (USPS practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ParcelClass {
    #[default]
    Domestic,
    International,
    Express,
}

/// Where an expired parcel goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterExpiry {
    /// Held at the office for this many more days.
    HeldAtOffice {
        days: u32,
    },
    ReturnedToSender,
}

impl ParcelClass {
    pub fn after_expiry(self) -> AfterExpiry {
        match self {
            ParcelClass::Domestic => AfterExpiry::HeldAtOffice { days: 10 },
            ParcelClass::International => AfterExpiry::HeldAtOffice { days: 25 },
            ParcelClass::Express => AfterExpiry::ReturnedToSender,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParcelClass::Domestic => "domestic",
            ParcelClass::International => "international",
            ParcelClass::Express => "express",
        }
    }
}

impl std::str::FromStr for ParcelClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "domestic" => Ok(Self::Domestic),
            "international" => Ok(Self::International),
            "express" => Ok(Self::Express),
            o => Err(format!(
                "unknown parcel class {o:?} (domestic, international or express)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Madrid;

    fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn deposit_on_monday_is_held_until_saturday_midnight() {
        let p = HoldPolicy::default();
        // 2026-11-16 is a Monday.
        let dl = p.deadline(local(Madrid, 2026, 11, 16, 10, 0), Madrid, 0);
        let l = dl.with_timezone(&Madrid);
        assert_eq!(
            l.date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        );
        assert_eq!((l.hour(), l.minute(), l.second()), (23, 59, 59));
    }

    #[test]
    fn deposit_at_2359_local_counts_that_day_as_day_zero() {
        let p = HoldPolicy::default();
        let dl = p.deadline(local(Madrid, 2026, 11, 16, 23, 59), Madrid, 0);
        // A deposit one minute before local midnight still counts Monday as day 0.
        assert_eq!(
            dl.with_timezone(&Madrid).date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        );
    }

    #[test]
    fn deposit_at_0030_local_is_that_local_day_even_if_utc_is_yesterday() {
        let p = HoldPolicy::default();
        // 00:30 in New York is 05:30 UTC the same day; 00:30 in Madrid is 23:30 UTC the day before.
        let dep = local(Madrid, 2026, 11, 17, 0, 30);
        assert_eq!(
            dep.date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
        let dl = p.deadline(dep, Madrid, 0);
        assert_eq!(
            dl.with_timezone(&Madrid).date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
    }

    #[test]
    fn deadline_across_dst_change_stays_at_local_midnight() {
        let p = HoldPolicy::default();
        // Europe: clocks go back on 2026-10-25; deposit on Friday 23rd.
        let dl = p.deadline(local(Madrid, 2026, 10, 23, 12, 0), Madrid, 0);
        let l = dl.with_timezone(&Madrid);
        assert_eq!(
            l.date_naive(),
            NaiveDate::from_ymd_opt(2026, 10, 28).unwrap()
        );
        assert_eq!((l.hour(), l.minute()), (23, 59));
        // US: clocks go forward on 2026-03-08.
        let dl = p.deadline(local(New_York, 2026, 3, 6, 8, 0), New_York, 0);
        let l = dl.with_timezone(&New_York);
        assert_eq!(
            l.date_naive(),
            NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
        );
        assert_eq!((l.hour(), l.minute()), (23, 59));
    }

    #[test]
    fn reminders_fall_on_day_two_and_four_at_nine_local() {
        let p = HoldPolicy::default();
        let dep = local(Madrid, 2026, 11, 16, 18, 0);
        let r1 = p
            .reminder_due(dep, Madrid, 0)
            .unwrap()
            .with_timezone(&Madrid);
        let r2 = p
            .reminder_due(dep, Madrid, 1)
            .unwrap()
            .with_timezone(&Madrid);
        assert_eq!(
            (r1.date_naive().to_string(), r1.hour()),
            ("2026-11-18".to_string(), 9)
        );
        assert_eq!(
            (r2.date_naive().to_string(), r2.hour()),
            ("2026-11-20".to_string(), 9)
        );
        assert!(p.reminder_due(dep, Madrid, 2).is_none());
    }

    #[test]
    fn vacation_days_extend_the_deadline() {
        let p = HoldPolicy::default();
        let dep = local(Madrid, 2026, 11, 16, 10, 0);
        let dl = p.deadline(dep, Madrid, 3);
        assert_eq!(
            dl.with_timezone(&Madrid).date_naive().to_string(),
            "2026-11-24"
        );
    }

    #[test]
    fn vacation_extends_to_the_day_after_it_up_to_the_maximum() {
        let p = HoldPolicy::default();
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(p.vacation_extension(d, None), 0);
        assert_eq!(
            p.vacation_extension(d, NaiveDate::from_ymd_opt(2026, 11, 20)),
            0
        );
        assert_eq!(p.vacation_extension(d, Some(d)), 1);
        assert_eq!(
            p.vacation_extension(d, NaiveDate::from_ymd_opt(2026, 11, 24)),
            4
        );
        assert_eq!(
            p.vacation_extension(d, NaiveDate::from_ymd_opt(2027, 3, 1)),
            14
        );
    }

    #[test]
    fn local_time_in_a_dst_gap_moves_forward() {
        // 02:30 does not exist in Madrid on 2026-03-29.
        let t = at_local(
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
            NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
            Madrid,
        );
        assert_eq!(t.with_timezone(&Madrid).hour(), 3);
    }

    #[test]
    fn classes_say_what_happens_after_expiry() {
        assert_eq!(
            ParcelClass::Domestic.after_expiry(),
            AfterExpiry::HeldAtOffice { days: 10 }
        );
        assert_eq!(
            ParcelClass::International.after_expiry(),
            AfterExpiry::HeldAtOffice { days: 25 }
        );
        assert_eq!(
            ParcelClass::Express.after_expiry(),
            AfterExpiry::ReturnedToSender
        );
    }

    #[test]
    fn policy_validation_names_the_key() {
        let p = HoldPolicy {
            reminder_days: vec![2, 9],
            ..HoldPolicy::default()
        };
        assert_eq!(p.validate().unwrap_err().0, "reminder_days");
        let p = HoldPolicy {
            reminder_time: "9am".into(),
            ..HoldPolicy::default()
        };
        assert_eq!(p.validate().unwrap_err().0, "reminder_time");
    }
}
