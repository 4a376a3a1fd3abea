//! Pure domain rules: no I/O, no clock reads, no storage.

pub mod code;
pub mod code_keys;
pub mod compartment;
pub mod country;
pub mod directory;
pub mod fees;
pub mod hold;
pub mod parcel;
pub mod people;
pub mod permission;
pub mod returns;
pub mod s10;
pub mod size;
pub mod text;
pub mod throttle;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use code::{AccessCode, HashCost, Hasher, QrToken};
pub use code_keys::{CodeKeys, CodeSeed};
pub use compartment::{Compartment, CompartmentState};
pub use country::Country;
pub use fees::{Fee, FeePolicy};
pub use hold::{AfterExpiry, HoldPolicy, ParcelClass};
pub use parcel::{Parcel, ParcelId, ParcelState};
pub use people::{
    Delegate, Language, NotifyBy, Recipient, RecipientChange, RecipientId, Role, User,
};
pub use permission::Permission;
pub use returns::{ParcelKind, ReturnAuth, ReturnId, ReturnState};
pub use size::{Dimensions, Size};
pub use text::{TextError, printable};
pub use throttle::{CodeThrottle, TryBudget};

/// A compartment's door number, as printed on the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CompartmentId(pub u16);

impl fmt::Display for CompartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
