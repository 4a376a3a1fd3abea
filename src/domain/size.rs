//! Compartment sizes and the smallest-fit rule.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Compartment sizes, smallest first (so `Ord` means "larger").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Size {
    S,
    M,
    L,
    XL,
}

/// A parcel's or a compartment's three dimensions in centimetres.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    pub h: u32,
    pub w: u32,
    pub d: u32,
}

impl Dimensions {
    /// The most centimetres a side may be typed as: three digits cover any
    /// parcel a locker could take.
    pub const MAX_CM: u32 = 999;

    /// A parcel has some size in every direction: a zero is a typing slip.
    pub fn is_real(&self) -> bool {
        self.h > 0 && self.w > 0 && self.d > 0
    }

    pub const fn new(h: u32, w: u32, d: u32) -> Self {
        Self { h, w, d }
    }

    fn sorted(self) -> [u32; 3] {
        let mut v = [self.h, self.w, self.d];
        v.sort_unstable();
        v
    }

    /// Whether `self` fits inside `inner` in some orientation. Sorting both
    /// triples and comparing element-wise is exact for boxes in boxes that
    /// stay axis-aligned (a parcel is not tilted in a locker).
    pub fn fits_in(self, inner: Dimensions) -> bool {
        let a = self.sorted();
        let b = inner.sorted();
        a.iter().zip(b.iter()).all(|(x, y)| x <= y)
    }
}

impl Size {
    pub const ALL: [Size; 4] = [Size::S, Size::M, Size::L, Size::XL];

    /// Inner dimensions H x W x D in cm (docs/HARDWARE.md).
    pub const fn dimensions(self) -> Dimensions {
        match self {
            Size::S => Dimensions::new(12, 36, 54),
            Size::M => Dimensions::new(26, 36, 54),
            Size::L => Dimensions::new(54, 36, 54),
            Size::XL => Dimensions::new(68, 36, 54),
        }
    }

    /// The smallest size a parcel fits in, in any orientation; `None` means
    /// oversized: deliver as you would without a locker.
    pub fn smallest_fit(parcel: Dimensions) -> Option<Size> {
        Size::ALL
            .into_iter()
            .find(|s| parcel.fits_in(s.dimensions()))
    }

    /// The next larger size, if any.
    pub fn larger(self) -> Option<Size> {
        match self {
            Size::S => Some(Size::M),
            Size::M => Some(Size::L),
            Size::L => Some(Size::XL),
            Size::XL => None,
        }
    }

    /// This size and every larger one, in order.
    pub fn this_or_larger(self) -> impl Iterator<Item = Size> {
        Size::ALL.into_iter().filter(move |s| *s >= self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Size::S => "S",
            Size::M => "M",
            Size::L => "L",
            Size::XL => "XL",
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "S" => Ok(Size::S),
            "M" => Ok(Size::M),
            "L" => Ok(Size::L),
            "XL" => Ok(Size::XL),
            other => Err(format!("unknown size {other:?} (expected S, M, L or XL)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_parcel_fits_small_in_any_orientation() {
        assert_eq!(
            Size::smallest_fit(Dimensions::new(50, 10, 30)),
            Some(Size::S)
        );
        assert_eq!(
            Size::smallest_fit(Dimensions::new(36, 54, 12)),
            Some(Size::S)
        );
    }

    #[test]
    fn one_cm_too_tall_for_small_takes_medium() {
        assert_eq!(
            Size::smallest_fit(Dimensions::new(13, 36, 54)),
            Some(Size::M)
        );
    }

    #[test]
    fn cube_of_40_needs_large() {
        // Every size has a 36 cm side, so a 40 cm cube fits nowhere.
        assert_eq!(Size::smallest_fit(Dimensions::new(40, 40, 40)), None);
        assert_eq!(
            Size::smallest_fit(Dimensions::new(36, 40, 40)),
            Some(Size::L)
        );
    }

    #[test]
    fn parcel_that_fits_no_size_is_oversized() {
        assert_eq!(Size::smallest_fit(Dimensions::new(70, 36, 54)), None);
        assert_eq!(Size::smallest_fit(Dimensions::new(10, 10, 69)), None);
        // A long thin parcel stands upright in the 68 cm of an XL.
        assert_eq!(
            Size::smallest_fit(Dimensions::new(10, 10, 55)),
            Some(Size::XL)
        );
    }

    #[test]
    fn extra_large_takes_68() {
        assert_eq!(
            Size::smallest_fit(Dimensions::new(68, 36, 54)),
            Some(Size::XL)
        );
        assert_eq!(
            Size::smallest_fit(Dimensions::new(60, 30, 30)),
            Some(Size::XL)
        );
    }

    #[test]
    fn sizes_parse_and_order() {
        assert_eq!("xl".parse::<Size>(), Ok(Size::XL));
        assert!("XXL".parse::<Size>().is_err());
        assert!(Size::S < Size::XL);
        assert_eq!(
            Size::M.this_or_larger().collect::<Vec<_>>(),
            vec![Size::M, Size::L, Size::XL]
        );
    }
}
