//! The command line as an operator uses it: real binary, real data dir.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// A config with cheap hashing in a fresh directory.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("kiosk.toml");
    std::fs::write(
        &path,
        r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "demo.toml"

[security.argon2]
m_kib = 64
t = 1
p = 1
"#,
    )
    .unwrap();
    path
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
    let cfg = config(dir.path());
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
