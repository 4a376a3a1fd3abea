//! Delivery tests: a spool directory, a command, and a real SMTP server
//! (Python's aiosmtpd from the project's venv, started by the test).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;

use super::Transport;
use super::worker::{deliver_due, send_all};
use crate::config::NotifyConfig;
use crate::domain::Size;
use crate::engine::tests::{Rig, opening};
use crate::engine::{Command, query};
use crate::store::{DeliveryState, T};

const FROM: &str = "locker@lobby.example.org";

/// Whether `code` stands anywhere in the database as a whole number.
pub(crate) fn plaintext_anywhere(rig: &Rig, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for t in [
        T::Meta,
        T::Compartments,
        T::Parcels,
        T::Live,
        T::Codes,
        T::DeadCodes,
        T::Qr,
        T::Recipients,
        T::Users,
        T::Audit,
        T::Markers,
        T::Intents,
        T::Outbox,
        T::Fees,
        T::Alerts,
    ] {
        for item in rig.engine.store().tree(t).iter() {
            let (k, v) = item.unwrap();
            for bytes in [k.as_ref(), v.as_ref()] {
                for (i, w) in bytes.windows(code.len()).enumerate() {
                    let before = i.checked_sub(1).map(|j| bytes[j]);
                    let after = bytes.get(i + code.len()).copied();
                    if w == code.as_bytes()
                        && !before.is_some_and(|b| b.is_ascii_digit())
                        && !after.is_some_and(|b| b.is_ascii_digit())
                    {
                        found.push(t.name().to_string());
                    }
                }
            }
        }
    }
    found
}

pub(crate) fn spool_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    v.sort();
    v
}

#[test]
fn delivered_mail_is_spooled_with_code_and_qr_and_the_code_leaves_the_database() {
    let mut rig = Rig::new();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let spool = rig.dir.path().join("outbox");
    let transport = Transport::Spool(spool.clone());
    let (sent, failed) = deliver_due(&mut rig.engine, &transport, FROM).unwrap();
    assert_eq!(failed, 0);
    assert!(sent >= 1);
    let files = spool_files(&spool);
    let delivered = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .find(|t| t.contains("pickup-qr.png"))
        .expect("the delivered message with its QR attachment");
    assert!(delivered.contains(&code));
    assert!(delivered.contains("Message-ID: <locker-"));
    assert!(
        delivered.contains("To: ana@example.org, cris@example.org"),
        "delegates get copies"
    );
    assert!(
        query::outbox(rig.engine.store())
            .unwrap()
            .iter()
            .all(|n| n.state == DeliveryState::Sent)
    );
    assert_eq!(
        plaintext_anywhere(&rig, &code),
        Vec::<String>::new(),
        "plaintext code left in the database"
    );
    // Nothing left: a second pass sends nothing.
    assert_eq!(
        deliver_due(&mut rig.engine, &transport, FROM).unwrap(),
        (0, 0)
    );
}

#[test]
fn command_transport_gets_json_and_a_failing_command_is_retried_with_backoff() {
    let mut rig = Rig::new();
    rig.deposit("222222", Size::S);
    let out = rig.dir.path().join("cmd-out");
    std::fs::create_dir_all(&out).unwrap();
    let failing = Transport::Command(vec![
        "sh".into(),
        "-c".into(),
        "cat >/dev/null; echo 'relay down' >&2; exit 3".into(),
    ]);
    let (sent, failed) = deliver_due(&mut rig.engine, &failing, FROM).unwrap();
    assert_eq!((sent, failed), (0, 1));
    let n = rig
        .engine
        .outbox_with_codes()
        .unwrap()
        .into_iter()
        .find(|n| n.state == DeliveryState::Queued)
        .unwrap();
    assert_eq!(n.attempts, 1);
    assert!(n.last_error.as_deref().unwrap().contains("relay down"));
    assert!(
        n.code.is_some(),
        "still queued: the code is kept until sent"
    );
    // Not due before the backoff has passed.
    let script = format!("cat > {}/$$.json", out.display());
    let working = Transport::Command(vec!["sh".into(), "-c".into(), script]);
    assert_eq!(
        deliver_due(&mut rig.engine, &working, FROM).unwrap(),
        (0, 0)
    );
    rig.clock.advance(Duration::seconds(40));
    assert_eq!(
        deliver_due(&mut rig.engine, &working, FROM).unwrap(),
        (1, 0)
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(&out)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(json["kind"], "delivered");
    assert!(json["eml"].as_str().unwrap().contains("Message-ID"));
}

#[test]
fn a_message_failing_for_days_goes_dead_and_alerts_the_admin() {
    let mut rig = Rig::new();
    rig.deposit("222222", Size::S);
    let failing = Transport::Command(vec!["false".into()]);
    deliver_due(&mut rig.engine, &failing, FROM).unwrap();
    rig.clock.advance(Duration::days(4));
    deliver_due(&mut rig.engine, &failing, FROM).unwrap();
    let msgs = query::outbox(rig.engine.store()).unwrap();
    assert!(msgs.iter().any(|n| n.state == DeliveryState::Dead));
    let alerts = query::alerts(rig.engine.store()).unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == crate::store::AlertKind::NotificationDead)
    );
    // An admin's retry makes it due again.
    let admin = crate::engine::tests::sign_in(&mut rig.engine, "admin", "9999");
    rig.engine
        .handle(&admin, Command::RetryMessages { id: None })
        .unwrap();
    assert!(!rig.engine.due_messages(10).unwrap().is_empty());
}

