//! The control socket against a real engine thread, over a real Unix
//! socket: who may do what, what a bad frame gets, and that no client can
//! hold the kiosk up.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use proptest::prelude::*;
use tokio::sync::mpsc;

use super::proto::{Call, MAX_FRAME, Reply, Request, Response, VERSION, WireError};
use super::server::{ControlServer, Frame, Limits, QUEUE, ServerInfo, read_frame, serve};
use super::{Client, ClientError, Unasked};
use crate::bus::fake::FakeBus;
use crate::domain::{CompartmentId, ParcelId, Role, Size};
use crate::engine::runner::EngineHandle;
use crate::engine::tests::Rig;
use crate::engine::{Command, Event};
use crate::store::IntentKind;
use crate::store::audit::{self, AuditEntry};

const WAIT: Duration = Duration::from_secs(20);

struct Served {
    server: ControlServer,
    handle: EngineHandle,
    bus: FakeBus,
    parcel: ParcelId,
    // Last: the server's tasks run on it, the engine's files live in it.
    _rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Served {
    fn path(&self) -> PathBuf {
        self.server.path().to_path_buf()
    }

    fn client(&self) -> Client {
        Client::connect(&self.path()).expect("connect")
    }

    fn admin(&self) -> Client {
        let mut c = self.client();
        c.sign_in("admin", "9999").expect("admin signs in");
        c
    }
}

/// A kiosk engine with one parcel in it, an admin, a courier and a
/// technician, served on a socket in its data directory.
fn served() -> Served {
    served_with(Limits::default(), None)
}

/// The same with other limits; with `log`, every thread of the server's
/// runtime logs there.
fn served_with(limits: Limits, log: Option<tracing::Dispatch>) -> Served {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    rig.engine
        .handle(
            &rig.admin,
            Command::AddUser {
                name: "tech".into(),
                role: Role::Technician,
                pin: "5555".into(),
                badge: None,
                carrier_email: None,
            },
        )
        .unwrap();
    let Rig {
        engine, bus, dir, ..
    } = rig;
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.worker_threads(2).enable_all();
    if let Some(log) = log {
        rt.on_thread_start(move || {
            std::mem::forget(tracing::dispatcher::set_default(&log));
        });
    }
    let rt = rt.build().unwrap();
    let (_no_bus, bus_rx) = mpsc::unbounded_channel();
    let handle = EngineHandle::spawn(engine, bus_rx, Duration::ZERO);
    let server = {
        let _in = rt.enter();
        serve(
            handle.clone(),
            dir.path(),
            None,
            ServerInfo {
                kiosk: "A".into(),
                name: "Lobby".into(),
            },
            limits,
        )
        .unwrap()
    };
    Served {
        server,
        handle,
        bus,
        parcel,
        _rt: rt,
        _dir: dir,
    }
}

/// A connection that speaks raw lines.
struct Raw {
    writer: UnixStream,
    reader: BufReader<UnixStream>,
}

impl Raw {
    fn open(s: &Served) -> Raw {
        let writer = UnixStream::connect(s.path()).unwrap();
        writer.set_read_timeout(Some(WAIT)).unwrap();
        let reader = BufReader::new(writer.try_clone().unwrap());
        Raw { writer, reader }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
    }

    fn recv(&mut self) -> Response {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("an answer in time");
        assert!(n > 0, "the kiosk closed the connection");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    fn ask(&mut self, id: u64, call: Call) -> Response {
        let line = super::proto::encode_request(&Request {
            v: VERSION,
            id,
            call,
        });
        self.send(line.as_bytes());
        self.recv()
    }

    /// The next line, or `None` once the kiosk has closed the connection.
    fn recv_or_end(&mut self) -> Option<Response> {
        let mut line = String::new();
        match self.reader.read_line(&mut line).expect("a line in time") {
            0 => None,
            _ => Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))),
        }
    }

    fn hello_works(&mut self) {
        let r = self.ask(
            99,
            Call::Hello {
                client: "test".into(),
            },
        );
        assert_eq!(r.id, Some(99));
        assert!(matches!(r.ok, Some(Reply::Hello { .. })), "{r:?}");
    }
}

