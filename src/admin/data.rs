//! The console's reads: plain rows built from the store and the bus on the
//! engine's thread. Each read checks the permission table first, as
//! commands do: a technician's console never receives recipients' data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bus::link::LinkStats;
use crate::bus::{DoorState, LockBus};
use crate::domain::hold::local_date;
use crate::domain::permission::allows;
use crate::domain::{
    CompartmentId, CompartmentState, ParcelClass, ParcelId, ParcelState, Permission, Role, Size,
};
use crate::engine::{Actor, Engine, EngineError, query};
use crate::hardware::CompartmentLayout;
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::{Alert, CctvMarker, DeliveryState, NotificationKind};

/// Entries on one page of the audit viewer: what fits at 80x24.
pub const AUDIT_PAGE: usize = 14;
/// The longest parcel list a search returns, newest first.
const MAX_PARCELS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    Bank,
    Compartment(CompartmentId),
    /// Tracking number, recipient ID or door; empty lists the live parcels.
    Parcels(String),
    Expired,
    Parcel(ParcelId),
    People,
    Markers(MarkerFilter),
    ExportMarkers,
    Audit {
        before: Option<u64>,
        filter: AuditFilter,
    },
    VerifyAudit,
    Bus,
    Alerts,
    Outbox,
}

/// Which CCTV markers to list.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MarkerFilter {
    pub door: Option<CompartmentId>,
    pub camera: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

