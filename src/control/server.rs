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

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::answer;
use super::peer::{Peer, PeerPolicy, group_id, share_with_group};
use super::proto::{Call, MAX_FRAME, Reply, Request, Response, VERSION, WireError, decode_request};
use crate::config::ControlConfig;
use crate::domain::Role;
use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, EngineError, Event};

/// Clients served at once; one more is told "busy" and closed.
pub const MAX_CLIENTS: usize = 8;
/// Lines waiting for one client (answers and events).
pub const QUEUE: usize = 64;
/// How long one line may take to go out before the client is dropped.
pub const WRITE_STALL: Duration = Duration::from_secs(10);
/// How long the one line saying why a connection timed out may take; a
/// client that reads nothing must not decide when its slot comes back.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// How long a stopping server waits for its last count to be written.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// How long connections may stay, and how often the calls made before a
/// sign-in are written to the audit log as one count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// From connecting (or the end of its session) to a sign-in.
    pub sign_in_window: Duration,
    /// A signed-in connection without a request for this long is closed.
    /// Events sent to it do not count: a subscriber that only listens says
    /// `hello` now and then.
    pub idle: Duration,
    pub tally_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_window: Duration::from_secs(10),
            idle: Duration::from_secs(300),
            tally_every: Duration::from_secs(600),
        }
    }
}

impl Limits {
    pub fn from_config(c: &ControlConfig) -> Self {
        Limits {
            idle: Duration::from_secs(u64::from(c.idle_secs)),
            ..Limits::default()
        }
    }
}

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

/// Calls answered before a sign-in since the last count was written.
#[derive(Debug, Default)]
struct Tally {
    /// Moves on at each write, so that a connection counts once per count.
    period: u64,
    since: Option<DateTime<Utc>>,
    calls: u64,
    connections: u64,
    by_uid: BTreeMap<u32, u64>,
    by_call: BTreeMap<&'static str, u64>,
}

impl Tally {
    /// `seen_in` is the connection's own note of the period it last counted in.
    fn count(&mut self, seen_in: &mut Option<u64>, uid: u32, call: &'static str) {
        self.since.get_or_insert_with(Utc::now);
        self.calls += 1;
        if *seen_in != Some(self.period) {
            *seen_in = Some(self.period);
            self.connections += 1;
        }
        *self.by_uid.entry(uid).or_default() += 1;
        *self.by_call.entry(call).or_default() += 1;
    }

    /// The summary of what was counted, if anything was; a new count starts.
    fn take(&mut self) -> Option<(String, DateTime<Utc>)> {
        let since = self.since?;
        let done = std::mem::replace(
            self,
            Tally {
                period: self.period + 1,
                ..Tally::default()
            },
        );
        Some((done.describe(), since))
    }

    fn describe(&self) -> String {
        let plural = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        let calls: Vec<String> = self
            .by_call
            .iter()
            .map(|(call, n)| format!("{call} {n}"))
            .collect();
        let uids: Vec<String> = match self.by_uid.keys().collect::<Vec<_>>().as_slice() {
            [uid] => vec![format!("uid {uid}")],
            _ => self
                .by_uid
                .iter()
                .map(|(uid, n)| format!("uid {uid}: {n}"))
                .collect(),
        };
        format!(
            "{} before sign-in ({}) from {} ({})",
            plural(self.calls, "call"),
            calls.join(", "),
            plural(self.connections, "connection"),
            uids.join(", ")
        )
    }
}

fn lock(tally: &Mutex<Tally>) -> MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes the count every `every`, when there is one.
async fn summarize(tally: Arc<Mutex<Tally>>, engine: EngineHandle, every: Duration) {
    let mut tick = tokio::time::interval_at(Instant::now() + every, every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some((summary, since)) = lock(&tally).take() else {
            continue;
        };
        match engine
            .inspect(move |e| e.record_calls_before_sign_in(&summary, since))
            .await
        {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                tracing::warn!(error = %e, "control socket: the count of calls before sign-in was not recorded");
            }
            None => return,
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
            } else {
                // The last line ends as any other: without its '\r', and no
                // frame at all when it is blank.
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    Frame::End
                } else {
                    Frame::Line(buf)
                }
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
    limits: Limits,
    tally: Arc<Mutex<Tally>>,
    /// The count this connection was last counted in.
    counted_in: Option<u64>,
    /// Kiosk until this connection signs in.
    actor: Actor,
    events: Option<JoinHandle<()>>,
}

impl Connection {
    fn new(shared: Shared, peer: Peer) -> Self {
        Connection {
            engine: shared.engine,
            via: peer.describe(),
            peer,
            info: shared.info,
            limits: shared.limits,
            tally: shared.tally,
            counted_in: None,
            actor: Actor::Kiosk,
            events: None,
        }
    }

