//! Finds code among words meant for people: a `snake_case` or `CamelCase`
//! name, `Some(` or a lone `None`, as `{:?}` or a stored machine name would
//! put them on a screen or in an e-mail.

/// The words in `text` that are code, each once, in the order met.
/// E-mail addresses, paths and web addresses are left alone, as are
/// uppercase codes with digits and dashes: the locker code (`LK-0001`),
/// parcel ids (`P000007`), recipient ids (`PX-111111`) and tracking
/// numbers.
pub fn code_words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut note = |w: &str| {
        if !found.iter().any(|f| f == w) {
            found.push(w.to_string());
        }
    };
    if text.contains("Some(") {
        note("Some(");
    }
    for name in placeholders(text) {
        note(&name);
    }
    for raw in text.split_whitespace() {
        if raw.contains('@') || raw.contains('/') || raw.contains("::") {
            continue;
        }
        let word = raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
        if word == "None" || crate::wording::is_code_name(word) {
            note(word);
        }
    }
    found
}

/// Every `{name}` left in a text: a placeholder nobody filled, such as a
/// key hint drawn without the keymap's keys.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        {
            found.push(format!("{{{name}}}"));
        }
        rest = &after[end..];
    }
    found
}

/// Panics naming every piece of code in each text, with where it was seen.
pub fn assert_plain<'a>(texts: impl IntoIterator<Item = (String, &'a str)>) {
    let bad: Vec<String> = texts
        .into_iter()
        .filter_map(|(label, text)| {
            let words = code_words(text);
            (!words.is_empty()).then(|| format!("{label}: {words:?}\n{text}"))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "code shown to people:\n{}",
        bad.join("\n\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_code_and_lets_words_and_ids_be() {
        let bad = "Locker A alert: inspection_needed  WrongPin  until Some(2026-12-15) \
                   ProblemReported, None {enter} Open door";
        assert_eq!(
            code_words(bad),
            [
                "Some(",
                "{enter}",
                "inspection_needed",
                "WrongPin",
                "ProblemReported",
                "None"
            ]
        );
        let good = "Parcel P000007 (1Z999AA10123456784) for PX-111111 in locker LK-0001: \
                    Wrong code typed. Código incorrecto. ana_b@example.org /var/lib/x_y \
                    none of them. 24.11 10:00 ~ - Nonetheless";
        assert!(code_words(good).is_empty(), "{:?}", code_words(good));
    }
}

#[cfg(test)]
mod every_snapshot {
    use super::code_words;

    /// Every screen snapshot is what a person reads: none shows code. The
    /// byte-stream snapshots (`*vt100*`, the terminal's frames on the
    /// wire) are escape sequences, not screens.
    #[test]
    fn no_screen_snapshot_shows_code() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");
        let mut bad = Vec::new();
        for entry in std::fs::read_dir(dir).expect("snapshots/") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".snap") || name.contains("vt100") || name.contains("__") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("snapshot");
            // After insta's header, the screen.
            let screen = text.splitn(3, "---\n").nth(2).unwrap_or("");
            let words = code_words(screen);
            if !words.is_empty() {
                bad.push(format!("{name}: {words:?}"));
            }
        }
        assert!(bad.is_empty(), "code shown to people:\n{}", bad.join("\n"));
    }
}
