//! Orders from support, signed end to end: the broker carries them but
//! cannot make or change one. Each names its agent, site and kiosk, has a
//! unique id and a short life; the kiosk checks the signature against the
//! agents' public keys in its config, refuses a repeat or a late one, and
//! answers on the kiosk's `results` topic.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::domain::{CompartmentId, ParcelId, Recipient};

/// The longest an order may live: one that arrives later is never carried
/// out (the kiosk was offline, or someone kept it).
pub fn max_life() -> Duration {
    Duration::minutes(5)
}

/// An agent's public key, from `fleet.support_keys` (`NAME:HEX`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportKey {
    pub name: String,
    pub key: VerifyingKey,
}

impl SupportKey {
    pub fn parse(line: &str) -> Result<SupportKey, String> {
        let (name, hex_key) = line
            .split_once(':')
            .ok_or_else(|| format!("{line:?} is not NAME:PUBLICKEY"))?;
        check_agent_name(name)?;
        let bytes: [u8; 32] = hex::decode(hex_key.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{name}: the key is not 64 hex digits"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| format!("{name}: not an Ed25519 public key"))?;
        Ok(SupportKey {
            name: name.to_string(),
            key,
        })
    }

    /// The line for a kiosk's `fleet.support_keys`.
    pub fn line(&self) -> String {
        format!("{}:{}", self.name, hex::encode(self.key.as_bytes()))
    }
}

/// An agent's name: 1 to 32 letters, digits, `-` or `_`.
pub fn check_agent_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 32
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "{name:?}: an agent's name has 1 to 32 letters, digits, - or _"
        ));
    }
    Ok(())
}

/// An agent's signing key file: `NAME:SECRETHEX`, readable by its owner only.
pub struct AgentKey {
    pub name: String,
    pub key: SigningKey,
}

impl AgentKey {
    pub fn generate(name: &str) -> Result<AgentKey, String> {
        check_agent_name(name)?;
        Ok(AgentKey {
            name: name.to_string(),
            key: SigningKey::generate(&mut rand::rngs::OsRng),
        })
    }

    pub fn to_file_text(&self) -> String {
        format!("{}:{}\n", self.name, hex::encode(self.key.to_bytes()))
    }

    pub fn parse(text: &str) -> Result<AgentKey, String> {
        let (name, secret) = text
            .trim()
            .split_once(':')
            .ok_or("not NAME:SECRETKEY (made by `locker fleet keygen`)")?;
        check_agent_name(name)?;
        let bytes: [u8; 32] = hex::decode(secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the secret key is not 64 hex digits")?;
        Ok(AgentKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&bytes),
        })
    }

    pub fn public(&self) -> SupportKey {
        SupportKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }
}

/// What support asks a kiosk to do. Each is carried out as the agent, so
/// the kiosk's audit log names who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Open a door; the reason goes into the kiosk's audit log.
    Unlock { door: CompartmentId, reason: String },
    /// A new code for a waiting parcel, sent to its recipient (the old one
    /// stops working).
    Resend { parcel: ParcelId },
    /// Hold a waiting parcel `days` longer.
    Extend {
        parcel: ParcelId,
        days: u32,
        reason: String,
    },
    /// A recipient's vacation: the last day, inclusive; `None` ends it.
    Vacation {
        recipient: String,
        until: Option<NaiveDate>,
    },
    /// Acknowledge an open alert.
    Acknowledge { alert: u64, note: String },
    /// Adds the recipient if the ID is new; otherwise sets its name,
    /// e-mail, phone (when given), notify_by, language and delegates to
    /// these (its vacation stays).
    SaveRecipient { recipient: Recipient },
    /// Deletes a recipient's personal data, keeping the ID.
    CloseAccount { recipient: String },
    /// Removes a staff account (a courier who left): at every kiosk of the
    /// property, through the directory.
    RemoveUser { name: String },
}

/// The signed part of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    pub v: u32,
    /// Unique: a kiosk carries out an id once.
    pub id: String,
    pub agent: String,
    pub site: String,
    pub kiosk: String,
    pub expires: DateTime<Utc>,
    pub action: Action,
}

/// An order with its signature, as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    pub order: Order,
    /// Ed25519 over the order's JSON, hex.
    pub sig: String,
}

/// The kiosk's answer, on its `results` topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub v: u32,
    /// The order's id ("" when the order could not be read).
    pub id: String,
    pub done: bool,
    /// What happened, in a line.
    pub said: String,
    /// Why the kiosk's engine did not do it, for a console to say in the
    /// agent's language (none when done, or refused before the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<crate::link::Failure>,
}