fn refused(r: Result<Reply, ClientError>) -> WireError {
    match r {
        Err(ClientError::Refused(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn hello_names_the_kiosk_without_a_sign_in() {
    let s = served();
    let c = s.client();
    assert_eq!(c.kiosk, ("A".to_string(), "Lobby".to_string()));
}

#[test]
fn the_socket_is_private_to_the_kiosk_user() {
    use std::os::unix::fs::PermissionsExt;
    let s = served();
    let mode = std::fs::metadata(s.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn reads_and_commands_need_a_session_opened_with_a_pin() {
    let s = served();
    let mut c = s.client();
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
    assert_eq!(
        refused(c.call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(1),
                reason: "x".into()
            }
        })),
        WireError::NotSignedIn
    );
    assert_eq!(refused(c.call(Call::Subscribe)), WireError::NotSignedIn);
    let wrong = c.sign_in("admin", "0000").unwrap_err();
    assert!(wrong.to_string().contains("wrong"), "{wrong}");
    c.sign_in("admin", "9999").unwrap();
    let Reply::Parcels(p) = c.call(Call::Parcels { all: false }).unwrap() else {
        panic!("parcels");
    };
    assert_eq!(p.iter().map(|p| p.id).collect::<Vec<_>>(), vec![s.parcel]);
    // Signing out ends it for this connection.
    c.call(Call::SignOut).unwrap();
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
}

#[test]
fn couriers_and_badges_do_not_sign_in_here() {
    let s = served();
    let mut c = s.client();
    let e = c.sign_in("1001", "4321").unwrap_err();
    assert!(e.to_string().contains("only admins and technicians"), "{e}");
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
    let e = refused(c.call(Call::Command {
        command: Command::SignInBadge {
            badge: "B-1".into(),
        },
    }));
    assert!(e.to_string().contains("keypad"), "{e}");
}

#[test]
fn a_technician_opens_doors_but_never_sees_parcels() {
    let s = served();
    let mut c = s.client();
    c.sign_in("tech", "5555").unwrap();
    assert!(matches!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::Denied { .. }
    ));
    assert!(matches!(
        refused(c.call(Call::Recipients)),
        WireError::Denied { .. }
    ));
    let before = s.bus.pulses().len();
    let Reply::Events(ev) = c
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(4),
                reason: "hinge check".into(),
            },
        })
        .unwrap()
    else {
        panic!("events");
    };
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::DoorOpening { compartment, .. } if *compartment == CompartmentId(4))),
        "{ev:?}"
    );
    assert_eq!(s.bus.pulses().len(), before + 1, "one pulse on the bus");
}

#[test]
fn no_frame_can_name_its_own_actor() {
    let s = served();
    let mut raw = Raw::open(&s);
    raw.send(
        br#"{"v":1,"id":1,"actor":{"type":"local","name":"root"},"call":{"op":"parcels","all":false}}
"#,
    );
    let r = raw.recv();
    assert_eq!(r.id, Some(1));
    assert!(matches!(r.error, Some(WireError::BadFrame { .. })), "{r:?}");
    raw.send(
        br#"{"v":1,"id":2,"call":{"op":"parcels","all":false,"actor":"x"}}
"#,
    );
    assert!(matches!(raw.recv().error, Some(WireError::BadFrame { .. })));
}

