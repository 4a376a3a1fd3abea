//! The read side: every question the kiosk, the console, the socket and the
//! command line ask of the locker, the one table of the permission each
//! needs, and the answers. Reads run on the engine's thread for an actor,
//! as commands do: a technician's console never receives recipients' data.

mod rows;

pub use rows::*;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Engine, EngineError, query};
use crate::domain::hold::local_date;
use crate::domain::permission::allows;
use crate::domain::{
    Compartment, CompartmentId, Country, Parcel, ParcelId, ParcelState, Permission, Recipient,
    RecipientId, Role,
};
use crate::store::audit::{self, AuditEntry, AuditFilter, VerifyReport};
use crate::store::{CctvMarker, DoorIntent, Store, StoreError, T};

/// The longest parcel list a search returns, newest first.
const MAX_PARCELS: usize = 200;
/// The most audit entries one `AuditRange` answer holds.
pub const MAX_AUDIT_RANGE: u32 = 1000;

/// Everything that can be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    /// Every door with its state, readings and hold.
    Bank,
    Compartment(CompartmentId),
    /// Tracking number, recipient ID or door; empty lists the live parcels.
    Parcels(String),
    /// Expired parcels, as rows for the console.
    Expired,
    Parcel(ParcelId),
    People,
    Markers(MarkerFilter),
    Audit {
        before: Option<u64>,
        filter: AuditFilter,
    },
    VerifyAudit,
    Bus,
    Alerts,
    Outbox,
    /// Whole parcel records: live ones, or with `all` every one recorded.
    ParcelRecords {
        all: bool,
    },
    /// Whole records of the expired parcels (the removal walk).
    ExpiredRecords,
    /// Returns in the locker waiting for a courier (the collection walk).
    ReturnsToCollect,
    /// Every return authorised, oldest first.
    Returns,
    Users,
    Recipients,
    /// The outbox as listings show it (never a code).
    OutboxEntries,
    /// Audit entries with a sequence number above `after`, oldest first.
    AuditRange {
        after: u64,
        limit: u32,
    },
    /// Every CCTV marker, oldest first.
    MarkerRecords,
    /// The fee ledger, oldest first: one recipient's or everyone's, from a
    /// local day on.
    Fees {
        recipient: Option<RecipientId>,
        since: Option<NaiveDate>,
    },
    /// Every compartment's record.
    Compartments,
    /// Doors the engine has decided to open and not yet seen through.
    Intents,
    /// The last audit entry the property's broker has (0: none yet).
    PublishedUpTo,
    /// Directory records changed here that the broker has yet to take.
    DirectoryOut,
    /// Whether a live code here has one of these fingerprints under the
    /// property's site key (another kiosk's question).
    SiteCode {
        fingerprints: Vec<String>,
    },
}

/// Which parcels a list holds, for its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelList {
    /// Every parcel in the locker.
    Live,
    /// What a search found.
    Found,
    Expired,
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

/// What a read answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Bank(BankView),
    Compartment(CompartmentView),
    Parcels(ParcelList, Vec<ParcelRow>),
    Parcel(ParcelView),
    People(PeopleView),
    Markers(Vec<MarkerRow>, MarkerFilter),
    Audit(AuditPage),
    Bus(BusView),
    Alerts(Vec<AlertRow>),
    Outbox(Vec<OutboxRow>),
    /// The audit chain's check.
    Verified {
        checked: u64,
        broken: Option<String>,
    },
    ParcelRecords(Vec<Parcel>),
    Returns(Vec<crate::domain::ReturnAuth>),
    Users(Vec<UserRow>),
    Recipients(Vec<Recipient>),
    OutboxEntries(Vec<OutboxEntry>),
    AuditEntries(Vec<AuditEntry>),
    MarkerRecords(Vec<CctvMarker>),
    /// The ledger, and whose it is (`None`: everyone's).
    Fees {
        recipient: Option<RecipientId>,
        rows: Vec<FeeRow>,
    },
    Compartments(Vec<Compartment>),
    Intents(Vec<DoorIntent>),
    PublishedUpTo(u64),
    Directory(Vec<crate::domain::directory::Change>),
    SiteCodeHeld(bool),
}

