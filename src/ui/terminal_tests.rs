//! Byte budgets and VT safety of the kiosk backend, measured through a
//! `CountingWriter` exactly as the bytes would go down a serial line.

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::KioskBackend;
use crate::ui::counting::{ByteMeter, CountingWriter};
use crate::ui::profile::TerminalProfile;

const SCREEN: Size = Size {
    width: 80,
    height: 24,
};

fn kiosk_terminal(
    profile: TerminalProfile,
    size: Size,
) -> (Terminal<KioskBackend<CountingWriter>>, ByteMeter) {
    let writer = CountingWriter::keeping();
    let meter = writer.meter();
    let mut terminal = Terminal::new(KioskBackend::new(writer, size, profile)).unwrap();
    // The clear is measured on its own, not as part of the first frame.
    // What the terminal's attributes are is unknown at start, so they are
    // reset before clearing (a clear paints with the background).
    terminal.clear().unwrap();
    terminal.backend_mut().flush().unwrap();
    assert_eq!(meter.take_kept(), b"\x1b[0m\x1b[2J");
    (terminal, meter)
}

/// A home-screen-like frame: a coloured border with a title, bold and
/// reversed text, and the code typed so far.
fn home(frame: &mut Frame, code: &str) {
    let block = Block::bordered()
        .title(" Kiosk A · locker code 4711 ")
        .border_style(Style::new().fg(Color::Cyan));
    let lines = vec![
        Line::from("Welcome — ¿Recoger un paquete?").bold(),
        Line::from(""),
        Line::from(vec![Span::raw("Code: "), Span::raw(code).reversed()]),
        Line::from(""),
        Line::from("A Pickup   B Deposit   C Help   D Language").fg(Color::Yellow),
        Line::from("Door 14 is open").on_red().white(),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), frame.area());
}

/// Draws a frame and returns the bytes it put on the wire.
fn draw(
    terminal: &mut Terminal<KioskBackend<CountingWriter>>,
    meter: &ByteMeter,
    render: impl FnOnce(&mut Frame),
) -> Vec<u8> {
    terminal.draw(render).unwrap();
    meter.take_kept()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Escapes shown as `␛` so a snapshot reads like a terminal log.
fn readable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\u{1b}', "␛")
}

#[test]
fn unchanged_frame_writes_nothing_on_any_profile() {
    for profile in [
        TerminalProfile::Ansi,
        TerminalProfile::Vt220,
        TerminalProfile::Vt100,
    ] {
        let (mut terminal, meter) = kiosk_terminal(profile, SCREEN);
        let first = draw(&mut terminal, &meter, |f| home(f, "12"));
        assert!(!first.is_empty());
        let writes = meter.writes();
        let again = draw(&mut terminal, &meter, |f| home(f, "12"));
        assert_eq!(again.len(), 0, "{profile}: {}", readable(&again));
        assert_eq!(meter.writes(), writes, "{profile}: no empty write either");
    }
}

#[test]
fn unchanged_frame_with_a_visible_cursor_writes_nothing() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Ansi, SCREEN);
    let with_cursor = |f: &mut Frame| {
        home(f, "12");
        f.set_cursor_position(Position { x: 9, y: 3 });
    };
    draw(&mut terminal, &meter, with_cursor);
    let again = draw(&mut terminal, &meter, with_cursor);
    assert_eq!(again.len(), 0, "{}", readable(&again));
}

#[test]
fn one_more_code_digit_costs_at_most_40_bytes() {
    for profile in [TerminalProfile::Ansi, TerminalProfile::Vt100] {
        let (mut terminal, meter) = kiosk_terminal(profile, SCREEN);
        draw(&mut terminal, &meter, |f| home(f, "12"));
        let digit = draw(&mut terminal, &meter, |f| home(f, "123"));
        eprintln!(
            "{profile}: one more digit = {} bytes: {}",
            digit.len(),
            readable(&digit)
        );
        assert!(!digit.is_empty());
        assert!(digit.len() <= 40, "{profile}: {} bytes", digit.len());
    }
}

#[test]
fn changing_one_plain_character_is_a_move_and_the_character() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Ansi, SCREEN);
    let text = |s: &'static str| move |f: &mut Frame| f.render_widget(Paragraph::new(s), f.area());
    draw(&mut terminal, &meter, text("Door 14"));
    let changed = draw(&mut terminal, &meter, text("Door 15"));
    assert_eq!(readable(&changed), "␛[1;7H5");
}

#[test]
fn first_full_frame_stays_small_enough_for_a_serial_line() {
    for profile in [TerminalProfile::Ansi, TerminalProfile::Vt100] {
        let (mut terminal, meter) = kiosk_terminal(profile, SCREEN);
        let first = draw(&mut terminal, &meter, |f| home(f, "12"));
        eprintln!("{profile}: first home frame = {} bytes", first.len());
        // The spec's budget for a whole screen change (home -> pickup) is
        // 1.5 KB; a first frame after a clear skips the blank cells.
        assert!(first.len() <= 1536, "{profile}: {} bytes", first.len());
    }
}

