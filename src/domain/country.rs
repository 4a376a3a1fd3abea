//! The country a locker stands in, as ISO 3166-1 alpha-2 ("ES"): what
//! makes a UPU S10 parcel international.

use serde::{Deserialize, Serialize};

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ASSIGNED: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// A country by its two capital letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

impl Country {
    /// Spain, where the demo's locker stands; also the default of a config
    /// that names no country.
    pub const SPAIN: Country = Country(*b"ES");

    /// Two letters of an assigned code, either case.
    pub fn parse(s: &str) -> Result<Country, String> {
        let upper = s.trim().to_ascii_uppercase();
        match upper.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                if ASSIGNED.split(' ').any(|c| c == upper) {
                    Ok(Country([*a, *b]))
                } else {
                    Err(format!("{s:?} is not an ISO 3166 country code"))
                }
            }
            _ => Err(format!(
                "{s:?} is not two letters of an ISO 3166 country code, e.g. \"ES\""
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl Default for Country {
    fn default() -> Self {
        Self::SPAIN
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Country {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Country::parse(s)
    }
}

impl TryFrom<String> for Country {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Country::parse(&s)
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_codes_are_countries_in_either_case() {
        assert_eq!(Country::parse("es"), Ok(Country::SPAIN));
        assert_eq!(Country::parse("US").unwrap().as_str(), "US");
        assert_eq!(ASSIGNED.split(' ').count(), 249);
    }

    #[test]
    fn unassigned_or_misshapen_codes_say_why() {
        assert!(
            Country::parse("XX")
                .unwrap_err()
                .contains("not an ISO 3166")
        );
        assert!(Country::parse("ESP").unwrap_err().contains("two letters"));
        assert!(Country::parse("").is_err());
    }
}