impl From<VerifyReport> for Answer {
    fn from(r: VerifyReport) -> Self {
        Answer::Verified {
            checked: r.checked,
            broken: r.broken,
        }
    }
}

impl Query {
    /// The permission table of reads: the one place that says who may ask
    /// what. Commands have theirs in [`Engine::handle`].
    pub fn permission(&self) -> Permission {
        use Permission as P;
        match self {
            Query::Bank | Query::Bus | Query::Intents => P::BusDiagnostics,
            Query::Compartment(_) | Query::Compartments => P::ManageCompartments,
            Query::Parcels(_) | Query::Parcel(_) | Query::ParcelRecords { .. } => P::ViewParcels,
            // The removal walk: couriers do it too, and see only what expired.
            Query::Expired | Query::ExpiredRecords => P::RemoveExpired,
            Query::ReturnsToCollect => P::CollectReturns,
            Query::Returns => P::IssueReturns,
            Query::People | Query::Users => P::ManageUsers,
            // What residents were charged is theirs, as their records are.
            Query::Recipients | Query::Fees { .. } => P::ManageRecipients,
            Query::Markers(_) | Query::MarkerRecords => P::Markers,
            Query::Audit { .. }
            | Query::VerifyAudit
            | Query::AuditRange { .. }
            | Query::PublishedUpTo
            | Query::DirectoryOut => P::ViewAudit,
            Query::SiteCode { .. } => P::ViewParcels,
            Query::Alerts => P::AcknowledgeAlerts,
            Query::Outbox | Query::OutboxEntries => P::Outbox,
        }
    }

    /// The query's name, as the audit log records a read.
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(serde_json::Value::Object(m)) => m.keys().next().cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// A handle for checking the audit chain off the engine's thread: a long
/// log takes seconds, and the keypad must not wait for it.
pub struct AuditReader(Store);

impl AuditReader {
    /// The chain check while the engine goes on appending; a break it
    /// reports is to be confirmed with [`Query::VerifyAudit`].
    pub fn verify_while_running(&self) -> Result<VerifyReport, StoreError> {
        audit::verify_while_running(&self.0)
    }
}

impl Engine {
    /// The role behind `actor`, if it may make reads that need `perm`.
    fn may_read(&self, actor: &Actor, perm: Permission) -> Result<Role, EngineError> {
        let role = self.role_reading(actor).ok_or(EngineError::NotSignedIn)?;
        if allows(role, perm) {
            Ok(role)
        } else {
            Err(EngineError::Denied {
                role: role.to_string(),
                perm,
            })
        }
    }

    /// The audit chain, for checking it beside the engine.
    pub fn audit_reader(&self, actor: &Actor) -> Result<AuditReader, EngineError> {
        self.may_read(actor, Query::VerifyAudit.permission())?;
        Ok(AuditReader(self.store.clone()))
    }

