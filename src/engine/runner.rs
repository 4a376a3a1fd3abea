//! The engine in its own thread: the screens, the control socket and the
//! mail worker send it jobs; bus events and the scheduler's tick come in
//! beside them. Nothing outside waits on sled, argon2 or RS-485 except
//! for the answer it asked for.

use std::thread;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};

use super::{Actor, Command, Engine, EngineResult, Event};
use crate::bus::BusEvent;

/// Requests the engine thread serves in order.
enum Job {
    Command {
        actor: Actor,
        command: Command,
        /// Also publish what it did to the locker (a command from another
        /// process: the kiosk's screen should see a door it opened).
        share: bool,
        reply: oneshot::Sender<EngineResult>,
    },
    /// Read-only work on the engine (queries for screens).
    Inspect(Box<dyn FnOnce(&Engine) + Send>),
    /// Run the scheduler now, as the timer would; answered once its
    /// events are published.
    Tick(oneshot::Sender<()>),
}

/// A cheap, cloneable way to talk to the engine thread.
#[derive(Clone)]
pub struct EngineHandle {
    requests: mpsc::UnboundedSender<Job>,
    events: broadcast::Sender<Event>,
    /// The fleet publisher's cues ([`Event::is_internal`]), apart from
    /// what screens follow.
    cues: broadcast::Sender<Event>,
}

/// How often the scheduler looks for due reminders and expiries.
pub const TICK: Duration = Duration::from_secs(5);
/// How soon after a commit it is written out (what sled's flusher did).
pub const FLUSH_AFTER: Duration = Duration::from_millis(500);

