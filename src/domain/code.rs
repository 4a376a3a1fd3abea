//! Access codes, QR tokens and PINs.
//!
//! Codes are 6 digits and QR tokens carry 128 bits, both derived from the
//! kiosk's key file (`code_keys`, ADR 0010); QR tokens are indexed by
//! SHA-256. PINs are ordinary argon2id PHC strings with their own salts,
//! checked one at a time on one reused buffer.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A 6-digit access code in plaintext. Only lives in memory and in a
/// not-yet-sent notification; `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

impl AccessCode {
    pub const LEN: usize = 6;

    /// A fresh code from the OS CSPRNG.
    pub fn random() -> Self {
        let n: u32 = OsRng.gen_range(0..1_000_000);
        Self(format!("{n:06}"))
    }

    /// Accepts exactly six ASCII digits (spaces are ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (digits.len() == Self::LEN && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode(******)")
    }
}

/// Argon2id cost. Defaults are the OWASP minimum the spec names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HashCost {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self {
            m_kib: 19_456,
            t: 2,
            p: 1,
        }
    }
}

impl HashCost {
    /// A cheap cost for tests only.
    pub const TEST: HashCost = HashCost {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    pub fn validate(&self) -> Result<(), String> {
        Params::new(self.m_kib, self.t, self.p, None)
            .map(|_| ())
            .map_err(|e| format!("invalid argon2 cost: {e}"))
    }

    fn argon2(&self) -> Argon2<'static> {
        // validate() runs on config load; fall back to defaults rather than panic.
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .unwrap_or_else(|_| Params::new(19_456, 2, 1, Some(32)).expect("default params"));
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// The largest memory cost a stored PIN hash may ask for (1 GiB): beyond
/// it the hash never matches and nothing is allocated.
pub const MAX_PIN_M_KIB: u32 = 1 << 20;

/// The one argon2 working area for PINs, shared by a hasher's clones. A
/// fresh area per evaluation (19 MiB at the default cost) is memory glibc
/// keeps: under socket sign-ins the kiosk would grow by hundreds of MiB.
#[derive(Default)]
struct Scratch(Mutex<Vec<Block>>);

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let blocks = self.0.lock().map(|b| b.len()).unwrap_or(0);
        write!(f, "Scratch({blocks} KiB)")
    }
}

impl Scratch {
    /// One evaluation at a time, in a buffer grown to the largest cost seen.
    fn hash_into(&self, argon2: &Argon2<'_>, pwd: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
        let mut blocks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let need = argon2.params().block_count();
        if blocks.len() < need {
            blocks.resize(need, Block::default());
        }
        let done = argon2
            .hash_password_into_with_memory(pwd, salt, out, &mut blocks[..need])
            .is_ok();
        release_pages(&mut blocks);
        done
    }
}

/// Hands the buffer's pages back to the kernel but keeps the allocation.
/// Between sign-ins the kiosk then carries none of the 19 MiB (docs/PERFORMANCE.md
/// allows it 50 MB in all); the next evaluation faults them back in, far
/// cheaper than the hash itself. What the pages hold does not matter:
/// argon2 writes every block before it reads it.
fn release_pages(blocks: &mut [Block]) {
    // SAFETY: sysconf has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    let start = blocks.as_mut_ptr() as usize;
    let from = start.next_multiple_of(page);
    let to = (start + std::mem::size_of_val(blocks)) / page * page;
    if to > from {
        // SAFETY: [from, to) is whole pages inside the buffer, which the
        // caller holds exclusively; any bytes are a valid Block.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_DONTNEED);
        }
    }
}

/// Hashes and checks PINs, counting argon2 evaluations so tests can see
/// what a sign-in costs.
#[derive(Clone, Debug)]
pub struct Hasher {
    cost: HashCost,
    evaluations: Arc<AtomicU64>,
    scratch: Arc<Scratch>,
}

impl Hasher {
    pub fn new(cost: HashCost) -> Self {
        Self {
            cost,
            evaluations: Arc::new(AtomicU64::new(0)),
            scratch: Arc::default(),
        }
    }

    /// Argon2id evaluations done so far by this hasher (and its clones).
    pub fn evaluations(&self) -> u64 {
        self.evaluations.load(Ordering::Relaxed)
    }

    fn count(&self) {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
    }

