//! The command line as an operator uses it: real binary, real data dir.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use locker::kiosk::Screen;

fn locker(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(args)
        .env_remove("LOCKER_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input closes the pipe first.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const CONFIG: &str = r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "demo.toml"

[security]
insecure_test_cost = true

[security.argon2]
m_kib = 64
t = 1
p = 1
"#;

/// A config with cheap hashing and the demo bank in a fresh directory.
fn config(dir: &Path) -> PathBuf {
    let bank = Path::new(env!("CARGO_MANIFEST_DIR")).join("hardware/banks/demo.toml");
    std::fs::copy(bank, dir.join("demo.toml")).unwrap();
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, CONFIG).unwrap();
    path
}

/// `config` with its text changed by `edit`.
fn config_with(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let path = config(dir);
    std::fs::write(&path, edit(CONFIG)).unwrap();
    path
}

/// stderr, which must be exactly one line.
fn one_line(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line: {}", text(o));
    err
}

/// A config in `dir` whose database `locker init` has created.
fn initialised(dir: &Path) -> PathBuf {
    let cfg = config(dir);
    let o = locker(&["init", "--config", cfg.to_str().unwrap()], "2468\n2468\n");
    assert!(o.status.success(), "{}", text(&o));
    cfg
}

#[test]
fn init_then_user_add_then_user_list_json() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let cfg = cfg.to_str().unwrap();
    let o = locker(&["init", "--config", cfg], "2468\n2468\n");
    assert!(o.status.success(), "{}", text(&o));
    let o = locker(
        &["user", "add", "1001", "--role", "courier", "--config", cfg],
        "1357\n1357\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = locker(&["user", "list", "--json", "--config", cfg], "");
    assert!(o.status.success(), "{}", text(&o));
    let users: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<_> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap().to_string(),
                u["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("1001".to_string(), "courier".to_string()),
            ("admin".to_string(), "admin".to_string())
        ]
    );
    // PINs are never listed.
    assert!(!String::from_utf8_lossy(&o.stdout).contains("argon2"));
    // A second init is refused.
    let o = locker(&["init", "--config", cfg], "2468\n2468\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// The longest PIN the keypad takes.
const TWELVE_DIGITS: &str = "123456789012";

#[test]
fn a_twelve_digit_pin_set_from_the_command_line_signs_in_at_the_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let o = locker(
        &[
            "user",
            "add",
            "1003",
            "--role",
            "courier",
            "--config",
            cfg.to_str().unwrap(),
        ],
        &format!("{TWELVE_DIGITS}\n{TWELVE_DIGITS}\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    // The kiosk on the same site, as `locker kiosk --config` opens it.
    let mut r = common::rig::Rig::on_site(dir, &cfg);
    r.press(&format!("B1003#{TWELVE_DIGITS}"));
    let typed = |r: &common::rig::Rig| match r.screen() {
        Screen::SignInPin { pin, .. } => pin.clone(),
        other => panic!("not the PIN screen: {other:?}\n{}", r.text()),
    };
    assert_eq!(typed(&r), TWELVE_DIGITS, "{}", r.text());
    // A thirteenth digit is not taken: neither the PIN nor the screen change.
    let screen = r.text();
    r.press("3");
    assert_eq!(typed(&r), TWELVE_DIGITS);
    assert_eq!(r.text(), screen);
    r.press("#");
    r.wait_for("the staff menu", |r| *r.screen() == Screen::StaffMenu);
    assert!(r.text().contains("1003"), "{}", r.text());
}

#[test]
fn a_thirteen_digit_pin_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let cfg = cfg.to_str().unwrap();
    let pin = format!("{TWELVE_DIGITS}3");
    let o = locker(
        &["user", "add", "1003", "--role", "courier", "--config", cfg],
        &format!("{pin}\n{pin}\n"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = one_line(&o);
    assert!(err.contains("4 to 12 digits"), "{err}");
    assert!(!err.contains(&pin), "the PIN is never echoed: {err}");
    // Nobody was added.
    let o = locker(&["user", "list", "--json", "--config", cfg], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("1003"),
        "{}",
        text(&o)
    );
}

#[test]
fn data_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let o = locker(&["init", "--config", cfg.to_str().unwrap()], "2468\n2468\n");
    assert!(o.status.success(), "{}", text(&o));
    let data = dir.path().join("data");
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let mut checked = 0;
    for entry in walk(&data) {
        let mode = std::fs::metadata(&entry).unwrap().permissions().mode() & 0o777;
        if entry.is_dir() {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", entry.display());
        } else {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", entry.display());
            checked += 1;
        }
    }
    assert!(checked > 0);
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn mismatched_pins_are_refused_as_usage() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let o = locker(&["init", "--config", cfg.to_str().unwrap()], "2468\n2469\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("differ"), "{}", text(&o));
    // Nothing was created: the next try starts from scratch.
    assert!(!dir.path().join("data/db").exists());
}

#[test]
fn audit_verify_counts_entries_and_exits_1_when_tampered() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let cfg = cfg.to_str().unwrap();
    assert!(
        locker(&["init", "--config", cfg], "2468\n2468\n")
            .status
            .success()
    );
    assert!(
        locker(
            &["user", "add", "1001", "--role", "courier", "--config", cfg],
            "1357\n1357\n"
        )
        .status
        .success()
    );
    let o = locker(&["audit", "verify", "--config", cfg], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 entries checked"), "{}", text(&o));
    {
        let store = locker::store::Store::open(&dir.path().join("data")).unwrap();
        let tree = store.tree(locker::store::T::Audit);
        let mut bytes = tree
            .get(locker::store::seq_key(1))
            .unwrap()
            .unwrap()
            .to_vec();
        let pos = bytes.len() / 2;
        bytes[pos] ^= 0x20;
        tree.insert(locker::store::seq_key(1), bytes).unwrap();
        store.flush().unwrap();
    }
    let o = locker(
        &[
            "audit",
            "verify",
            "--data-dir",
            dir.path().join("data").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("broken"), "{}", text(&o));
    assert_eq!(text(&o).trim().lines().count(), 1);
}

#[test]
fn audit_verify_on_a_database_another_process_holds_says_so_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    initialised(dir.path());
    let data = dir.path().join("data");
    // This test process plays `locker service`: it holds the database and
    // serves no control socket.
    let _held = locker::store::Store::open(&data).unwrap();
    let o = locker(
        &["audit", "verify", "--data-dir", data.to_str().unwrap()],
        "",
    );
    let err = one_line(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("in use by another locker process"), "{err}");
    assert!(!err.contains("broken"), "{err}");
}

#[test]
fn recipient_add_refuses_an_existing_id_and_update_changes_only_what_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let cfg = cfg.to_str().unwrap();
    let add = |email: &str, language: &str| {
        locker(
            &[
                "recipient",
                "add",
                "PX-482913",
                "--name",
                "Ana Ruiz",
                "--email",
                email,
                "--language",
                language,
                "--config",
                cfg,
            ],
            "",
        )
    };
    let o = add("ana@example.org", "es");
    assert!(o.status.success(), "{}", text(&o));
    let o = add("other@example.org", "en");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(one_line(&o).contains("recipient update"), "{}", text(&o));

    let o = locker(
        &[
            "recipient",
            "update",
            "PX-482913",
            "--email",
            "ana.ruiz@example.org",
            "--config",
            cfg,
        ],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = locker(&["recipient", "list", "--json", "--config", cfg], "");
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ana = &list[0];
    assert_eq!(ana["email"], "ana.ruiz@example.org", "{ana}");
    assert_eq!(ana["name"], "Ana Ruiz", "{ana}");
    assert_eq!(ana["language"], "es", "kept: {ana}");

    let o = locker(&["recipient", "update", "PX-482913", "--config", cfg], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = locker(
        &[
            "recipient",
            "update",
            "PX-482913",
            "--email",
            "nope",
            "--config",
            cfg,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn recipients_choose_texts_only_with_a_phone_number() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let cfg = cfg.to_str().unwrap();
    // `recipient VERB ID` with the words given, split on spaces.
    let run = |verb: &str, id: &str, words: &str| {
        let mut all = vec!["recipient", verb, id];
        all.extend(words.split(' '));
        all.extend(["--config", cfg]);
        locker(&all, "")
    };
    let o = run("add", "PX-482913", "--name Ana --notify-by sms");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(one_line(&o).contains("phone number"), "{}", text(&o));
    let o = run(
        "add",
        "PX-482913",
        "--name Ana --notify-by sms --phone +34600123456",
    );
    assert!(o.status.success(), "texts only, no e-mail: {}", text(&o));
    let o = run("update", "PX-482913", "--notify-by fax");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run("add", "PX-111111", "--name Ben --email ben@example.org");
    assert!(o.status.success(), "{}", text(&o));
    let o = run("update", "PX-111111", "--notify-by both");
    // Refused by the engine, which knows there is no phone stored: a
    // refusal (1), as for an ID in use, not a malformed value (2).
    assert_eq!(o.status.code(), Some(1), "no phone yet: {}", text(&o));
    assert!(one_line(&o).contains("phone number"), "{}", text(&o));
    let o = run("update", "PX-111111", "--notify-by both --phone 600123456");
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn bad_config_gets_one_line_with_file_key_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let body = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("Europe/Madrid", "Europe/Atlantis");
    std::fs::write(&cfg, body).unwrap();
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("kiosk.toml") && err.contains("kiosk.time_zone"),
        "{err}"
    );
}

#[test]
fn good_config_checks_ok() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn unknown_command_is_a_usage_error() {
    let o = locker(&["frobnicate"], "");
    assert_eq!(o.status.code(), Some(2));
    let o = locker(&["parcel", "list"], "");
    assert_eq!(o.status.code(), Some(2), "no --config and no --data-dir");
}

#[test]
fn parcel_and_markers_listings_work_on_an_empty_locker() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let cfg = cfg.to_str().unwrap();
    let o = locker(&["parcel", "list", "--json", "--config", cfg], "");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap(),
        serde_json::json!([])
    );
    let o = locker(
        &["markers", "export", "--format", "csv", "--config", cfg],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("id,at,kiosk"));
}

#[test]
fn commands_refuse_a_data_dir_that_was_never_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let cfg = cfg.to_str().unwrap();
    let typo = dir.path().join("dta");
    let typo = typo.to_str().unwrap();
    let by_config: &[&[&str]] = &[
        &["user", "list"],
        &["user", "add", "1001", "--role", "courier"],
        &["user", "remove", "1001"],
        &["recipient", "list"],
        &[
            "recipient",
            "add",
            "PX-111111",
            "--name",
            "Ana",
            "--email",
            "ana@example.org",
        ],
        &["parcel", "list"],
        &["outbox", "list"],
        &["outbox", "retry"],
        &["outbox", "deliver"],
        &["audit", "verify"],
        &["audit", "export"],
        &["markers", "export"],
    ];
    for args in by_config {
        for place in [["--config", cfg], ["--data-dir", typo]] {
            let all: Vec<&str> = args.iter().copied().chain(place).collect();
            let o = locker(&all, "1357\n1357\n");
            assert_eq!(o.status.code(), Some(2), "{all:?}: {}", text(&o));
            let err = one_line(&o);
            assert!(err.contains("locker init"), "{all:?}: {err}");
            let named = if place[0] == "--config" {
                dir.path().join("data")
            } else {
                PathBuf::from(typo)
            };
            assert!(err.contains(named.to_str().unwrap()), "{all:?}: {err}");
        }
    }
    for args in [["kiosk", "--config", cfg], ["admin", "--config", cfg]] {
        let o = locker(&args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(one_line(&o).contains("locker init"), "{args:?}");
    }
    // Nothing was made: no directory, no database.
    assert!(!dir.path().join("data").exists());
    assert!(!dir.path().join("dta").exists());
    // An empty directory made by hand is no database either, and stays empty.
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let o = locker(&["audit", "verify", "--config", cfg], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        std::fs::read_dir(dir.path().join("data")).unwrap().count(),
        0
    );
}

#[test]
fn config_check_reads_every_file_the_kiosk_would() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    std::fs::remove_file(dir.path().join("demo.toml")).unwrap();
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = one_line(&o);
    assert!(err.contains("kiosk.toml: kiosk.hardware: "), "{err}");
    assert!(err.contains("demo.toml"), "{err}");

    // A bank whose board profile is nowhere.
    let cfg = config(dir.path());
    let bank = dir.path().join("demo.toml");
    let text_of_bank = std::fs::read_to_string(&bank)
        .unwrap()
        .replace("profile = \"lb48\"", "profile = \"no-such-board\"");
    std::fs::write(&bank, text_of_bank).unwrap();
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(one_line(&o).contains("no-such-board"), "{}", text(&o));

    // A keymap file that is not there; the built-in names are not files.
    let cfg = config_with(dir.path(), |c| {
        c.replace("hardware = ", "keymap = \"lobby-keys.toml\"\nhardware = ")
    });
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(one_line(&o).contains("kiosk.keymap"), "{}", text(&o));
    let cfg = config_with(dir.path(), |c| {
        c.replace("hardware = ", "keymap = \"pc\"\nhardware = ")
    });
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn config_check_refuses_unsafe_costs_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let check = |edit: &dyn Fn(&str) -> String, key: &str| {
        let cfg = config_with(dir.path(), edit);
        let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
        assert_eq!(o.status.code(), Some(2), "{key}: {}", text(&o));
        let err = one_line(&o);
        assert!(err.contains(&format!("kiosk.toml: {key}: ")), "{err}");
        assert!(!err.contains('\u{1b}'), "{err}");
    };
    let no_hatch = |c: &str| c.replace("insecure_test_cost = true", "");
    check(&no_hatch, "security.argon2.m_kib");
    check(
        &|c: &str| no_hatch(c).replace("m_kib = 64", "m_kib = 8"),
        "security.argon2.m_kib",
    );
    // The hatch lowers the floor only.
    check(
        &|c: &str| c.replace("m_kib = 64", "m_kib = 4000000"),
        "security.argon2.m_kib",
    );
    check(
        &|c: &str| c.replace("t = 1", "t = 100"),
        "security.argon2.t",
    );
    let long = "L".repeat(1_000_000);
    check(
        &|c: &str| c.replace("name = \"Lobby\"", &format!("name = \"{long}\"")),
        "kiosk.name",
    );
    check(
        &|c: &str| c.replace("name = \"Lobby\"", "name = \"Lobby\\u001b[2J\""),
        "kiosk.name",
    );
    check(
        &|c: &str| c.replace("LK-1042", "LK\\u009b1042"),
        "kiosk.locker_code",
    );
    check(
        &|c: &str| c.replace("[security]", "admin_contact = \"call\\nme\"\n[security]"),
        "kiosk.admin_contact",
    );
}

#[test]
fn config_check_says_when_the_test_cost_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(one_line(&o).contains("insecure_test_cost"), "{}", text(&o));
    let cfg = config_with(dir.path(), |c| {
        c.replace("insecure_test_cost = true", "")
            .replace("m_kib = 64\nt = 1", "m_kib = 19456\nt = 2")
    });
    let o = locker(&["config", "check", cfg.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(o.stderr.is_empty(), "{}", text(&o));
}

#[test]
fn bad_names_and_addresses_are_usage_errors_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    let cfg = cfg.to_str().unwrap();
    for name in ["jos\u{e9}", "Ana", "a\u{1b}[2J", "", &"a".repeat(33)] {
        let o = locker(
            &["user", "add", name, "--role", "courier", "--config", cfg],
            "1357\n1357\n",
        );
        assert_eq!(o.status.code(), Some(2), "{name:?}: {}", text(&o));
        let err = one_line(&o);
        assert!(err.contains("a-z, 0-9"), "{err}");
        assert!(!err.contains('\u{1b}') && !err.contains("PIN"), "{err}");
    }
    let o = locker(
        &[
            "user",
            "add",
            "1001",
            "--role",
            "courier",
            "--carrier-email",
            "nobody",
            "--config",
            cfg,
        ],
        "1357\n1357\n",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(one_line(&o).contains("carrier e-mail"), "{}", text(&o));
    let add = |name: &str, email: &str| {
        locker(
            &[
                "recipient",
                "add",
                "PX-111111",
                "--name",
                name,
                "--email",
                email,
                "--config",
                cfg,
            ],
            "",
        )
    };
    for (name, email, field) in [
        ("Ana\u{1b}]0;owned\u{7}", "ana@example.org", "name"),
        (&"A".repeat(65), "ana@example.org", "name"),
        ("Ana", "ana", "e-mail"),
        ("Ana", "ana@exa\u{1b}mple.org", "e-mail"),
    ] {
        let o = add(name, email);
        assert_eq!(o.status.code(), Some(2), "{name:?} {email:?}: {}", text(&o));
        let err = one_line(&o);
        assert!(err.contains(&format!("{field}: ")), "{err}");
        assert!(!err.contains('\u{1b}'), "{err}");
    }
    let o = add("Ana L\u{f3}pez", "ana@example.org");
    assert!(o.status.success(), "{}", text(&o));
    // Nothing but the admin and Ana got in.
    let o = locker(&["audit", "verify", "--config", cfg], "");
    assert!(text(&o).contains("2 entries checked"), "{}", text(&o));
}

#[test]
fn a_stored_name_with_escapes_is_listed_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = initialised(dir.path());
    {
        // As an older version, which checked nothing, could have stored it.
        let store = locker::store::Store::open(&dir.path().join("data")).unwrap();
        let mut r = locker::domain::Recipient::closed(
            locker::domain::RecipientId::parse("PX-482913").unwrap(),
        );
        r.closed = false;
        r.name = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m".into();
        r.email = "eve\u{1b}[8m@example.org".into();
        store
            .tree(locker::store::T::Recipients)
            .insert("482913", serde_json::to_vec(&r).unwrap())
            .unwrap();
        store.flush().unwrap();
    }
    let o = locker(
        &["recipient", "list", "--config", cfg.to_str().unwrap()],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        out.contains("PX-482913") && out.contains("Eve\u{FFFD}[2J"),
        "{out}"
    );
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    // JSON escapes them itself, and keeps the stored value.
    let o = locker(
        &[
            "recipient",
            "list",
            "--json",
            "--config",
            cfg.to_str().unwrap(),
        ],
        "",
    );
    assert!(!o.stdout.contains(&0x1b), "{}", text(&o));
    let all: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(all[0]["name"].as_str().unwrap().starts_with("Eve\u{1b}[2J"));
}
