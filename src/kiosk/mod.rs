//! The kiosk screens: what a recipient or courier sees on the keypad
//! terminal, Elm-shaped.
//!
//! ```text
//! Input (decoder) ─▶ Msg ─▶ update(&mut Model) ─▶ Request ─▶ Engine::handle
//!                                  ▲                               │
//!                                  └──────── Msg::Engine(Event) ◀──┘
//! Model ─▶ view(&Model, &mut Frame) ─▶ Terminal<KioskBackend<W>>
//! ```
//!
//! [`Kiosk`] is the piece a runtime loop holds: feed it inputs, engine
//! replies, bus events and ticks; run the [`Request`]s it returns; call
//! [`Kiosk::render`], which draws only when something changed. It has no
//! threads and no async, so the tokio loop and the tests drive it alike
//! (see [`driver::Driver`] for a whole kiosk on a fake bus).
//!
//! A loop that owns the engine, in outline:
//!
//! ```text
//! let mut kiosk = Kiosk::new(KioskFacts::from_config(&config, &bank), clock.now());
//! loop {
//!     kiosk.render(&mut terminal)?;                 // writes nothing if unchanged
//!     wait for: a key (decoder), a bus event, or kiosk.next_tick()
//!     key   -> for input in decoder.feed(..) { let r = kiosk.on_input(input, now); kiosk.serve(&mut engine, r) }
//!     bus   -> let reply = engine.on_bus_event(ev); let r = kiosk.on_reply(&reply); kiosk.serve(&mut engine, r)
//!     tick  -> let reply = engine.tick(); let r = kiosk.on_reply(&reply); kiosk.serve(&mut engine, r);
//!              let r = kiosk.on_tick(now); kiosk.serve(&mut engine, r)
//! }
//! ```

mod courier;
mod cue;
pub mod model;
mod returns;
pub mod runtime;
mod update;
pub mod view;

use std::collections::VecDeque;
use std::io;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::Backend;

pub use cue::{Cue, Sound, spoken};
pub use model::{
    ClassShown, DemoHelp, DoorSpot, Draft, ExpiredParcel, KioskFacts, Model, Msg, Notice, Request,
    Screen, StaffSession,
};
pub use update::update;
pub use view::{page_of, view};

use crate::engine::read::{Answer, Query};
use crate::engine::{Engine, EngineError, Event};
use crate::link::EngineLink;
pub use crate::link::Failure;
use crate::ui::Input;

/// The kiosk screen between a runtime loop and the engine.
#[derive(Debug, Clone)]
pub struct Kiosk {
    model: Model,
    /// A full repaint is due (start, after an outage).
    clear: bool,
    /// The admin console, while staff have the screen.
    admin: Option<crate::admin::Console>,
    /// The bell and the speech program, and what they are still to say.
    sound: Sound,
    cues: Vec<Cue>,
    /// The prompt last given to the speech program.
    said: Option<String>,
    /// The screen was drawn since the prompt was last worked out: only
    /// then can it have changed (working it out lays out a whole page).
    drawn: bool,
}

impl Kiosk {
    pub fn new(facts: KioskFacts, now: DateTime<Utc>) -> Self {
        let sound = Sound {
            bell: facts.bell,
            speaker: None,
        };
        Self {
            model: Model::new(facts, now),
            clear: true,
            admin: None,
            sound,
            cues: Vec::new(),
            said: None,
            drawn: true,
        }
    }

