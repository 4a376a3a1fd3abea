//! The audit of socket calls: one entry a call after a sign-in, a count before.

use std::io::Write;
use std::time::Duration;

use super::{Raw, Served, WAIT, served, served_with};
use crate::control::proto::{Call, Reply, Response, VERSION, WireError, WireRequest};
use crate::control::server::Limits;
use crate::engine::runner::EngineHandle;
use crate::store::audit::{self, AuditEntry};

#[test]
fn every_call_after_a_sign_in_is_audited_with_its_actor_and_peer() {
    let s = served();
    let mut c = s.admin();
    c.call(Call::Users).unwrap();
    c.call(Call::Markers).unwrap();
    let Reply::Audit(entries) = c
        .call(Call::AuditRange {
            after: 0,
            limit: 1000,
        })
        .unwrap()
    else {
        panic!("audit");
    };
    let control: Vec<_> = entries.iter().filter(|e| e.action == "control").collect();
    let pid = std::process::id();
    for call in ["sign_in admin", "users", "markers"] {
        assert!(
            control
                .iter()
                .any(|e| e.detail.starts_with(call) && e.detail.contains(&format!("pid {pid}"))),
            "no entry for {call}: {control:?}"
        );
    }
    let users = control
        .iter()
        .find(|e| e.detail.starts_with("users"))
        .unwrap();
    assert_eq!(users.actor, "admin", "signed-in calls name the person");
    assert!(
        !control.iter().any(|e| e.detail.starts_with("hello")),
        "a hello before the sign-in is only counted: {control:?}"
    );
    assert!(
        !entries.iter().any(|e| e.detail.contains("9999")),
        "a PIN never reaches the log"
    );
    let Reply::Verified { broken, checked } = c.call(Call::AuditVerify).unwrap() else {
        panic!("verify");
    };
    assert_eq!(broken, None);
    assert!(checked as usize >= entries.len());
}

fn audit_entries(handle: &EngineHandle) -> Vec<AuditEntry> {
    handle
        .inspect_blocking(|e| audit::range(e.store(), 0, usize::MAX))
        .expect("the engine runs")
        .expect("the audit log reads")
}

#[test]
fn sign_in_attempts_are_audited_one_by_one_without_what_was_typed() {
    let s = served();
    let mut c = s.client();
    assert!(c.sign_in("admin", "0000").is_err());
    // A PIN typed into the name field.
    assert!(c.sign_in("8642", "8642").is_err());
    assert!(c.sign_in("1001", "4321").is_err(), "a courier");
    c.sign_in("tech", "5555").unwrap();
    let control: Vec<String> = audit_entries(&s.handle)
        .into_iter()
        .filter(|e| e.action == "control")
        .map(|e| format!("{} | {}", e.actor, e.detail))
        .collect();
    let pid = format!("pid {}", std::process::id());
    for want in [
        "sign_in admin refused: wrong PIN",
        "sign_in an unknown user refused: wrong PIN",
        "sign_in 1001 refused: only admins and technicians",
        "tech | sign_in tech",
    ] {
        assert!(
            control.iter().any(|e| e.contains(want) && e.contains(&pid)),
            "no {want:?} in {control:#?}"
        );
    }
    assert!(!control.iter().any(|e| e.contains("8642")), "{control:#?}");
}

/// Many request lines on one connection, written by a thread while the
/// answers are read here; the answers, as far as the kiosk sent them.
fn pipeline(s: &Served, lines: impl Iterator<Item = String> + Send + 'static) -> Vec<Response> {
    let mut raw = Raw::open(s);
    let mut w = raw.writer.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let mut n = 0;
        for line in lines {
            if w.write_all(line.as_bytes()).is_err() {
                break;
            }
            n += 1;
        }
        let _ = w.shutdown(std::net::Shutdown::Write);
        n
    });
    let mut got = Vec::new();
    while let Some(r) = raw.recv_or_end() {
        got.push(r);
    }
    writer.join().unwrap();
    got
}

fn hellos(n: u64) -> impl Iterator<Item = String> + Send + 'static {
    (0..n).map(|id| {
        super::proto::encode_request(&WireRequest {
            v: VERSION,
            id,
            call: Call::Hello {
                client: "flood".into(),
            },
        })
    })
}

/// Bytes the data directory holds on disk.
fn disk_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

#[test]
fn calls_before_a_sign_in_are_counted_not_audited_one_by_one() {
    let s = served_with(
        Limits {
            // Room for the flood on a busy machine; the window has its own test.
            sign_in_window: Duration::from_secs(600),
            ..Limits::default()
        },
        None,
    );
    let flush = |s: &Served| {
        s.handle
            .inspect_blocking(|e| e.store().flush().map(|_| ()))
            .unwrap()
            .unwrap();
    };
    flush(&s);
    let entries = audit_entries(&s.handle).len();
    let bytes = disk_bytes(s._dir.path());
    let answers = pipeline(&s, hellos(10_000));
    assert_eq!(answers.len(), 10_000);
    assert!(
        answers
            .iter()
            .all(|r| matches!(r.ok, Some(Reply::Hello { .. })))
    );
    // Refused reads and a bad frame are counted alike.
    let mut raw = Raw::open(&s);
    assert_eq!(
        raw.ask(1, Call::Parcels { all: false }).error,
        Some(WireError::NotSignedIn)
    );
    raw.send(b"{nonsense\n");
    assert!(matches!(raw.recv().error, Some(WireError::BadFrame { .. })));
    flush(&s);
    assert_eq!(
        audit_entries(&s.handle).len(),
        entries,
        "nothing audited yet"
    );
    let grown = disk_bytes(s._dir.path()).saturating_sub(bytes);
    eprintln!("10 000 hellos grew the data directory by {grown} bytes");
    assert!(grown < 1024 * 1024, "{grown} bytes");
    // Stopping the server writes the count: one entry for all of it.
    let Served {
        server,
        handle,
        _rt,
        _dir,
        ..
    } = s;
    drop(server);
    let after = audit_entries(&handle);
    assert_eq!(after.len(), entries + 1, "{:#?}", &after[entries..]);
    let summary = &after[entries];
    assert_eq!(summary.actor, "control socket");
    let uid = unsafe { libc::geteuid() };
    assert!(
        summary.detail.starts_with(&format!(
            "10002 calls before sign-in (bad frame 1, hello 10000, parcels 1) from 2 connections (uid {uid}) since "
        )),
        "{}",
        summary.detail
    );
}

#[test]
fn the_count_is_written_once_per_period_and_only_when_there_is_one() {
    let s = served_with(
        Limits {
            tally_every: Duration::from_millis(200),
            ..Limits::default()
        },
        None,
    );
    let counts = |h: &EngineHandle| {
        audit_entries(h)
            .into_iter()
            .filter(|e| e.actor == "control socket")
            .count()
    };
    let before = audit_entries(&s.handle).len();
    let mut raw = Raw::open(&s);
    raw.hello_works();
    let deadline = std::time::Instant::now() + WAIT;
    while counts(&s.handle) == 0 {
        assert!(std::time::Instant::now() < deadline, "no count written");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Several quiet periods pass: nothing more is written.
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(counts(&s.handle), 1);
    assert_eq!(audit_entries(&s.handle).len(), before + 1);
    let entry = audit_entries(&s.handle).pop().unwrap();
    assert!(
        entry
            .detail
            .starts_with("1 call before sign-in (hello 1) from 1 connection (uid "),
        "{}",
        entry.detail
    );
}
