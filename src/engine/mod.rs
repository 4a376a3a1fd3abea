//! The engine: the one owner of the store and the lock bus.
//!
//! Every screen, the command line and the control socket send it a
//! [`Command`] with an [`Actor`] and get [`Event`]s back; door events from
//! the bus come in through [`Engine::on_bus_event`] and time through
//! [`Engine::tick`]. Business rules live here and in `domain`.

mod admin;
mod api;
mod crash;
mod deposit;
mod directory;
mod doors;
mod elsewhere;
mod lost;
mod outbox;
mod pickup;
pub(crate) mod query;
pub mod read;
mod recovery;
mod rejection;
mod returns;
pub mod runner;
mod schedule;
mod sessions;
mod settings;
mod sign_in;
pub mod started;
mod tx;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::bus::{LockBus, LockId};
use crate::clock::Clock;
use crate::domain::fees::Fee;
use crate::domain::{Compartment, CompartmentId, Hasher, ParcelId, Permission};
use crate::hardware::BankLayout;
use crate::store::{Store, StoreError, T, TxFailure, compartment_key};

pub use api::{Actor, Command, Event, Found, NewReturn, Problem, SizeChoice};
pub use rejection::Rejection;
use sessions::Session;
pub use settings::{EngineSettings, KeySetupError, SiteKeys};
pub use tx::{Refusal, Scanned};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("sign in first")]
    NotSignedIn,
    #[error("not allowed for {role}: {perm:?}")]
    Denied { role: String, perm: Permission },
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Refused(Refusal),
    /// A command a person gave that cannot be carried out, and why.
    #[error("{0}")]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TxFailure<EngineError>> for EngineError {
    fn from(f: TxFailure<EngineError>) -> Self {
        match f {
            TxFailure::Refused(e) => e,
            TxFailure::Store(s) => EngineError::Store(s),
        }
    }
}

pub type EngineResult = Result<Vec<Event>, EngineError>;

/// How far the fleet publisher has got in the audit log (`meta`).
pub(crate) const PUBLISHED_KEY: &[u8] = b"published_up_to";

/// A validated code waiting for the person to accept the fee.
#[derive(Clone, Debug)]
struct PendingPickup {
    parcel: ParcelId,
    compartment: CompartmentId,
    fee: Fee,
    expires: DateTime<Utc>,
}

/// A closed pickup door that may still be re-opened.
#[derive(Clone, Copy, Debug)]
struct ReopenWindow {
    parcel: ParcelId,
    until: DateTime<Utc>,
}

pub struct Engine {
    store: Store,
    bus: Box<dyn LockBus>,
    bank: BankLayout,
    clock: Arc<dyn Clock>,
    hasher: Hasher,
    settings: EngineSettings,
    sessions: HashMap<u64, Session>,
    pending: HashMap<u64, PendingPickup>,
    reopen: HashMap<CompartmentId, ReopenWindow>,
    bus_down: bool,
    /// Names this database in Message-IDs, so a resend is recognisable.
    instance: String,
    /// Messages whose spooled copies give a code that died in the
    /// transaction being committed: deleted once it is on disk.
    unspool: std::cell::RefCell<Vec<u64>>,
    dummy_phc: std::sync::OnceLock<String>,
    /// The property: the directory's clock, cues for the fleet publisher.
    site: directory::Site,
}

