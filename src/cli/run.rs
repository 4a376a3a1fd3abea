//! `locker kiosk` and `locker demo`: the engine thread, the lock bus task,
//! the delivery thread and the screen loop, wired together.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::CliError;
use crate::bus::LockBus;
use crate::bus::modbus::{BusConfig, ModbusLockBus};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::demo::DemoFacts;
use crate::domain::{HashCost, Role};
use crate::engine::runner::EngineHandle;
use crate::engine::{Engine, EngineSettings};
use crate::hardware::Bank;
use crate::kiosk::KioskFacts;
use crate::kiosk::runtime::run;
use crate::notify::Senders;
use crate::sim::{SimLink, SimOptions, Simulator};
use crate::store::Store;
use crate::ui::app::TerminalSetup;
use crate::ui::{KeyHints, Keymap, ScreenSize, TerminalProfile, screen_size_from_environment};

/// Time for the bus to read every board once before start-up recovery.
const SETTLE: Duration = Duration::from_millis(1200);

pub(super) fn failed(what: &str) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Failed(format!("{what}: {e}"))
}

pub(super) fn terminal_setup(
    cfg: &Config,
    size: Option<&str>,
    keymap: Keymap,
) -> Result<TerminalSetup, CliError> {
    let configured = size.or(cfg.kiosk.size.as_deref());
    let configured: Option<ScreenSize> = match configured {
        Some(s) => Some(
            s.parse()
                .map_err(|e| CliError::Usage(format!("--size: {e}")))?,
        ),
        None => None,
    };
    let profile = match &cfg.kiosk.terminal {
        Some(p) => p
            .parse()
            .map_err(|e| CliError::Usage(format!("kiosk.terminal: {e}")))?,
        None => TerminalProfile::from_term(std::env::var("TERM").ok().as_deref()),
    };
    Ok(TerminalSetup {
        profile,
        size: screen_size_from_environment(configured),
        fixed_size: configured.is_some(),
        keymap,
    })
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(failed("cannot start the runtime"))
}

/// The kiosk's engine and the control socket that serves it to `locker
/// admin` and the data commands; the socket goes when this does.
pub(super) struct Started {
    pub(super) handle: EngineHandle,
    _control: crate::control::ControlServer,
}

/// Starts everything but the screen.
pub(super) fn start(
    cfg: &Config,
    store: Store,
    bank: &Bank,
    port: &str,
    prepare: impl FnOnce(&mut Engine) -> Result<(), CliError>,
) -> Result<Started, CliError> {
    crate::logging::init(&cfg.kiosk.data_dir);
    if cfg.security.insecure_test_cost {
        tracing::warn!("security.insecure_test_cost is set: PIN hashes may be cheap to guess");
    }
    let mut bus_cfg = BusConfig::new(port);
    // An unplugged adapter must give "out of service", not a dead screen.
    bus_cfg.wait_for_port = true;
    bus_cfg.baud = cfg.bus.baud;
    bus_cfg.timeout = Duration::from_millis(cfg.bus.timeout_ms);
    bus_cfg.poll_interval = Duration::from_millis(cfg.bus.poll_ms);
    bus_cfg.left_open_after = Duration::from_secs(u64::from(cfg.policy.left_open_secs));
    bus_cfg.parity = match cfg.bus.parity.as_str() {
        "even" => crate::bus::link::Parity::Even,
        "odd" => crate::bus::link::Parity::Odd,
        _ => crate::bus::link::Parity::None,
    };
    let (bus, bus_events) =
        ModbusLockBus::spawn(bank, bus_cfg).map_err(|e| CliError::Failed(e.to_string()))?;
    let bus: Box<dyn LockBus> = Box::new(bus);
    let settings = EngineSettings::load(cfg, &store).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut engine = Engine::open(
        store,
        bus,
        bank.layout.clone(),
        Arc::new(SystemClock),
        settings,
    )?;
    prepare(&mut engine)?;
    let senders = Senders::from_config(cfg).map_err(|e| CliError::Usage(format!("notify: {e}")))?;
    let handle = EngineHandle::spawn(engine, bus_events, SETTLE);
    crate::notify::worker::spawn(
        handle.clone(),
        senders,
        cfg.notify.from.clone(),
        Duration::from_secs(2),
    )
    .map_err(failed("cannot start the delivery thread"))?;
    let control = crate::control::serve(
        handle.clone(),
        &cfg.kiosk.data_dir,
        cfg.control.group.as_deref(),
        crate::control::ServerInfo {
            kiosk: cfg.kiosk.id.clone(),
            name: cfg.kiosk.name.clone(),
            time_zone: cfg.kiosk.time_zone.name().to_string(),
            language: cfg.kiosk.language,
        },
        crate::control::Limits::from_config(&cfg.control),
    )
    .map_err(failed("control socket"))?;
    if let Ok(Some(addr)) = cfg.fleet.broker_addr() {
        let keys = cfg
            .fleet
            .support_keys
            .iter()
            .map(|line| crate::fleet::SupportKey::parse(line))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::Usage(format!("fleet.support_keys: {e}")))?;
        let credentials = match (&cfg.fleet.username, &cfg.fleet.password_file) {
            (Some(user), Some(file)) => Some((
                user.clone(),
                crate::fleet::read_password(file)
                    .map_err(|e| CliError::Usage(format!("fleet.password_file: {e}")))?,
            )),
            _ => None,
        };
        let tls = crate::fleet::tls::TlsFiles::from_config(&cfg.fleet)
            .map_err(|(key, reason)| CliError::Usage(format!("{key}: {reason}")))?;
        crate::fleet::spawn(
            handle.clone(),
            crate::fleet::FleetLink {
                host: addr.host,
                port: addr.port,
                site: cfg.fleet.site.clone(),
                kiosk: cfg.kiosk.id.clone(),
                credentials,
                tls,
            },
            keys,
        );
    }
    Ok(Started {
        handle,
        _control: control,
    })
}

