//! The console on a real terminal (`locker admin`, remote or on a service
//! laptop): the one loop of [`crate::ui::app`], with what feeds it events.

use std::io;

use chrono::{DateTime, Utc};

use super::{Console, ConsoleFacts, Msg};
use crate::engine::Event;
use crate::engine::runner::EngineHandle;
use crate::link::EngineLink;
use crate::ui::app::{self, App, Flow, Sink, TerminalSetup};
use crate::ui::reader::StdoutScreen;
use crate::ui::{Input, Intent};

/// Runs the console on the engine thread until the person quits (q, F10,
/// Ctrl-C) or the terminal closes.
pub fn run(mut engine: EngineHandle, facts: ConsoleFacts, setup: TerminalSetup) -> io::Result<()> {
    let events = engine.subscribe();
    let console = Console::new(facts, Utc::now());
    run_with(&mut engine, console, setup, move |sink| {
        app::forward_broadcast(events, sink)
    })
}

/// Runs `console` on `link`; `forward` starts whatever feeds it events.
pub fn run_with(
    link: &mut impl EngineLink,
    console: Console,
    setup: TerminalSetup,
    forward: impl FnOnce(Sink<Event>) -> io::Result<()>,
) -> io::Result<()> {
    let mut on_screen = OnScreen { console, link };
    app::run(&mut on_screen, setup, forward)
}

/// The console and the link it serves its requests on.
struct OnScreen<'a, L> {
    console: Console,
    link: &'a mut L,
}

impl<L: EngineLink> App for OnScreen<'_, L> {
    type Event = Event;

    fn draw(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        self.console
            .render(terminal)
            .map(|_| ())
            .inspect_err(|_| self.console.touch())
    }

    fn repaint(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        terminal.clear()?;
        self.console.touch();
        Ok(())
    }

    fn next_tick(&self) -> DateTime<Utc> {
        self.console.next_tick()
    }

    fn tick(&mut self, now: DateTime<Utc>) {
        let r = self.console.on_tick(now);
        self.console.serve(self.link, r);
    }

    fn event(&mut self, event: Event) {
        let r = self.console.on_event(event);
        self.console.serve(self.link, r);
    }

    fn changed(&mut self) {
        let r = self.console.refresh();
        self.console.serve(self.link, r);
    }

    fn input(&mut self, input: Input, _terminal: &mut StdoutScreen) -> Flow {
        // Quit on the sign-in screen leaves; signed in, it signs out first.
        let quit = input == Input::Intent(Intent::Quit) && self.console.model().session.is_none();
        let r = self.console.on_input(input, Utc::now());
        self.console.serve(self.link, r);
        if quit { Flow::Stop } else { Flow::Go }
    }

    fn interrupt(&mut self) {
        let r = self.console.handle(Msg::Input(Input::Intent(Intent::Quit)));
        self.console.serve(self.link, r);
    }

    fn text_entry(&self) -> bool {
        self.console.model().wants_text()
    }

    fn done(&self) -> bool {
        self.console.has_left()
    }
}