#[test]
fn bad_frames_get_an_error_and_the_connection_goes_on() {
    let s = served();
    let mut raw = Raw::open(&s);
    let cases: Vec<(&[u8], Option<u64>)> = vec![
        (b"hello\n", None),
        (b"{\"v\":1,\"id\":3}\n", Some(3)),
        (b"{\"id\":4,\"call\":{\"op\":\"users\"}}\n", Some(4)),
        (
            b"{\"v\":1,\"id\":5,\"call\":{\"op\":\"format_disk\"}}\n",
            Some(5),
        ),
        (b"\xff\xfe{}\n", None),
        (b"[1,2,3]\n", None),
        (b"{\"v\":1,\"id\":-1,\"call\":{\"op\":\"users\"}}\n", None),
    ];
    for (bytes, id) in cases {
        raw.send(bytes);
        let r = raw.recv();
        assert_eq!(r.id, id, "{}", String::from_utf8_lossy(bytes));
        assert!(
            matches!(r.error, Some(WireError::BadFrame { .. })),
            "{r:?} for {}",
            String::from_utf8_lossy(bytes)
        );
    }
    raw.send(b"{\"v\":2,\"id\":6,\"call\":{\"op\":\"users\"}}\n");
    assert_eq!(
        raw.recv().error,
        Some(WireError::Version {
            got: 2,
            want: VERSION
        })
    );
    // Blank lines are nothing at all.
    raw.send(b"\n\r\n   \n");
    raw.hello_works();
}