    /// A PHC string with its own random salt.
    pub fn hash_pin(&self, pin: &str) -> String {
        self.count();
        let salt = SaltString::generate(&mut OsRng);
        let argon2 = self.cost.argon2();
        let mut raw = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut raw)
            .expect("a generated salt decodes");
        let len = argon2
            .params()
            .output_len()
            .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(len, |out| {
            self.scratch
                .hash_into(&argon2, pin.as_bytes(), salt_bytes, out)
                .then_some(())
                .ok_or(argon2::password_hash::Error::Crypto)
        })
        .expect("argon2 with a generated salt");
        PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon2.params()).expect("argon2 params"),
            salt: Some(salt.as_salt()),
            hash: Some(output),
        }
        .to_string()
    }

    /// Verifies a PIN against a PHC string; a malformed string, or one
    /// asking for more than [`MAX_PIN_M_KIB`], never matches.
    pub fn verify_pin(&self, pin: &str, phc: &str) -> bool {
        self.count();
        self.recompute(pin, phc).unwrap_or(false)
    }

    fn recompute(&self, pin: &str, phc: &str) -> Option<bool> {
        let h = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(h.algorithm).ok()?;
        let version = h.version.map_or(Ok(Version::default()), Version::try_from);
        let params = Params::try_from(&h).ok()?;
        if params.m_cost() > MAX_PIN_M_KIB {
            return None;
        }
        let (salt, expected) = (h.salt?, h.hash?);
        let mut raw = [0u8; 64];
        let salt = salt.decode_b64(&mut raw).ok()?;
        let argon2 = Argon2::new(algorithm, version.ok()?, params);
        let computed = Output::init_with(expected.len(), |out| {
            self.scratch
                .hash_into(&argon2, pin.as_bytes(), salt, out)
                .then_some(())
                .ok_or(argon2::password_hash::Error::Crypto)
        })
        .ok()?;
        // Output's equality is constant-time.
        Some(computed == expected)
    }
}

/// How many digits a PIN has; the keypad and the console take as many.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=12;

/// A PIN must be 4 to 12 digits: it is typed on the keypad.
pub fn validate_pin(pin: &str) -> Result<(), &'static str> {
    if !PIN_DIGITS.contains(&pin.len()) {
        return Err("a PIN has 4 to 12 digits");
    }
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a PIN has digits only");
    }
    Ok(())
}

/// A one-time QR token: 128 random bits plus the kiosk it belongs to.
#[derive(Clone, PartialEq, Eq)]
pub struct QrToken {
    pub kiosk: String,
    pub secret: [u8; 16],
}

/// Scheme prefix of a QR payload, so a scan of anything else is recognised.
pub const QR_PREFIX: &str = "LKR1";

impl QrToken {
    pub fn random(kiosk: &str) -> Self {
        let mut secret = [0u8; 16];
        OsRng.fill_bytes(&mut secret);
        Self {
            kiosk: kiosk.to_string(),
            secret,
        }
    }

    /// What the QR code encodes: `LKR1:<kiosk>:<32 hex digits>`.
    pub fn payload(&self) -> String {
        format!("{QR_PREFIX}:{}:{}", self.kiosk, hex::encode(self.secret))
    }

    /// Parses a scanned payload; `None` for anything that is not ours.
    pub fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.trim().splitn(3, ':');
        if parts.next()? != QR_PREFIX {
            return None;
        }
        let kiosk = parts.next()?;
        let hex_secret = parts.next()?;
        if kiosk.is_empty() || kiosk.len() > 32 || hex_secret.len() != 32 {
            return None;
        }
        let bytes = hex::decode(hex_secret).ok()?;
        let secret: [u8; 16] = bytes.try_into().ok()?;
        Some(Self {
            kiosk: kiosk.to_string(),
            secret,
        })
    }

    /// The index key: SHA-256 is enough for 128 random bits.
    pub fn key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.kiosk.as_bytes());
        h.update([0]);
        h.update(self.secret);
        h.finalize().into()
    }
}

