//! The crash-point test (SPEC §6: "abort between each step").
//!
//! For every point in [`POINTS`] a real child process (this test binary,
//! run again on the [`child`] test) opens the data directory, a Modbus bus
//! on the simulator's pseudo-terminal and the engine, and drives one flow
//! until the point aborts it. The parent owns the simulated boards for the
//! whole test, so the restart sees the doors and item sensors the child
//! left. It then opens the same directory on the same boards, runs
//! start-up recovery, and checks: no parcel lost, none in two
//! compartments, the books agree with the item sensors (or the compartment
//! is marked for inspection, with an alert), no live code for an empty
//! compartment, no deposit left half done, the audit chain verifies, every
//! notification a change causes is queued or sent and every message
//! already sent still says what the outbox holds, recovery pulses no door,
//! and the flow's parcel ends as the physical pulse says: done when the
//! door was pulsed, untouched otherwise, its code still opening the door
//! (a real pulse) when it is still waiting.
//!
//! The parent also plays the person at the door: it shuts a door once the
//! kiosk has seen it open (the item sensor flips as a deposit or a pickup
//! would), and a door a crash left open once the restart has recovered.
//! No door closes on a timer, so a slow machine cannot make the kiosk miss
//! an opening.
//!
//! Waits are generous deadlines on what the boards or the books show; no
//! duration is asserted.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio::runtime::Runtime;
use tokio::sync::mpsc::UnboundedReceiver;

use super::{POINTS, take_reached};
use crate::bus::modbus::{BusConfig, ModbusLockBus};
use crate::bus::{BusEvent, DoorState, LockBus, LockId, NoBus};
use crate::clock::ManualClock;
use crate::domain::{
    CompartmentId, Language, Parcel, ParcelClass, ParcelId, ParcelState, Recipient, RecipientId,
    Role, Size,
};
use crate::engine::{Actor, Command, Engine, EngineSettings, Event, SizeChoice, props, query};
use crate::hardware::Bank;
use crate::sim::{SimHandle, SimLink, SimOptions, Simulator};
use crate::store::{AlertKind, DeliveryState, NotificationKind, Store, StoreError};

/// Long enough for a loaded two-core machine; only a failing run waits it out.
const WAIT: StdDuration = StdDuration::from_secs(20);
const COURIER: (&str, &str) = ("1001", "4321");
const ADMIN: (&str, &str) = ("admin", "9999");
const RECIPIENT: &str = "111111";
/// The parcel every run starts with (an S door); the deposit takes the next S.
const STORED_DOOR: CompartmentId = CompartmentId(1);
const DEPOSIT_DOOR: CompartmentId = CompartmentId(2);
/// Lines the child prints for the parent start with this.
const TAG: &str = "CRASH-CHILD";

/// The flows with crash points, each driven end to end by the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Deposit,
    Pickup,
    Reopen,
    ManualUnlock,
    Removal,
}

impl Flow {
    const ALL: [Flow; 5] = [
        Flow::Deposit,
        Flow::Pickup,
        Flow::Reopen,
        Flow::ManualUnlock,
        Flow::Removal,
    ];

