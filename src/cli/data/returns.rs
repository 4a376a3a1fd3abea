//! `locker return`: authorise a return, list them, withdraw one.

use clap::Subcommand;

use super::backend::{Data, unexpected};
use super::print_json;
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::domain::returns::{RETURN_CODE_DIGITS, normalize_code};
use crate::domain::text::{NOTE_MAX, check_email, check_text};
use crate::domain::{Language, ReturnId, Size, printable};
use crate::engine::read::{Answer, Query};
use crate::engine::{Command, Event, NewReturn};

#[derive(Subcommand, Debug)]
pub enum ReturnCmd {
    /// Authorise a return: prints the code that opens a door of its size
    /// once (or, with --label, the prepaid label's barcode is the code).
    /// With --recipient or --email the code also goes out by message.
    Add {
        /// S, M, L or XL: the door the parcel needs.
        #[arg(long)]
        size: Size,
        /// A registered recipient (PX-482913 or 482913), told at the
        /// addresses on file.
        #[arg(long, conflicts_with = "email")]
        recipient: Option<String>,
        /// An address for someone with no account here.
        #[arg(long)]
        email: Option<String>,
        /// The messages' language with --email: en or es.
        #[arg(long, requires = "email")]
        language: Option<Language>,
        /// The prepaid return label's barcode, scanned at the kiosk.
        #[arg(long)]
        label: Option<String>,
        /// The shop's order or the carrier's reference, for the courier.
        #[arg(long, default_value = "")]
        reference: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Every return authorised, oldest first.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Withdraw a return not yet dropped off: its code stops working.
    Withdraw {
        /// RT000012 or 12.
        #[arg(value_parser = parse_id)]
        id: ReturnId,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// What the engine would refuse as bad input is a usage error here, as
/// for every other command's text.
fn check(reference: &str, email: Option<&str>, label: Option<&str>) -> Result<(), CliError> {
    let usage = |e: crate::domain::TextError| CliError::Usage(e.to_string());
    check_text("reference", reference.trim(), NOTE_MAX).map_err(usage)?;
    if let Some(e) = email {
        check_email("e-mail", e.trim()).map_err(usage)?;
    }
    if label.is_some_and(|l| normalize_code(l).is_none()) {
        return Err(CliError::Usage(
            crate::engine::Rejection::ReturnLabelMalformed.to_string(),
        ));
    }
    Ok(())
}

fn parse_id(s: &str) -> Result<ReturnId, String> {
    ReturnId::parse(s).ok_or_else(|| "a return is RT and its number, e.g. RT000012".into())
}

pub fn returns(cmd: ReturnCmd) -> Result<(), CliError> {
    match cmd {
        ReturnCmd::Add {
            size,
            recipient,
            email,
            language,
            label,
            reference,
            data,
        } => {
            check(&reference, email.as_deref(), label.as_deref())?;
            let ret = NewReturn {
                size,
                reference,
                recipient,
                email,
                language,
                label,
            };
            let events = Data::open(&data)?.command(Command::IssueReturn { ret })?;
            let Some((id, code)) = events.into_iter().find_map(|e| match e {
                Event::ReturnIssued { id, code } => Some((id, code)),
                _ => None,
            }) else {
                return Err(unexpected());
            };
            match code {
                Some(code) => println!(
                    "return {id} issued; its code ({RETURN_CODE_DIGITS} digits, shown once): {code}"
                ),
                None => println!("return {id} issued; the label's barcode opens its door"),
            }
            Ok(())
        }
        ReturnCmd::List { json, data } => {
            let mut data = Data::open(&data)?;
            let Reply::Loaded(Answer::Returns(all)) = data.read(Call::Read {
                query: Query::Returns,
            })?
            else {
                return Err(unexpected());
            };
            if json {
                return print_json(&all);
            }
            let tz = data.cfg.kiosk.time_zone;
            for r in all {
                let at = r
                    .dropped_at
                    .unwrap_or(r.issued_at)
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M");
                let door = r.parcel.map(|p| p.to_string()).unwrap_or_default();
                println!(
                    "{:<8} {:<3} {:<10} {at} {:<8} {}",
                    r.id.to_string(),
                    r.size.as_str(),
                    r.state.as_str(),
                    door,
                    printable(&r.reference)
                );
            }
            Ok(())
        }
        ReturnCmd::Withdraw { id, data } => {
            Data::open(&data)?.command(Command::WithdrawReturn { id })?;
            println!("return {id} withdrawn: its code no longer opens a door");
            Ok(())
        }
    }
}
