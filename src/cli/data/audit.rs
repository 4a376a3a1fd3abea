//! `locker audit` and `locker markers`: checking and exporting the audit
//! log, and exporting the markers.

use std::io::Write;

use clap::{Subcommand, ValueEnum};

use super::backend::{Backend, Data, remote, unexpected};
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, MAX_AUDIT_RANGE, Reply};
use crate::control::wire;
use crate::store::csv;

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the hash chain; exit 1 if any entry was changed, inserted or removed.
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print the whole log, oldest first.
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: Format,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum MarkersCmd {
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

pub fn audit(cmd: AuditCmd) -> Result<(), CliError> {
    match cmd {
        AuditCmd::Verify { data } => {
            let Reply::Verified { checked, broken } = Data::open(&data)?.read(Call::AuditVerify)?
            else {
                return Err(unexpected());
            };
            match broken {
                None => {
                    println!("audit chain ok: {checked} entries checked");
                    Ok(())
                }
                Some(why) => Err(CliError::Failed(format!(
                    "audit chain broken after {checked} good entries: {why}"
                ))),
            }
        }
        AuditCmd::Export { format, data } => {
            let mut data = Data::open(&data)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Format::Csv = format {
                writeln!(out, "seq,at,actor,action,compartment,parcel,detail")?;
            }
            let mut write = |e: wire::Audit| match format {
                Format::Jsonl => writeln!(out, "{}", serde_json::to_string(&e).unwrap_or_default()),
                Format::Csv => writeln!(
                    out,
                    "{},{},{},{},{},{},{}",
                    e.seq,
                    e.at.to_rfc3339(),
                    csv::field(&e.actor),
                    csv::field(&e.action),
                    e.compartment.map(|c| c.to_string()).unwrap_or_default(),
                    e.parcel.map(|p| p.to_string()).unwrap_or_default(),
                    csv::field(&e.detail)
                ),
            };
            match &mut data.backend {
                Backend::Database { engine, actor } => {
                    engine.each_audit_entry(actor, &mut |e| write(wire::Audit::from(e)))?;
                }
                Backend::Kiosk(client) => {
                    // In pieces, so neither side holds the whole log.
                    let mut after = 0;
                    loop {
                        let call = Call::AuditRange {
                            after,
                            limit: MAX_AUDIT_RANGE,
                        };
                        let Reply::Audit(entries) = client.call(call).map_err(remote)? else {
                            return Err(unexpected());
                        };
                        let full = entries.len() == MAX_AUDIT_RANGE as usize;
                        let Some(last) = entries.last().map(|e| e.seq) else {
                            break;
                        };
                        for e in entries {
                            write(e)?;
                        }
                        // A short page is the end: each call adds its own
                        // entry, so the log is never quite read to the end.
                        if !full {
                            break;
                        }
                        after = last;
                    }
                }
            }
            out.flush()?;
            Ok(())
        }
    }
}

pub fn markers(cmd: MarkersCmd) -> Result<(), CliError> {
    let MarkersCmd::Export { format, data } = cmd;
    let Reply::Markers(markers) = Data::open(&data)?.read(Call::Markers)? else {
        return Err(unexpected());
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => {
            let records: Vec<crate::store::CctvMarker> = wire::rows(markers);
            crate::store::csv::write_markers(&records, &mut out)?
        }
        Format::Jsonl => {
            for m in &markers {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(m).map_err(|e| CliError::Failed(e.to_string()))?
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
