//! `locker admin` beside a running kiosk: sled lets one process hold the
//! database, so the console says so in one line instead of failing later.

use std::process::{Command, Stdio};

#[test]
fn admin_refuses_while_the_kiosk_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let bank = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hardware/banks/demo.toml");
    std::fs::copy(&bank, dir.path().join("demo.toml")).unwrap();
    let cfg = dir.path().join("kiosk.toml");
    std::fs::write(
        &cfg,
        r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "demo.toml"

[bus]
port = "/dev/null-no-such-port"
"#,
    )
    .unwrap();
    // This test process plays the kiosk: it holds the database.
    let _kiosk = locker::store::Store::open(&dir.path().join("data")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["admin", "--config", cfg.to_str().unwrap()])
        .env_remove("LOCKER_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("in use by another locker process"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn admin_takes_a_data_dir_like_the_data_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["admin", "--data-dir", data.to_str().unwrap()])
        .env_remove("LOCKER_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Accepted: the directory is looked at, and refused for holding no
    // database (not for the option).
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("holds no locker database"), "{err}");
    assert!(!data.exists(), "nothing created");
}

#[test]
fn admin_help_says_it_works_beside_the_kiosk() {
    let out = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["admin", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{help}");
    assert!(!help.contains("must not be running"), "{help}");
    assert!(help.contains("control socket"), "{help}");
    assert!(help.contains("--data-dir"), "{help}");
}