/// `locker kiosk --config FILE [--size 80x24]`
pub fn kiosk(config: &Path, size: Option<&str>) -> Result<(), CliError> {
    let crate::site::Site {
        config: cfg,
        bank,
        keymap,
    } = crate::site::Site::load(config)?;
    let setup = terminal_setup(&cfg, size, keymap)?;
    // Before anything starts: a kiosk on a fresh directory would have no
    // admin to sign in to its console.
    let store = Store::open_existing(&cfg.kiosk.data_dir)?;
    let rt = runtime()?;
    let _enter = rt.enter();
    let started = start(&cfg, store, &bank, &cfg.bus.port, |_| Ok(()))?;
    let mut facts = KioskFacts::from_config(&cfg, &bank.layout);
    facts.keys = KeyHints::new(&setup.keymap);
    run(started.handle.clone(), facts, setup).map_err(failed("terminal"))
}

/// `locker admin --config FILE` (or `--data-dir DIR`): the console. While
/// the kiosk runs it works through the kiosk's control socket; otherwise it
/// opens this machine's database and lock bus itself.
pub fn admin(data: &super::DataArgs, size: Option<&str>, keymap: &str) -> Result<(), CliError> {
    let cfg = data.load()?;
    let bank = if data.config.is_none() && !cfg.kiosk.hardware.exists() {
        // A bare data directory names no bank file: the built-in demo bank,
        // the one such a directory's default names.
        Bank::demo()
    } else {
        Bank::load(&cfg.kiosk.hardware).map_err(|e| CliError::Usage(e.to_string()))?
    };
    let setup = terminal_setup(
        &cfg,
        size,
        Keymap::resolve(keymap).map_err(|e| CliError::Usage(e.to_string()))?,
    )?;
    let mut facts = console_facts(&cfg, &bank, &setup.keymap);
    match crate::control::Client::connect(&crate::control::socket_path(&cfg.kiosk.data_dir)) {
        Ok(client) => {
            // The kiosk's own name, time zone and language, whatever this
            // side's config (or bare data directory) says.
            let (letter, name) = client.kiosk.clone();
            facts.letter = letter;
            facts.name = name;
            if let Ok(tz) = client.time_zone.parse() {
                facts.tz = tz;
            }
            if let Some(language) = client.language {
                facts.language = language;
            }
            return remote_admin(client, facts, setup);
        }
        Err(e) if crate::control::Client::nobody_there(&e) => {}
        Err(e) => return Err(CliError::Failed(e.to_string())),
    }
    let rt = runtime()?;
    let _enter = rt.enter();
    let store = super::open_beside_kiosk(&cfg)?;
    let started = start(&cfg, store, &bank, &cfg.bus.port, |_| Ok(()))?;
    crate::admin::runtime::run(started.handle.clone(), facts, setup).map_err(failed("terminal"))
}

