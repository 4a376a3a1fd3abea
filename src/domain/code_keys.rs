//! The secret behind access codes and QR tokens (docs/SECURITY.md, ADR 0010).
//!
//! A parcel's code and QR token are derived with HMAC-SHA-256 from a key
//! kept outside the database and a random nonce, and live codes are indexed
//! by a keyed HMAC of the code. The database alone therefore holds no code,
//! no token and nothing to test a guess against; the outbox keeps the nonce
//! until the message is out, and derives the code again when it sends.
//!
//! The key file holds one key per line, the newest first: new codes use the
//! newest, lookups try each, so adding a key never kills a live code.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::code::{AccessCode, QrToken};

type HmacSha256 = Hmac<Sha256>;

/// What makes one parcel's code and token: which key, and a nonce.
/// Kept in an unsent message, never beside the code itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSeed {
    /// The key's id (hex), see [`CodeKeys::ids`].
    pub key: String,
    /// 16 random bytes, hex.
    pub nonce: String,
}

/// One key: 32 secret bytes and an id derived from them.
#[derive(Clone)]
struct CodeKey {
    id: String,
    secret: [u8; 32],
}

impl CodeKey {
    fn new(secret: [u8; 32]) -> Self {
        let id = hex::encode(&mac(&secret, &[b"locker key id v1"])[..6]);
        Self { id, secret }
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        mac(&self.secret, parts)
    }
}

fn mac(secret: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    for p in parts {
        // Lengths first, so that no two different part lists hash alike.
        m.update(&(p.len() as u32).to_be_bytes());
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// What the two code indexes hash under, so that a pickup code and a
/// return code of the same digits never share an index key.
const CODE_INDEX: &[u8] = b"locker code index v1";
const RETURN_INDEX: &[u8] = b"locker return index v1";
/// What a property's kiosks fingerprint a pickup code under, to ask one
/// another whose it is (docs/FLEET.md).
const SITE_INDEX: &[u8] = b"locker site code v1";

/// `n` decimal digits from a keyed hash of the nonce under `label`.
fn digits(key: &CodeKey, label: &[u8], kiosk: &str, nonce: &[u8], n: u32) -> Option<String> {
    let c = key.mac(&[label, kiosk.as_bytes(), nonce]);
    let v = u64::from_be_bytes(c[..8].try_into().ok()?) % 10u64.pow(n);
    Some(format!("{v:0width$}", width = n as usize))
}

/// The kiosk's code keys, the newest first.
#[derive(Clone)]
pub struct CodeKeys {
    keys: Vec<CodeKey>,
    /// Keyed hashes of typed codes so far, so tests can hold the rule of
    /// one per lookup.
    lookups: Arc<AtomicU64>,
}

impl fmt::Debug for CodeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeKeys")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{path}: missing")]
    Missing { path: String },
    #[error("{path}: {reason}")]
    Bad { path: String, reason: String },
}

impl CodeKeys {
    fn from_keys(keys: Vec<CodeKey>) -> Self {
        Self {
            keys,
            lookups: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Keyed hashes of typed codes so far (by this ring and its clones).
    pub fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }

    /// One fresh key from the OS CSPRNG.
    pub fn generate() -> Self {
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        Self::from_keys(vec![CodeKey::new(secret)])
    }

    /// A fixed key for tests: engines reopened on the same data see the
    /// same codes, as a kiosk restarted with its key file does.
    pub fn for_tests() -> Self {
        Self::from_keys(vec![CodeKey::new([0x5a; 32])])
    }

    /// Adds a new newest key; the old ones still open their codes.
    pub fn rotate(&mut self) {
        let mut fresh = Self::generate();
        fresh.keys.append(&mut self.keys);
        self.keys = fresh.keys;
    }

    /// The ids of the keys, newest first. An id tells keys apart and says
    /// nothing about the secret.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    pub fn holds(&self, id: &str) -> bool {
        self.keys.iter().any(|k| k.id == id)
    }

    fn newest(&self) -> &CodeKey {
        &self.keys[0]
    }