/// A real SMTP server on loopback: aiosmtpd writing a Maildir.
struct SmtpServer {
    child: Child,
    maildir: PathBuf,
    port: u16,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test venv's python, which has `module`; the test fails when it
/// does not.
fn python_with(module: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let ok = Process::new(&venv)
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return venv;
    }
    // A test that did not run must never be counted as passed.
    panic!("{module} is not installed in .venv: run .ci/peers.sh");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    fn start(python: &Path, port: u16, maildir: &Path) -> SmtpServer {
        let child = Process::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + StdDuration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(StdDuration::from_millis(50));
        }
        SmtpServer {
            child,
            maildir: maildir.to_path_buf(),
            port,
        }
    }

    fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        std::fs::read_dir(new)
            .map(|r| {
                r.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn smtp_transport(port: u16) -> Transport {
    let cfg = NotifyConfig {
        transport: "smtp".into(),
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(port),
        smtp_tls: "none".into(),
        ..NotifyConfig::default()
    };
    Transport::from_config(&cfg, Path::new("/")).unwrap()
}

#[test]
fn smtp_down_for_a_while_queues_mail_pickups_keep_working_and_mail_arrives_later() {
    let python = python_with("aiosmtpd");
    let mut rig = Rig::new();
    let (_, c, code) = rig.deposit("111111", Size::S);
    let port = free_port();
    let transport = smtp_transport(port);
    // Server down: nothing goes, everything stays queued.
    let (sent, failed) = deliver_due(&mut rig.engine, &transport, FROM).unwrap();
    assert_eq!(sent, 0);
    assert!(failed >= 1);
    // The kiosk does not need the network: the code opens the door.
    assert_eq!(opening(&rig.enter(&code)), Some(c));
    let maildir = rig.dir.path().join("maildir");
    let server = SmtpServer::start(&python, port, &maildir);
    rig.clock.advance(Duration::minutes(2));
    let (sent, failed) = deliver_due(&mut rig.engine, &transport, FROM).unwrap();
    assert_eq!(failed, 0);
    assert!(sent >= 1);
    let mails = server.messages();
    let delivered = mails
        .iter()
        .find(|m| m.contains("pickup-qr.png"))
        .expect("delivered mail with the QR attachment");
    assert!(delivered.contains(&code));
    assert!(delivered.contains("image/png"));
    assert_eq!(server.port, port);
}

#[test]
fn crash_between_send_and_record_resends_with_the_same_message_id() {
    let python = python_with("aiosmtpd");
    let mut rig = Rig::new();
    rig.deposit("222222", Size::S);
    let port = free_port();
    let server = SmtpServer::start(&python, port, &rig.dir.path().join("maildir"));
    let transport = smtp_transport(port);
    // The message goes out, then the process dies before the outbox hears of it.
    let due = rig.engine.due_messages(10).unwrap();
    let instance = rig.engine.instance().to_string();
    let (sent, _) = send_all(due, &instance, FROM, &transport, |_| {});
    assert_eq!(sent, 1);
    let (mut rig, _) = rig.restart(|_| {});
    let (sent, _) = deliver_due(&mut rig.engine, &transport, FROM).unwrap();
    assert_eq!(sent, 1, "at least once: it goes again after the restart");
    let ids: Vec<String> = server
        .messages()
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(|l| l.to_string())
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        ids[0], ids[1],
        "the repeat is recognisable by its Message-ID"
    );
}

#[test]
fn a_recipients_messages_go_out_in_order_even_when_one_fails() {
    let mut rig = Rig::new();
    rig.deposit("222222", Size::S);
    rig.deposit("222222", Size::S);
    // The relay refuses the first message to Ben only.
    let log = rig.dir.path().join("order.log");
    let script = format!(
        "body=$(cat); id=$(printf '%s' \"$body\" | sed -n 's/.*\"id\":\\([0-9]*\\).*/\\1/p'); \
         if [ \"$id\" = 1 ] && [ ! -e {0}.ok ]; then exit 1; fi; echo $id >> {0}",
        log.display()
    );
    let relay = Transport::Command(vec!["sh".into(), "-c".into(), script]);
    let (sent, failed) = deliver_due(&mut rig.engine, &relay, FROM).unwrap();
    assert_eq!((sent, failed), (0, 1), "the second waits behind the first");
    std::fs::write(format!("{}.ok", log.display()), "").unwrap();
    rig.clock.advance(Duration::minutes(5));
    deliver_due(&mut rig.engine, &relay, FROM).unwrap();
    deliver_due(&mut rig.engine, &relay, FROM).unwrap();
    let order = std::fs::read_to_string(&log).unwrap();
    assert_eq!(order.lines().collect::<Vec<_>>(), vec!["1", "2"]);
}
