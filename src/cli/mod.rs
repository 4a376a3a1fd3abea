//! The command line (the README). Exit codes: 0 ok, 1 failure, 2 usage or
//! config, 3 could not run (the database is in use by another process).

mod bus;
mod data;
mod demo_fleet;
mod fleet;
mod generate;
mod pin;
mod run;
mod sim;
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, ConfigError};

#[derive(Parser, Debug)]
#[command(
    name = "locker",
    version,
    about = "Parcel-locker controller: kiosk, admin console and Modbus RTU lock bus"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Everything in one process: simulated lock boards, demo people and
    /// parcels, the kiosk screen. Ctrl-C leaves.
    Demo {
        /// Screen size, e.g. 80x24 (default: the terminal's, as it changes).
        #[arg(long)]
        size: Option<String>,
        /// Keep the demo's data in this (new) directory instead of a temporary one.
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// A property of two kiosks on a Mosquitto broker of the demo's own,
        /// and the support console: F1 kiosk A, F2 kiosk B, F3 support.
        #[arg(long, conflicts_with = "data_dir")]
        fleet: bool,
    },
    /// The kiosk on real hardware.
    Kiosk {
        #[arg(long, value_name = "FILE", env = "LOCKER_CONFIG")]
        config: PathBuf,
        /// Screen size for serial terminals that report none, e.g. 80x24.
        #[arg(long)]
        size: Option<String>,
    },
    /// The admin console (building admins, technicians): beside a running
    /// kiosk through its control socket, or on this machine's database and
    /// lock bus when the kiosk is stopped.
    Admin {
        #[arg(long, value_name = "FILE", env = "LOCKER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR", conflicts_with = "config")]
        data_dir: Option<PathBuf>,
        /// Screen size for serial terminals that report none, e.g. 80x24.
        #[arg(long)]
        size: Option<String>,
        /// Key map: pc (a laptop keyboard) or keypad-16, or a file.
        #[arg(long, default_value = "pc")]
        keymap: String,
    },
    /// The technician's laptop on the lock boards, no parcel database:
    /// bus diagnostics, door table, pulse test, manual unlock.
    Service(crate::service::ServiceArgs),
    /// Create the database and the first admin.
    Init {
        #[command(flatten)]
        data: DataArgs,
        /// The first admin's user name.
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// Couriers, admins and technicians.
    #[command(subcommand)]
    User(data::UserCmd),
    /// Recipients (the people parcels are for).
    #[command(subcommand)]
    Recipient(data::RecipientCmd),
    /// Parcels.
    #[command(subcommand)]
    Parcel(data::ParcelCmd),
    /// The notification outbox.
    #[command(subcommand)]
    Outbox(data::OutboxCmd),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(data::AuditCmd),
    /// CCTV event markers.
    #[command(subcommand)]
    Markers(data::MarkersCmd),
    /// The fee ledger, for the property's billing (payment is not the
    /// locker's: the property charges residents).
    #[command(subcommand)]
    Fees(data::FeesCmd),
    /// Returns dropped off at the kiosk and collected by couriers.
    #[command(subcommand)]
    Return(data::ReturnCmd),
    /// Configuration files.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Technician commands on the lock bus.
    Bus(bus::BusArgs),
    /// Simulate the lock boards of a bank on a pseudo-terminal.
    Sim(sim::SimArgs),
    /// Support from afar, over the property's MQTT broker: the console
    /// (`--broker URL --site SITE [--key FILE]`) or a command.
    Fleet(Box<support::FleetArgs>),
    /// Print the shell completion script, e.g. for /etc/bash_completion.d.
    #[command(hide = true)]
    Completions { shell: clap_complete::Shell },
    /// Print the man page locker(1), or write every page into a directory.
    #[command(hide = true)]
    Man {
        /// Write locker.1 and one page per subcommand here instead.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCmd {
    /// Check a config file and the files it names (bank, board profiles,
    /// keymap) as the kiosk would at start; say what is wrong, in one line.
    Check { file: PathBuf },
}

/// Where the data is: a config file, or a data directory as a shortcut.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    #[arg(long, value_name = "FILE", env = "LOCKER_CONFIG")]
    pub config: Option<PathBuf>,
    #[arg(long, value_name = "DIR", conflicts_with = "config")]
    pub data_dir: Option<PathBuf>,
    /// Act as this admin or technician (PIN from LOCKER_PIN, or asked at
    /// the terminal). Needed while the kiosk runs; without it, and with the
    /// kiosk stopped, the command acts as this machine's operator.
    #[arg(long, value_name = "NAME", env = "LOCKER_USER")]
    pub user: Option<String>,
}

impl DataArgs {
    pub fn load(&self) -> Result<Config, CliError> {
        match (&self.config, &self.data_dir) {
            (Some(file), _) => Config::load(file).map_err(CliError::Config),
            (None, Some(dir)) => Ok(Config::for_data_dir(dir.clone())),
            (None, None) => Err(CliError::Usage(
                "give --config FILE or --data-dir DIR".into(),
            )),
        }
    }
}

