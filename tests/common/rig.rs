//! The kiosk end to end, shared by the end-to-end tests: keys go through
//! the real keypad keymap and input decoder into the kiosk screen, the
//! engine runs in its own thread behind an `EngineHandle`, and its lock bus
//! speaks Modbus RTU to simulated boards on a pseudo-terminal. A test plays
//! the person at the keypad and the hands at the doors (`SimHandle`), and
//! reads what the screen says.
//!
//! Waiting is always "until the screen (or the simulator) shows it", with a
//! generous deadline; no test asserts how long anything took.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;
use tokio::sync::broadcast;
use tokio::sync::mpsc::UnboundedReceiver;

use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::bus::{BusEvent, LockBus, LockId};
use locker::clock::{Clock, ManualClock};
use locker::domain::{
    Compartment, CompartmentId, Language, Parcel, ParcelClass, ParcelId, Recipient, RecipientId,
    Role,
};
use locker::engine::read::{Answer, Query};
use locker::engine::runner::EngineHandle;
use locker::engine::{Actor, Command, Engine, EngineSettings, Event};
use locker::hardware::Bank;
use locker::kiosk::{Kiosk, KioskFacts, Screen};
use locker::sim::{SimHandle, SimLink, SimOptions, Simulator};
use locker::site::Site;
use locker::store::{Alert, Notification, NotificationKind, Store};
use locker::testkit::driver::{ADMIN, ANA, BEN, COURIER, start_time};
use locker::ui::{InputDecoder, Keymap, ScanSettings};

/// Long enough for a loaded two-core machine; only a failing test waits it out.
pub use super::WAIT;
/// A person's keys, far enough apart that the decoder never takes them for
/// a scanner's burst.
pub const KEY_GAP: StdDuration = StdDuration::from_millis(400);
pub const SCAN_GAP: StdDuration = StdDuration::from_millis(4);

/// One kiosk with everything real but the clock, which the test moves.
pub struct Rig {
    pub kiosk: Kiosk,
    pub handle: EngineHandle,
    pub events: broadcast::Receiver<Event>,
    /// Every engine event the screen was given, for failure messages.
    pub seen: Vec<Event>,
    /// Doors the engine has reported open and not closed since.
    pub open: HashSet<CompartmentId>,
    pub terminal: Terminal<TestBackend>,
    pub decoder: InputDecoder,
    pub keys_at: Instant,
    pub clock: ManualClock,
    pub bank: Bank,
    pub sim: SimHandle,
    pub _dir: TempDir,
    // Last: the simulator's and the bus's tasks run on it.
    pub _rt: tokio::runtime::Runtime,
}

/// The runtime the simulator's and the bus's tasks run on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Simulated boards on a pseudo-terminal and a Modbus bus on it.
pub struct Wired {
    pub sim: SimHandle,
    pub bus: ModbusLockBus,
    pub events: UnboundedReceiver<BusEvent>,
}

/// Starts the simulator and the bus on `rt`; returns once every board of
/// `bank` answers. `bus` adjusts the bus's settings.
pub fn wire(
    rt: &tokio::runtime::Runtime,
    bank: &Bank,
    sim_opts: SimOptions,
    bus: impl FnOnce(&mut BusConfig),
) -> Wired {
    let _enter = rt.enter();
    let sim = Simulator::start(bank, SimLink::Pty(None), sim_opts).expect("simulator on a pty");
    let mut cfg = BusConfig::new(sim.path().display().to_string());
    // Generous: nothing here loses replies, and a busy machine must not
    // make a board look offline.
    cfg.timeout = StdDuration::from_secs(1);
    cfg.reopen_quiet = StdDuration::from_millis(50);
    cfg.jam_timeout = StdDuration::from_millis(1500);
    bus(&mut cfg);
    let (bus, events) = ModbusLockBus::spawn(bank, cfg).expect("bus opens the pty");
    let deadline = Instant::now() + WAIT;
    while !bank.boards.iter().all(|b| bus.board_online(b.address)) {
        assert!(
            Instant::now() < deadline,
            "boards not online within {WAIT:?}"
        );
        std::thread::sleep(StdDuration::from_millis(20));
    }
    Wired { sim, bus, events }
}

/// What an 80x24 test terminal shows, row by row.
pub fn terminal_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
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

pub fn local() -> Actor {
    Actor::Local { name: "e2e".into() }
}

impl Rig {
    /// The demo bank (two lb48 boards, 30 doors); doors stay open until the
    /// test closes them, and item sensors change only when the test says.
    pub fn new() -> Rig {
        Rig::with(SimOptions::default(), |_| {})
    }

    pub fn with(sim_opts: SimOptions, bus: impl FnOnce(&mut BusConfig)) -> Rig {
        Rig::with_settings(EngineSettings::for_tests(), sim_opts, bus)
    }