/// The console on a running kiosk, through its control socket.
fn remote_admin(
    mut client: crate::control::Client,
    facts: crate::admin::ConsoleFacts,
    setup: TerminalSetup,
) -> Result<(), CliError> {
    let unasked = client.take_unasked();
    let mut link =
        crate::control::RemoteEngine::new(client).map_err(|e| CliError::Failed(e.to_string()))?;
    let console = crate::admin::Console::new(facts, chrono::Utc::now());
    crate::admin::runtime::run_with(&mut link, console, setup, move |sink| {
        let Some(unasked) = unasked else {
            return Ok(());
        };
        std::thread::Builder::new()
            .name("control-events".into())
            .spawn(move || {
                for u in unasked {
                    let alive = match u {
                        crate::control::Unasked::Event(e) => sink.event(e),
                        crate::control::Unasked::Notice(_) => sink.changed(),
                    };
                    if !alive {
                        break;
                    }
                }
            })
            .map(|_| ())
    })
    .map_err(failed("terminal"))
}

fn console_facts(cfg: &Config, bank: &Bank, keymap: &Keymap) -> crate::admin::ConsoleFacts {
    crate::admin::ConsoleFacts {
        letter: cfg.kiosk.id.clone(),
        name: cfg.kiosk.name.clone(),
        tz: cfg.kiosk.time_zone,
        bank: bank.layout.clone(),
        from_kiosk: false,
        idle_secs: 300,
        bus_only: false,
        keypad: keymap.name() == "keypad-16",
        language: cfg.kiosk.language,
        keys: KeyHints::new(keymap),
    }
}

/// `locker demo`: a fresh data dir, the demo bank simulated on a pty in this
/// process, demo people and parcels, and the codes on the help screen.
pub fn demo(size: Option<&str>, keep: Option<PathBuf>) -> Result<(), CliError> {
    let temporary = keep.is_none();
    let data_dir = keep.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("locker-demo-{}", std::process::id()))
    });
    if Store::exists(&data_dir) {
        return Err(CliError::Usage(format!(
            "{} already holds a database: the demo starts fresh",
            data_dir.display()
        )));
    }
    let mut cfg = Config::for_data_dir(data_dir.clone());
    cfg.kiosk.name = "Demo Lobby".into();
    cfg.kiosk.locker_code = "LK-0001".into();
    cfg.kiosk.time_zone = chrono_tz::Europe::Madrid;
    cfg.kiosk.country = crate::domain::Country::SPAIN;
    cfg.kiosk.admin_contact = "Building office, ext. 100".into();
    cfg.notify.admin_email = Some("admin@example.org".into());
    cfg.security.argon2 = HashCost::default();
    cfg.fees = crate::demo::fees();
    let bank = Bank::demo();
    let keymap =
        Keymap::resolve(crate::site::DEFAULT_KEYMAP).map_err(|e| CliError::Usage(e.to_string()))?;
    // The terminal's own size, followed as the window changes, unless one
    // is given.
    let setup = terminal_setup(&cfg, size, keymap)?;
    let rt = runtime()?;
    let _enter = rt.enter();
    // From here on a hang-up or termination ends the demo as Ctrl-C does,
    // with its temporary directory removed.
    let signals = EndSignals::register().map_err(failed("signals"))?;
    let (started, sim, facts, seeded) = demo_kiosk(&cfg, &bank, &setup.keymap)?;
    // Left on the terminal's main screen, so it is there after the demo too.
    println!("{}", banner(&seeded, &data_dir, temporary));
    let mut link = crate::demo::DemoLink {
        engine: started.handle.clone(),
        sim: &sim,
        bank: &bank.layout,
    };
    let result = crate::kiosk::runtime::run_on(&started.handle, &mut link, facts, setup, |sink| {
        signals.stop(sink);
        Ok(())
    })
    .map_err(failed("terminal"));
    drop(started);
    drop(sim);
    if temporary {
        let _ = std::fs::remove_dir_all(&data_dir);
        let _ = std::fs::remove_file(&cfg.security.key_file);
        println!("locker demo: removed {}", data_dir.display());
    } else {
        println!("locker demo: data kept in {}", data_dir.display());
    }
    result
}

