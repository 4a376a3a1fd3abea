//! The admin console against the simulator, end to end: the same rig as
//! the kiosk's (`common/rig.rs`: Modbus RTU to simulated boards on a
//! pseudo-terminal, the engine thread behind an `EngineHandle`), with the
//! console of `locker admin` beside the kiosk on the same engine. Keys go
//! through the laptop keymap and the input decoder; the console follows the
//! engine's published events as its runtime does. The last test runs the
//! technician's `locker service` console on the boards alone.
//!
//! Waiting is always "until the screen (or the simulator) shows it", with a
//! generous deadline; no test asserts how long anything took.

mod common;

use std::time::{Duration as StdDuration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::broadcast;

use common::rig::*;
use locker::admin::{Console, ConsoleFacts, Request, Screen};
use locker::bus::{DoorState, LockId};
use locker::clock::Clock;
use locker::domain::{CompartmentId, ParcelState};
use locker::engine::read::{Answer, Query};
use locker::engine::{Actor, Command, EngineError, Event, Refusal};
use locker::hardware::Bank;
use locker::kiosk::Screen as KioskScreen;
use locker::link::EngineLink;
use locker::service::ServiceLink;
use locker::sim::SimOptions;
use locker::store::audit::{self, AuditEntry, AuditFilter};
use locker::store::{AlertKind, MarkerKind};
use locker::testkit::driver::{ADMIN, ANA, COURIER};
use locker::ui::{Input, InputDecoder, Keymap, ScanSettings};

/// A laptop keyboard through the real decoder; fields switch it to text
/// entry as the console's runtime does.
struct Keyboard {
    decoder: InputDecoder,
    at: Instant,
}

impl Keyboard {
    fn new() -> Self {
        Self {
            decoder: InputDecoder::new(Keymap::pc(), ScanSettings::default()),
            at: Instant::now(),
        }
    }

    /// One key: `\n` is Enter, `\x1b` is Esc, `↓` is the down arrow.
    fn key(&mut self, c: char, text_entry: bool) -> Vec<Input> {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '↓' => KeyCode::Down,
            c => KeyCode::Char(c),
        };
        self.decoder.set_text_entry(text_entry);
        self.at += KEY_GAP;
        let mut inputs = self
            .decoder
            .feed(KeyEvent::new(code, KeyModifiers::NONE), self.at);
        inputs.extend(self.decoder.flush_due(self.at + KEY_GAP));
        inputs
    }
}

/// Types `keys` into `console`, serving each answer on `link`.
fn type_into(
    kb: &mut Keyboard,
    console: &mut Console,
    link: &mut impl EngineLink,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
    keys: &str,
) {
    for c in keys.chars() {
        for input in kb.key(c, console.model().wants_text()) {
            let r = console.on_input(input, now());
            console.serve(link, r);
        }
    }
}

/// `locker admin` beside the kiosk, on the rig's engine.
struct Desk {
    r: Rig,
    console: Console,
    /// The console's own subscription, as its runtime's forwarding thread.
    events: broadcast::Receiver<Event>,
    terminal: Terminal<TestBackend>,
    keyboard: Keyboard,
}

impl Desk {
    fn new() -> Desk {
        let r = Rig::new();
        let (letter, name, tz) = r
            .handle
            .inspect_blocking(|e| {
                let s = e.settings();
                (s.kiosk_id.clone(), s.kiosk_name.clone(), s.tz)
            })
            .expect("engine running");
        let facts = ConsoleFacts {
            letter,
            name,
            tz,
            bank: r.bank.layout.clone(),
            from_kiosk: false,
            idle_secs: 300,
            bus_only: false,
            keypad: false,
            language: locker::domain::Language::En,
            keys: locker::ui::KeyHints::new(&locker::ui::Keymap::pc()),
        };
        let mut desk = Desk {
            console: Console::new(facts, r.clock.now()),
            events: r.handle.subscribe(),
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("test terminal"),
            keyboard: Keyboard::new(),
            r,
        };
        desk.pump();
        assert!(matches!(desk.screen(), Screen::SignIn { .. }));
        desk
    }

    /// Both screens get what the engine published; the console is drawn.
    fn pump(&mut self) {
        self.r.pump();
        loop {
            let r = match self.events.try_recv() {
                Ok(ev) => self.console.on_event(ev),
                // As the runtime does: read the screen again.
                Err(broadcast::error::TryRecvError::Lagged(_)) => self.console.refresh(),
                Err(_) => break,
            };
            self.console.serve(&mut self.r.handle, r);
        }
        self.console
            .render(&mut self.terminal)
            .expect("draw on the test terminal");
    }

