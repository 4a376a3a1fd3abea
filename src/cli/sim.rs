//! `locker sim`: serve a bank's boards as Modbus RTU slaves until Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;

use super::bus::say;
use crate::hardware::Bank;
use crate::sim::scenario::Scenario;
use crate::sim::{SimLink, SimOptions, Simulator};

#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// Bank file; the built-in demo bank when not given.
    #[arg(long)]
    pub hardware: Option<PathBuf>,
    /// Make PATH a symlink to the new pseudo-terminal.
    #[arg(long, conflicts_with = "port")]
    pub link: Option<PathBuf>,
    /// Serve on an existing serial device instead of a new pseudo-terminal.
    #[arg(long)]
    pub port: Option<String>,
    #[arg(long, default_value_t = 9600)]
    pub baud: u32,
    /// Doors close by themselves this many seconds after opening.
    #[arg(long)]
    pub auto_close: Option<f64>,
    /// TOML file of timed faults (see src/sim/scenario.rs).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Answer at once instead of after the bytes' time on a real line.
    #[arg(long)]
    pub no_wire_time: bool,
    /// A pulsed door closes with its item sensor flipped (deposit/pickup).
    #[arg(long)]
    pub items_follow_doors: bool,
    /// Every board misframes after a request for another slave id until
    /// the line has been silent this many ms, as some slave stacks do.
    #[arg(long, value_name = "MS")]
    pub resync_ms: Option<u64>,
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let bank = match &args.hardware {
        Some(path) => Bank::load(path)?,
        None => Bank::demo(),
    };
    let scenario = match &args.scenario {
        Some(path) => Some(Scenario::load(path)?),
        None => None,
    };
    let auto_close = match args.auto_close {
        Some(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => anyhow::bail!(super::bus::UsageError(format!(
            "--auto-close {s}: not a number of seconds"
        ))),
        None => None,
    };
    let link = match &args.port {
        Some(dev) => SimLink::Port(dev.clone()),
        None => SimLink::Pty(args.link.clone()),
    };
    let opts = SimOptions {
        baud: args.baud,
        wire_time: !args.no_wire_time,
        auto_close,
        items_follow_doors: args.items_follow_doors,
        resync: args.resync_ms.map(Duration::from_millis),
        ..SimOptions::default()
    };
    let sim = Arc::new(Simulator::start(&bank, link, opts).context("starting the simulator")?);
    let boards: Vec<String> = bank
        .boards
        .iter()
        .map(|b| format!("{} ({})", b.address, b.profile.name))
        .collect();
    say!("{}", sim.path().display());
    if let Some(link) = sim.link() {
        say!("{} -> {}", link.display(), sim.path().display());
    }
    eprintln!(
        "simulating bank {:?}: boards {} at {} baud; Ctrl-C stops",
        bank.layout.name,
        boards.join(", "),
        args.baud
    );
    if let Some(s) = scenario {
        sim.play(s);
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    let c = sim.counters();
    eprintln!(
        "frames seen {}, replies sent {}, bad frames {}, broadcasts {}",
        c.frames_seen, c.replies_sent, c.bad_frames, c.broadcasts
    );
    Ok(())
}
