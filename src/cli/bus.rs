//! `locker bus scan|status|unlock|watch|bench`: technician commands that talk
//! to the lock boards directly (or to `locker sim`).

use std::path::PathBuf;
use std::time::Duration;

/// `println!` that returns an error instead of panicking when stdout is
/// gone (`locker bus status | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}
pub(crate) use say;

/// A mistake in how a hardware command was called: exit code 2 (as is a
/// `HardwareError` from a bank file).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use crate::bus::link::{LinkConfig, LinkError, ModbusLink, ModbusRequest, Parity, Reply};
use crate::bus::modbus::{BusConfig, BusStats, ModbusLockBus};
use crate::bus::{BusEvent, DoorState, LockBus, LockId};
use crate::hardware::{Bank, BoardProfile, Unlock, embedded_profile};
use crate::sim::{SimLink, SimOptions, Simulator};

#[derive(Args, Debug, Clone)]
pub struct BusArgs {
    #[command(subcommand)]
    pub command: BusCommand,
}

/// How to reach the boards.
#[derive(Args, Debug, Clone)]
pub struct LineArgs {
    /// Serial device of the RS-485 adapter (or the path `locker sim` printed).
    #[arg(long, env = "LOCKER_BUS_PORT")]
    pub port: Option<String>,
    #[arg(long, default_value_t = 9600)]
    pub baud: u32,
    #[arg(long, value_enum, default_value_t = Parity::None)]
    pub parity: Parity,
    /// Longest wait for one reply, in milliseconds.
    #[arg(long, default_value_t = 200)]
    pub timeout_ms: u64,
    /// Bank file; the built-in demo bank when not given.
    #[arg(long)]
    pub hardware: Option<PathBuf>,
}

impl LineArgs {
    fn link_config(&self) -> anyhow::Result<LinkConfig> {
        let Some(port) = &self.port else {
            bail!(UsageError("--port DEV is required".into()));
        };
        let mut cfg = LinkConfig::new(port.clone(), self.baud);
        cfg.parity = self.parity;
        cfg.timeout = Duration::from_millis(self.timeout_ms.max(1));
        Ok(cfg)
    }

    fn bank(&self) -> anyhow::Result<Bank> {
        match &self.hardware {
            Some(path) => Ok(Bank::load(path)?),
            None => Ok(Bank::demo()),
        }
    }

    /// The line with the silences the bank's board profiles ask for.
    async fn link(&self) -> anyhow::Result<ModbusLink> {
        let mut cfg = self.link_config()?;
        let bank = self.bank()?;
        cfg.min_gap = bank.frame_gap(cfg.baud);
        cfg.resync_silence = bank.resync_silence();
        Ok(ModbusLink::open(cfg).await?)
    }

    /// The kiosk's bus settings on this line.
    fn bus_config(&self) -> anyhow::Result<BusConfig> {
        let cfg = self.link_config()?;
        let mut bus = BusConfig::new(cfg.port);
        bus.baud = cfg.baud;
        bus.parity = cfg.parity;
        bus.timeout = cfg.timeout;
        Ok(bus)
    }
}

