//! A whole kiosk in one process, synchronously: the screen model, a real
//! engine on a temporary sled store with a [`FakeBus`] and a
//! [`ManualClock`], and a `Terminal<KioskBackend<CountingWriter>>` that
//! counts every byte the screen would send. Keys go through the real
//! keymap and input decoder, so a test reads like a person at the keypad:
//!
//! ```text
//! d.press("A123456#");      // keys, as printed on the keypad
//! d.open_door(door);        // the bus reports the door open
//! d.close_door(door, false) // ... and closed, now empty
//! ```
//!
//! The end-to-end tests over real pseudo-terminals reuse it; nothing here
//! sleeps.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size as ScreenSize;
use ratatui::style::Modifier;

use crate::bus::fake::FakeBus;
use crate::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState, LockId};
use crate::clock::{Clock, ManualClock};
use crate::domain::{
    CompartmentId, Language, ParcelClass, ParcelId, Recipient, RecipientId, Role, Size,
};
use crate::engine::{Actor, Command, Engine, EngineError, EngineSettings, Event, SizeChoice};
use crate::hardware::{BankLayout, CompartmentLayout};
use crate::kiosk::{Kiosk, KioskFacts, Request, Screen, view};
use crate::store::{NotificationKind, Store};
use crate::ui::{
    ByteMeter, CountingWriter, InputDecoder, Keymap, KioskBackend, ScanSettings, TerminalProfile,
};

/// The courier and admin the driver creates, as typed on the keypad.
pub const COURIER: (&str, &str) = ("1001", "4321");
pub const ADMIN: (&str, &str) = ("9001", "9999");
/// Registered recipients.
pub const ANA: &str = "111111";
pub const BEN: &str = "222222";

/// A person types a key every half second or so; the decoder must see
/// them as keys, not as a scanner burst.
const KEY_GAP: StdDuration = StdDuration::from_millis(400);
/// A scanner types a character every few milliseconds.
const SCAN_GAP: StdDuration = StdDuration::from_millis(4);

pub struct Driver {
    pub kiosk: Kiosk,
    pub engine: Engine,
    pub bus: FakeBus,
    pub clock: ManualClock,
    pub terminal: Terminal<KioskBackend<CountingWriter>>,
    pub meter: ByteMeter,
    decoder: InputDecoder,
    keys_at: Instant,
}

/// A 4 x 4 bank: row 1 small, row 2 medium, row 3 large, row 4 XL; door
/// numbers run down each column (1-4, 5-8, ...), one lock board.
pub fn test_bank() -> BankLayout {
    let sizes = [Size::S, Size::M, Size::L, Size::XL];
    BankLayout {
        name: "kiosk-test".into(),
        compartments: (0..16u16)
            .map(|i| CompartmentLayout {
                id: CompartmentId(i + 1),
                size: sizes[usize::from(i % 4)],
                board: 1,
                channel: i,
                column: i / 4,
                row: i % 4,
                camera: None,
            })
            .collect(),
    }
}

/// Monday 16 November 2026, 10:00 in Madrid.
pub fn start_time() -> DateTime<Utc> {
    chrono_tz::Europe::Madrid
        .with_ymd_and_hms(2026, 11, 16, 10, 0, 0)
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

fn setup_failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::Invalid(format!("kiosk driver set-up: {e}"))
}

impl Driver {
    /// A kiosk on an 80x24 ANSI screen with the test bank and users.
    pub fn new(dir: &Path) -> Result<Driver, EngineError> {
        Self::open(
            dir,
            EngineSettings::for_tests(),
            TerminalProfile::Ansi,
            |_| {},
        )
    }

