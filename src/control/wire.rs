//! The socket's own rows, protocol v1: what scripts, `locker … --json` and
//! other programs read. Each is mapped here from the read side, so the
//! store's records and the console's screens can change without changing
//! what goes over the wire; a change to one of these is a new
//! [`VERSION`](super::proto::VERSION). The field names and the machine names
//! of states and kinds are listed in docs/CONTROL.md, and
//! `wire_v1_is_frozen` in this module's tests fails on any change.
//!
//! Ids, states, kinds and roles keep the names the audit log stores
//! (docs/AUDIT.md), which never change once written.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    CompartmentId, Language, ParcelClass, ParcelId, ParcelState, RecipientId, Role,
};
use crate::engine::read::{FeeRow, OutboxEntry, UserRow};
use crate::store::audit::AuditEntry;
use crate::store::{CctvMarker, DeliveryState, MarkerKind, NotificationKind};

/// A parcel: never its code, nor where the code index points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    pub id: ParcelId,
    pub tracking: String,
    pub recipient: RecipientId,
    pub compartment: CompartmentId,
    pub class: ParcelClass,
    pub state: ParcelState,
    pub courier: String,
    pub deposited_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    pub extension_days: u32,
    pub reminders_sent: u8,
    pub receipt: Option<String>,
    pub picked_up_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
}

impl From<crate::domain::Parcel> for Parcel {
    fn from(p: crate::domain::Parcel) -> Self {
        Self {
            id: p.id,
            tracking: p.tracking,
            recipient: p.recipient,
            compartment: p.compartment,
            class: p.class,
            state: p.state,
            courier: p.courier,
            deposited_at: p.deposited_at,
            deadline: p.deadline,
            extension_days: p.extension_days,
            reminders_sent: p.reminders_sent,
            receipt: p.receipt,
            picked_up_at: p.picked_up_at,
            removed_at: p.removed_at,
        }
    }
}

/// Someone who may collect for a recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegate {
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub id: RecipientId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub language: Language,
    pub delegates: Vec<Delegate>,
    /// Last day of vacation mode, inclusive.
    pub vacation_until: Option<NaiveDate>,
    pub closed: bool,
}

impl From<crate::domain::Recipient> for Recipient {
    fn from(r: crate::domain::Recipient) -> Self {
        Self {
            id: r.id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            language: r.language,
            delegates: r
                .delegates
                .into_iter()
                .map(|d| Delegate {
                    name: d.name,
                    email: d.email,
                })
                .collect(),
            vacation_until: r.vacation_until,
            closed: r.closed,
        }
    }
}

/// An account: never a PIN or badge hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub badge: bool,
}

impl From<UserRow> for User {
    fn from(u: UserRow) -> Self {
        Self {
            name: u.name,
            role: u.role,
            badge: u.badge,
        }
    }
}

/// A message in the outbox: never its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: u64,
    pub kind: NotificationKind,
    pub to: Vec<String>,
    pub state: DeliveryState,
    pub parcel: Option<ParcelId>,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl From<OutboxEntry> for OutboxMessage {
    fn from(o: OutboxEntry) -> Self {
        Self {
            id: o.id,
            kind: o.kind,
            to: o.to,
            state: o.state,
            parcel: o.parcel,
            created_at: o.created_at,
            attempts: o.attempts,
            next_attempt: o.next_attempt,
            last_error: o.last_error,
        }
    }
}

/// One audit entry, with the hash of the one before it, so a reader can
/// check the chain on its own (docs/AUDIT.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub compartment: Option<CompartmentId>,
    pub parcel: Option<ParcelId>,
    pub detail: String,
    pub prev: String,
}

impl From<AuditEntry> for Audit {
    fn from(a: AuditEntry) -> Self {
        Self {
            seq: a.seq,
            at: a.at,
            actor: a.actor,
            action: a.action,
            compartment: a.compartment,
            parcel: a.parcel,
            detail: a.detail,
            prev: a.prev,
        }
    }
}

/// A CCTV event marker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub kiosk: String,
    pub compartment: Option<CompartmentId>,
    pub camera: Option<String>,
    pub kind: MarkerKind,
    pub actor: String,
    pub note: String,
}

impl From<CctvMarker> for Marker {
    fn from(m: CctvMarker) -> Self {
        Self {
            id: m.id,
            at: m.at,
            kiosk: m.kiosk,
            compartment: m.compartment,
            camera: m.camera,
            kind: m.kind,
            actor: m.actor,
            note: m.note,
        }
    }
}

impl From<Marker> for CctvMarker {
    /// Back to the store's record, for the CSV export this side writes.
    fn from(m: Marker) -> Self {
        Self {
            id: m.id,
            at: m.at,
            kiosk: m.kiosk,
            compartment: m.compartment,
            camera: m.camera,
            kind: m.kind,
            actor: m.actor,
            note: m.note,
        }
    }
}

/// Each row of a list mapped to its wire form.
/// One line of the fee ledger, for the property's billing: amounts in
/// cents of `currency`; `total_cents` is the use fee plus the storage fee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub recipient: RecipientId,
    pub parcel: ParcelId,
    pub tracking: String,
    pub compartment: CompartmentId,
    pub use_cents: u32,
    pub storage_days: u32,
    pub storage_cents: u32,
    pub total_cents: u32,
    pub currency: String,
}

impl From<FeeRow> for Fee {
    fn from(f: FeeRow) -> Self {
        Self {
            total_cents: f.total_cents(),
            id: f.id,
            at: f.at,
            recipient: f.recipient,
            parcel: f.parcel,
            tracking: f.tracking,
            compartment: f.door,
            use_cents: f.use_cents,
            storage_days: f.storage_days,
            storage_cents: f.storage_cents,
            currency: f.currency,
        }
    }
}

pub fn rows<T, W: From<T>>(list: Vec<T>) -> Vec<W> {
    list.into_iter().map(W::from).collect()
}
