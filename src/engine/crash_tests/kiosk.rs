//! One kiosk process's engine on the simulated boards, and the lines the child prints.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use tokio::runtime::Runtime;
use tokio::sync::mpsc::UnboundedReceiver;

use super::{TAG, WAIT, bank};
use crate::bus::modbus::{BusConfig, ModbusLockBus};
use crate::bus::{BusEvent, LockBus};
use crate::clock::ManualClock;
use crate::domain::{CompartmentId, Parcel};
use crate::engine::{Actor, Command, Engine, EngineSettings, Event, query};
use crate::store::{Store, StoreError};

/// Opens the database, waiting while a process that just ended (or a
/// dropped engine's flusher) still holds sled's lock.
pub(super) fn open_store(dir: &Path) -> Store {
    let deadline = Instant::now() + WAIT;
    loop {
        match Store::open(dir) {
            Err(StoreError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(StdDuration::from_millis(10));
            }
            other => return other.expect("the store opens"),
        }
    }
}

/// A Modbus bus on the simulator's pty once every board has answered, so
/// that recovery reads real door and item sensors. The pty takes one
/// client at a time: wait while the one before lets go of it.
fn open_bus(rt: &Runtime, port: &str) -> (ModbusLockBus, UnboundedReceiver<BusEvent>) {
    let bank = bank();
    // Quick polls so that a run takes little time; generous time limits
    // so that a busy machine makes no board look offline or door jammed.
    let mut cfg = BusConfig::new(port);
    cfg.timeout = StdDuration::from_secs(1);
    cfg.reopen_quiet = StdDuration::from_millis(50);
    cfg.poll_interval = StdDuration::from_millis(20);
    cfg.jam_timeout = StdDuration::from_secs(5);
    let _enter = rt.enter();
    let deadline = Instant::now() + WAIT;
    let (bus, events) = loop {
        match ModbusLockBus::spawn(bank, cfg.clone()) {
            Ok(opened) => break opened,
            Err(_) if Instant::now() < deadline => {
                std::thread::sleep(StdDuration::from_millis(10));
            }
            Err(e) => panic!("the bus does not open {port}: {e}"),
        }
    };
    while !bank.boards.iter().all(|b| bus.board_online(b.address)) {
        assert!(
            Instant::now() < deadline,
            "boards not online within {WAIT:?}"
        );
        std::thread::sleep(StdDuration::from_millis(5));
    }
    (bus, events)
}

/// One kiosk process's engine on the simulated boards.
pub(super) struct Kiosk<'a> {
    pub(super) engine: Engine,
    events: UnboundedReceiver<BusEvent>,
    /// Told of every door the engine saw open.
    opened: Box<dyn FnMut(CompartmentId) + 'a>,
    /// Everything the engine said, for failure messages.
    pub(super) seen: Vec<Event>,
}

impl<'a> Kiosk<'a> {
    pub(super) fn start(
        rt: &Runtime,
        dir: &Path,
        port: &str,
        now: DateTime<Utc>,
        opened: impl FnMut(CompartmentId) + 'a,
    ) -> Kiosk<'a> {
        let store = open_store(dir);
        let (bus, events) = open_bus(rt, port);
        let engine = Engine::open(
            store,
            Box::new(bus),
            bank().layout.clone(),
            Arc::new(ManualClock::new(now)),
            EngineSettings::for_tests(),
        )
        .expect("the engine opens");
        Kiosk {
            engine,
            events,
            opened: Box::new(opened),
            seen: Vec::new(),
        }
    }

    pub(super) fn cmd(&mut self, actor: &Actor, command: Command) -> Vec<Event> {
        let what = format!("{command:?}");
        let events = self
            .engine
            .handle(actor, command)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        self.seen.extend(events.iter().cloned());
        events
    }

    pub(super) fn sign_in(&mut self, (user, pin): (&str, &str)) -> Actor {
        let events = self.cmd(
            &Actor::Kiosk,
            Command::SignIn {
                user: user.into(),
                pin: pin.into(),
            },
        );
        match events.first() {
            Some(Event::SignedIn { session, .. }) => Actor::Session { id: *session },
            other => panic!("sign-in failed: {other:?}"),
        }
    }

    /// Feeds the engine the next bus event, if one came (else waits a little).
    fn pump_once(&mut self) -> Vec<Event> {
        match self.events.try_recv() {
            Ok(ev) => {
                let events = self
                    .engine
                    .on_bus_event(ev)
                    .unwrap_or_else(|e| panic!("bus event {ev:?}: {e}"));
                for e in &events {
                    if let Event::DoorOpened { compartment } = e {
                        (self.opened)(*compartment);
                    }
                }
                self.seen.extend(events.iter().cloned());
                events
            }
            Err(_) => {
                std::thread::sleep(StdDuration::from_millis(5));
                Vec::new()
            }
        }
    }

    /// Feeds bus events until the engine says something `done` matches.
    pub(super) fn pump_until(&mut self, what: &str, done: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(e) = self.pump_once().into_iter().find(|e| done(e)) {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "not within {WAIT:?}: {what}; the engine said {:?}",
                self.seen
            );
        }
    }

    /// Feeds bus events while `busy` holds.
    pub(super) fn pump_while(&mut self, what: &str, busy: impl Fn(&Kiosk) -> bool) {
        let deadline = Instant::now() + WAIT;
        while busy(self) {
            self.pump_once();
            assert!(
                Instant::now() < deadline,
                "not within {WAIT:?}: {what}; the engine said {:?}",
                self.seen
            );
        }
    }

    pub(super) fn store(&self) -> &Store {
        self.engine.store()
    }

    pub(super) fn parcels(&self) -> Vec<Parcel> {
        query::all_parcels(self.store()).expect("parcels")
    }
}

pub(super) fn opening(events: &[Event]) -> Option<CompartmentId> {
    events.iter().find_map(|e| match e {
        Event::DoorOpening { compartment, .. } => Some(*compartment),
        _ => None,
    })
}

/// A line for the parent on stdout (line-buffered, so it is out before an abort).
pub(super) fn say(what: &str, rest: impl std::fmt::Display) {
    println!("{TAG} {what} {rest}");
}

pub(super) fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set for the crash child"))
}
