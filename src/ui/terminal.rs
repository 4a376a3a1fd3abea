//! The ratatui backend for the kiosk's screen: a serial VT terminal at 9600
//! baud as much as a laptop's emulator.
//!
//! Differences from ratatui's `CrosstermBackend`, each for a reason:
//! - The size is given, never asked: crossterm reads 0x0 on a serial tty.
//! - The cursor is tracked here, never queried: a VT100 on a flaky line may
//!   never answer a cursor-position report, and the kiosk would hang.
//! - Each cell goes through the [`TerminalProfile`] (ASCII, no colour for
//!   VT terminals), so screens carry no terminal logic.
//! - Nothing is written for an unchanged frame: no style reset, no cursor
//!   hide or move that is already in effect. On a 9600 baud line every byte
//!   is a millisecond.
//! - Colours are sent as SGR 30-37/90-97 rather than crossterm's `38;5;n`.
//! - A frame leaves in one `write` on `flush`, not one per escape sequence.

use std::borrow::Cow;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;

use super::profile::TerminalProfile;

/// The text attributes in effect on the terminal: what SGR last set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    const PLAIN: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };
}

/// A ratatui [`Backend`] that writes VT/ANSI escapes to any `Write` (a tty,
/// a serial port, a [`CountingWriter`](super::counting::CountingWriter)).
#[derive(Debug)]
pub struct KioskBackend<W: Write> {
    writer: W,
    profile: TerminalProfile,
    size: Size,
    /// This frame's bytes, written in one go on `flush`.
    pending: Vec<u8>,
    /// `None` when unknown: at start, and after a write that failed half
    /// way. The next style change then starts from SGR 0.
    pen: Option<Pen>,
    /// Where the terminal's cursor really is; `None` after anything that
    /// leaves it uncertain (the right margin, a newline), which forces the
    /// next move to be explicit.
    cursor_at: Option<Position>,
    /// Where the application last put the cursor, for `get_cursor_position`.
    cursor_wanted: Position,
    /// `None` until the first hide/show: the state the terminal was left in
    /// by whoever ran before is unknown.
    cursor_visible: Option<bool>,
}

impl<W: Write> KioskBackend<W> {
    /// A backend for a `size` screen. The terminal's state is unknown until
    /// the first `Terminal::clear()`: call it before the first draw.
    pub fn new(writer: W, size: Size, profile: TerminalProfile) -> Self {
        Self {
            writer,
            profile,
            size,
            pending: Vec::with_capacity(4096),
            pen: None,
            cursor_at: None,
            cursor_wanted: Position::ORIGIN,
            cursor_visible: None,
        }
    }

    pub fn profile(&self) -> TerminalProfile {
        self.profile
    }

    /// A new screen size, e.g. after crossterm's `Event::Resize` on a
    /// laptop. ratatui's autoresize sees it on the next draw and redraws
    /// everything.
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
        self.cursor_at = None;
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Rings the terminal's bell `times` times (BEL, which a terminal
    /// without a beeper ignores); it leaves the cursor and pen as they are.
    pub fn bell(&mut self, times: usize) -> io::Result<()> {
        self.pending.extend(std::iter::repeat_n(0x07, times));
        self.flush()
    }

    /// Take over the screen: the alternate screen where there is one (so the
    /// technician's shell comes back intact) and no autowrap, so drawing the
    /// bottom-right cell never scrolls a VT100.
    pub fn enter_screen(&mut self) -> io::Result<()> {
        if self.profile == TerminalProfile::Ansi {
            self.pending.extend_from_slice(b"\x1b[?1049h");
        }
        self.pending.extend_from_slice(b"\x1b[?7l");
        self.cursor_at = None;
        self.flush()
    }

    /// Give the screen back: plain text, autowrap on, cursor visible, and
    /// for terminals without an alternate screen a clean page.
    pub fn leave_screen(&mut self) -> io::Result<()> {
        self.pending.extend_from_slice(b"\x1b[0m\x1b[?7h");
        self.pen = Some(Pen::PLAIN);
        if self.profile.can_hide_cursor() {
            self.pending.extend_from_slice(b"\x1b[?25h");
            self.cursor_visible = Some(true);
        }
        if self.profile == TerminalProfile::Ansi {
            self.pending.extend_from_slice(b"\x1b[?1049l");
        } else {
            self.pending.extend_from_slice(b"\x1b[H\x1b[2J");
        }
        self.cursor_at = None;
        self.flush()
    }

    fn move_to(&mut self, at: Position) {
        if self.cursor_at == Some(at) {
            return;
        }
        // CUP with the defaults left out: "ESC[H" is home, "ESC[5H" is
        // row 5 column 1.
        self.pending.extend_from_slice(b"\x1b[");
        match (at.y, at.x) {
            (0, 0) => {}
            (y, 0) => push_number(&mut self.pending, y + 1),
            (y, x) => {
                push_number(&mut self.pending, y + 1);
                self.pending.push(b';');
                push_number(&mut self.pending, x + 1);
            }
        }
        self.pending.push(b'H');
        self.cursor_at = Some(at);
    }

