//! Why a command was not carried out, for a person to read. Each reason has
//! its words in the wording table in both languages (the console shows
//! them); `Display` is the English the command line prints.

use serde::{Deserialize, Serialize};

use crate::domain::Language;
use crate::domain::code::PIN_DIGITS;
use crate::domain::{CompartmentId, ParcelId, ReturnId};
use crate::wording;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Rejection {
    #[error("parcel {parcel} is not expired")]
    NotExpired { parcel: ParcelId },
    #[error("parcel {parcel} is not waiting in the locker")]
    NotWaiting { parcel: ParcelId },
    #[error("parcel {parcel} is not being deposited")]
    NotBeingDeposited { parcel: ParcelId },
    #[error("each dimension is at least 1 cm")]
    DimensionTooSmall,
    #[error("a tracking number has 4 to 40 letters, digits or '-'")]
    TrackingMalformed,
    #[error("the check digit of this S10 tracking number is wrong: scan or type it again")]
    TrackingCheckDigit,
    #[error("choose a larger size")]
    LargerSize,
    #[error("could not find a free access code")]
    NoFreeCode,
    #[error("that fee offer has expired: enter the code again")]
    FeeOfferExpired,
    #[error("a manual unlock needs a reason")]
    ReasonNeeded,
    #[error("extend by {min} to {max} days")]
    ExtendDays { min: u32, max: u32 },
    #[error("recipient ID {recipient} belonged to a closed account")]
    ClosedAccount { recipient: String },
    #[error("recipient {recipient} already exists: `recipient update {recipient}` changes it")]
    RecipientExists { recipient: String },
    #[error("nothing to change in {recipient}")]
    NothingToChange { recipient: String },
    #[error("a recipient ID is PX- and 6 digits, e.g. PX-482913")]
    RecipientIdMalformed,
    #[error("user {user} already exists")]
    UserExists { user: String },
    #[error("a PIN has {} to {} digits", PIN_DIGITS.start(), PIN_DIGITS.end())]
    PinMalformed,
    #[error("the last admin cannot be removed")]
    LastAdmin,
    #[error("order {id} from {who} was carried out before")]
    OrderRepeated { id: String, who: String },
    #[error("recipient ID {recipient} is reserved")]
    RecipientIdReserved { recipient: String },
    #[error("a label's barcode has 4 to 40 letters, digits or '-'")]
    ReturnLabelMalformed,
    #[error("a return with this label's barcode is already issued")]
    ReturnLabelInUse,
    #[error("return {id} is not waiting to be dropped")]
    ReturnNotIssued { id: ReturnId },
    #[error("parcel {parcel} is not a return")]
    NotAReturn { parcel: ParcelId },
    #[error("parcel {parcel} is a return: it has no code, hold or recipient to change")]
    IsAReturn { parcel: ParcelId },
    #[error("the sensor of door {door} still sees something inside")]
    ReturnStillInside { door: CompartmentId },
}

impl Rejection {
    /// The machine name the wording table knows it by
    /// (`rejection.not_expired`): its serde tag.
    pub fn name(&self) -> String {
        wording::name_of(self)
    }

