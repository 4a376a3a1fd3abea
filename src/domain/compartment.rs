//! Compartments and the allocation rule.

use serde::{Deserialize, Serialize};

use super::{CompartmentId, ParcelId, Size};

/// What a person sees on the bank drawing. Derived from the compartment's
/// facts, never stored, so it cannot disagree with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompartmentState {
    Free,
    /// A deposit is in progress.
    Reserved,
    Occupied,
    /// The door is open.
    Open,
    /// Taken out of service by an admin.
    Disabled,
    /// Jammed, or its sensor cannot be trusted.
    Faulty,
}

impl CompartmentState {
    pub const ALL: [CompartmentState; 6] = [
        Self::Free,
        Self::Reserved,
        Self::Occupied,
        Self::Open,
        Self::Disabled,
        Self::Faulty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Reserved => "reserved",
            Self::Occupied => "occupied",
            Self::Open => "open",
            Self::Disabled => "disabled",
            Self::Faulty => "faulty",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compartment {
    pub id: CompartmentId,
    pub size: Size,
    /// The parcel inside or on its way in.
    pub parcel: Option<ParcelId>,
    /// A courier has this door for a parcel not yet confirmed.
    pub reserved: bool,
    pub door_open: bool,
    pub disabled: bool,
    pub faulty: bool,
    /// Set when a restart or a fault could not decide what is inside.
    pub needs_inspection: bool,
}

impl Compartment {
    pub fn new(id: CompartmentId, size: Size) -> Self {
        Self {
            id,
            size,
            parcel: None,
            reserved: false,
            door_open: false,
            disabled: false,
            faulty: false,
            needs_inspection: false,
        }
    }

    pub fn state(&self) -> CompartmentState {
        if self.faulty {
            CompartmentState::Faulty
        } else if self.door_open {
            CompartmentState::Open
        } else if self.disabled {
            CompartmentState::Disabled
        } else if self.reserved {
            CompartmentState::Reserved
        } else if self.parcel.is_some() {
            CompartmentState::Occupied
        } else {
            CompartmentState::Free
        }
    }

    /// Can take a new parcel: empty, closed, in service, nothing to inspect.
    pub fn allocatable(&self) -> bool {
        self.state() == CompartmentState::Free && !self.needs_inspection
    }
}

/// The smallest allocatable compartment of `size`, else of the next larger
/// size; among equals the lowest door number, so allocation is predictable.
pub fn choose<'a>(
    compartments: impl IntoIterator<Item = &'a Compartment>,
    size: Size,
) -> Option<&'a Compartment> {
    compartments
        .into_iter()
        .filter(|c| c.allocatable() && c.size >= size)
        .min_by_key(|c| (c.size, c.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Vec<Compartment> {
        vec![
            Compartment::new(CompartmentId(1), Size::S),
            Compartment::new(CompartmentId(2), Size::M),
            Compartment::new(CompartmentId(3), Size::M),
            Compartment::new(CompartmentId(4), Size::XL),
        ]
    }

    #[test]
    fn smallest_free_of_the_size_is_chosen() {
        assert_eq!(choose(&bank(), Size::M).unwrap().id, CompartmentId(2));
    }

    #[test]
    fn full_size_falls_back_to_next_larger() {
        let mut b = bank();
        b[1].parcel = Some(ParcelId(1));
        b[2].disabled = true;
        assert_eq!(choose(&b, Size::M).unwrap().id, CompartmentId(4));
        assert_eq!(choose(&b, Size::S).unwrap().id, CompartmentId(1));
    }

    #[test]
    fn compartment_awaiting_inspection_is_never_handed_out() {
        let mut b = bank();
        b[3].needs_inspection = true;
        assert!(choose(&b, Size::L).is_none());
    }

    #[test]
    fn state_is_derived_with_faults_first() {
        let mut c = Compartment::new(CompartmentId(9), Size::L);
        assert_eq!(c.state(), CompartmentState::Free);
        c.parcel = Some(ParcelId(3));
        assert_eq!(c.state(), CompartmentState::Occupied);
        c.reserved = true;
        assert_eq!(c.state(), CompartmentState::Reserved);
        c.door_open = true;
        assert_eq!(c.state(), CompartmentState::Open);
        c.faulty = true;
        assert_eq!(c.state(), CompartmentState::Faulty);
    }
}
