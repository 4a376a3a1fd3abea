//! The audit log: append-only and hash-chained. Each entry carries the
//! SHA-256 of the previous entry's stored bytes; `meta/audit_head` holds the
//! last sequence number and hash, so a removed last entry is found too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError, T, Tx, TxError, seq_key};
use crate::domain::{CompartmentId, ParcelId};

const HEAD_KEY: &[u8] = b"audit_head";
const GENESIS: [u8; 32] = [0; 32];

/// What a caller says about an action; the chain fields are added on append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub compartment: Option<CompartmentId>,
    pub parcel: Option<ParcelId>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub compartment: Option<CompartmentId>,
    pub parcel: Option<ParcelId>,
    pub detail: String,
    /// Hex SHA-256 of the previous entry's bytes (zeros for the first).
    pub prev: String,
}

#[derive(Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

impl<'a> Tx<'a> {
    /// Appends one entry to the chain inside the current transaction.
    pub fn audit<E>(&self, d: AuditDraft) -> Result<u64, TxError<E>> {
        let meta = self.raw(T::Meta);
        let (seq, prev) = match meta.get(HEAD_KEY)? {
            None => (0, hex::encode(GENESIS)),
            Some(v) => {
                let h: Head = serde_json::from_slice(&v)
                    .map_err(|e| TxError::Corrupt("meta", format!("audit head: {e}")))?;
                (h.seq, h.hash)
            }
        };
        let entry = AuditEntry {
            seq: seq + 1,
            at: d.at,
            actor: d.actor,
            action: d.action,
            compartment: d.compartment,
            parcel: d.parcel,
            detail: d.detail,
            prev,
        };
        let bytes =
            serde_json::to_vec(&entry).map_err(|e| TxError::Corrupt("audit", e.to_string()))?;
        let head = Head {
            seq: entry.seq,
            hash: hex::encode(Sha256::digest(&bytes)),
        };
        self.raw(T::Audit).insert(&seq_key(entry.seq), bytes)?;
        let head =
            serde_json::to_vec(&head).map_err(|e| TxError::Corrupt("meta", e.to_string()))?;
        meta.insert(HEAD_KEY, head)?;
        Ok(entry.seq)
    }
}

/// Appends many entries at once, in batches outside any transaction: for
/// loading a log (benchmarks, tests, an imported service log), never for
/// a state change, whose entry belongs in the change's own transaction.
/// The chain and its head come out exactly as `Tx::audit` would write them.
pub fn append_many(
    store: &Store,
    drafts: impl IntoIterator<Item = AuditDraft>,
) -> Result<u64, StoreError> {
    const BATCH: usize = 10_000;
    let (mut seq, mut prev) = match store.get::<Head>(T::Meta, HEAD_KEY)? {
        None => (0, hex::encode(GENESIS)),
        Some(h) => (h.seq, h.hash),
    };
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        tree: "audit",
        reason: e.to_string(),
    };
    let tree = store.tree(T::Audit);
    let mut batch = sled::Batch::default();
    let mut pending = 0;
    let mut written = 0;
    let write_head = |seq: u64, hash: &str| -> Result<(), StoreError> {
        let head = serde_json::to_vec(&Head {
            seq,
            hash: hash.to_string(),
        })
        .map_err(corrupt)?;
        store.tree(T::Meta).insert(HEAD_KEY, head)?;
        Ok(())
    };
    for d in drafts {
        seq += 1;
        let entry = AuditEntry {
            seq,
            at: d.at,
            actor: d.actor,
            action: d.action,
            compartment: d.compartment,
            parcel: d.parcel,
            detail: d.detail,
            prev,
        };
        let bytes = serde_json::to_vec(&entry).map_err(corrupt)?;
        prev = hex::encode(Sha256::digest(&bytes));
        batch.insert(&seq_key(seq), bytes);
        pending += 1;
        written += 1;
        if pending == BATCH {
            tree.apply_batch(std::mem::take(&mut batch))?;
            write_head(seq, &prev)?;
            pending = 0;
        }
    }
    tree.apply_batch(batch)?;
    write_head(seq, &prev)?;
    Ok(written)
}

/// The outcome of `locker audit verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    /// The first break in the chain, if any.
    pub broken: Option<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }
}

/// Walks the whole chain once, in constant memory. Nothing may append
/// meanwhile (the engine's thread, or a stopped kiosk).
pub fn verify(store: &Store) -> Result<VerifyReport, StoreError> {
    verify_chain(store, true)
}

