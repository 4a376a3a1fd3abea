//! Commands that read or change the parcel database.

use std::io::Write;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};

use super::pin::read_pin_twice;
use super::{DataArgs, Failure};
use crate::bus::NoBus;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::{Language, Recipient, RecipientId, Role};
use crate::engine::{Actor, Command, Engine, EngineSettings, query};
use crate::hardware::BankLayout;
use crate::notify::Transport;
use crate::notify::worker::deliver_due;
use crate::store::{Store, audit};

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

/// Opens the store of a config; logs go to its data directory.
fn open_store(cfg: &Config) -> Result<Store, Failure> {
    let store = Store::open(&cfg.kiosk.data_dir)?;
    crate::logging::init(&cfg.kiosk.data_dir);
    Ok(store)
}

/// An engine with no lock bus, for commands that change data.
fn open_engine(cfg: &Config) -> Result<Engine, Failure> {
    let store = open_store(cfg)?;
    let bank = BankLayout {
        name: String::new(),
        compartments: Vec::new(),
    };
    Ok(Engine::open(
        store,
        Box::new(NoBus),
        bank,
        Arc::new(SystemClock),
        EngineSettings::from_config(cfg),
    )?)
}

fn operator() -> Actor {
    Actor::Local {
        name: std::env::var("USER").unwrap_or_else(|_| "root".into()),
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::Failed(e.to_string()))?;
    println!("{s}");
    Ok(())
}

pub fn init(data: &DataArgs, admin: &str) -> Result<(), Failure> {
    let cfg = data.load()?;
    let mut engine = open_engine(&cfg)?;
    if !query::users(engine.store())?.is_empty() {
        return Err(Failure::Failed(format!(
            "{} is already initialised",
            cfg.kiosk.data_dir.display()
        )));
    }
    let pin = read_pin_twice(&format!("PIN for admin {admin}"))?;
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
    engine.store().flush()?;
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
            let cfg = data.load()?;
            let mut engine = open_engine(&cfg)?;
            let pin = read_pin_twice(&format!("PIN for {name}"))?;
            engine.handle(
                &operator(),
                Command::AddUser {
                    name: name.clone(),
                    role,
                    pin,
                    badge,
                    carrier_email,
                },
            )?;
            engine.store().flush()?;
            println!("added {role} {name}");
        }
        UserCmd::List(ListArgs { json, data }) => {
            let store = open_store(&data.load()?)?;
            let users = query::users(&store)?;
            if json {
                let rows: Vec<_> = users
                    .iter()
                    .map(|u| serde_json::json!({ "name": u.name, "role": u.role, "badge": u.badge_hash.is_some() }))
                    .collect();
                print_json(&rows)?;
            } else {
                for u in users {
                    println!(
                        "{:<20} {:<11} {}",
                        u.name,
                        u.role.as_str(),
                        if u.badge_hash.is_some() { "badge" } else { "" }
                    );
                }
            }
        }
        UserCmd::Remove { name, data } => {
            let mut engine = open_engine(&data.load()?)?;
            engine.handle(&operator(), Command::RemoveUser { name: name.clone() })?;
            engine.store().flush()?;
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
            let mut engine = open_engine(&data.load()?)?;
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
            engine.handle(&operator(), Command::AddRecipient { recipient: r })?;
            engine.store().flush()?;
            println!("saved recipient {id}");
        }
        RecipientCmd::List(ListArgs { json, data }) => {
            let store = open_store(&data.load()?)?;
            let all = query::recipients(&store)?;
            if json {
                print_json(&all)?;
            } else {
                for r in all {
                    let state = if r.closed { "closed" } else { "" };
                    println!("{:<10} {:<24} {:<32} {state}", r.id, r.name, r.email);
                }
            }
        }
    }
    Ok(())
}