impl MarkerFilter {
    pub fn matches(&self, m: &CctvMarker) -> bool {
        self.door.is_none_or(|d| m.compartment == Some(d))
            && self
                .camera
                .as_ref()
                .is_none_or(|c| m.camera.as_deref() == Some(c.as_str()))
            && self.since.is_none_or(|s| m.at >= s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompartmentRow {
    pub id: CompartmentId,
    pub size: Size,
    pub column: u16,
    pub row: u16,
    pub board: u8,
    pub channel: u16,
    pub camera: Option<String>,
    pub state: CompartmentState,
    pub door: DoorState,
    pub board_online: bool,
    pub needs_inspection: bool,
    pub parcel: Option<ParcelId>,
    /// Calendar days until the hold ends (0 = today); none when empty.
    pub days_left: Option<i64>,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankView {
    pub rows: Vec<CompartmentRow>,
    pub boards: Vec<(u8, bool)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompartmentView {
    pub row: CompartmentRow,
    pub item: Option<bool>,
    /// Hidden from technicians (no personal data).
    pub parcel: Option<ParcelRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelRow {
    pub id: ParcelId,
    pub tracking: String,
    pub recipient: String,
    pub door: CompartmentId,
    pub state: ParcelState,
    pub class: ParcelClass,
    pub deadline: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelView {
    pub parcel: ParcelRow,
    pub courier: String,
    pub deposited_at: Option<DateTime<Utc>>,
    pub extension_days: u32,
    pub reminders_sent: u8,
    /// Audit entries about this parcel, newest first.
    pub history: Vec<AuditEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonRow {
    Recipient {
        id: String,
        name: String,
        email: String,
        delegates: usize,
        vacation_until: Option<chrono::NaiveDate>,
        closed: bool,
        /// The whole record, for editing it.
        record: Box<crate::domain::Recipient>,
    },
    User {
        name: String,
        role: Role,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleView {
    pub rows: Vec<PersonRow>,
}

pub type MarkerRow = CctvMarker;
pub type AlertRow = Alert;

/// An outbox message without its code: the console never shows one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: u64,
    pub kind: NotificationKind,
    pub recipients: usize,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The page started below this sequence number (None: the newest).
    pub before: Option<u64>,
    /// Where the next (older) page starts, if there is one.
    pub older: Option<u64>,
    /// The chain's check, once asked for.
    pub verified: Option<String>,
    pub filter: AuditFilter,
}

impl AuditPage {
    /// One page of `AUDIT_PAGE` entries below `before`, newest first, read
    /// straight from sled (constant memory whatever the log's length).
    pub fn load(
        store: &crate::store::Store,
        before: Option<u64>,
        filter: AuditFilter,
    ) -> Result<Self, crate::store::StoreError> {
        let entries = audit::page(store, before, AUDIT_PAGE, &filter)?;
        let older = if entries.len() == AUDIT_PAGE {
            entries.last().map(|e| e.seq).filter(|s| *s > 1)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            before,
            older,
            verified: None,
            filter,
        })
    }

    /// The chain check as the screen shows it.
    pub fn verify(store: &crate::store::Store) -> Result<String, crate::store::StoreError> {
        Ok(Self::describe(&audit::verify(store)?))
    }

    pub fn describe(r: &audit::VerifyReport) -> String {
        match &r.broken {
            None => format!("chain ok: {} entries", r.checked),
            Some(why) => format!("CHAIN BROKEN after {} entries: {why}", r.checked),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub address: u8,
    pub online: bool,
    pub firmware: Option<u16>,
    pub voltage_mv: Option<u32>,
    pub polls: u64,
    pub failed_polls: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorRow {
    pub id: CompartmentId,
    pub board: u8,
    pub channel: u16,
    pub door: DoorState,
    pub item: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BusView {
    pub boards: Vec<BoardRow>,
    pub link: Option<LinkStats>,
    pub cycles: u64,
    /// The poll loop's last round over every board, and its wire-time limit.
    #[serde(default)]
    pub last_cycle_us: u64,
    #[serde(default)]
    pub cycle_limit_us: u64,
    pub pulses: u64,
    pub failed_pulses: u64,
    pub doors: Vec<DoorRow>,
}

use super::model::Loaded;

/// Runs one read for `actor` on the engine's thread.
pub fn read(engine: &Engine, actor: &Actor, query: Query) -> Result<Loaded, EngineError> {
    let role = engine.role_reading(actor).ok_or(EngineError::NotSignedIn)?;
    let need = |perm: Permission| {
        if allows(role, perm) {
            Ok(())
        } else {
            Err(EngineError::Denied {
                role: role.to_string(),
                perm,
            })
        }
    };
    let store = engine.store();
    Ok(match query {
        Query::Bank => {
            need(Permission::BusDiagnostics)?;
            Loaded::Bank(bank(engine)?)
        }
        Query::Compartment(id) => {
            need(Permission::ManageCompartments)?;
            let row = bank(engine)?
                .rows
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| EngineError::NotFound(format!("door {id}")))?;
            let parcel = match row.parcel {
                Some(p) if allows(role, Permission::ViewParcels) => store
                    .get::<crate::domain::Parcel>(crate::store::T::Parcels, &p.0.to_be_bytes())?
                    .map(|p| parcel_row(&p)),
                _ => None,
            };
            Loaded::Compartment(CompartmentView {
                item: engine.item_reading(id),
                row,
                parcel,
            })
        }
        Query::Parcels(text) => {
            need(Permission::ViewParcels)?;
            let text = text.trim().to_ascii_uppercase();
            let parcels = if text.is_empty() {
                query::live_parcels(store)?
            } else {
                query::all_parcels(store)?
            };
            // A short number is a door; anything else a tracking number or
            // a recipient ID (its six digits, as typed on a keypad).
            let door: Option<u16> = match text.len() {
                1..=4 => text.parse().ok(),
                _ => None,
            };
            let rows = parcels
                .iter()
                .rev()
                .filter(|p| match door {
                    _ if text.is_empty() => true,
                    Some(d) => p.compartment.0 == d,
                    None => {
                        p.tracking.to_ascii_uppercase().contains(&text)
                            || p.recipient.as_str() == text
                            || p.recipient.digits() == text
                    }
                })
                .take(MAX_PARCELS)
                .map(parcel_row)
                .collect();
            let title = if text.is_empty() {
                "Parcels in the locker"
            } else {
                "Parcels found"
            };
            Loaded::Parcels(title.into(), rows)
        }
        Query::Expired => {
            need(Permission::ViewParcels)?;
            let rows = query::expired_parcels(store)?
                .iter()
                .map(parcel_row)
                .collect();
            Loaded::Parcels("Expired, to remove".into(), rows)
        }
        Query::Parcel(id) => {
            need(Permission::ViewParcels)?;
            let p = store
                .get::<crate::domain::Parcel>(crate::store::T::Parcels, &id.0.to_be_bytes())?
                .ok_or_else(|| EngineError::NotFound(format!("parcel {id}")))?;
            let filter = AuditFilter {
                parcel: Some(id),
                ..AuditFilter::default()
            };
            Loaded::Parcel(ParcelView {
                parcel: parcel_row(&p),
                courier: p.courier.clone(),
                deposited_at: p.deposited_at,
                extension_days: p.extension_days,
                reminders_sent: p.reminders_sent,
                history: audit::page(store, None, 12, &filter)?,
            })
        }
        Query::People => {
            need(Permission::ManageUsers)?;
            let mut rows: Vec<PersonRow> = query::users(store)?
                .into_iter()
                .map(|u| PersonRow::User {
                    name: u.name,
                    role: u.role,
                })
                .collect();
            rows.extend(
                query::recipients(store)?
                    .into_iter()
                    .map(|r| PersonRow::Recipient {
                        record: Box::new(r.clone()),
                        id: r.id.to_string(),
                        name: r.name,
                        email: r.email,
                        delegates: r.delegates.len(),
                        vacation_until: r.vacation_until,
                        closed: r.closed,
                    }),
            );
            Loaded::People(PeopleView { rows })
        }
        Query::Markers(filter) => {
            need(Permission::Markers)?;
            let mut rows = query::markers(store)?;
            rows.retain(|m| filter.matches(m));
            rows.reverse();
            Loaded::Markers(rows, filter)
        }
        Query::ExportMarkers => {
            need(Permission::Markers)?;
            let dir = store.path().parent().unwrap_or(store.path());
            let name = format!("markers-{}.csv", engine.now().format("%Y%m%d-%H%M%S"));
            let path = dir.join(name);
            let file = std::fs::File::create(&path).map_err(crate::store::StoreError::Io)?;
            let mut out = std::io::BufWriter::new(file);
            crate::cli::write_markers_csv(&query::markers(store)?, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out).map_err(Into::into))
                .map_err(|e| EngineError::Invalid(format!("export: {e}")))?;
            Loaded::Exported(path.display().to_string())
        }
        Query::Audit { before, filter } => {
            need(Permission::ViewAudit)?;
            Loaded::Audit(AuditPage::load(store, before, filter)?)
        }
        Query::VerifyAudit => {
            need(Permission::ViewAudit)?;
            Loaded::Verified(AuditPage::verify(store)?)
        }
        Query::Bus => {
            need(Permission::BusDiagnostics)?;
            Loaded::Bus(bus(engine))
        }
        Query::Alerts => {
            need(Permission::AcknowledgeAlerts)?;
            let mut rows = query::alerts(store)?;
            // Open alerts first, newest first within each group.
            rows.reverse();
            rows.sort_by_key(|a| a.acknowledged.is_some());
            Loaded::Alerts(rows)
        }
        Query::Outbox => {
            need(Permission::Outbox)?;
            let rows = query::outbox(store)?
                .into_iter()
                .rev()
                .map(|n| OutboxRow {
                    id: n.id,
                    kind: n.kind,
                    recipients: n.to.len(),
                    state: n.state,
                    attempts: n.attempts,
                    last_error: n.last_error,
                    created_at: n.created_at,
                })
                .collect();
            Loaded::Outbox(rows)
        }
    })
}

fn parcel_row(p: &crate::domain::Parcel) -> ParcelRow {
    ParcelRow {
        id: p.id,
        tracking: p.tracking.clone(),
        recipient: p.recipient.to_string(),
        door: p.compartment,
        state: p.state,
        class: p.class,
        deadline: p.deadline,
    }
}

fn bank(engine: &Engine) -> Result<BankView, EngineError> {
    let tz = engine.settings().tz;
    let today = local_date(engine.now(), tz);
    let compartments = query::compartments(engine.store())?;
    let live = query::live_parcels(engine.store())?;
    let mut rows = Vec::new();
    for layout in &engine.bank().compartments {
        let Some(c) = compartments.iter().find(|c| c.id == layout.id) else {
            continue;
        };
        let parcel = c.parcel.and_then(|id| live.iter().find(|p| p.id == id));
        rows.push(CompartmentRow {
            id: c.id,
            size: c.size,
            column: layout.column,
            row: layout.row,
            board: layout.board,
            channel: layout.channel,
            camera: layout.camera.clone(),
            state: c.state(),
            door: engine.door_reading(c.id),
            board_online: engine.board_online(layout.board),
            needs_inspection: c.needs_inspection,
            parcel: c.parcel,
            days_left: parcel
                .and_then(|p| p.deadline)
                .map(|d| (local_date(d, tz) - today).num_days().max(0)),
            expired: parcel.is_some_and(|p| p.state == ParcelState::Expired),
        });
    }
    let mut boards: Vec<u8> = engine.bank().compartments.iter().map(|c| c.board).collect();
    boards.sort_unstable();
    boards.dedup();
    Ok(BankView {
        rows,
        boards: boards
            .into_iter()
            .map(|b| (b, engine.board_online(b)))
            .collect(),
    })
}

fn bus(engine: &Engine) -> BusView {
    let mut boards: Vec<u8> = engine.bank().compartments.iter().map(|c| c.board).collect();
    boards.sort_unstable();
    boards.dedup();
    BusView::read(engine.lock_bus(), &boards, &engine.bank().compartments)
}

impl BusView {
    /// The bus screen's data, read from the bus itself: the same for the
    /// kiosk's engine and the technician's laptop.
    pub fn read(bus: &dyn LockBus, boards: &[u8], compartments: &[CompartmentLayout]) -> BusView {
        let stats = bus.diagnostics();
        let boards = boards
            .iter()
            .map(|&address| {
                let b = stats
                    .as_ref()
                    .and_then(|s| s.boards.iter().find(|b| b.address == address));
                BoardRow {
                    address,
                    online: bus.board_online(address),
                    firmware: b.and_then(|b| b.firmware),
                    voltage_mv: b.and_then(|b| b.voltage_mv),
                    polls: b.map_or(0, |b| b.polls),
                    failed_polls: b.map_or(0, |b| b.failed_polls),
                }
            })
            .collect();
        let doors = compartments
            .iter()
            .map(|c| DoorRow {
                id: c.id,
                board: c.board,
                channel: c.channel,
                door: bus.door(c.lock()),
                item: bus.item_present(c.lock()),
            })
            .collect();
        BusView {
            boards,
            link: stats.as_ref().map(|s| s.link.clone()),
            cycles: stats.as_ref().map_or(0, |s| s.cycles),
            last_cycle_us: stats.as_ref().map_or(0, |s| s.last_cycle_us),
            cycle_limit_us: stats.as_ref().map_or(0, |s| s.cycle_limit_us),
            pulses: stats.as_ref().map_or(0, |s| s.pulses),
            failed_pulses: stats.as_ref().map_or(0, |s| s.failed_pulses),
            doors,
        }
    }
}