impl Order {
    /// A new order from `agent`, living `life` from `now`.
    pub fn new(
        agent: &str,
        site: &str,
        kiosk: &str,
        action: Action,
        now: DateTime<Utc>,
        life: Duration,
    ) -> Order {
        Order {
            v: 1,
            id: hex::encode(rand::random::<[u8; 16]>()),
            agent: agent.to_string(),
            site: site.to_string(),
            kiosk: kiosk.to_string(),
            expires: now + life,
            action,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn sign(self, key: &AgentKey) -> Signed {
        let sig = hex::encode(key.key.sign(&self.bytes()).to_bytes());
        Signed { order: self, sig }
    }
}

/// Why an order is not carried out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("unknown agent {0}")]
    UnknownAgent(String),
    #[error("bad signature")]
    BadSignature,
    #[error("for {0}, not this kiosk")]
    OtherKiosk(String),
    #[error("expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("lives longer than the 5 minutes an order may")]
    TooLong,
}

/// An order that could not be read (not JSON, or an action this kiosk does
/// not know): what could be made of it, to answer and audit the refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The order's id if it has one that looks like an id, else "".
    pub id: String,
    /// The agent it claims to be from if that looks like a name, else "?".
    pub agent: String,
    pub why: String,
}

/// A JSON error without the "at line 1 column 172" an agent cannot use.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((what, _)) => what.to_string(),
        None => text,
    }
}

