//! Parcels and their lifecycle:
//! depositing -> stored -> (reminded) -> picked_up | expired -> removed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CompartmentId, ParcelClass, RecipientId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParcelId(pub u64);

impl std::fmt::Display for ParcelId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{:06}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelState {
    /// The courier has a door open for it.
    Depositing,
    /// In the locker, code live.
    Stored,
    PickedUp,
    /// Hold ran out: code dead, waiting for staff to remove it.
    Expired,
    /// Taken out by staff (to the office or back to the sender).
    Removed,
}

impl ParcelState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Depositing => "depositing",
            Self::Stored => "stored",
            Self::PickedUp => "picked_up",
            Self::Expired => "expired",
            Self::Removed => "removed",
        }
    }

    /// Whether the parcel is physically in (or going into) a compartment.
    pub fn in_locker(self) -> bool {
        matches!(self, Self::Depositing | Self::Stored | Self::Expired)
    }

    /// The lifecycle's edges; anything else is a bug or a tampered store.
    pub fn can_become(self, next: ParcelState) -> bool {
        use ParcelState::*;
        matches!(
            (self, next),
            (Depositing, Stored) | (Stored, PickedUp) | (Stored, Expired) | (Expired, Removed)
                // Staff may clear a stored parcel too (wrong parcel, damaged).
                | (Stored, Removed)
        )
    }
}

/// How long a tracking number is: letters, digits and '-'.
pub const TRACKING_LEN: std::ops::RangeInclusive<usize> = 4..=40;

/// Whether `s` has the form of a tracking number.
pub fn is_tracking_number(s: &str) -> bool {
    TRACKING_LEN.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    pub id: ParcelId,
    pub tracking: String,
    pub recipient: RecipientId,
    pub compartment: CompartmentId,
    pub class: ParcelClass,
    pub state: ParcelState,
    pub courier: String,
    pub deposited_at: Option<DateTime<Utc>>,
    /// End of the hold; set when the deposit is confirmed.
    pub deadline: Option<DateTime<Utc>>,
    /// Days added by vacation mode or an admin.
    pub extension_days: u32,
    pub reminders_sent: u8,
    /// Proof-of-delivery receipt id given to the courier.
    pub receipt: Option<String>,
    pub picked_up_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
    /// Where the code index points at this parcel (hex of the keyed hash).
    pub code_key: Option<String>,
    pub qr_key: Option<String>,
    /// The live code's fingerprint under the property's site key (hex),
    /// where other kiosks of the site ask for it.
    #[serde(default)]
    pub site_key: Option<String>,
    /// The id of the code key the live code was made with.
    #[serde(default)]
    pub key_id: Option<String>,
    /// Outbox messages that gave the live code: their seeds go, and their
    /// spooled copies are deleted, when the code dies.
    #[serde(default)]
    pub code_messages: Vec<u64>,
    /// A delivery, or a return waiting for a courier (which has no code).
    #[serde(default)]
    pub kind: super::ParcelKind,
}

impl Parcel {
    /// The return this parcel is, if it is one.
    pub fn return_of(&self) -> Option<super::ReturnId> {
        match self.kind {
            super::ParcelKind::Return { of } => Some(of),
            super::ParcelKind::Delivery => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ParcelState::*;

    #[test]
    fn lifecycle_edges() {
        assert!(Depositing.can_become(Stored));
        assert!(Stored.can_become(PickedUp));
        assert!(Stored.can_become(Expired));
        assert!(Expired.can_become(Removed));
        assert!(!PickedUp.can_become(Stored));
        assert!(!Expired.can_become(PickedUp));
        assert!(!Removed.can_become(Stored));
    }

    #[test]
    fn only_depositing_stored_and_expired_are_in_the_locker() {
        assert!(Stored.in_locker() && Expired.in_locker() && Depositing.in_locker());
        assert!(!PickedUp.in_locker() && !Removed.in_locker());
    }
}
