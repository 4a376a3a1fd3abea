//! The kiosk's side of the control socket: tasks on the kiosk's tokio
//! runtime, one per connection, in front of the engine thread.
//!
//! Nothing a client does can hold the engine up. Requests on a connection
//! are answered in order, one at a time. Answers and events go out through
//! a bounded queue per connection. When a client stops reading, its events
//! are dropped and counted, and it gets a notice once there is room again.
//! A client that does not read at all is disconnected after [`WRITE_STALL`].

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinHandle;

use super::answer;
use super::peer::{Peer, PeerPolicy, group_id, share_with_group};
use super::proto::{Call, MAX_FRAME, Reply, Request, Response, VERSION, WireError, decode_request};
use crate::admin::data::AuditPage;
use crate::admin::{Loaded, Query};
use crate::domain::Role;
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, EngineError, Event};
use crate::store::audit::{self, VerifyReport};

/// Clients served at once; one more is told "busy" and closed.
pub const MAX_CLIENTS: usize = 8;
/// Lines waiting for one client (answers and events).
pub const QUEUE: usize = 64;
/// How long one line may take to go out before the client is dropped.
pub const WRITE_STALL: Duration = Duration::from_secs(10);

/// What `hello` answers.
#[derive(Clone, Debug)]
pub struct ServerInfo {
    pub kiosk: String,
    pub name: String,
}

/// Where the socket lives in a data directory.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("control.sock")
}

/// The running server; dropping it stops accepting and removes the socket.
pub struct ControlServer {
    path: PathBuf,
    task: JoinHandle<()>,
}

impl ControlServer {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Starts serving `engine` on `data_dir/control.sock`. Must be called
/// inside a tokio runtime. `group` lets a Unix group's members in too.
pub fn serve(
    engine: EngineHandle,
    data_dir: &Path,
    group: Option<&str>,
    info: ServerInfo,
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
    let task = tokio::spawn(accept(listener, engine, policy, Arc::new(info)));
    Ok(ControlServer { path, task })
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

async fn accept(
    listener: UnixListener,
    engine: EngineHandle,
    policy: PeerPolicy,
    info: Arc<ServerInfo>,
) {
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
        let engine = engine.clone();
        let info = info.clone();
        tokio::spawn(async move {
            Connection::new(engine, peer, info).run(stream).await;
            drop(slot);
        });
    }
}

/// One request line, a line too long to read, or the end.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Line(Vec<u8>),
    TooLong,
    End,
}