    /// The speech thread that says each screen's prompt (`[kiosk] speech`).
    pub fn set_speaker(&mut self, speaker: Option<crate::ui::speech::Speaker>) {
        self.sound.speaker = speaker;
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The admin console, while it has the screen.
    pub fn console(&self) -> Option<&crate::admin::Console> {
        self.admin.as_ref()
    }

    /// Applies any message; [`Request::ClearScreen`] is kept for `render`
    /// and [`Request::OpenAdmin`] opens the console.
    pub fn handle(&mut self, msg: Msg) -> Vec<Request> {
        // The clock alone never opens a door or refuses anything: a tick
        // (each second while a countdown shows) copies no screen for it.
        let before = (!matches!(msg, Msg::Tick(_))).then(|| cue::before(&self.model));
        let mut out = update(&mut self.model, msg);
        if self.admin.is_none()
            && let Some(before) = &before
            && let Some(cue) = cue::cue(before, &self.model)
        {
            self.cues.push(cue);
        }
        let (mut clear, mut open) = (false, false);
        out.retain(|r| match r {
            Request::ClearScreen => {
                clear = true;
                false
            }
            Request::OpenAdmin => {
                open = true;
                false
            }
            _ => true,
        });
        self.clear |= clear;
        if open {
            self.open_admin();
        }
        out
    }

    fn open_admin(&mut self) {
        let f = &self.model.facts;
        let facts = crate::admin::ConsoleFacts {
            letter: f.letter.clone(),
            name: f.name.clone(),
            tz: f.tz,
            bank: f.bank.clone(),
            from_kiosk: true,
            idle_secs: f.inactivity_secs.max(120),
            bus_only: false,
            keypad: true,
            language: f.language,
            keys: f.keys.clone(),
        };
        self.admin = Some(crate::admin::Console::new(facts, self.model.now()));
        self.clear = true;
    }

    /// Closes the console once it has signed out: the kiosk's home again.
    fn close_admin_if_left(&mut self) {
        if self.admin.as_ref().is_some_and(|c| c.has_left()) {
            self.admin = None;
            self.clear = true;
            self.model.screen = Screen::Home;
            self.model.dirty = true;
        }
    }

    fn wrap(requests: Vec<crate::admin::Request>) -> Vec<Request> {
        requests.into_iter().map(Request::Admin).collect()
    }

    /// A decoded key or scan, at `now`: the console's while it is open.
    pub fn on_input(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Request> {
        let mut out = self.handle(Msg::Tick(now));
        if let Some(console) = &mut self.admin {
            out.extend(Self::wrap(console.on_input(input, now)));
            return out;
        }
        out.extend(self.handle(Msg::Input(input)));
        out
    }

    /// One event from the engine (a door on the bus, the scheduler); the
    /// console sees it too.
    pub fn on_event(&mut self, event: Event) -> Vec<Request> {
        let mut out = Vec::new();
        if let Some(console) = &mut self.admin {
            out.extend(Self::wrap(console.on_event(event.clone())));
        }
        out.extend(self.handle(Msg::Engine(event)));
        out
    }

    /// The engine's answer to a [`Request::Engine`].
    pub fn on_reply(&mut self, reply: &Result<Vec<Event>, EngineError>) -> Vec<Request> {
        match reply {
            Ok(events) => events
                .iter()
                .flat_map(|e| self.on_event(e.clone()))
                .collect(),
            Err(e) => self.handle(Msg::Failed(Failure::from(e))),
        }
    }

    /// The time: call it at least once a second (the lockout countdown),
    /// or at [`Kiosk::next_tick`].
    pub fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Request> {
        let mut out = Vec::new();
        if let Some(console) = &mut self.admin {
            out.extend(Self::wrap(console.on_tick(now)));
        }
        out.extend(self.handle(Msg::Tick(now)));
        out
    }

    /// When the screen may next change by itself: the next second while
    /// the countdown shows, else the next minute of the clock or the
    /// inactivity deadline, whichever comes first.
    pub fn next_tick(&self) -> DateTime<Utc> {
        let own = self.own_next_tick();
        match &self.admin {
            Some(console) => own.min(console.next_tick()),
            None => own,
        }
    }

    fn own_next_tick(&self) -> DateTime<Utc> {
        let now = self.model.now();
        let counting_down = match self.model.screen {
            Screen::Lockout { .. } => true,
            Screen::PickupDone { reopen_secs, .. } => reopen_secs > 0,
            _ => false,
        };
        if counting_down {
            return now + chrono::Duration::seconds(1);
        }
        let next_minute = now + chrono::Duration::seconds(60 - now.timestamp().rem_euclid(60));
        let mut idle = self.model.idle_since
            + chrono::Duration::seconds(i64::from(self.model.facts.inactivity_secs));
        if !self.model.still_there {
            idle -= update::warn_before(&self.model);
        }
        if self.model.screen.is_resting() || idle <= now {
            next_minute
        } else {
            next_minute.min(idle)
        }
    }

    /// Shows "out of service" if the engine already knows the bus is down
    /// (at start, every board may be offline before any event says so).
    pub fn follow_bus_state(&mut self, engine: &Engine) -> Vec<Request> {
        if engine.bus_down() && self.model.screen != Screen::OutOfService {
            return self.on_event(Event::BusDown);
        }
        Vec::new()
    }

    /// The next `render` clears and draws everything (resize, line noise).
    pub fn repaint(&mut self) {
        self.clear = true;
    }

    /// Whether the next `render` will draw.
    pub fn needs_render(&self) -> bool {
        self.clear || self.model.is_dirty() || self.admin.as_ref().is_some_and(|c| c.needs_render())
    }

    /// Runs requests against the engine (owned here, or behind a handle),
    /// feeding every answer back until nothing more is asked. A loop calls
    /// this after each `on_*`.
    pub fn serve(&mut self, engine: &mut impl EngineLink, requests: Vec<Request>) {
        let mut queue: VecDeque<Request> = requests.into();
        while let Some(request) = queue.pop_front() {
            let more = match request {
                Request::Engine { actor, command } => {
                    let reply = engine.command(&actor, command);
                    self.on_reply(&reply)
                }
                Request::ListExpired { actor } => {
                    match walk(engine, &actor, Query::ExpiredRecords) {
                        Some(parcels) => self.handle(Msg::Expired(
                            parcels
                                .into_iter()
                                .map(|p| ExpiredParcel {
                                    parcel: p.id,
                                    door: p.compartment,
                                })
                                .collect(),
                        )),
                        None => self.handle(Msg::Failed(Failure::Store)),
                    }
                }
                Request::ListReturns { actor } => {
                    match walk(engine, &actor, Query::ReturnsToCollect) {
                        Some(parcels) => self.handle(Msg::Returns(
                            parcels
                                .into_iter()
                                .filter_map(|p| {
                                    Some(model::WaitingReturn {
                                        id: p.return_of()?,
                                        parcel: p.id,
                                        door: p.compartment,
                                    })
                                })
                                .collect(),
                        )),
                        None => self.handle(Msg::Failed(Failure::Store)),
                    }
                }
                Request::Admin(r) => match &mut self.admin {
                    Some(console) => Self::wrap(console.serve_one(engine, r)),
                    None => Vec::new(),
                },
                // `handle` keeps these.
                Request::ClearScreen | Request::OpenAdmin => Vec::new(),
            };
            queue.extend(more);
        }
        self.close_admin_if_left();
    }

    /// Rings the bell once for each error and door opened since the last
    /// call (when the bell is on), and gives the speech program the
    /// screen's prompt when it changed. Call it after [`Kiosk::render`].
    pub fn sound<W: io::Write>(
        &mut self,
        backend: &mut crate::ui::KioskBackend<W>,
    ) -> io::Result<()> {
        let cues = std::mem::take(&mut self.cues);
        if let Some(speaker) = &self.sound.speaker
            && std::mem::take(&mut self.drawn)
        {
            let prompt = match self.admin {
                None => spoken(&self.model),
                Some(_) => None,
            };
            if prompt != self.said {
                if let Some(prompt) = &prompt {
                    speaker.say(crate::ui::speech::voice(self.model.language), prompt);
                }
                self.said = prompt;
            }
        }
        if self.sound.bell && !cues.is_empty() {
            backend.bell(cues.len())?;
        }
        Ok(())
    }

    /// Draws the screen if it changed; returns whether it drew. An
    /// unchanged model writes nothing at all.
    pub fn render<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<bool> {
        if self.clear {
            terminal.clear()?;
            self.clear = false;
            self.model.dirty = true;
            if let Some(console) = &mut self.admin {
                console.touch();
            }
        }
        if let Some(console) = &mut self.admin {
            self.model.take_dirty();
            self.drawn = true;
            return console.render(terminal).inspect_err(|_| self.clear = true);
        }
        if !self.model.take_dirty() {
            return Ok(false);
        }
        if let Err(e) = terminal.draw(|frame| view(&self.model, frame)) {
            // Part of the frame may be on the screen: only a full repaint
            // makes it right once the line is back.
            self.clear = true;
            return Err(e);
        }
        self.drawn = true;
        Ok(true)
    }
}

#[cfg(test)]
pub(crate) mod tests;

/// The parcels a staff walk goes through (expired, returns), or `None`
/// when they cannot be read.
fn walk(
    engine: &mut impl EngineLink,
    actor: &crate::engine::Actor,
    query: Query,
) -> Option<Vec<crate::domain::Parcel>> {
    match engine.read(actor, query) {
        Ok(Answer::ParcelRecords(parcels)) => Some(parcels),
        other => {
            tracing::warn!(answer = ?other.err(), "cannot list a staff walk");
            None
        }
    }
}
