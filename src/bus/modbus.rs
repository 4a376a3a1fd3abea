//! The lock bus over Modbus RTU: a task that owns the line, polls every
//! board with one FC02 per poll, sends unlock pulses per board profile, and
//! turns readings into door events. The engine's calls only queue a command
//! or read the latest snapshot, so nobody waits on RS-485.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::link::{LinkConfig, LinkError, LinkStats, ModbusLink, Parity};
use super::poll_loop::PollLoop;
use super::tracker::{DoorTracker, TrackerConfig};
use super::{BusError, BusEvent, DoorState, LockBus, LockId};
use crate::hardware::Bank;

/// Settings of the bus; `BusConfig::new(port)` gives the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusConfig {
    pub port: String,
    pub baud: u32,
    pub parity: Parity,
    /// Longest wait for one reply.
    pub timeout: Duration,
    /// Time from the start of one poll of every board to the next.
    pub poll_interval: Duration,
    /// Extra attempts per request.
    pub retries: u32,
    /// Pulsed but still closed after this: pulse once more, then jammed.
    pub jam_timeout: Duration,
    pub left_open_after: Duration,
    /// Failed polls in a row before a board is offline.
    pub offline_after: u32,
    /// Least silence between frames on top of the Modbus rule and of what
    /// the boards' profiles ask for.
    pub min_gap: Duration,
    /// Silence after a failed exchange; `None`: the longest the boards'
    /// profiles ask for (`resync_silence_ms`).
    pub resync_silence: Option<Duration>,
    pub reopen_quiet: Duration,
    /// An offline board is polled once every 1, 2, 4, ... rounds, up to this
    /// many, and never retried: every request nobody answers keeps the line
    /// busy and may throw the other boards off.
    pub offline_poll_every_max: u32,
    /// Start even when the port cannot be opened yet, and keep trying: the
    /// boards read offline meanwhile (the kiosk). When false, a wrong port
    /// is an error at once (technician commands).
    pub wait_for_port: bool,
}

impl BusConfig {
    pub fn new(port: impl Into<String>) -> Self {
        let link = LinkConfig::new(port, 9600);
        Self {
            port: link.port,
            baud: link.baud,
            parity: link.parity,
            timeout: link.timeout,
            poll_interval: Duration::from_millis(250),
            retries: link.retries,
            jam_timeout: Duration::from_secs(2),
            left_open_after: Duration::from_secs(120),
            offline_after: 3,
            min_gap: link.min_gap,
            resync_silence: None,
            reopen_quiet: link.reopen_quiet,
            // 4 s at the default interval.
            offline_poll_every_max: 16,
            wait_for_port: false,
        }
    }