    fn by_id(&self, id: &str) -> Option<&CodeKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// A fresh seed under the newest key.
    pub fn new_seed(&self) -> CodeSeed {
        let mut nonce = [0u8; 16];
        OsRng.fill_bytes(&mut nonce);
        CodeSeed {
            key: self.newest().id.clone(),
            nonce: hex::encode(nonce),
        }
    }

    /// The code and QR token a seed stands for, or `None` when its key is
    /// not in this file (or the seed is damaged).
    pub fn derive(&self, kiosk: &str, seed: &CodeSeed) -> Option<(AccessCode, QrToken)> {
        let key = self.by_id(&seed.key)?;
        let nonce = hex::decode(&seed.nonce).ok()?;
        let code = AccessCode::parse(&digits(key, b"locker code v1", kiosk, &nonce, 6)?)?;
        let q = key.mac(&[b"locker qr v1", kiosk.as_bytes(), &nonce]);
        let mut secret = [0u8; 16];
        secret.copy_from_slice(&q[..16]);
        Some((
            code,
            QrToken {
                kiosk: kiosk.to_string(),
                secret,
            },
        ))
    }

    /// The id of the newest key, which new codes are made under.
    pub fn newest_id(&self) -> &str {
        &self.newest().id
    }

    /// The index key of a code under the key named by `id`.
    pub fn index_under(&self, id: &str, code: &AccessCode) -> Option<[u8; 32]> {
        self.by_id(id)
            .map(|k| k.mac(&[CODE_INDEX, code.as_str().as_bytes()]))
    }

    /// The index keys a typed code may be filed under: one keyed hash per
    /// key in the file (one, unless a key was added recently).
    pub fn index_keys(&self, code: &AccessCode) -> Vec<[u8; 32]> {
        self.indexes(CODE_INDEX, code.as_str())
    }

    /// The return code a seed stands for: eight digits, made like a
    /// pickup code's but under its own label, so the two never coincide.
    pub fn derive_return(&self, kiosk: &str, seed: &CodeSeed) -> Option<String> {
        let key = self.by_id(&seed.key)?;
        let nonce = hex::decode(&seed.nonce).ok()?;
        digits(key, b"locker return code v1", kiosk, &nonce, 8)
    }

    /// The index key of a return code (normalised, see
    /// `returns::normalize_code`) under the key named by `id`.
    pub fn return_index_under(&self, id: &str, code: &str) -> Option<[u8; 32]> {
        self.by_id(id)
            .map(|k| k.mac(&[RETURN_INDEX, code.as_bytes()]))
    }

    /// The index keys a typed return code may be filed under, one per key.
    pub fn return_index_keys(&self, code: &str) -> Vec<[u8; 32]> {
        self.indexes(RETURN_INDEX, code)
    }

    /// A pickup code's fingerprints across the property `site`, one per
    /// key of this ring, which is the site's key file shared by its
    /// kiosks: the newest files a code, each is asked for.
    pub fn site_fingerprints(&self, site: &str, code: &AccessCode) -> Vec<[u8; 32]> {
        self.keys
            .iter()
            .map(|k| k.mac(&[SITE_INDEX, site.as_bytes(), code.as_str().as_bytes()]))
            .collect()
    }

    /// One keyed hash of `text` under `label` per key, counted as lookups.
    fn indexes(&self, label: &[u8], text: &str) -> Vec<[u8; 32]> {
        self.lookups
            .fetch_add(self.keys.len() as u64, Ordering::Relaxed);
        self.keys
            .iter()
            .map(|k| k.mac(&[label, text.as_bytes()]))
            .collect()
    }

