//! The check every snapshot of a screen passes: what a person would call
//! broken in a drawn page.

use std::collections::HashSet;

use crate::ui::page::{Page, Part};
use crate::ui::wrap::line_text;

/// What a person would call broken in a drawn page, `rows` being the
/// screen as text: the keys line not on the last row, and any word on the
/// screen that is not a word of the page (cut, or left from another
/// screen). Empty when the page is drawn right.
pub fn misfits(page: &Page, rows: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let words_of =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_string).collect() };
    let keys: HashSet<String> = words_of(&page.keys).into_iter().collect();
    let mut known: HashSet<String> = keys.clone();
    let mut header: HashSet<String> = words_of(&page.title).into_iter().collect();
    for s in &page.status {
        header.extend(words_of(s));
    }
    known.extend(header.iter().cloned());
    if let Some(n) = &page.notice {
        known.extend(words_of(n));
    }
    for part in &page.parts {
        let texts: Vec<String> = match part {
            Part::Words(l) | Part::Extra(l) => vec![line_text(l)],
            Part::Gap => Vec::new(),
            Part::Drawing { variants, .. } => variants.iter().flatten().map(line_text).collect(),
            Part::List { rows, .. } => rows.iter().map(line_text).collect(),
            Part::Large { big, plain } => big.iter().chain(plain).map(line_text).collect(),
            Part::Table { columns, rows, .. } => columns
                .iter()
                .map(|c| c.name.clone())
                .chain(rows.iter().flatten().cloned())
                .collect(),
        };
        for text in texts {
            known.extend(words_of(&text));
        }
    }
    if let Some(first) = rows.first() {
        for w in words_of(first) {
            if !header.contains(&w) {
                found.push(format!("header: \"{w}\" is not a word of the title"));
            }
        }
    }
    if !keys.is_empty() {
        match rows.last() {
            Some(last) if !last.trim().is_empty() => {
                for w in words_of(last) {
                    if !keys.contains(&w) {
                        found.push(format!("last row: \"{w}\" is not a word of the keys"));
                    }
                }
            }
            _ => found.push("the keys are not on the last row".into()),
        }
    }
    for (y, row) in rows.iter().enumerate().skip(1) {
        for w in words_of(row) {
            if !known.contains(&w) {
                found.push(format!("row {y}: \"{w}\" is cut or not on this page"));
            }
        }
    }
    found
}