#[test]
fn an_oversized_frame_is_refused_without_being_kept() {
    let s = served();
    let mut raw = Raw::open(&s);
    let mut big = vec![b'x'; MAX_FRAME * 4];
    big.push(b'\n');
    raw.send(&big);
    assert_eq!(
        raw.recv().error,
        Some(WireError::TooLarge { max: MAX_FRAME })
    );
    raw.hello_works();
}

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
        super::proto::encode_request(&Request {
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

#[test]
fn silent_clients_keep_nobody_out_beyond_the_sign_in_window() {
    let s = served_with(
        Limits {
            sign_in_window: Duration::from_secs(2),
            ..Limits::default()
        },
        None,
    );
    let mut silent: Vec<Raw> = (0..super::server::MAX_CLIENTS)
        .map(|_| Raw::open(&s))
        .collect();
    let mut ninth = Raw::open(&s);
    assert_eq!(ninth.recv().error, Some(WireError::Busy));
    // Each silent client is told why, then closed.
    for raw in &mut silent {
        assert_eq!(raw.recv().error, Some(WireError::SignInTimeout { secs: 2 }));
        assert!(raw.recv_or_end().is_none());
    }
    let deadline = std::time::Instant::now() + WAIT;
    let mut c = loop {
        match Client::connect(&s.path()) {
            Ok(c) => break c,
            Err(e) => {
                assert!(std::time::Instant::now() < deadline, "no slot: {e}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    c.sign_in("admin", "9999").unwrap();
    assert!(matches!(c.call(Call::Users), Ok(Reply::Users(_))));
}

#[test]
fn a_busy_connection_that_never_signs_in_is_closed_all_the_same() {
    let s = served_with(
        Limits {
            sign_in_window: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    // Hellos as fast as they are answered, for as long as the kiosk listens.
    let mut raw = Raw::open(&s);
    let mut last = None;
    for id in 0.. {
        let line = super::proto::encode_request(&Request {
            v: VERSION,
            id,
            call: Call::Hello { client: "x".into() },
        });
        // Closed while this was written: the reason is still there to read.
        let _ = raw.writer.write_all(line.as_bytes());
        match raw.recv_or_end() {
            Some(r) if r.ok.is_some() => {}
            Some(r) => {
                last = r.error;
                break;
            }
            None => break,
        }
    }
    assert_eq!(last, Some(WireError::SignInTimeout { secs: 1 }));
}

#[test]
fn a_signed_in_connection_without_requests_is_closed_and_a_client_signs_in_again() {
    let s = served_with(
        Limits {
            idle: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    let mut raw = Raw::open(&s);
    let r = raw.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(r.ok.is_some(), "{r:?}");
    // Events do not keep it: only requests do.
    assert!(raw.ask(2, Call::Subscribe).ok.is_some());
    assert_eq!(raw.recv().error, Some(WireError::Idle { secs: 1 }));
    assert!(raw.recv_or_end().is_none());

    let mut c = s.admin();
    let events = c.take_unasked().unwrap();
    let mut watcher = Raw::open(&s);
    assert!(
        watcher
            .ask(
                1,
                Call::SignIn {
                    user: "admin".into(),
                    pin: "9999".into(),
                },
            )
            .ok
            .is_some()
    );
    // The watcher signed in after the client, so by the time it is closed
    // the client's connection is too.
    assert_eq!(watcher.recv().error, Some(WireError::Idle { secs: 1 }));
    let e = c.call(Call::Users).unwrap_err();
    assert!(Client::closed(&e), "{e:?}");
    c.sign_in("admin", "9999").unwrap();
    c.call(Call::Subscribe).unwrap();
    let mut script = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(6),
                reason: "after a reconnect".into(),
            },
        })
        .unwrap();
    // Events of the new connection arrive where the old one's did.
    next_event(
        &events,
        |e| matches!(e, Event::DoorOpening { compartment, .. } if *compartment == CompartmentId(6)),
    );
}

#[test]
fn the_console_whose_connection_was_closed_signs_in_again() {
    use crate::admin::{AdminLink, Query};
    use crate::engine::{Actor, EngineError};
    use crate::kiosk::EngineLink;
    let s = served_with(
        Limits {
            idle: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    let mut console = super::RemoteEngine { client: s.client() };
    let sign_in = || Command::SignIn {
        user: "admin".into(),
        pin: "9999".into(),
    };
    let ev = console.command(&Actor::Kiosk, sign_in()).unwrap();
    assert!(ev.iter().any(|e| matches!(e, Event::SignedIn { .. })));
    let mut watcher = Raw::open(&s);
    let r = watcher.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(r.ok.is_some(), "{r:?}");
    assert_eq!(watcher.recv().error, Some(WireError::Idle { secs: 1 }));
    // The screen hears its session ended; signing out is already done.
    assert!(matches!(
        console.read(&Actor::Kiosk, Query::Bank),
        Err(EngineError::NotSignedIn)
    ));
    assert_eq!(
        console.command(&Actor::Kiosk, Command::SignOut).unwrap(),
        vec![Event::SignedOut]
    );
    let ev = console.command(&Actor::Kiosk, sign_in()).unwrap();
    assert!(ev.iter().any(|e| matches!(e, Event::SignedIn { .. })));
    assert!(console.read(&Actor::Kiosk, Query::Bank).is_ok());
}

/// Log lines of the server's threads, kept for a test to read.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn bad_frames_are_answered_and_logged_without_their_content() {
    let log = Captured::default();
    let writer = log.clone();
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    let s = served_with(Limits::default(), Some(dispatch));
    let mut raw = Raw::open(&s);
    let frames: [&[u8]; 4] = [
        b"{\"v\":1,\"id\":1,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":123456}}\n",
        b"{\"v\":1,\"id\":2,\"call\":{\"op\":\"Hunter2-s3cret\",\"user\":\"admin\"}}\n",
        b"{\"v\":1,\"id\":3,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":\"123456\",\"Hunter2-s3cret\":1}}\n",
        b"{\"v\":1,\"id\":4,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":123456\n",
    ];
    let mut answers = String::new();
    for frame in frames {
        raw.send(frame);
        let r = raw.recv();
        assert!(matches!(r.error, Some(WireError::BadFrame { .. })), "{r:?}");
        answers.push_str(&r.to_line());
    }
    assert!(
        answers.contains("\"invalid type at line 1 column 66\""),
        "the answer still says what was wrong: {answers}"
    );
    drop(raw);
    drop(s);
    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("bad frame"), "the log was captured: {log}");
    for secret in ["123456", "Hunter2", "s3cret"] {
        assert!(!answers.contains(secret), "{secret} in {answers}");
        assert!(!log.contains(secret), "{secret} in {log}");
    }
}

fn next_event(rx: &std::sync::mpsc::Receiver<Unasked>, want: impl Fn(&Event) -> bool) -> Event {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(Unasked::Event(e)) if want(&e) => return e,
            Ok(other) => eprintln!("passing over {other:?}"),
            Err(e) => panic!("no such event: {e}"),
        }
    }
}

#[test]
fn several_clients_and_the_kiosk_see_the_same_door_events() {
    let s = served();
    let mut kiosk = s.handle.subscribe();
    let mut one = s.admin();
    let mut two = s.client();
    two.sign_in("tech", "5555").unwrap();
    let rx1 = one.take_unasked().unwrap();
    let rx2 = two.take_unasked().unwrap();
    one.call(Call::Subscribe).unwrap();
    two.call(Call::Subscribe).unwrap();
    let mut script = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(6),
                reason: "audit".into(),
            },
        })
        .unwrap();
    let opening = |e: &Event| matches!(e, Event::DoorOpening { compartment, purpose: IntentKind::ManualUnlock, .. } if *compartment == CompartmentId(6));
    let a = next_event(&rx1, opening);
    let b = next_event(&rx2, opening);
    assert_eq!(a, b);
    let seen = s
        ._rt
        .block_on(async { tokio::time::timeout(WAIT, kiosk.recv()).await })
        .expect("the kiosk hears it")
        .unwrap();
    assert_eq!(seen, a, "the kiosk's screen gets the same event");
    // Another client's sign-in is never passed on.
    let _third = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(5),
                reason: "audit".into(),
            },
        })
        .unwrap();
    let mut between = Vec::new();
    loop {
        match rx1.recv_timeout(WAIT).unwrap() {
            Unasked::Event(Event::DoorOpening {
                compartment: CompartmentId(5),
                ..
            }) => break,
            other => between.push(other),
        }
    }
    assert!(
        !between
            .iter()
            .any(|u| matches!(u, Unasked::Event(Event::SignedIn { .. }))),
        "{between:?}"
    );
}

