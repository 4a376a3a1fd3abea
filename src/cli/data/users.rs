//! `locker user`: couriers, admins and technicians.

use clap::Subcommand;

use super::backend::{Data, unexpected};
use super::{ListArgs, print_json};
use crate::cli::pin::read_pin_twice;
use crate::cli::{CliError, DataArgs};
use crate::control::proto::{Call, Reply};
use crate::domain::people::validate_user_name;
use crate::domain::text::check_email;
use crate::domain::{Role, printable};
use crate::engine::Command;

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a courier, admin or technician; the PIN is asked twice.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A badge the scanner reads, for sign-in without a PIN.
        #[arg(long)]
        badge: Option<String>,
        /// Where this courier's proofs of delivery go.
        #[arg(long)]
        carrier_email: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    List(ListArgs),
    Remove {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn user(cmd: UserCmd) -> Result<(), CliError> {
    match cmd {
        UserCmd::Add {
            name,
            role,
            badge,
            carrier_email,
            data,
        } => {
            // Checked here as well as in the engine: a bad name is the
            // typist's to fix (exit 2), before a PIN is asked for it.
            validate_user_name(&name)?;
            if let Some(email) = &carrier_email {
                check_email("carrier e-mail", email)?;
            }
            let mut data = Data::open(&data)?;
            let pin = read_pin_twice(&format!("PIN for {name}"))?;
            data.command(Command::AddUser {
                name: name.clone(),
                role,
                pin,
                badge,
                carrier_email,
            })?;
            println!("added {role} {name}");
        }
        UserCmd::List(ListArgs { json, data }) => {
            let Reply::Users(users) = Data::open(&data)?.read(Call::Users)? else {
                return Err(unexpected());
            };
            if json {
                print_json(&users)?;
            } else {
                for u in users {
                    println!(
                        "{:<20} {:<11} {}",
                        printable(&u.name),
                        u.role.as_str(),
                        if u.badge { "badge" } else { "" }
                    );
                }
            }
        }
        UserCmd::Remove { name, data } => {
            Data::open(&data)?.command(Command::RemoveUser { name: name.clone() })?;
            println!("removed {name}");
        }
    }
    Ok(())
}