    fn keys(&mut self, keys: &str) {
        let clock = self.r.clock.clone();
        type_into(
            &mut self.keyboard,
            &mut self.console,
            &mut self.r.handle,
            || clock.now(),
            keys,
        );
        self.pump();
    }

    fn sign_in(&mut self, (user, pin): (&str, &str)) {
        self.keys(&format!("{user}\n{pin}\n"));
    }

    fn screen(&self) -> &Screen {
        &self.console.model().screen
    }

    fn text(&self) -> String {
        terminal_text(&self.terminal)
    }

    fn wait_for(&mut self, what: &str, done: impl Fn(&Desk) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            if done(self) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "not within {WAIT:?}: {what}\nconsole:\n{}\nkiosk:\n{}\nevents: {:?}",
                self.text(),
                self.r.text(),
                self.r.seen
            );
            std::thread::sleep(StdDuration::from_millis(10));
        }
    }

    fn wait_text(&mut self, needle: &str) {
        self.wait_for(&format!("the console says {needle:?}"), |d| {
            d.text().contains(needle)
        });
    }

    fn audit(&self) -> Vec<AuditEntry> {
        let Answer::AuditEntries(mut all) = self.r.read(Query::AuditRange {
            after: 0,
            limit: 1000,
        }) else {
            panic!("audit entries")
        };
        // Newest first, as the console lists them.
        all.reverse();
        all
    }

    /// Every pulse asked for so far has reached the boards: the bus sends
    /// them in order, and this one, on `door`, came last.
    fn bus_barrier(&mut self, door: CompartmentId) {
        let lock = self.r.lock(door);
        let before = self.r.sim.pulses(lock);
        self.r.cmd(
            local(),
            Command::ManualUnlock {
                compartment: door,
                reason: "test barrier".into(),
            },
        );
        self.wait_for(&format!("the barrier pulse on door {door}"), |d| {
            d.r.sim.pulses(lock) > before
        });
        self.r.wait_door_open(door);
        self.r.close(door, false);
        self.wait_for(&format!("door {door} shut again"), |d| {
            !d.r.open.contains(&door)
        });
    }
}

/// The compartment screen of `door`, opened from the bank.
fn open_door_screen(d: &mut Desk, door: u16) {
    if !matches!(d.screen(), Screen::Bank(_)) {
        d.keys("1");
    }
    assert!(matches!(d.screen(), Screen::Bank(_)), "{}", d.text());
    d.keys(&format!("{door}\n"));
    assert!(
        matches!(d.screen(), Screen::Compartment(c) if c.row.id == CompartmentId(door)),
        "{}",
        d.text()
    );
}

#[test]
fn manual_unlock_writes_audit_and_marker_and_the_door_opens() {
    let mut d = Desk::new();
    d.sign_in(ADMIN);
    assert_eq!(*d.screen(), Screen::Menu, "{}", d.text());
    open_door_screen(&mut d, 3);
    let door = CompartmentId(3);
    let lock = d.r.lock(door);
    assert!(d.text().contains("Door sensor: Closed"), "{}", d.text());
    // No reason, no unlock.
    d.keys("1\n");
    assert!(d.text().contains("a reason is needed"), "{}", d.text());
    assert_eq!(d.r.sim.pulses(lock), 0);
    d.keys("parcel stuck\n");
    assert!(d.text().contains("Door 3 is opening."), "{}", d.text());
    d.r.wait_door_open(door);
    // The door screen follows the bus by itself.
    d.wait_text("Door sensor: Open");
    let audit = d.audit();
    assert!(
        audit.iter().any(|e| e.actor == ADMIN.0
            && e.action == "manual_unlock"
            && e.compartment == Some(door)
            && e.detail == "parcel stuck"),
        "{audit:?}"
    );
    let Answer::MarkerRecords(markers) = d.r.read(Query::MarkerRecords) else {
        panic!("markers")
    };
    assert!(
        markers.iter().any(|m| m.kind == MarkerKind::ManualUnlock
            && m.compartment == Some(door)
            && m.camera.as_deref() == Some("cam-1")
            && m.actor == ADMIN.0
            && m.note == "parcel stuck"),
        "{markers:?}"
    );
    d.r.close(door, false);
    d.wait_text("Door sensor: Closed");
    assert!(!d.r.sim.door_open(lock));
    let c = d.r.compartment(door);
    assert!(c.allocatable() && !c.door_open, "{c:?}");
    assert!(
        d.r.alerts().iter().all(|a| a.kind != AlertKind::ForcedOpen),
        "a commanded opening is no break-in"
    );
}