/// Reads the next non-empty line of at most [`MAX_FRAME`] bytes. A longer
/// one is skipped to its newline without being kept, so it costs no memory.
/// A last line without a newline still counts as a line.
pub async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Frame> {
    let mut buf = Vec::new();
    let mut too_long = false;
    loop {
        let avail = r.fill_buf().await?;
        if avail.is_empty() {
            return Ok(if too_long {
                Frame::TooLong
            } else if buf.iter().all(u8::is_ascii_whitespace) {
                // A blank last line is no frame, as a blank line is not.
                Frame::End
            } else {
                Frame::Line(buf)
            });
        }
        let (chunk, used, done) = match avail.iter().position(|b| *b == b'\n') {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        if !too_long {
            if buf.len() + chunk.len() > MAX_FRAME {
                too_long = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        r.consume(used);
        if done {
            if too_long {
                return Ok(Frame::TooLong);
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                buf.clear();
                continue;
            }
            return Ok(Frame::Line(buf));
        }
    }
}

struct Connection {
    engine: EngineHandle,
    peer: Peer,
    via: String,
    info: Arc<ServerInfo>,
    /// Kiosk until this connection signs in.
    actor: Actor,
    events: Option<JoinHandle<()>>,
}

impl Connection {
    fn new(engine: EngineHandle, peer: Peer, info: Arc<ServerInfo>) -> Self {
        Connection {
            engine,
            via: peer.describe(),
            peer,
            info,
            actor: Actor::Kiosk,
            events: None,
        }
    }

    async fn run(mut self, stream: UnixStream) {
        let (rd, mut wr) = stream.into_split();
        let (out, mut lines) = mpsc::channel::<String>(QUEUE);
        let writer = tokio::spawn(async move {
            while let Some(line) = lines.recv().await {
                match tokio::time::timeout(WRITE_STALL, wr.write_all(line.as_bytes())).await {
                    Ok(Ok(())) => {}
                    // Gone, or not reading: either way this client is done.
                    _ => break,
                }
            }
        });
        tracing::info!(uid = self.peer.uid, pid = ?self.peer.pid, "control socket: client connected");
        let mut reader = BufReader::new(rd);
        loop {
            let frame = match read_frame(&mut reader).await {
                Ok(f) => f,
                Err(_) => break,
            };
            let response = match frame {
                Frame::End => break,
                Frame::TooLong => Response::error(None, WireError::TooLarge { max: MAX_FRAME }),
                Frame::Line(line) => match decode_request(&line) {
                    Err((id, e)) => {
                        tracing::info!(error = %e, "control socket: bad frame");
                        Response::error(id, e)
                    }
                    Ok(Request { id, call, .. }) => {
                        let result = self.call(call, &out).await;
                        Response::answer(id, result)
                    }
                },
            };
            if out.send(response.to_line()).await.is_err() || writer.is_finished() {
                break;
            }
        }
        self.close().await;
        drop(out);
        let _ = writer.await;
    }

    async fn close(&mut self) {
        let _ = self.sign_out().await;
        tracing::info!(uid = self.peer.uid, pid = ?self.peer.pid, "control socket: client left");
    }

    /// Records the call in the audit log, then answers it.
    async fn call(&mut self, call: Call, out: &mpsc::Sender<String>) -> Result<Reply, WireError> {
        let actor = self.actor.clone();
        let via = self.via.clone();
        let detail = call.describe();
        let recorded = self
            .engine
            .inspect(move |e| e.record_call(&actor, &via, &detail))
            .await
            .unwrap_or_else(|| Err(stopped()));
        recorded.map_err(|e| WireError::from(&e))?;
        self.answer(call, out)
            .await
            .map_err(|e| WireError::from(&e))
    }

    async fn answer(
        &mut self,
        call: Call,
        out: &mpsc::Sender<String>,
    ) -> Result<Reply, EngineError> {
        match call {
            Call::Hello { .. } => Ok(Reply::Hello {
                protocol: VERSION,
                version: env!("CARGO_PKG_VERSION").into(),
                kiosk: self.info.kiosk.clone(),
                name: self.info.name.clone(),
            }),
            Call::SignIn { user, pin } => self.sign_in(Command::SignIn { user, pin }).await,
            Call::SignOut => self.sign_out().await,
            Call::Command { command } => match command {
                c @ Command::SignIn { .. } => self.sign_in(c).await,
                Command::SignOut => self.sign_out().await,
                // Badges are read at the keypad, by the scanner.
                Command::SignInBadge { .. } => Err(EngineError::Invalid(
                    "badges sign in at the keypad only".into(),
                )),
                command => {
                    self.signed_in()?;
                    self.engine
                        .send_shared(self.actor.clone(), command)
                        .await
                        .map(Reply::Events)
                }
            },
            Call::Subscribe => {
                self.signed_in()?;
                if self.events.is_none() {
                    self.events = Some(tokio::spawn(forward_events(
                        self.engine.subscribe(),
                        out.clone(),
                    )));
                }
                Ok(Reply::Subscribed)
            }
            call @ (Call::AuditVerify
            | Call::Read {
                query: Query::VerifyAudit,
            }) => {
                self.signed_in()?;
                let report = self.verify(&call).await?;
                Ok(match call {
                    Call::AuditVerify => Reply::Verified {
                        checked: report.checked,
                        broken: report.broken,
                    },
                    _ => Reply::Loaded(Loaded::Verified(AuditPage::describe(&report))),
                })
            }
            read => {
                self.signed_in()?;
                let actor = self.actor.clone();
                self.engine
                    .inspect(move |e| answer::on_engine(e, &actor, read))
                    .await
                    .unwrap_or_else(|| Err(stopped()))
                    .map_err(|e| {
                        // A session that timed out is over for this connection too.
                        if matches!(e, EngineError::NotSignedIn) {
                            self.actor = Actor::Kiosk;
                        }
                        e
                    })
            }
        }
    }

    /// Checks the audit chain beside the engine, not on its thread: a long
    /// log takes seconds, and the keypad must not wait for it. A break is
    /// confirmed on the engine's thread, where nothing is appending.
    async fn verify(&mut self, call: &Call) -> Result<VerifyReport, EngineError> {
        let actor = self.actor.clone();
        let c = call.clone();
        let store = self
            .engine
            .inspect(move |e| answer::authorize(e, &actor, &c).map(|()| e.store().clone()))
            .await
            .unwrap_or_else(|| Err(stopped()))?;
        let report = tokio::task::spawn_blocking(move || audit::verify_while_running(&store))
            .await
            .map_err(|e| EngineError::Invalid(format!("audit check: {e}")))??;
        if report.ok() {
            return Ok(report);
        }
        Ok(self
            .engine
            .inspect(|e| audit::verify(e.store()))
            .await
            .unwrap_or_else(|| {
                Err(crate::store::StoreError::Io(std::io::Error::other(
                    "the engine has stopped",
                )))
            })?)
    }

    fn signed_in(&self) -> Result<(), EngineError> {
        match self.actor {
            Actor::Session { .. } => Ok(()),
            _ => Err(EngineError::NotSignedIn),
        }
    }

    async fn sign_in(&mut self, command: Command) -> Result<Reply, EngineError> {
        self.sign_out().await?;
        let events = self.engine.send(Actor::Kiosk, command).await?;
        for e in &events {
            if let Event::SignedIn { session, role, .. } = e {
                if *role == Role::Courier {
                    let _ = self
                        .engine
                        .send(Actor::Session { id: *session }, Command::SignOut)
                        .await;
                    return Err(EngineError::Invalid(WireError::StaffOnly.to_string()));
                }
                self.actor = Actor::Session { id: *session };
            }
        }
        Ok(Reply::Events(events))
    }

    /// Ends this connection's session and its event stream; without a
    /// session there is nothing to ask the engine.
    async fn sign_out(&mut self) -> Result<Reply, EngineError> {
        if let Some(task) = self.events.take() {
            task.abort();
        }
        match std::mem::replace(&mut self.actor, Actor::Kiosk) {
            actor @ Actor::Session { .. } => self
                .engine
                .send(actor, Command::SignOut)
                .await
                .map(Reply::Events),
            _ => Ok(Reply::Events(vec![Event::SignedOut])),
        }
    }
}

fn stopped() -> EngineError {
    EngineError::Invalid("the engine has stopped".into())
}

/// Copies engine events to one client. A full queue drops events (counted);
/// the client hears how many once there is room, and reads its screens
/// again.
async fn forward_events(mut events: broadcast::Receiver<Event>, out: mpsc::Sender<String>) {
    let mut dropped: u64 = 0;
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(n)) => {
                dropped += n;
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if dropped > 0 {
            let notice = Response::notice(format!("{dropped} events dropped: read again"));
            match out.try_send(notice.to_line()) {
                Ok(()) => dropped = 0,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    dropped += 1;
                    continue;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            }
        }
        // Sign-ins belong to whoever signed in; they are never passed on.
        if matches!(event, Event::SignedIn { .. } | Event::SignedOut) {
            continue;
        }
        match out.try_send(Response::event(event).to_line()) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => dropped += 1,
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
    }
}
