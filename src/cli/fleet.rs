//! `locker fleet`: a support agent's commands on a property's broker
//! (docs/FLEET.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Subcommand;
use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

use super::CliError;
use crate::config::FleetConfig;
use crate::domain::CompartmentId;
use crate::fleet::FleetLink;
use crate::fleet::order::{Action, AgentKey, Order, Outcome};

/// How long `unlock` waits for the broker and then for the kiosk.
const WAIT: Duration = Duration::from_secs(20);

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
    /// Open a door of a kiosk; exits 0 once the kiosk confirms the pulse.
    Unlock {
        /// mqtt://HOST[:PORT]
        #[arg(long)]
        broker: String,
        #[arg(long)]
        site: String,
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
        /// The agent's user on the broker, if it asks for one.
        #[arg(long, requires = "password_file")]
        username: Option<String>,
        /// A file holding that user's broker password.
        #[arg(long, requires = "username")]
        password_file: Option<PathBuf>,
    },
}

pub fn run(cmd: FleetCmd) -> Result<(), CliError> {
    match cmd {
        FleetCmd::Keygen { name, out } => keygen(&name, &out),
        FleetCmd::Unlock {
            broker,
            site,
            key,
            kiosk,
            door,
            reason,
            username,
            password_file,
        } => {
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(CliError::Usage("--reason: say why the door opens".into()));
            }
            let agent = read_key(&key)?;
            let fleet = FleetConfig {
                broker: Some(broker),
                site: site.clone(),
                ..FleetConfig::default()
            };
            let Ok(Some((host, port))) = fleet.broker_addr() else {
                return Err(CliError::Usage(format!(
                    "--broker: {}",
                    fleet.broker_addr().err().unwrap_or_default()
                )));
            };
            let credentials = match (username, password_file) {
                (Some(user), Some(file)) => Some((
                    user,
                    crate::fleet::read_password(&file).map_err(CliError::Usage)?,
                )),
                _ => None,
            };
            let link = FleetLink {
                host,
                port,
                site,
                kiosk,
                credentials,
            };
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

fn read_key(path: &Path) -> Result<AgentKey, CliError> {
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
