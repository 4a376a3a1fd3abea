//! One audit entry or alert in full: every field a list row had to cut,
//! each on its own line; the frame wraps a long one at word boundaries.

use super::{Body, say, say_with, titled, words};
use crate::admin::model::{Detail, Model};
use crate::wording::{Text, audit_detail, name_of, reword};

pub(super) fn body(model: &Model, item: &Detail) -> Body {
    let lang = model.facts.language;
    let when = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&model.facts.tz)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let (title, keys, fields): (String, Text, Vec<(Text, String)>) = match item {
        Detail::Audit(e) => (
            say_with(model, Text::DetailAuditTitle, &[("seq", &e.seq)]),
            Text::KeysDetail,
            vec![
                (Text::ColWhen, when(e.at)),
                (Text::ColActor, super::actor_words(model, &e.actor)),
                (Text::ColAction, words(model, &e.action)),
                (
                    Text::DetailDoor,
                    e.compartment.map(|c| c.to_string()).unwrap_or_default(),
                ),
                (
                    Text::ColParcel,
                    e.parcel.map(|p| p.to_string()).unwrap_or_default(),
                ),
                (Text::ColDetail, audit_detail(lang, &e.action, &e.detail)),
            ],
        ),
        Detail::Marker(m) => (
            say_with(model, Text::DetailMarkerTitle, &[("id", &m.id)]),
            Text::KeysDetail,
            vec![
                (Text::ColWhen, when(m.at)),
                (Text::ColKind, words(model, &name_of(&m.kind))),
                (
                    Text::DetailDoor,
                    m.compartment.map(|c| c.to_string()).unwrap_or_default(),
                ),
                (Text::ColCamera, m.camera.clone().unwrap_or_default()),
                (Text::ColActor, super::actor_words(model, &m.actor)),
                (Text::ColNote, reword(lang, &m.note)),
            ],
        ),
        Detail::Alert(a) => (
            say_with(model, Text::DetailAlertTitle, &[("id", &a.id)]),
            if a.acknowledged.is_none() {
                Text::KeysDetailAlert
            } else {
                Text::KeysDetail
            },
            vec![
                (Text::ColWhen, when(a.at)),
                (Text::ColKind, words(model, &name_of(&a.kind))),
                (
                    Text::DetailDoor,
                    a.compartment.map(|c| c.to_string()).unwrap_or_default(),
                ),
                (
                    Text::DetailBoard,
                    a.board.map(|b| b.to_string()).unwrap_or_default(),
                ),
                (Text::ColText, reword(lang, &a.text)),
                (
                    Text::ColState,
                    match &a.acknowledged {
                        None => say(model, Text::AlertOpen).to_string(),
                        Some((who, note)) => say_with(
                            model,
                            Text::DetailSeen,
                            &[("who", who), ("note", &reword(lang, note))],
                        ),
                    },
                ),
            ],
        ),
    };
    let mut b = titled(title, say(model, keys));
    let label_width = fields
        .iter()
        .map(|(label, _)| say(model, *label).chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in fields.into_iter().filter(|(_, v)| !v.is_empty()) {
        let label = say(model, label);
        let pad = label_width - label.chars().count();
        b.words(format!("  {label}{}  {value}", " ".repeat(pad)));
    }
    b
}