    fn set_pen(&mut self, to: Pen) {
        if self.pen == Some(to) {
            return;
        }
        let mut codes: Vec<u16> = Vec::new();
        // A VT100 knows no "attribute off" codes (22, 24, 27), so losing an
        // attribute means starting over from SGR 0; one rule for every
        // profile keeps the output predictable.
        let base = match self.pen {
            Some(from) if (from.modifier - to.modifier).is_empty() => from,
            _ => {
                codes.push(0);
                Pen::PLAIN
            }
        };
        for (flag, code) in MODIFIER_CODES {
            if to.modifier.contains(flag) && !base.modifier.contains(flag) {
                codes.push(code);
            }
        }
        let mut colour_codes = Vec::new();
        if to.fg != base.fg {
            colour_codes.extend(colour_sgr(to.fg, false));
        }
        if to.bg != base.bg {
            colour_codes.extend(colour_sgr(to.bg, true));
        }
        codes.extend(colour_codes);
        self.pending.extend_from_slice(b"\x1b[");
        for (i, code) in codes.iter().enumerate() {
            if i > 0 {
                self.pending.push(b';');
            }
            push_number(&mut self.pending, *code);
        }
        self.pending.push(b'm');
        self.pen = Some(to);
    }

    fn pen_for(&self, cell: &Cell) -> Pen {
        Pen {
            fg: self.profile.colour(cell.fg),
            bg: self.profile.colour(cell.bg),
            modifier: cell.modifier & self.profile.modifiers(),
        }
    }
}

const MODIFIER_CODES: [(Modifier, u16); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// The SGR parameters for one colour. Named colours use the 8/16-colour
/// codes every ANSI terminal knows; only indexed and RGB colours need the
/// extended forms.
fn colour_sgr(colour: Color, background: bool) -> Vec<u16> {
    let shift = if background { 10 } else { 0 };
    let named = |code: u16| vec![code + shift];
    match colour {
        Color::Reset => named(39),
        Color::Black => named(30),
        Color::Red => named(31),
        Color::Green => named(32),
        Color::Yellow => named(33),
        Color::Blue => named(34),
        Color::Magenta => named(35),
        Color::Cyan => named(36),
        Color::Gray => named(37),
        Color::DarkGray => named(90),
        Color::LightRed => named(91),
        Color::LightGreen => named(92),
        Color::LightYellow => named(93),
        Color::LightBlue => named(94),
        Color::LightMagenta => named(95),
        Color::LightCyan => named(96),
        Color::White => named(97),
        Color::Indexed(i) => vec![38 + shift, 5, u16::from(i)],
        Color::Rgb(r, g, b) => vec![38 + shift, 2, r.into(), g.into(), b.into()],
    }
}

fn push_number(out: &mut Vec<u8>, n: u16) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

impl<W: Write> Backend for KioskBackend<W> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let Size { width, height } = self.size;
        for (x, y, cell) in content {
            if x >= width || y >= height {
                continue;
            }
            let symbol = if cell.modifier.contains(Modifier::HIDDEN)
                && !self.profile.modifiers().contains(Modifier::HIDDEN)
            {
                // A terminal without SGR 8 would show concealed text (a
                // PIN, say) in the clear: blank it instead.
                Cow::Owned(" ".repeat(Span::raw(cell.symbol()).width().max(1)))
            } else {
                self.profile.symbol(cell.symbol())
            };
            if symbol.is_empty() {
                continue;
            }
            let columns = if symbol.is_ascii() {
                symbol.len() as u16
            } else {
                Span::raw(symbol.as_ref()).width() as u16
            };
            let pen = self.pen_for(cell);
            self.move_to(Position { x, y });
            self.set_pen(pen);
            self.pending.extend_from_slice(symbol.as_bytes());
            let next_x = x.saturating_add(columns.max(1));
            // At the right margin the cursor either stays put (autowrap off)
            // or waits to wrap (autowrap on): uncertain either way.
            self.cursor_at = (next_x < width).then_some(Position { x: next_x, y });
        }
        // Leave the terminal in plain text between frames, so a clear or
        // another program never paints with a leftover colour.
        self.set_pen(Pen::PLAIN);
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            self.pending.push(b'\n');
        }
        self.cursor_at = None;
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(false) && self.profile.can_hide_cursor() {
            self.pending.extend_from_slice(b"\x1b[?25l");
        }
        self.cursor_visible = Some(false);
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(true) && self.profile.can_hide_cursor() {
            self.pending.extend_from_slice(b"\x1b[?25h");
        }
        self.cursor_visible = Some(true);
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor_at.unwrap_or(self.cursor_wanted))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor_wanted = position;
        self.move_to(position);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // A clear paints with the current background on most terminals.
        self.set_pen(Pen::PLAIN);
        if clear_type != ClearType::All && self.cursor_at.is_none() {
            self.move_to(self.cursor_wanted);
        }
        let sequence: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.pending.extend_from_slice(sequence);
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let written = self.writer.write_all(&self.pending);
            self.pending.clear();
            if let Err(e) = written {
                // Part of the frame may have reached the terminal: nothing
                // about its state is known any more, and resending the
                // same bytes would not fix that. The caller redraws with
                // `Terminal::clear()` once the line is back.
                self.cursor_at = None;
                self.cursor_visible = None;
                self.pen = None;
                return Err(e);
            }
        }
        self.writer.flush()
    }
}

impl<W: Write> Drop for KioskBackend<W> {
    fn drop(&mut self) {
        // ratatui's Terminal shows the cursor again when dropped; make sure
        // that last sequence reaches the terminal. Errors have nowhere to go.
        let _ = Backend::flush(self);
    }
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