    /// The line's settings for the boards of `bank`.
    pub fn link(&self, bank: &Bank) -> LinkConfig {
        LinkConfig {
            port: self.port.clone(),
            baud: self.baud,
            parity: self.parity,
            timeout: self.timeout,
            retries: self.retries,
            min_gap: self.min_gap.max(bank.frame_gap(self.baud)),
            resync_silence: self.resync_silence.unwrap_or_else(|| bank.resync_silence()),
            reopen_quiet: self.reopen_quiet,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BusOpenError {
    #[error("lock bus: {0}")]
    Port(#[from] LinkError),
}

/// What is known about one board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BoardStats {
    pub address: u8,
    pub online: bool,
    pub polls: u64,
    pub failed_polls: u64,
    pub failed_in_a_row: u32,
    /// Offline: polled once every this many rounds.
    pub polled_every: u32,
    /// The Modbus exception the board answers to a read of its profile's
    /// item inputs; item presence is not known meanwhile.
    pub item_read_exception: Option<u8>,
    pub firmware: Option<u16>,
    pub lock_count: Option<u16>,
    /// Supply voltage in millivolts.
    pub voltage_mv: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BusStats {
    /// Completed rounds over every board.
    pub cycles: u64,
    /// Board polls (one FC02 each, plus item reads where needed).
    pub polls: u64,
    pub pulses: u64,
    pub failed_pulses: u64,
    pub link: LinkStats,
    pub boards: Vec<BoardStats>,
    /// Duration of the last round over every board, as the poll loop ran it
    /// (pulses, probes of offline boards and item reads included).
    pub last_cycle_us: u64,
    /// Wire-time limit of one round: one every-poll FC02 per board (docs/PERFORMANCE.md).
    pub cycle_limit_us: u64,
}

/// What the engine reads without waiting: the bus task keeps it current.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    pub doors: HashMap<LockId, DoorState>,
    pub items: HashMap<LockId, bool>,
    pub offline: HashSet<u8>,
    pub online: HashSet<u8>,
    pub stats: BusStats,
}

pub(super) fn lock(s: &Mutex<Snapshot>) -> MutexGuard<'_, Snapshot> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) enum Command {
    Pulse(LockId),
}

/// The engine's handle on the bus task. Dropping it stops the task.
pub struct ModbusLockBus {
    commands: mpsc::UnboundedSender<Command>,
    snapshot: Arc<Mutex<Snapshot>>,
    bank: Bank,
    task: JoinHandle<()>,
}

impl Drop for ModbusLockBus {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ModbusLockBus {
    /// Open the port and start the bus task (inside a tokio runtime).
    pub fn spawn(
        bank: &Bank,
        cfg: BusConfig,
    ) -> Result<(Self, mpsc::UnboundedReceiver<BusEvent>), BusOpenError> {
        let link = match ModbusLink::open_now(cfg.link(bank)) {
            Ok(link) => link,
            Err(e) if cfg.wait_for_port => {
                tracing::error!(error = %e, "lock bus port not there yet; the boards read offline until it is");
                ModbusLink::unopened(cfg.link(bank))
            }
            Err(e) => return Err(e.into()),
        };
        let (poll, snapshot, cmd_tx, event_rx) = PollLoop::new(bank, link, cfg);
        let task = tokio::spawn(poll.run());
        Ok((
            Self {
                commands: cmd_tx,
                snapshot,
                bank: bank.clone(),
                task,
            },
            event_rx,
        ))
    }

    pub fn stats(&self) -> BusStats {
        lock(&self.snapshot).stats.clone()
    }

    pub fn bank(&self) -> &Bank {
        &self.bank
    }
}

impl PollLoop {
    /// The loop as the kiosk runs it, not yet started: its snapshot, the
    /// sender of its commands and the receiver of its events.
    #[allow(clippy::type_complexity)]
    pub(super) fn new(
        bank: &Bank,
        link: ModbusLink,
        cfg: BusConfig,
    ) -> (
        PollLoop,
        Arc<Mutex<Snapshot>>,
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<BusEvent>,
    ) {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::unbounded_channel();
        let snapshot = Arc::new(Mutex::new(Snapshot::default()));
        {
            let mut s = lock(&snapshot);
            for c in &bank.layout.compartments {
                s.doors.insert(c.lock(), DoorState::Unknown);
            }
            s.stats.boards = bank
                .boards
                .iter()
                .map(|b| BoardStats {
                    address: b.address,
                    ..BoardStats::default()
                })
                .collect();
            s.stats.cycle_limit_us = super::bench::scan_limit(bank, cfg.baud).as_micros() as u64;
        }
        let poll = PollLoop {
            link,
            boards: bank.boards.clone(),
            locks: bank
                .boards
                .iter()
                .map(|b| {
                    let mut chans: Vec<u16> = bank
                        .layout
                        .compartments
                        .iter()
                        .filter(|c| c.board == b.address)
                        .map(|c| c.channel)
                        .collect();
                    chans.sort_unstable();
                    (b.address, chans)
                })
                .collect(),
            runtime: HashMap::new(),
            tracker: DoorTracker::new(TrackerConfig {
                jam_timeout: cfg.jam_timeout,
                left_open_after: cfg.left_open_after,
            }),
            snapshot: snapshot.clone(),
            events: event_tx,
            commands: cmd_rx,
            queued: VecDeque::new(),
            pending_off: Vec::new(),
            cfg,
        };
        (poll, snapshot, cmd_tx, event_rx)
    }
}

impl LockBus for ModbusLockBus {
    fn pulse(&self, lock_id: LockId) -> Result<(), BusError> {
        if self.bank.layout.by_lock(lock_id).is_none() {
            return Err(BusError::NoSuchLock(lock_id));
        }
        if lock(&self.snapshot).offline.contains(&lock_id.board) {
            return Err(BusError::BoardOffline(lock_id.board));
        }
        self.commands
            .send(Command::Pulse(lock_id))
            .map_err(|_| BusError::Stopped)
    }

    fn door(&self, lock_id: LockId) -> DoorState {
        lock(&self.snapshot)
            .doors
            .get(&lock_id)
            .copied()
            .unwrap_or(DoorState::Unknown)
    }

    fn item_present(&self, lock_id: LockId) -> Option<bool> {
        lock(&self.snapshot).items.get(&lock_id).copied()
    }

    fn board_online(&self, board: u8) -> bool {
        lock(&self.snapshot).online.contains(&board)
    }

    fn diagnostics(&self) -> Option<BusStats> {
        Some(self.stats())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::embedded_profile;

    #[test]
    fn line_silences_come_from_the_bank_profiles() {
        let mut cfg = BusConfig::new("x");
        cfg.baud = 115_200;
        let lb48 = cfg.link(&Bank::demo());
        assert_eq!(lb48.gap(), Duration::from_micros(1750));
        assert_eq!(lb48.resync_silence, Duration::from_millis(500));
        assert_eq!(
            cfg.link(&Bank::waveshare_demo()).gap(),
            Duration::from_millis(5)
        );

        // One slow board sets the line's silences for every board on it.
        let mut slow = embedded_profile("lb48").unwrap();
        slow.resync_silence_ms = 800;
        slow.frame_gap_ms = Some(3);
        let mut bank = Bank::uniform(&embedded_profile("lb48").unwrap(), 2);
        bank.boards[1].profile = slow;
        let link = cfg.link(&bank);
        assert_eq!(link.resync_silence, Duration::from_millis(800));
        assert_eq!(link.gap(), Duration::from_millis(3));
        cfg.resync_silence = Some(Duration::from_millis(50));
        assert_eq!(cfg.link(&bank).resync_silence, Duration::from_millis(50));
    }
}
