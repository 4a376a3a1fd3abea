//! Recipients, couriers, admins and technicians.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text::{PERSON_NAME_MAX, PHONE_MAX, TextError, check_email, check_name, check_text};

/// The ID a recipient adds to the shipping name, e.g. `PX-482913`. On the
/// keypad only its digits can be typed, so the digits are the identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecipientId(String);

/// The prefix of recipient IDs issued by this kiosk.
pub const RECIPIENT_PREFIX: &str = "PX";

impl RecipientId {
    /// Digits after `PX-`, as typed on the keypad.
    pub const DIGITS: usize = 6;

    /// Accepts `PX-482913` (scanned, any case) or `482913` (typed).
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        let digits = match s.split_once('-') {
            Some((prefix, digits)) => {
                if !prefix.eq_ignore_ascii_case(RECIPIENT_PREFIX) {
                    return Err("a recipient ID starts with PX-");
                }
                digits
            }
            None => s,
        };
        if digits.len() != Self::DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a recipient ID has 6 digits, e.g. PX-482913");
        }
        Ok(Self(format!("{RECIPIENT_PREFIX}-{digits}")))
    }

    /// Stands in a return's parcel record for a dropper with no account
    /// here. No account can have it: a new account's ID is refused.
    pub fn nobody() -> RecipientId {
        RecipientId(format!("{RECIPIENT_PREFIX}-000000"))
    }

    pub fn is_nobody(&self) -> bool {
        self.digits().bytes().all(|b| b == b'0')
    }

    pub fn digits(&self) -> &str {
        &self.0[RECIPIENT_PREFIX.len() + 1..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecipientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub fn toggle(self) -> Self {
        match self {
            Language::En => Language::Es,
            Language::Es => Language::En,
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "en" => Ok(Self::En),
            "es" => Ok(Self::Es),
            o => Err(format!("unknown language {o:?} (en or es)")),
        }
    }
}

/// Someone who also gets a recipient's notifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegate {
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub id: RecipientId,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail, text messages or both (records from before texts read as
    /// e-mail).
    #[serde(default)]
    pub notify_by: NotifyBy,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub delegates: Vec<Delegate>,
    /// Last day of vacation mode, inclusive.
    #[serde(default)]
    pub vacation_until: Option<NaiveDate>,
    /// Closed accounts keep only their ID (for the audit trail).
    #[serde(default)]
    pub closed: bool,
}

/// What an update changes in a recipient: what is `None` stays as stored
/// (the vacation and anything else not named here always does).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientChange {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub notify_by: Option<NotifyBy>,
    #[serde(default)]
    pub language: Option<Language>,
    /// The whole list of delegates, when it changes.
    #[serde(default)]
    pub delegates: Option<Vec<Delegate>>,
}

impl RecipientChange {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == RecipientChange::default()
    }

    /// Each value given, held to the limits a recipient's are.
    pub fn validate(&self) -> Result<(), TextError> {
        if let Some(name) = &self.name {
            check_name("name", name, PERSON_NAME_MAX)?;
        }
        if let Some(email) = &self.email {
            check_email("e-mail", email)?;
        }
        if let Some(phone) = &self.phone {
            check_text("phone", phone, PHONE_MAX)?;
        }
        self.delegates
            .iter()
            .flatten()
            .try_for_each(Delegate::validate)
    }

    /// `r` with the change made.
    pub fn apply(&self, r: &mut Recipient) {
        if let Some(name) = &self.name {
            r.name = name.clone();
        }
        if let Some(email) = &self.email {
            r.email = email.clone();
        }
        if let Some(phone) = &self.phone {
            r.phone = Some(phone.clone());
        }
        if let Some(by) = self.notify_by {
            r.notify_by = by;
        }
        if let Some(language) = self.language {
            r.language = language;
        }
        if let Some(delegates) = &self.delegates {
            r.delegates = delegates.clone();
        }
    }
}

impl Recipient {
    /// The name as a courier may see it to confirm the right person: the
    /// first name and the last name's initial ("Ana R."), printable.
    pub fn short_name(&self) -> String {
        let name = super::text::printable(&self.name);
        let mut words = name.split_whitespace();
        let Some(first) = words.next() else {
            return String::new();
        };
        match words.last().and_then(|last| last.chars().next()) {
            Some(initial) => format!("{first} {initial}."),
            None => first.to_string(),
        }
    }

    /// A recipient told by e-mail in English, with no phone, delegates or
    /// vacation.
    pub fn new(id: RecipientId, name: &str, email: &str) -> Self {
        Self {
            closed: false,
            ..Self::closed(id)
        }
        .named(name, email)
    }

    fn named(mut self, name: &str, email: &str) -> Self {
        self.name = name.to_string();
        self.email = email.to_string();
        self
    }

