//! Pure domain rules: no I/O, no clock reads, no storage.

pub mod size;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use size::{Dimensions, Size};

/// A compartment's door number, as printed on the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CompartmentId(pub u16);

impl fmt::Display for CompartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
