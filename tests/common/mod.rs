//! Helpers shared by the integration tests: a simulator on a pty, a bus on
//! it, and waiting for events with generous time limits (never asserting
//! durations); the `locker` binary run on a data directory, and an engine
//! on one with the demo's bank.
#![allow(dead_code)]

use std::time::Duration;

use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::bus::{BusEvent, DoorEventKind, LockId};
use locker::hardware::Bank;
use locker::sim::{SimHandle, SimLink, SimOptions, Simulator};
use tokio::sync::mpsc::UnboundedReceiver;

pub const WAIT: Duration = Duration::from_secs(10);

pub fn lock(board: u8, channel: u16) -> LockId {
    LockId { board, channel }
}

pub fn sim(bank: &Bank, opts: SimOptions) -> SimHandle {
    Simulator::start(bank, SimLink::Pty(None), opts).expect("simulator starts on a pty")
}

/// Timeouts short enough for fault tests to finish fast, long enough for a
/// loaded machine; the defaults otherwise.
pub fn test_config(sim: &SimHandle) -> BusConfig {
    let mut cfg = BusConfig::new(sim.path().display().to_string());
    cfg.timeout = Duration::from_millis(300);
    cfg.reopen_quiet = Duration::from_millis(50);
    cfg.jam_timeout = Duration::from_millis(800);
    cfg
}

pub struct Events {
    pub rx: UnboundedReceiver<BusEvent>,
    pub seen: Vec<BusEvent>,
    pending: Vec<BusEvent>,
}

impl Events {
    pub fn new(rx: UnboundedReceiver<BusEvent>) -> Self {
        Self {
            rx,
            seen: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Wait until an event matches; panics with everything seen otherwise.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&BusEvent) -> bool) -> BusEvent {
        // Events that came while waiting for another one count too, once.
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i);
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(e)) => {
                    self.seen.push(e);
                    if pred(&e) {
                        return e;
                    }
                    self.pending.push(e);
                }
                Ok(None) => panic!("bus stopped while waiting for {what}; saw {:?}", self.seen),
                Err(_) => panic!("no {what} within {WAIT:?}; saw {:?}", self.seen),
            }
        }
    }

    pub async fn door(&mut self, lock: LockId, kind: DoorEventKind) {
        self.wait_for(
            &format!("{kind:?} on {lock}"),
            |e| matches!(e, BusEvent::Door(d) if d.lock == lock && d.kind == kind),
        )
        .await;
    }

    pub async fn online(&mut self, board: u8) {
        self.wait_for(&format!("board {board} online"), |e| {
            *e == BusEvent::BoardOnline { board }
        })
        .await;
    }

    /// Take what arrived so far without waiting.
    pub fn drain(&mut self) {
        while let Ok(e) = self.rx.try_recv() {
            self.seen.push(e);
            self.pending.push(e);
        }
    }

    pub fn count(&self, pred: impl Fn(&BusEvent) -> bool) -> usize {
        self.seen.iter().filter(|e| pred(e)).count()
    }
}

pub async fn start_bus(bank: &Bank, cfg: BusConfig) -> (ModbusLockBus, Events) {
    let (bus, rx) = ModbusLockBus::spawn(bank, cfg).expect("bus opens the pty");
    let mut events = Events::new(rx);
    for b in &bank.boards {
        events.online(b.address).await;
    }
    (bus, events)
}

/// A third-party peer is not installed: the test fails, in one line that
/// names the script installing it. A test that did not run must never be
/// counted as passed. Returns `bool` so that call sites read
/// `if !on_path("socat") && peer_missing("socat") { return; }`.
pub fn peer_missing(what: &str) -> bool {
    panic!("{what} is not installed: run .ci/peers.sh");
}

/// The `locker` process under a tmux pane whose first process is
/// `pane_pid` (the pane may run a shell that started it).
pub fn locker_in_pane(pane_pid: u32) -> u32 {
    let mut pid = pane_pid;
    for _ in 0..3 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        if status.lines().any(|l| l == "Name:\tlocker") {
            return pid;
        }
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
        pid = children
            .split_whitespace()
            .next()
            .and_then(|c| c.parse().ok())
            .expect("locker runs in the pane");
    }
    panic!("no locker process under pane process {pane_pid}");
}

/// Resident memory of a process (`"self"` or a pid), in KiB, from
/// /proc/PID/status; `None` if it cannot be read.
pub fn vm_rss_kib(pid: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

pub fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
pub mod broker;
pub mod rig;
pub mod tmux;

/// `locker ARGS`, with no config or user from the environment.
pub fn locker_out(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_locker"))
        .args(args)
        .env_remove("LOCKER_CONFIG")
        .env_remove("LOCKER_USER")
        .output()
        .expect("the locker binary runs")
}

/// What a command that must succeed printed.
pub fn stdout_of(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An engine on `dir` (created if new) with the demo's bank on `bus`, at
/// `clock`'s time, hashing PINs cheaply; `tweak` adjusts the config (the
/// demo's fees, say) as `locker demo` would.
pub fn demo_engine(
    dir: &std::path::Path,
    bus: &locker::bus::fake::FakeBus,
    clock: &locker::clock::ManualClock,
    tweak: impl FnOnce(&mut locker::config::Config),
) -> locker::engine::Engine {
    let mut cfg = locker::config::Config::for_data_dir(dir.to_path_buf());
    cfg.security.insecure_test_cost = true;
    cfg.security.argon2 = locker::domain::HashCost {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    tweak(&mut cfg);
    let store = locker::store::Store::open(dir).expect("store");
    let settings = locker::engine::EngineSettings::load(&cfg, &store).expect("settings");
    locker::engine::Engine::open(
        store,
        Box::new(bus.clone()),
        Bank::demo().layout,
        std::sync::Arc::new(clock.clone()),
        settings,
    )
    .expect("engine")
}
