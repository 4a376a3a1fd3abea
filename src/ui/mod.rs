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

pub mod counting;
pub mod input;
pub mod key_chord;
pub mod keymap;
pub mod profile;
pub mod screen_size;
pub mod terminal;

pub use counting::{ByteMeter, CountingWriter};
pub use input::{Input, InputDecoder, ScanSettings};
pub use key_chord::KeyChord;
pub use keymap::{Intent, Keymap, KeymapError};
pub use profile::TerminalProfile;
pub use screen_size::{ScreenSize, choose_screen_size};
pub use terminal::KioskBackend;
