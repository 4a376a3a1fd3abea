//! The terminal's keys on a thread of their own, so a loop can wait for a
//! key, an engine event or the clock at once.

use std::io;
use std::sync::mpsc;
use std::time::Instant;

use crossterm::event::{self, Event, KeyEvent, KeyEventKind};

/// What the terminal said.
/// Waits up to `wait` for the first wake-up, then takes every one already
/// pending, so that a loop handles them all and draws once: a scanner
/// burst or a run of engine events must not cost a frame each on a slow
/// line. `None` when every sender is gone.
pub fn next_batch<T>(rx: &mpsc::Receiver<T>, wait: std::time::Duration) -> Option<Vec<T>> {
    let mut batch = match rx.recv_timeout(wait) {
        Ok(first) => vec![first],
        Err(mpsc::RecvTimeoutError::Timeout) => Vec::new(),
        Err(mpsc::RecvTimeoutError::Disconnected) => return None,
    };
    batch.extend(rx.try_iter());
    Some(batch)
}

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

#[cfg(test)]
mod batch_tests {
    use super::next_batch;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_batch_takes_everything_pending_at_once() {
        let (tx, rx) = mpsc::channel();
        for i in 0..20 {
            tx.send(i).unwrap();
        }
        assert_eq!(next_batch(&rx, Duration::ZERO), Some((0..20).collect()));
        assert_eq!(next_batch(&rx, Duration::ZERO), Some(vec![]));
        drop(tx);
        assert_eq!(next_batch::<i32>(&rx, Duration::ZERO), None);
    }
}