#[test]
fn vt100_output_is_plain_ascii_without_colour_codes() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Vt100, SCREEN);
    let mut bytes = draw(&mut terminal, &meter, |f| home(f, "12"));
    bytes.extend(draw(&mut terminal, &meter, |f| home(f, "123")));
    assert!(bytes.is_ascii(), "non-ASCII byte on a VT100");
    assert!(!contains(&bytes, b"38;5;") && !contains(&bytes, b"48;5;"));
    let params = sgr_params(&bytes);
    assert!(!params.is_empty());
    assert!(
        params.iter().all(|p| [0, 1, 4, 7].contains(p)),
        "only reset, bold, underline, reverse: {params:?}"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("+-"), "ASCII border: {text}");
    assert!(
        text.contains("Recoger un paquete?"),
        "accents transliterated: {text}"
    );
}

/// Every parameter of every SGR (`ESC [ ... m`) sequence in the output.
fn sgr_params(bytes: &[u8]) -> Vec<u16> {
    let text = String::from_utf8_lossy(bytes);
    let mut params = Vec::new();
    for chunk in text.split('\u{1b}').skip(1) {
        let Some(rest) = chunk.strip_prefix('[') else {
            continue;
        };
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';' || c == '?'));
        if let Some(end) = end.filter(|&e| rest[e..].starts_with('m')) {
            params.extend(
                rest[..end]
                    .split(';')
                    .map(|p| p.parse::<u16>().unwrap_or(0)),
            );
        }
    }
    params
}

#[test]
fn ansi_names_colours_with_the_short_codes() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Ansi, SCREEN);
    let bytes = draw(&mut terminal, &meter, |f| home(f, "12"));
    assert!(!contains(&bytes, b"38;5;"), "{}", readable(&bytes));
    assert!(contains(&bytes, b"\x1b[36m"), "cyan border");
    assert!(contains(&bytes, b"\x1b[97;41m"), "white on red");
    assert!(std::str::from_utf8(&bytes).unwrap().contains('─'));
}

#[test]
fn small_frames_on_the_wire() {
    let frame = |f: &mut Frame| {
        let block = Block::bordered()
            .title("Pickup")
            .border_style(Style::new().blue());
        let text = vec![Line::from("Código").bold(), Line::from("12").reversed()];
        f.render_widget(Paragraph::new(text).block(block), f.area());
    };
    let size = Size {
        width: 12,
        height: 4,
    };
    let mut out = String::new();
    for profile in [
        TerminalProfile::Ansi,
        TerminalProfile::Vt220,
        TerminalProfile::Vt100,
    ] {
        let (mut terminal, meter) = kiosk_terminal(profile, size);
        let bytes = draw(&mut terminal, &meter, frame);
        out.push_str(&format!("{profile}:\n{}\n", readable(&bytes)));
    }
    insta::with_settings!({snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots")}, {
        insta::assert_snapshot!(out);
    });
}

#[test]
fn losing_bold_on_a_vt100_starts_over_from_sgr_0() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Vt100, SCREEN);
    let bytes = draw(&mut terminal, &meter, |f| {
        let line = Line::from(vec![
            Span::raw("a").bold().underlined(),
            Span::raw("b").underlined(),
        ]);
        f.render_widget(Paragraph::new(line), f.area());
    });
    assert_eq!(readable(&bytes), "␛[H␛[1;4ma␛[0;4mb␛[0m");
}

#[test]
fn cursor_position_is_known_without_asking_the_terminal() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Vt100, SCREEN);
    terminal
        .set_cursor_position(Position { x: 5, y: 7 })
        .unwrap();
    assert_eq!(
        terminal.get_cursor_position().unwrap(),
        Position { x: 5, y: 7 }
    );
    terminal
        .draw(|f| f.render_widget(Paragraph::new("Door"), f.area()))
        .unwrap();
    // After drawing "Door" at the top left the cursor sits after it.
    assert_eq!(
        terminal.get_cursor_position().unwrap(),
        Position { x: 4, y: 0 }
    );
    assert!(meter.bytes() > 0);
}

#[test]
fn vt100_never_gets_cursor_hiding_but_vt220_does() {
    for (profile, hides) in [
        (TerminalProfile::Vt100, false),
        (TerminalProfile::Vt220, true),
    ] {
        let (mut terminal, meter) = kiosk_terminal(profile, SCREEN);
        let bytes = draw(&mut terminal, &meter, |f| home(f, ""));
        assert_eq!(contains(&bytes, b"\x1b[?25l"), hides, "{profile}");
    }
}

#[test]
fn a_new_size_redraws_the_whole_screen() {
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Ansi, SCREEN);
    draw(&mut terminal, &meter, |f| home(f, "1"));
    terminal.backend_mut().set_size(Size {
        width: 100,
        height: 30,
    });
    let bytes = draw(&mut terminal, &meter, |f| home(f, "1"));
    assert!(bytes.starts_with(b"\x1b[2J"), "{}", readable(&bytes));
    assert_eq!(
        terminal.size().unwrap(),
        Size {
            width: 100,
            height: 30
        }
    );
}

