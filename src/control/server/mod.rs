//! The kiosk's side of the control socket: tasks on the kiosk's tokio
//! runtime, one per connection, in front of the engine thread.
//!
//! Nothing a client does can hold the engine up. Requests on a connection
//! are answered in order, one at a time. Answers and events go out through
//! a bounded queue per connection. When a client stops reading, its events
//! are dropped and counted, and it gets a notice once there is room again.
//! A client that does not read at all is disconnected after [`WRITE_STALL`].
//!
//! Nor can clients keep each other out for long: a connection that has not
//! signed in [`Limits::sign_in_window`] after connecting is closed, and a
//! signed-in one after [`Limits::idle`] without a request. Calls before a
//! sign-in are counted rather than audited one by one, since anyone allowed
//! to connect could otherwise fill the disk with them: the count goes into
//! the audit log once per [`Limits::tally_every`], and when the server stops.
//!
//! Here: starting the server and accepting clients. One client is served
//! in `connection`, its lines read in `frame`; the count of calls before a
//! sign-in is kept in `tally`.

mod connection;
mod frame;
mod limits;
mod tally;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::UnixListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use super::peer::{Peer, PeerPolicy, group_id, share_with_group};
use super::proto::{Response, WireError};
use crate::engine::runner::EngineHandle;
use connection::Connection;
use tally::{Tally, lock, summarize};

pub use frame::{Frame, read_frame};
pub use limits::Limits;

/// Clients served at once; one more is told "busy" and closed.
pub const MAX_CLIENTS: usize = 8;
/// Lines waiting for one client (answers and events).
pub const QUEUE: usize = 64;
/// How long one line may take to go out before the client is dropped.
pub const WRITE_STALL: Duration = Duration::from_secs(10);
/// How long a stopping server waits for its last count to be written.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// What `hello` answers.
#[derive(Clone, Debug, Default)]
pub struct ServerInfo {
    pub kiosk: String,
    pub name: String,
    /// The kiosk's time zone (IANA name): a console on the socket shows
    /// the kiosk's times, not its own machine's.
    pub time_zone: String,
    /// The language the kiosk's staff read.
    pub language: crate::domain::Language,
}

/// Where the socket lives in a data directory.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("control.sock")
}

/// The running server; dropping it stops accepting, removes the socket and
/// writes the count of calls before sign-in not written yet.
pub struct ControlServer {
    path: PathBuf,
    tasks: [JoinHandle<()>; 2],
    engine: EngineHandle,
    tally: Arc<Mutex<Tally>>,
}

impl ControlServer {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        let _ = std::fs::remove_file(&self.path);
        // Waited for, briefly: the kiosk's process may end right after.
        if let Some((summary, since)) = lock(&self.tally).take() {
            let (done, written) = std::sync::mpsc::channel();
            let posted = self.engine.post(move |e| {
                let _ = done.send(e.record_calls_before_sign_in(&summary, since).is_ok());
            });
            if posted {
                let _ = written.recv_timeout(STOP_WAIT);
            }
        }
    }
}

/// Starts serving `engine` on `data_dir/control.sock`. Must be called
/// inside a tokio runtime. `group` lets a Unix group's members in too.
pub fn serve(
    engine: EngineHandle,
    data_dir: &Path,
    group: Option<&str>,
    info: ServerInfo,
    limits: Limits,
) -> io::Result<ControlServer> {
    let path = socket_path(data_dir);
    // The database lock already keeps a second kiosk out: a socket file
    // left here is from a kiosk that died.
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let listener = UnixListener::bind(&path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let gid = match group {
        None => {
            share(&path, None, 0o600)?;
            None
        }
        Some(name) => {
            let gid = group_id(name).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("control.group: {e}"))
            })?;
            share(&path, Some(gid), 0o660)?;
            // Members may reach the socket but not list or read the data.
            share(data_dir, Some(gid), 0o710)?;
            Some(gid)
        }
    };
    let policy = PeerPolicy::for_this_process(gid);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let shared = Shared {
        engine: engine.clone(),
        info: Arc::new(info),
        limits,
        tally: tally.clone(),
    };
    let tasks = [
        tokio::spawn(accept(listener, policy, shared)),
        tokio::spawn(summarize(tally.clone(), engine.clone(), limits.tally_every)),
    ];
    Ok(ControlServer {
        path,
        tasks,
        engine,
        tally,
    })
}

/// What every connection gets from the server.
#[derive(Clone)]
struct Shared {
    engine: EngineHandle,
    info: Arc<ServerInfo>,
    limits: Limits,
    tally: Arc<Mutex<Tally>>,
}

fn share(path: &Path, gid: Option<u32>, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match gid {
        Some(g) => share_with_group(path, g, mode).map_err(|e| {
            io::Error::new(e.kind(), format!("control.group: {}: {e}", path.display()))
        }),
        None => std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)),
    }
}

async fn accept(listener: UnixListener, policy: PeerPolicy, shared: Shared) {
    let slots = Arc::new(Semaphore::new(MAX_CLIENTS));
    loop {
        let mut stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!(error = %e, "control socket: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let peer = match stream.peer_cred() {
            Ok(c) => Peer {
                uid: c.uid(),
                gid: c.gid(),
                pid: c.pid(),
            },
            Err(e) => {
                tracing::warn!(error = %e, "control socket: no peer credentials; closed");
                continue;
            }
        };
        if !policy.admits(&peer) {
            tracing::warn!(uid = peer.uid, pid = ?peer.pid, "control socket: peer refused");
            continue;
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            let line = Response::error(None, WireError::Busy).to_line();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(WRITE_STALL, stream.write_all(line.as_bytes())).await;
            });
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            Connection::new(shared, peer).run(stream).await;
            drop(slot);
        });
    }
}
