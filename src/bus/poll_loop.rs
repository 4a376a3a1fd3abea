//! The bus task's loop: poll every board in turn, send queued pulses first,
//! switch untimed outputs off on time, and feed the door tracker.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::link::{LinkError, ModbusLink, ModbusRequest, Reply};
use super::modbus::{BusConfig, Command, Snapshot, lock};
use super::tracker::{DoorTracker, TrackerOutput};
use super::{BusEvent, DoorEvent, DoorState, LockId};
use crate::hardware::{BankBoard, ItemRead, Unlock};

/// After an item read is refused, it is tried again after this many polls of
/// the board, doubling each time up to `ITEM_RETRY_MAX_POLLS`: a profile that
/// names inputs the board lacks will not fix itself, but a firmware update
/// or a swapped board may.
const ITEM_RETRY_FIRST_POLLS: u32 = 4;
const ITEM_RETRY_MAX_POLLS: u32 = 1024;

#[derive(Default)]
pub(super) struct BoardRuntime {
    online: Option<bool>,
    failed_in_a_row: u32,
    /// Read the item sensors on the next poll (a door is or was open).
    items_due: bool,
    outputs_cleared: bool,
    /// Offline: rounds to skip before the next poll, and the current step.
    skip_rounds: u32,
    poll_every: u32,
    /// Item reads refused with this exception: polls to go before the next
    /// try, and the current step.
    item_exception: Option<u8>,
    item_skip: u32,
    item_every: u32,
}

pub(super) struct PollLoop {
    pub(super) link: ModbusLink,
    pub(super) boards: Vec<BankBoard>,
    /// Channels with a compartment, per board.
    pub(super) locks: HashMap<u8, Vec<u16>>,
    pub(super) runtime: HashMap<u8, BoardRuntime>,
    pub(super) tracker: DoorTracker,
    pub(super) snapshot: Arc<Mutex<Snapshot>>,
    pub(super) events: mpsc::UnboundedSender<BusEvent>,
    pub(super) commands: mpsc::UnboundedReceiver<Command>,
    pub(super) queued: VecDeque<Command>,
    /// Untimed outputs to switch off, and when.
    pub(super) pending_off: Vec<(LockId, Instant)>,
    pub(super) cfg: BusConfig,
}

impl PollLoop {
    pub(super) async fn run(mut self) {
        self.start().await;
        loop {
            let cycle_start = self.cycle().await;
            let mut next = cycle_start + self.cfg.poll_interval;
            if let Some(off) = self.pending_off.iter().map(|(_, t)| *t).min() {
                next = next.min(off);
            }
            tokio::select! {
                _ = sleep_until(next) => {}
                cmd = self.commands.recv() => match cmd {
                    Some(cmd) => self.queued.push_back(cmd),
                    None => return,
                },
            }
        }
    }

    /// What happens once before the first round.
    pub(super) async fn start(&mut self) {
        for b in &self.boards {
            self.runtime.insert(
                b.address,
                BoardRuntime {
                    items_due: true,
                    ..BoardRuntime::default()
                },
            );
        }
        // Before any pulse can go out, so a clear never cuts one short.
        for board in self.boards.clone() {
            if matches!(board.profile.unlock, Unlock::OnOff { .. }) {
                self.clear_outputs(&board).await;
            }
        }
    }

    /// One round over every board; returns when it started. Boards that
    /// answer go first; offline boards are polled last, and only when their
    /// backoff allows, so that the readings of the others are not held up.
    pub(super) async fn cycle(&mut self) -> Instant {
        let cycle_start = Instant::now();
        let mut offline_due = Vec::new();
        for i in 0..self.boards.len() {
            let address = self.boards[i].address;
            let rt = self.runtime.entry(address).or_default();
            if rt.online == Some(false) {
                if rt.skip_rounds == 0 {
                    offline_due.push(i);
                } else {
                    rt.skip_rounds -= 1;
                }
                continue;
            }
            self.run_commands().await;
            self.switch_off_due().await;
            self.poll_board(i, false).await;
        }
        for i in offline_due {
            self.run_commands().await;
            self.switch_off_due().await;
            self.poll_board(i, true).await;
        }
        let outputs = self.tracker.tick(std::time::Instant::now());
        self.handle(outputs).await;
        {
            let link = self.link.stats();
            let mut s = lock(&self.snapshot);
            s.stats.cycles += 1;
            s.stats.last_cycle_us = cycle_start.elapsed().as_micros() as u64;
            s.stats.link = link;
        }
        cycle_start
    }

    fn emit(&self, event: BusEvent) {
        tracing::debug!(?event, "bus event");
        let _ = self.events.send(event);
    }