impl fmt::Debug for QrToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QrToken({}, ****)", self.kiosk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = AccessCode::random();
            assert_eq!(c.as_str().len(), 6);
            assert!(c.as_str().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn code_parse_rejects_wrong_length_and_letters() {
        assert!(AccessCode::parse("12345").is_none());
        assert!(AccessCode::parse("1234567").is_none());
        assert!(AccessCode::parse("12a456").is_none());
        assert_eq!(AccessCode::parse("123 456").unwrap().as_str(), "123456");
    }

    #[test]
    fn code_debug_hides_the_digits() {
        let c = AccessCode::parse("123456").unwrap();
        assert!(!format!("{c:?}").contains("123456"));
    }

    #[test]
    fn pins_verify_and_wrong_pins_fail() {
        let h = Hasher::new(HashCost::TEST);
        let phc = h.hash_pin("2468");
        assert!(phc.starts_with("$argon2id$"));
        assert!(h.verify_pin("2468", &phc));
        assert!(!h.verify_pin("2469", &phc));
        assert!(!h.verify_pin("2468", "not a phc string"));
    }

    #[test]
    fn default_pin_cost_is_the_spec_default() {
        let h = Hasher::new(HashCost::default());
        let phc = h.hash_pin("1234");
        assert!(phc.contains("m=19456,t=2,p=1"), "{phc}");
    }

    #[test]
    fn pins_hashed_by_plain_argon2_still_verify_and_the_other_way_round() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let h = Hasher::new(HashCost::TEST);
        let plain = HashCost::TEST.argon2();
        let salt = SaltString::generate(&mut OsRng);
        let old = plain.hash_password(b"2468", &salt).unwrap().to_string();
        assert!(h.verify_pin("2468", &old), "{old}");
        assert!(!h.verify_pin("2469", &old));
        // The argon2 crate's defaults: another cost and parameter order.
        let default = Argon2::default()
            .hash_password(b"13579", &salt)
            .unwrap()
            .to_string();
        assert!(h.verify_pin("13579", &default), "{default}");
        let new = h.hash_pin("2468");
        assert!(new.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{new}");
        let parsed = PasswordHash::new(&new).unwrap();
        assert!(Argon2::default().verify_password(b"2468", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"2469", &parsed).is_err());
    }

    #[test]
    fn one_working_buffer_serves_every_pin_and_every_clone() {
        let h = Hasher::new(HashCost::TEST);
        let clone = h.clone();
        assert!(Arc::ptr_eq(&h.scratch, &clone.scratch));
        let blocks = |h: &Hasher| h.scratch.0.lock().unwrap().len();
        let phc = h.hash_pin("1234");
        assert_eq!(blocks(&h), 64);
        let bigger = Hasher::new(HashCost {
            m_kib: 256,
            ..HashCost::TEST
        });
        let big_phc = bigger.hash_pin("1234");
        for _ in 0..3 {
            assert!(clone.verify_pin("1234", &big_phc));
            assert!(h.verify_pin("1234", &phc));
        }
        // Grown once to the largest cost asked for, then kept.
        assert_eq!(blocks(&h), 256);
        assert_eq!(h.evaluations(), 7);
    }

    #[test]
    fn an_absurd_memory_cost_never_matches_and_allocates_nothing() {
        let h = Hasher::new(HashCost::TEST);
        let phc = h.hash_pin("1234");
        h.scratch.0.lock().unwrap().clear();
        h.scratch.0.lock().unwrap().shrink_to_fit();
        for m in ["1048577", "4294967295"] {
            let absurd = phc.replace("m=64", &format!("m={m}"));
            assert!(!h.verify_pin("1234", &absurd), "{absurd}");
        }
        assert_eq!(h.scratch.0.lock().unwrap().capacity(), 0);
        for bad in [
            "",
            "$argon2id$v=19$m=64,t=1,p=1$",
            "$argon2id$v=99$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!h.verify_pin("1234", bad), "{bad}");
        }
    }

    #[test]
    fn qr_payload_round_trips_and_carries_the_kiosk() {
        let t = QrToken::random("A");
        let p = t.payload();
        assert!(p.starts_with("LKR1:A:"));
        let back = QrToken::parse(&p).unwrap();
        assert_eq!(back.kiosk, "A");
        assert_eq!(back.key(), t.key());
    }

    #[test]
    fn qr_parse_refuses_foreign_payloads() {
        for bad in [
            "",
            "hello",
            "LKR1:A:xyz",
            "LKR2:A:00112233445566778899aabbccddeeff",
            "LKR1::00112233445566778899aabbccddeeff",
        ] {
            assert!(QrToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn pin_rules() {
        assert!(validate_pin("1234").is_ok());
        assert!(validate_pin("123").is_err());
        assert!(validate_pin("12a4").is_err());
    }
}
