//! `locker fees export`: the fee ledger for the property's billing. The
//! locker takes no payment; the property charges residents from this.

use std::io::Write;

use chrono::NaiveDate;
use clap::Subcommand;

use super::audit::Format;
use super::backend::{Data, unexpected};
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::control::wire;
use crate::store::csv;

/// The CSV header: stable column names (docs/AUDIT.md).
pub const FEES_CSV_HEADER: &str = "id,at,recipient,parcel,tracking,compartment,use_cents,storage_days,storage_cents,total_cents,currency";

#[derive(Subcommand, Debug)]
pub enum FeesCmd {
    /// Print the fee ledger, oldest first.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Only fees charged on this local day (YYYY-MM-DD) or later.
        #[arg(long, value_name = "DATE")]
        since: Option<NaiveDate>,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn fees(cmd: FeesCmd) -> Result<(), CliError> {
    let FeesCmd::Export {
        format,
        since,
        data,
    } = cmd;
    let Reply::Fees(rows) = Data::open(&data)?.read(Call::Fees { since })? else {
        return Err(unexpected());
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => write_csv(&rows, &mut out)?,
        Format::Jsonl => {
            for f in &rows {
                let line = serde_json::to_string(f).map_err(|e| CliError::Failed(e.to_string()))?;
                writeln!(out, "{line}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_csv(rows: &[wire::Fee], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{FEES_CSV_HEADER}")?;
    for f in rows {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            f.id,
            f.at.to_rfc3339(),
            f.recipient,
            f.parcel,
            csv::field(&f.tracking),
            f.compartment,
            f.use_cents,
            f.storage_days,
            f.storage_cents,
            f.total_cents,
            csv::field(&f.currency)
        )?;
    }
    Ok(())
}