    /// A kiosk with `settings`, on a `profile` terminal; `facts` may adjust
    /// what the screen knows (inactivity, demo help...).
    pub fn open(
        dir: &Path,
        settings: EngineSettings,
        profile: TerminalProfile,
        facts: impl FnOnce(&mut KioskFacts),
    ) -> Result<Driver, EngineError> {
        let bus = FakeBus::new();
        let clock = ManualClock::new(start_time());
        let bank = test_bank();
        let store = Store::open(dir)?;
        let mut engine = Engine::open(
            store,
            Box::new(bus.clone()),
            bank.clone(),
            Arc::new(clock.clone()),
            settings,
        )?;
        seed(&mut engine)?;
        let mut kiosk_facts =
            KioskFacts::from_engine(engine.settings(), &bank, "Front desk, 555-0100");
        facts(&mut kiosk_facts);
        let writer = CountingWriter::keeping();
        let meter = writer.meter();
        let backend = KioskBackend::new(
            writer,
            ScreenSize {
                width: 80,
                height: 24,
            },
            profile,
        );
        let terminal = Terminal::new(backend).map_err(setup_failed)?;
        let keymap = Keymap::resolve("keypad-16").map_err(setup_failed)?;
        let mut driver = Driver {
            kiosk: Kiosk::new(kiosk_facts, clock.now()),
            engine,
            bus,
            clock,
            terminal,
            meter,
            decoder: InputDecoder::new(keymap, ScanSettings::default()),
            keys_at: Instant::now(),
        };
        let requests = driver.kiosk.follow_bus_state(&driver.engine);
        driver.run(requests);
        driver.render();
        Ok(driver)
    }

    pub fn screen(&self) -> &Screen {
        &self.kiosk.model().screen
    }

    pub fn model(&self) -> &crate::kiosk::Model {
        self.kiosk.model()
    }

