//! The count of calls answered before a sign-in, written to the audit log
//! as one entry now and then rather than one entry a call.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::{Instant, MissedTickBehavior};

use crate::engine::runner::EngineHandle;

/// Calls answered before a sign-in since the last count was written.
#[derive(Debug, Default)]
pub(super) struct Tally {
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
    pub(super) fn count(&mut self, seen_in: &mut Option<u64>, uid: u32, call: &'static str) {
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
    pub(super) fn take(&mut self) -> Option<(String, DateTime<Utc>)> {
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

pub(super) fn lock(tally: &Mutex<Tally>) -> MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes the count every `every`, when there is one.
pub(super) async fn summarize(tally: Arc<Mutex<Tally>>, engine: EngineHandle, every: Duration) {
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
