//! Commands that read or change the parcel database. Here: `init`, and
//! what the other commands share; each group of commands has a file of its
//! own, and where their calls go is in `backend`.

mod audit;
mod backend;
mod fees;
mod outbox;
mod parcels;
mod recipients;
mod returns;
mod users;

use std::sync::Arc;

use super::pin::read_pin_twice;
use super::{CliError, DataArgs};
use crate::bus::NoBus;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::Role;
use crate::domain::people::validate_user_name;
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Command, Engine, EngineSettings};
use crate::hardware::BankLayout;
use crate::store::Store;

pub use audit::{AuditCmd, MarkersCmd, audit, markers};
pub use fees::{FeesCmd, fees};
pub use outbox::{OutboxCmd, outbox};
pub use parcels::{ParcelCmd, parcel};
pub use recipients::{RecipientCmd, recipient};
pub use returns::{ReturnCmd, returns};
pub use users::{UserCmd, user};

/// `--json` and where the data is, shared by every listing.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

/// An engine with no lock bus on a config's existing database, for
/// commands that change data; logs go to its data directory.
fn open_engine(cfg: &Config) -> Result<Engine, CliError> {
    engine_on(cfg, super::open_beside_kiosk(cfg)?)
}

fn engine_on(cfg: &Config, store: Store) -> Result<Engine, CliError> {
    crate::logging::init(&cfg.kiosk.data_dir);
    let bank = BankLayout {
        name: String::new(),
        compartments: Vec::new(),
    };
    let settings = EngineSettings::load(cfg, &store).map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(Engine::open(
        store,
        Box::new(NoBus),
        bank,
        Arc::new(SystemClock),
        settings,
    )?)
}

fn operator() -> Actor {
    Actor::Local {
        name: std::env::var("USER").unwrap_or_else(|_| "root".into()),
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    let s = serde_json::to_string_pretty(v).map_err(|e| CliError::Failed(e.to_string()))?;
    println!("{s}");
    Ok(())
}

pub fn init(data: &DataArgs, admin: &str) -> Result<(), CliError> {
    let cfg = data.load()?;
    validate_user_name(admin)?;
    let dir = &cfg.kiosk.data_dir;
    let existing = if Store::exists(dir) {
        let engine = open_engine(&cfg)?;
        if !matches!(engine.read(&operator(), Query::Users)?, Answer::Users(u) if u.is_empty()) {
            return Err(CliError::Failed(format!(
                "{} is already initialised",
                dir.display()
            )));
        }
        Some(engine)
    } else {
        None
    };
    // Asked before the database is created, so a mistyped PIN leaves the
    // directory as it was.
    let pin = read_pin_twice(&format!("PIN for admin {admin}"))?;
    let mut engine = match existing {
        Some(engine) => engine,
        None => engine_on(&cfg, Store::open(dir)?)?,
    };
    engine.handle(
        &operator(),
        Command::AddUser {
            name: admin.to_string(),
            role: Role::Admin,
            pin,
            badge: None,
            carrier_email: None,
        },
    )?;
    engine.flush()?;
    println!(
        "initialised {} with admin {admin}",
        cfg.kiosk.data_dir.display()
    );
    Ok(())
}
