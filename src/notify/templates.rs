//! What each message says, in English and Spanish. Facts come from the
//! notification record; nothing here reads the store.

use serde_json::Value;

use crate::domain::Language;
use crate::store::{Notification, NotificationKind};

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

/// What happens after expiry, from the `after_expiry` fact.
fn after_expiry(facts: &Value, lang: Language) -> String {
    let held = facts
        .get("after_expiry")
        .and_then(|a| a.get("held_at_office"))
        .and_then(|h| h.get("days"));
    match (held, lang) {
        (Some(days), Language::En) => format!(
            "It is being taken to the office, where it is held {days} more days. Bring an ID."
        ),
        (Some(days), Language::Es) => format!(
            "Se lleva a la oficina, donde se guarda {days} días más. Traiga su identificación."
        ),
        (None, Language::En) => "It is an express item and is being returned to the sender.".into(),
        (None, Language::Es) => "Es un envío urgente y se devuelve al remitente.".into(),
    }
}

pub fn render(n: &Notification) -> Text {
    let f = &n.facts;
    let door = fact(f, "door");
    let kiosk = fact(f, "kiosk");
    let kiosk_name = fact(f, "kiosk_name");
    let locker_code = fact(f, "locker_code");
    let deadline = fact(f, "deadline");
    let tracking = fact(f, "tracking");
    let code = n.code.clone().unwrap_or_default();
    use Language::*;
    use NotificationKind::*;
    let (subject, body) = match (n.kind, n.language) {
        (Delivered, En) => (
            format!("Your parcel is waiting in locker {kiosk} ({kiosk_name})"),
            format!(
                "Your parcel {tracking} is in door {door} of kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\n\
                 Access code: {code}\n\n\
                 Press A (Pickup) at the kiosk and type the 6 digits, or scan the attached QR code.\n\
                 The code works once. Collect by {deadline}.\n\
                 Anyone you give the code or QR to can collect for you."
            ),
        ),
        (Delivered, Es) => (
            format!("Su paquete le espera en el casillero {kiosk} ({kiosk_name})"),
            format!(
                "Su paquete {tracking} está en la puerta {door} del quiosco {kiosk} ({kiosk_name}, código de casillero {locker_code}).\n\n\
                 Código de acceso: {code}\n\n\
                 Pulse A (Recoger) en el quiosco y escriba los 6 dígitos, o escanee el código QR adjunto.\n\
                 El código sirve una sola vez. Recójalo antes de {deadline}.\n\
                 Quien tenga el código o el QR puede recogerlo por usted."
            ),
        ),
        (Reminder1 | Reminder2, En) => (
            format!("Reminder: your parcel is waiting in locker {kiosk}"),
            format!(
                "Your parcel {tracking} is still in door {door} of kiosk {kiosk} ({kiosk_name}).\n\
                 Collect it by {deadline} with the code from your first message.\n\
                 Lost it? Ask the building office to resend it (a new code is sent)."
            ),
        ),
        (Reminder1 | Reminder2, Es) => (
            format!("Recordatorio: su paquete le espera en el casillero {kiosk}"),
            format!(
                "Su paquete {tracking} sigue en la puerta {door} del quiosco {kiosk} ({kiosk_name}).\n\
                 Recójalo antes de {deadline} con el código de su primer mensaje.\n\
                 ¿Lo perdió? Pida a la administración que se lo reenvíe (recibirá un código nuevo)."
            ),
        ),
        (FinalNotice, lang) => {
            let next = after_expiry(f, lang);
            match lang {
                En => (
                    format!("Your parcel {tracking} was not collected"),
                    format!(
                        "The pickup time for your parcel {tracking} at kiosk {kiosk} has ended and its code no longer works.\n{next}"
                    ),
                ),
                Es => (
                    format!("Su paquete {tracking} no se recogió"),
                    format!(
                        "El plazo para recoger su paquete {tracking} en el quiosco {kiosk} terminó y su código ya no sirve.\n{next}"
                    ),
                ),
            }
        }
        (PickedUp, En) => (
            format!("Parcel {tracking} collected"),
            format!(
                "Your parcel {tracking} was collected from door {door} of kiosk {kiosk}. If this was not you, contact the building office."
            ),
        ),
        (PickedUp, Es) => (
            format!("Paquete {tracking} recogido"),
            format!(
                "Su paquete {tracking} se recogió de la puerta {door} del quiosco {kiosk}. Si no fue usted, avise a la administración."
            ),
        ),
        (Reassigned, En) => (
            format!("Parcel {tracking} was reassigned"),
            format!(
                "Parcel {tracking} in kiosk {kiosk} was given to another recipient by the building office; your code for it no longer works."
            ),
        ),
        (Reassigned, Es) => (
            format!("El paquete {tracking} se reasignó"),
            format!(
                "La administración asignó el paquete {tracking} del quiosco {kiosk} a otro destinatario; su código ya no sirve."
            ),
        ),
        (ProofOfDelivery, _) => (
            format!("Proof of delivery {}", fact(f, "receipt")),
            format!(
                "Parcel {tracking} for recipient {} was stored in door {door} of kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\
                 Receipt: {}\nHeld until: {deadline}",
                fact(f, "recipient"),
                fact(f, "receipt")
            ),
        ),
        (AdminAlert, _) => (
            format!("Locker {kiosk} alert: {}", fact(f, "alert")),
            format!("Kiosk {kiosk} ({kiosk_name}): {}", fact(f, "text")),
        ),
    };
    Text { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeliveryState;
    use chrono::Utc;

    fn note(kind: NotificationKind, language: Language) -> Notification {
        Notification {
            id: 1,
            kind,
            to: vec!["ana@example.org".into()],
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
    fn final_notice_says_what_happens_by_class() {
        let t = render(&note(NotificationKind::FinalNotice, Language::En));
        assert!(t.body.contains("10 more days"), "{}", t.body);
        let mut express = note(NotificationKind::FinalNotice, Language::Es);
        express.facts["after_expiry"] = serde_json::json!("returned_to_sender");
        assert!(render(&express).body.contains("remitente"));
    }
}
