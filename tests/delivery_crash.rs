//! A delivery process killed mid-send: after a restart the message goes
//! again, and the repeat carries the same Message-ID.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use locker::bus::fake::FakeBus;
use locker::clock::SystemClock;
use locker::config::Config;
use locker::domain::{CompartmentId, Language, ParcelClass, Recipient, RecipientId, Size};
use locker::engine::{Actor, Command as EngineCommand, Engine, EngineSettings};
use locker::hardware::{BankLayout, CompartmentLayout};
use locker::store::Store;

fn write_config(dir: &Path, command: &str) -> std::path::PathBuf {
    let path = dir.join("kiosk.toml");
    let text = format!(
        r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
data_dir = "data"
hardware = "unused.toml"

[security]
insecure_test_cost = true

[security.argon2]
m_kib = 64
t = 1
p = 1

[notify]
transport = "command"
command = ["sh", "-c", {command:?}]
"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// One parcel waiting, so one delivered message with its code is queued.
fn queue_one_message(cfg: &Config) {
    let store = Store::open(&cfg.kiosk.data_dir).unwrap();
    let bank = BankLayout {
        name: "t".into(),
        compartments: vec![CompartmentLayout {
            id: CompartmentId(1),
            size: Size::M,
            board: 1,
            channel: 0,
            column: 0,
            row: 0,
            camera: None,
        }],
    };
    let settings = EngineSettings::load(cfg, &store).unwrap();
    let mut engine = Engine::open(
        store,
        Box::new(FakeBus::new()),
        bank,
        Arc::new(SystemClock),
        settings,
    )
    .unwrap();
    let op = Actor::Local {
        name: "test".into(),
    };
    let recipient = Recipient {
        id: RecipientId::parse("482913").unwrap(),
        name: "Ana".into(),
        email: "ana@example.org".into(),
        phone: None,
        notify_by: locker::domain::NotifyBy::Email,
        language: Language::En,
        delegates: vec![],
        vacation_until: None,
        closed: false,
    };
    engine
        .handle(&op, EngineCommand::AddRecipient { recipient })
        .unwrap();
    let place = EngineCommand::PlaceParcel {
        compartment: CompartmentId(1),
        tracking: "TRK1".into(),
        recipient: "482913".into(),
        class: ParcelClass::Domestic,
    };
    engine.handle(&op, place).unwrap();
    engine.flush().unwrap();
}

fn message_ids(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["message_id"].to_string())
        .collect()
}

#[test]
fn killed_mid_send_the_message_goes_again_with_the_same_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("delivered.jsonl");
    // The relay takes the message, then hangs before answering.
    let slow = format!("cat >> {0}; echo >> {0}; sleep 5", log.display());
    let cfg_path = write_config(dir.path(), &slow);
    queue_one_message(&Config::load(&cfg_path).unwrap());

    let mut child = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["outbox", "deliver", "--config", cfg_path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while message_ids(&log).is_empty() {
        assert!(Instant::now() < deadline, "the relay never got the message");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed while waiting for the relay's answer: the outbox never heard.
    child.kill().unwrap();
    child.wait().unwrap();

    let fast = format!("cat >> {0}; echo >> {0}", log.display());
    let cfg_path = write_config(dir.path(), &fast);
    let out = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["outbox", "deliver", "--config", cfg_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids = message_ids(&log);
    assert_eq!(ids.len(), 2, "at least once: sent again after the restart");
    assert_eq!(
        ids[0], ids[1],
        "the repeat is recognisable by its Message-ID"
    );
    assert!(ids[0].contains("locker-1."), "{}", ids[0]);

    // Delivered now: a third run sends nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["outbox", "deliver", "--config", cfg_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 sent"));
    assert_eq!(message_ids(&log).len(), 2);
}
