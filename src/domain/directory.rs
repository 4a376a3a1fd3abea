//! The property's directory: recipients (with their delegates and vacation)
//! and staff accounts belong to the site, not to one kiosk (docs/FLEET.md).
//! Each record carries a [`Stamp`] from a hybrid logical clock; between two
//! versions of one record the later stamp wins, everywhere, so kiosks that
//! saw the same changes in any order hold the same directory.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::people::{Recipient, User};

/// When and where a directory record was last changed: the wall clock in
/// milliseconds, a count for changes within the same millisecond (or while
/// the wall clock is behind a stamp already seen), and the kiosk that made
/// it, which breaks the last tie. Ordered in that order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub ms: i64,
    pub n: u32,
    pub kiosk: String,
}

impl Stamp {
    /// The stamp of a change made now at `kiosk`: later than `last` (the
    /// latest stamp this kiosk made or saw), and never behind its wall
    /// clock, so a kiosk whose clock is slow still orders its changes after
    /// those it has seen.
    pub fn next(last: Option<&Stamp>, now_ms: i64, kiosk: &str) -> Stamp {
        match last {
            Some(l) if l.ms >= now_ms => Stamp {
                ms: l.ms,
                n: l.n.saturating_add(1),
                kiosk: kiosk.to_string(),
            },
            _ => Stamp {
                ms: now_ms,
                n: 0,
                kiosk: kiosk.to_string(),
            },
        }
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}@{}", self.ms, self.n, self.kiosk)
    }
}

/// One record of the directory, as it is now. A recipient is never
/// deleted (a closed account keeps its ID); a staff account is, and its
/// removal travels as a record of `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Recipient { record: Recipient },
    User { name: String, record: Option<User> },
}

impl Entry {
    /// `recipient/<digits>` or `user/<name>`: the record's key in the
    /// directory, and the end of its topic. Both parts are letters, digits,
    /// `.`, `_` or `-` (see `RecipientId` and `validate_user_name`).
    pub fn key(&self) -> String {
        match self {
            Entry::Recipient { record } => recipient_key(record.id.digits()),
            Entry::User { name, .. } => user_key(name),
        }
    }
}

pub fn recipient_key(digits: &str) -> String {
    format!("recipient/{digits}")
}

pub fn user_key(name: &str) -> String {
    format!("user/{name}")
}

/// A record and its stamp: what one kiosk tells the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The payload's version (docs/FLEET.md).
    pub v: u32,
    pub stamp: Stamp,
    #[serde(flatten)]
    pub entry: Entry,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ms: i64, n: u32, k: &str) -> Stamp {
        Stamp {
            ms,
            n,
            kiosk: k.into(),
        }
    }

    #[test]
    fn a_stamp_follows_the_wall_clock_and_never_goes_back() {
        assert_eq!(Stamp::next(None, 1000, "A"), s(1000, 0, "A"));
        assert_eq!(
            Stamp::next(Some(&s(900, 4, "B")), 1000, "A"),
            s(1000, 0, "A")
        );
        // Same millisecond, or a clock behind a stamp seen from elsewhere:
        // the count goes up and the order holds.
        assert_eq!(
            Stamp::next(Some(&s(1000, 0, "A")), 1000, "A"),
            s(1000, 1, "A")
        );
        let seen = s(5000, 2, "B");
        let mine = Stamp::next(Some(&seen), 1000, "A");
        assert_eq!(mine, s(5000, 3, "A"));
        assert!(mine > seen);
    }

    #[test]
    fn stamps_order_by_time_then_count_then_kiosk() {
        assert!(s(1, 9, "Z") < s(2, 0, "A"));
        assert!(s(2, 0, "Z") < s(2, 1, "A"));
        assert!(s(2, 1, "A") < s(2, 1, "B"));
    }

    #[test]
    fn keys_name_the_kind_and_the_record() {
        let e = Entry::User {
            name: "1001".into(),
            record: None,
        };
        assert_eq!(e.key(), "user/1001");
        let json = serde_json::to_value(Change {
            v: 1,
            stamp: s(1, 0, "A"),
            entry: e,
        })
        .unwrap();
        assert_eq!(json["kind"], "user");
        assert_eq!(json["record"], serde_json::Value::Null);
    }
}
