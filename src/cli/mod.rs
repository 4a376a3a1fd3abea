//! The command line. In this branch only the hardware commands (`bus`,
//! `sim`); the full CLI folds these argument structs in.

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "locker", version, about = "Parcel-locker controller")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Technician commands on the lock bus.
    Bus(crate::bus::cli::BusArgs),
    /// Simulate the lock boards of a bank on a pseudo-terminal.
    Sim(crate::sim::cli::SimArgs),
}

/// Exit codes: 0 ok, 1 failure, 2 usage or configuration.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("locker: cannot start the runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Bus(args) => crate::bus::cli::run(args).await,
            Command::Sim(args) => crate::sim::cli::run(args).await,
        }
    });
    match result {
        Ok(()) => 0,
        // The reader went away (`locker bus status | head`): not a failure.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            0
        }
        Err(e) => {
            eprintln!("locker: {e:#}");
            let usage = e.downcast_ref::<crate::bus::cli::UsageError>().is_some()
                || e.downcast_ref::<crate::hardware::HardwareError>().is_some();
            if usage { 2 } else { 1 }
        }
    }
}
