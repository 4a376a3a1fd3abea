//! Returns: a parcel going back to a shop or a carrier, dropped at the
//! kiosk by whoever holds a return code and collected by a courier.
//!
//! A return is authorised first (`locker return add`, the console): that
//! makes a [`ReturnAuth`], whose code opens one door of the right size.
//! Once dropped, the parcel in the compartment is an ordinary [`Parcel`]
//! whose kind names the return; it leaves with a courier, never with a
//! pickup code.
//!
//! [`Parcel`]: super::Parcel

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Language, ParcelId, RecipientId, Size};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReturnId(pub u64);

impl fmt::Display for ReturnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RT{:06}", self.0)
    }
}

impl ReturnId {
    /// `RT000012`, `rt12` or `12`.
    pub fn parse(s: &str) -> Option<ReturnId> {
        let s = s.trim();
        let digits = match s.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("RT") => &s[2..],
            _ => s,
        };
        if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(ReturnId)
    }
}

/// Where a return stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnState {
    /// The code is live; nothing is in the locker yet.
    Issued,
    /// A door is open for it.
    Dropping,
    /// In a compartment, waiting for a courier.
    Waiting,
    /// A courier took it.
    Collected,
    /// Withdrawn before it was dropped: the code opens nothing.
    Withdrawn,
}

impl ReturnState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Dropping => "dropping",
            Self::Waiting => "waiting",
            Self::Collected => "collected",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The lifecycle's edges; a dropped door given up goes back to issued.
    pub fn can_become(self, next: ReturnState) -> bool {
        use ReturnState::*;
        matches!(
            (self, next),
            (Issued, Dropping)
                | (Dropping, Issued)
                | (Dropping, Waiting)
                | (Waiting, Collected)
                | (Issued, Withdrawn)
        )
    }
}

/// What a parcel in a compartment is: a delivery waiting for its
/// recipient, or a return waiting for a courier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelKind {
    #[default]
    Delivery,
    Return {
        of: ReturnId,
    },
}

/// A return as authorised: the size it needs, whom to tell, and where the
/// code index points at it. The code itself is not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnAuth {
    pub id: ReturnId,
    pub size: Size,
    /// The shop's order or the carrier's reference, as the issuer gave it.
    pub reference: String,
    /// A registered recipient, told at their addresses on file.
    pub recipient: Option<RecipientId>,
    /// Or an address given at issue, for someone with no account here.
    pub email: Option<String>,
    pub language: Language,
    /// The code is the prepaid label's barcode, not one made here.
    pub label: bool,
    pub state: ReturnState,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
    /// Hex of the keyed hash the code index files it under.
    pub code_key: String,
    /// The id of the code key that hash was made with.
    pub key_id: String,
    pub parcel: Option<ParcelId>,
    pub dropped_at: Option<DateTime<Utc>>,
    pub receipt: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
    pub collected_by: Option<String>,
    /// The messages that give a code made here (e-mail, text): their
    /// seeds go when the code dies.
    #[serde(default)]
    pub code_messages: Vec<u64>,
}

impl ReturnAuth {
    /// Its drop did not happen: the code is live again. Whether it changed.
    pub fn back_to_issued(&mut self) -> bool {
        if self.state != ReturnState::Dropping {
            return false;
        }
        self.state = ReturnState::Issued;
        self.parcel = None;
        true
    }

    /// A courier has it (or an inspection found it gone).
    pub fn collected(&mut self, by: &str, at: DateTime<Utc>) {
        self.state = ReturnState::Collected;
        self.collected_at = Some(at);
        self.collected_by = Some(by.to_string());
    }
}

/// How many digits a return code made here has: two more than a pickup
/// code, so the two are never confused on the keypad.
pub const RETURN_CODE_DIGITS: usize = 8;

/// A return code as typed or scanned, in the one form the index knows:
/// a made code's eight digits, or a label's barcode (letters, digits and
/// `-`, upper case). `None` for anything that cannot be either.
pub fn normalize_code(input: &str) -> Option<String> {
    let s = input.trim();
    if !super::parcel::is_tracking_number(s) {
        return None;
    }
    Some(s.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_in_every_form() {
        assert_eq!(ReturnId(12).to_string(), "RT000012");
        for s in ["RT000012", "rt12", "12", " 000012 "] {
            assert_eq!(ReturnId::parse(s), Some(ReturnId(12)), "{s}");
        }
        for s in ["", "RT", "R12", "RT-12", "1234567890123"] {
            assert_eq!(ReturnId::parse(s), None, "{s}");
        }
    }

    #[test]
    fn lifecycle_edges() {
        use ReturnState::*;
        assert!(Issued.can_become(Dropping));
        assert!(Dropping.can_become(Issued));
        assert!(Dropping.can_become(Waiting));
        assert!(Waiting.can_become(Collected));
        assert!(Issued.can_become(Withdrawn));
        assert!(!Waiting.can_become(Withdrawn));
        assert!(!Collected.can_become(Waiting));
        assert!(!Withdrawn.can_become(Issued));
    }

    #[test]
    fn codes_normalise_to_one_form() {
        assert_eq!(normalize_code(" 12345678 ").as_deref(), Some("12345678"));
        assert_eq!(
            normalize_code("ee123456785us").as_deref(),
            Some("EE123456785US")
        );
        assert_eq!(normalize_code("12 34"), None);
        assert_eq!(normalize_code("abc"), None);
    }

    #[test]
    fn parcel_kind_reads_old_records_as_deliveries() {
        #[derive(Deserialize)]
        struct Old {
            #[serde(default)]
            kind: ParcelKind,
        }
        let old: Old = serde_json::from_str("{}").unwrap();
        assert_eq!(old.kind, ParcelKind::Delivery);
        let json = serde_json::to_string(&ParcelKind::Return { of: ReturnId(3) }).unwrap();
        assert_eq!(json, r#"{"return":{"of":3}}"#);
    }
}
