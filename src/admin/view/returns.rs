//! Returns authorised at this locker, and the one just issued with its
//! code, shown this once.

use super::lists::{columns, table};
use super::{Body, cut, local, say, say_with, titled, words};
use crate::admin::model::Model;
use crate::domain::{ReturnAuth, ReturnId};
use crate::ui::big;
use crate::ui::page::Part;
use crate::wording::Text;

/// One row per return, newest first: when is the drop-off once there is
/// one, else the issue.
pub(super) fn list(model: &Model, rows: &[ReturnAuth], cursor: usize) -> Body {
    let keys = if model.facts.keypad {
        Text::KeysReturnAuthsKeypad
    } else {
        Text::KeysReturnAuths
    };
    let mut b = titled(say(model, Text::ReturnAuthsTitle), say(model, keys));
    let rows = rows
        .iter()
        .map(|r| {
            let who = match (&r.recipient, &r.email) {
                (Some(id), _) => id.to_string(),
                (None, Some(email)) => email.clone(),
                (None, None) => "-".into(),
            };
            vec![
                r.id.to_string(),
                r.size.as_str().to_string(),
                cut(&words(model, &format!("return.{}", r.state.as_str())), 21),
                local(model, r.dropped_at.unwrap_or(r.issued_at)),
                cut(&r.reference, 10),
                cut(&who, 18),
            ]
        })
        .collect();
    let columns = columns(
        model,
        &[
            (Text::ColId, 8, 6),
            (Text::ColSize, 4, 4),
            (Text::ColState, 21, 5),
            (Text::ColWhen, 11, 3),
            (Text::ColReference, 10, 1),
            (Text::ColFor, 0, 2),
        ],
    );
    table(model, &mut b, columns, rows, Some(cursor));
    b
}

/// The return just issued: its code in large print where there is room,
/// said once in words; or that the prepaid label's barcode is its code.
pub(super) fn issued(model: &Model, id: ReturnId, code: Option<&str>) -> Body {
    let mut b = titled(
        say_with(model, Text::ReturnIssuedTitle, &[("id", &id)]),
        say(model, Text::KeysReturnIssued),
    );
    match code {
        Some(code) => {
            b.words(say_with(
                model,
                Text::ReturnIssuedCode,
                &[("id", &id), ("code", &code)],
            ));
            b.parts.push(Part::Large {
                big: big::large(code, "    ").unwrap_or_default(),
                plain: Vec::new(),
            });
            b.words(say(model, Text::ReturnIssuedOnce));
            b.extra(say(model, Text::ReturnIssuedTold));
        }
        None => {
            b.words(say_with(model, Text::ReturnIssuedLabel, &[("id", &id)]));
        }
    }
    b
}
