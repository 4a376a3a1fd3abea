//! Where a data command's calls go: the running kiosk or the database.

use std::io::IsTerminal;

use super::{open_engine, operator};
use crate::cli::pin::prompt;
use crate::cli::{CliError, DataArgs};
use crate::config::Config;
use crate::control::answer;
use crate::control::proto::{Call, Reply};
use crate::control::{Client, ClientError, socket_path};
use crate::engine::{Actor, Command, Engine, Event};

/// Where a data command's calls go: the running kiosk, through its control
/// socket, or the database itself when no kiosk runs. The command does not
/// care which; the person only has to sign in when the kiosk runs.
pub(super) enum Backend {
    Kiosk(Client),
    Database { engine: Box<Engine>, actor: Actor },
}

pub(super) struct Data {
    pub(super) cfg: Config,
    pub(super) backend: Backend,
}

impl Data {
    pub(super) fn open(args: &DataArgs) -> Result<Data, CliError> {
        let cfg = args.load()?;
        match Client::connect(&socket_path(&cfg.kiosk.data_dir)) {
            Ok(mut client) => {
                let (user, pin) = credentials(args.user.as_deref())?;
                client.sign_in(&user, &pin).map_err(remote)?;
                return Ok(Data {
                    cfg,
                    backend: Backend::Kiosk(client),
                });
            }
            Err(e) if Client::nobody_there(&e) => {}
            Err(e) => return Err(remote(e)),
        }
        let mut engine = Box::new(open_engine(&cfg)?);
        let actor = match &args.user {
            None => operator(),
            Some(_) => {
                let (user, pin) = credentials(args.user.as_deref())?;
                let events = engine.handle(&Actor::Kiosk, Command::SignIn { user, pin })?;
                match events.iter().find_map(|e| match e {
                    Event::SignedIn { session, .. } => Some(*session),
                    _ => None,
                }) {
                    Some(id) => Actor::Session { id },
                    None => {
                        engine.flush()?;
                        return Err(CliError::Failed("wrong user name or PIN".into()));
                    }
                }
            }
        };
        Ok(Data {
            cfg,
            backend: Backend::Database { engine, actor },
        })
    }

    /// A read-only call.
    pub(super) fn read(&mut self, call: Call) -> Result<Reply, CliError> {
        match &mut self.backend {
            Backend::Kiosk(c) => c.call(call).map_err(remote),
            Backend::Database { engine, actor } => Ok(answer::on_engine(engine, actor, call)?),
        }
    }

    /// A command that changes something, saved before this returns.
    pub(super) fn command(&mut self, command: Command) -> Result<Vec<Event>, CliError> {
        match &mut self.backend {
            Backend::Kiosk(c) => match c.call(Call::Command { command }).map_err(remote)? {
                Reply::Events(ev) => Ok(ev),
                _ => Err(unexpected()),
            },
            Backend::Database { engine, actor } => {
                let events = engine.handle(actor, command)?;
                engine.flush()?;
                Ok(events)
            }
        }
    }
}

pub(super) fn remote(e: ClientError) -> CliError {
    CliError::Failed(e.to_string())
}

pub(super) fn unexpected() -> CliError {
    CliError::Failed("the kiosk answered something unexpected".into())
}

/// Who signs in: `--user` (or LOCKER_USER) and LOCKER_PIN, or asked at the
/// terminal.
fn credentials(user: Option<&str>) -> Result<(String, String), CliError> {
    let at_terminal = std::io::stdin().is_terminal();
    let user = match user {
        Some(u) => u.to_string(),
        None if at_terminal => {
            eprint!("the kiosk is running; sign in as (admin or technician): ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim().to_string()
        }
        None => {
            return Err(CliError::Usage(
                "the kiosk is running: sign in with --user NAME (or LOCKER_USER) and the PIN in LOCKER_PIN".into(),
            ));
        }
    };
    let pin = match std::env::var("LOCKER_PIN") {
        Ok(p) => p,
        Err(_) if at_terminal => prompt(&format!("PIN for {user}: "))?,
        Err(_) => {
            return Err(CliError::Usage(format!(
                "the PIN for {user}: set LOCKER_PIN or run at a terminal"
            )));
        }
    };
    Ok((user, pin))
}
