//! `locker demo --fleet`: a property of two kiosks, A and B, each with its
//! simulated bank, on a Mosquitto of the demo's own, and the support
//! console; one terminal shows one of the three at a time (F1, F2, F3).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::CliError;
use super::run::{EndSignals, demo_kiosk, failed, runtime, terminal_setup};
use crate::config::Config;
use crate::domain::{CodeKeys, HashCost};
use crate::engine::Event;
use crate::fleet::console::runtime::{Heard, OnScreen as SupportScreen};
use crate::fleet::console::{Support, SupportFacts};
use crate::fleet::order::AgentKey;
use crate::hardware::Bank;
use crate::kiosk::runtime::OnScreen as KioskScreen;
use crate::ui::app::{self, App, Flow};
use crate::ui::reader::StdoutScreen;
use crate::ui::{Input, KeyHints, Keymap};

/// The demo property's name on the broker.
const SITE: &str = "demo-property";

/// The demo's own broker: started on a free port, stopped with the demo.
struct Broker(Child);

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn mosquitto() -> Result<PathBuf, CliError> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("mosquitto"))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| Some(PathBuf::from("/usr/sbin/mosquitto")).filter(|p| p.is_file()))
        .ok_or_else(|| {
            CliError::Failed(
                "demo --fleet runs the property's broker, Mosquitto: apt install mosquitto \
                 (or bash .ci/peers.sh)"
                    .into(),
            )
        })
}

