//! The whole kiosk against the simulator, end to end: keys go through the
//! real keypad keymap and input decoder into the kiosk screen, the engine
//! runs in its own thread behind an `EngineHandle`, and its lock bus speaks
//! Modbus RTU to simulated boards on a pseudo-terminal. The test plays the
//! person at the keypad and the hands at the doors (`SimHandle`), and reads
//! what the screen says.
//!
//! Waiting is always "until the screen (or the simulator) shows it", with a
//! generous deadline; no test asserts how long anything took.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;
use tokio::sync::broadcast;

use locker::bus::LockId;
use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::clock::{Clock, ManualClock};
use locker::domain::{
    Compartment, CompartmentId, Language, Parcel, ParcelClass, ParcelId, ParcelState, Recipient,
    RecipientId, Role,
};
use locker::engine::runner::EngineHandle;
use locker::engine::{Actor, Command, Engine, EngineSettings, Event, Found, Refusal, query};
use locker::hardware::Bank;
use locker::kiosk::driver::{ADMIN, ANA, BEN, COURIER, start_time};
use locker::kiosk::{Kiosk, KioskFacts, Screen};
use locker::sim::{SimHandle, SimLink, SimOptions, Simulator};
use locker::store::{
    Alert, AlertKind, DeliveryState, IntentKind, Notification, NotificationKind, Store,
};
use locker::ui::{InputDecoder, Keymap, ScanSettings};

/// Long enough for a loaded two-core machine; only a failing test waits it out.
const WAIT: StdDuration = StdDuration::from_secs(10);
/// A person's keys, far enough apart that the decoder never takes them for
/// a scanner's burst.
const KEY_GAP: StdDuration = StdDuration::from_millis(400);
const SCAN_GAP: StdDuration = StdDuration::from_millis(4);

/// One kiosk with everything real but the clock, which the test moves.
struct Rig {
    kiosk: Kiosk,
    handle: EngineHandle,
    events: broadcast::Receiver<Event>,
    /// Every engine event the screen was given, for failure messages.
    seen: Vec<Event>,
    /// Doors the engine has reported open and not closed since.
    open: HashSet<CompartmentId>,
    terminal: Terminal<TestBackend>,
    decoder: InputDecoder,
    keys_at: Instant,
    clock: ManualClock,
    bank: Bank,
    sim: SimHandle,
    _dir: TempDir,
    // Last: the simulator's and the bus's tasks run on it.
    _rt: tokio::runtime::Runtime,
}

fn local() -> Actor {
    Actor::Local { name: "e2e".into() }
}

impl Rig {
    /// The demo bank (two lb48 boards, 30 doors); doors stay open until the
    /// test closes them, and item sensors change only when the test says.
    fn new() -> Rig {
        Rig::with(SimOptions::default(), |_| {})
    }

    fn with(sim_opts: SimOptions, bus: impl FnOnce(&mut BusConfig)) -> Rig {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let bank = Bank::demo();
        let dir = tempfile::tempdir().expect("temp dir");
        let (sim, bus, bus_events) = {
            let _enter = rt.enter();
            let sim =
                Simulator::start(&bank, SimLink::Pty(None), sim_opts).expect("simulator on a pty");
            let mut cfg = BusConfig::new(sim.path().display().to_string());
            // Generous: nothing here loses replies, and a busy machine must
            // not make a board look offline.
            cfg.timeout = StdDuration::from_secs(1);
            cfg.reopen_quiet = StdDuration::from_millis(50);
            cfg.jam_timeout = StdDuration::from_millis(1500);
            bus(&mut cfg);
            let (bus, events) = ModbusLockBus::spawn(&bank, cfg).expect("bus opens the pty");
            (sim, bus, events)
        };
        let deadline = Instant::now() + WAIT;
        while !bank.boards.iter().all(|b| {
            use locker::bus::LockBus;
            bus.board_online(b.address)
        }) {
            assert!(
                Instant::now() < deadline,
                "boards not online within {WAIT:?}"
            );
            std::thread::sleep(StdDuration::from_millis(20));
        }
        let clock = ManualClock::new(start_time());
        let store = Store::open(dir.path()).expect("store");
        let mut engine = Engine::open(
            store,
            Box::new(bus),
            bank.layout.clone(),
            Arc::new(clock.clone()),
            EngineSettings::for_tests(),
        )
        .expect("engine");
        seed(&mut engine);
        let facts =
            KioskFacts::from_engine(engine.settings(), &bank.layout, "Front desk, 555-0100");
        let handle = EngineHandle::spawn(engine, bus_events, StdDuration::ZERO);
        let events = handle.subscribe();
        let mut rig = Rig {
            kiosk: Kiosk::new(facts, clock.now()),
            handle,
            events,
            seen: Vec::new(),
            open: HashSet::new(),
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("test terminal"),
            decoder: InputDecoder::new(Keymap::keypad16(), ScanSettings::default()),
            keys_at: Instant::now(),
            clock,
            bank,
            sim,
            _dir: dir,
            _rt: rt,
        };
        rig.pump();
        assert!(rig.text().contains("Welcome"), "{}", rig.text());
        rig
    }

