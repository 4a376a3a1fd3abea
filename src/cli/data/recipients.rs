//! `locker recipient`: the people parcels are for.

use clap::Subcommand;

use super::backend::{Data, unexpected};
use super::{ListArgs, print_json};
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::domain::{Language, NotifyBy, Recipient, RecipientChange, RecipientId, printable};
use crate::engine::Command;

#[derive(Subcommand, Debug)]
pub enum RecipientCmd {
    /// Register a new recipient (an ID in use is refused: see `update`).
    Add {
        /// Recipient ID, e.g. PX-482913.
        id: String,
        #[arg(long)]
        name: String,
        /// Needed unless they are told by text message only.
        #[arg(long)]
        email: Option<String>,
        /// The number texts go to, e.g. "+34 600 123 456".
        #[arg(long)]
        phone: Option<String>,
        /// How they are told of a parcel: email, sms (needs --phone) or both.
        #[arg(long, default_value = "email")]
        notify_by: String,
        #[arg(long, default_value = "en")]
        language: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Change a recipient's details: only what is given changes; the
    /// vacation and delegates stay.
    Update {
        /// Recipient ID, e.g. PX-482913.
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// email, sms (needs a phone number) or both.
        #[arg(long)]
        notify_by: Option<String>,
        #[arg(long)]
        language: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    List(ListArgs),
}

pub fn recipient(cmd: RecipientCmd) -> Result<(), CliError> {
    match cmd {
        RecipientCmd::Add {
            id,
            name,
            email,
            phone,
            notify_by,
            language,
            data,
        } => {
            let id = RecipientId::parse(&id).map_err(|e| CliError::Usage(e.to_string()))?;
            let language: Language = language.parse().map_err(CliError::Usage)?;
            let notify_by: NotifyBy = notify_by.parse().map_err(CliError::Usage)?;
            let r = Recipient {
                id: id.clone(),
                name,
                email: email.unwrap_or_default(),
                phone,
                notify_by,
                language,
                delegates: Vec::new(),
                vacation_until: None,
                closed: false,
            };
            r.validate()?;
            Data::open(&data)?.command(Command::AddRecipient { recipient: r })?;
            println!("saved recipient {id}");
        }
        RecipientCmd::Update {
            id,
            name,
            email,
            phone,
            notify_by,
            language,
            data,
        } => {
            let id = RecipientId::parse(&id).map_err(|e| CliError::Usage(e.to_string()))?;
            let notify_by = match notify_by {
                Some(by) => Some(by.parse::<NotifyBy>().map_err(CliError::Usage)?),
                None => None,
            };
            let language = match language {
                Some(l) => Some(l.parse::<Language>().map_err(CliError::Usage)?),
                None => None,
            };
            let change = RecipientChange {
                name,
                email,
                phone,
                notify_by,
                language,
                delegates: None,
            };
            if change.is_empty() {
                return Err(CliError::Usage(
                    "give what changes: --name, --email, --phone, --notify-by or --language".into(),
                ));
            }
            change.validate()?;
            Data::open(&data)?.command(Command::UpdateRecipient {
                recipient: id.to_string(),
                change,
            })?;
            println!("updated recipient {id}");
        }
        RecipientCmd::List(ListArgs { json, data }) => {
            let Reply::Recipients(all) = Data::open(&data)?.read(Call::Recipients)? else {
                return Err(unexpected());
            };
            if json {
                print_json(&all)?;
            } else {
                for r in all {
                    let state = if r.closed { "closed" } else { "" };
                    println!(
                        "{:<10} {:<24} {:<32} {state}",
                        r.id,
                        printable(&r.name),
                        printable(&r.email)
                    );
                }
            }
        }
    }
    Ok(())
}
