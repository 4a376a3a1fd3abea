//! `locker fleet`: a support agent's commands on a property's broker
//! (docs/FLEET.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

use super::CliError;
use crate::config::broker_addr;
use crate::domain::{CompartmentId, ParcelId, RecipientId};
use crate::fleet::agent::send_order;
use crate::fleet::order::{Action, AgentKey};
use crate::fleet::tls::{TlsFiles, TlsPart};
use crate::fleet::{FleetLink, FleetState};

/// How long an order waits for the broker and then for the kiosk.
const WAIT: Duration = Duration::from_secs(20);
/// `status` ends once the broker has been quiet this long after the
/// retained messages.
const QUIET: Duration = Duration::from_millis(500);

/// Where the property's broker is, and who this is on it.
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// mqtt://HOST[:PORT] (1883), or mqtts://HOST[:PORT] (8883) with --ca
    #[arg(long)]
    broker: String,
    /// The property.
    #[arg(long)]
    site: String,
    /// Your user on the broker, if it asks for one.
    #[arg(long, requires = "password_file")]
    username: Option<String>,
    /// A file holding that user's broker password.
    #[arg(long, requires = "username")]
    password_file: Option<PathBuf>,
    /// With mqtts://: the authority (PEM) the broker's certificate must
    /// chain to.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// With mqtts://, for a broker that asks for one: your certificate
    /// (PEM), its private key in --cert-key.
    #[arg(long, value_name = "FILE", requires_all = ["cert_key", "ca"])]
    cert: Option<PathBuf>,
    /// The private key (PEM) of --cert (not an agent's signing key).
    #[arg(long, value_name = "FILE", requires = "cert")]
    cert_key: Option<PathBuf>,
}

impl BrokerArgs {
    /// The broker, as a link to `kiosk` (`+` for every kiosk of the site).
    pub(super) fn link(&self, kiosk: &str) -> Result<FleetLink, CliError> {
        let addr =
            broker_addr(&self.broker).map_err(|e| CliError::Usage(format!("--broker: {e}")))?;
        let credentials = match (&self.username, &self.password_file) {
            (Some(user), Some(file)) => Some((
                user.clone(),
                crate::fleet::read_password(file).map_err(CliError::Usage)?,
            )),
            _ => None,
        };
        Ok(FleetLink {
            host: addr.host,
            port: addr.port,
            site: self.site.clone(),
            kiosk: kiosk.to_string(),
            credentials,
            tls: self.tls(addr.tls)?,
        })
    }

    /// The TLS files, read and checked, for an mqtts:// broker.
    fn tls(&self, mqtts: bool) -> Result<Option<TlsFiles>, CliError> {
        let usage = |flag: &str, reason: &str| Err(CliError::Usage(format!("{flag}: {reason}")));
        match (&self.ca, mqtts) {
            (None, false) => Ok(None),
            (None, true) => usage(
                "--ca",
                "required with mqtts://: the authority the broker's certificate must chain to",
            ),
            (Some(_), false) => usage("--ca", "only with an mqtts:// broker"),
            (Some(ca), true) => {
                let client = self.cert.as_deref().zip(self.cert_key.as_deref());
                TlsFiles::read(ca, client).map(Some).map_err(|e| {
                    let flag = match e.part {
                        TlsPart::Ca => "--ca",
                        TlsPart::Cert => "--cert",
                        TlsPart::Key => "--cert-key",
                    };
                    CliError::Usage(format!("{flag}: {}", e.reason))
                })
            }
        }
    }
}

/// Who sends an order, through which broker, to which kiosk.
#[derive(Debug, Args)]
pub struct OrderArgs {
    #[command(flatten)]
    broker: BrokerArgs,
    /// The agent's key file from `locker fleet keygen`.
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    kiosk: String,
}

