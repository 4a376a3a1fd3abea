//! Everything the locker reads from outside, fed random and mangled input:
//! QR payloads and typed codes, recipient IDs, key chords and keymaps,
//! board profiles, banks, simulator scenarios, configs and control-socket
//! frames. None may panic; each refusal is one line that names the file
//! (where there is one). Mangled inputs start from the real files in this
//! repository, so most cases are nearly valid: the hard ones.

use proptest::prelude::*;

use locker::config::Config;
use locker::control::proto::decode_request;
use locker::domain::people::RecipientId;
use locker::domain::returns::normalize_code;
use locker::domain::{AccessCode, QrToken, ReturnId};
use locker::gsm;
use locker::hardware::{Bank, BoardProfile, ProfileSource};
use locker::sim::scenario::Scenario;
use locker::ui::{KeyChord, Keymap};

fn cases() -> u32 {
    std::env::var("LOCKER_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One way to damage a text.
#[derive(Clone, Debug)]
enum Damage {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    ReplaceLine(prop::sample::Index, String),
    DuplicateLine(prop::sample::Index),
    FlipByte(prop::sample::Index, u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    let junk = prop_oneof![
        "[ -~]{0,12}",
        Just("=".to_string()),
        Just("[[".to_string()),
        Just("\"".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        Just("1e400".to_string()),
        Just("\u{0}".to_string()),
        Just("é€😀".to_string()),
        Just("\n".to_string()),
    ];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
        (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Damage::Delete(i, n)),
        (any::<prop::sample::Index>(), junk.clone()).prop_map(|(i, s)| Damage::Insert(i, s)),
        (any::<prop::sample::Index>(), junk).prop_map(|(i, s)| Damage::ReplaceLine(i, s)),
        any::<prop::sample::Index>().prop_map(Damage::DuplicateLine),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Damage::FlipByte(i, b)),
    ]
}

/// Applies damage at character boundaries (the parsers take `&str`).
fn apply(text: &str, d: &Damage) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: &prop::sample::Index| i.index(chars.len() + 1);
    match d {
        Damage::Truncate(i) => chars[..at(i)].iter().collect(),
        Damage::Delete(i, n) => {
            let from = at(i).min(chars.len());
            let to = (from + n).min(chars.len());
            chars[..from].iter().chain(&chars[to..]).collect()
        }
        Damage::Insert(i, s) => {
            let k = at(i);
            chars[..k].iter().collect::<String>() + s + &chars[k..].iter().collect::<String>()
        }
        Damage::ReplaceLine(i, s) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return s.clone();
            }
            let k = i.index(lines.len());
            lines[k] = s;
            lines.join("\n")
        }
        Damage::DuplicateLine(i) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return String::new();
            }
            let k = i.index(lines.len());
            lines.insert(k, lines[k]);
            lines.join("\n")
        }
        Damage::FlipByte(i, b) => {
            let mut bytes = text.as_bytes().to_vec();
            if bytes.is_empty() {
                return String::new();
            }
            let k = i.index(bytes.len());
            bytes[k] = *b;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

fn mangled(text: String) -> impl Strategy<Value = String> {
    proptest::collection::vec(damage(), 1..4)
        .prop_map(move |ds| ds.iter().fold(text.clone(), |t, d| apply(&t, d)))
}

/// A refusal an installer can read: one line, not empty, naming the file.
fn one_clear_line(error: &str, file: &str) -> Result<(), TestCaseError> {
    prop_assert!(!error.trim().is_empty(), "an empty error");
    prop_assert!(!error.contains('\n'), "more than one line: {error}");
    prop_assert!(error.contains(file), "the file is not named: {error}");
    Ok(())
}

const CONFIG: &str = r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "/var/lib/locker"
hardware = "/etc/locker/bank.toml"

[bus]
port = "/dev/locker-rs485"
baud = 9600
timeout_ms = 150

[policy]
hold_days = 5
reminder_days = [2, 4]
reminder_time = "09:00"

[security.argon2]
m_kib = 19456
t = 2
p = 1

[notify]
transport = "spool"
from = "locker@example.org"

[control]
group = "locker-admin"
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn qr_payloads_are_ours_or_nothing(s in prop_oneof![
        ".{0,80}",
        "LKR1:[A-Z]{0,3}:[0-9a-fA-F]{0,40}",
        "LKR1:A:[0-9a-f]{32}[ \t\r\n]{0,2}",
    ]) {
        if let Some(token) = QrToken::parse(&s) {
            // Whatever is accepted comes back out the same way.
            prop_assert_eq!(QrToken::parse(&token.payload()), Some(token));
        }
    }

    #[test]
    fn typed_codes_are_six_digits_or_nothing(s in prop_oneof![".{0,12}", "[0-9 ]{0,10}"]) {
        match AccessCode::parse(&s) {
            Some(code) => {
                let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                prop_assert_eq!(code.as_str(), digits.as_str());
            }
            None => {
                let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                prop_assert!(digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn recipient_ids_parse_or_say_why(s in prop_oneof![".{0,16}", "(PX-)?[0-9]{0,8}"]) {
        match RecipientId::parse(&s) {
            Ok(id) => prop_assert!(id.to_string().starts_with("PX-")),
            Err(why) => prop_assert!(!why.is_empty()),
        }
    }

    #[test]
    fn return_ids_and_codes_read_back_or_are_nothing(s in prop_oneof![
        ".{0,20}",
        "(RT|rt)?[0-9]{0,14}",
        "[A-Za-z0-9 -]{0,44}",
    ]) {
        if let Some(id) = ReturnId::parse(&s) {
            prop_assert_eq!(ReturnId::parse(&id.to_string()), Some(id));
        }
        if let Some(code) = normalize_code(&s) {
            // One form, whatever the case or the spaces around it.
            prop_assert_eq!(normalize_code(&code), Some(code.clone()));
            prop_assert_eq!(code.clone(), code.to_ascii_uppercase());
            prop_assert_eq!(normalize_code(&s.to_ascii_lowercase()), Some(code));
        }
    }

    #[test]
    fn any_text_is_cut_into_parts_that_fit_and_join_back(s in prop_oneof![
        ".{0,400}",
        "[a-zA-Z0-9 .,@€^{}áéíóúñ¿¡]{0,600}",
    ]) {
        let plan = gsm::plan(&s);
        let (alone, part) = plan.coding.room();
        let room = if plan.parts.len() == 1 { alone } else { part };
        for p in &plan.parts {
            prop_assert!(plan.coding.length(p) <= room, "{p:?} is too long");
        }
        prop_assert_eq!(plan.parts.concat(), s);
    }

    #[test]
    fn a_submit_pdu_reads_back_and_a_mangled_one_says_why(
        s in "[a-zA-Z0-9 .,@€áéñ¿]{0,60}",
        cut in 0usize..200,
        junk in "[0-9A-Fa-fxyz ]{0,6}",
    ) {
        let coding = gsm::plan(&s).coding;
        let (hex, len) = gsm::pdu::submit("+34600123456", coding, &s, None);
        let back = gsm::pdu::decode_submit(&hex, len).expect("our own PDU");
        prop_assert_eq!(back.text, s);
        prop_assert_eq!(back.number, "+34600123456");
        let mut mangled = hex.clone();
        mangled.truncate(cut.min(hex.len()));
        mangled.push_str(&junk);
        if let Err(why) = gsm::pdu::decode_submit(&mangled, len) {
            prop_assert!(!why.is_empty());
        }
    }

    #[test]
    fn key_chords_parse_or_say_why(s in prop_oneof![".{0,20}", "((ctrl|alt|shift)\\+){0,3}[a-zA-Z0-9]{0,6}"]) {
        if let Err(why) = KeyChord::parse(&s) {
            prop_assert!(!why.is_empty());
        }
    }

    #[test]
    fn mangled_keymaps_load_or_name_the_line(text in mangled(repo_file("keymaps/keypad-16.toml"))) {
        if let Err(e) = Keymap::from_toml_str(&text) {
            let e = e.to_string();
            prop_assert!(!e.contains('\n'), "{e}");
            prop_assert!(!e.trim().is_empty());
        }
    }

    #[test]
    fn mangled_board_profiles_load_or_name_the_key(text in mangled(repo_file("hardware/boards/lb48.toml"))) {
        if let Err((key, reason)) = BoardProfile::parse(&text) {
            prop_assert!(!key.is_empty() && !reason.trim().is_empty(), "{key:?} {reason:?}");
            prop_assert!(!reason.contains('\n'), "{reason}");
        }
    }

    #[test]
    fn mangled_banks_load_or_say_file_key_and_reason(text in mangled(repo_file("hardware/banks/demo.toml"))) {
        if let Err(e) = Bank::parse("bank.toml", &text, ProfileSource::Embedded) {
            one_clear_line(&e.to_string(), "bank.toml")?;
        }
    }

    #[test]
    fn mangled_scenarios_load_or_say_file_key_and_reason(text in mangled(repo_file("hardware/scenarios/faults-demo.toml"))) {
        if let Err(e) = Scenario::parse("faults.toml", &text) {
            one_clear_line(&e.to_string(), "faults.toml")?;
        }
    }

    #[test]
    fn mangled_configs_load_or_say_file_key_and_reason(text in mangled(CONFIG.to_string())) {
        if let Err(e) = Config::parse(&text, "kiosk.toml") {
            one_clear_line(&e.to_string(), "kiosk.toml")?;
        }
    }

    #[test]
    fn mangled_socket_frames_decode_or_say_why(text in mangled(
        r#"{"v":1,"id":7,"call":{"op":"command","command":{"command":"manual_unlock","compartment":4,"reason":"hinge"}}}"#.to_string()
    )) {
        if let Err((_, e)) = decode_request(text.as_bytes()) {
            let e = e.to_string();
            prop_assert!(!e.contains('\n') && !e.trim().is_empty(), "{e}");
        }
    }
}

#[test]
fn the_unmangled_files_all_load() {
    assert!(Keymap::from_toml_str(&repo_file("keymaps/keypad-16.toml")).is_ok());
    assert!(BoardProfile::parse(&repo_file("hardware/boards/lb48.toml")).is_ok());
    Bank::parse(
        "bank.toml",
        &repo_file("hardware/banks/demo.toml"),
        ProfileSource::Embedded,
    )
    .unwrap();
    Scenario::parse(
        "faults.toml",
        &repo_file("hardware/scenarios/faults-demo.toml"),
    )
    .unwrap();
    Config::parse(CONFIG, "kiosk.toml").unwrap();
    assert!(decode_request(br#"{"v":1,"id":7,"call":{"op":"users"}}"#).is_ok());
}