    // --- The screen -----------------------------------------------------

    /// Gives the screen what the engine published, then draws it.
    fn pump(&mut self) {
        loop {
            match self.events.try_recv() {
                Ok(ev) => {
                    match &ev {
                        Event::DoorOpened { compartment } => {
                            self.open.insert(*compartment);
                        }
                        Event::DoorClosed { compartment }
                        | Event::DoorJammed { compartment, .. } => {
                            self.open.remove(compartment);
                        }
                        _ => {}
                    }
                    self.seen.push(ev.clone());
                    // As the real loop does: "within N s" counts from now.
                    let mut r = self.kiosk.on_tick(self.clock.now());
                    r.extend(self.kiosk.on_event(ev));
                    self.kiosk.serve(&mut self.handle, r);
                }
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    panic!("the screen missed {n} engine events")
                }
                Err(_) => break,
            }
        }
        self.kiosk
            .render(&mut self.terminal)
            .expect("draw on the test terminal");
    }

    fn screen(&self) -> &Screen {
        &self.kiosk.model().screen
    }

    /// What the 80x24 screen shows, row by row.
    fn text(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let row: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            out.push_str(row.trim_end());
            out.push('\n');
        }
        out
    }

    /// Pumps until `done`; fails with the screen and the events otherwise.
    fn wait_for(&mut self, what: &str, done: impl Fn(&Rig) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            if done(self) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "not within {WAIT:?}: {what}\nscreen:\n{}\nevents: {:?}",
                    self.text(),
                    self.seen
                );
            }
            std::thread::sleep(StdDuration::from_millis(10));
        }
    }

    fn wait_text(&mut self, needle: &str) {
        self.wait_for(&format!("the screen says {needle:?}"), |r| {
            r.text().contains(needle)
        });
    }

    // --- The keypad -----------------------------------------------------

    /// Keys as printed on the keypad: `0-9 * # A B C D`.
    fn press(&mut self, keys: &str) {
        for c in keys.chars() {
            self.keys_at += KEY_GAP;
            let at = self.keys_at;
            let mut inputs = self.decoder.feed(key(c), at);
            inputs.extend(self.decoder.flush_due(at + KEY_GAP));
            self.give(inputs);
        }
    }

    /// A barcode scanner types `payload` and Enter.
    fn scan(&mut self, payload: &str) {
        self.keys_at += KEY_GAP;
        let mut inputs = Vec::new();
        for c in payload.chars() {
            self.keys_at += SCAN_GAP;
            inputs.extend(self.decoder.feed(key(c), self.keys_at));
        }
        self.keys_at += SCAN_GAP;
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        inputs.extend(self.decoder.feed(enter, self.keys_at));
        inputs.extend(self.decoder.flush_due(self.keys_at + KEY_GAP));
        self.give(inputs);
    }

    fn give(&mut self, inputs: Vec<locker::ui::Input>) {
        for input in inputs {
            let r = self.kiosk.on_input(input, self.clock.now());
            self.kiosk.serve(&mut self.handle, r);
            self.pump();
        }
    }

    /// Nobody at the keypad for `by` (the kiosk's and the engine's clock).
    fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        let r = self.kiosk.on_tick(self.clock.now());
        self.kiosk.serve(&mut self.handle, r);
        self.pump();
    }

    // --- The doors --------------------------------------------------------

    fn lock(&self, door: CompartmentId) -> LockId {
        self.bank
            .layout
            .compartment(door)
            .map(|c| c.lock())
            .unwrap_or_else(|| panic!("door {door} is in the demo bank"))
    }

    /// The door the screen is about.
    fn door_on_screen(&self) -> CompartmentId {
        match self.screen() {
            Screen::DoorOpen { spot, .. } | Screen::DepositDoor { spot, .. } => spot.door,
            Screen::Removal {
                open: Some((_, spot)),
                ..
            } => spot.door,
            other => panic!("no door on the screen: {other:?}\n{}", self.text()),
        }
    }

    /// The door swings open on the simulator and the bus has seen it (a
    /// door shut before the next poll would be, rightly, no opening).
    fn wait_door_open(&mut self, door: CompartmentId) {
        let lock = self.lock(door);
        self.wait_for(&format!("door {door} open"), |r| {
            r.sim.door_open(lock) && r.open.contains(&door)
        });
    }

    /// The person shuts the door, with (`item`) or without a parcel inside.
    fn close(&mut self, door: CompartmentId, item: bool) {
        let lock = self.lock(door);
        self.sim.set_item(lock, item);
        self.sim.close_door(lock);
    }

    /// Unlock pulses the simulator got over the whole bank.
    fn all_pulses(&self) -> u32 {
        self.bank
            .layout
            .compartments
            .iter()
            .map(|c| self.sim.pulses(c.lock()))
            .sum()
    }

    // --- The engine -------------------------------------------------------

    fn cmd(&self, actor: Actor, command: Command) -> Vec<Event> {
        let what = format!("{command:?}");
        self.handle
            .send_blocking(actor, command)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// A parcel already in `door` (placed by staff): its id and code.
    fn stored(&mut self, recipient: &str, door: CompartmentId) -> (ParcelId, String) {
        let events = self.cmd(
            local(),
            Command::PlaceParcel {
                compartment: door,
                tracking: format!("TRK-E2E-{door}"),
                recipient: recipient.into(),
                class: ParcelClass::Domestic,
            },
        );
        let parcel = events
            .iter()
            .find_map(|e| match e {
                Event::DepositStored { parcel, .. } => Some(*parcel),
                _ => None,
            })
            .expect("the parcel is stored");
        self.sim.set_item(self.lock(door), true);
        (parcel, self.code_of(parcel))
    }

    fn outbox(&self) -> Vec<Notification> {
        self.handle
            .inspect_blocking(|e| query::outbox(e.store()))
            .expect("engine running")
            .expect("outbox")
    }

    fn alerts(&self) -> Vec<Alert> {
        self.handle
            .inspect_blocking(|e| query::alerts(e.store()))
            .expect("engine running")
            .expect("alerts")
    }

    fn parcel(&self, id: ParcelId) -> Parcel {
        self.handle
            .inspect_blocking(move |e| query::all_parcels(e.store()))
            .expect("engine running")
            .expect("parcels")
            .into_iter()
            .find(|p| p.id == id)
            .expect("parcel recorded")
    }

    fn compartment(&self, door: CompartmentId) -> Compartment {
        self.handle
            .inspect_blocking(|e| query::compartments(e.store()))
            .expect("engine running")
            .expect("compartments")
            .into_iter()
            .find(|c| c.id == door)
            .expect("compartment recorded")
    }

    /// The newest code sent for a parcel.
    fn code_of(&self, parcel: ParcelId) -> String {
        self.outbox()
            .into_iter()
            .rev()
            .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
            .find_map(|n| n.code)
            .expect("a code was queued for the parcel")
    }

    /// The parcel the screen's deposit ended in.
    fn stored_event(&self, door: CompartmentId) -> ParcelId {
        self.seen
            .iter()
            .find_map(|e| match e {
                Event::DepositStored {
                    parcel,
                    compartment,
                    ..
                } if *compartment == door => Some(*parcel),
                _ => None,
            })
            .expect("a deposit was stored")
    }

    // --- Flows -------------------------------------------------------------

    /// A code typed on the keypad; the door opens on the simulator.
    fn pick_up_opens(&mut self, code: &str, door: CompartmentId) {
        self.press(&format!("A{code}#"));
        assert_eq!(self.door_on_screen(), door, "{}", self.text());
        self.wait_door_open(door);
        self.wait_text(&format!("Door {door} is open\n"));
    }

    fn sign_in(&mut self) {
        self.press(&format!("B{}#{}#", COURIER.0, COURIER.1));
        self.wait_for("the staff menu", |r| *r.screen() == Screen::StaffMenu);
    }

    /// Signed in, tracking and recipient typed: the size screen.
    fn at_size(&mut self, recipient: &str) {
        self.sign_in();
        self.press("1");
        self.press("40442#");
        self.press(&format!("{recipient}#"));
        self.wait_text("Parcel size");
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// The courier, the admin and two registered recipients.
fn seed(engine: &mut Engine) {
    for ((name, pin), role) in [(COURIER, Role::Courier), (ADMIN, Role::Admin)] {
        engine
            .handle(
                &local(),
                Command::AddUser {
                    name: name.into(),
                    role,
                    pin: pin.into(),
                    badge: None,
                    carrier_email: None,
                },
            )
            .expect("user added");
    }
    for (id, name) in [(ANA, "Ana"), (BEN, "Ben")] {
        let mut r = Recipient::closed(RecipientId::parse(id).expect("recipient id"));
        r.closed = false;
        r.name = name.into();
        r.email = format!("{}@example.org", name.to_lowercase());
        r.language = Language::En;
        engine
            .handle(&local(), Command::AddRecipient { recipient: r })
            .expect("recipient added");
    }
}

// --- Pickup -----------------------------------------------------------------

#[test]
fn pickup_with_a_code_opens_the_door_and_the_code_dies_after() {
    let mut r = Rig::new();
    let door = CompartmentId(3);
    let (parcel, code) = r.stored(ANA, door);
    r.pick_up_opens(&code, door);
    assert!(r.text().contains("Take your parcel."), "{}", r.text());
    r.close(door, false);
    r.wait_text("Thank you!");
    assert!(
        r.text()
            .contains(&format!("Door {door} is closed. Your pickup is complete.")),
        "{}",
        r.text()
    );
    assert!(!r.sim.door_open(r.lock(door)));
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
    r.press("*");
    assert_eq!(*r.screen(), Screen::Home);
    let pulses = r.sim.pulses(r.lock(door));
    r.press(&format!("A{code}#"));
    r.wait_text("This code was already used.");
    assert_eq!(
        r.sim.pulses(r.lock(door)),
        pulses,
        "no pulse for a used code"
    );
}

#[test]
fn door_closed_before_taking_parcel_can_reopen() {
    let mut r = Rig::new();
    let door = CompartmentId(20);
    let (parcel, code) = r.stored(BEN, door);
    r.pick_up_opens(&code, door);
    // Shut too soon, the parcel still inside.
    r.close(door, true);
    r.wait_text("Thank you!");
    assert!(
        r.text().contains("Re-open door 20 (within 60 s)"),
        "{}",
        r.text()
    );
    r.press("#");
    assert!(
        matches!(r.screen(), Screen::DoorOpen { purpose: IntentKind::Reopen, spot, .. } if spot.door == door),
        "{}",
        r.text()
    );
    r.wait_door_open(door);
    assert!(r.sim.pulses(r.lock(door)) >= 2, "pulsed again");
    r.close(door, false);
    r.wait_text("Thank you!");
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
}

#[test]
fn wrong_code_five_times_locks_the_keypad() {
    let mut r = Rig::new();
    let door = CompartmentId(1);
    let (_, code) = r.stored(ANA, door);
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for left in (1..=4).rev() {
        r.press(&format!("A{wrong}#"));
        assert_eq!(
            *r.screen(),
            Screen::CodeRefused {
                refusal: Refusal::Unknown,
                tries_left: left
            },
            "{}",
            r.text()
        );
        r.press("*");
    }
    r.press(&format!("A{wrong}#"));
    r.wait_text("Keypad locked");
    assert!(r.text().contains("Try again in 01:00"), "{}", r.text());
    // The right code does nothing while locked.
    r.press(&format!("A{code}#"));
    assert!(matches!(r.screen(), Screen::Lockout { .. }));
    assert_eq!(r.all_pulses(), 0);
    assert!(r.alerts().iter().any(|a| a.kind == AlertKind::Lockout));
    r.advance(Duration::seconds(60));
    assert_eq!(*r.screen(), Screen::Home, "{}", r.text());
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
}

#[test]
fn pickup_after_deadline_says_expired_and_the_final_notice_is_queued() {
    let mut r = Rig::new();
    let door = CompartmentId(21);
    let (parcel, code) = r.stored(ANA, door);
    // Monday's parcel is held to Saturday night; a week later it expired.
    r.advance(Duration::days(7));
    assert!(r.handle.tick_now_blocking());
    r.wait_for("the engine says the parcel expired", |r| {
        r.seen.contains(&Event::ParcelExpired {
            parcel,
            compartment: door,
        })
    });
    r.press(&format!("A{code}#"));
    r.wait_text("This code has expired. Collect your parcel at the office.");
    assert_eq!(
        r.sim.pulses(r.lock(door)),
        0,
        "no pulse for an expired code"
    );
    assert_eq!(r.parcel(parcel).state, ParcelState::Expired);
    assert!(
        r.outbox()
            .iter()
            .any(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::FinalNotice),
        "final notice queued"
    );
}

#[test]
fn jammed_door_keeps_the_code_valid_and_alerts_staff() {
    let mut r = Rig::new();
    let door = CompartmentId(4);
    let lock = r.lock(door);
    let (parcel, code) = r.stored(ANA, door);
    r.sim.jam(lock, true);
    r.press(&format!("A{code}#"));
    assert_eq!(r.door_on_screen(), door);
    r.wait_text(&format!("Door {door} did not open"));
    assert!(
        r.text()
            .contains("Your code is still valid: you can try again later."),
        "{}",
        r.text()
    );
    assert!(r.text().contains("Staff have been alerted"), "{}", r.text());
    assert!(r.sim.pulses(lock) >= 2, "pulsed, then once more");
    assert!(!r.sim.door_open(lock));
    assert!(
        r.alerts()
            .iter()
            .any(|a| a.kind == AlertKind::Jam && a.compartment == Some(door))
    );
    assert_eq!(r.parcel(parcel).state, ParcelState::Stored);
    r.press("*");
    assert_eq!(*r.screen(), Screen::Home);
    // A technician frees the door and marks it checked: the same code works.
    r.sim.jam(lock, false);
    r.cmd(
        local(),
        Command::MarkInspected {
            compartment: door,
            found: Found::Parcel,
            note: "lock freed".into(),
        },
    );
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
    assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
}

// --- Deposit ----------------------------------------------------------------

#[test]
fn courier_deposit_opens_a_door_and_queues_the_code() {
    let mut r = Rig::new();
    r.press("B1001#");
    r.wait_text("PIN");
    r.press("4321#");
    r.wait_for("the staff menu", |r| *r.screen() == Screen::StaffMenu);
    r.press("1");
    r.press("40442#");
    r.press("111111#");
    r.wait_text("Parcel size");
    r.press("2");
    let door = r.door_on_screen();
    assert_eq!(door, CompartmentId(3), "the smallest free M");
    r.wait_door_open(door);
    r.wait_text(&format!(
        "Door {door}: column 1 from the left, row 3 from the top."
    ));
    r.close(door, true);
    r.wait_text(&format!("Parcel stored in door {door}"));
    assert!(r.text().contains("Receipt: R-A-000001"), "{}", r.text());
    let parcel = r.stored_event(door);
    let p = r.parcel(parcel);
    assert_eq!(p.state, ParcelState::Stored);
    assert_eq!(p.tracking, "40442");
    let sent: Vec<_> = r
        .outbox()
        .into_iter()
        .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].state, DeliveryState::Queued);
    assert!(
        sent[0]
            .code
            .as_ref()
            .is_some_and(|c| c.len() == 6 && c.chars().all(|c| c.is_ascii_digit())),
        "{:?}",
        sent[0]
    );
    r.press("#");
    r.wait_for("the next parcel", |r| {
        matches!(r.screen(), Screen::Tracking { .. })
    });
    r.press("**");
    assert_eq!(*r.screen(), Screen::Home, "signed out");
}

