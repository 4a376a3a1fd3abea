//! Whole-console tests: a person at a laptop keyboard (or the keypad), the
//! real engine on a fake bus, and the screen as text.

mod colourless;
mod fees;
mod flows;
mod keyboard;
mod keypad;
mod million;
mod no_panic;
mod plain_words;
mod returns;

mod screens;

use std::time::{Duration as StdDuration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

use super::{Console, ConsoleFacts, Screen};
use crate::clock::Clock;
use crate::testkit::driver::{Driver, frame_text};
use crate::ui::{InputDecoder, Keymap, ScanSettings};

pub(crate) use crate::testkit::{snap, snap_sizes};

/// A technician account the tests add beside the driver's admin.
pub const TECH: (&str, &str) = ("7001", "7777");

/// The console beside a kiosk driver's engine, fake bus and clock.
pub struct Desk {
    pub d: Driver,
    pub console: Console,
    decoder: InputDecoder,
    keys_at: Instant,
    _dir: TempDir,
}

pub fn facts(d: &Driver) -> ConsoleFacts {
    ConsoleFacts {
        letter: d.engine.settings().kiosk_id.clone(),
        name: d.engine.settings().kiosk_name.clone(),
        tz: d.engine.settings().tz,
        bank: d.engine.bank().clone(),
        from_kiosk: false,
        idle_secs: 300,
        bus_only: false,
        keypad: false,
        language: crate::domain::Language::En,
        keys: crate::ui::KeyHints::new(&Keymap::pc()),
    }
}

impl Desk {
    pub fn new() -> Desk {
        Desk::with(crate::engine::EngineSettings::for_tests())
    }

    /// A desk whose engine has `settings` (fees, holds...).
    pub fn with(settings: crate::engine::EngineSettings) -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut d = Driver::open(
            dir.path(),
            settings,
            crate::ui::TerminalProfile::Ansi,
            |_| {},
        )
        .expect("kiosk driver");
        let local = crate::engine::Actor::Local {
            name: "test".into(),
        };
        d.engine
            .handle(
                &local,
                crate::engine::Command::AddUser {
                    name: TECH.0.into(),
                    role: crate::domain::Role::Technician,
                    pin: TECH.1.into(),
                    badge: None,
                    carrier_email: None,
                },
            )
            .expect("technician");
        let console = Console::new(facts(&d), d.clock.now());
        let keymap = Keymap::resolve("pc").expect("pc keymap");
        Desk {
            d,
            console,
            decoder: InputDecoder::new(keymap, ScanSettings::default()),
            keys_at: Instant::now(),
            _dir: dir,
        }
    }

    fn feed(&mut self, key: KeyEvent) {
        self.keys_at += StdDuration::from_millis(400);
        self.decoder
            .set_text_entry(self.console.model().wants_text());
        let mut inputs = self.decoder.feed(key, self.keys_at);
        inputs.extend(
            self.decoder
                .flush_due(self.keys_at + StdDuration::from_millis(400)),
        );
        for input in inputs {
            let r = self.console.on_input(input, self.d.clock.now());
            self.console.serve(&mut self.d.engine, r);
            // The mode may change with the screen (a form opens).
            self.decoder
                .set_text_entry(self.console.model().wants_text());
        }
    }

    /// Types on a laptop keyboard: `\n` is Enter, `\x1b` is Esc, `\x08`
    /// is Backspace.
    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\x08' => KeyCode::Backspace,
                c => KeyCode::Char(c),
            };
            self.feed(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }

    /// The same desk, its console speaking `lang`.
    pub fn speaking(lang: crate::domain::Language) -> Desk {
        let mut desk = Desk::new();
        let mut facts = facts(&desk.d);
        facts.language = lang;
        desk.console = Console::new(facts, desk.d.clock.now());
        desk
    }

    pub fn down(&mut self, n: usize) {
        for _ in 0..n {
            self.feed(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
    }

    pub fn sign_in(&mut self, user: &str, pin: &str) {
        self.keys(&format!("{user}\n{pin}\n"));
    }

    pub fn screen(&self) -> &Screen {
        &self.console.model().screen
    }

    pub fn text(&self) -> String {
        let model = self.console.model();
        frame_text(|f| super::view(model, f))
    }

    /// The console's screen before it is laid out at a size.
    pub fn page(&self) -> crate::ui::page::Page {
        super::page_of(self.console.model())
    }

    /// Engine events nobody asked for (the bus), shown on the console.
    pub fn events(&mut self, reply: crate::engine::EngineResult) {
        let r = self.console.on_reply(&reply);
        self.console.serve(&mut self.d.engine, r);
    }
}