#[test]
fn forced_open_door_shows_up_as_an_alert_and_is_acknowledged() {
    let mut d = Desk::new();
    d.sign_in(ADMIN);
    d.keys("8");
    assert!(matches!(d.screen(), Screen::Alerts { .. }), "{}", d.text());
    assert!(d.text().contains("(none)"), "{}", d.text());
    let door = CompartmentId(20);
    let lock = d.r.lock(door);
    d.r.sim.force_open(lock);
    // The alerts screen follows the engine's events by itself.
    d.wait_for("a forced-open alert on the console", |d| {
        let t = d.text();
        t.contains("Door forced open") && t.contains("OPEN") && t.contains(" 20 ")
    });
    assert_eq!(d.r.sim.pulses(lock), 0, "nobody unlocked it");
    let Answer::MarkerRecords(markers) = d.r.read(Query::MarkerRecords) else {
        panic!("markers")
    };
    assert!(
        markers.iter().any(|m| m.kind == MarkerKind::ForcedOpen
            && m.compartment == Some(door)
            && m.camera.as_deref() == Some("cam-2")),
        "{markers:?}"
    );
    d.keys("1checked the camera\n");
    d.wait_text("seen 9001");
    let alerts = d.r.alerts();
    let forced: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::ForcedOpen && a.compartment == Some(door))
        .collect();
    assert_eq!(forced.len(), 1, "{alerts:?}");
    assert_eq!(
        forced[0].acknowledged,
        Some((ADMIN.0.to_string(), "checked the camera".to_string()))
    );
    d.r.close(door, false);
}

#[test]
fn disabled_compartment_stays_out_of_allocation() {
    let mut d = Desk::new();
    d.sign_in(ADMIN);
    open_door_screen(&mut d, 1);
    d.keys("2hinge broken\n");
    d.wait_text("State: Out of service");
    d.keys("\x1b");
    d.wait_text(" 1 OFF");
    assert!(!d.r.compartment(CompartmentId(1)).allocatable());
    // Door 1 is the smallest S: a courier's S parcel goes elsewhere.
    d.r.at_size(ANA);
    d.r.press("1");
    let door = d.r.door_on_screen();
    assert_ne!(door, CompartmentId(1), "a disabled door was handed out");
    d.r.wait_door_open(door);
    d.r.close(door, true);
    d.r.wait_text(&format!("Parcel stored in door {door}"));
    assert_eq!(d.r.sim.pulses(d.r.lock(CompartmentId(1))), 0);
    assert!(!d.r.sim.door_open(d.r.lock(CompartmentId(1))));
    // Enabled again, it is the first choice once more.
    open_door_screen(&mut d, 1);
    d.keys("2hinge fixed\n");
    d.wait_text("State: Free");
    d.r.press("#");
    d.r.wait_for("the next parcel", |r| {
        matches!(r.screen(), KioskScreen::Tracking { .. })
    });
    d.r.press("40443#");
    d.r.press(&format!("{ANA}#"));
    d.r.wait_text("Parcel class");
    d.r.press("#");
    d.r.wait_text("Parcel size");
    d.r.press("1");
    assert_eq!(d.r.door_on_screen(), CompartmentId(1), "{}", d.r.text());
    d.r.wait_door_open(CompartmentId(1));
    d.r.close(CompartmentId(1), true);
    d.r.wait_text("Parcel stored in door 1");
}

#[test]
fn resend_rotates_the_code_and_the_kiosk_refuses_the_old_one() {
    let mut d = Desk::new();
    let door = CompartmentId(9);
    let lock = d.r.lock(door);
    let (parcel, old) = d.r.stored(ANA, door);
    d.sign_in(ADMIN);
    d.keys("2");
    assert!(matches!(d.screen(), Screen::Parcels { .. }), "{}", d.text());
    d.keys("\n");
    assert!(
        matches!(d.screen(), Screen::Parcel(p) if p.parcel.id == parcel),
        "{}",
        d.text()
    );
    d.keys("1");
    assert!(
        d.text().contains("the old code no longer works"),
        "{}",
        d.text()
    );
    let new = d.r.code_of(parcel);
    assert_ne!(new, old);
    d.r.press(&format!("A{old}#"));
    assert_eq!(
        *d.r.screen(),
        KioskScreen::CodeRefused {
            refusal: Refusal::Replaced,
            tries_left: 4
        },
        "{}",
        d.r.text()
    );
    d.r.wait_text("This code was replaced by a newer one.");
    d.r.press("*");
    // Had the old code asked for a pulse, it would be on the boards by now.
    d.bus_barrier(CompartmentId(30));
    assert_eq!(d.r.sim.pulses(lock), 0, "no pulse for a replaced code");
    assert!(!d.r.sim.door_open(lock));
    d.r.pick_up_opens(&new, door);
    d.r.close(door, false);
    d.r.wait_text("Thank you!");
    assert_eq!(d.r.parcel(parcel).state, ParcelState::PickedUp);
}