#[test]
fn unknown_recipient_is_told_to_deliver_as_usual() {
    let mut r = Rig::new();
    r.sign_in();
    r.press("1");
    // Both labels scanned, as a courier usually does.
    r.scan("TRK-9911-AB");
    r.scan("PX-999999");
    r.wait_text("Parcel size");
    r.press("1");
    r.wait_text("Not registered: deliver as usual");
    assert!(
        r.text().contains("PX-999999 has no locker account here."),
        "{}",
        r.text()
    );
    assert_eq!(r.all_pulses(), 0, "no door opened");
}

#[test]
fn oversized_parcel_is_refused() {
    let mut r = Rig::new();
    r.at_size(ANA);
    // 30 x 200 x 60 cm fits no compartment in any orientation.
    r.press("530#200#60#");
    r.wait_text("Oversized: deliver as you would without a locker");
    assert_eq!(r.all_pulses(), 0, "no door opened");
}

#[test]
fn does_not_fit_then_a_larger_door_opens() {
    let mut r = Rig::new();
    r.at_size(ANA);
    r.press("1");
    let small = r.door_on_screen();
    r.wait_door_open(small);
    r.press("1");
    r.wait_for(
        "a second door on the screen",
        |r| matches!(r.screen(), Screen::DepositDoor { moved_from: Some(c), .. } if *c == small),
    );
    let larger = r.door_on_screen();
    assert_ne!(small, larger);
    let size = |c: CompartmentId| r.bank.layout.compartment(c).map(|c| c.size);
    assert!(
        size(larger) > size(small),
        "{larger} is larger than {small}"
    );
    r.wait_door_open(larger);
    assert!(
        r.text().contains(&format!("Door {small} is given up")),
        "{}",
        r.text()
    );
    r.close(small, false);
    r.close(larger, true);
    r.wait_text(&format!("Parcel stored in door {larger}"));
    assert!(
        r.compartment(small).allocatable(),
        "the first door is free again"
    );
    let parcel = r.stored_event(larger);
    assert_eq!(r.parcel(parcel).compartment, larger);
}