    /// Answers one read for `actor`, after the permission table says yes.
    pub fn read(&self, actor: &Actor, query: Query) -> Result<Answer, EngineError> {
        let role = self.may_read(actor, query.permission())?;
        let store = &self.store;
        let home = self.settings().country;
        Ok(match query {
            Query::Bank => Answer::Bank(self.bank_view()?),
            Query::Compartment(id) => {
                let row = self
                    .bank_view()?
                    .rows
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| EngineError::NotFound(format!("door {id}")))?;
                let parcel = match row.parcel {
                    Some(p) if allows(role, Permission::ViewParcels) => {
                        self.parcel(p)?.map(|p| parcel_row(&p, home))
                    }
                    _ => None,
                };
                Answer::Compartment(CompartmentView {
                    item: self.item_reading(id),
                    row,
                    parcel,
                })
            }
            Query::Parcels(text) => {
                let (list, rows) = self.find_parcels(&text)?;
                Answer::Parcels(list, rows)
            }
            Query::Expired => Answer::Parcels(
                ParcelList::Expired,
                query::expired_parcels(store)?
                    .iter()
                    .map(|p| parcel_row(p, home))
                    .collect(),
            ),
            Query::Parcel(id) => {
                let p = self
                    .parcel(id)?
                    .ok_or_else(|| EngineError::NotFound(format!("parcel {id}")))?;
                let filter = AuditFilter {
                    parcel: Some(id),
                    ..AuditFilter::default()
                };
                Answer::Parcel(ParcelView {
                    parcel: parcel_row(&p, home),
                    courier: p.courier.clone(),
                    deposited_at: p.deposited_at,
                    extension_days: p.extension_days,
                    reminders_sent: p.reminders_sent,
                    history: audit::page(store, None, 12, &filter)?,
                })
            }
            Query::People => Answer::People(self.people()?),
            Query::Markers(filter) => {
                let mut rows = query::markers(store)?;
                rows.retain(|m| filter.matches(m));
                rows.reverse();
                Answer::Markers(rows, filter)
            }
            Query::Audit { before, filter } => {
                Answer::Audit(AuditPage::load(store, before, filter)?)
            }
            Query::VerifyAudit => audit::verify(store)?.into(),
            Query::Bus => Answer::Bus(self.bus_view()),
            Query::Alerts => {
                let mut rows = query::alerts(store)?;
                // Open alerts first, newest first within each group.
                rows.reverse();
                rows.sort_by_key(|a| a.acknowledged.is_some());
                Answer::Alerts(rows)
            }
            Query::Outbox => Answer::Outbox(
                query::outbox(store)?
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
                    .collect(),
            ),
            Query::ParcelRecords { all: true } => Answer::ParcelRecords(query::all_parcels(store)?),
            Query::ParcelRecords { all: false } => {
                Answer::ParcelRecords(query::live_parcels(store)?)
            }
            Query::ExpiredRecords => Answer::ParcelRecords(query::expired_parcels(store)?),
            Query::ReturnsToCollect => Answer::ParcelRecords(query::waiting_returns(store)?),
            Query::Returns => Answer::Returns(query::returns(store)?),
            Query::Users => Answer::Users(
                query::users(store)?
                    .into_iter()
                    .map(|u| UserRow {
                        name: u.name,
                        role: u.role,
                        badge: u.badge_hash.is_some(),
                    })
                    .collect(),
            ),
            Query::Recipients => Answer::Recipients(query::recipients(store)?),
            Query::OutboxEntries => Answer::OutboxEntries(
                query::outbox(store)?
                    .iter()
                    .map(OutboxEntry::from)
                    .collect(),
            ),
            Query::AuditRange { after, limit } => Answer::AuditEntries(audit::range(
                store,
                after,
                limit.min(MAX_AUDIT_RANGE) as usize,
            )?),
            Query::MarkerRecords => Answer::MarkerRecords(query::markers(store)?),
            Query::Fees { recipient, since } => Answer::Fees {
                rows: self.fee_rows(recipient.clone(), since)?,
                recipient,
            },
            Query::Compartments => Answer::Compartments(query::compartments(store)?),
            Query::Intents => Answer::Intents(query::intents(store)?),
            Query::PublishedUpTo => {
                Answer::PublishedUpTo(store.get(T::Meta, super::PUBLISHED_KEY)?.unwrap_or(0))
            }
            Query::DirectoryOut => Answer::Directory(self.directory_out()?),
            Query::SiteCode { fingerprints } => {
                Answer::SiteCodeHeld(self.holds_site_code(&fingerprints)?)
            }
        })
    }

    /// Every audit entry, oldest first, handed to `each` one at a time (an
    /// export of a long log in constant memory).
    pub fn each_audit_entry(
        &self,
        actor: &Actor,
        each: impl FnMut(AuditEntry) -> std::io::Result<()>,
    ) -> Result<u64, EngineError> {
        self.may_read(actor, Query::VerifyAudit.permission())?;
        Ok(audit::for_each(&self.store, each)?)
    }