#[derive(Subcommand, Debug, Clone)]
pub enum BusCommand {
    /// Look for boards: address, firmware, lock count, supply voltage.
    Scan {
        #[command(flatten)]
        line: LineArgs,
        /// First slave address to try (without --hardware).
        #[arg(long, default_value_t = 1)]
        from: u8,
        /// Last slave address to try (without --hardware).
        #[arg(long, default_value_t = 16)]
        to: u8,
    },
    /// Every door of the bank, once.
    Status {
        #[command(flatten)]
        line: LineArgs,
    },
    /// Pulse one lock.
    Unlock {
        #[command(flatten)]
        line: LineArgs,
        #[arg(long)]
        board: u8,
        /// Lock channel on the board, from 0.
        #[arg(long)]
        lock: u16,
    },
    /// Live door events until Ctrl-C.
    Watch {
        #[command(flatten)]
        line: LineArgs,
    },
    /// The kiosk's poll loop, round by round, against the wire-time limit;
    /// unlock round trip; errors.
    Bench {
        #[command(flatten)]
        line: LineArgs,
        /// Measure against an in-process simulator of N lb48 boards.
        #[arg(long)]
        sim: bool,
        /// Simulated boards (with --sim).
        #[arg(long, default_value_t = 8)]
        boards: u8,
        #[arg(long, default_value_t = 40)]
        cycles: u32,
        #[arg(long, default_value_t = 20)]
        unlocks: u32,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(args: BusArgs) -> anyhow::Result<()> {
    match args.command {
        BusCommand::Scan { line, from, to } => scan(&line, from, to).await,
        BusCommand::Status { line } => status(&line).await,
        BusCommand::Unlock { line, board, lock } => unlock(&line, board, lock).await,
        BusCommand::Watch { line } => watch(&line).await,
        BusCommand::Bench {
            line,
            sim,
            boards,
            cycles,
            unlocks,
            json,
        } => bench(&line, sim, boards, cycles, unlocks, json).await,
    }
}

fn lb48() -> BoardProfile {
    embedded_profile("lb48").expect("the built-in lb48 profile is valid")
}

async fn scan(line: &LineArgs, from: u8, to: u8) -> anyhow::Result<()> {
    let mut link = line.link().await?;
    let candidates: Vec<(u8, BoardProfile)> = match &line.hardware {
        Some(_) => line
            .bank()?
            .boards
            .into_iter()
            .map(|b| (b.address, b.profile))
            .collect(),
        None => (from.max(1)..=to.min(247)).map(|a| (a, lb48())).collect(),
    };
    let mut found = 0;
    for (address, profile) in candidates {
        let info = profile.info.clone().unwrap_or_default();
        let mut read = async |reg: Option<u16>| -> Result<Option<u16>, LinkError> {
            let Some(reg) = reg else { return Ok(None) };
            // With retries: a board that misses one frame is still there.
            match link
                .request(
                    address,
                    ModbusRequest::ReadInputRegisters {
                        address: reg,
                        count: 1,
                    },
                )
                .await
            {
                Ok(Reply::Words(w)) => Ok(w.first().copied()),
                Ok(_) | Err(LinkError::Exception(_)) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let firmware = match read(info.firmware).await {
            Ok(f) => f,
            Err(LinkError::Timeout) => continue,
            Err(e) => {
                say!("board {address}: {e}");
                continue;
            }
        };
        let locks = read(info.lock_count).await.ok().flatten();
        let voltage = read(info.voltage_10mv).await.ok().flatten();
        if firmware.is_none() {
            // No info registers: is anybody there at all?
            let (base, _) = profile.poll_plan().first;
            if link
                .request(
                    address,
                    ModbusRequest::ReadInputs {
                        address: base,
                        count: 1,
                    },
                )
                .await
                .is_err()
            {
                continue;
            }
        }
        found += 1;
        let mut text = format!("board {address}: answers");
        if let Some(f) = firmware {
            text += &format!(", firmware {}.{}", f >> 8, f & 0xFF);
        }
        if let Some(n) = locks {
            text += &format!(", {n} locks");
        }
        if let Some(v) = voltage {
            text += &format!(", supply {:.2} V", f64::from(v) / 100.0);
        }
        say!("{text}");
    }
    say!("{found} board(s) found");
    if found == 0 {
        bail!(
            "no board answered on {}",
            line.port.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}

/// Two rounds of the kiosk's poll loop: the first makes contact (board info,
/// item sensors), the second is a round as the kiosk runs it all day.
const STATUS_ROUNDS: u64 = 2;

async fn status(line: &LineArgs) -> anyhow::Result<()> {
    let bank = line.bank()?;
    let (bus, _events) = ModbusLockBus::spawn(&bank, line.bus_config()?)?;
    // Bounded by the line's own timeouts: absent boards fail their polls.
    let mut stats = bus.stats();
    while stats.cycles < STATUS_ROUNDS {
        tokio::time::sleep(Duration::from_millis(20)).await;
        stats = bus.stats();
    }
    say!("door  size  board  lock  door     item");
    let mut failed = false;
    for board in &bank.boards {
        let b = stats.boards.iter().find(|b| b.address == board.address);
        let refused = b.and_then(|b| b.item_read_exception);
        for c in bank
            .layout
            .compartments
            .iter()
            .filter(|c| c.board == board.address)
        {
            let door = match bus.door(c.lock()) {
                DoorState::Open => "open",
                DoorState::Closed => "closed",
                DoorState::Unknown => "unknown",
            };
            let item = match (bus.item_present(c.lock()), refused) {
                (_, Some(_)) => "refused",
                (Some(true), None) => "present",
                (Some(false), None) => "empty",
                (None, None) => "-",
            };
            say!(
                "{:>4}  {:<4}  {:>5}  {:>4}  {:<7}  {}",
                c.id.0,
                c.size.as_str(),
                c.board,
                c.channel,
                door,
                item
            );
        }
        if !bus.board_online(board.address) {
            failed = true;
            say!("board {}: no reply", board.address);
        }
        if let (Some(code), Some(items)) = (refused, &board.profile.items) {
            say!(
                "board {}: item inputs {} of profile {} refused (Modbus exception {code:#04x}); item presence unknown",
                board.address,
                crate::bus::input_range(items.input_base, board.profile.locks),
                board.profile.name
            );
        }
    }
    say!("{}", cycle_line(&stats));
    if failed {
        bail!("some boards did not answer");
    }
    Ok(())
}

/// The poll loop's last round against its wire-time limit.
pub fn cycle_line(stats: &BusStats) -> String {
    format!(
        "poll loop: last round {:.1} ms over {} boards, wire-time limit {:.1} ms (ratio {:.2})",
        stats.last_cycle_us as f64 / 1000.0,
        stats.boards.len(),
        stats.cycle_limit_us as f64 / 1000.0,
        stats.last_cycle_us as f64 / (stats.cycle_limit_us.max(1)) as f64
    )
}

async fn unlock(line: &LineArgs, board: u8, channel: u16) -> anyhow::Result<()> {
    let bank = line.bank()?;
    let profile = bank
        .board(board)
        .map(|b| b.profile.clone())
        .unwrap_or_else(lb48);
    if channel >= profile.locks {
        bail!(UsageError(format!(
            "--lock {channel} is beyond board {board} ({} has locks 0..={})",
            profile.name,
            profile.locks - 1
        )));
    }
    let mut link = line.link().await?;
    let address = profile.unlock.coil_base() + channel;
    let started = std::time::Instant::now();
    match profile.unlock {
        Unlock::BoardPulse { .. } => {
            link.request(board, ModbusRequest::WriteCoil { address, on: true })
                .await?;
        }
        Unlock::TimedPulse { .. } => {
            let value = profile.unlock.timed_units().unwrap_or(1);
            link.request(board, ModbusRequest::WriteCoilValue { address, value })
                .await?;
        }
        Unlock::OnOff { pulse_ms, .. } => {
            let on = link
                .request(board, ModbusRequest::WriteCoil { address, on: true })
                .await;
            tokio::time::sleep(Duration::from_millis(u64::from(pulse_ms))).await;
            // Off even when the ON reply was lost: the board may have obeyed.
            let mut off = link
                .request(board, ModbusRequest::WriteCoil { address, on: false })
                .await;
            for _ in 0..3 {
                if off.is_ok() {
                    break;
                }
                off = link
                    .request(board, ModbusRequest::WriteCoil { address, on: false })
                    .await;
            }
            on?;
            off.context("switching the lock output off")?;
        }
    }
    say!(
        "{}: pulse sent, acknowledged in {:.1} ms",
        LockId { board, channel },
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

async fn watch(line: &LineArgs) -> anyhow::Result<()> {
    let bank = line.bank()?;
    let bus_cfg = line.bus_config()?;
    let port = bus_cfg.port.clone();
    let (_bus, mut events) = ModbusLockBus::spawn(&bank, bus_cfg)?;
    let by_lock = bank.compartments_by_lock();
    say!(
        "watching {} boards on {}; Ctrl-C stops",
        bank.boards.len(),
        port
    );
    // One listener for the whole run: a Ctrl-C while an event is printed
    // must not be lost.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => return Ok(()),
            e = events.recv() => {
                let Some(e) = e else { bail!("the lock bus stopped") };
                let now = chrono::Local::now().format("%H:%M:%S%.3f");
                match e {
                    BusEvent::Door(d) => {
                        let door = by_lock.get(&d.lock).map(|c| format!("door {c}")).unwrap_or_default();
                        say!("{now} {} {door}: {:?}", d.lock, d.kind);
                    }
                    BusEvent::Item { lock, present } => {
                        say!("{now} {lock}: item {}", if present { "in" } else { "out" });
                    }
                    BusEvent::BoardOffline { board } => say!("{now} board {board}: offline"),
                    BusEvent::BoardOnline { board } => say!("{now} board {board}: online"),
                    BusEvent::ItemInputsRefused { board, input_base, count, exception } => say!(
                        "{now} board {board}: item inputs {} refused (Modbus exception {exception:#04x})",
                        crate::bus::input_range(input_base, count)
                    ),
                }
            }
        }
    }
}

async fn bench(
    line: &LineArgs,
    sim: bool,
    boards: u8,
    cycles: u32,
    unlocks: u32,
    json: bool,
) -> anyhow::Result<()> {
    let mut line = line.clone();
    let (bank, _sim) = if sim {
        let bank = Bank::uniform(&lb48(), boards.clamp(1, 247));
        let opts = SimOptions {
            baud: line.baud,
            ..SimOptions::default()
        };
        let handle =
            Simulator::start(&bank, SimLink::Pty(None), opts).context("starting the simulator")?;
        line.port = Some(handle.path().display().to_string());
        (bank, Some(handle))
    } else {
        (line.bank()?, None)
    };
    let mut cfg = line.bus_config()?;
    // Rounds back to back: the pause between them is not the loop's cost.
    cfg.poll_interval = Duration::ZERO;
    let mut bench = crate::bus::bench::LoopBench::start(&bank, cfg).await?;
    let report = crate::bus::bench::run(&mut bench, &bank, cycles.max(1), unlocks).await;
    if json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        say!("{report}");
    }
    if report.failed_cycles == cycles {
        bail!("no scan cycle completed");
    }
    Ok(())
}