fn start_broker(dir: &Path) -> Result<(Broker, u16), CliError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(failed("a port for the broker"))?;
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!("listener {port} 127.0.0.1\nallow_anonymous true\nlog_dest none\n"),
    )
    .map_err(failed("the broker's config"))?;
    let child = Process::new(mosquitto()?)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(failed("mosquitto"))?;
    let broker = Broker(child);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if std::time::Instant::now() > deadline {
            return Err(CliError::Failed(format!(
                "mosquitto did not listen on {port}"
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok((broker, port))
}

/// One kiosk of the property, as `locker kiosk` would run it.
fn kiosk_config(root: &Path, id: &str, name: &str, port: u16, agent: &AgentKey) -> Config {
    let mut cfg = Config::for_data_dir(root.join(id));
    cfg.kiosk.id = id.into();
    cfg.kiosk.name = name.into();
    cfg.kiosk.locker_code = format!("LK-000{}", if id == "A" { 1 } else { 2 });
    cfg.kiosk.time_zone = chrono_tz::Europe::Madrid;
    cfg.kiosk.country = crate::domain::Country::SPAIN;
    cfg.kiosk.admin_contact = "Building office, ext. 100".into();
    cfg.notify.admin_email = Some("admin@example.org".into());
    cfg.security.argon2 = HashCost::default();
    cfg.security.key_file = root.join(format!("{id}.key"));
    cfg.fees = crate::demo::fees();
    cfg.fleet.broker = Some(format!("mqtt://127.0.0.1:{port}"));
    cfg.fleet.site = SITE.into();
    cfg.fleet.site_key_file = Some(root.join("site.key"));
    cfg.fleet.support_keys = vec![agent.public().line()];
    cfg
}

/// `locker demo --fleet`.
pub fn demo(size: Option<&str>) -> Result<(), CliError> {
    let root = std::env::temp_dir().join(format!("locker-fleet-demo-{}", std::process::id()));
    std::fs::create_dir_all(&root).map_err(failed("the demo's folder"))?;
    let result = run(&root, size);
    let _ = std::fs::remove_dir_all(&root);
    println!("locker demo --fleet: removed {}", root.display());
    result
}

fn run(root: &Path, size: Option<&str>) -> Result<(), CliError> {
    let (_broker, port) = start_broker(root)?;
    CodeKeys::generate()
        .save(&root.join("site.key"))
        .map_err(failed("the site key"))?;
    let agent = AgentKey::generate("demo-support").map_err(CliError::Failed)?;
    let bank = Bank::demo();
    let keymap =
        Keymap::resolve(crate::site::DEFAULT_KEYMAP).map_err(|e| CliError::Usage(e.to_string()))?;
    let configs = [
        kiosk_config(root, "A", "Lobby", port, &agent),
        kiosk_config(root, "B", "Garden", port, &agent),
    ];
    let setup = terminal_setup(&configs[0], size, keymap)?;
    let rt = runtime()?;
    let _enter = rt.enter();
    let signals = EndSignals::register().map_err(failed("signals"))?;
    let mut kiosks = Vec::new();
    for cfg in &configs {
        let (started, sim, facts, _) = demo_kiosk(cfg, &bank, &setup.keymap)?;
        kiosks.push((started, sim, facts));
    }
    let [(a, sim_a, facts_a), (b, sim_b, facts_b)] =
        <[_; 2]>::try_from(kiosks).map_err(|_| CliError::Failed("two kiosks".into()))?;
    let mut link_a = crate::demo::DemoLink {
        engine: a.handle.clone(),
        sim: &sim_a,
        bank: &bank.layout,
    };
    let mut link_b = crate::demo::DemoLink {
        engine: b.handle.clone(),
        sim: &sim_b,
        bank: &bank.layout,
    };
    let site = crate::fleet::FleetLink {
        host: "127.0.0.1".into(),
        port,
        site: SITE.into(),
        kiosk: "+".into(),
        credentials: None,
        tls: None,
    };
    let support = Support::new(
        SupportFacts {
            site: SITE.into(),
            agent: Some(agent.name.clone()),
            tz: chrono_tz::Europe::Madrid,
            language: crate::domain::Language::En,
            keys: KeyHints::new(&setup.keymap),
        },
        Utc::now(),
    );
    println!(
        "locker demo --fleet: kiosks A and B of {SITE} on a Mosquitto at 127.0.0.1:{port}; \
         F1 kiosk A, F2 kiosk B, F3 the support console"
    );
    let support = SupportScreen::new(support, site, Some(agent));
    let hook = support.hook();
    let mut three = Three {
        a: KioskScreen::new(&a.handle, &mut link_a, facts_a),
        b: KioskScreen::new(&b.handle, &mut link_b, facts_b),
        support,
        shown: Shown::A,
    };
    let (events_a, events_b) = (a.handle.subscribe(), b.handle.subscribe());
    app::run(&mut three, setup, move |sink| {
        signals.stop(sink.clone());
        app::forward_broadcast_as(events_a, sink.clone(), Wake3::A)?;
        app::forward_broadcast_as(events_b, sink.clone(), Wake3::B)?;
        hook.start(Arc::new(move |h| sink.event(Wake3::Support(h))))
    })
    .map_err(failed("terminal"))
}

/// What one of the three programs was told.
pub enum Wake3 {
    A(Event),
    B(Event),
    Support(Heard),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    A,
    B,
    Support,
}

/// Kiosk A, kiosk B and the support console on one terminal, one shown.
struct Three<'a, L> {
    a: KioskScreen<'a, L>,
    b: KioskScreen<'a, L>,
    support: SupportScreen,
    shown: Shown,
}

impl<L: crate::link::EngineLink> Three<'_, L> {
    fn switch(&mut self, to: Shown, terminal: &mut StdoutScreen) {
        if to == self.shown {
            return;
        }
        self.shown = to;
        if let Err(e) = self.repaint(terminal) {
            tracing::warn!(error = %e, "could not clear the screen");
        }
    }
}

impl<L: crate::link::EngineLink> App for Three<'_, L> {
    type Event = Wake3;

    fn draw(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        match self.shown {
            Shown::A => self.a.draw(terminal),
            Shown::B => self.b.draw(terminal),
            Shown::Support => self.support.draw(terminal),
        }
    }

    fn repaint(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        // Each clears and draws everything when it is next drawn: only the
        // one shown writes to the terminal.
        self.a.repaint(terminal)?;
        self.b.repaint(terminal)?;
        self.support.repaint(terminal)
    }

    fn next_tick(&self) -> DateTime<Utc> {
        self.a
            .next_tick()
            .min(self.b.next_tick())
            .min(self.support.next_tick())
    }

    fn tick(&mut self, now: DateTime<Utc>) {
        for (due, which) in [
            (self.a.next_tick() <= now, Shown::A),
            (self.b.next_tick() <= now, Shown::B),
            (self.support.next_tick() <= now, Shown::Support),
        ] {
            if due {
                match which {
                    Shown::A => self.a.tick(now),
                    Shown::B => self.b.tick(now),
                    Shown::Support => self.support.tick(now),
                }
            }
        }
    }

    fn event(&mut self, event: Wake3) {
        match event {
            Wake3::A(e) => self.a.event(e),
            Wake3::B(e) => self.b.event(e),
            Wake3::Support(h) => self.support.event(h),
        }
    }

    fn changed(&mut self) {
        self.a.changed();
        self.b.changed();
    }

    fn input(&mut self, input: Input, terminal: &mut StdoutScreen) -> Flow {
        if let Input::Unbound(k) = &input
            && let crossterm::event::KeyCode::F(n @ 1..=3) = k.code
        {
            let to = [Shown::A, Shown::B, Shown::Support][usize::from(n - 1)];
            self.switch(to, terminal);
            return Flow::Go;
        }
        match self.shown {
            Shown::A => self.a.input(input, terminal),
            Shown::B => self.b.input(input, terminal),
            Shown::Support => self.support.input(input, terminal),
        }
    }

    fn text_entry(&self) -> bool {
        self.shown == Shown::Support && self.support.text_entry()
    }
}
