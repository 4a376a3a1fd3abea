//! `locker fleet`: a support agent's commands on a property's broker
//! (docs/FLEET.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

use super::CliError;
use crate::config::broker_addr;
use crate::domain::CompartmentId;
use crate::fleet::order::{Action, AgentKey, Order, Outcome};
use crate::fleet::tls::{TlsFiles, TlsPart};
use crate::fleet::{FleetLink, FleetState};

/// How long `unlock` waits for the broker and then for the kiosk.
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
        broker: BrokerArgs,
        /// The agent's key file from `locker fleet keygen`.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        kiosk: String,
        #[arg(long)]
        door: u16,
        /// Why, for the kiosk's audit log.
        #[arg(long)]
        reason: String,
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
            broker,
            key,
            kiosk,
            door,
            reason,
        } => {
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(CliError::Usage("--reason: say why the door opens".into()));
            }
            let agent = read_key(&key)?;
            let link = broker.link(&kiosk)?;
            let action = Action::Unlock {
                door: CompartmentId(door),
                reason,
            };
            let outcome = order(&link, &agent, action)?;
            println!("{}: {}", link.kiosk, outcome.said);
            if outcome.done {
                Ok(())
            } else {
                Err(CliError::Failed(outcome.said))
            }
        }
    }
}

/// What one kiosk last published about itself.
#[derive(Debug, Default, serde::Serialize)]
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
    let mut kiosks: std::collections::BTreeMap<String, KioskStatus> = Default::default();
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
                // locker/v1/<site>/<kiosk>/<what>
                let parts: Vec<&str> = p.topic.split('/').collect();
                if let [_, _, _, kiosk, what] = parts[..] {
                    let k = kiosks.entry(kiosk.to_string()).or_default();
                    match what {
                        "online" => k.online = &p.payload[..] == b"true",
                        "state" => k.state = serde_json::from_slice(&p.payload).ok(),
                        _ => {}
                    }
                }
                if quiet_from.is_some() {
                    quiet_from = Some(Instant::now());
                }
            }
            _ => {}
        }
    }
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

/// Sends a signed order and waits for the kiosk's answer to it.
fn order(link: &FleetLink, agent: &AgentKey, action: Action) -> Result<Outcome, CliError> {
    let signed = Order::new(
        &agent.name,
        &link.site,
        &link.kiosk,
        action,
        chrono::Utc::now(),
        chrono::Duration::minutes(1),
    )
    .sign(agent);
    let id = signed.order.id.clone();
    let opts = link.options(format!("locker-support-{}-{}", agent.name, &id[..8]));
    let (client, mut connection) = Client::new(opts, 16);
    let unreachable = |e: &dyn std::fmt::Display| {
        CliError::Failed(format!("broker {}:{}: {e}", link.host, link.port))
    };
    client
        .subscribe(link.results_topic(), QoS::AtLeastOnce)
        .map_err(|e| unreachable(&e))?;
    let deadline = Instant::now() + WAIT;
    let mut sent = false;
    for notification in connection.iter() {
        if Instant::now() > deadline {
            break;
        }
        match notification {
            Ok(MqttEvent::Incoming(Packet::SubAck(_))) if !sent => {
                let payload = serde_json::to_vec(&signed).unwrap_or_default();
                client
                    .publish(link.orders_topic(), QoS::AtLeastOnce, false, payload)
                    .map_err(|e| unreachable(&e))?;
                sent = true;
            }
            Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                if let Ok(outcome) = serde_json::from_slice::<Outcome>(&p.payload)
                    && outcome.id == id
                {
                    return Ok(outcome);
                }
            }
            Ok(_) => {}
            Err(e) => return Err(unreachable(&e)),
        }
    }
    Err(CliError::Failed(format!(
        "no answer from kiosk {} within {} s: it may be offline (the order expires unused)",
        link.kiosk,
        WAIT.as_secs()
    )))
}
