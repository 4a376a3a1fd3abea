//! Local state in sled: typed trees, one transaction per state change.
//!
//! Every change and the audit entry, notification and marker it causes are
//! written in ONE sled transaction (docs/RELIABILITY.md): no code without its stored
//! parcel, no stored parcel without its audit entry. Values are JSON so that
//! a technician can read an export; keys are big-endian integers or short
//! strings so that sled's order is the natural order.

pub mod audit;
pub mod csv;
pub mod records;

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, TransactionalTree, UnabortableTransactionError,
};
use sled::{Transactional, Tree};

pub use audit::{AuditDraft, AuditEntry, VerifyReport};
pub use records::*;

/// Bumped when the layout of a tree changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error("database {path} is in use by another locker process")]
    Locked { path: PathBuf },
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    #[error("corrupt record in {tree}: {reason}")]
    Corrupt { tree: &'static str, reason: String },
    #[error("database schema {found} is newer than this program ({SCHEMA_VERSION})")]
    Schema { found: u32 },
    #[error("{} holds no locker database: run `locker init` first", dir.display())]
    NotInitialised { dir: PathBuf },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The trees, in the order a transaction view holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum T {
    Meta,
    Compartments,
    Parcels,
    /// Parcel ids of parcels in the locker (depositing, stored, expired).
    Live,
    /// argon2id code key -> parcel id.
    Codes,
    /// Dead code keys -> why (used, expired, rotated), to explain a refusal.
    DeadCodes,
    /// QR token key -> parcel id.
    Qr,
    Recipients,
    Users,
    Audit,
    Markers,
    Intents,
    Outbox,
    Fees,
    Alerts,
    /// Return id -> the return as authorised.
    Returns,
    /// Keyed hash of a return code -> return id (live returns only).
    ReturnCodes,
    /// Directory key (`recipient/…`, `user/…`) -> the stamp of the
    /// record's version here (docs/FLEET.md); a removed account keeps its.
    Stamps,
    /// Directory keys changed here and not yet on the property's broker ->
    /// the stamp of the change.
    DirectoryOut,
    /// A live code's fingerprint under the property's site key -> parcel
    /// id, so that another kiosk of the site can ask whose a code is.
    SiteCodes,
}

const TREE_NAMES: [&str; 20] = [
    "meta",
    "compartments",
    "parcels",
    "live",
    "codes",
    "dead_codes",
    "qr",
    "recipients",
    "users",
    "audit",
    "markers",
    "intents",
    "outbox",
    "fees",
    "alerts",
    "returns",
    "return_codes",
    "stamps",
    "directory_out",
    "site_codes",
];

impl T {
    pub fn name(self) -> &'static str {
        TREE_NAMES[self as usize]
    }
}

/// sled's page cache.
const CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// Cheap to clone: every clone is the same open database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    trees: Vec<Tree>,
    path: PathBuf,
    /// A transaction committed since the last flush. sled's own flusher
    /// is off (it fsyncs twice a second even with nothing to write, and an
    /// idle kiosk must leave its SD card alone): the engine thread flushes
    /// shortly after a commit instead (`engine::runner`), a pulse flushes
    /// at once, and dropping the database flushes what is left.
    dirty: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Creates `dir` (0700) if needed and makes files created by this process
