//! A writer that counts what the screen costs on the wire. At 9600 baud a
//! byte is ~1 ms, so byte budgets are the kiosk's real latency budget; tests
//! and `locker bus bench` read them through a [`ByteMeter`].

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The shared readout of a [`CountingWriter`]; clones read the same counts,
/// so a test keeps one while the writer lives inside the terminal.
#[derive(Debug, Clone, Default)]
pub struct ByteMeter {
    bytes: Arc<AtomicU64>,
    writes: Arc<AtomicU64>,
    kept: Option<Arc<Mutex<Vec<u8>>>>,
}

impl ByteMeter {
    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// `write` calls that carried at least one byte (each is a syscall on a
    /// real tty).
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// The bytes written since the last `take_kept`, when keeping them.
    pub fn take_kept(&self) -> Vec<u8> {
        match &self.kept {
            Some(kept) => std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner())),
            None => Vec::new(),
        }
    }

    /// The bytes written since the last call: "what did this one frame
    /// cost". Returns 0 when nothing was written.
    pub fn bytes_since(&self, mark: &mut u64) -> u64 {
        let now = self.bytes();
        let since = now.saturating_sub(*mark);
        *mark = now;
        since
    }
}

/// A `Write` that counts bytes and `write` calls, optionally keeps the
/// bytes, and passes them on to an inner writer (a sink by default).
#[derive(Debug)]
pub struct CountingWriter<W: Write = io::Sink> {
    inner: W,
    meter: ByteMeter,
}

impl CountingWriter<io::Sink> {
    /// Counts and discards.
    pub fn new() -> Self {
        Self::wrapping(io::sink())
    }

    /// Counts, discards, and keeps a copy for [`ByteMeter::take_kept`].
    pub fn keeping() -> Self {
        let mut writer = Self::new();
        writer.meter.kept = Some(Arc::default());
        writer
    }
}

impl Default for CountingWriter<io::Sink> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: Write> CountingWriter<W> {
    /// Counts what goes to `inner` (e.g. the real tty, for a bench).
    pub fn wrapping(inner: W) -> Self {
        Self {
            inner,
            meter: ByteMeter::default(),
        }
    }

    pub fn meter(&self) -> ByteMeter {
        self.meter.clone()
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if n > 0 {
            self.meter.bytes.fetch_add(n as u64, Ordering::Relaxed);
            self.meter.writes.fetch_add(1, Ordering::Relaxed);
            if let Some(kept) = &self.meter.kept {
                kept.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_and_writes_through_a_shared_meter() {
        let mut writer = CountingWriter::new();
        let meter = writer.meter();
        writer.write_all(b"hello").unwrap();
        writer.write_all(b"").unwrap();
        writer.write_all(b", kiosk").unwrap();
        writer.flush().unwrap();
        assert_eq!(meter.bytes(), 12);
        assert_eq!(meter.writes(), 2);
        assert!(meter.take_kept().is_empty(), "not keeping");
    }

    #[test]
    fn keeps_bytes_when_asked_and_hands_them_over_once() {
        let mut writer = CountingWriter::keeping();
        let meter = writer.meter();
        writer.write_all(b"\x1b[2J").unwrap();
        assert_eq!(meter.take_kept(), b"\x1b[2J");
        assert!(meter.take_kept().is_empty());
    }

    #[test]
    fn bytes_since_measures_one_step() {
        let mut writer = CountingWriter::wrapping(Vec::new());
        let meter = writer.meter();
        let mut mark = 0;
        writer.write_all(b"abc").unwrap();
        assert_eq!(meter.bytes_since(&mut mark), 3);
        assert_eq!(meter.bytes_since(&mut mark), 0);
        writer.write_all(b"de").unwrap();
        assert_eq!(meter.bytes_since(&mut mark), 2);
        assert_eq!(writer.into_inner(), b"abcde");
    }
}
