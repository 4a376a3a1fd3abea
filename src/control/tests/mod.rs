//! The control socket against a real engine thread, over a real Unix
//! socket: who may do what, what a bad frame gets, and that no client can
//! hold the kiosk up. Here the served kiosk and raw connection they share.

mod access;
mod audit;
mod clients;
mod frames;
mod windows;
mod wire;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use super::proto::{Call, Reply, Response, VERSION, WireError, WireRequest};
use super::server::{ControlServer, Limits, ServerInfo, serve};
use super::{Client, ClientError, Unasked};
use crate::bus::fake::FakeBus;
use crate::domain::{ParcelId, Role, Size};
use crate::engine::runner::EngineHandle;
use crate::engine::tests::Rig;
use crate::engine::{Command, Event};
// Named `super::proto`, `super::server` and `super::RemoteEngine` by the
// tests in this directory.
use super::{RemoteEngine, proto, server};

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
                time_zone: "Europe/Madrid".into(),
                ..ServerInfo::default()
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
        let line = super::proto::encode_request(&WireRequest {
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