#[test]
fn a_client_that_never_reads_cannot_hold_up_the_kiosk() {
    let s = served();
    // Signs in, subscribes and then reads nothing at all.
    let mut stuck = Raw::open(&s);
    let sign_in = stuck.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(sign_in.ok.is_some(), "{sign_in:?}");
    assert!(stuck.ask(2, Call::Subscribe).ok.is_some());
    let mut worker = s.admin();
    let mut toggle = |n: usize| {
        worker
            .call(Call::Command {
                command: Command::SetDisabled {
                    compartment: CompartmentId(2),
                    disabled: n % 2 == 0,
                    reason: "load".into(),
                },
            })
            .unwrap();
    };
    // Far more events than the stuck client's queue and socket buffer hold.
    for n in 0..QUEUE * 40 {
        toggle(n);
    }
    // The engine still answers everyone else at once.
    let mut other = s.admin();
    let Reply::Users(users) = other.call(Call::Users).unwrap() else {
        panic!("users");
    };
    assert_eq!(users.len(), 3);
    // Reading at last, the stuck client drains its queue and then hears
    // how many events it missed.
    let mut got = String::new();
    let mut notice = false;
    let mut buf = [0u8; 64 * 1024];
    let mut n = 1;
    let deadline = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < deadline && !notice {
        let read = stuck.reader.get_mut().read(&mut buf).unwrap_or(0);
        if read == 0 {
            break;
        }
        got.push_str(&String::from_utf8_lossy(&buf[..read]));
        notice = got.contains("events dropped: read again");
        toggle(n);
        n += 1;
    }
    assert!(notice, "the slow client is told it missed events");
}