/// A demo kiosk on `cfg`: the demo bank served by the simulator on a pty of
/// its own, the demo's people and parcels (the pre-filled parcels really
/// inside: the item sensors say so), and what its screen knows, help
/// included.
pub(super) fn demo_kiosk(
    cfg: &Config,
    bank: &Bank,
    keymap: &Keymap,
) -> Result<(Started, crate::sim::SimHandle, KioskFacts, DemoFacts), CliError> {
    let opts = SimOptions {
        auto_close: Some(DEMO_CLOSE),
        items_follow_doors: true,
        ..SimOptions::default()
    };
    let sim = Simulator::start(bank, SimLink::Pty(None), opts).map_err(failed("simulator"))?;
    let port = sim.path().display().to_string();
    let mut seeded: Option<DemoFacts> = None;
    let store = Store::open(&cfg.kiosk.data_dir)?;
    let started = start(cfg, store, bank, &port, |engine| {
        let facts = crate::demo::seed(engine)?;
        for (door, _, _) in &facts.codes {
            if let Some(c) = bank.layout.compartment(*door) {
                sim.set_item(c.lock(), true);
            }
        }
        seeded = Some(facts);
        Ok(())
    })?;
    let seeded = seeded.ok_or_else(|| CliError::Failed("the demo was not seeded".into()))?;
    let mut facts = KioskFacts::from_config(cfg, &bank.layout);
    facts.demo_help = Some(help_text(&seeded, &cfg.kiosk.data_dir));
    facts.keys = KeyHints::new(keymap);
    Ok((started, sim, facts, seeded))
}