/// How a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Config(ConfigError),
    #[error("{0}")]
    Failed(String),
    /// The command could not run at all, e.g. another process holds the
    /// database: nothing was checked or changed, so not a failure of what
    /// was asked (for `audit verify`, never a broken chain).
    #[error("{0}")]
    Unavailable(String),
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Config(_) => 2,
            CliError::Failed(_) => 1,
            CliError::Unavailable(_) => 3,
        }
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            // A wrong --data-dir or data_dir is the operator's to fix.
            crate::store::StoreError::NotInitialised { .. } => CliError::Usage(e.to_string()),
            e => CliError::Failed(e.to_string()),
        }
    }
}

impl From<crate::site::SiteError> for CliError {
    fn from(e: crate::site::SiteError) -> Self {
        match e {
            crate::site::SiteError::Config(c) => CliError::Config(c),
            other => CliError::Usage(other.to_string()),
        }
    }
}

impl From<crate::domain::TextError> for CliError {
    fn from(e: crate::domain::TextError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// Opens a config's existing database for a command that first looked for
/// a running kiosk's control socket: held by another process then means a
/// kiosk whose socket is silent, or a process with no socket (a console,
/// `locker service` on its audit directory), said the way an operator can
/// act on, with the exit code for "could not run".
pub(crate) fn open_beside_kiosk(cfg: &Config) -> Result<crate::store::Store, CliError> {
    let dir = &cfg.kiosk.data_dir;
    crate::store::Store::open_existing(dir).map_err(|e| match e {
        crate::store::StoreError::Locked { .. } => {
            let socket = crate::control::socket_path(dir);
            CliError::Unavailable(if socket.exists() {
                format!(
                    "the kiosk holds the database in {}, but its control socket {} does not answer",
                    dir.display(),
                    socket.display()
                )
            } else {
                format!(
                    "the database in {} is in use by another locker process (a console or `locker service`): stop it and try again",
                    dir.display()
                )
            })
        }
        other => other.into(),
    })
}

impl From<crate::engine::EngineError> for CliError {
    fn from(e: crate::engine::EngineError) -> Self {
        CliError::Failed(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Failed(e.to_string())
    }
}

/// Parses the arguments, runs the command, prints one line on failure.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Errors quote what was typed or stored; none of it may steer
            // the terminal.
            eprintln!("locker: {}", crate::domain::printable(&f.to_string()));
            ExitCode::from(f.code())
        }
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Cmd::Demo {
            size, fleet: true, ..
        } => demo_fleet::demo(size.as_deref()),
        Cmd::Demo { size, data_dir, .. } => run::demo(size.as_deref(), data_dir),
        Cmd::Kiosk { config, size } => run::kiosk(&config, size.as_deref()),
        Cmd::Admin {
            config,
            data_dir,
            size,
            keymap,
        } => {
            let data = DataArgs {
                config,
                data_dir,
                user: None,
            };
            run::admin(&data, size.as_deref(), &keymap)
        }
        Cmd::Service(args) => run::service(args),
        Cmd::Init { data, admin } => data::init(&data, &admin),
        Cmd::User(c) => data::user(c),
        Cmd::Recipient(c) => data::recipient(c),
        Cmd::Parcel(c) => data::parcel(c),
        Cmd::Outbox(c) => data::outbox(c),
        Cmd::Audit(c) => data::audit(c),
        Cmd::Markers(c) => data::markers(c),
        Cmd::Fees(c) => data::fees(c),
        Cmd::Return(c) => data::returns(c),
        Cmd::Bus(args) => hardware(bus::run(args)),
        Cmd::Sim(args) => hardware(sim::run(args)),
        Cmd::Fleet(args) => support::run(*args),
        Cmd::Completions { shell } => generate::completions(shell),
        Cmd::Man { out } => generate::man(out.as_deref()),
        Cmd::Config(ConfigCmd::Check { file }) => {
            let site = crate::site::Site::load(&file)?;
            if let Some(w) = site.warning() {
                eprintln!("{}: {w}", file.display());
            }
            let keys = crate::engine::started::report(&site.config);
            if let Some(e) = keys.error {
                return Err(CliError::Usage(format!("{}: {e}", file.display())));
            }
            for note in keys.notes {
                println!("{}: {note}", file.display());
            }
            println!("{}: ok", file.display());
            Ok(())
        }
    }
}

/// Runs a hardware command (bus, sim) on a tokio runtime; its log lines go
/// to stderr at RUST_LOG (default warn), as it owns no screen.
fn hardware(fut: impl std::future::Future<Output = anyhow::Result<()>>) -> Result<(), CliError> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_ansi(crate::logging::colour_on_stderr())
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    match runtime.block_on(fut) {
        Ok(()) => Ok(()),
        // The reader went away (`locker bus status | head`): not a failure.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            Ok(())
        }
        Err(e) => {
            let usage = e.downcast_ref::<bus::UsageError>().is_some()
                || e.downcast_ref::<crate::hardware::HardwareError>().is_some();
            let line = format!("{e:#}");
            Err(if usage {
                CliError::Usage(line)
            } else {
                CliError::Failed(line)
            })
        }
    }
}