impl OrderArgs {
    /// Signs and sends `action`, waits for the kiosk's answer and prints
    /// it: done, or refused with the kiosk's reason (exit 1).
    fn send(&self, action: Action) -> Result<(), CliError> {
        let agent = read_key(&self.key)?;
        let link = self.broker.link(&self.kiosk)?;
        let outcome = send_order(&link, &agent, action, WAIT).map_err(CliError::Failed)?;
        println!("{}: {}", link.kiosk, outcome.said);
        if outcome.done {
            Ok(())
        } else {
            Err(CliError::Failed(outcome.said))
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum FleetCmd {
    /// Make an agent's signing key; prints the NAME:PUBLICKEY line for the
    /// kiosks' `fleet.support_keys`.
    Keygen {
        /// The agent's name, as the kiosks' audit logs will show it.
        #[arg(long)]
        name: String,
        /// Where the secret key goes (made readable by its owner only).
        #[arg(long)]
        out: PathBuf,
    },
    /// Make the property's site key: the same file goes to each of its
    /// kiosks as `fleet.site_key_file`.
    Sitekey {
        /// Where the key goes (made readable by its owner only).
        #[arg(long)]
        out: PathBuf,
    },
    /// Every kiosk of a site: online or not, its doors, boards and open
    /// alerts, as each last published them.
    Status {
        #[command(flatten)]
        broker: BrokerArgs,
        /// A JSON object keyed by kiosk id.
        #[arg(long)]
        json: bool,
    },
    /// Open a door of a kiosk; exits 0 once the kiosk confirms the pulse.
    Unlock {
        #[command(flatten)]
        order: OrderArgs,
        #[arg(long)]
        door: u16,
        /// Why, for the kiosk's audit log.
        #[arg(long)]
        reason: String,
    },
    /// Send a waiting parcel's recipient a new code (the old one stops
    /// working).
    Resend {
        #[command(flatten)]
        order: OrderArgs,
        /// The parcel: 7 or P000007.
        #[arg(long, value_parser = parse_parcel)]
        parcel: ParcelId,
    },
    /// Hold a waiting parcel some days longer.
    Extend {
        #[command(flatten)]
        order: OrderArgs,
        /// The parcel: 7 or P000007.
        #[arg(long, value_parser = parse_parcel)]
        parcel: ParcelId,
        /// 1 to 30.
        #[arg(long)]
        days: u32,
        /// Why, for the kiosk's audit log.
        #[arg(long)]
        reason: String,
    },
    /// Put a recipient on vacation until a day (inclusive), or end it.
    Vacation {
        #[command(flatten)]
        order: OrderArgs,
        /// The recipient's ID: 111111 or PX-111111.
        #[arg(long, value_parser = parse_recipient)]
        recipient: String,
        /// The last day of the vacation, YYYY-MM-DD.
        #[arg(long, required_unless_present = "off", conflicts_with = "off")]
        until: Option<NaiveDate>,
        /// End the vacation.
        #[arg(long)]
        off: bool,
    },
    /// Acknowledge an open alert of a kiosk.
    Ack {
        #[command(flatten)]
        order: OrderArgs,
        /// The alert's number.
        #[arg(long)]
        alert: u64,
        /// What was done about it, for the kiosk's audit log.
        #[arg(long)]
        note: String,
    },
}

pub fn run(cmd: FleetCmd) -> Result<(), CliError> {
    match cmd {
        FleetCmd::Keygen { name, out } => keygen(&name, &out),
        FleetCmd::Sitekey { out } => {
            if out.exists() {
                return Err(CliError::Usage(format!(
                    "{}: exists already (kiosks hold codes under it)",
                    out.display()
                )));
            }
            crate::domain::CodeKeys::generate()
                .save_titled(
                    &out,
                    "locker site key: the same file at every kiosk of the property, secret to them.",
                )
                .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
            println!("{}", out.display());
            Ok(())
        }
        FleetCmd::Status { broker, json } => status(&broker.link("+")?, json),
        FleetCmd::Unlock {
            order,
            door,
            reason,
        } => order.send(Action::Unlock {
            door: CompartmentId(door),
            reason: said_why("--reason", "say why the door opens", &reason)?,
        }),
        FleetCmd::Resend { order, parcel } => order.send(Action::Resend { parcel }),
        FleetCmd::Extend {
            order,
            parcel,
            days,
            reason,
        } => {
            let range = crate::domain::hold::EXTENSION_DAYS;
            if !range.contains(&days) {
                return Err(CliError::Usage(format!(
                    "--days: {} to {}",
                    range.start(),
                    range.end()
                )));
            }
            order.send(Action::Extend {
                parcel,
                days,
                reason: said_why("--reason", "say why the parcel stays longer", &reason)?,
            })
        }
        FleetCmd::Vacation {
            order,
            recipient,
            until,
            off: _,
        } => order.send(Action::Vacation { recipient, until }),
        FleetCmd::Ack { order, alert, note } => order.send(Action::Acknowledge {
            alert,
            note: said_why("--note", "say what was done about the alert", &note)?,
        }),
    }
}

/// A reason or note for the audit log: not blank.
fn said_why(flag: &str, ask: &str, text: &str) -> Result<String, CliError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CliError::Usage(format!("{flag}: {ask}")));
    }
    Ok(text.to_string())
}