    /// Reads a key file: one key of 64 hex digits per line, newest first;
    /// `#` starts a comment. The file must not be readable by others.
    pub fn load(path: &Path) -> Result<CodeKeys, KeyFileError> {
        let shown = path.display().to_string();
        let bad = |reason: String| KeyFileError::Bad {
            path: shown.clone(),
            reason,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyFileError::Missing { path: shown });
            }
            Err(e) => return Err(bad(format!("cannot read: {e}"))),
        };
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| bad(e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(bad(format!(
                    "readable by others (mode {:o}): chmod 600 it",
                    mode & 0o777
                )));
            }
        }
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bytes = hex::decode(line)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| bad(format!("line {}: not a key of 64 hex digits", n + 1)))?;
            keys.push(CodeKey::new(bytes));
        }
        if keys.is_empty() {
            return Err(bad("holds no key".into()));
        }
        Ok(Self::from_keys(keys))
    }

    /// Writes the file 0600, whole or not at all.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        self.save_titled(
            path,
            "locker code keys, newest first. Keep this file secret and backed up apart from the data directory.",
        )
    }

    /// [`CodeKeys::save`], with `title` as the file's first line.
    pub fn save_titled(&self, path: &Path, title: &str) -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let tmp = path.with_extension("key.new");
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        writeln!(f, "# {title}")?;
        for k in &self.keys {
            writeln!(f, "{}", hex::encode(k.secret))?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_code_and_token_every_time() {
        let keys = CodeKeys::generate();
        let seed = keys.new_seed();
        let (c1, q1) = keys.derive("A", &seed).unwrap();
        let (c2, q2) = keys.derive("A", &seed).unwrap();
        assert_eq!(c1, c2);
        assert_eq!(q1.payload(), q2.payload());
        assert!(q1.payload().starts_with("LKR1:A:"));
        // Another kiosk, nonce or key gives another code.
        let other = keys.new_seed();
        assert_ne!(keys.derive("A", &other).unwrap().1.payload(), q1.payload());
        assert_ne!(keys.derive("B", &seed).unwrap().1.payload(), q1.payload());
        assert!(CodeKeys::generate().derive("A", &seed).is_none());
    }

    #[test]
    fn the_index_needs_the_key() {
        let a = CodeKeys::generate();
        let b = CodeKeys::generate();
        let code = AccessCode::parse("123456").unwrap();
        assert_eq!(a.index_keys(&code), a.index_keys(&code));
        assert_ne!(a.index_keys(&code), b.index_keys(&code));
    }

    #[test]
    fn return_codes_are_eight_digits_apart_from_pickup_codes() {
        let keys = CodeKeys::generate();
        let seed = keys.new_seed();
        let code = keys.derive_return("A", &seed).unwrap();
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(keys.derive_return("A", &seed).unwrap(), code);
        assert_ne!(keys.derive_return("B", &seed).unwrap(), code);
        // The same text indexes differently as a pickup code and a return code.
        let six = AccessCode::parse(&code[..6]).unwrap();
        assert_ne!(
            keys.index_under(&seed.key, &six),
            keys.return_index_under(&seed.key, &code[..6])
        );
        assert!(
            keys.return_index_keys(&code)
                .contains(&keys.return_index_under(&seed.key, &code).unwrap())
        );
    }

    #[test]
    fn a_rotated_file_still_opens_old_codes() {
        let mut keys = CodeKeys::generate();
        let seed = keys.new_seed();
        let old_id = seed.key.clone();
        let (code, _) = keys.derive("A", &seed).unwrap();
        let old_index = keys.index_under(&old_id, &code).unwrap();
        keys.rotate();
        assert_ne!(keys.new_seed().key, old_id);
        assert!(keys.holds(&old_id));
        assert!(keys.index_keys(&code).contains(&old_index));
        assert_eq!(keys.derive("A", &seed).unwrap().0, code);
    }

    #[test]
    fn key_files_round_trip_private_and_refuse_bad_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locker.key");
        assert!(matches!(
            CodeKeys::load(&path),
            Err(KeyFileError::Missing { .. })
        ));
        let mut keys = CodeKeys::generate();
        keys.rotate();
        keys.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let back = CodeKeys::load(&path).unwrap();
        assert_eq!(
            back.ids().collect::<Vec<_>>(),
            keys.ids().collect::<Vec<_>>()
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = CodeKeys::load(&path).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
        std::fs::write(&path, "nothing here\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = CodeKeys::load(&path).unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn debug_shows_ids_not_secrets() {
        let keys = CodeKeys::for_tests();
        let shown = format!("{keys:?}");
        assert!(!shown.contains(&hex::encode([0x5a; 32])));
        assert!(shown.contains(keys.ids().next().unwrap()));
    }
}
