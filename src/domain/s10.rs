//! UPU S10 tracking numbers (`EE123456785US`): two letters for the service,
//! eight digits, a check digit, and the two letters of the country that
//! sent the item. What they say decides a parcel's class without asking
//! the courier.

use super::{Country, ParcelClass};

/// What an S10 number says about the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S10 {
    /// The service indicator: `E…` is express mail (EMS).
    pub service: [u8; 2],
    /// The posting country (not checked against ISO: post offices use a
    /// few codes of their own).
    pub origin: [u8; 2],
}

/// An S10-shaped number whose check digit does not match its serial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the check digit of an S10 tracking number is wrong")]
pub struct WrongCheckDigit;

/// The weights of the eight serial digits.
const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

/// The check digit of an eight-digit serial.
pub fn check_digit(serial: [u8; 8]) -> u8 {
    let sum: u32 = serial
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c as u8,
    }
}

/// `Ok(None)` when `tracking` is not an S10 number (any other carrier's
/// form); an error when it has the S10 form but a wrong check digit.
/// Letters may be of either case.
pub fn read(tracking: &str) -> Result<Option<S10>, WrongCheckDigit> {
    let b = tracking.trim().as_bytes();
    let letters = |i: usize| -> Option<[u8; 2]> {
        let pair = [b[i].to_ascii_uppercase(), b[i + 1].to_ascii_uppercase()];
        pair.iter().all(u8::is_ascii_uppercase).then_some(pair)
    };
    if b.len() != 13 || !b[2..11].iter().all(u8::is_ascii_digit) {
        return Ok(None);
    }
    let (Some(service), Some(origin)) = (letters(0), letters(11)) else {
        return Ok(None);
    };
    let mut serial = [0u8; 8];
    for (d, c) in serial.iter_mut().zip(&b[2..10]) {
        *d = c - b'0';
    }
    if check_digit(serial) != b[10] - b'0' {
        return Err(WrongCheckDigit);
    }
    Ok(Some(S10 { service, origin }))
}

impl S10 {
    pub fn is_express(&self) -> bool {
        self.service[0] == b'E'
    }

    /// Posted in a country other than the locker's.
    pub fn is_international(&self, home: Country) -> bool {
        self.origin != *home.as_str().as_bytes()
    }

    /// The class the number gives. An international express item is
    /// express: it goes back to the sender like any express item.
    pub fn class(&self, home: Country) -> ParcelClass {
        if self.is_express() {
            ParcelClass::Express
        } else if self.is_international(home) {
            ParcelClass::International
        } else {
            ParcelClass::Domestic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Country {
        Country::parse("US").unwrap()
    }

    #[test]
    fn check_digit_follows_the_upu_weights() {
        // 8·1+6·2+4·3+2·4+3·5+5·6+9·7+7·8 = 204; 204 mod 11 = 6; 11-6 = 5.
        assert_eq!(check_digit([1, 2, 3, 4, 5, 6, 7, 8]), 5);
        // A remainder of 1 gives 10, written 0; of 0 gives 11, written 5.
        assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 8]), 0);
        assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 0]), 5);
    }

    #[test]
    fn express_from_the_us_is_express_anywhere() {
        let s = read("EE123456785US").unwrap().unwrap();
        assert!(s.is_express());
        assert!(s.is_international(Country::SPAIN));
        assert!(!s.is_international(us()));
        assert_eq!(s.class(Country::SPAIN), ParcelClass::Express);
        assert_eq!(s.class(us()), ParcelClass::Express);
    }

    #[test]
    fn a_registered_item_is_international_only_from_abroad() {
        let s = read("rr123456785es").unwrap().unwrap();
        assert_eq!(s.class(Country::SPAIN), ParcelClass::Domestic);
        assert_eq!(s.class(us()), ParcelClass::International);
    }

    #[test]
    fn wrong_check_digit_is_refused() {
        assert_eq!(read("EE123456784US"), Err(WrongCheckDigit));
    }

    #[test]
    fn other_forms_are_not_s10() {
        for t in [
            "TRK1",
            "1Z999AA10123456784",
            "EE12345678US",
            "E1123456785US",
            "EE1234567X5US",
        ] {
            assert_eq!(read(t), Ok(None), "{t}");
        }
    }
}
