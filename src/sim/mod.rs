//! The lock-board simulator: every board of a bank served as a Modbus RTU
//! slave on a pseudo-terminal (or a real serial port), with door physics,
//! faults on demand and wire-time emulation. Used by `locker sim`,
//! `locker demo`, `locker bus bench --sim` and the bus tests. `modem` is a
//! GSM modem on a pseudo-terminal, for the text-message tests.

mod board;
pub mod modem;
pub mod scenario;
mod server;

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use tokio_serial::SerialPort;

use crate::bus::LockId;
use crate::hardware::Bank;
use board::{Physics, SimBoard};

pub use board::{SIM_FIRMWARE, SIM_VOLTAGE_10MV};

/// Where the simulated bus is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimLink {
    /// A new pseudo-terminal; `Some(path)` also makes `path` a symlink to it.
    Pty(Option<PathBuf>),
    /// An existing serial device (e.g. a USB RS-485 adapter on a test rig).
    Port(String),
}

#[derive(Clone, Debug)]
pub struct SimOptions {
    pub baud: u32,
    /// Delay replies by their time on a real line (a pty has no baud rate).
    pub wire_time: bool,
    /// Doors close by themselves this long after opening.
    pub auto_close: Option<Duration>,
    /// How long a released door takes to spring open.
    pub open_delay: Duration,
    /// A door opened by a pulse closes with its item sensor flipped, as
    /// after a deposit or a pickup (for the demo and hands-off runs).
    pub items_follow_doors: bool,
    /// Every board starts with the `resync` fault and this quiet time.
    pub resync: Option<Duration>,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            baud: 9600,
            wire_time: true,
            auto_close: None,
            open_delay: Duration::from_millis(80),
            items_follow_doors: false,
            resync: None,
        }
    }
}

/// Counters over the whole simulated bus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimCounters {
    /// Well-formed frames seen, for any slave id.
    pub frames_seen: u64,
    pub replies_sent: u64,
    /// Frames thrown away for a bad CRC or as line noise.
    pub bad_frames: u64,
    /// Frames to slave id 0, never answered.
    pub broadcasts: u64,
}

pub(crate) struct SimState {
    pub boards: BTreeMap<u8, SimBoard>,
    pub physics: Physics,
    pub counters: SimCounters,
}

impl SimState {
    fn tick(&mut self) {
        let now = Instant::now();
        let physics = self.physics;
        for b in self.boards.values_mut() {
            b.tick(now, physics);
        }
    }
}

pub(crate) type Shared = Arc<Mutex<SimState>>;

pub(crate) fn lock(state: &Shared) -> MutexGuard<'_, SimState> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct Simulator;

impl Simulator {
    /// Serve every board of `bank`. Must be called inside a tokio runtime;
    /// the simulator stops when the handle is dropped.
    pub fn start(bank: &Bank, link: SimLink, opts: SimOptions) -> io::Result<SimHandle> {
        let boards = bank
            .boards
            .iter()
            .map(|b| {
                let mut board = SimBoard::new(b.address, b.profile.clone());
                board.faults.resync = opts.resync;
                (b.address, board)
            })
            .collect();
        let state: Shared = Arc::new(Mutex::new(SimState {
            boards,
            physics: Physics {
                open_delay: opts.open_delay,
                auto_close: opts.auto_close,
                items_follow: opts.items_follow_doors,
            },
            counters: SimCounters::default(),
        }));
        let (port, path, symlink, hold) = match link {
            SimLink::Pty(symlink) => {
                let (master, slave) =
                    tokio_serial::SerialStream::pair().map_err(io::Error::other)?;
                let path = slave
                    .name()
                    .ok_or_else(|| io::Error::other("pty without a name"))?;
                // While no process has the slave open the master reads as
                // hung up, and tokio never clears a hang-up: every later read
                // of the master would come back at once with EAGAIN, a busy
                // loop. A plain descriptor of our own (raw, as `pair` left the
                // terminal; not exclusive, so clients still open the slave and
                // lock each other out) keeps the master waiting for data.
                let hold = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .custom_flags(libc::O_NOCTTY)
                    .open(&path)?;
                drop(slave);
                if let Some(link) = &symlink {
                    if link.symlink_metadata().is_ok() {
                        std::fs::remove_file(link)?;
                    }
                    std::os::unix::fs::symlink(&path, link)?;
                }
                (master, PathBuf::from(path), symlink, Some(hold))
            }
            SimLink::Port(dev) => {
                let port = tokio_serial::SerialStream::open(&tokio_serial::new(&dev, opts.baud))
                    .map_err(io::Error::other)?;
                (port, PathBuf::from(dev), None, None)
            }
        };
        let task = tokio::spawn(server::serve(port, state.clone(), opts.clone()));
        Ok(SimHandle {
            state,
            path,
            symlink,
            task,
            scenario: Mutex::new(None),
            _slave: hold,
        })
    }
}

/// A running simulator: the device path clients open, and the test API.
pub struct SimHandle {
    state: Shared,
    path: PathBuf,
    symlink: Option<PathBuf>,
    task: JoinHandle<()>,
    scenario: Mutex<Option<JoinHandle<()>>>,
    /// Our own descriptor of the pty slave, never read: see `start`.
    _slave: Option<std::fs::File>,
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(t) = self
            .scenario
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            t.abort();
        }
        if let Some(link) = &self.symlink {
            let _ = std::fs::remove_file(link);
        }
    }
}

