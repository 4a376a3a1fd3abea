//! The clock in a screen's header: minutes only, so an idle screen changes
//! (and writes to the line) once a minute, never once a second.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// "HH:MM" in the kiosk's time zone.
pub fn clock_text(now: DateTime<Utc>, tz: Tz) -> String {
    now.with_timezone(&tz).format("%H:%M").to_string()
}

/// Updates the shown clock; true when the minute changed.
pub fn follow_clock(shown: &mut String, now: DateTime<Utc>, tz: Tz) -> bool {
    let clock = clock_text(now, tz);
    if clock == *shown {
        return false;
    }
    *shown = clock;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn only_a_new_minute_changes_the_clock() {
        let tz = chrono_tz::Europe::Madrid;
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 5).unwrap();
        let mut shown = clock_text(t, tz);
        assert_eq!(shown, "10:00");
        assert!(!follow_clock(
            &mut shown,
            t + chrono::Duration::seconds(50),
            tz
        ));
        assert!(follow_clock(
            &mut shown,
            t + chrono::Duration::seconds(60),
            tz
        ));
        assert_eq!(shown, "10:01");
    }
}