    /// What is left after the account is closed: no personal data.
    pub fn closed(id: RecipientId) -> Self {
        Self {
            id,
            name: String::new(),
            email: String::new(),
            phone: None,
            notify_by: NotifyBy::Email,
            language: Language::En,
            delegates: Vec::new(),
            vacation_until: None,
            closed: true,
        }
    }

    pub fn on_vacation(&self, date: NaiveDate) -> bool {
        self.vacation_until.is_some_and(|until| date <= until)
    }
}

/// Who may sign in. Recipients never sign in: a code is their key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Courier,
    Admin,
    Technician,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Courier => "courier",
            Role::Admin => "admin",
            Role::Technician => "technician",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "courier" => Ok(Self::Courier),
            "admin" => Ok(Self::Admin),
            "technician" => Ok(Self::Technician),
            o => Err(format!("unknown role {o:?} (courier, admin or technician)")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A courier, admin or technician account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Short login name, also the actor in the audit log.
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub pin_hash: String,
    /// A badge the scanner reads; stored as its SHA-256 hex.
    #[serde(default)]
    pub badge_hash: Option<String>,
    /// Courier company, for the proof-of-delivery copy.
    #[serde(default)]
    pub carrier_email: Option<String>,
}

/// The longest user name (a user number at the keypad).
pub const USER_NAME_MAX: usize = 32;

/// How a service laptop's technician is named in its audit log:
/// `service:NAME`, never taken for an account of the kiosk.
/// How the audit log names whoever acts from this machine's command line.
pub const LOCAL_ACTOR_PREFIX: &str = "local:";
pub const SERVICE_ACTOR_PREFIX: &str = "service:";

/// One character a user name may have: `a-z 0-9 . _ -`.
pub fn is_user_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)
}

/// A user name: 1 to 32 of `a-z 0-9 . _ -`. It is typed on keypads and
/// laptop keyboards alike, and it is the actor in every audit entry, so it
/// is kept to what any terminal shows the same way.
pub fn validate_user_name(name: &str) -> Result<(), TextError> {
    let ok = (1..=USER_NAME_MAX).contains(&name.len()) && name.chars().all(is_user_name_char);
    if ok {
        Ok(())
    } else {
        Err(TextError {
            field: "user name",
            reason: "1 to 32 of a-z, 0-9, '.', '_' and '-'".into(),
        })
    }
}

impl Delegate {
    pub fn validate(&self) -> Result<(), TextError> {
        check_name("delegate name", &self.name, PERSON_NAME_MAX)?;
        check_email("delegate e-mail", &self.email)
    }
}

impl Recipient {
    /// What an open account must hold before it is saved: a name and an
    /// address mail can go to, each within its limits and free of anything
    /// a terminal would act on.
    pub fn validate(&self) -> Result<(), TextError> {
        check_name("name", &self.name, PERSON_NAME_MAX)?;
        // Someone who asked for texts only may have no e-mail address.
        if self.notify_by.email() || !self.email.is_empty() {
            check_email("e-mail", &self.email)?;
        }
        if let Some(phone) = &self.phone {
            check_text("phone", phone, PHONE_MAX)?;
        }
        self.check_reach()?;
        self.delegates.iter().try_for_each(Delegate::validate)
    }

    /// Whether the way they chose to be told can reach them: texts need a
    /// phone number a text can go to.
    pub fn check_reach(&self) -> Result<(), TextError> {
        if !self.notify_by.sms() {
            return Ok(());
        }
        match self.phone.as_deref() {
            Some(phone) if is_sms_number(phone) => Ok(()),
            Some(_) => Err(TextError {
                field: "phone",
                reason: "texts need a number of 3 to 15 digits, e.g. +34 600 123 456".into(),
            }),
            None => Err(TextError {
                field: "notify by",
                reason: "texts need a phone number: give --phone, e.g. +34 600 123 456".into(),
            }),
        }
    }
}

/// How a recipient hears of a parcel: by e-mail (the default), by text
/// message, or both. Delegates, who have only an e-mail address, are
/// always told by e-mail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyBy {
    #[default]
    Email,
    Sms,
    Both,
}

impl NotifyBy {
    pub fn email(self) -> bool {
        matches!(self, NotifyBy::Email | NotifyBy::Both)
    }

    pub fn sms(self) -> bool {
        matches!(self, NotifyBy::Sms | NotifyBy::Both)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NotifyBy::Email => "email",
            NotifyBy::Sms => "sms",
            NotifyBy::Both => "both",
        }
    }
}

impl std::str::FromStr for NotifyBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "e-mail" | "mail" => Ok(Self::Email),
            "sms" | "text" => Ok(Self::Sms),
            "both" => Ok(Self::Both),
            o => Err(format!("unknown choice {o:?} (email, sms or both)")),
        }
    }
}

/// A number a text message can be addressed to: an optional leading `+`,
/// then 3 to 15 digits (E.164's most), spaces, dashes, dots or brackets
/// between them.
pub fn is_sms_number(phone: &str) -> bool {
    let rest = phone.trim();
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    (3..=15).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
}