/// The same while the engine may be appending: only the entries up to the
/// head read first are checked. A break it reports may be an append caught
/// half-way, so confirm one with [`verify`] before believing it.
pub fn verify_while_running(store: &Store) -> Result<VerifyReport, StoreError> {
    verify_chain(store, false)
}

fn verify_chain(store: &Store, exclusive: bool) -> Result<VerifyReport, StoreError> {
    let head: Option<Head> = store.get(T::Meta, HEAD_KEY)?;
    let mut prev = hex::encode(GENESIS);
    let mut checked = 0u64;
    let broken = |checked, why: String| {
        Ok(VerifyReport {
            checked,
            broken: Some(why),
        })
    };
    let tree = store.tree(T::Audit);
    let entries = match (&head, exclusive) {
        (Some(h), false) => tree.range(..=seq_key(h.seq)),
        _ => tree.range::<&[u8], _>(..),
    };
    for item in entries {
        let expected = checked + 1;
        let (k, v) = item?;
        let entry: AuditEntry = match serde_json::from_slice(&v) {
            Ok(e) => e,
            Err(e) => return broken(checked, format!("entry {expected} is unreadable: {e}")),
        };
        let key_seq = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes).ok();
        if key_seq != Some(expected) || entry.seq != expected {
            return broken(
                checked,
                format!(
                    "entry {expected} is missing or out of place (found {})",
                    entry.seq
                ),
            );
        }
        if entry.prev != prev {
            return broken(
                checked,
                format!(
                    "entry {expected} does not follow entry {}: an entry was changed",
                    expected - 1
                ),
            );
        }
        prev = hex::encode(Sha256::digest(&v));
        checked += 1;
    }
    match head {
        None if checked == 0 => Ok(VerifyReport {
            checked,
            broken: None,
        }),
        None => broken(checked, "the chain head is missing".into()),
        Some(h) if h.seq != checked => broken(
            checked,
            format!(
                "the chain ends at entry {checked} but {} were written",
                h.seq
            ),
        ),
        Some(h) if h.hash != prev => broken(checked, format!("entry {checked} was changed")),
        Some(_) => Ok(VerifyReport {
            checked,
            broken: None,
        }),
    }
}

/// Filters for the paged viewer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub compartment: Option<CompartmentId>,
    /// One parcel's history.
    pub parcel: Option<ParcelId>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        self.actor.as_ref().is_none_or(|a| &e.actor == a)
            && self.compartment.is_none_or(|c| e.compartment == Some(c))
            && self.parcel.is_none_or(|p| e.parcel == Some(p))
            && self
                .action
                .as_ref()
                .is_none_or(|a| e.action.contains(a.as_str()))
            && self.from.is_none_or(|f| e.at >= f)
            && self.to.is_none_or(|t| e.at <= t)
    }
}

/// Up to `limit` entries older than `before` (newest first): pages through
/// sled, never loading the log. `before = None` starts at the newest.
pub fn page(
    store: &Store,
    before: Option<u64>,
    limit: usize,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, StoreError> {
    let tree = store.tree(T::Audit);
    let iter = match before {
        Some(b) => tree.range(..seq_key(b)),
        None => tree.iter(),
    };
    let mut out = Vec::with_capacity(limit);
    for item in iter.rev() {
        let (_, v) = item?;
        let e = decode(&v)?;
        if filter.matches(&e) {
            out.push(e);
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Up to `limit` entries after sequence number `after`, oldest first: an
/// export in pieces (the control socket), in constant memory.
pub fn range(store: &Store, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
    let mut out = Vec::with_capacity(limit.min(1024));
    if limit == 0 {
        return Ok(out);
    }
    for item in store
        .tree(T::Audit)
        .range(seq_key(after.saturating_add(1))..)
    {
        let (_, v) = item?;
        out.push(decode(&v)?);
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}

fn decode(v: &[u8]) -> Result<AuditEntry, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt {
        tree: "audit",
        reason: e.to_string(),
    })
}

/// The whole log, oldest first, one entry at a time (for export).
pub fn for_each(
    store: &Store,
    mut f: impl FnMut(AuditEntry) -> std::io::Result<()>,
) -> Result<u64, StoreError> {
    let mut n = 0;
    for item in store.tree(T::Audit).iter() {
        let (_, v) = item?;
        f(decode(&v)?)?;
        n += 1;
    }
    Ok(n)
}