#[test]
fn cancelled_deposit_frees_the_door() {
    let mut r = Rig::new();
    r.at_size(ANA);
    r.press("1");
    let door = r.door_on_screen();
    r.wait_door_open(door);
    r.press("*");
    r.wait_text(&format!("Deposit cancelled. Please close door {door}."));
    r.close(door, false);
    r.wait_for("back at the staff menu", |r| {
        *r.screen() == Screen::StaffMenu
    });
    let c = r.compartment(door);
    assert!(c.allocatable() && c.parcel.is_none(), "{c:?}");
    assert!(
        r.outbox()
            .iter()
            .all(|n| n.kind != NotificationKind::Delivered),
        "no code for a cancelled deposit"
    );
}

// --- Staff ------------------------------------------------------------------

#[test]
fn expired_parcels_are_removed_door_by_door() {
    let mut r = Rig::new();
    let (first_parcel, _) = r.stored(ANA, CompartmentId(2));
    let (second_parcel, _) = r.stored(BEN, CompartmentId(25));
    r.advance(Duration::days(7));
    assert!(r.handle.tick_now_blocking());
    r.wait_for("both parcels expired", |r| {
        r.seen
            .iter()
            .filter(|e| matches!(e, Event::ParcelExpired { .. }))
            .count()
            == 2
    });
    r.sign_in();
    r.press("9");
    r.wait_text("Left to remove: 2");
    for (n, parcel) in [(1, first_parcel), (2, second_parcel)] {
        r.press("#");
        let door = r.door_on_screen();
        r.wait_door_open(door);
        r.wait_text(&format!("Door {door} is open: take parcel"));
        r.close(door, false);
        r.wait_for(
            &format!("{n} removed"),
            |r| matches!(r.screen(), Screen::Removal { removed, open: None, .. } if *removed == n),
        );
        assert_eq!(r.parcel(parcel).state, ParcelState::Removed);
        assert_eq!(r.parcel(parcel).compartment, door);
    }
    r.wait_text("All expired parcels are out.");
    r.press("*");
    assert_eq!(*r.screen(), Screen::StaffMenu);
}