fn parse_parcel(s: &str) -> Result<ParcelId, String> {
    let digits = s.trim().trim_start_matches(['P', 'p']);
    digits
        .parse()
        .map(ParcelId)
        .map_err(|_| format!("{s:?}: a parcel number, e.g. 7 or P000007"))
}

fn parse_recipient(s: &str) -> Result<String, String> {
    RecipientId::parse(s)
        .map(|id| id.to_string())
        .map_err(|e| format!("{s:?}: {e}"))
}

/// What one kiosk last published about itself.
#[derive(Debug, serde::Serialize)]
struct KioskStatus {
    online: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<FleetState>,
}

/// Reads the site's retained `online` and `state` topics: the broker hands
/// them over at once on subscribing; a short quiet spell ends the listing.
fn status(site: &FleetLink, json: bool) -> Result<(), CliError> {
    let (client, mut connection) = Client::new(
        site.options(format!(
            "locker-status-{}",
            hex::encode(rand::random::<[u8; 4]>())
        )),
        16,
    );
    let unreachable = |e: &dyn std::fmt::Display| {
        CliError::Failed(format!("broker {}:{}: {e}", site.host, site.port))
    };
    for topic in [site.online_topic(), site.state_topic()] {
        client
            .subscribe(topic, QoS::AtLeastOnce)
            .map_err(|e| unreachable(&e))?;
    }
    let mut view = crate::fleet::watch::SiteView::default();
    let mut subscribed = 0;
    let mut quiet_from: Option<Instant> = None;
    loop {
        let n = match connection.recv_timeout(Duration::from_millis(100)) {
            Ok(n) => n,
            Err(_) => {
                if quiet_from.is_some_and(|t| t.elapsed() > QUIET) {
                    break;
                }
                continue;
            }
        };
        match n.map_err(|e| unreachable(&e))? {
            MqttEvent::Incoming(Packet::SubAck(_)) => {
                subscribed += 1;
                if subscribed == 2 {
                    quiet_from = Some(Instant::now());
                }
            }
            MqttEvent::Incoming(Packet::Publish(p)) => {
                view.take(&p.topic, &p.payload);
                if quiet_from.is_some() {
                    quiet_from = Some(Instant::now());
                }
            }
            _ => {}
        }
    }
    let kiosks: std::collections::BTreeMap<String, KioskStatus> = view
        .kiosks
        .into_iter()
        .map(|(id, k)| {
            let status = KioskStatus {
                online: k.online == Some(true),
                state: k.state,
            };
            (id, status)
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&kiosks).unwrap_or_default()
        );
        return Ok(());
    }
    if kiosks.is_empty() {
        println!("no kiosk of {} has published on this broker", site.site);
    }
    for (id, k) in &kiosks {
        let presence = if k.online { "online" } else { "offline" };
        let Some(s) = &k.state else {
            println!("{id}  {presence}");
            continue;
        };
        let doors: Vec<String> = s
            .doors
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(state, n)| format!("{n} {state}"))
            .collect();
        let up = s.boards.iter().filter(|b| b.1).count();
        println!(
            "{id}  {presence}  doors: {}  boards {up}/{} answer  open alerts {}  (as of {})",
            doors.join(", "),
            s.boards.len(),
            s.open_alerts,
            s.at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(())
}

fn keygen(name: &str, out: &Path) -> Result<(), CliError> {
    let key = AgentKey::generate(name).map_err(CliError::Usage)?;
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(out)
            .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?
    };
    file.write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    println!("{}", key.public().line());
    Ok(())
}

pub(super) fn read_key(path: &Path) -> Result<AgentKey, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
    AgentKey::parse(&text).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}
