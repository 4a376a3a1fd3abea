//! `locker admin`'s loop on a real terminal: keys from a reader thread and
//! the engine's events into one channel; the screen is drawn only when the
//! model changed.

use std::io::{self};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use super::{Console, ConsoleFacts};
use crate::engine::Event;
use crate::engine::runner::EngineHandle;
use crate::kiosk::runtime::TerminalSetup;
use crate::link::EngineLink;
use crate::ui::reader::{StdoutScreen, TerminalInput, next_batch, on_terminal, spawn_key_reader};
use crate::ui::{Input, InputDecoder, Intent, ScanSettings};

enum Wake {
    Key(KeyEvent, Instant),
    Resize(u16, u16),
    /// An engine event, or `None`: something changed, read the screen again.
    Engine(Option<Event>),
    Gone,
}

/// Where a background thread tells the console something happened.
pub struct EventSink(mpsc::Sender<Wake>);

impl EventSink {
    /// False once the console has stopped.
    pub fn event(&self, event: Event) -> bool {
        self.0.send(Wake::Engine(Some(event))).is_ok()
    }

    /// The bus changed: the screen reads its data again.
    pub fn changed(&self) -> bool {
        self.0.send(Wake::Engine(None)).is_ok()
    }
}

/// Runs the console until the person quits (q, F10, Ctrl-C) or the
/// terminal closes.
pub fn run(mut engine: EngineHandle, facts: ConsoleFacts, setup: TerminalSetup) -> io::Result<()> {
    let events = engine.subscribe();
    let console = Console::new(facts, Utc::now());
    run_with(&mut engine, console, setup, move |sink| {
        forward_engine_events(events, sink)
    })
}

/// Runs `console` on `link`; `forward` starts whatever feeds it events.
pub fn run_with(
    link: &mut impl EngineLink,
    console: Console,
    setup: TerminalSetup,
    forward: impl FnOnce(EventSink) -> io::Result<()>,
) -> io::Result<()> {
    on_terminal(setup.size, setup.profile, |terminal| {
        terminal.clear()?;
        let (tx, rx) = mpsc::channel::<Wake>();
        spawn_key_reader(tx.clone(), wake)?;
        forward(EventSink(tx))?;
        serve(link, console, setup, terminal, rx)
    })
}

fn serve(
    engine: &mut impl EngineLink,
    mut console: Console,
    setup: TerminalSetup,
    terminal: &mut StdoutScreen,
    rx: mpsc::Receiver<Wake>,
) -> io::Result<()> {
    let mut decoder = InputDecoder::new(setup.keymap, ScanSettings::default());
    loop {
        if console.has_left() {
            return Ok(());
        }
        if let Err(e) = console.render(terminal) {
            tracing::warn!(error = %e, "could not draw the screen");
            console.touch();
        }
        decoder.set_text_entry(console.model().wants_text());
        let now = Instant::now();
        let tick_in = (console.next_tick() - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO);
        let key_in = decoder
            .next_deadline()
            .map(|d| d.saturating_duration_since(now));
        let wait = key_in.map_or(tick_in, |k| k.min(tick_in));
        let mut inputs = Vec::new();
        let Some(batch) = next_batch(&rx, wait) else {
            return Ok(());
        };
        let mut changed = false;
        for wake in batch {
            match wake {
                Wake::Key(key, at) => {
                    if key.modifiers.contains(KeyModifiers::CONTROL)
                        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
                    {
                        let r = console.handle(super::Msg::Input(Input::Intent(Intent::Quit)));
                        console.serve(engine, r);
                        return Ok(());
                    }
                    inputs.extend(decoder.feed(key, at));
                }
                Wake::Resize(width, height) => {
                    if !setup.fixed_size {
                        terminal.backend_mut().set_size(Size { width, height });
                        terminal.clear()?;
                        console.touch();
                    }
                }
                Wake::Engine(Some(ev)) => {
                    let r = console.on_event(ev);
                    console.serve(engine, r);
                }
                // Several changes in a row need one read.
                Wake::Engine(None) => changed = true,
                Wake::Gone => return Ok(()),
            }
        }
        if changed {
            let r = console.refresh();
            console.serve(engine, r);
        }
        inputs.extend(decoder.flush_due(Instant::now()));
        for input in inputs {
            // Quit on the sign-in screen leaves; signed in, it signs out first.
            let quit = input == Input::Intent(Intent::Quit) && console.model().session.is_none();
            let r = console.on_input(input, Utc::now());
            console.serve(engine, r);
            if quit {
                return Ok(());
            }
            decoder.set_text_entry(console.model().wants_text());
        }
        if console.next_tick() <= Utc::now() {
            let r = console.on_tick(Utc::now());
            console.serve(engine, r);
        }
    }
}

fn wake(input: TerminalInput) -> Wake {
    match input {
        TerminalInput::Key(k, at) => Wake::Key(k, at),
        TerminalInput::Resize(w, h) => Wake::Resize(w, h),
        TerminalInput::Gone => Wake::Gone,
    }
}

fn forward_engine_events(
    mut events: tokio::sync::broadcast::Receiver<Event>,
    sink: EventSink,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("engine-events".into())
        .spawn(move || {
            loop {
                match events.blocking_recv() {
                    Ok(ev) => {
                        if !sink.event(ev) {
                            break;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        if !sink.changed() {
                            break;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        })?;
    Ok(())
}
