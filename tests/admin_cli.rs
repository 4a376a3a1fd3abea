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
