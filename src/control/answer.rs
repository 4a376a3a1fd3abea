//! The socket's read calls are queries of the engine's read side; this
//! maps each call to its query and the answer back to the call's reply, so
//! `locker parcel list --json` prints the same whether it went through the
//! socket or opened the database itself: the socket's own rows
//! ([`super::wire`]), mapped from the read side here.

use super::proto::{Call, Reply};
use super::wire::rows;
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Engine, EngineError};

impl Call {
    /// The read this call makes; `None` for calls that are not reads.
    pub fn query(&self) -> Option<Query> {
        Some(match self {
            Call::Read { query } => query.clone(),
            Call::Parcels { all } => Query::ParcelRecords { all: *all },
            Call::Expired => Query::ExpiredRecords,
            Call::Users => Query::Users,
            Call::Recipients => Query::Recipients,
            Call::Outbox => Query::OutboxEntries,
            Call::AuditVerify => Query::VerifyAudit,
            Call::AuditRange { after, limit } => Query::AuditRange {
                after: *after,
                limit: *limit,
            },
            Call::Markers => Query::MarkerRecords,
            Call::Fees { since } => Query::Fees {
                recipient: None,
                since: *since,
            },
            Call::Hello { .. }
            | Call::SignIn { .. }
            | Call::SignOut
            | Call::Command { .. }
            | Call::Subscribe => return None,
        })
    }

    /// The reply a read call gets for its query's answer.
    pub fn reply(&self, answer: Answer) -> Reply {
        match (self, answer) {
            (Call::Read { .. }, a) => Reply::Loaded(a),
            (_, Answer::ParcelRecords(p)) => Reply::Parcels(rows(p)),
            (_, Answer::Users(u)) => Reply::Users(rows(u)),
            (_, Answer::Recipients(r)) => Reply::Recipients(rows(r)),
            (_, Answer::OutboxEntries(o)) => Reply::Outbox(rows(o)),
            (_, Answer::Verified { checked, broken }) => Reply::Verified { checked, broken },
            (_, Answer::AuditEntries(a)) => Reply::Audit(rows(a)),
            (_, Answer::MarkerRecords(m)) => Reply::Markers(rows(m)),
            (_, Answer::Fees { rows: f, .. }) => Reply::Fees(rows(f)),
            (_, a) => Reply::Loaded(a),
        }
    }
}

/// Answers a read call for `actor` on the engine's thread.
pub fn on_engine(engine: &Engine, actor: &Actor, call: Call) -> Result<Reply, EngineError> {
    let query = call
        .query()
        .ok_or_else(|| EngineError::Invalid(format!("{} is not a read", call.name())))?;
    Ok(call.reply(engine.read(actor, query)?))
}