    fn name(self) -> &'static str {
        match self {
            Flow::Deposit => "deposit",
            Flow::Pickup => "pickup",
            Flow::Reopen => "reopen",
            Flow::ManualUnlock => "manual_unlock",
            Flow::Removal => "removal",
        }
    }

    fn parse(s: &str) -> Option<Flow> {
        Flow::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The points the flow passes, in order, when nothing crashes.
    fn points(self) -> &'static [&'static str] {
        const PICKUP: &[&str] = &[
            "pickup.code_ok",
            "pickup.after_intent",
            "pickup.before_pulse",
            "pickup.after_pulse",
            "pickup.door_opened",
            "pickup.door_closed",
            "pickup.after_confirm",
        ];
        match self {
            Flow::Deposit => &[
                "sign_in.after_audit",
                "deposit.after_intent",
                "deposit.before_pulse",
                "deposit.after_pulse",
                "deposit.door_opened",
                "deposit.door_closed",
                "deposit.after_store",
                "outbox.sending",
                "outbox.after_sent",
            ],
            Flow::Pickup => PICKUP,
            Flow::Reopen => &[
                "pickup.code_ok",
                "pickup.after_intent",
                "pickup.before_pulse",
                "pickup.after_pulse",
                "pickup.door_opened",
                "pickup.door_closed",
                "pickup.after_confirm",
                "reopen.after_intent",
                "reopen.before_pulse",
                "reopen.after_pulse",
                "reopen.door_opened",
                "reopen.door_closed",
                "reopen.after_close",
            ],
            Flow::ManualUnlock => &[
                "sign_in.after_audit",
                "manual_unlock.after_intent",
                "manual_unlock.before_pulse",
                "manual_unlock.after_pulse",
                "manual_unlock.door_opened",
                "manual_unlock.door_closed",
                "manual_unlock.after_close",
            ],
            Flow::Removal => &[
                "expiry.after_expire",
                "sign_in.after_audit",
                "removal.after_intent",
                "removal.before_pulse",
                "removal.after_pulse",
                "removal.door_opened",
                "removal.door_closed",
                "removal.after_remove",
            ],
        }
    }

    /// The flow that crashes at `point`: the first that passes it.
    fn owning(point: &str) -> Flow {
        Flow::ALL
            .into_iter()
            .find(|f| f.points().contains(&point))
            .unwrap_or_else(|| panic!("no flow passes crash point {point}"))
    }

    /// The door the flow pulses.
    fn door(self) -> CompartmentId {
        match self {
            Flow::Deposit => DEPOSIT_DOOR,
            _ => STORED_DOOR,
        }
    }

    /// Whether the flow's own pulse reached its door, from the pulses the
    /// door got in the run (a re-open comes after its pickup's pulse).
    fn pulsed(self, pulses: u32) -> bool {
        match self {
            Flow::Reopen => pulses >= 2,
            _ => pulses >= 1,
        }
    }

    /// The kiosk's clock: the removal flow runs after the hold ran out.
    fn now(self) -> DateTime<Utc> {
        match self {
            Flow::Removal => start() + Duration::days(10),
            _ => start(),
        }
    }
}

/// When the parcel every run starts with was placed (a Monday).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap()
}

/// The demo bank: two lb48 boards (door and item sensors), 30 doors.
fn bank() -> &'static Bank {
    static BANK: std::sync::OnceLock<Bank> = std::sync::OnceLock::new();
    BANK.get_or_init(Bank::demo)
}