/// private (0600).
pub fn prepare_private_dir(dir: &Path) -> std::io::Result<()> {
    // SAFETY: umask only changes the creation mode of later files.
    unsafe {
        libc::umask(0o077);
    }
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

impl Store {
    /// Whether `data_dir` holds a database: `locker init`, the demo and the
    /// service console's audit log all leave sled's directory `db` there.
    pub fn exists(data_dir: &Path) -> bool {
        data_dir.join("db").is_dir()
    }

    /// Opens the database in `data_dir/db`, never creating one: a mistyped
    /// data directory must not turn into an empty locker that answers
    /// every question with "nothing here".
    pub fn open_existing(data_dir: &Path) -> Result<Self, StoreError> {
        if !Self::exists(data_dir) {
            return Err(StoreError::NotInitialised {
                dir: data_dir.to_path_buf(),
            });
        }
        Self::open(data_dir)
    }

    /// Opens (or creates) the database in `data_dir/db`.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        prepare_private_dir(data_dir)?;
        let path = data_dir.join("db");
        // sled's page cache defaults to 1 GiB; a kiosk's working set (live
        // parcels, the newest audit pages) is far smaller, and the machine's
        // memory is small too (docs/PERFORMANCE.md: 50 MB resident).
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(CACHE_BYTES)
            .flush_every_ms(None)
            .open().map_err(|source| {
            let busy = matches!(&source, sled::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                || source.to_string().contains("lock");
            if busy {
                StoreError::Locked { path: path.clone() }
            } else {
                StoreError::Open { path: path.clone(), source }
            }
        })?;
        let trees = TREE_NAMES
            .iter()
            .map(|n| db.open_tree(n))
            .collect::<Result<Vec<_>, _>>()?;
        let store = Self {
            db,
            trees,
            path,
            dirty: Default::default(),
        };
        store.check_schema()?;
        Ok(store)
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.tree(T::Meta);
        match meta.get("schema")? {
            None => {
                meta.insert("schema", SCHEMA_VERSION.to_be_bytes().to_vec())?;
                Ok(())
            }
            Some(v) => {
                let found =
                    u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                        tree: "meta",
                        reason: "schema version".into(),
                    })?);
                if found > SCHEMA_VERSION {
                    Err(StoreError::Schema { found })
                } else {
                    Ok(())
                }
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn tree(&self, t: T) -> &Tree {
        &self.trees[t as usize]
    }

    /// Durably writes everything committed so far. Called before any pulse.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.dirty
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.db.flush()?;
        Ok(())
    }

    /// Whether anything was committed since the last flush; clears the
    /// mark, so the caller is the one to flush.
    pub fn take_dirty(&self) -> bool {
        self.dirty.swap(false, std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `f` in one transaction over every tree. `f` may run more than
    /// once on conflict, so it must not have side effects outside `tx`.
    pub fn transact<R, E>(
        &self,
        f: impl Fn(&Tx<'_>) -> Result<R, TxError<E>>,
    ) -> Result<R, TxFailure<E>> {
        let refs: Vec<&Tree> = self.trees.iter().collect();
        // Marked before, not after: a flush racing the commit then flushes
        // again later rather than never.
        self.dirty.store(true, std::sync::atomic::Ordering::Relaxed);
        refs.as_slice()
            .transaction(|view| {
                let tx = Tx { trees: view };
                f(&tx).map_err(|e| match e {
                    TxError::Abort(e) => ConflictableTransactionError::Abort(TxAbort::Caller(e)),
                    TxError::Corrupt(tree, reason) => {
                        ConflictableTransactionError::Abort(TxAbort::Corrupt(tree, reason))
                    }
                    TxError::Sled(u) => match u {
                        UnabortableTransactionError::Conflict => {
                            ConflictableTransactionError::Conflict
                        }
                        UnabortableTransactionError::Storage(s) => {
                            ConflictableTransactionError::Storage(s)
                        }
                    },
                })
            })
            .map_err(|e| match e {
                TransactionError::Abort(TxAbort::Caller(e)) => TxFailure::Refused(e),
                TransactionError::Abort(TxAbort::Corrupt(tree, reason)) => {
                    TxFailure::Store(StoreError::Corrupt { tree, reason })
                }
                TransactionError::Storage(s) => TxFailure::Store(StoreError::Sled(s)),
            })
    }

    /// Reads one JSON record outside a transaction.
    pub fn get<V: DeserializeOwned>(&self, t: T, key: &[u8]) -> Result<Option<V>, StoreError> {
        match self.tree(t).get(key)? {
            None => Ok(None),
            Some(v) => decode(t, &v)
                .map(Some)
                .map_err(|reason| StoreError::Corrupt {
                    tree: t.name(),
                    reason,
                }),
        }
    }

    /// Every record of a tree, in key order.
    pub fn all<V: DeserializeOwned>(&self, t: T) -> Result<Vec<V>, StoreError> {
        self.tree(t)
            .iter()
            .map(|r| {
                let (_, v) = r?;
                decode(t, &v).map_err(|reason| StoreError::Corrupt {
                    tree: t.name(),
                    reason,
                })
            })
            .collect()
    }
}

fn decode<V: DeserializeOwned>(_t: T, bytes: &[u8]) -> Result<V, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

enum TxAbort<E> {
    Caller(E),
    Corrupt(&'static str, String),
}

/// What a transaction body may fail with.
pub enum TxError<E> {
    /// The caller's refusal: nothing is written.
    Abort(E),
    Corrupt(&'static str, String),
    Sled(UnabortableTransactionError),
}

impl<E> From<UnabortableTransactionError> for TxError<E> {
    fn from(e: UnabortableTransactionError) -> Self {
        TxError::Sled(e)
    }
}

/// How a transaction ended when it did not commit.
#[derive(Debug)]
pub enum TxFailure<E> {
    Refused(E),
    Store(StoreError),
}

/// A typed view of every tree inside one transaction.
pub struct Tx<'a> {
    trees: &'a [TransactionalTree],
}

impl Tx<'_> {
    pub fn raw(&self, t: T) -> &TransactionalTree {
        &self.trees[t as usize]
    }

    pub fn get<V: DeserializeOwned, E>(&self, t: T, key: &[u8]) -> Result<Option<V>, TxError<E>> {
        match self.raw(t).get(key)? {
            None => Ok(None),
            Some(v) => decode(t, &v)
                .map(Some)
                .map_err(|r| TxError::Corrupt(t.name(), r)),
        }
    }

    pub fn put<V: Serialize, E>(&self, t: T, key: &[u8], value: &V) -> Result<(), TxError<E>> {
        let bytes =
            serde_json::to_vec(value).map_err(|e| TxError::Corrupt(t.name(), e.to_string()))?;
        self.raw(t).insert(key, bytes)?;
        Ok(())
    }

    pub fn del<E>(&self, t: T, key: &[u8]) -> Result<(), TxError<E>> {
        self.raw(t).remove(key)?;
        Ok(())
    }

    /// The next value of a named counter in `meta`, starting at 1.
    pub fn next_seq<E>(&self, name: &str) -> Result<u64, TxError<E>> {
        let key = format!("seq:{name}");
        let meta = self.raw(T::Meta);
        let cur = match meta.get(key.as_bytes())? {
            Some(v) => u64::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| TxError::Corrupt("meta", format!("counter {name}")))?,
            ),
            None => 0,
        };
        let next = cur + 1;
        meta.insert(key.as_bytes(), next.to_be_bytes().to_vec())?;
        Ok(next)
    }
}

/// Big-endian key of a sequence number: sled's order is numeric order.
pub fn seq_key(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}
