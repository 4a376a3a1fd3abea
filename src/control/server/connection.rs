//! One connection: its requests answered in order, its sign-in and its
//! events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::frame::{Frame, read_frame};
use super::tally::{Tally, lock};
use super::{Limits, QUEUE, ServerInfo, Shared, WRITE_STALL};
use crate::control::answer;
use crate::control::peer::Peer;
use crate::control::proto::{
    Call, MAX_FRAME, Reply, Response, VERSION, WireError, WireRequest, decode_request,
};
use crate::domain::Role;
use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, EngineError, Event};

/// How long the one line saying why a connection timed out may take; a
/// client that reads nothing must not decide when its slot comes back.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

pub(super) struct Connection {
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
    pub(super) fn new(shared: Shared, peer: Peer) -> Self {
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

    pub(super) async fn run(mut self, stream: UnixStream) {
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
                    Ok(WireRequest { id, call, .. }) => {
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
                time_zone: self.info.time_zone.clone(),
                language: Some(self.info.language),
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
