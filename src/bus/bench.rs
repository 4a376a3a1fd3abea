//! Measuring the bus (SPEC §9): the scan cycle over every board against its
//! wire-time limit, and the unlock round trip. Used by `locker bus bench`
//! and `benches/bus.rs`.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::link::{LinkError, LinkStats, ModbusLink, Request};
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

/// One scan: the every-poll FC02 of each board, back to back.
pub async fn scan_once(link: &mut ModbusLink, bank: &Bank) -> Result<(), LinkError> {
    for b in &bank.boards {
        let (address, count) = b.profile.poll_plan().first;
        link.request(b.address, Request::ReadInputs { address, count })
            .await?;
    }
    Ok(())
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
    /// Median scan time over its wire-time limit (the median, because a
    /// shared machine's scheduler stalls land in the mean).
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
            "boards {} at {} baud, {} scan cycles",
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

/// Run `cycles` scans and `unlocks` unlock exchanges (on the first lock of
/// each board in turn, board-timed pulse profiles only).
pub async fn run(link: &mut ModbusLink, bank: &Bank, cycles: u32, unlocks: u32) -> BenchReport {
    let baud = link.config().baud;
    // One scan to warm up (opens, first contact).
    let _ = scan_once(link, bank).await;
    let mut times = Vec::with_capacity(cycles as usize);
    let mut failed = 0;
    for _ in 0..cycles {
        let t = Instant::now();
        if scan_once(link, bank).await.is_err() {
            failed += 1;
        }
        times.push(t.elapsed());
    }
    let total: Duration = times.iter().sum();
    let max = times.iter().max().copied().unwrap_or_default();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let mut unlock_total = Duration::ZERO;
    let mut unlock_count = 0u32;
    for i in 0..unlocks {
        let b = &bank.boards[i as usize % bank.boards.len()];
        let address =
            b.profile.unlock.coil_base() + (i as u16 / bank.boards.len() as u16) % b.profile.locks;
        let req = match b.profile.unlock.timed_units() {
            Some(value) => Request::WriteCoilValue { address, value },
            None => Request::WriteCoil { address, on: true },
        };
        let t = Instant::now();
        if link.request(b.address, req).await.is_ok() {
            unlock_total += t.elapsed();
            unlock_count += 1;
        }
        if matches!(b.profile.unlock, crate::hardware::Unlock::OnOff { .. }) {
            let _ = link
                .request(b.address, Request::WriteCoil { address, on: false })
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