    async fn handle(&mut self, outputs: Vec<TrackerOutput>) {
        for out in outputs {
            match out {
                TrackerOutput::Event(lock_id, kind) => self.emit(BusEvent::Door(DoorEvent {
                    lock: lock_id,
                    kind,
                    at: Utc::now(),
                })),
                TrackerOutput::RetryPulse(lock_id) => {
                    tracing::warn!("{lock_id}: door still closed after the pulse, pulsing again");
                    self.unlock(lock_id, true).await;
                }
            }
        }
    }

    async fn run_commands(&mut self) {
        while let Ok(cmd) = self.commands.try_recv() {
            self.queued.push_back(cmd);
        }
        while let Some(Command::Pulse(lock_id)) = self.queued.pop_front() {
            self.unlock(lock_id, false).await;
        }
    }

    /// One unlock per the board's profile. Always sent, whatever the door
    /// sensor says: a cut sensor wire reads open.
    async fn unlock(&mut self, lock_id: LockId, retry: bool) {
        let Some(board) = self.boards.iter().find(|b| b.address == lock_id.board) else {
            return;
        };
        let ch = lock_id.channel;
        let req = match board.profile.unlock {
            Unlock::BoardPulse { coil_base, .. } => ModbusRequest::WriteCoil {
                address: coil_base + ch,
                on: true,
            },
            Unlock::TimedPulse { coil_base, .. } => ModbusRequest::WriteCoilValue {
                address: coil_base + ch,
                value: board.profile.unlock.timed_units().unwrap_or(1),
            },
            Unlock::OnOff {
                coil_base,
                pulse_ms,
            } => {
                // Switch-off is scheduled before the ON goes out: a reply lost
                // after the board obeyed must not leave the lock energised.
                let off_at = Instant::now() + Duration::from_millis(u64::from(pulse_ms));
                self.pending_off.push((lock_id, off_at));
                ModbusRequest::WriteCoil {
                    address: coil_base + ch,
                    on: true,
                }
            }
        };
        if !retry {
            self.tracker.commanded(lock_id, std::time::Instant::now());
        }
        let result = self.link.request(lock_id.board, req).await;
        let mut s = lock(&self.snapshot);
        s.stats.pulses += 1;
        if let Err(e) = result {
            s.stats.failed_pulses += 1;
            tracing::warn!("{lock_id}: unlock failed: {e}");
        }
    }

    async fn switch_off_due(&mut self) {
        let now = Instant::now();
        let due: Vec<LockId> = self
            .pending_off
            .iter()
            .filter(|(_, t)| *t <= now)
            .map(|(l, _)| *l)
            .collect();
        for lock_id in due {
            let Some(board) = self.boards.iter().find(|b| b.address == lock_id.board) else {
                continue;
            };
            let address = board.profile.unlock.coil_base() + lock_id.channel;
            let req = ModbusRequest::WriteCoil { address, on: false };
            if self.link.request(lock_id.board, req).await.is_ok() {
                self.pending_off.retain(|(l, _)| *l != lock_id);
            } else {
                tracing::warn!("{lock_id}: could not switch the lock output off yet");
            }
        }
    }