    fn parcel(&self, id: ParcelId) -> Result<Option<Parcel>, StoreError> {
        self.store.get::<Parcel>(T::Parcels, &id.0.to_be_bytes())
    }

    fn find_parcels(&self, text: &str) -> Result<(ParcelList, Vec<ParcelRow>), EngineError> {
        let text = text.trim().to_ascii_uppercase();
        let parcels = if text.is_empty() {
            query::live_parcels(&self.store)?
        } else {
            query::all_parcels(&self.store)?
        };
        // A short number is a door; anything else a tracking number or a
        // recipient ID (its six digits, as typed on a keypad).
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
            .map(|p| parcel_row(p, self.settings().country))
            .collect();
        let list = if text.is_empty() {
            ParcelList::Live
        } else {
            ParcelList::Found
        };
        Ok((list, rows))
    }

    fn fee_rows(
        &self,
        recipient: Option<RecipientId>,
        since: Option<NaiveDate>,
    ) -> Result<Vec<FeeRow>, EngineError> {
        let tz = self.settings().tz;
        let mut rows = Vec::new();
        for f in query::fees(&self.store)? {
            if since.is_some_and(|d| local_date(f.at, tz) < d) {
                continue;
            }
            // The parcel says whose it was: a fee is recorded at pickup,
            // after the last reassignment.
            let Some(p) = self.parcel(f.parcel)? else {
                continue;
            };
            if recipient.as_ref().is_some_and(|r| *r != p.recipient) {
                continue;
            }
            rows.push(FeeRow {
                id: f.id,
                at: f.at,
                recipient: p.recipient,
                parcel: f.parcel,
                tracking: p.tracking,
                door: p.compartment,
                use_cents: f.use_cents,
                storage_days: f.storage_days,
                storage_cents: f.storage_cents,
                currency: f.currency,
            });
        }
        Ok(rows)
    }

    fn people(&self) -> Result<PeopleView, EngineError> {
        let mut rows: Vec<PersonRow> = query::users(&self.store)?
            .into_iter()
            .map(|u| PersonRow::User {
                name: u.name,
                role: u.role,
            })
            .collect();
        rows.extend(
            query::recipients(&self.store)?
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
        Ok(PeopleView { rows })
    }

    fn bank_view(&self) -> Result<BankView, EngineError> {
        let tz = self.settings().tz;
        let today = local_date(self.now(), tz);
        let compartments = query::compartments(&self.store)?;
        let live = query::live_parcels(&self.store)?;
        let mut rows = Vec::new();
        for layout in &self.bank().compartments {
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
                door: self.door_reading(c.id),
                board_online: self.board_online(layout.board),
                needs_inspection: c.needs_inspection,
                parcel: c.parcel,
                days_left: parcel
                    .and_then(|p| p.deadline)
                    .map(|d| (local_date(d, tz) - today).num_days().max(0)),
                expired: parcel.is_some_and(|p| p.state == ParcelState::Expired),
            });
        }
        Ok(BankView {
            rows,
            boards: self
                .boards()
                .into_iter()
                .map(|b| (b, self.board_online(b)))
                .collect(),
        })
    }

    fn boards(&self) -> Vec<u8> {
        let mut boards: Vec<u8> = self.bank().compartments.iter().map(|c| c.board).collect();
        boards.sort_unstable();
        boards.dedup();
        boards
    }

    fn bus_view(&self) -> BusView {
        BusView::read(self.bus.as_ref(), &self.boards(), &self.bank().compartments)
    }
}

fn parcel_row(p: &Parcel, home: Country) -> ParcelRow {
    ParcelRow {
        id: p.id,
        tracking: p.tracking.clone(),
        recipient: p.recipient.to_string(),
        door: p.compartment,
        state: p.state,
        class: p.class,
        abroad: crate::domain::s10::read(&p.tracking)
            .ok()
            .flatten()
            .is_some_and(|label| label.is_international(home)),
        deadline: p.deadline,
    }
}