    /// [`Rig::with`], the engine on `settings` (another kiosk id, a site
    /// key...).
    pub fn with_settings(
        settings: EngineSettings,
        sim_opts: SimOptions,
        bus: impl FnOnce(&mut BusConfig),
    ) -> Rig {
        let dir = tempfile::tempdir().expect("temp dir");
        let bank = Bank::demo();
        let ground = Ground {
            facts: KioskFacts::from_engine(&settings, &bank.layout, "Front desk, 555-0100"),
            keymap: Keymap::keypad16(),
            store: Store::open(dir.path()).expect("store"),
            bank,
            settings,
        };
        Rig::start(ground, dir, sim_opts, bus, seed)
    }

    /// The kiosk `locker kiosk --config CONFIG` opens: the site's bank,
    /// keymap, database and settings, with nothing added to the database.
    /// `dir` holds the site and lives as long as the rig.
    pub fn on_site(dir: TempDir, config: &Path) -> Rig {
        let (site, store, settings) = open_site(config);
        let ground = Ground {
            facts: KioskFacts::from_config(&site.config, &site.bank.layout),
            keymap: site.keymap,
            bank: site.bank,
            store,
            settings,
        };
        Rig::start(ground, dir, SimOptions::default(), |_| {}, |_| {})
    }

    /// The engine on `ground` behind simulated boards, `prepare`d before
    /// the screen starts; the screen says "Welcome".
    fn start(
        ground: Ground,
        dir: TempDir,
        sim_opts: SimOptions,
        bus: impl FnOnce(&mut BusConfig),
        prepare: impl FnOnce(&mut Engine),
    ) -> Rig {
        let rt = runtime();
        let Ground {
            bank,
            keymap,
            store,
            settings,
            facts,
        } = ground;
        let Wired {
            sim,
            bus,
            events: bus_events,
        } = wire(&rt, &bank, sim_opts, bus);
        let clock = ManualClock::new(start_time());
        let mut engine = Engine::open(
            store,
            Box::new(bus),
            bank.layout.clone(),
            Arc::new(clock.clone()),
            settings,
        )
        .expect("engine");
        prepare(&mut engine);
        let handle = EngineHandle::spawn(engine, bus_events, StdDuration::ZERO);
        let events = handle.subscribe();
        let mut rig = Rig {
            kiosk: Kiosk::new(facts, clock.now()),
            handle,
            events,
            seen: Vec::new(),
            open: HashSet::new(),
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("test terminal"),
            decoder: InputDecoder::new(keymap, ScanSettings::default()),
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
    pub fn pump(&mut self) {
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

    pub fn screen(&self) -> &Screen {
        &self.kiosk.model().screen
    }

    /// What the 80x24 screen shows, row by row.
    pub fn text(&self) -> String {
        terminal_text(&self.terminal)
    }

    /// Pumps until `done`; fails with the screen and the events otherwise.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Rig) -> bool) {
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

    pub fn wait_text(&mut self, needle: &str) {
        self.wait_for(&format!("the screen says {needle:?}"), |r| {
            r.text().contains(needle)
        });
    }

    // --- The keypad -----------------------------------------------------

    /// Keys as printed on the keypad: `0-9 * # A B C D`.
    pub fn press(&mut self, keys: &str) {
        for c in keys.chars() {
            self.keys_at += KEY_GAP;
            let at = self.keys_at;
            let mut inputs = self.decoder.feed(key(c), at);
            inputs.extend(self.decoder.flush_due(at + KEY_GAP));
            self.give(inputs);
        }
    }

    /// A barcode scanner types `payload` and Enter.
    pub fn scan(&mut self, payload: &str) {
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

    pub fn give(&mut self, inputs: Vec<locker::ui::Input>) {
        for input in inputs {
            let r = self.kiosk.on_input(input, self.clock.now());
            self.kiosk.serve(&mut self.handle, r);
            self.pump();
        }
    }

    /// Nobody at the keypad for `by` (the kiosk's and the engine's clock).
    pub fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        let r = self.kiosk.on_tick(self.clock.now());
        self.kiosk.serve(&mut self.handle, r);
        self.pump();
    }

    // --- The doors --------------------------------------------------------

    pub fn lock(&self, door: CompartmentId) -> LockId {
        self.bank
            .layout
            .compartment(door)
            .map(|c| c.lock())
            .unwrap_or_else(|| panic!("door {door} is in the demo bank"))
    }

    /// The door the screen is about.
    pub fn door_on_screen(&self) -> CompartmentId {
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
    pub fn wait_door_open(&mut self, door: CompartmentId) {
        let lock = self.lock(door);
        self.wait_for(&format!("door {door} open"), |r| {
            r.sim.door_open(lock) && r.open.contains(&door)
        });
    }

    /// The person shuts the door, with (`item`) or without a parcel inside.
    pub fn close(&mut self, door: CompartmentId, item: bool) {
        let lock = self.lock(door);
        self.sim.set_item(lock, item);
        self.sim.close_door(lock);
    }

    /// Unlock pulses the simulator got over the whole bank.
    pub fn all_pulses(&self) -> u32 {
        self.bank
            .layout
            .compartments
            .iter()
            .map(|c| self.sim.pulses(c.lock()))
            .sum()
    }

    // --- The engine -------------------------------------------------------

    pub fn cmd(&self, actor: Actor, command: Command) -> Vec<Event> {
        let what = format!("{command:?}");
        self.handle
            .send_blocking(actor, command)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// A parcel already in `door` (placed by staff): its id and code.
    pub fn stored(&mut self, recipient: &str, door: CompartmentId) -> (ParcelId, String) {
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

    pub fn outbox(&self) -> Vec<Notification> {
        self.handle
            .inspect_blocking(|e| e.outbox_with_codes())
            .expect("engine running")
            .expect("outbox")
    }

    /// One read as the machine's own operator.
    pub fn read(&self, query: Query) -> Answer {
        self.handle
            .inspect_blocking(move |e| {
                e.read(
                    &Actor::Local {
                        name: "test".into(),
                    },
                    query,
                )
            })
            .expect("engine running")
            .expect("read")
    }

    pub fn alerts(&self) -> Vec<Alert> {
        match self.read(Query::Alerts) {
            Answer::Alerts(a) => a,
            other => panic!("{other:?}"),
        }
    }

    pub fn parcel(&self, id: ParcelId) -> Parcel {
        let Answer::ParcelRecords(parcels) = self.read(Query::ParcelRecords { all: true }) else {
            panic!("parcel records")
        };
        parcels
            .into_iter()
            .find(|p| p.id == id)
            .expect("parcel recorded")
    }

    pub fn compartment(&self, door: CompartmentId) -> Compartment {
        let Answer::Compartments(all) = self.read(Query::Compartments) else {
            panic!("compartments")
        };
        all.into_iter()
            .find(|c| c.id == door)
            .expect("compartment recorded")
    }

    /// The code and QR payload of the newest message that gave a parcel's
    /// code, derived as delivery would.
    fn delivered(&self, parcel: ParcelId) -> (String, String) {
        self.outbox()
            .into_iter()
            .rev()
            .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
            .find_map(|n| Some((n.code?, n.qr?)))
            .expect("a code was queued for the parcel")
    }

    /// The newest QR payload sent for a parcel.
    pub fn qr_of(&self, parcel: ParcelId) -> String {
        self.delivered(parcel).1
    }

    /// The newest code sent for a parcel.
    pub fn code_of(&self, parcel: ParcelId) -> String {
        self.delivered(parcel).0
    }

    /// The parcel the screen's deposit ended in.
    pub fn stored_event(&self, door: CompartmentId) -> ParcelId {
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
    pub fn pick_up_opens(&mut self, code: &str, door: CompartmentId) {
        self.press(&format!("A{code}#"));
        assert_eq!(self.door_on_screen(), door, "{}", self.text());
        self.wait_door_open(door);
        self.wait_text(&format!("Door {door} is open\n"));
    }

    pub fn sign_in(&mut self) {
        self.press(&format!("B{}#{}#", COURIER.0, COURIER.1));
        self.wait_for("the staff menu", |r| *r.screen() == Screen::StaffMenu);
    }

    /// Signed in, tracking and recipient typed: the size screen.
    pub fn at_size(&mut self, recipient: &str) {
        self.sign_in();
        self.press("1");
        self.press("40442#");
        self.press(&format!("{recipient}#"));
        // No S10 label: the class is asked, domestic with one key.
        self.wait_text("Parcel class");
        self.press("#");
        self.wait_text("Parcel size");
    }
}

pub fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// What a rig's kiosk opens: a bank and a keymap, a database, the engine's
/// settings and what the screen knows.
struct Ground {
    bank: Bank,
    keymap: Keymap,
    store: Store,
    settings: EngineSettings,
    facts: KioskFacts,
}

/// A config file's site as `locker kiosk` reads it: the checked config
/// and the files it names, its database and the engine's settings.
fn open_site(config: &Path) -> (Site, Store, EngineSettings) {
    let site = Site::load(config).unwrap_or_else(|e| panic!("{}: {e}", config.display()));
    let store = Store::open(&site.config.kiosk.data_dir).expect("the site's database");
    let settings = EngineSettings::load(&site.config, &store).expect("the site's settings");
    (site, store, settings)
}

/// The engine of a config file's site on no bus, to seed its database
/// before the kiosk starts on it (the kiosk then owns the database).
pub fn site_engine(config: &Path) -> Engine {
    let (site, store, settings) = open_site(config);
    Engine::open(
        store,
        Box::new(locker::bus::fake::FakeBus::new()),
        site.bank.layout.clone(),
        Arc::new(locker::clock::SystemClock),
        settings,
    )
    .unwrap()
}

/// The courier, the admin and two registered recipients.
pub fn seed(engine: &mut Engine) {
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
