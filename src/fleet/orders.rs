//! Support's orders at the kiosk: each checked (signature, site and kiosk,
//! life, a first sighting), carried out as the agent, audited, and
//! answered.

use rumqttc::{AsyncClient, QoS};
use tokio::sync::mpsc;

use super::order::{self, Action, Outcome, Signed, SupportKey};
use super::{FleetLink, actor};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command};

/// Carries out support's orders one at a time: each checked (signature,
/// kiosk, life), accepted once, done as the agent, and answered on the
/// results topic (QoS 0: the publisher alone waits for acknowledgements).
/// A refused order is audited with its agent and why.
pub(super) async fn serve_orders(
    engine: EngineHandle,
    client: AsyncClient,
    link: FleetLink,
    keys: Vec<SupportKey>,
    mut orders: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    while let Some(payload) = orders.recv().await {
        // Orders live in wall-clock time, between machines.
        let now = chrono::Utc::now();
        let outcome = match serde_json::from_slice::<Signed>(&payload) {
            Err(_) => refused(&engine, "", "?", "an order that could not be read".into()).await,
            Ok(signed) => match signed.check(&keys, &link.site, &link.kiosk, now) {
                Err(why) => {
                    let o = &signed.order;
                    refused(&engine, &o.id, &o.agent, why.to_string()).await
                }
                Ok(order) => carry_out(&engine, order).await,
            },
        };
        let payload = serde_json::to_vec(&outcome).unwrap_or_default();
        if let Err(e) = client
            .publish(link.results_topic(), QoS::AtMostOnce, false, payload)
            .await
        {
            tracing::warn!(error = %e, "could not answer an order");
        }
    }
}

fn agent_actor(agent: &str) -> Actor {
    Actor::Local {
        name: format!("support:{agent}"),
    }
}

async fn carry_out(engine: &EngineHandle, order: &order::Order) -> Outcome {
    let actor = agent_actor(&order.agent);
    let accepted = engine
        .send(
            actor.clone(),
            Command::AcceptRemote {
                id: order.id.clone(),
                until: order.expires,
            },
        )
        .await;
    if let Err(e) = accepted {
        return refused(engine, &order.id, &order.agent, e.to_string()).await;
    }
    let Action::Unlock { door, reason } = &order.action;
    let done = engine
        .send_shared(
            actor,
            Command::ManualUnlock {
                compartment: *door,
                reason: reason.clone(),
            },
        )
        .await;
    match done {
        Ok(_) => Outcome {
            v: 1,
            id: order.id.clone(),
            done: true,
            said: format!("door {door} pulsed"),
        },
        Err(e) => Outcome {
            v: 1,
            id: order.id.clone(),
            done: false,
            said: e.to_string(),
        },
    }
}

async fn refused(engine: &EngineHandle, id: &str, agent: &str, why: String) -> Outcome {
    let detail = format!("order {id} from {agent} refused: {why}");
    let actor = actor();
    let recorded = {
        let detail = detail.clone();
        engine
            .inspect(move |e| e.record_call(&actor, "fleet", &detail))
            .await
    };
    if !matches!(recorded, Some(Ok(()))) {
        tracing::warn!(%detail, "could not audit a refused order");
    }
    Outcome {
        v: 1,
        id: id.to_string(),
        done: false,
        said: why,
    }
}
