//! Delivery: take the due messages from the engine, send each, and tell the
//! engine how it went. State lives in the outbox, so delivery resumes after
//! a restart; a message sent just before a crash goes again with the same
//! Message-ID.

use std::time::Duration;

use super::message;
use super::transport::{Channels, SendError, Senders};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, Engine, EngineError};
use crate::store::{Channel, Notification};

/// Messages taken per pass.
const BATCH: usize = 20;

fn actor() -> Actor {
    Actor::Local {
        name: "delivery".into(),
    }
}

/// Sends `due` in order and reports each outcome.
pub fn send_all<'a>(
    due: Vec<Notification>,
    instance: &str,
    from: &str,
    channels: impl Into<Channels<'a>>,
    mut report: impl FnMut(Command),
) -> (usize, usize) {
    let channels = channels.into();
    let (mut sent, mut failed) = (0, 0);
    for n in due {
        let outcome = match (n.channel, channels.sms) {
            (Channel::Email, _) => message::build(&n, instance, from)
                .map_err(|e| SendError(e.to_string()))
                .and_then(|m| channels.mail.send(&n, &m)),
            (Channel::Sms, Some(sms)) => sms.send(&n),
            (Channel::Sms, None) => Err(SendError(
                "no [sms] modem in the configuration for this text message".into(),
            )),
        };
        match outcome {
            Ok(()) => {
                sent += 1;
                report(Command::MessageSent { id: n.id });
            }
            Err(e) => {
                tracing::warn!(id = n.id, error = %e, "notification not delivered, will retry");
                failed += 1;
                report(Command::MessageFailed {
                    id: n.id,
                    error: e.0,
                });
            }
        }
    }
    (sent, failed)
}

/// One pass on an engine this thread owns (`locker outbox deliver`, tests).
pub fn deliver_due<'a>(
    engine: &mut Engine,
    channels: impl Into<Channels<'a>>,
    from: &str,
) -> Result<(usize, usize), EngineError> {
    let due = engine.due_messages(usize::MAX)?;
    let instance = engine.instance().to_string();
    let mut result = Ok(());
    let counts = send_all(due, &instance, from, channels, |cmd| {
        if let Err(e) = engine.handle(&actor(), cmd) {
            result = Err(e);
        }
    });
    result.map(|()| counts)
}

/// The kiosk's delivery thread: a pass every `every`, for as long as the
/// engine runs.
pub fn spawn(
    handle: EngineHandle,
    senders: Senders,
    from: String,
    every: Duration,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("delivery".into())
        .spawn(move || {
            loop {
                let due =
                    handle.inspect_blocking(|e| (e.due_messages(BATCH), e.instance().to_string()));
                let Some((due, instance)) = due else { break };
                match due {
                    Ok(due) if !due.is_empty() => {
                        send_all(due, &instance, &from, senders.channels(), |cmd| {
                            if let Err(e) = handle.send_blocking(actor(), cmd) {
                                tracing::error!(error = %e, "could not record a delivery outcome");
                            }
                        });
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "could not read the outbox"),
                }
                std::thread::sleep(every);
            }
        })
}