    /// One poll; an offline board gets a single attempt.
    async fn poll_board(&mut self, index: usize, offline: bool) {
        let board = self.boards[index].clone();
        let plan = board.profile.poll_plan();
        let address = board.address;
        let req = ModbusRequest::ReadInputs {
            address: plan.first.0,
            count: plan.first.1,
        };
        let result = if offline {
            self.link.once(address, req).await
        } else {
            self.link.request(address, req).await
        };
        let result = match result {
            Ok(Reply::Bits(bits)) => Ok(bits),
            Ok(_) => Err(LinkError::BadReply),
            Err(e) => Err(e),
        };
        {
            let mut s = lock(&self.snapshot);
            s.stats.polls += 1;
        }
        let bits = match result {
            Ok(bits) => bits,
            Err(e) => {
                tracing::debug!("board {address}: poll failed: {e}");
                self.poll_failed(address).await;
                return;
            }
        };
        let channels = self.locks.get(&address).cloned().unwrap_or_default();
        let door_at = |ch: u16| -> Option<bool> {
            let i = usize::from(board.profile.doors.input_base - plan.first.0 + ch);
            bits.get(i)
                .map(|level| *level == board.profile.doors.open_level)
        };
        let doors: Vec<(u16, bool)> = channels
            .iter()
            .filter_map(|&ch| door_at(ch).map(|open| (ch, open)))
            .collect();

        let items_due = self.runtime.get(&address).is_some_and(|r| r.items_due);
        let any_open = doors.iter().any(|(_, open)| *open);
        let items_allowed = self.items_allowed(address);
        let items: Option<Vec<bool>> = match (plan.items, &board.profile.items) {
            (ItemRead::SameFrame, Some(cfg)) => Some(
                channels
                    .iter()
                    .map(|&ch| {
                        let i = usize::from(cfg.input_base - plan.first.0 + ch);
                        bits.get(i).is_some_and(|l| *l == cfg.present_level)
                    })
                    .collect(),
            ),
            (ItemRead::OwnFrame(start, count), Some(cfg))
                if (items_due || any_open) && items_allowed =>
            {
                // A pulse asked for during the door read goes before the
                // item read: it waits for one exchange on the line, not two.
                self.run_commands().await;
                match self.link.read_inputs(address, start, count).await {
                    Ok(ibits) => {
                        self.item_read_answered(address);
                        Some(
                            channels
                                .iter()
                                .map(|&ch| {
                                    ibits
                                        .get(usize::from(ch))
                                        .is_some_and(|l| *l == cfg.present_level)
                                })
                                .collect(),
                        )
                    }
                    Err(LinkError::Exception(code)) => {
                        self.item_read_refused(address, start, count, code);
                        None
                    }
                    Err(e) => {
                        tracing::debug!("board {address}: item read failed: {e}");
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some(rt) = self.runtime.get_mut(&address) {
            // Read items once more after the last door closed: the final
            // state after a deposit or pickup.
            rt.items_due = any_open || (items.is_none() && rt.items_due);
        }

        let now = std::time::Instant::now();
        let mut outputs = Vec::new();
        let mut item_events = Vec::new();
        {
            let mut s = lock(&self.snapshot);
            for &(ch, open) in &doors {
                let lock_id = LockId {
                    board: address,
                    channel: ch,
                };
                let state = if open {
                    DoorState::Open
                } else {
                    DoorState::Closed
                };
                s.doors.insert(lock_id, state);
                outputs.extend(self.tracker.observe(lock_id, state, now));
            }
            if let Some(items) = items {
                for (&ch, &present) in channels.iter().zip(items.iter()) {
                    let lock_id = LockId {
                        board: address,
                        channel: ch,
                    };
                    if let Some(before) = s.items.insert(lock_id, present)
                        && before != present
                    {
                        item_events.push(BusEvent::Item {
                            lock: lock_id,
                            present,
                        });
                    }
                }
            }
        }
        let link = self.link.stats();
        lock(&self.snapshot).stats.link = link;
        self.poll_succeeded(&board).await;
        self.handle(outputs).await;
        for e in item_events {
            self.emit(e);
        }
    }

    /// Whether this poll may read the item inputs: not while a refused read
    /// is backed off. Counts the poll towards the next try.
    fn items_allowed(&mut self, address: u8) -> bool {
        let rt = self.runtime.entry(address).or_default();
        if rt.item_skip == 0 {
            return true;
        }
        rt.item_skip -= 1;
        false
    }

    fn item_read_answered(&mut self, address: u8) {
        let rt = self.runtime.entry(address).or_default();
        let was_refused = rt.item_exception.take().is_some();
        rt.item_every = 0;
        rt.item_skip = 0;
        if was_refused {
            tracing::info!("board {address}: item inputs answer again");
            let mut s = lock(&self.snapshot);
            if let Some(b) = s.stats.boards.iter_mut().find(|b| b.address == address) {
                b.item_read_exception = None;
            }
        }
    }

    /// The board refuses the profile's item inputs: say so once, and stop
    /// asking every poll.
    fn item_read_refused(&mut self, address: u8, input_base: u16, count: u16, exception: u8) {
        let rt = self.runtime.entry(address).or_default();
        let first = rt.item_exception.replace(exception).is_none();
        rt.item_every = (rt.item_every * 2).clamp(ITEM_RETRY_FIRST_POLLS, ITEM_RETRY_MAX_POLLS);
        rt.item_skip = rt.item_every;
        {
            let mut s = lock(&self.snapshot);
            if let Some(b) = s.stats.boards.iter_mut().find(|b| b.address == address) {
                b.item_read_exception = Some(exception);
            }
        }
        if first {
            tracing::warn!(
                "board {address}: item inputs {input_base:#06x}..+{count} refused with Modbus exception {exception:#04x}"
            );
            self.emit(BusEvent::ItemInputsRefused {
                board: address,
                input_base,
                count,
                exception,
            });
        }
    }

    async fn poll_succeeded(&mut self, board: &BankBoard) {
        let address = board.address;
        let rt = self.runtime.entry(address).or_default();
        rt.failed_in_a_row = 0;
        rt.skip_rounds = 0;
        rt.poll_every = 0;
        let came_online = rt.online != Some(true);
        rt.online = Some(true);
        let clear_outputs =
            !rt.outputs_cleared && matches!(board.profile.unlock, Unlock::OnOff { .. });
        {
            let mut s = lock(&self.snapshot);
            s.offline.remove(&address);
            s.online.insert(address);
            if let Some(b) = s.stats.boards.iter_mut().find(|b| b.address == address) {
                b.polls += 1;
                b.online = true;
                b.failed_in_a_row = 0;
                b.polled_every = 1;
            }
        }
        if came_online {
            self.emit(BusEvent::BoardOnline { board: address });
            self.read_info(board).await;
            if let Some(rt) = self.runtime.get_mut(&address) {
                rt.items_due = true;
            }
        }
        if clear_outputs {
            self.clear_outputs(board).await;
        }
    }

    /// Boards without pulse timers: all outputs off at first contact,
    /// whatever a previous run left on.
    async fn clear_outputs(&mut self, board: &BankBoard) {
        let address = board.address;
        let req = ModbusRequest::WriteCoils {
            address: board.profile.unlock.coil_base(),
            count: board.profile.locks,
            on: false,
        };
        let mut cleared = self.link.request(address, req).await;
        if let Err(LinkError::Exception(_)) = cleared {
            // No FC0F on this board: one FC05 per output.
            cleared = Ok(Reply::Done);
            for ch in 0..board.profile.locks {
                let req = ModbusRequest::WriteCoil {
                    address: board.profile.unlock.coil_base() + ch,
                    on: false,
                };
                if let Err(e) = self.link.request(address, req).await {
                    cleared = Err(e);
                }
            }
        }
        if cleared.is_ok()
            && let Some(rt) = self.runtime.get_mut(&address)
        {
            rt.outputs_cleared = true;
        }
    }

    async fn read_info(&mut self, board: &BankBoard) {
        let Some(info) = board.profile.info.clone() else {
            return;
        };
        let mut read = async |reg: Option<u16>| -> Option<u16> {
            let reg = reg?;
            let req = ModbusRequest::ReadInputRegisters {
                address: reg,
                count: 1,
            };
            match self.link.once(board.address, req).await {
                Ok(Reply::Words(w)) => w.first().copied(),
                _ => None,
            }
        };
        let firmware = read(info.firmware).await;
        let lock_count = read(info.lock_count).await;
        let voltage = read(info.voltage_10mv).await;
        let mut s = lock(&self.snapshot);
        if let Some(b) = s
            .stats
            .boards
            .iter_mut()
            .find(|b| b.address == board.address)
        {
            b.firmware = firmware;
            b.lock_count = lock_count;
            b.voltage_mv = voltage.map(|v| u32::from(v) * 10);
        }
    }

    async fn poll_failed(&mut self, address: u8) {
        let rt = self.runtime.entry(address).or_default();
        rt.failed_in_a_row += 1;
        let failed = rt.failed_in_a_row;
        let goes_offline = failed >= self.cfg.offline_after && rt.online != Some(false);
        if goes_offline {
            rt.online = Some(false);
        }
        if rt.online == Some(false) {
            // Doubling: a board that was unplugged for a moment is back
            // within a round or two, one that is gone costs the line little.
            rt.poll_every = (rt.poll_every * 2).clamp(1, self.cfg.offline_poll_every_max.max(1));
            rt.skip_rounds = rt.poll_every - 1;
        }
        let polled_every = rt.poll_every.max(1);
        let now = std::time::Instant::now();
        let mut outputs = Vec::new();
        {
            let mut s = lock(&self.snapshot);
            if let Some(b) = s.stats.boards.iter_mut().find(|b| b.address == address) {
                b.polls += 1;
                b.failed_polls += 1;
                b.failed_in_a_row = failed;
                b.polled_every = polled_every;
                if goes_offline {
                    b.online = false;
                }
            }
            if goes_offline {
                s.online.remove(&address);
                s.offline.insert(address);
                // Never guess "closed": an offline board's doors are unknown.
                for &ch in self.locks.get(&address).map(Vec::as_slice).unwrap_or(&[]) {
                    let lock_id = LockId {
                        board: address,
                        channel: ch,
                    };
                    s.doors.insert(lock_id, DoorState::Unknown);
                    s.items.remove(&lock_id);
                    outputs.extend(self.tracker.observe(lock_id, DoorState::Unknown, now));
                }
            }
        }
        if goes_offline {
            tracing::warn!("board {address}: offline after {failed} failed polls");
            self.emit(BusEvent::BoardOffline { board: address });
        }
        self.handle(outputs).await;
    }
}
