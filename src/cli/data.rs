//! Commands that read or change the parcel database.

use std::io::Write;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};

use std::io::IsTerminal;

use super::pin::{prompt, read_pin_twice};
use super::{DataArgs, Failure};
use crate::bus::NoBus;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::control::answer;
use crate::control::proto::{Call, MAX_AUDIT_RANGE, Reply};
use crate::control::{Client, ClientError, socket_path};
use crate::domain::people::validate_user_name;
use crate::domain::text::check_email;
use crate::domain::{Language, Recipient, RecipientId, Role, printable};
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Command, Engine, EngineSettings, Event};
use crate::hardware::BankLayout;
use crate::notify::Transport;
use crate::notify::worker::deliver_due;
use crate::store::Store;
use crate::store::audit::AuditEntry;
use crate::store::csv;

/// `--json` and where the data is, shared by every listing.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

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

#[derive(Subcommand, Debug)]
pub enum RecipientCmd {
    /// Register a recipient (or update one).
    Add {
        /// Recipient ID, e.g. PX-482913.
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, default_value = "en")]
        language: String,
        #[command(flatten)]
        data: DataArgs,
    },
    List(ListArgs),
}

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

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

/// An engine with no lock bus on a config's existing database, for
/// commands that change data; logs go to its data directory.
fn open_engine(cfg: &Config) -> Result<Engine, Failure> {
    engine_on(cfg, super::open_beside_kiosk(cfg)?)
}

fn engine_on(cfg: &Config, store: Store) -> Result<Engine, Failure> {
    crate::logging::init(&cfg.kiosk.data_dir);
    let bank = BankLayout {
        name: String::new(),
        compartments: Vec::new(),
    };
    let settings = EngineSettings::load(cfg, &store).map_err(|e| Failure::Usage(e.to_string()))?;
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

/// Where a data command's calls go: the running kiosk, through its control
/// socket, or the database itself when no kiosk runs. The command does not
/// care which; the person only has to sign in when the kiosk runs.
enum Backend {
    Kiosk(Client),
    Database { engine: Box<Engine>, actor: Actor },
}

struct Data {
    cfg: Config,
    backend: Backend,
}

impl Data {
    fn open(args: &DataArgs) -> Result<Data, Failure> {
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
                        return Err(Failure::Failed("wrong user name or PIN".into()));
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
    fn read(&mut self, call: Call) -> Result<Reply, Failure> {
        match &mut self.backend {
            Backend::Kiosk(c) => c.call(call).map_err(remote),
            Backend::Database { engine, actor } => Ok(answer::on_engine(engine, actor, call)?),
        }
    }

    /// A command that changes something, saved before this returns.
    fn command(&mut self, command: Command) -> Result<Vec<Event>, Failure> {
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

fn remote(e: ClientError) -> Failure {
    Failure::Failed(e.to_string())
}

fn unexpected() -> Failure {
    Failure::Failed("the kiosk answered something unexpected".into())
}

/// Who signs in: `--user` (or LOCKER_USER) and LOCKER_PIN, or asked at the
/// terminal.
fn credentials(user: Option<&str>) -> Result<(String, String), Failure> {
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
            return Err(Failure::Usage(
                "the kiosk is running: sign in with --user NAME (or LOCKER_USER) and the PIN in LOCKER_PIN".into(),
            ));
        }
    };
    let pin = match std::env::var("LOCKER_PIN") {
        Ok(p) => p,
        Err(_) if at_terminal => prompt(&format!("PIN for {user}: "))?,
        Err(_) => {
            return Err(Failure::Usage(format!(
                "the PIN for {user}: set LOCKER_PIN or run at a terminal"
            )));
        }
    };
    Ok((user, pin))
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::Failed(e.to_string()))?;
    println!("{s}");
    Ok(())
}

pub fn init(data: &DataArgs, admin: &str) -> Result<(), Failure> {
    let cfg = data.load()?;
    validate_user_name(admin)?;
    let dir = &cfg.kiosk.data_dir;
    let existing = if Store::exists(dir) {
        let engine = open_engine(&cfg)?;
        if !matches!(engine.read(&operator(), Query::Users)?, Answer::Users(u) if u.is_empty()) {
            return Err(Failure::Failed(format!(
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

pub fn user(cmd: UserCmd) -> Result<(), Failure> {
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

pub fn recipient(cmd: RecipientCmd) -> Result<(), Failure> {
    match cmd {
        RecipientCmd::Add {
            id,
            name,
            email,
            phone,
            language,
            data,
        } => {
            let id = RecipientId::parse(&id).map_err(|e| Failure::Usage(e.to_string()))?;
            let language: Language = language.parse().map_err(Failure::Usage)?;
            let r = Recipient {
                id: id.clone(),
                name,
                email,
                phone,
                language,
                delegates: Vec::new(),
                vacation_until: None,
                closed: false,
            };
            r.validate()?;
            Data::open(&data)?.command(Command::AddRecipient { recipient: r })?;
            println!("saved recipient {id}");
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

pub fn parcel(cmd: ParcelCmd) -> Result<(), Failure> {
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

pub fn outbox(cmd: OutboxCmd) -> Result<(), Failure> {
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
            let transport = Transport::from_config(&data.cfg.notify, &data.cfg.kiosk.data_dir)
                .map_err(|e| Failure::Failed(e.0))?;
            let (sent, failed) = deliver_due(engine, &transport, &data.cfg.notify.from)?;
            engine.flush()?;
            println!("{sent} sent, {failed} to retry");
            return if failed == 0 {
                Ok(())
            } else {
                Err(Failure::Failed(format!("{failed} messages not delivered")))
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

pub fn audit(cmd: AuditCmd) -> Result<(), Failure> {
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
                Some(why) => Err(Failure::Failed(format!(
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
            let mut write = |e: AuditEntry| match format {
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
                    engine.each_audit_entry(actor, &mut write)?;
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

pub fn markers(cmd: MarkersCmd) -> Result<(), Failure> {
    let MarkersCmd::Export { format, data } = cmd;
    let Reply::Markers(markers) = Data::open(&data)?.read(Call::Markers)? else {
        return Err(unexpected());
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => crate::store::csv::write_markers(&markers, &mut out)?,
        Format::Jsonl => {
            for m in &markers {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(m).map_err(|e| Failure::Failed(e.to_string()))?
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