impl Engine {
    /// Opens the engine on a store; compartments of `bank` that the store
    /// does not know yet are added as free.
    pub fn open(
        store: Store,
        bus: Box<dyn LockBus>,
        bank: BankLayout,
        clock: Arc<dyn Clock>,
        settings: EngineSettings,
    ) -> Result<Engine, EngineError> {
        let instance = hex::encode(&meta_random(&store, "instance")?[..8]);
        for c in &bank.compartments {
            let key = compartment_key(c.id);
            if store
                .tree(T::Compartments)
                .get(key)
                .map_err(StoreError::from)?
                .is_none()
            {
                let rec = Compartment::new(c.id, c.size);
                let bytes =
                    serde_json::to_vec(&rec).map_err(|e| EngineError::Invalid(e.to_string()))?;
                store
                    .tree(T::Compartments)
                    .insert(key, bytes)
                    .map_err(StoreError::from)?;
            }
        }
        let hasher = Hasher::new(settings.hash_cost);
        let (site, unstamped) = directory::open_site(&store)?;
        let mut engine = Engine {
            store,
            bus,
            bank,
            clock,
            hasher,
            settings,
            sessions: HashMap::new(),
            pending: HashMap::new(),
            reopen: HashMap::new(),
            bus_down: false,
            instance,
            unspool: std::cell::RefCell::new(Vec::new()),
            dummy_phc: std::sync::OnceLock::new(),
            site,
        };
        engine.reissue_orphaned_codes()?;
        if unstamped {
            engine.stamp_unstamped()?;
        }
        engine.record_start()?;
        Ok(engine)
    }

    /// Notes the keys that made the live codes and the PIN cost, for
    /// `config check` to compare a changed config with.
    fn record_start(&self) -> Result<(), EngineError> {
        let mut key_ids: Vec<String> = query::live_parcels(&self.store)?
            .into_iter()
            .filter(|p| p.code_key.is_some())
            .filter_map(|p| p.key_id)
            .collect();
        key_ids.sort();
        key_ids.dedup();
        if let Some(data_dir) = self.store.path().parent() {
            started::StartedWith {
                key_ids,
                argon2: self.settings.hash_cost,
            }
            .save(data_dir);
        }
        Ok(())
    }