#[test]
fn clients_beyond_the_limit_are_told_the_kiosk_is_busy() {
    let s = served();
    let held: Vec<Client> = (0..super::server::MAX_CLIENTS)
        .map(|_| s.client())
        .collect();
    let mut extra = Raw::open(&s);
    assert_eq!(extra.recv().error, Some(WireError::Busy));
    drop(held);
    // Slots come back as clients leave.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        match Client::connect(&s.path()) {
            Ok(_) => break,
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("no slot came back: {e}"),
        }
    }
}

/// Feeds `bytes` to one connection, then closes its sending side; returns
/// the answer lines.
fn feed(s: &Served, bytes: &[u8]) -> Vec<String> {
    let mut raw = Raw::open(s);
    raw.send(bytes);
    raw.writer.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match raw.reader.read_line(&mut line) {
            Ok(0) => return out,
            Ok(_) => out.push(line.clone()),
            Err(e) => panic!("the kiosk did not finish with the connection: {e}"),
        }
    }
}

fn frame_bytes() -> impl Strategy<Value = Vec<u8>> {
    let valid = prop_oneof![
        Just(br#"{"v":1,"id":1,"call":{"op":"hello","client":"p"}}"#.to_vec()),
        Just(br#"{"v":1,"id":2,"call":{"op":"users"}}"#.to_vec()),
        Just(br#"{"v":1,"id":3,"call":{"op":"sign_in","user":"admin","pin":"1"}}"#.to_vec()),
        Just(
            br#"{"v":1,"id":4,"call":{"op":"command","command":{"command":"sign_out"}}}"#.to_vec()
        ),
    ];
    prop_oneof![
        // Random bytes, newlines included.
        proptest::collection::vec(any::<u8>(), 0..400),
        // A valid frame cut short or with bytes flipped.
        (valid.clone(), any::<prop::sample::Index>()).prop_map(|(f, i)| {
            let cut = i.index(f.len() + 1);
            f[..cut].to_vec()
        }),
        (valid.clone(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut f, i, b)| {
            let at = i.index(f.len());
            f[at] = b;
            f
        }),
        // Several frames, some good, some not, in one write.
        proptest::collection::vec(
            prop_oneof![valid, proptest::collection::vec(any::<u8>(), 0..40)],
            1..6
        )
        .prop_map(|frames| frames.join(&b'\n')),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crate::engine::props::cases(64),
        ..ProptestConfig::default()
    })]

    /// Whatever arrives, every answer is a well-formed line, nothing
    /// panics or hangs, and the kiosk goes on serving.
    #[test]
    fn random_and_truncated_frames_never_break_the_kiosk(frames in proptest::collection::vec(frame_bytes(), 1..4)) {
        let s = SHARED.with(|s| s.path());
        let _ = s;
        SHARED.with(|s| {
            for bytes in &frames {
                let lines = feed(s, bytes);
                for line in &lines {
                    let r: Response = serde_json::from_str(line).expect("a well-formed answer");
                    assert_eq!(r.v, VERSION);
                    assert!(r.ok.is_some() ^ r.error.is_some(), "{line}");
                }
                let mut raw = Raw::open(s);
                raw.hello_works();
            }
        });
    }

    /// The frame reader splits any byte stream into the same lines a plain
    /// split would, and never keeps more than one frame's worth.
    #[test]
    fn frame_reader_agrees_with_a_plain_split(chunks in proptest::collection::vec(proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), any::<u8>()], 0..200), 0..8), cap in 1usize..4) {
        let bytes: Vec<u8> = chunks.concat();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut reader = tokio::io::BufReader::with_capacity(cap * 7, bytes.as_slice());
        let mut got = Vec::new();
        rt.block_on(async {
            loop {
                match read_frame(&mut reader).await.unwrap() {
                    Frame::End => break,
                    Frame::Line(l) => got.push(l),
                    Frame::TooLong => panic!("no line here is that long"),
                }
            }
        });
        let want: Vec<Vec<u8>> = bytes
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect();
        prop_assert_eq!(got, want);
    }
}

thread_local! {
    /// One served kiosk for all the cases of the frame property.
    static SHARED: Served = served();
}