#[test]
fn the_cell_after_the_right_margin_is_reached_by_an_explicit_move() {
    let size = Size {
        width: 4,
        height: 2,
    };
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Vt100, size);
    let bytes = draw(&mut terminal, &meter, |f| {
        f.render_widget(
            Paragraph::new(vec![Line::from("abcd"), Line::from("efgh")]),
            f.area(),
        );
    });
    assert_eq!(readable(&bytes), "␛[Habcd␛[2Hefgh");
}

#[test]
fn entering_and_leaving_the_screen_restores_the_terminal() {
    let mut ansi = KioskBackend::new(CountingWriter::keeping(), SCREEN, TerminalProfile::Ansi);
    let meter = ansi.writer().meter();
    ansi.enter_screen().unwrap();
    ansi.leave_screen().unwrap();
    assert_eq!(
        readable(&meter.take_kept()),
        "␛[?1049h␛[?7l␛[0m␛[?7h␛[?25h␛[?1049l"
    );
    let mut vt100 = KioskBackend::new(CountingWriter::keeping(), SCREEN, TerminalProfile::Vt100);
    let meter = vt100.writer().meter();
    vt100.enter_screen().unwrap();
    vt100.leave_screen().unwrap();
    assert_eq!(readable(&meter.take_kept()), "␛[?7l␛[0m␛[?7h␛[H␛[2J");
}

#[test]
fn nothing_reaches_the_wire_before_flush() {
    let mut backend = KioskBackend::new(CountingWriter::new(), SCREEN, TerminalProfile::Ansi);
    let meter = backend.writer().meter();
    backend.clear().unwrap();
    backend.hide_cursor().unwrap();
    assert_eq!(meter.bytes(), 0);
    Backend::flush(&mut backend).unwrap();
    assert_eq!(meter.writes(), 1, "one frame, one write");
    assert_eq!(meter.bytes(), b"\x1b[0m\x1b[2J\x1b[?25l".len() as u64);
}

#[test]
fn concealed_text_is_blank_where_the_terminal_cannot_conceal() {
    let pin =
        |f: &mut Frame| f.render_widget(Paragraph::new(Line::from("4711").hidden()), f.area());
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Vt100, SCREEN);
    assert_eq!(readable(&draw(&mut terminal, &meter, pin)), "␛[H    ");
    let (mut terminal, meter) = kiosk_terminal(TerminalProfile::Ansi, SCREEN);
    assert_eq!(
        readable(&draw(&mut terminal, &meter, pin)),
        "␛[H␛[8m4711␛[0m␛[?25l"
    );
}

/// A pickup screen as the kiosk might draw it, for the home -> pickup
/// budget.
fn pickup(frame: &mut Frame, code: &str) {
    let block = Block::bordered()
        .title(" Pickup · Recogida ")
        .border_style(Style::new().fg(Color::Green));
    let lines = vec![
        Line::from("Enter your 6-digit code or scan the QR code").bold(),
        Line::from(""),
        Line::from(vec![
            Span::raw("Code: "),
            Span::raw(format!("{code:_<6}")).reversed(),
        ]),
        Line::from(""),
        Line::from("# confirm   * erase / back   C help"),
        Line::from(""),
        Line::from("Wrong kiosk? This is Kiosk A, locker code 4711.").fg(Color::Yellow),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), frame.area());
}

#[test]
fn home_to_pickup_screen_stays_within_one_and_a_half_kilobytes() {
    for profile in [TerminalProfile::Ansi, TerminalProfile::Vt100] {
        let (mut terminal, meter) = kiosk_terminal(profile, SCREEN);
        draw(&mut terminal, &meter, |f| home(f, ""));
        let switch = draw(&mut terminal, &meter, |f| pickup(f, ""));
        let digit = draw(&mut terminal, &meter, |f| pickup(f, "4"));
        eprintln!(
            "{profile}: home -> pickup = {} bytes, first code digit = {} bytes",
            switch.len(),
            digit.len()
        );
        assert!(switch.len() <= 1536, "{profile}: {} bytes", switch.len());
        assert!(digit.len() <= 40, "{profile}: {} bytes", digit.len());
    }
}

/// A serial line that drops out once: the first write fails.
struct LineDropsOnce {
    failed: bool,
    out: Vec<u8>,
}

impl std::io::Write for LineDropsOnce {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.failed {
            self.failed = true;
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "line down",
            ));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn after_a_failed_write_the_next_frame_assumes_nothing() {
    let line = LineDropsOnce {
        failed: false,
        out: Vec::new(),
    };
    let mut terminal =
        Terminal::new(KioskBackend::new(line, SCREEN, TerminalProfile::Vt220)).unwrap();
    let bold = |f: &mut Frame| f.render_widget(Paragraph::new(Line::from("Door").bold()), f.area());
    assert!(terminal.draw(bold).is_err(), "the error reaches the caller");
    terminal.clear().unwrap();
    terminal.draw(bold).unwrap();
    let sent = readable(&terminal.backend().writer().out);
    // Not a resend of the lost frame but a clean start: attributes reset,
    // clear, explicit move, cursor state sent again.
    assert_eq!(sent, "␛[0m␛[2J␛[H␛[1mDoor␛[0m␛[?25l");
}
