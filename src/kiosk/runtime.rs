//! The kiosk's event loop on a real terminal: keys from a reader thread,
//! engine events from the engine thread, and the clock, all into one
//! channel; the screen is drawn only when the model changed.

use std::io::{self};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use super::{Kiosk, KioskFacts};
use crate::engine::Event;
use crate::engine::runner::EngineHandle;
use crate::ui::reader::{StdoutScreen, TerminalInput, next_batch, on_terminal, spawn_key_reader};
use crate::ui::{Input, InputDecoder, Intent, Keymap, ScanSettings, TerminalProfile};

/// How the screen is driven.
pub struct TerminalSetup {
    pub profile: TerminalProfile,
    pub size: Size,
    /// True when the size was configured: ignore resize reports then.
    pub fixed_size: bool,
    pub keymap: Keymap,
}

enum Wake {
    Key(KeyEvent, Instant),
    Resize(u16, u16),
    Engine(Event),
    /// The terminal went away (EOF or an error): stop.
    Gone,
}

/// Runs the kiosk until Ctrl-C (or the keymap's quit key, or the terminal
/// closes).
pub fn run(mut engine: EngineHandle, facts: KioskFacts, setup: TerminalSetup) -> io::Result<()> {
    on_terminal(setup.size, setup.profile, |terminal| {
        serve(&mut engine, facts, setup, terminal)
    })
}

fn serve(
    engine: &mut EngineHandle,
    facts: KioskFacts,
    setup: TerminalSetup,
    terminal: &mut StdoutScreen,
) -> io::Result<()> {
    let (tx, rx) = mpsc::channel::<Wake>();
    spawn_key_reader(tx.clone(), wake)?;
    spawn_event_forwarder(engine, tx)?;
    let mut decoder = InputDecoder::new(setup.keymap, ScanSettings::default());
    let mut kiosk = Kiosk::new(facts, Utc::now());
    let bus_down = engine.inspect_blocking(|e| e.bus_down()).unwrap_or(false);
    if bus_down {
        let r = kiosk.on_event(Event::BusDown);
        kiosk.serve(engine, r);
    }
    loop {
        if let Err(e) = kiosk.render(terminal) {
            // A serial line can drop for a while; the next change repaints all.
            tracing::warn!(error = %e, "could not draw the screen");
        }
        let now = Instant::now();
        let tick_in = (kiosk.next_tick() - Utc::now())
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
        for wake in batch {
            match wake {
                Wake::Key(key, at) => {
                    if is_interrupt(&key) {
                        return Ok(());
                    }
                    inputs.extend(decoder.feed(key, at));
                }
                Wake::Resize(width, height) => {
                    if !setup.fixed_size {
                        terminal.backend_mut().set_size(Size { width, height });
                        kiosk.repaint();
                    }
                }
                Wake::Engine(ev) => {
                    // Screens that show "within N s" count from the event's moment.
                    let mut r = kiosk.on_tick(Utc::now());
                    r.extend(kiosk.on_event(ev));
                    kiosk.serve(engine, r);
                }
                Wake::Gone => return Ok(()),
            }
        }
        inputs.extend(decoder.flush_due(Instant::now()));
        for input in inputs {
            if input == Input::Intent(Intent::Quit) {
                return Ok(());
            }
            let r = kiosk.on_input(input, Utc::now());
            if kiosk.model().checking
                && let Err(e) = kiosk.render(terminal)
            {
                tracing::warn!(error = %e, "could not draw the screen");
            }
            kiosk.serve(engine, r);
        }
        if kiosk.next_tick() <= Utc::now() {
            let r = kiosk.on_tick(Utc::now());
            kiosk.serve(engine, r);
        }
    }
}

/// Ctrl-C always leaves, whatever the keymap says (the demo's exit; on a
/// kiosk the service manager starts it again).
fn is_interrupt(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

fn wake(input: TerminalInput) -> Wake {
    match input {
        TerminalInput::Key(k, at) => Wake::Key(k, at),
        TerminalInput::Resize(w, h) => Wake::Resize(w, h),
        TerminalInput::Gone => Wake::Gone,
    }
}

fn spawn_event_forwarder(engine: &EngineHandle, tx: mpsc::Sender<Wake>) -> io::Result<()> {
    let mut events = engine.subscribe();
    std::thread::Builder::new()
        .name("engine-events".into())
        .spawn(move || {
            loop {
                match events.blocking_recv() {
                    Ok(ev) => {
                        if tx.send(Wake::Engine(ev)).is_err() {
                            break;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "the screen fell behind the engine's events");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        })?;
    Ok(())
}