impl EngineHandle {
    /// Starts the engine thread. It runs start-up recovery first, after
    /// `settle` (time for the bus to read every board once).
    pub fn spawn(
        mut engine: Engine,
        mut bus_events: mpsc::UnboundedReceiver<BusEvent>,
        settle: Duration,
    ) -> EngineHandle {
        let (requests, mut rx) = mpsc::unbounded_channel::<Job>();
        // Slow subscribers lose old events (they get a Lagged notice), never block the engine.
        let (events, _) = broadcast::channel(256);
        let out = events.clone();
        let (cues, _) = broadcast::channel(64);
        let cue = cues.clone();
        let spawned = thread::Builder::new().name("engine".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "engine runtime did not start");
                    return;
                }
            };
            rt.block_on(async move {
                tokio::time::sleep(settle).await;
                publish(&out, engine.recover());
                let mut tick = tokio::time::interval(TICK);
                let mut flush_at: Option<tokio::time::Instant> = None;
                loop {
                    let flush_due = async {
                        match flush_at {
                            Some(at) => tokio::time::sleep_until(at).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        req = rx.recv() => match req {
                            Some(Job::Command { actor, command, share, reply }) => {
                                let result = engine.handle(&actor, command);
                                if share && let Ok(events) = &result {
                                    for e in events.iter().filter(|e| e.is_shared()) {
                                        let _ = out.send(e.clone());
                                    }
                                }
                                let _ = reply.send(result);
                            }
                            Some(Job::Inspect(f)) => f(&engine),
                            Some(Job::Tick(done)) => {
                                publish(&out, engine.tick());
                                let _ = done.send(());
                            }
                            None => break,
                        },
                        Some(ev) = bus_events.recv() => publish(&out, engine.on_bus_event(ev)),
                        _ = tick.tick() => publish(&out, engine.tick()),
                        () = flush_due => {
                            flush_at = None;
                            if let Err(e) = engine.flush() {
                                tracing::error!(error = %e, "could not write the database out");
                            }
                        }
                    }
                    for e in engine.take_announced() {
                        let _ = if e.is_internal() {
                            cue.send(e)
                        } else {
                            out.send(e)
                        };
                    }
                    // What was committed reaches the disk within FLUSH_AFTER,
                    // as sled's own flusher would do it; nothing committed,
                    // nothing written.
                    if flush_at.is_none() && engine.take_dirty() {
                        flush_at = Some(tokio::time::Instant::now() + FLUSH_AFTER);
                    }
                }
                let _ = engine.flush();
            });
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "engine thread did not start");
        }
        EngineHandle {
            requests,
            events,
            cues,
        }
    }

    /// Queues a command; the receiver gets its outcome.
    fn ask(
        &self,
        actor: Actor,
        command: Command,
        share: bool,
    ) -> Option<oneshot::Receiver<EngineResult>> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Job::Command {
                actor,
                command,
                share,
                reply,
            })
            .ok()?;
        Some(answer)
    }

    /// Queues read-only work on the engine; the receiver gets its result.
    fn look<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> R + Send + 'static,
    ) -> Option<oneshot::Receiver<R>> {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn FnOnce(&Engine) + Send> = Box::new(move |e| {
            let _ = reply.send(f(e));
        });
        self.requests.send(Job::Inspect(job)).ok()?;
        Some(answer)
    }

    /// Runs a command and waits for its outcome.
    pub async fn send(&self, actor: Actor, command: Command) -> EngineResult {
        self.ask(actor, command, false)
            .ok_or_else(stopped)?
            .await
            .map_err(|_| stopped())?
    }

    /// Runs a command from another process (the control socket) and also
    /// publishes the events about the locker it caused ([`Event::is_shared`])
    /// to subscribers: the kiosk's screen names a door opened from afar.
    pub async fn send_shared(&self, actor: Actor, command: Command) -> EngineResult {
        self.ask(actor, command, true)
            .ok_or_else(stopped)?
            .await
            .map_err(|_| stopped())?
    }

    /// The same, from a thread that is not async.
    pub fn send_blocking(&self, actor: Actor, command: Command) -> EngineResult {
        self.ask(actor, command, false)
            .ok_or_else(stopped)?
            .blocking_recv()
            .map_err(|_| stopped())?
    }

    /// Reads something from the engine (a query for a screen).
    pub async fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> R + Send + 'static,
    ) -> Option<R> {
        self.look(f)?.await.ok()
    }

    /// Queues work on the engine without waiting for it: for code that may
    /// not wait, such as a destructor. `false` if the engine has stopped.
    pub fn post(&self, f: impl FnOnce(&Engine) + Send + 'static) -> bool {
        self.requests.send(Job::Inspect(Box::new(f))).is_ok()
    }

    /// The same, from a thread that is not async.
    pub fn inspect_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> R + Send + 'static,
    ) -> Option<R> {
        self.look(f)?.blocking_recv().ok()
    }

    /// Runs the scheduler at once instead of at the next [`TICK`]: for a
    /// clock that was moved (tests, a technician's check). Its events go
    /// to subscribers, as the timer's would; `false` if the engine stopped.
    pub async fn tick_now(&self) -> bool {
        let (done, answer) = oneshot::channel();
        if self.requests.send(Job::Tick(done)).is_err() {
            return false;
        }
        answer.await.is_ok()
    }

    /// The same, from a thread that is not async.
    pub fn tick_now_blocking(&self) -> bool {
        let (done, answer) = oneshot::channel();
        if self.requests.send(Job::Tick(done)).is_err() {
            return false;
        }
        answer.blocking_recv().is_ok()
    }

    /// Events nobody asked for: door events, alerts, expiries, bus down.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The cues the engine leaves for the fleet publisher: a directory
    /// record changed, a typed code to ask the property about.
    pub fn subscribe_cues(&self) -> broadcast::Receiver<Event> {
        self.cues.subscribe()
    }
}

fn stopped() -> super::EngineError {
    super::EngineError::Invalid("the engine has stopped".into())
}

fn publish(out: &broadcast::Sender<Event>, result: EngineResult) {
    match result {
        Ok(events) => {
            for e in events {
                let _ = out.send(e);
            }
        }
        Err(e) => tracing::error!(error = %e, "engine could not handle a bus event or tick"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono::Duration;

    use super::*;
    use crate::domain::Size;
    use crate::engine::tests::Rig;

    #[test]
    fn tick_now_publishes_what_the_moved_clock_made_due() {
        let mut rig = Rig::new();
        let (parcel, compartment, _) = rig.deposit("111111", Size::S);
        let Rig {
            engine, clock, dir, ..
        } = rig;
        let (_bus_tx, bus_rx) = mpsc::unbounded_channel();
        let handle = EngineHandle::spawn(engine, bus_rx, StdDuration::ZERO);
        let mut events = handle.subscribe();
        clock.advance(Duration::days(7));
        assert!(handle.tick_now_blocking());
        let mut seen = Vec::new();
        while let Ok(e) = events.try_recv() {
            seen.push(e);
        }
        assert!(
            seen.contains(&Event::ParcelExpired {
                parcel,
                compartment
            }),
            "{seen:?}"
        );
        drop(handle);
        drop(dir);
    }
}
