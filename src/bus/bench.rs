//! Measuring the bus (docs/PERFORMANCE.md): the kiosk's poll loop, one round over every
//! board, against the wire-time limit of that round, and the unlock round
//! trip. Used by `locker bus bench` and `benches/bus.rs`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;

use super::BusEvent;
use super::link::{LinkError, LinkStats, ModbusLink, ModbusRequest};
use super::modbus::{BusConfig, BusStats, Command, Snapshot, lock};
use super::poll_loop::PollLoop;
use super::rtu;
use crate::hardware::Bank;

/// The wire-time limit of one scan over every board: per board one FC02
/// request (8 bytes) and its response, plus the two frame gaps.
pub fn scan_limit(bank: &Bank, baud: u32) -> Duration {
    bank.boards
        .iter()
        .map(|b| {
            let (_, count) = b.profile.poll_plan().first;
            rtu::exchange_limit(8, rtu::fc02_response_len(count), baud)
        })
        .sum()
}

/// The kiosk's poll loop, driven one round at a time so that each round can
/// be timed: the same code, queues and snapshot as `ModbusLockBus`, without
/// the pause between rounds.
pub struct LoopBench {
    poll: PollLoop,
    snapshot: Arc<Mutex<Snapshot>>,
    _commands: mpsc::UnboundedSender<Command>,
    _events: mpsc::UnboundedReceiver<BusEvent>,
}

impl LoopBench {
    /// Open the line and run the loop's start-up and two rounds: first
    /// contact reads every board's info registers, the round after it its
    /// item sensors; from then on a round is what the kiosk runs all day.
    pub async fn start(bank: &Bank, cfg: BusConfig) -> Result<Self, LinkError> {
        let link = ModbusLink::open(cfg.link(bank)).await?;
        let (poll, snapshot, commands, events) = PollLoop::new(bank, link, cfg);
        let mut bench = Self {
            poll,
            snapshot,
            _commands: commands,
            _events: events,
        };
        bench.poll.start().await;
        bench.poll.cycle().await;
        bench.poll.cycle().await;
        Ok(bench)
    }

    /// One round; its duration as the loop recorded it (`last_cycle_us`) and
    /// whether every board answered.
    pub async fn cycle(&mut self) -> (Duration, bool) {
        let failed_before = self.failed_polls();
        self.poll.cycle().await;
        let failed_after = self.failed_polls();
        let s = lock(&self.snapshot);
        let all_answered = failed_after == failed_before && s.stats.boards.iter().all(|b| b.online);
        (Duration::from_micros(s.stats.last_cycle_us), all_answered)
    }

    fn failed_polls(&self) -> u64 {
        lock(&self.snapshot)
            .stats
            .boards
            .iter()
            .map(|b| b.failed_polls)
            .sum()
    }

    pub fn stats(&self) -> BusStats {
        lock(&self.snapshot).stats.clone()
    }

    /// The loop's line, for exchanges the loop itself does not time.
    pub fn link(&mut self) -> &mut ModbusLink {
        &mut self.poll.link
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub boards: usize,
    pub baud: u32,
    pub cycles: u32,
    pub failed_cycles: u32,
    pub scan_mean_us: u64,
    pub scan_median_us: u64,
    pub scan_max_us: u64,
    pub scan_limit_us: u64,
    /// Median round of the poll loop over its wire-time limit (the median,
    /// because a shared machine's scheduler stalls land in the mean).
    pub ratio: f64,
    pub mean_ratio: f64,
    pub unlocks: u32,
    pub unlock_mean_us: u64,
    pub unlock_limit_us: u64,
    pub link: LinkStats,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "boards {} at {} baud, {} scan cycles of the kiosk's poll loop",
            self.boards, self.baud, self.cycles
        )?;
        writeln!(
            f,
            "scan cycle: median {:.1} ms, mean {:.1} ms, max {:.1} ms; wire-time limit {:.1} ms",
            self.scan_median_us as f64 / 1000.0,
            self.scan_mean_us as f64 / 1000.0,
            self.scan_max_us as f64 / 1000.0,
            self.scan_limit_us as f64 / 1000.0,
        )?;
        writeln!(
            f,
            "ratio to the wire-time limit: {:.3} (median), {:.3} (mean)",
            self.ratio, self.mean_ratio
        )?;
        writeln!(
            f,
            "unlock round trip (FC05 request to its echo): mean {:.1} ms over {}, wire-time limit {:.1} ms",
            self.unlock_mean_us as f64 / 1000.0,
            self.unlocks,
            self.unlock_limit_us as f64 / 1000.0
        )?;
        write!(
            f,
            "errors: {} failed cycles, {} timeouts, {} bad replies, {} retries, {} exceptions",
            self.failed_cycles,
            self.link.timeouts,
            self.link.bad_replies,
            self.link.retries,
            self.link.exceptions
        )
    }
}

/// Run `cycles` rounds of the poll loop and `unlocks` unlock exchanges (on
/// the first locks of each board in turn).
pub async fn run(bench: &mut LoopBench, bank: &Bank, cycles: u32, unlocks: u32) -> BenchReport {
    let baud = bench.link().config().baud;
    let mut times = Vec::with_capacity(cycles as usize);
    let mut failed = 0;
    for _ in 0..cycles {
        let (took, all_answered) = bench.cycle().await;
        if !all_answered {
            failed += 1;
        }
        times.push(took);
    }
    let total: Duration = times.iter().sum();
    let max = times.iter().max().copied().unwrap_or_default();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let mut unlock_total = Duration::ZERO;
    let mut unlock_count = 0u32;
    let link = bench.link();
    for i in 0..unlocks {
        let b = &bank.boards[i as usize % bank.boards.len()];
        let address =
            b.profile.unlock.coil_base() + (i as u16 / bank.boards.len() as u16) % b.profile.locks;
        let req = match b.profile.unlock.timed_units() {
            Some(value) => ModbusRequest::WriteCoilValue { address, value },
            None => ModbusRequest::WriteCoil { address, on: true },
        };
        let t = Instant::now();
        if link.request(b.address, req).await.is_ok() {
            unlock_total += t.elapsed();
            unlock_count += 1;
        }
        if matches!(b.profile.unlock, crate::hardware::Unlock::OnOff { .. }) {
            let _ = link
                .request(b.address, ModbusRequest::WriteCoil { address, on: false })
                .await;
        }
    }
    let limit = scan_limit(bank, baud);
    let mean = total / cycles.max(1);
    BenchReport {
        boards: bank.boards.len(),
        baud,
        cycles,
        failed_cycles: failed,
        scan_mean_us: mean.as_micros() as u64,
        scan_median_us: median.as_micros() as u64,
        scan_max_us: max.as_micros() as u64,
        scan_limit_us: limit.as_micros() as u64,
        ratio: median.as_secs_f64() / limit.as_secs_f64().max(1e-9),
        mean_ratio: mean.as_secs_f64() / limit.as_secs_f64().max(1e-9),
        unlocks: unlock_count,
        unlock_mean_us: (unlock_total / unlock_count.max(1)).as_micros() as u64,
        unlock_limit_us: rtu::exchange_limit(8, 8, baud).as_micros() as u64,
        link: link.stats(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_of_eight_lb48_boards_at_9600_is_eight_exchanges() {
        let profile = crate::hardware::embedded_profile("lb48").unwrap();
        let bank = Bank::uniform(&profile, 8);
        assert_eq!(
            scan_limit(&bank, 9600),
            8 * rtu::exchange_limit(8, 11, 9600)
        );
        assert_eq!(scan_limit(&bank, 9600).as_micros(), 216_666);
    }
}