    /// Presses keys as printed on the keypad: `0-9 * # A B C D`.
    pub fn press(&mut self, keys: &str) {
        for c in keys.chars() {
            self.keys_at += KEY_GAP;
            let at = self.keys_at;
            let mut inputs = self.decoder.feed(key(c), at);
            inputs.extend(self.decoder.flush_due(at + KEY_GAP));
            for input in inputs {
                let now = self.clock.now();
                let requests = self.kiosk.on_input(input, now);
                self.run(requests);
            }
            self.render();
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
        inputs.extend(self.decoder.feed(
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            self.keys_at,
        ));
        inputs.extend(self.decoder.flush_due(self.keys_at + KEY_GAP));
        for input in inputs {
            let now = self.clock.now();
            let requests = self.kiosk.on_input(input, now);
            self.run(requests);
        }
        self.render();
    }

    /// Runs what the screen asked for, feeding each answer back.
    pub fn run(&mut self, requests: Vec<Request>) {
        self.kiosk.serve(&mut self.engine, requests);
    }

    /// Draws if the screen changed; returns whether it did.
    pub fn render(&mut self) -> bool {
        let drew = self.kiosk.render(&mut self.terminal).unwrap_or(false);
        let _ = self.kiosk.sound(self.terminal.backend_mut());
        drew
    }

    fn events(&mut self, reply: Result<Vec<Event>, EngineError>) {
        let requests = self.kiosk.on_reply(&reply);
        self.run(requests);
        self.render();
    }

    fn door_event(&mut self, door: CompartmentId, kind: DoorEventKind) {
        let Some(lock) = self.lock(door) else {
            return;
        };
        let state = match kind {
            DoorEventKind::Opened | DoorEventKind::ForcedOpen => DoorState::Open,
            _ => DoorState::Closed,
        };
        self.bus.set_door(lock, state);
        let at = self.clock.now();
        let reply = self
            .engine
            .on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at }));
        self.events(reply);
    }

    pub fn lock(&self, door: CompartmentId) -> Option<LockId> {
        self.engine.bank().compartment(door).map(|c| c.lock())
    }

    pub fn open_door(&mut self, door: CompartmentId) {
        self.door_event(door, DoorEventKind::Opened);
    }

    /// The door closes with (`item`) or without a parcel inside.
    pub fn close_door(&mut self, door: CompartmentId, item: bool) {
        if let Some(lock) = self.lock(door) {
            self.bus.set_item(lock, item);
        }
        self.door_event(door, DoorEventKind::Closed);
    }

    /// The door closes; its item sensor (if any) left as it is.
    pub fn shut(&mut self, door: CompartmentId) {
        self.door_event(door, DoorEventKind::Closed);
    }

    /// Pulsed twice and still shut.
    pub fn jam(&mut self, door: CompartmentId) {
        self.door_event(door, DoorEventKind::Jammed);
    }

    /// The door the screen is about: open for pickup, deposit or removal.
    pub fn door_on_screen(&self) -> Option<CompartmentId> {
        match self.screen() {
            Screen::DoorOpen { spot, .. } | Screen::DepositDoor { spot, .. } => Some(spot.door),
            Screen::Removal {
                open: Some((_, spot)),
                ..
            }
            | Screen::Returns {
                open: Some((_, spot)),
                ..
            }
            | Screen::ReturnDoor { spot, .. } => Some(spot.door),
            Screen::ReturnNotDropped { door } | Screen::ReturnDropped { door, .. } => Some(*door),
            Screen::PickupDone { door, .. }
            | Screen::ReportProblem { door }
            | Screen::DepositCancelled { door }
            | Screen::DepositStored { door, .. }
            | Screen::Fee { door, .. } => Some(*door),
            _ => None,
        }
    }

    /// Time passes with nobody at the keypad: the engine's scheduler and
    /// the screen's clock both see it, one tick per `step`.
    pub fn wait(&mut self, total: Duration, step: Duration) {
        let mut waited = Duration::zero();
        while waited < total {
            let step = step.min(total - waited);
            self.clock.advance(step);
            waited += step;
            let ticked = self.engine.tick();
            self.events(ticked);
            let now = self.clock.now();
            let requests = self.kiosk.on_tick(now);
            self.run(requests);
            self.render();
        }
    }

    /// Every lock board stops answering, then comes back.
    pub fn bus_down(&mut self) {
        self.bus.set_board_offline(1, true);
        let reply = self
            .engine
            .on_bus_event(BusEvent::BoardOffline { board: 1 });
        self.events(reply);
    }

    pub fn bus_up(&mut self) {
        self.bus.set_board_offline(1, false);
        let reply = self.engine.on_bus_event(BusEvent::BoardOnline { board: 1 });
        self.events(reply);
    }

    /// A courier's deposit made outside this screen (another courier,
    /// earlier): returns the parcel, its door and the code sent.
    pub fn stored_parcel(
        &mut self,
        recipient: &str,
        size: Size,
    ) -> Result<(ParcelId, CompartmentId, String), EngineError> {
        let courier = self.sign_in(COURIER.0, COURIER.1)?;
        let events = self.engine.handle(
            &courier,
            Command::StartDeposit {
                tracking: "TRK-SETUP".into(),
                recipient: recipient.into(),
                size: SizeChoice::Size(size),
                class: ParcelClass::Domestic,
            },
        )?;
        let (door, parcel) = events
            .iter()
            .find_map(|e| match e {
                Event::DoorOpening {
                    compartment,
                    parcel: Some(p),
                    ..
                } => Some((*compartment, *p)),
                _ => None,
            })
            .ok_or_else(|| setup_failed("no door opened for the deposit"))?;
        let lock = self
            .lock(door)
            .ok_or_else(|| setup_failed("door not in bank"))?;
        for (kind, state) in [
            (DoorEventKind::Opened, DoorState::Open),
            (DoorEventKind::Closed, DoorState::Closed),
        ] {
            self.bus.set_item(lock, true);
            self.bus.set_door(lock, state);
            let at = self.clock.now();
            self.engine
                .on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at }))?;
        }
        self.engine.handle(&courier, Command::SignOut)?;
        let code = self.code_of(parcel)?;
        Ok((parcel, door, code))
    }

    /// A return an admin issued elsewhere (the console, the command
    /// line): the code made for it, `None` for a label's.
    pub fn issued_return(
        &mut self,
        ret: crate::engine::NewReturn,
    ) -> Result<Option<String>, EngineError> {
        let admin = self.sign_in(ADMIN.0, ADMIN.1)?;
        let events = self.engine.handle(&admin, Command::IssueReturn { ret })?;
        self.engine.handle(&admin, Command::SignOut)?;
        events
            .into_iter()
            .find_map(|e| match e {
                Event::ReturnIssued { code, .. } => Some(code),
                _ => None,
            })
            .ok_or_else(|| setup_failed("no return issued"))
    }

    pub fn sign_in(&mut self, user: &str, pin: &str) -> Result<Actor, EngineError> {
        let events = self.engine.handle(
            &Actor::Kiosk,
            Command::SignIn {
                user: user.into(),
                pin: pin.into(),
            },
        )?;
        match events.first() {
            Some(Event::SignedIn { session, .. }) => Ok(Actor::Session { id: *session }),
            _ => Err(setup_failed("sign-in refused")),
        }
    }

    /// The newest code (and QR payload) sent for a parcel.
    pub fn code_of(&self, parcel: ParcelId) -> Result<String, EngineError> {
        self.delivered(parcel).map(|(code, _)| code)
    }

    pub fn qr_of(&self, parcel: ParcelId) -> Result<String, EngineError> {
        self.delivered(parcel).map(|(_, qr)| qr)
    }

    fn delivered(&self, parcel: ParcelId) -> Result<(String, String), EngineError> {
        self.engine
            .outbox_with_codes()?
            .into_iter()
            .rev()
            .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
            .find_map(|n| Some((n.code?, n.qr?)))
            .ok_or_else(|| setup_failed("no code sent for the parcel"))
    }

    /// Bytes the screen has written so far.
    pub fn bytes(&self) -> u64 {
        self.meter.bytes()
    }

    /// The screen as a person sees it at 80x24: text rows, then the cells
    /// shown in reverse video (which a plain-text snapshot cannot show).
    pub fn screen_text(&self) -> String {
        frame_text(|f| crate::ui::page::draw(&self.page(), f))
    }

    /// What is on the screen, the kiosk's or the console it hosts, before
    /// it is laid out at a size.
    pub fn page(&self) -> crate::ui::page::Page {
        match self.kiosk.console() {
            Some(console) => crate::admin::page_of(console.model()),
            None => crate::kiosk::page_of(self.kiosk.model()),
        }
    }
}

