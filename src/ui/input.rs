//! Telling a person from a barcode scanner. A scanner is a keyboard wedge:
//! it types its payload in a few milliseconds and ends with Enter. A person
//! types a key every 100 ms or more. So keys that follow each other faster
//! than `burst_gap` are held back; a fast burst that ends in Enter is a
//! scan, and anything else is released key by key as intents once the
//! burst is over. A person's digit therefore shows up at most `burst_gap`
//! late, and a scanned "PX-482913" never turns into Pickup (`A`) or
//! Deposit (`B`). A key that no scan starts with (`#`, `*`) is not held
//! when no burst is under way, so Enter after a typed code waits for
//! nothing.
//!
//! Time is given with every key, never read here, so tests need no sleep.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{Intent, Keymap};

/// What one or more keys amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A key the keymap knows.
    Intent(Intent),
    /// A scanner's payload, without its Enter.
    Scan(String),
    /// A character typed into a text field (only in text entry).
    Typed(char),
    /// A key that means nothing here; screens ignore it.
    Unbound(KeyEvent),
}

/// How scans are told apart from people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanSettings {
    /// Keys closer together than this belong to one burst. Scanners send a
    /// key every 1-10 ms; people rarely under 60 ms, even pressing two keys
    /// at once.
    pub burst_gap: Duration,
    /// Shorter bursts are treated as keys: the shortest payload the kiosk
    /// reads (a recipient ID) is longer, and a person's accidental double
    /// press is not.
    pub min_scan_chars: usize,
    /// A longer burst is no scan the kiosk knows (a stuck key, line noise):
    /// it is released as keys.
    pub max_scan_chars: usize,
}

impl Default for ScanSettings {
    fn default() -> Self {
        Self {
            burst_gap: Duration::from_millis(30),
            min_scan_chars: 4,
            max_scan_chars: 256,
        }
    }
}

/// Turns timed key presses into [`Input`]s.
///
/// Feed every key with the time it arrived; whenever [`next_deadline`]
/// says so, call [`flush_due`] so that held-back keys come out.
///
/// [`next_deadline`]: InputDecoder::next_deadline
/// [`flush_due`]: InputDecoder::flush_due
#[derive(Debug, Clone)]
pub struct InputDecoder {
    keymap: Keymap,
    settings: ScanSettings,
    /// Printable keys of the current burst, oldest first.
    burst: Vec<KeyEvent>,
    /// When the last key of the burst arrived.
    last_key_at: Option<Instant>,
    text_entry: bool,
}

impl InputDecoder {
    pub fn new(keymap: Keymap, settings: ScanSettings) -> Self {
        Self {
            keymap,
            settings,
            burst: Vec::new(),
            last_key_at: None,
            text_entry: false,
        }
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// In text entry (an admin screen's name or reason field) printable
    /// keys are [`Input::Typed`] instead of intents, so `q` is a letter and
    /// not Quit. Enter, Backspace, Esc and arrows keep their intents; scans
    /// are still recognised.
    pub fn set_text_entry(&mut self, on: bool) {
        self.text_entry = on;
    }

    /// One key press at time `at`. Returns what is decided by now, oldest
    /// first; a printable key is usually held back (see `flush_due`).
    pub fn feed(&mut self, key: KeyEvent, at: Instant) -> Vec<Input> {
        let mut out = Vec::new();
        if key.kind == KeyEventKind::Release {
            return out;
        }
        if !self.burst.is_empty() && !self.is_within_burst(at) {
            self.release_burst(&mut out);
        }
        // A key that starts no payload the kiosk reads (`#`, `*`) and comes
        // with no burst under way is a person's: held back, it would only
        // make Enter wait `burst_gap` before every code is checked.
        if self.burst.is_empty() && printable_char(&key).is_some_and(|c| !c.is_alphanumeric()) {
            out.push(self.translate(key));
            return out;
        }
        if is_printable(&key) {
            self.burst.push(key);
            self.last_key_at = Some(at);
            if self.burst.len() > self.settings.max_scan_chars {
                self.release_burst(&mut out);
            }
            return out;
        }
        if key.code == KeyCode::Enter
            && self.burst.len() >= self.settings.min_scan_chars
            && self.is_within_burst(at)
        {
            let payload = self
                .burst
                .drain(..)
                .filter_map(|k| printable_char(&k))
                .collect();
            self.last_key_at = None;
            out.push(Input::Scan(payload));
            return out;
        }
        // Any other key ends the burst, and comes after it.
        self.release_burst(&mut out);
        out.push(self.translate(key));
        out
    }

    /// Held-back keys whose burst is over by `now`, as intents: a person's
    /// keys, or a burst that never ended in Enter.
    pub fn flush_due(&mut self, now: Instant) -> Vec<Input> {
        let mut out = Vec::new();
        if !self.burst.is_empty() && !self.is_within_burst(now) {
            self.release_burst(&mut out);
        }
        out
    }

    /// When `flush_due` will have something to release; `None` while
    /// nothing is held back. The event loop waits for a key or this
    /// instant, whichever comes first.
    pub fn next_deadline(&self) -> Option<Instant> {
        if self.burst.is_empty() {
            return None;
        }
        let last = self.last_key_at?;
        Some(last.checked_add(self.settings.burst_gap).unwrap_or(last))
    }

    /// Everything held back, now, whatever the time (e.g. when the screen
    /// changes under the keys).
    pub fn flush_all(&mut self) -> Vec<Input> {
        let mut out = Vec::new();
        self.release_burst(&mut out);
        out
    }

    /// Keys currently held back.
    pub fn held_back(&self) -> usize {
        self.burst.len()
    }

    fn is_within_burst(&self, at: Instant) -> bool {
        // A clock that went backwards counts as no gap at all.
        self.last_key_at
            .is_some_and(|last| at.saturating_duration_since(last) < self.settings.burst_gap)
    }

    fn release_burst(&mut self, out: &mut Vec<Input>) {
        let burst = std::mem::take(&mut self.burst);
        out.extend(burst.into_iter().map(|key| self.translate(key)));
        self.last_key_at = None;
    }

    fn translate(&self, key: KeyEvent) -> Input {
        if self.text_entry {
            if let Some(c) = printable_char(&key) {
                return Input::Typed(c);
            }
        }
        match self.keymap.intent(key) {
            Some(intent) => Input::Intent(intent),
            None => Input::Unbound(key),
        }
    }
}

/// A key a scanner could type: a character without Ctrl or Alt.
fn is_printable(key: &KeyEvent) -> bool {
    printable_char(key).is_some()
}

fn printable_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !c.is_control()
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
