//! The kiosk's terminal and input layer: what reaches the screen (a
//! serial-safe ratatui backend) and what comes from the keypad, keyboard and
//! barcode scanner (keymaps and the scan decoder).
//!
//! From a keypress to the wire:
//!
//! ```text
//! crossterm KeyEvent + Instant ─▶ InputDecoder (Keymap inside) ─▶ Input::{Intent, Scan, ..}
//!     ─▶ update(Model, Msg) ─▶ view(&Model, Frame) ─▶ Terminal<KioskBackend<W>> ─▶ tty
//! ```
//!
//! Wiring, in outline (the real loop runs the blocking `event::read` on its
//! own thread and stamps each key with `Instant::now()` as it is read, not
//! when it is handled):
//!
//! ```no_run
//! use std::io::{self, BufWriter};
//! use std::time::{Duration, Instant};
//!
//! use crossterm::event::{self, Event};
//! use locker::ui::{
//!     Input, InputDecoder, Intent, Keymap, KioskBackend, ScanSettings, TerminalProfile,
//!     screen_size_from_environment,
//! };
//! use ratatui::{Terminal, layout::Size};
//!
//! fn main() -> anyhow::Result<()> {
//!     // `[kiosk] terminal` when configured, else TERM.
//!     let profile = TerminalProfile::from_term(std::env::var("TERM").ok().as_deref());
//!     // `--size 80x24` when given (parse it as `ScreenSize`), else LINES/COLUMNS, ...
//!     let configured = None;
//!     let size = screen_size_from_environment(configured);
//!
//!     crossterm::terminal::enable_raw_mode()?;
//!     let mut backend = KioskBackend::new(BufWriter::new(io::stdout()), size, profile);
//!     backend.enter_screen()?;
//!     let mut terminal = Terminal::new(backend)?;
//!     terminal.clear()?;
//!     let mut decoder = InputDecoder::new(Keymap::resolve("keypad-16")?, ScanSettings::default());
//!
//!     let mut dirty = true;
//!     'kiosk: loop {
//!         if dirty {
//!             terminal.draw(|frame| {
//!                 let _ = frame; // view(&model, frame)
//!             })?;
//!             dirty = false;
//!         }
//!         // No frame rate: wake for a key, a held-back key's deadline, or
//!         // the next minute of the clock on the home screen.
//!         let wait = decoder
//!             .next_deadline()
//!             .map_or(Duration::from_secs(60), |d| d.saturating_duration_since(Instant::now()));
//!         let mut inputs = Vec::new();
//!         if event::poll(wait)? {
//!             match event::read()? {
//!                 Event::Key(key) => inputs.extend(decoder.feed(key, Instant::now())),
//!                 // Only when no size was configured: a serial line sends none.
//!                 Event::Resize(width, height) if configured.is_none() => {
//!                     terminal.backend_mut().set_size(Size { width, height });
//!                     dirty = true;
//!                 }
//!                 _ => {}
//!             }
//!         }
//!         inputs.extend(decoder.flush_due(Instant::now()));
//!         for input in inputs {
//!             match input {
//!                 Input::Intent(Intent::Quit) => break 'kiosk,
//!                 Input::Intent(_) | Input::Scan(_) | Input::Typed(_) => dirty = true, // update(...)
//!                 Input::Unbound(_) => {}
//!             }
//!         }
//!     }
//!     terminal.backend_mut().leave_screen()?;
//!     crossterm::terminal::disable_raw_mode()?;
//!     Ok(())
//! }
//! ```

pub mod app;
pub mod bank;
pub mod big;
pub mod clock;
pub mod counting;
pub mod input;
pub mod key_chord;
pub mod keymap;
pub mod page;
mod page_body;
pub mod profile;
pub mod reader;
pub mod screen_size;
pub mod speech;
pub mod terminal;
pub mod wrap;

pub use counting::{ByteMeter, CountingWriter};
pub use input::{Input, InputDecoder, ScanSettings};
pub use key_chord::KeyChord;
pub use keymap::{Intent, KeyHints, Keymap, KeymapError};
pub use profile::TerminalProfile;
pub use screen_size::{ScreenSize, SizeSources, choose_screen_size, screen_size_from_environment};
pub use terminal::KioskBackend;
