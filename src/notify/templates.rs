//! What each message says, in English and Spanish. Facts come from the
//! notification record; nothing here reads the store.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::Language;
use crate::domain::fees::FeeNotice;
use crate::store::{Notification, NotificationKind};
use crate::wording::{Text as Words, fill, named, reword, tr};

/// Subject and plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

fn fact(facts: &Value, key: &str) -> String {
    match facts.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// What happens after expiry, from the `after_expiry` fact, with the
/// parcel's class from the `class` fact (older messages have none).
fn after_expiry(facts: &Value, lang: Language) -> String {
    let held = facts
        .get("after_expiry")
        .and_then(|a| a.get("held_at_office"))
        .and_then(|h| h.get("days"));
    let Some(days) = held else {
        return tr(lang, Words::MailReturnedToSender).to_string();
    };
    let held = fill(lang, Words::MailHeldAtOffice, &[("days", days)]);
    let class = match facts.get("class").and_then(Value::as_str) {
        Some("domestic") => Words::MailDomesticItem,
        Some("international") => Words::MailInternationalItem,
        _ => return held,
    };
    format!("{} {held}", tr(lang, class))
}

/// What the locker charges, from the `fees` fact: a line per fee, and who
/// bills them; empty where it charges nothing.
fn fees(facts: &Value, lang: Language) -> String {
    let Some(notice) = facts
        .get("fees")
        .and_then(|f| FeeNotice::deserialize(f).ok())
    else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(amount) = &notice.per_use {
        out.push_str(&fill(lang, Words::MailFeePerUse, &[("amount", amount)]));
    }
    if let Some(amount) = &notice.storage_per_day {
        out.push_str(&fill(
            lang,
            Words::MailFeeStorage,
            &[("amount", amount), ("free_days", &notice.free_days)],
        ));
    }
    if !out.is_empty() {
        out.push_str(tr(lang, Words::MailFeeBilled));
    }
    out
}

pub fn render(n: &Notification) -> Text {
    let f = &n.facts;
    let lang = n.language;
    let [
        door,
        kiosk,
        kiosk_name,
        locker_code,
        deadline,
        tracking,
        receipt,
        recipient,
    ] = [
        "door",
        "kiosk",
        "kiosk_name",
        "locker_code",
        "deadline",
        "tracking",
        "receipt",
        "recipient",
    ]
    .map(|key| fact(f, key));
    let code = n.code.clone().unwrap_or_default();
    let next = after_expiry(f, lang);
    let alert = named(lang, &fact(f, "alert"));
    let text = reword(lang, &fact(f, "text"));
    let fees = fees(f, lang);
    let class = named(lang, &format!("class.{}", fact(f, "class")));
    let ret = fact(f, "return");
    // A return's reference, in brackets after its number when it has one.
    let reference = match fact(f, "reference") {
        r if r.is_empty() => r,
        r => format!(" ({r})"),
    };
    let args: [(&str, &dyn std::fmt::Display); 16] = [
        ("door", &door),
        ("kiosk", &kiosk),
        ("kiosk_name", &kiosk_name),
        ("locker_code", &locker_code),
        ("deadline", &deadline),
        ("tracking", &tracking),
        ("receipt", &receipt),
        ("recipient", &recipient),
        ("code", &code),
        ("next", &next),
        ("alert", &alert),
        ("text", &text),
        ("fees", &fees),
        ("class", &class),
        ("return", &ret),
        ("reference", &reference),
    ];
    use NotificationKind::*;
    let (subject, body) = match n.kind {
        Delivered => (Words::MailDeliveredSubject, Words::MailDeliveredBody),
        Reminder1 | Reminder2 => (Words::MailReminderSubject, Words::MailReminderBody),
        FinalNotice => (Words::MailFinalSubject, Words::MailFinalBody),
        PickedUp => (Words::MailPickedUpSubject, Words::MailPickedUpBody),
        Reassigned => (Words::MailReassignedSubject, Words::MailReassignedBody),
        ProofOfDelivery => (Words::MailProofSubject, Words::MailProofBody),
        AdminAlert => (Words::MailAlertSubject, Words::MailAlertBody),
        ReturnIssued if f.get("label").and_then(Value::as_bool) == Some(true) => {
            (Words::MailReturnIssuedSubject, Words::MailReturnLabelBody)
        }
        ReturnIssued => (Words::MailReturnIssuedSubject, Words::MailReturnIssuedBody),
        ReturnReceipt => (
            Words::MailReturnReceiptSubject,
            Words::MailReturnReceiptBody,
        ),
        ReturnCollected => (
            Words::MailReturnCollectedSubject,
            Words::MailReturnCollectedBody,
        ),
    };
    Text {
        subject: fill(lang, subject, &args),
        body: fill(lang, body, &args),
    }
}

/// A text message: the kiosk, the code and the deadline, short enough to
/// travel as one or two parts. Proofs and alerts go to e-mail addresses
/// only; were one ever texted, it would carry its e-mail subject.
pub fn sms(n: &Notification) -> String {
    let f = &n.facts;
    let lang = n.language;
    let [kiosk_name, deadline, tracking, ret, receipt] =
        ["kiosk_name", "deadline", "tracking", "return", "receipt"].map(|key| fact(f, key));
    let code = n.code.clone().unwrap_or_default();
    let next = after_expiry(f, lang);
    let args: [(&str, &dyn std::fmt::Display); 7] = [
        ("kiosk_name", &kiosk_name),
        ("deadline", &deadline),
        ("tracking", &tracking),
        ("code", &code),
        ("next", &next),
        ("return", &ret),
        ("receipt", &receipt),
    ];
    use NotificationKind::*;
    let words = match n.kind {
        Delivered => Words::SmsDelivered,
        Reminder1 | Reminder2 => Words::SmsReminder,
        FinalNotice => Words::SmsFinal,
        PickedUp => Words::SmsPickedUp,
        Reassigned => Words::SmsReassigned,
        ReturnIssued if f.get("label").and_then(Value::as_bool) == Some(true) => {
            Words::SmsReturnLabel
        }
        ReturnIssued => Words::SmsReturnIssued,
        ReturnReceipt => Words::SmsReturnReceipt,
        ReturnCollected => Words::SmsReturnCollected,
        ProofOfDelivery | AdminAlert => return render(n).subject,
    };
    fill(lang, words, &args)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::DeliveryState;
    use chrono::Utc;

    /// A message of `kind` with the facts most templates read.
    pub(crate) fn note(kind: NotificationKind, language: Language) -> Notification {
        Notification {
            id: 1,
            kind,
            to: vec!["ana@example.org".into()],
            channel: crate::store::Channel::Email,
            language,
            parcel: None,
            created_at: Utc::now(),
            state: DeliveryState::Queued,
            facts: serde_json::json!({
                "door": 14, "kiosk": "A", "kiosk_name": "Lobby", "locker_code": "LK-1042",
                "deadline": "2026-11-21 23:59 CET", "tracking": "TRK1",
                "after_expiry": { "held_at_office": { "days": 10 } }
            }),
            seed: None,
            code: Some("123456".into()),
            qr: None,
            attempts: 0,
            next_attempt: None,
            last_error: None,
            sent_at: None,
        }
    }

    #[test]
    fn delivered_message_carries_code_kiosk_locker_code_and_deadline() {
        let t = render(&note(NotificationKind::Delivered, Language::En));
        for needle in [
            "123456",
            "door 14",
            "kiosk A",
            "LK-1042",
            "2026-11-21 23:59",
        ] {
            assert!(t.body.contains(needle), "{needle} missing in {}", t.body);
        }
        let es = render(&note(NotificationKind::Delivered, Language::Es));
        assert!(es.body.contains("Código de acceso: 123456"));
    }

    #[test]
    fn delivered_message_names_the_fee_per_use_and_storage_after_the_free_days() {
        let mut n = note(NotificationKind::Delivered, Language::En);
        n.facts["fees"] = serde_json::json!({
            "per_use": "EUR 1.50", "storage_per_day": "EUR 0.50", "free_days": 2
        });
        let t = render(&n);
        for needle in ["EUR 1.50 per pickup", "After 2 free days", "EUR 0.50 a day"] {
            assert!(t.body.contains(needle), "{needle} missing in {}", t.body);
        }
        n.language = Language::Es;
        let es = render(&n).body;
        assert!(es.contains("EUR 1.50 por recogida"), "{es}");
        assert!(es.contains("2 días gratis"), "{es}");
    }

    #[test]
    fn a_free_locker_says_nothing_of_fees() {
        let t = render(&note(NotificationKind::Delivered, Language::En));
        assert!(!t.body.to_lowercase().contains("fee"), "{}", t.body);
        assert!(!t.body.contains("{fees}"), "{}", t.body);
    }

    #[test]
    fn final_notice_names_the_class_and_its_days_as_the_postal_rules_do() {
        let mut international = note(NotificationKind::FinalNotice, Language::En);
        international.facts["class"] = serde_json::json!("international");
        international.facts["after_expiry"] =
            serde_json::json!({ "held_at_office": { "days": 25 } });
        let body = render(&international).body;
        assert!(
            body.contains("It is an international item. It is being taken to the office, where it is held 25 more days."),
            "{body}"
        );
        let mut domestic = note(NotificationKind::FinalNotice, Language::Es);
        domestic.facts["class"] = serde_json::json!("domestic");
        let body = render(&domestic).body;
        assert!(
            body.contains(
                "Es un envío nacional. Se lleva a la oficina, donde se guarda 10 días más."
            ),
            "{body}"
        );
        let mut express = note(NotificationKind::FinalNotice, Language::En);
        express.facts["class"] = serde_json::json!("express");
        express.facts["after_expiry"] = serde_json::json!("returned_to_sender");
        assert!(
            render(&express)
                .body
                .contains("express item and is being returned to the sender")
        );
    }

    #[test]
    fn proof_of_delivery_names_the_class() {
        let mut proof = note(NotificationKind::ProofOfDelivery, Language::En);
        proof.facts["class"] = serde_json::json!("express");
        let body = render(&proof).body;
        assert!(
            body.contains("Class: Express (back to the sender"),
            "{body}"
        );
    }

    #[test]
    fn a_text_gives_kiosk_code_and_deadline_in_the_recipients_language() {
        let en = sms(&note(NotificationKind::Delivered, Language::En));
        assert_eq!(
            en,
            "Lobby locker: your parcel is waiting. Code 123456, press A at the kiosk. Collect by 2026-11-21 23:59 CET."
        );
        let es = sms(&note(NotificationKind::Delivered, Language::Es));
        assert!(
            es.starts_with("Casillero Lobby: su paquete le espera. Código 123456"),
            "{es}"
        );
        assert!(
            !en.contains("14") && !es.contains("14"),
            "no door in a text"
        );
        for kind in [
            NotificationKind::Reminder1,
            NotificationKind::FinalNotice,
            NotificationKind::PickedUp,
            NotificationKind::Reassigned,
        ] {
            for lang in [Language::En, Language::Es] {
                let text = sms(&note(kind, lang));
                assert!(!text.contains('{'), "{text}");
                assert!(
                    !text.contains("123456"),
                    "only the first text gives the code: {text}"
                );
                let parts = crate::gsm::plan(&text).parts.len();
                assert!(parts <= 3, "{kind:?} {lang:?} takes {parts} parts: {text}");
            }
        }
    }

    #[test]
    fn final_notice_says_what_happens_by_class() {
        let t = render(&note(NotificationKind::FinalNotice, Language::En));
        assert!(t.body.contains("10 more days"), "{}", t.body);
        let mut express = note(NotificationKind::FinalNotice, Language::Es);
        express.facts["after_expiry"] = serde_json::json!("returned_to_sender");
        assert!(render(&express).body.contains("remitente"));
    }
}
