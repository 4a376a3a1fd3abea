//! The main menu: what each role sees. Hiding is a courtesy; the engine
//! refuses whatever a role may not do, whatever the screen shows.

use crate::domain::permission::allows;
use crate::domain::{Permission, Role};
use crate::engine::read::Query;
use crate::wording::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuItem {
    pub key: u8,
    pub label: Text,
    pub query: Query,
}

const ITEMS: [(u8, Text, Permission); 9] = [
    (1, Text::MenuBank, Permission::BusDiagnostics),
    (2, Text::MenuParcels, Permission::ViewParcels),
    // Expired parcels are a list of the parcels screen (its 9).
    (3, Text::MenuReturnAuths, Permission::IssueReturns),
    (4, Text::MenuPeople, Permission::ManageUsers),
    (5, Text::MenuMarkers, Permission::Markers),
    (6, Text::MenuAudit, Permission::ViewAudit),
    (7, Text::MenuBus, Permission::BusDiagnostics),
    (8, Text::MenuAlerts, Permission::AcknowledgeAlerts),
    (9, Text::MenuOutbox, Permission::Outbox),
];

fn query_of(key: u8) -> Query {
    match key {
        1 => Query::Bank,
        2 => Query::Parcels(String::new()),
        3 => Query::Returns,
        4 => Query::People,
        5 => Query::Markers(Default::default()),
        6 => Query::Audit {
            before: None,
            filter: Default::default(),
        },
        7 => Query::Bus,
        8 => Query::Alerts,
        _ => Query::Outbox,
    }
}

/// The items `role` may use, in key order; with `bus_only` (a service
/// laptop) those the boards alone can answer.
pub fn items(role: Role, bus_only: bool) -> Vec<MenuItem> {
    ITEMS
        .iter()
        .filter(|(_, _, perm)| allows(role, *perm))
        .filter(|(key, _, _)| !bus_only || matches!(key, 1 | 6 | 7))
        .map(|(key, label, _)| MenuItem {
            key: *key,
            label: *label,
            query: query_of(*key),
        })
        .collect()
}