fn lock_of(door: CompartmentId) -> LockId {
    bank()
        .layout
        .compartment(door)
        .map(|c| c.lock())
        .unwrap_or_else(|| panic!("door {door} is in the demo bank"))
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn local() -> Actor {
    Actor::Local {
        name: "crash-test".into(),
    }
}

/// Opens the database, waiting while a process that just ended (or a
/// dropped engine's flusher) still holds sled's lock.
fn open_store(dir: &Path) -> Store {
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
struct Kiosk<'a> {
    engine: Engine,
    events: UnboundedReceiver<BusEvent>,
    /// Told of every door the engine saw open.
    opened: Box<dyn FnMut(CompartmentId) + 'a>,
    /// Everything the engine said, for failure messages.
    seen: Vec<Event>,
}

impl<'a> Kiosk<'a> {
    fn start(
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

    fn cmd(&mut self, actor: &Actor, command: Command) -> Vec<Event> {
        let what = format!("{command:?}");
        let events = self
            .engine
            .handle(actor, command)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        self.seen.extend(events.iter().cloned());
        events
    }

    fn sign_in(&mut self, (user, pin): (&str, &str)) -> Actor {
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
    fn pump_until(&mut self, what: &str, done: impl Fn(&Event) -> bool) -> Event {
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
    fn pump_while(&mut self, what: &str, busy: impl Fn(&Kiosk) -> bool) {
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

    fn store(&self) -> &Store {
        self.engine.store()
    }

    fn parcels(&self) -> Vec<Parcel> {
        query::all_parcels(self.store()).expect("parcels")
    }
}

fn opening(events: &[Event]) -> Option<CompartmentId> {
    events.iter().find_map(|e| match e {
        Event::DoorOpening { compartment, .. } => Some(*compartment),
        _ => None,
    })
}

/// A line for the parent on stdout (line-buffered, so it is out before an abort).
fn say(what: &str, rest: impl std::fmt::Display) {
    println!("{TAG} {what} {rest}");
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set for the crash child"))
}

/// The child process: one kiosk run of one flow, aborted at
/// `LOCKER_CRASH_AT` if that is set. Does nothing in a normal test run.
#[test]
fn child() {
    if std::env::var_os("LOCKER_CRASH_CHILD").is_none() {
        return;
    }
    // An abort is the expected end here: leave no core file behind.
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit only reads the struct it is given.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
    let flow = Flow::parse(&env("LOCKER_CRASH_FLOW")).expect("a known flow");
    let rt = runtime();
    let dir = PathBuf::from(env("LOCKER_CRASH_DIR"));
    // The parent, at the door, shuts it when told.
    let opened = |door: CompartmentId| say("OPENED", door.0);
    let mut k = Kiosk::start(&rt, &dir, &env("LOCKER_CRASH_PORT"), flow.now(), opened);
    let recovered = k.engine.recover().expect("start-up recovery");
    k.seen.extend(recovered);
    take_reached();
    drive(&mut k, flow);
    say("REACHED", take_reached().join(" "));
}

/// The flow as the kiosk's screens and the delivery worker would run it.
fn drive(k: &mut Kiosk, flow: Flow) {
    let door = flow.door();
    match flow {
        Flow::Deposit => {
            let courier = k.sign_in(COURIER);
            let events = k.cmd(
                &courier,
                Command::StartDeposit {
                    tracking: "TRK-CRASH-1".into(),
                    recipient: RECIPIENT.into(),
                    size: SizeChoice::Size(Size::S),
                    class: ParcelClass::Domestic,
                },
            );
            assert_eq!(opening(&events), Some(door), "{events:?}");
            let stored = k.pump_until(
                "the deposit is stored",
                |e| matches!(e, Event::DepositStored { compartment, .. } if *compartment == door),
            );
            let Event::DepositStored { parcel, .. } = stored else {
                unreachable!()
            };
            say("STORED", parcel.0);
            // The delivery worker takes the code's message and sends it.
            let due = k.engine.due_messages(usize::MAX).expect("due messages");
            for n in due.into_iter().filter(|n| n.parcel == Some(parcel)) {
                let code = n.code.clone().unwrap_or_default();
                say("SENT", format!("{} {} {code}", n.id, parcel.0));
                k.cmd(&local(), Command::MessageSent { id: n.id });
            }
        }
        Flow::Pickup | Flow::Reopen => {
            let parcel = ParcelId(env("LOCKER_CRASH_PARCEL").parse().expect("parcel id"));
            let code = env("LOCKER_CRASH_CODE");
            let events = k.cmd(&Actor::Kiosk, Command::EnterCode { code });
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until(
                "the pickup is confirmed",
                |e| matches!(e, Event::PickupConfirmed { parcel: p, .. } if *p == parcel),
            );
            if flow == Flow::Reopen {
                let events = k.cmd(&Actor::Kiosk, Command::Reopen { compartment: door });
                assert_eq!(opening(&events), Some(door), "{events:?}");
                k.pump_until("the re-opened door closes", |e| {
                    *e == Event::DoorClosed { compartment: door }
                });
            }
        }
        Flow::ManualUnlock => {
            let admin = k.sign_in(ADMIN);
            let events = k.cmd(
                &admin,
                Command::ManualUnlock {
                    compartment: door,
                    reason: "crash test".into(),
                },
            );
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until("the unlocked door closes", |e| {
                *e == Event::DoorClosed { compartment: door }
            });
        }
        Flow::Removal => {
            let events = k.engine.tick().expect("tick");
            let Some(parcel) = events.iter().find_map(|e| match e {
                Event::ParcelExpired { parcel, .. } => Some(*parcel),
                _ => None,
            }) else {
                panic!("the parcel expires: {events:?}");
            };
            let admin = k.sign_in(ADMIN);
            let events = k.cmd(&admin, Command::OpenForRemoval { parcel });
            assert_eq!(opening(&events), Some(door), "{events:?}");
            k.pump_until(
                "the parcel is removed",
                |e| matches!(e, Event::ParcelRemoved { parcel: p, .. } if *p == parcel),
            );
        }
    }
}

/// What every run starts from: staff, a recipient and one stored parcel.
struct Seeded {
    parcel: ParcelId,
    message: u64,
    code: String,
}

/// Writes the starting state in-process, on no bus at all (placing a
/// parcel pulses nothing); the child waits for sled's lock.
fn seed(dir: &Path) -> Seeded {
    let mut engine = Engine::open(
        open_store(dir),
        Box::new(NoBus),
        bank().layout.clone(),
        Arc::new(ManualClock::new(start())),
        EngineSettings::for_tests(),
    )
    .expect("engine");
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
    let mut r = Recipient::closed(RecipientId::parse(RECIPIENT).expect("recipient id"));
    r.closed = false;
    r.name = "Ana".into();
    r.email = "ana@example.org".into();
    r.language = Language::En;
    engine
        .handle(&local(), Command::AddRecipient { recipient: r })
        .expect("recipient added");
    let placed = engine
        .handle(
            &local(),
            Command::PlaceParcel {
                compartment: STORED_DOOR,
                tracking: "TRK-CRASH-0".into(),
                recipient: RECIPIENT.into(),
                class: ParcelClass::Domestic,
            },
        )
        .expect("parcel placed");
    let parcel = placed
        .iter()
        .find_map(|e| match e {
            Event::DepositStored { parcel, .. } => Some(*parcel),
            _ => None,
        })
        .expect("stored");
    let (message, code) = engine
        .outbox_with_codes()
        .expect("outbox")
        .into_iter()
        .find_map(|n| Some((n.id, n.code?)))
        .expect("the code's message");
    // Told long ago: the recipient has the code, the outbox no longer.
    engine
        .handle(&local(), Command::MessageSent { id: message })
        .expect("message sent");
    engine.store().flush().expect("flush");
    Seeded {
        parcel,
        message,
        code,
    }
}

/// What the child printed before it ended.
#[derive(Debug, Default)]
struct ChildSaid {
    stored: Vec<ParcelId>,
    /// Messages handed to the relay: id, parcel, code.
    sent: Vec<(u64, ParcelId, String)>,
    reached: Option<Vec<String>>,
}

fn parse_child(stdout: &str) -> ChildSaid {
    let mut said = ChildSaid::default();
    for line in stdout.lines() {
        // libtest may have begun the line ("test ... child ... ").
        let Some(at) = line.find(TAG) else {
            continue;
        };
        let rest = &line[at + TAG.len()..];
        let words: Vec<&str> = rest.split_whitespace().collect();
        match words.as_slice() {
            ["STORED", p] => said.stored.push(ParcelId(p.parse().unwrap())),
            ["OPENED", _] => {}
            ["SENT", id, p, code] => said.sent.push((
                id.parse().unwrap(),
                ParcelId(p.parse().unwrap()),
                code.to_string(),
            )),
            ["REACHED", points @ ..] => {
                said.reached = Some(points.iter().map(|s| s.to_string()).collect())
            }
            other => panic!("unexpected line from the child: {other:?}"),
        }
    }
    said
}

/// The parent's side: the simulated boards, shared by every run.
struct Rig {
    rt: Runtime,
    sim: SimHandle,
}

impl Rig {
    fn new() -> Rig {
        let rt = runtime();
        let sim = {
            let _enter = rt.enter();
            let opts = SimOptions {
                wire_time: false,
                items_follow_doors: true,
                ..SimOptions::default()
            };
            Simulator::start(bank(), SimLink::Pty(None), opts).expect("simulator on a pty")
        };
        Rig { rt, sim }
    }

    fn port(&self) -> String {
        self.sim.path().display().to_string()
    }

    /// Every door shut, and only the seeded parcel inside.
    fn reset_boards(&self) {
        for c in &bank().layout.compartments {
            let lock = c.lock();
            if self.sim.door_open(lock) {
                self.sim.close_door(lock);
            }
            self.sim.set_item(lock, c.id == STORED_DOOR);
        }
    }

    fn pulses(&self) -> HashMap<CompartmentId, u32> {
        bank()
            .layout
            .compartments
            .iter()
            .map(|c| (c.id, self.sim.pulses(c.lock())))
            .collect()
    }

    /// One run: seed, the child (aborted at `at`), then restart and check.
    /// With `hold` the child stops at the point instead, and is killed once
    /// the flow's pulse has reached the board.
    fn run(&self, flow: Flow, at: Option<&'static str>, hold: bool) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        self.reset_boards();
        let seeded = seed(dir.path());
        let before = self.pulses();
        let mut child = Process::new(std::env::current_exe().expect("test binary"));
        child
            .args([
                "--exact",
                "engine::crash::tests::child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("LOCKER_CRASH_CHILD", "1")
            .env("LOCKER_CRASH_FLOW", flow.name())
            .env("LOCKER_CRASH_DIR", dir.path())
            .env("LOCKER_CRASH_PORT", self.port())
            .env("LOCKER_CRASH_PARCEL", seeded.parcel.0.to_string())
            .env("LOCKER_CRASH_CODE", &seeded.code)
            .env_remove("LOCKER_CRASH_AT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(point) = at {
            child.env("LOCKER_CRASH_AT", point);
        }
        if hold {
            child.env("LOCKER_CRASH_HOLD", "1");
        } else {
            child.env_remove("LOCKER_CRASH_HOLD");
        }
        let mut running = child.spawn().expect("the child runs");
        let (stdout, stderr) = (running.stdout.take(), running.stderr.take());
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout.expect("piped")).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.expect("piped").read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + 2 * WAIT;
        let mut out = Vec::new();
        let mut killed = false;
        loop {
            match lines.recv_timeout(StdDuration::from_millis(5)) {
                Ok(line) => {
                    // The person at the door shuts it once the kiosk saw it open.
                    if let Some(door) = line
                        .split_once(&format!("{TAG} OPENED "))
                        .and_then(|(_, d)| d.trim().parse().ok())
                    {
                        self.sim.close_door(lock_of(CompartmentId(door)));
                    }
                    out.push(line);
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            let door = flow.door();
            if hold && !killed && flow.pulsed(self.sim.pulses(lock_of(door)) - before[&door]) {
                // The power goes: no unwinding, no flush, nothing.
                running.kill().expect("kill the child");
                killed = true;
            }
            if Instant::now() > deadline {
                let _ = running.kill();
                panic!("the child did not end: {out:?}");
            }
        }
        let status = running.wait().expect("the child ends");
        let stdout = out.join("\n");
        let stderr = errors.join().unwrap_or_default();
        let said = parse_child(&stdout);
        let mut label = format!("{} crashing at {}", flow.name(), at.unwrap_or("nothing"));
        if hold {
            label.push_str(" (held, killed)");
        }
        match at {
            Some(point) if hold => {
                assert_eq!(status.signal(), Some(libc::SIGKILL), "{label}: {stderr}");
                assert!(
                    stderr.contains(&format!("crash point {point}: held")),
                    "{label}: the child was not held at {point}\n{stdout}\n{stderr}"
                );
            }
            Some(point) => assert_eq!(
                status.signal(),
                Some(libc::SIGABRT),
                "{label}: the child was to abort at {point} but ended with {}: the point \
                 was never reached\n{stdout}\n{stderr}",
                status
            ),
            None => {
                assert!(status.success(), "{label}: {}\n{stdout}\n{stderr}", status);
                let reached = said.reached.clone().expect("the child lists the points");
                assert_eq!(
                    reached,
                    flow.points(),
                    "{label}: the points the flow passed"
                );
            }
        }
        let after = self.settle();
        // Pulses each door got from the child.
        let pulsed: HashMap<CompartmentId, u32> = after
            .iter()
            .map(|(c, n)| (*c, n - before.get(c).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        self.restart_and_check(dir.path(), flow, &label, &seeded, &said, &pulsed)
    }

    /// Waits until a pulse the child sent just before it died has reached
    /// its board and had time to spring the door (the simulator's open
    /// delay is 80 ms), so that the restart sees the door as it will stay
    /// and never takes it for one forced open; the pulses so far.
    fn settle(&self) -> HashMap<CompartmentId, u32> {
        let mut last = self.pulses();
        loop {
            std::thread::sleep(StdDuration::from_millis(100));
            let now = self.pulses();
            if now == last {
                return now;
            }
            last = now;
        }
    }

    /// Whether the books and the boards are at rest: no intent pending, no
    /// door open on the boards, the bus's reading or the books.
    fn at_rest(&self, k: &Kiosk) -> bool {
        query::intents(k.store()).expect("intents").is_empty()
            && bank().layout.compartments.iter().all(|c| {
                !self.sim.door_open(c.lock()) && k.engine.door_reading(c.id) == DoorState::Closed
            })
            && query::compartments(k.store())
                .expect("compartments")
                .iter()
                .all(|c| !c.door_open)
    }

    fn restart_and_check(
        &self,
        dir: &Path,
        flow: Flow,
        label: &str,
        seeded: &Seeded,
        said: &ChildSaid,
        pulsed: &HashMap<CompartmentId, u32>,
    ) -> String {
        let mut k = Kiosk::start(&self.rt, dir, &self.port(), flow.now(), |door| {
            self.sim.close_door(lock_of(door))
        });
        let before = self.pulses();
        let recovered = k.engine.recover().expect("start-up recovery");
        let door_was_open = recovered
            .iter()
            .any(|e| matches!(e, Event::DoorOpened { .. }));
        k.seen.extend(recovered);
        // As the kiosk's scheduler would, soon after the start.
        let ticked = k.engine.tick().expect("tick");
        k.seen.extend(ticked);
        // Whoever was at a door the crash left open shuts it now.
        for c in &bank().layout.compartments {
            if self.sim.door_open(c.lock()) {
                self.sim.close_door(c.lock());
            }
        }
        k.pump_while("doors shut and every intent settled", |k| !self.at_rest(k));
        assert_eq!(self.pulses(), before, "{label}: recovery pulsed a door");

        let mut known: HashSet<ParcelId> = said.stored.iter().copied().collect();
        known.insert(seeded.parcel);
        let fail = |what: String| -> ! {
            panic!(
                "{label}: {what}\nthe engine said {:?}\nbus: {:?}",
                k.seen,
                k.engine.lock_bus().diagnostics().map(|d| d.link)
            )
        };
        if let Err(e) = props::check(k.store(), &known) {
            fail(e);
        }
        if let Err(e) = self.books_match_boards(&k) {
            fail(e);
        }
        if let Err(e) = outbox_complete(&k, said) {
            fail(e);
        }
        let outcome = match self.outcome(&k, flow, seeded, pulsed) {
            Ok(o) => o,
            Err(e) => fail(e),
        };
        let code = self.code_still_works(&mut k, flow, seeded, said, label);
        let door = if door_was_open {
            " (door still open at the restart)"
        } else {
            ""
        };
        format!("{outcome}{door}; {code}")
    }

    /// Books against the boards: outside an inspection, a compartment
    /// holds a parcel on the books exactly when its item sensor sees one;
    /// an inspection is marked only where they disagree, with an alert.
    fn books_match_boards(&self, k: &Kiosk) -> Result<(), String> {
        let alerts = query::alerts(k.store()).map_err(|e| e.to_string())?;
        for c in query::compartments(k.store()).map_err(|e| e.to_string())? {
            let item = self.sim.item(lock_of(c.id));
            let booked = c.parcel.is_some();
            if c.faulty || c.door_open || c.reserved {
                return Err(format!("door {} left {c:?}", c.id));
            }
            match (c.needs_inspection, booked == item) {
                (false, false) => {
                    return Err(format!(
                        "door {}: the books say {}, the item sensor {}",
                        c.id,
                        if booked { "a parcel" } else { "empty" },
                        if item { "something inside" } else { "empty" },
                    ));
                }
                (true, true) => {
                    return Err(format!(
                        "door {} marked for inspection though books and sensor agree",
                        c.id
                    ));
                }
                (true, false)
                    if !alerts.iter().any(|a| {
                        a.kind == AlertKind::InspectionNeeded && a.compartment == Some(c.id)
                    }) =>
                {
                    return Err(format!(
                        "door {} needs an inspection but no admin was told",
                        c.id
                    ));
                }
                _ => {}
            }
        }
        if let Some(p) = k
            .parcels()
            .into_iter()
            .find(|p| p.state == ParcelState::Depositing)
        {
            return Err(format!("deposit of parcel {} left half done", p.id));
        }
        Ok(())
    }

    /// The flow's parcel ended as the physical pulse says: done when the
    /// board got the pulse, untouched when it did not.
    fn outcome(
        &self,
        k: &Kiosk,
        flow: Flow,
        seeded: &Seeded,
        pulsed: &HashMap<CompartmentId, u32>,
    ) -> Result<String, String> {
        let door = flow.door();
        let comps = query::compartments(k.store()).map_err(|e| e.to_string())?;
        let comp = comps
            .iter()
            .find(|c| c.id == door)
            .expect("the flow's door");
        let parcels = k.parcels();
        let state = |id: ParcelId| parcels.iter().find(|p| p.id == id).map(|p| p.state);
        let seeded_state = state(seeded.parcel);
        let was_pulsed = flow.pulsed(pulsed.get(&door).copied().unwrap_or(0));
        let others: Vec<&CompartmentId> = pulsed.keys().filter(|c| **c != door).collect();
        if !others.is_empty() {
            return Err(format!("doors {others:?} were pulsed, not the flow's"));
        }
        let (ok, what) = match flow {
            Flow::Deposit => {
                let in_door = comp.parcel.and_then(state);
                (
                    in_door == was_pulsed.then_some(ParcelState::Stored),
                    format!("deposit door {door}: {in_door:?}"),
                )
            }
            Flow::Pickup => {
                let want = if was_pulsed {
                    ParcelState::PickedUp
                } else {
                    ParcelState::Stored
                };
                (seeded_state == Some(want), format!("{seeded_state:?}"))
            }
            Flow::Reopen => {
                // The pickup itself was over before any reopen point; a
                // re-opened door closed on something the books do not have.
                (
                    seeded_state == Some(ParcelState::PickedUp)
                        && comp.needs_inspection == was_pulsed,
                    format!("{seeded_state:?}, inspection {}", comp.needs_inspection),
                )
            }
            Flow::ManualUnlock => (
                seeded_state == Some(ParcelState::Stored) && comp.needs_inspection == was_pulsed,
                format!("{seeded_state:?}, inspection {}", comp.needs_inspection),
            ),
            Flow::Removal => {
                let want = if was_pulsed {
                    ParcelState::Removed
                } else {
                    ParcelState::Expired
                };
                (seeded_state == Some(want), format!("{seeded_state:?}"))
            }
        };
        let pulse = if was_pulsed { "pulsed" } else { "not pulsed" };
        if ok {
            Ok(format!("{pulse}: {what}"))
        } else {
            Err(format!("{pulse}, but {what}"))
        }
    }

    /// The flow's parcel's newest code: while the parcel waits in a door
    /// nobody needs to inspect, it opens that door again (a real pulse on
    /// the board); otherwise it opens nothing.
    fn code_still_works(
        &self,
        k: &mut Kiosk,
        flow: Flow,
        seeded: &Seeded,
        said: &ChildSaid,
        label: &str,
    ) -> String {
        let parcel = match flow {
            Flow::Deposit => match said.stored.first().copied().or_else(|| {
                query::compartments(k.store())
                    .expect("compartments")
                    .iter()
                    .find(|c| c.id == DEPOSIT_DOOR)
                    .and_then(|c| c.parcel)
            }) {
                Some(p) => p,
                None => return "no parcel went in".into(),
            },
            _ => seeded.parcel,
        };
        let mut codes: HashMap<u64, String> = HashMap::new();
        codes.insert(seeded.message, seeded.code.clone());
        for (id, _, code) in &said.sent {
            codes.insert(*id, code.clone());
        }
        let outbox = k.engine.outbox_with_codes().expect("outbox");
        for n in &outbox {
            if let Some(code) = &n.code {
                codes.insert(n.id, code.clone());
            }
        }
        let newest = outbox
            .iter()
            .filter(|n| n.kind == NotificationKind::Delivered && n.parcel == Some(parcel))
            .map(|n| n.id)
            .max()
            .unwrap_or_else(|| panic!("{label}: parcel {parcel} has no delivered message"));
        let code = codes
            .get(&newest)
            .unwrap_or_else(|| panic!("{label}: the code of message {newest} is unknown"))
            .clone();
        let p = k
            .parcels()
            .into_iter()
            .find(|p| p.id == parcel)
            .expect("parcel recorded");
        let comp = query::compartments(k.store())
            .expect("compartments")
            .into_iter()
            .find(|c| c.id == p.compartment)
            .expect("compartment");
        let lock = lock_of(p.compartment);
        let before = self.sim.pulses(lock);
        let events = k.cmd(&Actor::Kiosk, Command::EnterCode { code });
        if p.state != ParcelState::Stored || comp.needs_inspection {
            assert_eq!(
                opening(&events),
                None,
                "{label}: the code of parcel {parcel} ({:?}) opened a door",
                p.state
            );
            return "its code opens nothing".into();
        }
        assert_eq!(
            opening(&events),
            Some(p.compartment),
            "{label}: the code of waiting parcel {parcel} does not open its door: {events:?}"
        );
        let deadline = Instant::now() + WAIT;
        while self.sim.pulses(lock) == before {
            assert!(
                Instant::now() < deadline,
                "{label}: no pulse reached door {}",
                p.compartment
            );
            std::thread::sleep(StdDuration::from_millis(5));
        }
        k.pump_until(
            "the pickup after the restart",
            |e| matches!(e, Event::PickupConfirmed { parcel: q, .. } if *q == parcel),
        );
        k.pump_while("doors shut again", |k| !self.at_rest(k));
        let known: HashSet<ParcelId> = [parcel].into();
        if let Err(e) = props::check(k.store(), &known).and_then(|()| self.books_match_boards(k)) {
            panic!(
                "{label}: after the pickup: {e}\nthe engine said {:?}\nbus: {:?}",
                k.seen,
                k.engine.lock_bus().diagnostics().map(|d| d.link)
            );
        }
        "its code opened the door again".into()
    }
}

/// Every notification a state change causes is queued or sent, none given
/// up; a message already handed to the relay is in the outbox, and if it
/// is still queued it carries the very code the recipient has.
fn outbox_complete(k: &Kiosk, said: &ChildSaid) -> Result<(), String> {
    let outbox = k.engine.outbox_with_codes().map_err(|e| e.to_string())?;
    if let Some(n) = outbox.iter().find(|n| n.state == DeliveryState::Dead) {
        return Err(format!("message {} given up", n.id));
    }
    let has = |p: ParcelId, kind: NotificationKind| {
        outbox.iter().any(|n| n.parcel == Some(p) && n.kind == kind)
    };
    for p in k.parcels() {
        let wanted: &[NotificationKind] = match p.state {
            ParcelState::Depositing => &[],
            ParcelState::Stored => &[NotificationKind::Delivered],
            ParcelState::PickedUp => &[NotificationKind::Delivered, NotificationKind::PickedUp],
            ParcelState::Expired | ParcelState::Removed => {
                &[NotificationKind::Delivered, NotificationKind::FinalNotice]
            }
        };
        if let Some(kind) = wanted.iter().find(|kind| !has(p.id, **kind)) {
            return Err(format!(
                "parcel {} ({:?}) without its {kind:?} message",
                p.id, p.state
            ));
        }
    }
    for (id, parcel, code) in &said.sent {
        let Some(n) = outbox.iter().find(|n| n.id == *id) else {
            return Err(format!("message {id} was sent but is not in the outbox"));
        };
        if n.parcel != Some(*parcel) || n.kind != NotificationKind::Delivered {
            return Err(format!(
                "message {id} was sent about parcel {parcel}, the outbox has {n:?}"
            ));
        }
        if n.state == DeliveryState::Queued && n.code.as_deref() != Some(code.as_str()) {
            return Err(format!(
                "message {id} was sent with one code and the outbox would send another"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_point_is_passed_by_a_flow() {
    let mut seen = HashSet::new();
    for p in POINTS {
        assert!(seen.insert(*p), "{p} listed twice");
        Flow::owning(p);
    }
    for flow in Flow::ALL {
        for p in flow.points() {
            assert!(
                POINTS.contains(p),
                "{} passes unlisted point {p}",
                flow.name()
            );
        }
    }
}

/// Each flow once without a crash (it must pass exactly its listed
/// points), then a crash at every point and a restart.
#[test]
fn a_crash_at_any_step_loses_nothing_after_a_restart() {
    let started = Instant::now();
    let rig = Rig::new();
    for flow in Flow::ALL {
        let outcome = rig.run(flow, None, false);
        eprintln!("{:<34} {outcome}", format!("{} (no crash)", flow.name()));
    }
    let mut runs = Flow::ALL.len();
    for point in POINTS {
        let outcome = rig.run(Flow::owning(point), Some(point), false);
        eprintln!("{point:<34} {outcome}");
        runs += 1;
        // The pulse is only queued at this point and rarely leaves before
        // the abort: once more with the power cut just after it reached the
        // board.
        if point.ends_with(".after_pulse") {
            let outcome = rig.run(Flow::owning(point), Some(point), true);
            eprintln!("{:<34} {outcome}", format!("{point} (held)"));
            runs += 1;
        }
    }
    eprintln!(
        "{} crash points, {runs} runs in {:.1?}",
        POINTS.len(),
        started.elapsed()
    );
}
