//! The one event loop every screen program runs on a real terminal: the
//! kiosk, the console (`locker admin`, remote or on a service laptop). Keys
//! from a reader thread and events from whatever feeds the program arrive
//! on one channel; the loop takes every wake-up already pending, handles
//! them all, and draws once.

use std::io;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use super::reader::{StdoutScreen, TerminalInput, next_batch, on_terminal, spawn_key_reader};
use super::{Input, InputDecoder, Keymap, ScanSettings, TerminalProfile};

/// How the screen is driven.
pub struct TerminalSetup {
    pub profile: TerminalProfile,
    pub size: Size,
    /// True when the size was configured: ignore resize reports then.
    pub fixed_size: bool,
    pub keymap: Keymap,
}

/// What woke the loop.
pub enum Wake<E> {
    Key(KeyEvent, Instant),
    Resize(u16, u16),
    Event(E),
    /// Something changed outside (events were lost, the bus moved): the
    /// program reads what it shows again.
    Changed,
    /// The terminal went away (EOF or an error): stop.
    Gone,
}

impl<E> From<TerminalInput> for Wake<E> {
    fn from(input: TerminalInput) -> Self {
        match input {
            TerminalInput::Key(k, at) => Wake::Key(k, at),
            TerminalInput::Resize(w, h) => Wake::Resize(w, h),
            TerminalInput::Gone => Wake::Gone,
        }
    }
}

/// Where a background thread tells the loop something happened.
pub struct Sink<E>(mpsc::Sender<Wake<E>>);

impl<E> Clone for Sink<E> {
    fn clone(&self) -> Self {
        Sink(self.0.clone())
    }
}

impl<E> Sink<E> {
    /// The loop stops as when the terminal goes away (a signal asked the
    /// program to end). False once the loop has stopped.
    pub fn stop(&self) -> bool {
        self.0.send(Wake::Gone).is_ok()
    }

    /// False once the loop has stopped.
    pub fn event(&self, event: E) -> bool {
        self.0.send(Wake::Event(event)).is_ok()
    }

    /// Something changed: the screen reads its data again. False once the
    /// loop has stopped.
    pub fn changed(&self) -> bool {
        self.0.send(Wake::Changed).is_ok()
    }
}

/// Whether the loop goes on after an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Go,
    Stop,
}

/// A screen program as the loop drives it, with whatever it serves its
/// requests on.
pub trait App {
    type Event;
    /// Draws if something changed.
    fn draw(&mut self, terminal: &mut StdoutScreen) -> io::Result<()>;
    /// Everything is drawn again (at the start, and when the terminal
    /// changed size).
    fn repaint(&mut self, terminal: &mut StdoutScreen) -> io::Result<()>;
    /// When the program next wants [`App::tick`].
    fn next_tick(&self) -> DateTime<Utc>;
    fn tick(&mut self, now: DateTime<Utc>);
    fn event(&mut self, event: Self::Event);
    /// See [`Wake::Changed`]; several in a row come as one.
    fn changed(&mut self) {}
    /// One decoded input; the terminal is there for a program that must
    /// show something before it waits on an answer.
    fn input(&mut self, input: Input, terminal: &mut StdoutScreen) -> Flow;
    /// Ctrl-C: the loop stops after this.
    fn interrupt(&mut self) {}
    /// Whether letters are being typed (the decoder then passes them as
    /// text, not as keys).
    fn text_entry(&self) -> bool {
        false
    }
    /// Whether the program is over.
    fn done(&self) -> bool {
        false
    }
}

/// Runs `app` on the real terminal until it is done, the person quits or
/// the terminal goes away; `forward` starts whatever feeds it events.
pub fn run<A: App>(
    app: &mut A,
    setup: TerminalSetup,
    forward: impl FnOnce(Sink<A::Event>) -> io::Result<()>,
) -> io::Result<()>
where
    A::Event: Send + 'static,
{
    on_terminal(setup.size, setup.profile, |terminal| {
        let (tx, rx) = mpsc::channel::<Wake<A::Event>>();
        spawn_key_reader(tx.clone(), Wake::from)?;
        forward(Sink(tx))?;
        serve(app, setup, terminal, &rx)
    })
}

/// Forwards a broadcast channel's messages to the loop on a thread of its
/// own; messages it fell behind on become one [`Wake::Changed`].
pub fn forward_broadcast<E: Clone + Send + 'static>(
    events: tokio::sync::broadcast::Receiver<E>,
    sink: Sink<E>,
) -> io::Result<()> {
    forward_broadcast_as(events, sink, |e| e)
}

/// [`forward_broadcast`], each message wrapped into the loop's own event
/// type (a loop that drives several programs).
pub fn forward_broadcast_as<E: Clone + Send + 'static, F: Send + 'static>(
    mut events: tokio::sync::broadcast::Receiver<E>,
    sink: Sink<F>,
    wrap: fn(E) -> F,
) -> io::Result<()> {
    use tokio::sync::broadcast::error::RecvError;
    std::thread::Builder::new()
        .name("events".into())
        .spawn(move || {
            loop {
                let alive = match events.blocking_recv() {
                    Ok(ev) => sink.event(wrap(ev)),
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "the screen fell behind the events");
                        sink.changed()
                    }
                    Err(RecvError::Closed) => false,
                };
                if !alive {
                    break;
                }
            }
        })?;
    Ok(())
}

fn serve<A: App>(
    app: &mut A,
    setup: TerminalSetup,
    terminal: &mut StdoutScreen,
    rx: &mpsc::Receiver<Wake<A::Event>>,
) -> io::Result<()> {
    let mut decoder = InputDecoder::new(setup.keymap, ScanSettings::default());
    // Whatever the terminal showed before goes.
    app.repaint(terminal)?;
    loop {
        if app.done() {
            return Ok(());
        }
        if let Err(e) = app.draw(terminal) {
            // A serial line can drop for a while; the next change repaints all.
            tracing::warn!(error = %e, "could not draw the screen");
        }
        decoder.set_text_entry(app.text_entry());
        let now = Instant::now();
        let tick_in = (app.next_tick() - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO);
        let key_in = decoder
            .next_deadline()
            .map(|d| d.saturating_duration_since(now));
        let wait = key_in.map_or(tick_in, |k| k.min(tick_in));
        let Some(batch) = next_batch(rx, wait) else {
            return Ok(());
        };
        let mut inputs = Vec::new();
        let mut changed = false;
        for wake in batch {
            match wake {
                Wake::Key(key, at) => {
                    if is_interrupt(&key) {
                        app.interrupt();
                        return Ok(());
                    }
                    inputs.extend(decoder.feed(key, at));
                }
                Wake::Resize(width, height) => {
                    if !setup.fixed_size {
                        terminal.backend_mut().set_size(Size { width, height });
                        app.repaint(terminal)?;
                    }
                }
                Wake::Event(ev) => app.event(ev),
                Wake::Changed => changed = true,
                Wake::Gone => return Ok(()),
            }
        }
        if changed {
            app.changed();
        }
        inputs.extend(decoder.flush_due(Instant::now()));
        for input in inputs {
            if app.input(input, terminal) == Flow::Stop {
                return Ok(());
            }
            decoder.set_text_entry(app.text_entry());
        }
        if app.next_tick() <= Utc::now() {
            app.tick(Utc::now());
        }
    }
}

/// Ctrl-C always leaves, whatever the keymap says (the demo's exit; on a
/// kiosk the service manager starts it again).
fn is_interrupt(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
}
