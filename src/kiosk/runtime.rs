//! The kiosk on a real terminal: the one loop of [`crate::ui::app`], with
//! the engine thread's events and the clock.

use std::io;

use chrono::{DateTime, Utc};

use super::{Kiosk, KioskFacts};
use crate::engine::Event;
use crate::engine::runner::EngineHandle;
use crate::link::EngineLink;
use crate::ui::app::{self, App, Flow, TerminalSetup};
use crate::ui::reader::StdoutScreen;
use crate::ui::{Input, Intent};

/// Runs the kiosk until Ctrl-C (or the keymap's quit key, or the terminal
/// closes).
pub fn run(engine: EngineHandle, facts: KioskFacts, setup: TerminalSetup) -> io::Result<()> {
    run_and(engine, facts, setup, |_| Ok(()))
}

/// [`run`], with `also` handed a way to stop the loop before it starts
/// (the demo stops on a hang-up or a termination signal).
pub fn run_and(
    engine: EngineHandle,
    facts: KioskFacts,
    setup: TerminalSetup,
    also: impl FnOnce(app::Sink<Event>) -> io::Result<()>,
) -> io::Result<()> {
    let mut link = engine.clone();
    run_on(&engine, &mut link, facts, setup, also)
}

/// [`run_and`], the kiosk's requests served on `link` (the demo's tells
/// its simulated bank what each opened door is for); `engine` gives the
/// events every screen follows.
pub fn run_on<L: EngineLink>(
    engine: &EngineHandle,
    link: &mut L,
    facts: KioskFacts,
    setup: TerminalSetup,
    also: impl FnOnce(app::Sink<Event>) -> io::Result<()>,
) -> io::Result<()> {
    let events = engine.subscribe();
    let mut on_screen = OnScreen::new(engine, link, facts);
    app::run(&mut on_screen, setup, |sink| {
        also(sink.clone())?;
        app::forward_broadcast(events, sink)
    })
}

/// The kiosk and the engine it serves its requests on: what the loop
/// drives (the events of `engine.subscribe()` go to [`App::event`]).
pub struct OnScreen<'a, L> {
    kiosk: Kiosk,
    link: &'a mut L,
}

impl<'a, L: EngineLink> OnScreen<'a, L> {
    /// The kiosk's screen, its speech thread started and the bus's state
    /// known.
    pub fn new(engine: &EngineHandle, link: &'a mut L, facts: KioskFacts) -> Self {
        let speech = facts.speech.clone();
        let mut kiosk = Kiosk::new(facts, Utc::now());
        if !speech.is_empty() {
            match crate::ui::speech::Speaker::start(speech) {
                Ok(speaker) => kiosk.set_speaker(Some(speaker)),
                Err(e) => tracing::warn!(error = %e, "spoken prompts are off: no speech thread"),
            }
        }
        if engine.inspect_blocking(|e| e.bus_down()).unwrap_or(false) {
            let r = kiosk.on_event(Event::BusDown);
            kiosk.serve(link, r);
        }
        OnScreen { kiosk, link }
    }
}

impl<L: EngineLink> App for OnScreen<'_, L> {
    type Event = Event;

    fn draw(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        self.kiosk.render(terminal)?;
        self.kiosk.sound(terminal.backend_mut())
    }

    fn repaint(&mut self, _terminal: &mut StdoutScreen) -> io::Result<()> {
        self.kiosk.repaint();
        Ok(())
    }

    fn next_tick(&self) -> DateTime<Utc> {
        self.kiosk.next_tick()
    }

    fn tick(&mut self, now: DateTime<Utc>) {
        let r = self.kiosk.on_tick(now);
        self.kiosk.serve(self.link, r);
    }

    fn event(&mut self, event: Event) {
        // Screens that show "within N s" count from the event's moment.
        let mut r = self.kiosk.on_tick(Utc::now());
        r.extend(self.kiosk.on_event(event));
        self.kiosk.serve(self.link, r);
    }

    fn input(&mut self, input: Input, terminal: &mut StdoutScreen) -> Flow {
        if input == Input::Intent(Intent::Quit) {
            return Flow::Stop;
        }
        let r = self.kiosk.on_input(input, Utc::now());
        // "Checking…" is on the screen before the engine is asked.
        if self.kiosk.model().checking
            && let Err(e) = self.kiosk.render(terminal)
        {
            tracing::warn!(error = %e, "could not draw the screen");
        }
        self.kiosk.serve(self.link, r);
        Flow::Go
    }
}
