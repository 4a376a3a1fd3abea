//! The retained `…/detail`: each door with the parcel in it and the open
//! alerts, for support (not for a building's dashboard: it names
//! recipients; the example ACL lets only agents read it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FleetState, actor};
use crate::domain::{CompartmentId, CompartmentState, ParcelId, Size};
use crate::engine::read::{Answer, ParcelList, Query};
use crate::engine::{Engine, EngineError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetDetail {
    pub v: u32,
    pub at: DateTime<Utc>,
    pub doors: Vec<DoorBrief>,
    /// Alerts nobody has acknowledged yet, oldest first.
    pub alerts: Vec<AlertBrief>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorBrief {
    pub door: CompartmentId,
    pub size: Size,
    pub state: CompartmentState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel: Option<ParcelBrief>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelBrief {
    pub id: ParcelId,
    /// `PX-…`.
    pub recipient: String,
    pub tracking: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertBrief {
    pub id: u64,
    pub at: DateTime<Utc>,
    /// The alert kind's machine name.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub door: Option<CompartmentId>,
    /// As stored: read it with `wording::reword`.
    pub text: String,
}

/// The retained `state` and `detail` as the bank is now, from one read of
/// the doors, the parcels and the alerts.
pub(super) fn read_state(e: &Engine) -> Result<(FleetState, FleetDetail), EngineError> {
    let (Answer::Bank(bank), Answer::Parcels(ParcelList::Live, parcels), Answer::Alerts(alerts)) = (
        e.read(&actor(), Query::Bank)?,
        e.read(&actor(), Query::Parcels(String::new()))?,
        e.read(&actor(), Query::Alerts)?,
    ) else {
        return Err(EngineError::Invalid("detail".into()));
    };
    let doors = bank
        .rows
        .iter()
        .map(|row| DoorBrief {
            door: row.id,
            size: row.size,
            state: row.state,
            parcel: parcels
                .iter()
                .find(|p| Some(p.id) == row.parcel)
                .map(|p| ParcelBrief {
                    id: p.id,
                    recipient: p.recipient.clone(),
                    tracking: p.tracking.clone(),
                    deadline: p.deadline,
                }),
        })
        .collect();
    let alerts: Vec<AlertBrief> = alerts
        .iter()
        .filter(|a| a.acknowledged.is_none())
        .map(|a| AlertBrief {
            id: a.id,
            at: a.at,
            kind: serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            door: a.compartment,
            text: a.text.clone(),
        })
        .collect();
    let mut by_state = std::collections::BTreeMap::new();
    for s in CompartmentState::ALL {
        by_state.insert(s.as_str().to_string(), 0);
    }
    for row in &bank.rows {
        *by_state.entry(row.state.as_str().to_string()).or_default() += 1;
    }
    let at = e.now();
    let state = FleetState {
        v: 1,
        at,
        doors: by_state,
        boards: bank.boards,
        open_alerts: alerts.len(),
    };
    Ok((
        state,
        FleetDetail {
            v: 1,
            at,
            doors,
            alerts,
        },
    ))
}