#[cfg(test)]
mod reach_tests {
    use super::*;

    fn ana(by: NotifyBy, phone: Option<&str>) -> Recipient {
        let mut r = Recipient::closed(RecipientId::parse("482913").unwrap());
        r.closed = false;
        r.name = "Ana Ruiz".into();
        r.email = "ana@example.org".into();
        r.notify_by = by;
        r.phone = phone.map(str::to_string);
        r
    }

    #[test]
    fn texts_without_a_phone_are_refused_with_the_reason() {
        let err = ana(NotifyBy::Sms, None).validate().unwrap_err();
        assert_eq!(err.field, "notify by");
        assert!(err.reason.contains("phone number"), "{err}");
        assert!(ana(NotifyBy::Both, Some("call me")).validate().is_err());
        assert!(
            ana(NotifyBy::Both, Some("+34 600 123 456"))
                .validate()
                .is_ok()
        );
        assert!(ana(NotifyBy::Email, None).validate().is_ok());
    }

    #[test]
    fn texts_only_may_go_without_an_e_mail_address() {
        let mut r = ana(NotifyBy::Sms, Some("600123456"));
        r.email.clear();
        assert!(r.validate().is_ok());
        r.notify_by = NotifyBy::Both;
        assert!(r.validate().is_err());
    }

    #[test]
    fn an_old_record_reads_as_e_mail() {
        let json = r#"{"id":"PX-482913","name":"Ana","email":"a@b.org"}"#;
        let r: Recipient = serde_json::from_str(json).unwrap();
        assert_eq!(r.notify_by, NotifyBy::Email);
        assert_eq!("Both".parse::<NotifyBy>(), Ok(NotifyBy::Both));
        assert!("fax".parse::<NotifyBy>().is_err());
    }
}

#[cfg(test)]
mod short_name_tests {
    use super::*;

    #[test]
    fn a_courier_sees_the_first_name_and_an_initial() {
        let mut r = Recipient::closed(RecipientId::parse("482913").unwrap());
        for (name, short) in [
            ("Ana Ruiz", "Ana R."),
            ("Ana María Ruiz Pérez", "Ana P."),
            ("Ben", "Ben"),
            ("", ""),
            ("  Ósc\u{1b}ar  Núñez ", "Ósc\u{fffd}ar N."),
        ] {
            r.name = name.into();
            assert_eq!(r.short_name(), short, "{name:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_id_typed_as_digits_or_scanned_whole_is_the_same() {
        let typed = RecipientId::parse("482913").unwrap();
        let scanned = RecipientId::parse("px-482913").unwrap();
        assert_eq!(typed, scanned);
        assert_eq!(typed.as_str(), "PX-482913");
        assert_eq!(typed.digits(), "482913");
    }

    #[test]
    fn malformed_recipient_ids_are_refused() {
        for bad in ["", "48291", "4829133", "QX-482913", "PX-48a913", "PX-"] {
            assert!(RecipientId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vacation_includes_its_last_day() {
        let mut r = Recipient::closed(RecipientId::parse("111111").unwrap());
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        r.vacation_until = Some(d);
        assert!(r.on_vacation(d));
        assert!(!r.on_vacation(d.succ_opt().unwrap()));
    }

    #[test]
    fn user_names() {
        assert!(validate_user_name("ana.lopez").is_ok());
        assert!(validate_user_name("Ana").is_err());
        assert!(validate_user_name("").is_err());
        assert!(validate_user_name("jos\u{e9}").is_err());
        assert!(validate_user_name(&"a".repeat(33)).is_err());
        assert_eq!(
            validate_user_name("a\u{1b}").unwrap_err().to_string(),
            "user name: 1 to 32 of a-z, 0-9, '.', '_' and '-'"
        );
    }

    #[test]
    fn recipients_are_checked_field_by_field() {
        let mut r = Recipient::closed(RecipientId::parse("111111").unwrap());
        r.closed = false;
        r.name = "Ana L\u{f3}pez".into();
        r.email = "ana@example.org".into();
        assert!(r.validate().is_ok());
        let bad = |f: &dyn Fn(&mut Recipient)| {
            let mut b = r.clone();
            f(&mut b);
            b.validate().unwrap_err().field
        };
        assert_eq!(bad(&|b| b.name = "\u{1b}]0;owned\u{7}".into()), "name");
        assert_eq!(bad(&|b| b.name = "x".repeat(65)), "name");
        assert_eq!(bad(&|b| b.email = "ana".into()), "e-mail");
        assert_eq!(bad(&|b| b.phone = Some("1\n2".into())), "phone");
        assert_eq!(
            bad(&|b| b.delegates.push(Delegate {
                name: "Ben".into(),
                email: "ben@\u{1b}x".into()
            })),
            "delegate e-mail"
        );
    }
}
