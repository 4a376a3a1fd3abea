//! A notification as an RFC 5322 message: text, the QR as text art and as a
//! PNG attachment, and a Message-ID that is the same on every attempt so a
//! resend after a crash is recognisable.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::{qr, templates};
use crate::store::Notification;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("bad address {0:?}")]
    Address(String),
    #[error("cannot build message: {0}")]
    Build(String),
}

/// `<locker-7.1f2e...@example.org>`: outbox id plus the database instance.
pub fn message_id(n: &Notification, instance: &str, from: &str) -> String {
    let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("localhost");
    format!(
        "<locker-{}.{}@{}>",
        n.id,
        instance,
        domain.trim_end_matches('>')
    )
}

pub fn build(n: &Notification, instance: &str, from: &str) -> Result<Message, MessageError> {
    let text = templates::render(n);
    let from_box: Mailbox = from
        .parse()
        .map_err(|_| MessageError::Address(from.to_string()))?;
    let mut b = Message::builder()
        .from(from_box)
        .subject(text.subject)
        .message_id(Some(message_id(n, instance, from)));
    for to in &n.to {
        b = b.to(to.parse().map_err(|_| MessageError::Address(to.clone()))?);
    }
    // The code stays in the first part, short lines of mostly ASCII, so it
    // reads plainly in a spooled .eml; the QR art (all block characters)
    // goes in a part of its own and the PNG as an attachment.
    let body = SinglePart::plain(text.body);
    let message = match n.qr.as_deref() {
        Some(payload) => {
            let mut parts = MultiPart::mixed().singlepart(body);
            if let Some(art) = qr::text_art(payload) {
                parts = parts.singlepart(SinglePart::plain(art));
            }
            if let Some(png) = qr::png(payload) {
                let png_type = ContentType::parse("image/png")
                    .map_err(|e| MessageError::Build(e.to_string()))?;
                parts =
                    parts.singlepart(Attachment::new("pickup-qr.png".into()).body(png, png_type));
            }
            b.multipart(parts)
        }
        None => b.singlepart(body),
    };
    message.map_err(|e| MessageError::Build(e.to_string()))
}