    async fn run(mut self, stream: UnixStream) {
        let (rd, mut wr) = stream.into_split();
        let (out, mut lines) = mpsc::channel::<String>(QUEUE);
        let mut writer = tokio::spawn(async move {
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
        // The sign-in window runs from connecting or from the end of the
        // last session, however busy the connection is; the idle time from
        // the last request.
        let mut unsigned_since = Instant::now();
        let mut last_request = unsigned_since;
        let timed_out = loop {
            let signed_in = self.signed_in().is_ok();
            let deadline = if signed_in {
                last_request + self.limits.idle
            } else {
                unsigned_since + self.limits.sign_in_window
            };
            let frame = match tokio::time::timeout_at(deadline, read_frame(&mut reader)).await {
                Ok(Ok(f)) => f,
                Ok(Err(_)) => break None,
                Err(_) if signed_in => {
                    break Some(WireError::Idle {
                        secs: self.limits.idle.as_secs(),
                    });
                }
                Err(_) => {
                    break Some(WireError::SignInTimeout {
                        secs: self.limits.sign_in_window.as_secs(),
                    });
                }
            };
            last_request = Instant::now();
            let response = match frame {
                Frame::End => break None,
                Frame::TooLong => {
                    self.count_unsigned("too long");
                    Response::error(None, WireError::TooLarge { max: MAX_FRAME })
                }
                Frame::Line(line) => match decode_request(&line) {
                    Err((id, e)) => {
                        // The kind of fault and where it is, never the content.
                        tracing::debug!(uid = self.peer.uid, error = %e, "control socket: bad frame");
                        self.count_unsigned("bad frame");
                        Response::error(id, e)
                    }
                    Ok(Request { id, call, .. }) => {
                        let result = self.call(call, &out).await;
                        Response::answer(id, result)
                    }
                },
            };
            let line = response.to_line();
            let sent = if self.signed_in().is_ok() {
                out.send(line).await.is_ok()
            } else {
                if signed_in {
                    unsigned_since = Instant::now();
                }
                // Leaving its answers unread keeps no one past the window.
                let by = unsigned_since + self.limits.sign_in_window;
                match tokio::time::timeout_at(by, out.send(line)).await {
                    Ok(sent) => sent.is_ok(),
                    Err(_) => {
                        break Some(WireError::SignInTimeout {
                            secs: self.limits.sign_in_window.as_secs(),
                        });
                    }
                }
            };
            if !sent || writer.is_finished() {
                break None;
            }
        };
        if let Some(why) = &timed_out {
            tracing::info!(uid = self.peer.uid, pid = ?self.peer.pid, reason = %why, "control socket: client timed out");
            let _ = out.try_send(Response::error(None, why.clone()).to_line());
        }
        self.close().await;
        drop(out);
        if timed_out.is_none() {
            let _ = writer.await;
        } else if tokio::time::timeout(CLOSE_GRACE, &mut writer)
            .await
            .is_err()
        {
            writer.abort();
        }
    }

    async fn close(&mut self) {
        let _ = self.sign_out().await;
        tracing::info!(uid = self.peer.uid, pid = ?self.peer.pid, "control socket: client left");
    }

    /// Answers a call. After a sign-in each call is recorded in the audit
    /// log first; before one only sign-in attempts are, and the rest counted.
    async fn call(&mut self, call: Call, out: &mpsc::Sender<String>) -> Result<Reply, WireError> {
        if self.signed_in().is_ok() {
            let actor = self.actor.clone();
            let via = self.via.clone();
            let detail = call.describe();
            let recorded = self
                .engine
                .inspect(move |e| e.record_call(&actor, &via, &detail))
                .await
                .unwrap_or_else(|| Err(stopped()));
            recorded.map_err(|e| WireError::from(&e))?;
        } else if let Call::SignIn { user, .. }
        | Call::Command {
            command: Command::SignIn { user, .. },
        } = &call
        {
            let (user, detail) = (user.clone(), call.describe());
            let result = self.answer(call, out).await;
            self.record_sign_in(&user, detail, &result).await;
            return result.map_err(|e| WireError::from(&e));
        } else {
            self.count_unsigned(call.name());
        }
        self.answer(call, out)
            .await
            .map_err(|e| WireError::from(&e))
    }

    /// A sign-in attempt gets an entry of its own: the PIN throttle bounds
    /// how many there can be. One turned away by the lock, which costs no
    /// PIN check, is only counted.
    async fn record_sign_in(
        &mut self,
        user: &str,
        detail: String,
        result: &Result<Reply, EngineError>,
    ) {
        let has = |want: fn(&Event) -> bool| matches!(result, Ok(Reply::Events(ev)) if ev.iter().any(want));
        let refusal = if has(|e| matches!(e, Event::SignedIn { .. })) {
            None
        } else if has(|e| {
            matches!(
                e,
                Event::CodeRefused {
                    refusal: crate::engine::Refusal::SignInLocked { .. },
                    ..
                }
            )
        }) {
            self.count_unsigned("sign_in");
            return;
        } else if has(|e| matches!(e, Event::CodeRefused { .. })) {
            Some("wrong PIN".to_string())
        } else {
            Some(match result {
                Err(e) => e.to_string(),
                Ok(_) => "refused".into(),
            })
        };
        let (actor, via, user) = (self.actor.clone(), self.via.clone(), user.to_string());
        let recorded = self
            .engine
            .inspect(move |e| match refusal {
                None => e.record_call(&actor, &via, &detail),
                Some(why) => e.record_refused_sign_in(&via, &user, &why),
            })
            .await;
        if let Some(Err(e)) = recorded {
            tracing::warn!(error = %e, "control socket: a sign-in was not recorded");
        }
    }

    fn count_unsigned(&mut self, call: &'static str) {
        if self.signed_in().is_err() {
            lock(&self.tally).count(&mut self.counted_in, self.peer.uid, call);
        }
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
                let report = self.verify().await?;
                Ok(call.reply(report))
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
    async fn verify(&mut self) -> Result<Answer, EngineError> {
        let actor = self.actor.clone();
        let reader = self
            .engine
            .inspect(move |e| e.audit_reader(&actor))
            .await
            .unwrap_or_else(|| Err(stopped()))?;
        let report = tokio::task::spawn_blocking(move || reader.verify_while_running())
            .await
            .map_err(|e| EngineError::Invalid(format!("audit check: {e}")))??;
        if report.ok() {
            return Ok(report.into());
        }
        let actor = self.actor.clone();
        self.engine
            .inspect(move |e| e.read(&actor, Query::VerifyAudit))
            .await
            .unwrap_or_else(|| Err(stopped()))
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
