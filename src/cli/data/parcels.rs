//! `locker parcel`: the parcels in the locker, or every one recorded.

use clap::Subcommand;

use super::backend::{Data, unexpected};
use super::print_json;
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::domain::printable;

#[derive(Subcommand, Debug)]
pub enum ParcelCmd {
    /// Parcels in the locker (with --all, every parcel ever recorded).
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn parcel(cmd: ParcelCmd) -> Result<(), CliError> {
    let ParcelCmd::List { json, all, data } = cmd;
    let mut data = Data::open(&data)?;
    let Reply::Parcels(parcels) = data.read(Call::Parcels { all })? else {
        return Err(unexpected());
    };
    if json {
        return print_json(&parcels);
    }
    let tz = data.cfg.kiosk.time_zone;
    for p in parcels {
        let deadline = p
            .deadline
            .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        println!(
            "{:<8} door {:<4} {:<10} {:<10} {:<20} {deadline}",
            p.id.to_string(),
            p.compartment.to_string(),
            p.state.as_str(),
            p.recipient.to_string(),
            printable(&p.tracking)
        );
    }
    Ok(())
}
