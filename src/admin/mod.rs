//! The admin console: building admins and technicians look after the bank,
//! parcels, people, CCTV markers, the audit log, the lock bus, alerts and
//! the outbox. Elm-shaped like the kiosk:
//!
//! ```text
//! Input ─▶ Msg ─▶ update(&mut Model) ─▶ Request ─▶ EngineLink (engine) ─▶ Msg
//! Model ─▶ view(&Model, &mut Frame)
//! ```
//!
//! It runs two ways: inside the kiosk (the hidden key sequence on the home
//! screen, see the README) and as `locker admin`. [`Console`] is the piece a
//! loop holds; an [`EngineLink`] reaches an engine owned by this thread (tests)
//! or the engine thread behind an [`EngineHandle`].

pub mod filters;
pub mod forms;
pub mod menu;
pub mod model;
mod replies;
pub(crate) use replies::failure_words;
pub mod returns;
pub mod runtime;
mod typing;
mod update;
pub mod view;

use std::collections::VecDeque;
use std::io;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::Backend;

pub use crate::link::Failure;
pub use model::{ConsoleFacts, Form, Model, Msg, Request, Screen, Session};
pub use update::update;
pub use view::{page_of, view};

use crate::engine::{EngineResult, Event};
use crate::link::EngineLink;
use crate::ui::Input;

/// The console between a loop and the engine.
#[derive(Debug, Clone)]
pub struct Console {
    model: Model,
    /// The console asked to be closed (back to the kiosk, or quit).
    left: bool,
}

impl Console {
    pub fn new(facts: ConsoleFacts, now: DateTime<Utc>) -> Self {
        Self {
            model: Model::new(facts, now),
            left: false,
        }
    }

    /// A console already signed in (the technician's service laptop has
    /// no accounts), on its menu.
    pub fn signed_in(facts: ConsoleFacts, now: DateTime<Utc>, session: Session) -> Self {
        let mut console = Self::new(facts, now);
        console.model.session = Some(session);
        console.model.screen = Screen::Menu;
        console
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Reads the current screen's data again (the bus changed).
    pub fn refresh(&mut self) -> Vec<Request> {
        match update::refresh_query(&self.model.screen) {
            Some(query) if self.model.session.is_some() => vec![Request::Read {
                actor: self.model.actor(),
                query,
            }],
            _ => Vec::new(),
        }
    }

    /// Whether the console is done (it signed out, or was left).
    pub fn has_left(&self) -> bool {
        self.left
    }

    pub fn handle(&mut self, msg: Msg) -> Vec<Request> {
        let mut out = update(&mut self.model, msg);
        out.retain(|r| {
            let leave = *r == Request::Leave;
            self.left |= leave;
            !leave
        });
        out
    }

    pub fn on_input(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Request> {
        let mut out = self.handle(Msg::Tick(now));
        out.extend(self.handle(Msg::Input(input)));
        out
    }

    pub fn on_event(&mut self, event: Event) -> Vec<Request> {
        self.handle(Msg::Engine(event))
    }

    pub fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Request> {
        self.handle(Msg::Tick(now))
    }

    /// When the screen may next change by itself: the clock's next minute
    /// or the idle sign-out, whichever is first.
    pub fn next_tick(&self) -> DateTime<Utc> {
        let now = self.model.now();
        let next_minute = now + chrono::Duration::seconds(60 - now.timestamp().rem_euclid(60));
        let idle = self.model.idle_since
            + chrono::Duration::seconds(i64::from(self.model.facts.idle_secs));
        if self.model.session.is_some() {
            next_minute.min(idle.max(now))
        } else {
            next_minute
        }
    }

    /// Runs requests, feeding every answer back until nothing more is asked.
    pub fn serve(&mut self, engine: &mut impl EngineLink, requests: Vec<Request>) {
        let mut queue: VecDeque<Request> = requests.into();
        while let Some(request) = queue.pop_front() {
            queue.extend(self.serve_one(engine, request));
        }
    }

    /// One request; returns what its answer asks next.
    pub fn serve_one(&mut self, engine: &mut impl EngineLink, request: Request) -> Vec<Request> {
        match request {
            Request::Engine { actor, command } => {
                let reply = engine.command(&actor, command);
                self.on_reply(&reply)
            }
            Request::Read { actor, query } => match engine.read(&actor, query) {
                Ok(loaded) => self.handle(Msg::Loaded(loaded)),
                Err(e) => self.handle(Msg::Failed(Failure::from(&e))),
            },
            Request::Leave => {
                self.left = true;
                Vec::new()
            }
        }
    }

    pub fn on_reply(&mut self, reply: &EngineResult) -> Vec<Request> {
        match reply {
            Ok(events) => events
                .iter()
                .flat_map(|e| self.on_event(e.clone()))
                .collect(),
            Err(e) => self.handle(Msg::Failed(Failure::from(e))),
        }
    }

    pub fn needs_render(&self) -> bool {
        self.model.is_dirty()
    }

    /// Marks the screen for a full draw (after the kiosk had it).
    pub fn touch(&mut self) {
        self.model.dirty = true;
    }

    /// Draws if the screen changed; returns whether it drew.
    pub fn render<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<bool> {
        if !self.model.take_dirty() {
            return Ok(false);
        }
        terminal.draw(|frame| view(&self.model, frame))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