pub fn parcel(cmd: ParcelCmd) -> Result<(), Failure> {
    let ParcelCmd::List { json, all, data } = cmd;
    let cfg = data.load()?;
    let store = open_store(&cfg)?;
    let parcels = if all {
        query::all_parcels(&store)?
    } else {
        query::live_parcels(&store)?
    };
    if json {
        return print_json(&parcels);
    }
    for p in parcels {
        let deadline = p
            .deadline
            .map(|d| {
                d.with_timezone(&cfg.kiosk.time_zone)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        println!(
            "{:<8} door {:<4} {:<10} {:<10} {:<20} {deadline}",
            p.id.to_string(),
            p.compartment.to_string(),
            p.state.as_str(),
            p.recipient.to_string(),
            p.tracking
        );
    }
    Ok(())
}

pub fn outbox(cmd: OutboxCmd) -> Result<(), Failure> {
    let (json, data) = match cmd {
        OutboxCmd::List(ListArgs { json, data }) => (json, data),
        OutboxCmd::Retry { id, data } => {
            let mut engine = open_engine(&data.load()?)?;
            engine.handle(&operator(), Command::RetryMessages { id })?;
            engine.store().flush()?;
            println!("queued for delivery");
            return Ok(());
        }
        OutboxCmd::Deliver { data } => {
            let cfg = data.load()?;
            let mut engine = open_engine(&cfg)?;
            let transport = Transport::from_config(&cfg.notify, &cfg.kiosk.data_dir)
                .map_err(|e| Failure::Failed(e.0))?;
            let (sent, failed) = deliver_due(&mut engine, &transport, &cfg.notify.from)?;
            engine.store().flush()?;
            println!("{sent} sent, {failed} to retry");
            return if failed == 0 {
                Ok(())
            } else {
                Err(Failure::Failed(format!("{failed} messages not delivered")))
            };
        }
    };
    let store = open_store(&data.load()?)?;
    let msgs = query::outbox(&store)?;
    if json {
        // Plaintext codes never leave through a listing.
        let rows: Vec<_> = msgs
            .iter()
            .map(|n| serde_json::json!({ "id": n.id, "kind": n.kind, "to": n.to, "state": n.state, "parcel": n.parcel, "created_at": n.created_at, "attempts": n.attempts, "next_attempt": n.next_attempt, "last_error": n.last_error }))
            .collect();
        return print_json(&rows);
    }
    for n in msgs {
        println!(
            "{:<6} {:<18} {:<8} {}",
            n.id,
            format!("{:?}", n.kind),
            format!("{:?}", n.state),
            n.to.join(", ")
        );
    }
    Ok(())
}

pub fn audit(cmd: AuditCmd) -> Result<(), Failure> {
    match cmd {
        AuditCmd::Verify { data } => {
            let store = open_store(&data.load()?)?;
            let report = audit::verify(&store)?;
            match report.broken {
                None => {
                    println!("audit chain ok: {} entries checked", report.checked);
                    Ok(())
                }
                Some(why) => Err(Failure::Failed(format!(
                    "audit chain broken after {} good entries: {why}",
                    report.checked
                ))),
            }
        }
        AuditCmd::Export { format, data } => {
            let store = open_store(&data.load()?)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Format::Csv = format {
                writeln!(out, "seq,at,actor,action,compartment,parcel,detail")?;
            }
            audit::for_each(&store, |e| match format {
                Format::Jsonl => writeln!(out, "{}", serde_json::to_string(&e).unwrap_or_default()),
                Format::Csv => writeln!(
                    out,
                    "{},{},{},{},{},{},{}",
                    e.seq,
                    e.at.to_rfc3339(),
                    csv(&e.actor),
                    csv(&e.action),
                    e.compartment.map(|c| c.to_string()).unwrap_or_default(),
                    e.parcel.map(|p| p.to_string()).unwrap_or_default(),
                    csv(&e.detail)
                ),
            })?;
            out.flush()?;
            Ok(())
        }
    }
}

pub fn markers(cmd: MarkersCmd) -> Result<(), Failure> {
    let MarkersCmd::Export { format, data } = cmd;
    let store = open_store(&data.load()?)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => write_markers_csv(&store, &mut out)?,
        Format::Jsonl => {
            for m in query::markers(&store)? {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&m).map_err(|e| Failure::Failed(e.to_string()))?
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The CCTV markers as CSV, header first (the command line and the admin
/// console's export).
pub fn write_markers_csv(store: &Store, out: &mut impl Write) -> Result<(), Failure> {
    writeln!(out, "id,at,kiosk,compartment,camera,kind,actor,note")?;
    for m in query::markers(store)? {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            m.id,
            m.at.to_rfc3339(),
            csv(&m.kiosk),
            m.compartment.map(|c| c.to_string()).unwrap_or_default(),
            csv(m.camera.as_deref().unwrap_or("")),
            csv(&format!("{:?}", m.kind)),
            csv(&m.actor),
            csv(&m.note)
        )?;
    }
    Ok(())
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
