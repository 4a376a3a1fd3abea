//! The support agent's end of an order: signed here, sent through the
//! property's broker, and the kiosk's answer awaited.

use std::time::{Duration, Instant};

use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

use super::FleetLink;
use super::order::{Action, AgentKey, Order, Outcome, max_life};

/// The shortest life an order is given, so that a kiosk whose clock is a
/// little behind or ahead still takes it.
const MIN_LIFE: Duration = Duration::from_secs(60);

/// Signs `action` as `agent` for the kiosk `link` names, sends it, and
/// waits up to `wait` for that kiosk's answer. Blocks: call it from a
/// thread of its own, not from async code. The error is one line: the
/// broker could not be reached, or no answer came in time.
///
/// The order lives as long as the wait (at least a minute, at most the
/// five minutes an order may), so one that found no answer is not carried
/// out much later.
pub fn send_order(
    link: &FleetLink,
    agent: &AgentKey,
    action: Action,
    wait: Duration,
) -> Result<Outcome, String> {
    let life = wait.clamp(MIN_LIFE, max_life().to_std().unwrap_or(MIN_LIFE));
    let signed = Order::new(
        &agent.name,
        &link.site,
        &link.kiosk,
        action,
        chrono::Utc::now(),
        chrono::Duration::from_std(life).unwrap_or_else(|_| max_life()),
    )
    .sign(agent);
    let id = signed.order.id.clone();
    let expires = signed.order.expires;
    let opts = link.options(format!("locker-support-{}-{}", agent.name, &id[..8]));
    let (client, mut connection) = Client::new(opts, 16);
    let unreachable =
        |e: &dyn std::fmt::Display| format!("broker {}:{}: {e}", link.host, link.port);
    client
        .subscribe(link.results_topic(), QoS::AtLeastOnce)
        .map_err(|e| unreachable(&e))?;
    let deadline = Instant::now() + wait;
    let mut sent = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let notification = match connection.recv_timeout(left) {
            Ok(n) => n,
            // Nothing more within the wait.
            Err(_) => break,
        };
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
    if !sent {
        return Err(format!(
            "broker {}:{}: no answer within {} s",
            link.host,
            link.port,
            wait.as_secs()
        ));
    }
    Err(format!(
        "no answer from kiosk {} within {} s: it may be offline (the order expires unused at {})",
        link.kiosk,
        wait.as_secs(),
        expires.format("%H:%M:%S UTC")
    ))
}