    /// The store, for tests inside the crate; everything else reads
    /// through [`Engine::read`].
    #[cfg(test)]
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Makes every commit so far durable now (the runner does it 500 ms
    /// after a commit; a command-line tool before it exits).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }

    /// The lock bus, for tests inside the crate.
    #[cfg(test)]
    pub(crate) fn lock_bus(&self) -> &dyn LockBus {
        self.bus.as_ref()
    }

    /// Whether something was committed since the last call.
    pub(crate) fn take_dirty(&self) -> bool {
        self.store.take_dirty()
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn bank(&self) -> &BankLayout {
        &self.bank
    }

    /// What the door sensor of a compartment reads now (admin screens).
    pub fn door_reading(&self, c: CompartmentId) -> crate::bus::DoorState {
        match self.lock_of(c) {
            Some(lock) => self.bus.door(lock),
            None => crate::bus::DoorState::Unknown,
        }
    }

    /// The item sensor of a compartment, where the board has one.
    pub fn item_reading(&self, c: CompartmentId) -> Option<bool> {
        self.lock_of(c).and_then(|lock| self.bus.item_present(lock))
    }

    pub fn board_online(&self, board: u8) -> bool {
        self.bus.board_online(board)
    }

    /// Argon2id evaluations so far (PINs only).
    pub fn hash_evaluations(&self) -> u64 {
        self.hasher.evaluations()
    }

    /// Keyed hashes of typed codes so far (a code costs exactly one).
    pub fn code_lookups(&self) -> u64 {
        self.settings.keys.lookups()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn today(&self) -> NaiveDate {
        crate::domain::hold::local_date(self.now(), self.settings.tz)
    }

    /// Runs one command for one actor.
    pub fn handle(&mut self, actor: &Actor, cmd: Command) -> EngineResult {
        use Command::*;
        admin::check_input(&cmd)?;
        match cmd {
            EnterCode { code } => self.enter_code(&code),
            ScanQr { payload } => self.scan_qr(&payload),
            AcceptFee { ticket } => self.accept_fee(ticket),
            Reopen { compartment } => self.reopen_door(compartment),
            ReportProblem {
                compartment,
                problem,
            } => self.report_problem(compartment, problem),
            ResendLostCodes { recipient } => self.resend_lost_codes(&recipient),
            DropReturn { code } => self.drop_return(&code),
            CancelReturnDrop { parcel } => self.cancel_return_drop(parcel),
            CollectReturn { parcel } => {
                let who = self.authorize(actor, Permission::CollectReturns)?;
                self.collect_return(&who, parcel)
            }
            ConfirmReturnCollected { parcel } => {
                let who = self.authorize(actor, Permission::CollectReturns)?;
                self.confirm_return_collected(&who, parcel)
            }
            IssueReturn { ret } => {
                let who = self.authorize(actor, Permission::IssueReturns)?;
                self.issue_return(&who, &ret)
            }
            WithdrawReturn { id } => {
                let who = self.authorize(actor, Permission::IssueReturns)?;
                self.withdraw_return(&who, id)
            }
            SignIn { user, pin } => self.sign_in(&user, &pin),
            SignInBadge { badge } => self.sign_in_badge(&badge),
            SignOut => {
                if let Actor::Session { id } = actor {
                    self.sessions.remove(id);
                }
                Ok(vec![Event::SignedOut])
            }
            CheckRecipient { recipient } => {
                self.authorize(actor, Permission::Deposit)?;
                let (recipient, r) = self.registered_recipient(&recipient)?;
                Ok(vec![Event::RecipientConfirmed {
                    recipient,
                    short_name: r.short_name(),
                }])
            }
            StartDeposit {
                tracking,
                recipient,
                size,
                class,
            } => {
                let who = self.authorize(actor, Permission::Deposit)?;
                self.start_deposit(&who, &tracking, &recipient, size, class)
            }
            DoesNotFit { parcel, size } => {
                let who = self.authorize(actor, Permission::Deposit)?;
                self.does_not_fit(&who, parcel, size)
            }
            CancelDeposit { parcel } => {
                let who = self.authorize(actor, Permission::Deposit)?;
                self.cancel_deposit(&who, parcel)
            }
            OpenForRemoval { parcel } => {
                let who = self.authorize(actor, Permission::RemoveExpired)?;
                self.open_for_removal(&who, parcel)
            }
            ManualUnlock {
                compartment,
                reason,
            } => {
                let who = self.authorize(actor, Permission::ManualUnlock)?;
                self.manual_unlock(&who, compartment, &reason)
            }
            SetDisabled {
                compartment,
                disabled,
                reason,
            } => {
                let who = self.authorize(actor, Permission::ManageCompartments)?;
                self.set_disabled(&who, compartment, disabled, &reason)
            }
            MarkInspected {
                compartment,
                found,
                note,
            } => {
                let who = self.authorize(actor, Permission::ManageCompartments)?;
                self.mark_inspected(&who, compartment, found, &note)
            }
            PlaceParcel {
                compartment,
                tracking,
                recipient,
                class,
            } => {
                let who = self.authorize(actor, Permission::ManageParcels)?;
                self.place_parcel(&who, compartment, &tracking, &recipient, class)
            }
            ResendCode { parcel } => {
                let who = self.authorize(actor, Permission::ManageParcels)?;
                self.resend_code(&who, parcel)
            }
            Reassign { parcel, recipient } => {
                let who = self.authorize(actor, Permission::ManageParcels)?;
                self.reassign(&who, parcel, &recipient)
            }
            ExtendHold {
                parcel,
                days,
                reason,
            } => {
                let who = self.authorize(actor, Permission::ManageParcels)?;
                self.extend_hold(&who, parcel, days, &reason)
            }
            SetVacation { recipient, until } => {
                let who = self.authorize(actor, Permission::ManageRecipients)?;
                self.set_vacation(&who, &recipient, until)
            }
            AddRecipient { recipient } => {
                let who = self.authorize(actor, Permission::ManageRecipients)?;
                self.add_recipient(&who, recipient)
            }
            UpdateRecipient { recipient, change } => {
                let who = self.authorize(actor, Permission::ManageRecipients)?;
                self.update_recipient(&who, &recipient, &change)
            }
            CloseAccount { recipient } => {
                let who = self.authorize(actor, Permission::ManageRecipients)?;
                self.close_account(&who, &recipient)
            }
            AddUser {
                name,
                role,
                pin,
                badge,
                carrier_email,
            } => {
                let who = self.authorize(actor, Permission::ManageUsers)?;
                self.add_user(&who, &name, role, &pin, badge.as_deref(), carrier_email)
            }
            RemoveUser { name } => {
                let who = self.authorize(actor, Permission::ManageUsers)?;
                self.remove_user(&who, &name)
            }
            ResetPin { name, pin } => {
                let who = self.authorize(actor, Permission::ManageUsers)?;
                self.reset_pin(&who, &name, &pin)
            }
            AddMarker { compartment, note } => {
                let who = self.authorize(actor, Permission::Markers)?;
                self.add_marker(&who, compartment, &note)
            }
            AcceptRemote { id, until } => {
                let who = self.authorize(actor, Permission::ManualUnlock)?;
                let key = format!("remote/{id}");
                self.commit(|tx| {
                    if tx
                        .get::<DateTime<Utc>, _>(T::Meta, key.as_bytes())?
                        .is_some()
                    {
                        return tx::abort(EngineError::Rejected(Rejection::OrderRepeated {
                            id: id.to_string(),
                            who: who.to_string(),
                        }));
                    }
                    tx.put(T::Meta, key.as_bytes(), &until)
                })?;
                Ok(Vec::new())
            }
            Published { seq } => {
                self.authorize(actor, Permission::ViewAudit)?;
                self.commit(|tx| tx.put(T::Meta, PUBLISHED_KEY, &seq))?;
                Ok(Vec::new())
            }
            ExportMarkers => {
                let who = self.authorize(actor, Permission::Markers)?;
                self.export_markers(&who)
            }
            MessageSent { id } => {
                self.authorize(actor, Permission::Outbox)?;
                self.message_sent(id)
            }
            MessageFailed { id, error } => {
                self.authorize(actor, Permission::Outbox)?;
                self.message_failed(id, &error)
            }
            RetryMessages { id } => {
                let who = self.authorize(actor, Permission::Outbox)?;
                self.retry_messages(&who, id)
            }
            AcknowledgeAlert { id, note } => {
                let who = self.authorize(actor, Permission::AcknowledgeAlerts)?;
                self.acknowledge_alert(&who, id, &note)
            }
            ApplyDirectory { change } => {
                let who = self.authorize(actor, Permission::ManageUsers)?;
                self.apply_directory(&who, *change)
            }
            DirectoryPublished { key, stamp } => {
                self.authorize(actor, Permission::ViewAudit)?;
                self.directory_published(&key, &stamp)
            }
            CodeElsewhere {
                fingerprint,
                kiosk,
                locker_code,
            } => {
                self.authorize(actor, Permission::ViewParcels)?;
                Ok(self.code_elsewhere(&fingerprint, kiosk, locker_code))
            }
        }
    }

    fn lock_of(&self, c: CompartmentId) -> Option<LockId> {
        self.bank.compartment(c).map(|l| l.lock())
    }

    fn position_of(&self, c: CompartmentId) -> (u16, u16) {
        self.bank
            .compartment(c)
            .map(|l| (l.column, l.row))
            .unwrap_or((0, 0))
    }

    fn camera_of(&self, c: CompartmentId) -> Option<String> {
        self.bank.compartment(c).and_then(|l| l.camera.clone())
    }
}

/// 16 random bytes kept in `meta` under `key`, made once per database: the
/// salt of the code index, the instance id in Message-IDs.
fn meta_random(store: &Store, key: &str) -> Result<[u8; 16], StoreError> {
    let meta = store.tree(T::Meta);
    if let Some(v) = meta.get(key)? {
        return <[u8; 16]>::try_from(v.as_ref()).map_err(|_| StoreError::Corrupt {
            tree: "meta",
            reason: key.to_string(),
        });
    }
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    meta.insert(key, bytes.to_vec())?;
    store.flush()?;
    Ok(bytes)
}

#[cfg(test)]
mod at_rest_tests;
#[cfg(test)]
mod guessing_tests;
#[cfg(test)]
pub(crate) mod props;
#[cfg(test)]
pub(crate) mod tests;
