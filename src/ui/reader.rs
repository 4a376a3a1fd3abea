//! The terminal's keys on a thread of their own, so a loop can wait for a
//! key, an engine event or the clock at once.

use std::io;
use std::sync::mpsc;
use std::time::Instant;

use crossterm::event::{self, Event, KeyEvent, KeyEventKind};

/// What the terminal said.
pub enum TerminalInput {
    /// Stamped as read, not as handled: the scanner decoder times the gaps.
    Key(KeyEvent, Instant),
    Resize(u16, u16),
    /// End of input or an error: the terminal went away.
    Gone,
}

/// Reads the terminal until it goes away or `tx`'s receiver is dropped;
/// `wrap` turns each input into the loop's own message type.
pub fn spawn_key_reader<T: Send + 'static>(
    tx: mpsc::Sender<T>,
    wrap: fn(TerminalInput) -> T,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            loop {
                let input = match event::read() {
                    Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                        TerminalInput::Key(k, Instant::now())
                    }
                    Ok(Event::Resize(w, h)) => TerminalInput::Resize(w, h),
                    Ok(_) => continue,
                    Err(_) => TerminalInput::Gone,
                };
                let gone = matches!(input, TerminalInput::Gone);
                if tx.send(wrap(input)).is_err() || gone {
                    break;
                }
            }
        })?;
    Ok(())
}

/// The real terminal a loop draws on.
pub type StdoutScreen = ratatui::Terminal<super::KioskBackend<io::BufWriter<io::Stdout>>>;

/// Raw mode on, restored on drop, panics included.
struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Runs `f` on the real terminal: raw mode and the kiosk backend's screen
/// set-up before, both undone after, however `f` ends.
pub fn on_terminal<R>(
    size: ratatui::layout::Size,
    profile: super::TerminalProfile,
    f: impl FnOnce(&mut StdoutScreen) -> io::Result<R>,
) -> io::Result<R> {
    crossterm::terminal::enable_raw_mode()?;
    let _raw = RawMode;
    let mut backend = super::KioskBackend::new(io::BufWriter::new(io::stdout()), size, profile);
    backend.enter_screen()?;
    let mut terminal = ratatui::Terminal::new(backend)?;
    let result = f(&mut terminal);
    let _ = terminal.backend_mut().leave_screen();
    result
}
