//! The console's filters as people type them: a door, a date, an action
//! in everyday words, and the keypad's way (digits alone).

use chrono::NaiveDate;

use crate::domain::{CompartmentId, Language};
use crate::store::audit::AuditFilter;
use crate::wording::AUDIT_ACTIONS;

/// The audit action a typed word means: part of a stored name
/// (`unlock`), words of one in either language (`collected`), or a word
/// sharing its first four letters with one (`pickup` for `picked_up`).
pub fn action_named(word: &str) -> String {
    let w = word.trim().to_lowercase();
    if w.is_empty() || AUDIT_ACTIONS.iter().any(|a| a.contains(&w)) {
        return w;
    }
    let stem: String = w.chars().take(4).collect();
    AUDIT_ACTIONS
        .iter()
        .find(|a| {
            let said = crate::wording::machine(a).is_some_and(|t| {
                [Language::En, Language::Es]
                    .into_iter()
                    .any(|l| crate::wording::tr(l, t).to_lowercase().contains(&w))
            });
            said || (stem.chars().count() == 4 && a.split('_').any(|p| p.starts_with(&stem)))
        })
        .map_or(w, |a| a.to_string())
}

/// The filter `shown` with what `added` sets put in its place.
pub fn narrowed(shown: &AuditFilter, added: AuditFilter) -> AuditFilter {
    AuditFilter {
        actor: added.actor.or_else(|| shown.actor.clone()),
        compartment: added.compartment.or(shown.compartment),
        parcel: added.parcel.or(shown.parcel),
        action: added.action.or_else(|| shown.action.clone()),
        from: added.from.or(shown.from),
        to: added.to.or(shown.to),
    }
}

/// `2026-12-01`, or `20261201` as typed on a keypad.
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y%m%d"))
        .ok()
}

/// A keypad's date: eight digits, `YYYYMMDD` (no door has that many).
fn keypad_date(word: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if word.len() != 8 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(parse_date(word)?.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Marker filters as typed; digits alone are a door, eight a date (since).
pub fn marker_filter(text: &str) -> Option<crate::engine::read::MarkerFilter> {
    let mut filter = crate::engine::read::MarkerFilter::default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        match (words[i], words.get(i + 1)) {
            (w, _) if w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()) => {
                filter.since = Some(keypad_date(w)?);
                i += 1;
                continue;
            }
            (w, _) if w.bytes().all(|b| b.is_ascii_digit()) => {
                filter.door = Some(CompartmentId(w.parse().ok()?));
                i += 1;
                continue;
            }
            ("door", Some(v)) => filter.door = Some(CompartmentId(v.parse().ok()?)),
            ("camera", Some(v)) => filter.camera = Some((*v).to_string()),
            ("since", Some(v)) => {
                filter.since = Some(parse_date(v)?.and_hms_opt(0, 0, 0)?.and_utc());
            }
            _ => return None,
        }
        i += 2;
    }
    Some(filter)
}

/// Audit filters as typed; digits alone are a door (the keypad's way).
pub fn audit_filter(text: &str) -> Option<AuditFilter> {
    let mut filter = AuditFilter::default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let value = words.get(i + 1).copied();
        match (words[i], value) {
            (w, _) if w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()) => {
                filter.from = Some(keypad_date(w)?);
                i += 1;
                continue;
            }
            (w, _) if w.bytes().all(|b| b.is_ascii_digit()) => {
                filter.compartment = Some(CompartmentId(w.parse().ok()?));
                i += 1;
                continue;
            }
            ("door", Some(v)) => filter.compartment = Some(CompartmentId(v.parse().ok()?)),
            ("actor", Some(v)) => filter.actor = Some(v.to_string()),
            ("action", Some(v)) => filter.action = Some(action_named(v)),
            ("since", Some(v)) => {
                let d = parse_date(v)?;
                filter.from = Some(d.and_hms_opt(0, 0, 0)?.and_utc());
            }
            ("until", Some(v)) => {
                let d = parse_date(v)?;
                filter.to = Some(d.and_hms_opt(23, 59, 59)?.and_utc());
            }
            _ => return None,
        }
        i += 2;
    }
    Some(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_filter_reads_door_actor_and_dates() {
        let f = audit_filter("door 3 actor admin since 2026-11-01").unwrap();
        assert_eq!(f.compartment, Some(CompartmentId(3)));
        assert_eq!(f.actor.as_deref(), Some("admin"));
        assert!(f.from.is_some());
        assert_eq!(
            audit_filter("7").unwrap().compartment,
            Some(CompartmentId(7))
        );
        assert!(audit_filter("door").is_none());
        // What people type finds what the log stores.
        let action = |s: &str| audit_filter(s).and_then(|f| f.action);
        assert_eq!(action("action pickup").as_deref(), Some("picked_up"));
        assert_eq!(action("action Unlock").as_deref(), Some("unlock"));
        assert_eq!(action("action removal").as_deref(), Some("removed"));
        assert_eq!(action("action recogido").as_deref(), Some("picked_up"));
        // A keypad types a date as eight digits.
        let f = audit_filter("20261201").unwrap();
        assert_eq!(f.compartment, None);
        assert_eq!(
            f.from.map(|d| d.date_naive().to_string()).as_deref(),
            Some("2026-12-01")
        );
        let m = marker_filter("4 20261201").unwrap();
        assert_eq!(m.door, Some(CompartmentId(4)));
        assert!(m.since.is_some());
        assert!(marker_filter("20261399").is_none(), "no 13th month");
        assert!(audit_filter("colour blue").is_none());
        assert_eq!(audit_filter("").unwrap(), AuditFilter::default());
    }
}
