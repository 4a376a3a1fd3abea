//! One audit entry or alert in full: every field a list row had to cut,
//! each on its own line, long texts wrapped at word boundaries.

use super::{Body, say, say_with, words};
use crate::admin::model::{Detail, Model};
use crate::wording::{Text, audit_detail, name_of, reword};

/// Columns a wrapped value may take, after its indent.
const WIDTH: usize = 72;

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
                (Text::ColActor, e.actor.clone()),
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
    let mut b = Body::new(title, say(model, keys));
    let label_width = fields
        .iter()
        .map(|(label, _)| say(model, *label).chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in fields.into_iter().filter(|(_, v)| !v.is_empty()) {
        let label = say(model, label);
        let pad = label_width - label.chars().count();
        for (i, piece) in wrap(&value, WIDTH - label_width).into_iter().enumerate() {
            if i == 0 {
                b.text(format!("  {label}{}  {piece}", " ".repeat(pad)));
            } else {
                b.text(format!("  {}  {piece}", " ".repeat(label_width)));
            }
        }
    }
    b
}

/// `text` in lines of at most `width` characters, broken between words; a
/// word longer than a line is broken where it must be.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_between_words_and_breaks_only_a_word_too_long_for_a_line() {
        assert_eq!(
            wrap("door 14 was opened without a command", 12),
            ["door 14 was", "opened", "without a", "command"]
        );
        assert_eq!(wrap("abcdefghijk x", 8), ["abcdefgh", "ijk x"]);
        assert_eq!(wrap("", 10), [""]);
    }
}