/// Renders a model on an 80x24 test terminal as text, marking reverse
/// video so a reviewer sees the highlighted door.
pub fn screen_text(model: &crate::kiosk::Model) -> String {
    frame_text(|frame| view(model, frame))
}

/// Any screen drawn on an 80x24 test terminal, as text with its reverse
/// video listed (the admin console's snapshots use it too).
pub fn frame_text(draw: impl FnOnce(&mut ratatui::Frame)) -> String {
    frame_text_at(80, 24, draw)
}

/// [`frame_text`] on a `width` x `height` test terminal.
pub fn frame_text_at(width: u16, height: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> String {
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => return format!("no test terminal: {e}"),
    };
    if let Err(e) = terminal.draw(draw) {
        return format!("draw failed: {e}");
    }
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    let mut reversed = Vec::new();
    for y in 0..buffer.area.height {
        let mut row = String::new();
        let mut run: Option<(u16, String)> = None;
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            row.push_str(cell.symbol());
            let rev = cell.modifier.contains(Modifier::REVERSED);
            match (&mut run, rev) {
                (Some((_, text)), true) => text.push_str(cell.symbol()),
                (None, true) => run = Some((x, cell.symbol().to_string())),
                (Some(_), false) => {
                    if let Some((start, text)) = run.take() {
                        reversed.push((y, start, text));
                    }
                }
                (None, false) => {}
            }
        }
        if let Some((start, text)) = run.take() {
            reversed.push((y, start, text));
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    // The header is always reversed; list only what a screen highlights.
    for (y, x, text) in reversed.into_iter().filter(|(y, _, _)| *y > 0) {
        out.push_str(&format!(
            "[reverse video at row {y}, column {x}: {text:?}]\n"
        ));
    }
    out
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// The courier, the admin and two recipients (Ana has a delegate-free
/// account in Spanish).
fn seed(engine: &mut Engine) -> Result<(), EngineError> {
    let local = Actor::Local {
        name: "driver".into(),
    };
    for ((name, pin), role) in [(COURIER, Role::Courier), (ADMIN, Role::Admin)] {
        engine.handle(
            &local,
            Command::AddUser {
                name: name.into(),
                role,
                pin: pin.into(),
                badge: (role == Role::Courier).then(|| "BADGE-1001".into()),
                carrier_email: None,
            },
        )?;
    }
    for (id, name, mailbox) in [(ANA, "Ana Ruiz", "ana"), (BEN, "Ben", "ben")] {
        let rid = RecipientId::parse(id).map_err(setup_failed)?;
        let mut r = Recipient::closed(rid);
        r.closed = false;
        r.name = name.into();
        r.email = format!("{mailbox}@example.org");
        r.language = Language::Es;
        engine.handle(&local, Command::AddRecipient { recipient: r })?;
    }
    Ok(())
}