#[test]
fn courier_pin_never_reaches_admin_commands() {
    let mut d = Desk::new();
    let door = CompartmentId(5);
    let lock = d.r.lock(door);
    let (parcel, _) = d.r.stored(ANA, door);
    d.sign_in(COURIER);
    assert!(matches!(d.screen(), Screen::SignIn { .. }), "{}", d.text());
    assert!(d.console.model().session.is_none());
    d.wait_text("this console is for staff");
    // A console that skipped the check gets nothing from the engine.
    let events = d.r.cmd(
        Actor::Kiosk,
        Command::SignIn {
            user: COURIER.0.into(),
            pin: COURIER.1.into(),
        },
    );
    let Some(Event::SignedIn { session, .. }) = events.first().cloned() else {
        panic!("the courier has a kiosk session: {events:?}");
    };
    let courier = Actor::Session { id: session };
    let commands = [
        Command::ManualUnlock {
            compartment: door,
            reason: "parcel stuck".into(),
        },
        Command::AddMarker {
            compartment: Some(door),
            note: "nothing to see".into(),
        },
        Command::ResendCode { parcel },
        Command::SetDisabled {
            compartment: door,
            disabled: true,
            reason: "broken".into(),
        },
    ];
    for command in commands {
        let what = format!("{command:?}");
        let reply = d.r.handle.send_blocking(courier.clone(), command.clone());
        assert!(
            matches!(reply, Err(EngineError::Denied { .. })),
            "{what}: {reply:?}"
        );
        let r = d.console.serve_one(
            &mut d.r.handle,
            Request::Engine {
                actor: courier.clone(),
                command,
            },
        );
        assert!(r.is_empty());
        assert_eq!(
            d.console.model().notice.as_deref(),
            Some("Not allowed for your role."),
            "{what}"
        );
    }
    for query in [Query::Bank, Query::Parcels(String::new()), Query::Alerts] {
        let r = d.console.serve_one(
            &mut d.r.handle,
            Request::Read {
                actor: courier.clone(),
                query,
            },
        );
        assert!(r.is_empty());
        assert_eq!(
            d.console.model().notice.as_deref(),
            Some("Not allowed for your role.")
        );
    }
    d.pump();
    assert!(
        matches!(d.screen(), Screen::SignIn { .. }),
        "no screen opened"
    );
    d.bus_barrier(CompartmentId(30));
    assert_eq!(d.r.sim.pulses(lock), 0, "no pulse for a courier");
    assert_eq!(
        d.r.all_pulses(),
        d.r.sim.pulses(d.r.lock(CompartmentId(30))),
        "only the barrier's door was pulsed"
    );
    let c = d.r.compartment(door);
    assert!(!c.disabled, "{c:?}");
    assert_eq!(d.r.parcel(parcel).state, ParcelState::Stored);
    assert!(
        d.audit()
            .iter()
            .all(|e| e.actor != COURIER.0 || e.action == "sign_in"),
        "{:?}",
        d.audit()
    );
}

