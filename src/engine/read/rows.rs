//! What reads answer with: plain rows, built on the engine's thread from
//! the store and the bus. Screens, the socket and the command line show
//! them; none of them holds the store.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bus::link::LinkStats;
use crate::bus::{DoorState, LockBus};
use crate::domain::{
    CompartmentId, CompartmentState, ParcelClass, ParcelId, ParcelState, RecipientId, Role, Size,
};
use crate::hardware::CompartmentLayout;
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::{Alert, CctvMarker, DeliveryState, Notification, NotificationKind};

/// Entries on one page of the audit viewer: what fits at 80x24 (a smaller
/// screen shows the newest of them).
pub const AUDIT_PAGE: usize = 14;

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
    /// Its S10 label names another country than the locker's: an express
    /// item from abroad is international too.
    #[serde(default)]
    pub abroad: bool,
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

/// A user as listings show one: never a PIN or badge hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub name: String,
    pub role: Role,
    pub badge: bool,
}

/// An outbox message as listings show one: never its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: u64,
    pub kind: NotificationKind,
    pub to: Vec<String>,
    pub state: DeliveryState,
    pub parcel: Option<ParcelId>,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl From<&Notification> for OutboxEntry {
    fn from(n: &Notification) -> Self {
        OutboxEntry {
            id: n.id,
            kind: n.kind,
            to: n.to.clone(),
            state: n.state,
            parcel: n.parcel,
            created_at: n.created_at,
            attempts: n.attempts,
            next_attempt: n.next_attempt,
            last_error: n.last_error.clone(),
        }
    }
}

pub type MarkerRow = CctvMarker;

/// One line of the fee ledger: what a pickup cost, with the parcel and the
/// recipient it was charged to. The property bills it; the locker takes no
/// payment, so every line is due until the property's billing says otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRow {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub recipient: RecipientId,
    pub parcel: ParcelId,
    pub tracking: String,
    pub door: CompartmentId,
    pub use_cents: u32,
    pub storage_days: u32,
    pub storage_cents: u32,
    pub currency: String,
}

impl FeeRow {
    pub fn total_cents(&self) -> u32 {
        self.use_cents.saturating_add(self.storage_cents)
    }
}
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