    /// What fills the words' placeholders: `{parcel}`, `{recipient}`,
    /// `{user}`, `{min}`, `{max}`, `{id}`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::NotExpired { parcel }
            | Self::NotWaiting { parcel }
            | Self::NotBeingDeposited { parcel }
            | Self::NotAReturn { parcel }
            | Self::IsAReturn { parcel } => vec![("parcel", parcel.to_string())],
            Self::ReturnNotIssued { id } => vec![("id", id.to_string())],
            Self::ReturnStillInside { door } => vec![("door", door.to_string())],
            Self::ExtendDays { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Self::ClosedAccount { recipient }
            | Self::RecipientExists { recipient }
            | Self::NothingToChange { recipient }
            | Self::RecipientIdReserved { recipient } => vec![("recipient", recipient.clone())],
            Self::UserExists { user } => vec![("user", user.clone())],
            Self::OrderRepeated { id, .. } => vec![("id", id.clone())],
            Self::PinMalformed => vec![
                ("min", PIN_DIGITS.start().to_string()),
                ("max", PIN_DIGITS.end().to_string()),
            ],
            _ => Vec::new(),
        }
    }

    /// The reason in `lang`, from the wording table.
    pub fn words(&self, lang: Language) -> String {
        let Some(id) = wording::machine(&format!("rejection.{}", self.name())) else {
            return self.to_string();
        };
        let args = self.args();
        let args: Vec<(&str, &dyn std::fmt::Display)> = args
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        wording::fill(lang, id, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::plain::code_words;

    /// One of each; the match below fails to build when one is added
    /// without a sample here.
    fn every() -> Vec<Rejection> {
        let parcel = ParcelId(7);
        let recipient = "PX-111111".to_string();
        let all = vec![
            Rejection::NotExpired { parcel },
            Rejection::NotWaiting { parcel },
            Rejection::NotBeingDeposited { parcel },
            Rejection::DimensionTooSmall,
            Rejection::TrackingMalformed,
            Rejection::TrackingCheckDigit,
            Rejection::LargerSize,
            Rejection::NoFreeCode,
            Rejection::FeeOfferExpired,
            Rejection::ReasonNeeded,
            Rejection::ExtendDays { min: 1, max: 30 },
            Rejection::ClosedAccount {
                recipient: recipient.clone(),
            },
            Rejection::RecipientExists {
                recipient: recipient.clone(),
            },
            Rejection::NothingToChange { recipient },
            Rejection::RecipientIdMalformed,
            Rejection::UserExists { user: "ana".into() },
            Rejection::PinMalformed,
            Rejection::LastAdmin,
            Rejection::OrderRepeated {
                id: "o-1".into(),
                who: "support:eva".into(),
            },
            Rejection::RecipientIdReserved {
                recipient: "PX-000000".into(),
            },
            Rejection::ReturnLabelMalformed,
            Rejection::ReturnLabelInUse,
            Rejection::ReturnNotIssued { id: ReturnId(4) },
            Rejection::NotAReturn { parcel },
            Rejection::IsAReturn { parcel },
            Rejection::ReturnStillInside {
                door: CompartmentId(5),
            },
        ];
        for r in &all {
            match r {
                Rejection::NotExpired { .. }
                | Rejection::NotWaiting { .. }
                | Rejection::NotBeingDeposited { .. }
                | Rejection::DimensionTooSmall
                | Rejection::TrackingMalformed
                | Rejection::TrackingCheckDigit
                | Rejection::LargerSize
                | Rejection::NoFreeCode
                | Rejection::FeeOfferExpired
                | Rejection::ReasonNeeded
                | Rejection::ExtendDays { .. }
                | Rejection::ClosedAccount { .. }
                | Rejection::RecipientExists { .. }
                | Rejection::NothingToChange { .. }
                | Rejection::RecipientIdMalformed
                | Rejection::UserExists { .. }
                | Rejection::PinMalformed
                | Rejection::LastAdmin
                | Rejection::OrderRepeated { .. }
                | Rejection::RecipientIdReserved { .. }
                | Rejection::ReturnLabelMalformed
                | Rejection::ReturnLabelInUse
                | Rejection::ReturnNotIssued { .. }
                | Rejection::NotAReturn { .. }
                | Rejection::IsAReturn { .. }
                | Rejection::ReturnStillInside { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        for r in every() {
            let en = r.words(Language::En);
            let es = r.words(Language::Es);
            assert_ne!(en, es, "{} has no Spanish", r.name());
            for text in [&en, &es] {
                assert!(code_words(text).is_empty(), "{text}");
            }
            for (_, value) in r.args() {
                assert!(es.contains(&value), "{es} names {value}");
            }
        }
        assert_eq!(
            Rejection::PinMalformed.words(Language::Es),
            "un PIN tiene de 4 a 12 dígitos"
        );
    }

    #[test]
    fn the_command_line_reads_the_same_english_as_before() {
        assert_eq!(
            Rejection::NotExpired {
                parcel: ParcelId(7)
            }
            .to_string(),
            "parcel P000007 is not expired"
        );
        assert_eq!(
            Rejection::PinMalformed.to_string(),
            "a PIN has 4 to 12 digits"
        );
    }
}