#[test]
fn service_laptop_opens_doors_on_the_boards_into_a_verified_audit_chain() {
    let rt = runtime();
    // As `locker service --port <pty> --hardware hardware/banks/demo.toml`.
    let bank = Bank::load(&common::repo().join("hardware/banks/demo.toml")).expect("demo bank");
    let Wired {
        sim,
        bus,
        events: mut bus_events,
    } = wire(&rt, &bank, SimOptions::default(), |_| {});
    let dir = tempfile::tempdir().expect("temp dir");
    let audit_dir = dir.path().join("service-audit");
    locker::store::prepare_private_dir(&audit_dir).expect("audit dir");
    let mut link =
        ServiceLink::new(Box::new(bus), bank.clone(), &audit_dir, "ana").expect("service link");
    let mut console = locker::service::console(
        &bank,
        "ana",
        &locker::ui::Keymap::pc(),
        locker::domain::Language::En,
    );
    let first = vec![Request::Read {
        actor: console.model().actor(),
        query: Query::Bus,
    }];
    console.serve(&mut link, first);
    let mut kb = Keyboard::new();
    let lock = |door: u16| {
        bank.layout
            .compartment(CompartmentId(door))
            .map(|c| c.lock())
            .expect("door in the bank")
    };
    // The screen reads the boards again whenever the bus reports a change.
    let mut wait = |console: &mut Console,
                    link: &mut ServiceLink,
                    what: &str,
                    done: &dyn Fn(&Console) -> bool| {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut changed = false;
            while bus_events.try_recv().is_ok() {
                changed = true;
            }
            if changed {
                let r = console.refresh();
                console.serve(link, r);
            }
            if done(console) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "not within {WAIT:?}: {what}\n{:?}",
                console.model().screen
            );
            std::thread::sleep(StdDuration::from_millis(10));
        }
    };
    let door_on_bus = |c: &Console, door: u16| -> Option<DoorState> {
        match &c.model().screen {
            Screen::Bus { bus, .. } => bus
                .doors
                .iter()
                .find(|d| d.id == CompartmentId(door))
                .map(|d| d.door),
            _ => None,
        }
    };
    wait(&mut console, &mut link, "every door read", &|c| {
        door_on_bus(c, 3) == Some(DoorState::Closed)
    });
    // Pulse test on the third door of the bus table.
    // It says what is inside and asks why, as every door opening does.
    type_into(&mut kb, &mut console, &mut link, chrono::Utc::now, "↓↓1");
    assert!(sim.pulses(lock(3)) == 0, "a pulse before the reason");
    type_into(
        &mut kb,
        &mut console,
        &mut link,
        chrono::Utc::now,
        "pulse test\n",
    );
    wait(&mut console, &mut link, "door 3 open", &|c| {
        door_on_bus(c, 3) == Some(DoorState::Open)
    });
    assert!(sim.door_open(lock(3)));
    sim.close_door(lock(3));
    wait(&mut console, &mut link, "door 3 shut", &|c| {
        door_on_bus(c, 3) == Some(DoorState::Closed)
    });
    // A manual unlock from the bank, with a typed reason.
    type_into(
        &mut kb,
        &mut console,
        &mut link,
        chrono::Utc::now,
        "\x1b17\n1parcel stuck\n",
    );
    assert_eq!(
        console.model().notice.as_deref(),
        Some("Door 7 is opening."),
        "{:?}",
        console.model().screen
    );
    wait(
        &mut console,
        &mut link,
        "door 7 open",
        &|c| matches!(&c.model().screen, Screen::Compartment(v) if v.row.id == CompartmentId(7) && v.row.door == DoorState::Open),
    );
    assert!(sim.door_open(lock(7)));
    sim.close_door(lock(7));
    let pulsed: Vec<LockId> = bank
        .layout
        .compartments
        .iter()
        .map(|c| c.lock())
        .filter(|l| sim.pulses(*l) > 0)
        .collect();
    assert_eq!(pulsed, vec![lock(3), lock(7)]);
    // The console's own check of its chain.
    type_into(
        &mut kb,
        &mut console,
        &mut link,
        chrono::Utc::now,
        "\x1b\x1b69",
    );
    let Screen::Audit { page, .. } = &console.model().screen else {
        panic!("not the audit screen: {:?}", console.model().screen);
    };
    assert_eq!(page.verified.as_deref(), Some("intact, 2 entries checked"));
    type_into(&mut kb, &mut console, &mut link, chrono::Utc::now, "q");
    assert!(console.has_left());
    let store = link.audit_store();
    let report = audit::verify(store).expect("verify");
    assert!(report.ok() && report.checked == 2, "{report:?}");
    let entries = audit::page(store, None, 10, &AuditFilter::default()).expect("page");
    let got: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.action.as_str(),
                e.compartment,
                e.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "service:ana",
                "manual_unlock",
                Some(CompartmentId(7)),
                "parcel stuck"
            ),
            (
                "service:ana",
                "manual_unlock",
                Some(CompartmentId(3)),
                "pulse test"
            ),
        ]
    );
    // The log is the one `locker audit verify --data-dir` checks.
    drop(link);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(["audit", "verify", "--data-dir"])
        .arg(&audit_dir)
        .output()
        .expect("locker runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("audit chain ok: 2 entries checked"),
        "{out:?}"
    );
}
