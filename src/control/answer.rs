//! Answers to the read-only calls, on the engine's thread (the socket) or
//! straight from the store (the command line while the kiosk is stopped):
//! both give the same rows, so `locker parcel list --json` prints the same
//! whichever way it went.

use super::proto::{Call, MAX_AUDIT_RANGE, OutboxEntry, Reply, UserRow};
use crate::admin::Query;
use crate::domain::Permission;
use crate::domain::permission::allows;
use crate::engine::{Actor, Engine, EngineError, query};
use crate::store::{Store, audit};

/// The permission a read-only call needs; `None` for calls that are not
/// plain reads.
pub fn permission(call: &Call) -> Option<Permission> {
    Some(match call {
        Call::Parcels { .. } => Permission::ViewParcels,
        Call::Expired => Permission::RemoveExpired,
        Call::Users => Permission::ManageUsers,
        Call::Recipients => Permission::ManageRecipients,
        Call::Outbox => Permission::Outbox,
        Call::AuditVerify
        | Call::AuditRange { .. }
        | Call::Read {
            query: Query::VerifyAudit,
        } => Permission::ViewAudit,
        Call::Markers => Permission::Markers,
        _ => return None,
    })
}

/// Answers a read-only call from the store. Permissions are the caller's
/// business ([`on_engine`] checks them).
pub fn from_store(store: &Store, call: &Call) -> Result<Reply, EngineError> {
    Ok(match call {
        Call::Parcels { all: true } => Reply::Parcels(query::all_parcels(store)?),
        Call::Parcels { all: false } => Reply::Parcels(query::live_parcels(store)?),
        Call::Expired => Reply::Parcels(query::expired_parcels(store)?),
        Call::Users => Reply::Users(
            query::users(store)?
                .into_iter()
                .map(|u| UserRow {
                    name: u.name,
                    role: u.role,
                    badge: u.badge_hash.is_some(),
                })
                .collect(),
        ),
        Call::Recipients => Reply::Recipients(query::recipients(store)?),
        Call::Outbox => Reply::Outbox(
            query::outbox(store)?
                .iter()
                .map(OutboxEntry::from)
                .collect(),
        ),
        Call::AuditVerify => {
            let r = audit::verify(store)?;
            Reply::Verified {
                checked: r.checked,
                broken: r.broken,
            }
        }
        Call::AuditRange { after, limit } => Reply::Audit(audit::range(
            store,
            *after,
            (*limit).min(MAX_AUDIT_RANGE) as usize,
        )?),
        Call::Markers => Reply::Markers(query::markers(store)?),
        other => {
            return Err(EngineError::Invalid(format!(
                "{} is not a read",
                other.name()
            )));
        }
    })
}

/// Answers a read-only call for `actor` on the engine's thread, after the
/// permission table says yes.
pub fn on_engine(engine: &Engine, actor: &Actor, call: Call) -> Result<Reply, EngineError> {
    if let Call::Read { query } = call {
        return crate::admin::data::read(engine, actor, query).map(Reply::Loaded);
    }
    authorize(engine, actor, &call)?;
    from_store(engine.store(), &call)
}

/// Whether `actor` may make the read-only `call` (on the engine's thread).
pub fn authorize(engine: &Engine, actor: &Actor, call: &Call) -> Result<(), EngineError> {
    let Some(perm) = permission(call) else {
        return Err(EngineError::Invalid(format!(
            "{} is not a read",
            call.name()
        )));
    };
    let role = engine.role_reading(actor).ok_or(EngineError::NotSignedIn)?;
    if !allows(role, perm) {
        return Err(EngineError::Denied {
            role: role.to_string(),
            perm,
        });
    }
    Ok(())
}