#[test]
fn inactivity_returns_home_but_never_while_a_door_is_open() {
    let mut r = Rig::new();
    let door = CompartmentId(7);
    let (_, code) = r.stored(ANA, door);
    r.press("12");
    r.advance(Duration::seconds(59));
    assert!(
        matches!(r.screen(), Screen::CodeEntry { .. }),
        "{}",
        r.text()
    );
    r.advance(Duration::seconds(1));
    assert_eq!(*r.screen(), Screen::Home, "{}", r.text());
    r.pick_up_opens(&code, door);
    for _ in 0..30 {
        r.advance(Duration::seconds(10));
    }
    assert!(
        matches!(r.screen(), Screen::DoorOpen { .. }),
        "a door is open: {}",
        r.text()
    );
    r.close(door, false);
    r.wait_text("Thank you!");
    r.advance(Duration::seconds(59));
    assert!(
        matches!(r.screen(), Screen::PickupDone { .. }),
        "{}",
        r.text()
    );
    r.advance(Duration::seconds(1));
    assert_eq!(*r.screen(), Screen::Home, "{}", r.text());
}

// --- The bus ----------------------------------------------------------------

#[test]
fn doors_open_and_shut_within_a_second_are_never_missed() {
    // Doors spring shut 0.9 s after opening, items following, at the
    // default poll interval and 9600 baud wire time. The bus would pulse
    // again only after 30 s, far past the deadline, so every pickup and
    // deposit below completes only if its brief opening was seen.
    let mut r = Rig::with(
        SimOptions {
            auto_close: Some(StdDuration::from_millis(900)),
            items_follow_doors: true,
            ..SimOptions::default()
        },
        |cfg| cfg.jam_timeout = StdDuration::from_secs(30),
    );
    let doors = [
        CompartmentId(1),
        CompartmentId(14),
        CompartmentId(19),
        CompartmentId(30),
    ];
    let stored: Vec<_> = doors.iter().map(|&d| (d, r.stored(ANA, d))).collect();
    for (door, (parcel, code)) in stored {
        r.press(&format!("A{code}#"));
        assert_eq!(r.door_on_screen(), door);
        r.wait_for(
            &format!("pickup at door {door} confirmed"),
            |r| matches!(r.screen(), Screen::PickupDone { door: d, .. } if *d == door),
        );
        assert_eq!(r.parcel(parcel).state, ParcelState::PickedUp);
        assert!(!r.sim.item(r.lock(door)), "taken out");
        r.press("*");
    }
    r.at_size(BEN);
    r.press("3");
    let door = r.door_on_screen();
    r.wait_text(&format!("Parcel stored in door {door}"));
    assert!(r.sim.item(r.lock(door)), "left inside");
    for kind in [AlertKind::Jam, AlertKind::ForcedOpen] {
        assert!(r.alerts().iter().all(|a| a.kind != kind), "{kind:?}");
    }
}