impl Signed {
    /// Reads an order as it travels. One that cannot be read still answers
    /// to its id when it has one, so the agent hears why.
    pub fn read(payload: &[u8]) -> Result<Signed, Unreadable> {
        serde_json::from_slice::<Signed>(payload).map_err(|e| {
            let value: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
            let field = |name: &str| value["order"][name].as_str().unwrap_or("").to_string();
            let id = field("id");
            let agent = field("agent");
            Unreadable {
                id: if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    id
                } else {
                    String::new()
                },
                agent: if check_agent_name(&agent).is_ok() {
                    agent
                } else {
                    "?".into()
                },
                why: format!("an order that could not be read: {}", without_position(&e)),
            }
        })
    }

    /// The order, if one of `keys` signed it, it is for `site`/`kiosk`, and
    /// it is alive at `now`.
    pub fn check(
        &self,
        keys: &[SupportKey],
        site: &str,
        kiosk: &str,
        now: DateTime<Utc>,
    ) -> Result<&Order, Refused> {
        let o = &self.order;
        let agent = keys
            .iter()
            .find(|k| k.name == o.agent)
            .ok_or_else(|| Refused::UnknownAgent(o.agent.clone()))?;
        let sig: [u8; 64] = hex::decode(&self.sig)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Refused::BadSignature)?;
        agent
            .key
            .verify(&o.bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| Refused::BadSignature)?;
        if o.site != site || o.kiosk != kiosk {
            return Err(Refused::OtherKiosk(format!("{}/{}", o.site, o.kiosk)));
        }
        if o.expires <= now {
            return Err(Refused::Expired(o.expires));
        }
        if o.expires - now > max_life() {
            return Err(Refused::TooLong);
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlock(reason: &str) -> Action {
        Action::Unlock {
            door: CompartmentId(3),
            reason: reason.into(),
        }
    }

    #[test]
    fn only_a_known_agents_untouched_live_order_for_this_kiosk_passes() {
        let agent = AgentKey::generate("ana-support").unwrap();
        let keys = vec![SupportKey::parse(&agent.public().line()).unwrap()];
        let now = Utc::now();
        let order = |kiosk: &str, life: Duration| {
            Order::new(
                "ana-support",
                "riverside",
                kiosk,
                unlock("stuck"),
                now,
                life,
            )
        };
        let good = order("B", Duration::minutes(1)).sign(&agent);
        assert!(good.check(&keys, "riverside", "B", now).is_ok());
        let mut altered = good.clone();
        altered.order.action = unlock("something else");
        assert_eq!(
            altered.check(&keys, "riverside", "B", now),
            Err(Refused::BadSignature)
        );
        assert!(matches!(
            good.check(&keys, "riverside", "A", now),
            Err(Refused::OtherKiosk(_))
        ));
        assert!(matches!(
            good.check(&keys, "riverside", "B", now + Duration::minutes(2)),
            Err(Refused::Expired(_))
        ));
        let long = order("B", Duration::hours(1)).sign(&agent);
        assert_eq!(
            long.check(&keys, "riverside", "B", now),
            Err(Refused::TooLong)
        );
        let stranger = AgentKey::generate("ana-support").unwrap();
        let forged = order("B", Duration::minutes(1)).sign(&stranger);
        assert_eq!(
            forged.check(&keys, "riverside", "B", now),
            Err(Refused::BadSignature)
        );
        assert!(matches!(
            good.check(&[], "riverside", "B", now),
            Err(Refused::UnknownAgent(_))
        ));
    }

    #[test]
    fn keys_round_trip_through_their_text() {
        let agent = AgentKey::generate("ops_1").unwrap();
        let again = AgentKey::parse(&agent.to_file_text()).unwrap();
        assert_eq!(again.public(), agent.public());
        assert!(SupportKey::parse("ops_1:zz").is_err());
        assert!(SupportKey::parse("no colon").is_err());
        assert!(AgentKey::generate("bad name").is_err());
    }

    fn every_action() -> Vec<(Action, &'static str)> {
        let mut ana = Recipient::closed(crate::domain::RecipientId::parse("111111").unwrap());
        ana.closed = false;
        ana.name = "Ana".into();
        ana.email = "ana@example.org".into();
        vec![
            (unlock("stuck"), r#"{"unlock":{"door":3,"reason":"stuck"}}"#),
            (
                Action::Resend {
                    parcel: ParcelId(7),
                },
                r#"{"resend":{"parcel":7}}"#,
            ),
            (
                Action::Extend {
                    parcel: ParcelId(7),
                    days: 3,
                    reason: "away".into(),
                },
                r#"{"extend":{"parcel":7,"days":3,"reason":"away"}}"#,
            ),
            (
                Action::Vacation {
                    recipient: "111111".into(),
                    until: NaiveDate::from_ymd_opt(2026, 12, 24),
                },
                r#"{"vacation":{"recipient":"111111","until":"2026-12-24"}}"#,
            ),
            (
                Action::Vacation {
                    recipient: "111111".into(),
                    until: None,
                },
                r#"{"vacation":{"recipient":"111111","until":null}}"#,
            ),
            (
                Action::Acknowledge {
                    alert: 4,
                    note: "board swapped".into(),
                },
                r#"{"acknowledge":{"alert":4,"note":"board swapped"}}"#,
            ),
            (
                Action::SaveRecipient { recipient: ana },
                r#"{"save_recipient":{"recipient":{"id":"PX-111111","name":"Ana","email":"ana@example.org","phone":null,"notify_by":"email","language":"en","delegates":[],"vacation_until":null,"closed":false}}}"#,
            ),
            (
                Action::CloseAccount {
                    recipient: "111111".into(),
                },
                r#"{"close_account":{"recipient":"111111"}}"#,
            ),
            (
                Action::RemoveUser {
                    name: "1001".into(),
                },
                r#"{"remove_user":{"name":"1001"}}"#,
            ),
        ]
    }

    #[test]
    fn each_action_has_its_json_and_reads_back() {
        for (action, json) in every_action() {
            assert_eq!(serde_json::to_string(&action).unwrap(), json);
            assert_eq!(serde_json::from_str::<Action>(json).unwrap(), action);
        }
        // A recipient saved from the documented fields alone.
        let short = r#"{"save_recipient":{"recipient":{"id":"PX-222222","name":"Ben","email":"ben@example.org"}}}"#;
        let Action::SaveRecipient { recipient } = serde_json::from_str(short).unwrap() else {
            panic!("a recipient to save")
        };
        assert_eq!(recipient.name, "Ben");
        assert!(!recipient.closed);
    }

    #[test]
    fn a_signed_order_of_each_action_reads_back_and_passes_its_checks() {
        let agent = AgentKey::generate("ana-support").unwrap();
        let keys = vec![agent.public()];
        let now = Utc::now();
        for (action, _) in every_action() {
            let signed = Order::new(
                "ana-support",
                "riverside",
                "B",
                action.clone(),
                now,
                Duration::minutes(1),
            )
            .sign(&agent);
            let again = Signed::read(&serde_json::to_vec(&signed).unwrap()).unwrap();
            assert_eq!(again, signed);
            let order = again.check(&keys, "riverside", "B", now).unwrap();
            assert_eq!(order.action, action);
        }
    }

    #[test]
    fn an_order_with_an_unknown_action_is_refused_to_its_id_and_garbage_to_nobody() {
        let agent = AgentKey::generate("ana-support").unwrap();
        let signed = Order::new(
            "ana-support",
            "riverside",
            "B",
            unlock("stuck"),
            Utc::now(),
            Duration::minutes(1),
        )
        .sign(&agent);
        let json = serde_json::to_string(&signed).unwrap().replace(
            r#"{"unlock":{"door":3,"reason":"stuck"}}"#,
            r#"{"teleport":{"to":"moon"}}"#,
        );
        let e = Signed::read(json.as_bytes()).unwrap_err();
        assert_eq!(e.id, signed.order.id);
        assert_eq!(e.agent, "ana-support");
        assert!(e.why.contains("teleport"), "{e:?}");
        // A known action with a field it does not have.
        let extra = serde_json::to_string(&signed)
            .unwrap()
            .replace(r#""reason":"stuck""#, r#""reason":"stuck","force":true"#);
        assert!(Signed::read(extra.as_bytes()).is_err());
        for garbage in [
            &b"not json"[..],
            b"{}",
            br#"{"order":{"id":"../x","agent":"a b"}}"#,
        ] {
            let e = Signed::read(garbage).unwrap_err();
            assert_eq!((e.id.as_str(), e.agent.as_str()), ("", "?"));
        }
    }
}