/// SIGHUP (the terminal closed), SIGTERM and SIGINT, caught so that the
/// demo ends through its own exit path instead of dying where it stands.
pub(super) struct EndSignals {
    hangup: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl EndSignals {
    /// Needs the runtime entered; a signal from now on is kept until
    /// [`EndSignals::stop`] reads it.
    pub(super) fn register() -> std::io::Result<EndSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(EndSignals {
            hangup: signal(SignalKind::hangup())?,
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Stops the screen loop at the first of the signals.
    pub(super) fn stop<E: Send + 'static>(mut self, sink: crate::ui::app::Sink<E>) {
        tokio::spawn(async move {
            tokio::select! {
                _ = self.hangup.recv() => {}
                _ = self.terminate.recv() => {}
                _ = self.interrupt.recv() => {}
            }
            sink.stop();
        });
    }
}

/// What `locker demo` prints as it starts: every sign-in, and how a second
/// terminal reaches the same locker.
fn banner(f: &DemoFacts, data_dir: &Path, temporary: bool) -> String {
    let mut lines = vec![format!(
        "locker demo: data in {}{}",
        data_dir.display(),
        if temporary { " (removed on exit)" } else { "" }
    )];
    lines.push("Sign-ins (user number, PIN):".into());
    for line in account_lines(f) {
        lines.push(format!("  {line}"));
    }
    lines.push(
        "Console at the kiosk: * # * # 0 on the home screen, then an admin or technician.".into(),
    );
    lines.push("Console in a second terminal, through the demo's control socket:".into());
    lines.push(format!("  locker admin --data-dir {}", data_dir.display()));
    lines.push(format!(
        "  (socket {})",
        crate::control::socket_path(data_dir).display()
    ));
    lines.join("\n")
}

/// One line per demo account: "courier 1001 PIN 1234".
fn account_lines(f: &DemoFacts) -> Vec<String> {
    f.accounts
        .iter()
        .map(|(user, pin, role)| {
            let what = match role {
                Role::Courier => "courier",
                Role::Admin => "admin",
                Role::Technician => "technician",
            };
            format!("{what} {user} PIN {pin}")
        })
        .collect()
}

/// The demo's help panel: its codes and PINs.
/// How soon the demo's simulated doors close by themselves.
pub(super) const DEMO_CLOSE: Duration = Duration::from_secs(4);

pub(super) fn help_text(f: &DemoFacts, data_dir: &Path) -> crate::kiosk::DemoHelp {
    crate::kiosk::DemoHelp {
        codes: f
            .codes
            .iter()
            .map(|(door, code, recipient)| (*door, code.clone(), recipient.clone()))
            .collect(),
        // User number and PIN, no words: the help is in either language.
        couriers: f
            .accounts
            .iter()
            .filter(|(_, _, role)| *role == Role::Courier)
            .map(|(user, pin, _)| format!("{user}/{pin}"))
            .collect(),
        qr: f.codes.first().map(|(door, _, _)| *door).zip(f.qr.clone()),
        label: crate::demo::S10_TO_SCAN.to_string(),
        return_code: f.return_code.clone(),
        recipients: f.recipients.clone(),
        data_dir: data_dir.display().to_string(),
        close_secs: DEMO_CLOSE.as_secs(),
    }
}

/// `locker service --port DEV --hardware BANK`: the technician's laptop on
/// the lock boards, no parcel database; pulses go to a local audit log.
pub fn service(args: crate::service::ServiceArgs) -> Result<(), CliError> {
    let bank = Bank::load(&args.hardware).map_err(|e| CliError::Usage(e.to_string()))?;
    let configured: Option<ScreenSize> = match &args.size {
        Some(s) => Some(
            s.parse()
                .map_err(|e| CliError::Usage(format!("--size: {e}")))?,
        ),
        None => None,
    };
    let setup = TerminalSetup {
        profile: TerminalProfile::from_term(std::env::var("TERM").ok().as_deref()),
        size: screen_size_from_environment(configured),
        fixed_size: configured.is_some(),
        keymap: Keymap::resolve(&args.keymap).map_err(|e| CliError::Usage(e.to_string()))?,
    };
    crate::store::prepare_private_dir(&args.audit_dir)?;
    crate::logging::init(&args.audit_dir);
    let rt = runtime()?;
    let _enter = rt.enter();
    let mut bus_cfg = BusConfig::new(&args.port);
    bus_cfg.baud = args.baud;
    let (bus, mut events) =
        ModbusLockBus::spawn(&bank, bus_cfg).map_err(|e| CliError::Failed(e.to_string()))?;
    let mut link = crate::service::ServiceLink::new(
        Box::new(bus),
        bank.clone(),
        &args.audit_dir,
        &args.technician,
    )?;
    // Time for one poll of every board, so the first screen has readings.
    std::thread::sleep(crate::service::SETTLE);
    let mut console =
        crate::service::console(&bank, &args.technician, &setup.keymap, args.language);
    let first = vec![crate::admin::Request::Read {
        actor: console.model().actor(),
        query: crate::engine::read::Query::Bus,
    }];
    console.serve(&mut link, first);
    crate::admin::runtime::run_with(&mut link, console, setup, move |sink| {
        std::thread::Builder::new()
            .name("bus-events".into())
            .spawn(move || {
                while events.blocking_recv().is_some() {
                    if !sink.changed() {
                        break;
                    }
                }
            })
            .map(|_| ())
    })
    .map_err(failed("terminal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_banner_lists_every_sign_in_and_where_a_console_attaches() {
        let facts = DemoFacts {
            codes: Vec::new(),
            accounts: vec![
                ("1001".into(), "1234".into(), Role::Courier),
                ("1002".into(), "2468".into(), Role::Courier),
                ("9000".into(), "9999".into(), Role::Admin),
                ("9100".into(), "5555".into(), Role::Technician),
            ],
            recipients: Vec::new(),
            qr: None,
            return_code: None,
        };
        let dir = Path::new("/tmp/locker-demo-42");
        let text = banner(&facts, dir, true);
        for line in [
            "courier 1001 PIN 1234",
            "courier 1002 PIN 2468",
            "admin 9000 PIN 9999",
            "technician 9100 PIN 5555",
            "locker admin --data-dir /tmp/locker-demo-42",
            "/tmp/locker-demo-42/control.sock",
            "removed on exit",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
        // The demo's locker is in Madrid: the help offers an S10 label that
        // is express and international there.
        assert_eq!(help_text(&facts, dir).label, "EE123456785US");
        assert_eq!(help_text(&facts, dir).couriers, ["1001/1234", "1002/2468"]);
    }
}
