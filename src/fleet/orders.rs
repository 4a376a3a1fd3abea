//! Support's orders at the kiosk: each checked (signature, site and kiosk,
//! life, a first sighting), carried out as the agent, audited, and
//! answered.

use rumqttc::{AsyncClient, QoS};
use tokio::sync::mpsc;

use super::order::{self, Action, Outcome, Signed, SupportKey};
use super::{FleetLink, actor};
use crate::domain::{RecipientChange, RecipientId};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, EngineError, Rejection};
use crate::link::Failure;

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
        let outcome = match Signed::read(&payload) {
            Err(e) => refused(&engine, &e.id, &e.agent, e.why).await,
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
        let mut outcome = refused(engine, &order.id, &order.agent, e.to_string()).await;
        outcome.failure = Some(Failure::from(&e));
        return outcome;
    }
    let (done, said, failure) = match act(engine, actor, &order.action).await {
        Ok(said) => (true, said, None),
        Err(e) => (false, e.to_string(), Some(Failure::from(&e))),
    };
    Outcome {
        v: 1,
        id: order.id.clone(),
        done,
        said,
        failure,
    }
}

/// Carries out one action as `actor`: what happened, or the engine's
/// reason for not doing it.
async fn act(engine: &EngineHandle, actor: Actor, action: &Action) -> Result<String, EngineError> {
    let send = |command: Command| {
        let actor = actor.clone();
        async move { engine.send_shared(actor, command).await }
    };
    match action.clone() {
        Action::Unlock { door, reason } => {
            send(Command::ManualUnlock {
                compartment: door,
                reason,
            })
            .await?;
            Ok(format!("door {door} pulsed"))
        }
        Action::Resend { parcel } => {
            send(Command::ResendCode { parcel }).await?;
            Ok(format!("a new code for parcel {parcel} is on its way"))
        }
        Action::Extend {
            parcel,
            days,
            reason,
        } => {
            send(Command::ExtendHold {
                parcel,
                days,
                reason,
            })
            .await?;
            Ok(format!("parcel {parcel} held {days} more days"))
        }
        Action::Vacation { recipient, until } => {
            send(Command::SetVacation {
                recipient: recipient.clone(),
                until,
            })
            .await?;
            let recipient = named(&recipient);
            Ok(match until {
                Some(day) => format!("{recipient} on vacation until {day}"),
                None => format!("{recipient} back from vacation"),
            })
        }
        Action::Acknowledge { alert, note } => {
            send(Command::AcknowledgeAlert { id: alert, note }).await?;
            Ok(format!("alert {alert} acknowledged"))
        }
        Action::SaveRecipient { recipient } => {
            let id = recipient.id.clone();
            let change = RecipientChange {
                name: Some(recipient.name.clone()),
                email: Some(recipient.email.clone()),
                phone: recipient.phone.clone(),
                notify_by: Some(recipient.notify_by),
                language: Some(recipient.language),
                delegates: Some(recipient.delegates.clone()),
            };
            let added = engine
                .send_shared(actor.clone(), Command::AddRecipient { recipient })
                .await;
            match added {
                Ok(_) => Ok(format!("{id} added")),
                Err(EngineError::Rejected(Rejection::RecipientExists { .. })) => {
                    send(Command::UpdateRecipient {
                        recipient: id.to_string(),
                        change,
                    })
                    .await?;
                    Ok(format!("{id} updated"))
                }
                Err(e) => Err(e),
            }
        }
        Action::CloseAccount { recipient } => {
            send(Command::CloseAccount {
                recipient: recipient.clone(),
            })
            .await?;
            let recipient = named(&recipient);
            Ok(format!("{recipient} closed"))
        }
        Action::RemoveUser { name } => {
            send(Command::RemoveUser { name: name.clone() }).await?;
            Ok(format!("account {name} removed"))
        }
    }
}

/// A recipient as the kiosk names it (`PX-111111` for `111111`).
fn named(recipient: &str) -> String {
    RecipientId::parse(recipient).map_or_else(|_| recipient.to_string(), |id| id.to_string())
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
        failure: None,
    }
}