impl SimHandle {
    /// The device a client opens (the pty slave, or the given port).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The symlink made for `SimLink::Pty(Some(..))`.
    pub fn link(&self) -> Option<&Path> {
        self.symlink.as_deref()
    }

    fn with_door<T>(&self, lock: LockId, f: impl FnOnce(&mut board::SimDoor) -> T) -> Option<T> {
        let mut s = lock_state(&self.state);
        s.tick();
        let door = s
            .boards
            .get_mut(&lock.board)?
            .doors
            .get_mut(usize::from(lock.channel))?;
        Some(f(door))
    }

    fn with_board(&self, board: u8, f: impl FnOnce(&mut SimBoard)) {
        let mut s = lock_state(&self.state);
        if let Some(b) = s.boards.get_mut(&board) {
            f(b);
        }
    }

    /// Whether the door is physically open (not what its sensor says).
    pub fn door_open(&self, lock: LockId) -> bool {
        self.with_door(lock, |d| d.open).unwrap_or(false)
    }

    pub fn item(&self, lock: LockId) -> bool {
        self.with_door(lock, |d| d.item).unwrap_or(false)
    }

    /// Put an item in (true) or take it out (false).
    pub fn set_item(&self, lock: LockId, present: bool) {
        self.with_door(lock, |d| d.item = present);
    }

    /// What the item sensor reads when this door next shuts after a pulse
    /// (with `items_follow_doors`): a courier who cancels takes the parcel
    /// back out, a recipient who opens again leaves the door empty.
    pub fn set_item_on_close(&self, lock: LockId, present: bool) {
        self.with_door(lock, |d| d.item_on_close = Some(present));
    }

    /// A jammed door stays shut when its lock is pulsed.
    pub fn jam(&self, lock: LockId, jammed: bool) {
        self.with_door(lock, |d| d.jammed = jammed);
    }

    /// Someone pries the door open.
    pub fn force_open(&self, lock: LockId) {
        self.with_door(lock, |d| {
            d.open = true;
            d.opened_by_pulse = false;
            d.opens_at = None;
        });
    }

    /// Someone shuts the door.
    pub fn close_door(&self, lock: LockId) {
        let items_follow = lock_state(&self.state).physics.items_follow;
        self.with_door(lock, |d| d.shut(items_follow));
    }

    /// The door sensor reads `Some(open)` whatever the door does; `None` heals it.
    pub fn stuck_sensor(&self, lock: LockId, reads_open: Option<bool>) {
        self.with_door(lock, |d| d.stuck = reads_open);
    }

    /// The board executes the next `n` requests but its replies are lost.
    pub fn drop_replies(&self, board: u8, n: u32) {
        self.with_board(board, |b| b.faults.drop_replies = n);
    }

    /// The next `n` replies come `delay` late (after the wire time).
    pub fn late_replies(&self, board: u8, n: u32, delay: Duration) {
        self.with_board(board, |b| {
            b.faults.late_replies = n;
            b.faults.late_by = delay;
        });
    }

    /// The next `n` replies carry a broken CRC.
    pub fn bad_crc(&self, board: u8, n: u32) {
        self.with_board(board, |b| b.faults.bad_crc = n);
    }

    /// An offline board hears nothing and says nothing.
    pub fn set_offline(&self, board: u8, offline: bool) {
        self.with_board(board, |b| b.faults.offline = offline);
    }

    /// The `resync` fault: after a request for another id the board ignores
    /// requests to itself until the line has been silent for `quiet`;
    /// `None` heals it.
    pub fn resync(&self, board: u8, quiet: Option<Duration>) {
        self.with_board(board, |b| b.faults.resync = quiet);
    }

    /// Requests to the board it ignored while misframed (`resync` fault).
    pub fn misframed_requests(&self, board: u8) -> u64 {
        let s = lock_state(&self.state);
        s.boards.get(&board).map_or(0, |b| b.misframed_requests)
    }

    /// Unlock pulses the lock got so far.
    pub fn pulses(&self, lock: LockId) -> u32 {
        self.with_door(lock, |d| d.pulses).unwrap_or(0)
    }

    /// Whether the lock output is energised right now.
    pub fn output_on(&self, lock: LockId) -> bool {
        let mut s = lock_state(&self.state);
        s.tick();
        s.boards
            .get(&lock.board)
            .filter(|b| usize::from(lock.channel) < b.doors.len())
            .is_some_and(|b| b.output(usize::from(lock.channel)))
    }

    /// Energise or release a lock output by hand, as a previous run that
    /// crashed mid-pulse would have left it.
    pub fn set_output(&self, lock: LockId, on: bool) {
        self.with_door(lock, |d| d.output_on = on);
    }

    pub fn counters(&self) -> SimCounters {
        lock_state(&self.state).counters.clone()
    }

    /// Frames addressed to one board, and the replies it sent.
    pub fn board_counters(&self, board: u8) -> (u64, u64) {
        let s = lock_state(&self.state);
        s.boards
            .get(&board)
            .map(|b| (b.frames_seen, b.replies_sent))
            .unwrap_or((0, 0))
    }

    /// Run a scenario's timed steps in the background.
    pub fn play(self: &Arc<Self>, scenario: scenario::Scenario) {
        let me = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            for step in scenario.steps {
                tokio::time::sleep_until(start + Duration::from_millis(step.at_ms)).await;
                let Some(sim) = me.upgrade() else { return };
                tracing::info!(?step, "scenario step");
                step.apply(&sim);
            }
        });
        *self.scenario.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
    }
}

fn lock_state(state: &Shared) -> MutexGuard<'_, SimState> {
    lock(state)
}
