//! `locker outbox`: the notification outbox, its retries and deliveries.

use clap::Subcommand;

use super::backend::{Backend, Data, unexpected};
use super::{ListArgs, print_json};
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::domain::printable;
use crate::engine::Command;
use crate::notify::Senders;
use crate::notify::worker::deliver_due;

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    List(ListArgs),
    /// Make queued and dead messages due now (all, or one by id).
    Retry {
        #[arg(long)]
        id: Option<u64>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Deliver every due message once through the configured transport.
    Deliver {
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn outbox(cmd: OutboxCmd) -> Result<(), CliError> {
    let (json, data) = match cmd {
        OutboxCmd::List(ListArgs { json, data }) => (json, data),
        OutboxCmd::Retry { id, data } => {
            Data::open(&data)?.command(Command::RetryMessages { id })?;
            println!("queued for delivery");
            return Ok(());
        }
        OutboxCmd::Deliver { data } => {
            let mut data = Data::open(&data)?;
            let Backend::Database { engine, .. } = &mut data.backend else {
                println!("the kiosk is running and delivers due messages itself");
                return Ok(());
            };
            let senders = Senders::from_config(&data.cfg).map_err(|e| CliError::Failed(e.0))?;
            let (sent, failed) = deliver_due(engine, senders.channels(), &data.cfg.notify.from)?;
            engine.flush()?;
            println!("{sent} sent, {failed} to retry");
            return if failed == 0 {
                Ok(())
            } else {
                Err(CliError::Failed(format!("{failed} messages not delivered")))
            };
        }
    };
    let Reply::Outbox(msgs) = Data::open(&data)?.read(Call::Outbox)? else {
        return Err(unexpected());
    };
    if json {
        // Plaintext codes never leave through a listing: the rows have none.
        return print_json(&msgs);
    }
    for n in msgs {
        println!(
            "{:<6} {:<18} {:<8} {}",
            n.id,
            format!("{:?}", n.kind),
            format!("{:?}", n.state),
            printable(&n.to.join(", "))
        );
    }
    Ok(())
}
