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
mod doors;
mod outbox;
mod pickup;
pub(crate) mod query;
pub mod read;
mod recovery;
pub mod runner;
mod schedule;
pub mod started;
mod tx;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rand::RngCore;
use rand::rngs::OsRng;

use crate::bus::{LockBus, LockId};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::code_keys::KeyFileError;
use crate::domain::fees::Fee;
use crate::domain::permission::allows;
use crate::domain::{
    CodeKeys, Compartment, CompartmentId, FeePolicy, HashCost, Hasher, HoldPolicy, ParcelId,
    Permission, Role,
};
use crate::hardware::BankLayout;
use crate::store::{Store, StoreError, T, TxFailure, compartment_key};

pub use api::{Actor, Command, Event, Found, Problem, SizeChoice};
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

/// The key file could not be read or made; one line for `security.key_file`.
#[derive(Debug, thiserror::Error)]
#[error("security.key_file: {reason}")]
pub struct KeySetupError {
    pub reason: String,
}

/// The settings the engine needs, taken from the config file.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    pub kiosk_id: String,
    pub kiosk_name: String,
    pub locker_code: String,
    pub tz: Tz,
    pub hold: HoldPolicy,
    pub fees: FeePolicy,
    pub hash_cost: HashCost,
    pub reopen_secs: u32,
    pub wrong_code_daily_cap: u32,
    pub admin_email: Option<String>,
    pub carrier_address: Option<String>,
    /// Idle time after which a staff session ends.
    pub session_secs: u32,
    /// The secret codes and QR tokens are derived from (the key file).
    pub keys: CodeKeys,
    /// Where the spool transport leaves `.eml` files, so that copies
    /// giving a dead code can be deleted.
    pub spool_dir: Option<std::path::PathBuf>,
}

impl EngineSettings {
    /// The settings of a config, with the keys read from its key file.
    pub fn from_config(c: &Config, keys: CodeKeys) -> Self {
        Self {
            kiosk_id: c.kiosk.id.clone(),
            kiosk_name: c.kiosk.name.clone(),
            locker_code: c.kiosk.locker_code.clone(),
            tz: c.kiosk.time_zone,
            hold: c.policy.hold(),
            fees: c.fees.clone(),
            hash_cost: c.security.argon2,
            reopen_secs: c.policy.reopen_secs,
            wrong_code_daily_cap: c.policy.wrong_code_daily_cap,
            admin_email: c.notify.admin_email.clone(),
            carrier_address: c.notify.carrier_address.clone(),
            session_secs: 300,
            keys,
            spool_dir: (c.notify.transport == "spool")
                .then(|| c.kiosk.data_dir.join(&c.notify.spool_dir)),
        }
    }

    /// The settings of a config, its key file read. A missing key file is
    /// made afresh only while no live code needs the old one: otherwise
    /// the kiosk would start and refuse every code it gave out.
    pub fn load(c: &Config, store: &Store) -> Result<Self, KeySetupError> {
        let path = &c.security.key_file;
        let keys = match CodeKeys::load(path) {
            Ok(keys) => keys,
            Err(KeyFileError::Missing { .. }) if store.tree(T::Codes).is_empty() => {
                let keys = CodeKeys::generate();
                keys.save(path).map_err(|e| KeySetupError {
                    reason: format!("{}: cannot write: {e}", path.display()),
                })?;
                tracing::info!(file = %path.display(), "made a new code key file");
                keys
            }
            Err(KeyFileError::Missing { path }) => {
                return Err(KeySetupError {
                    reason: format!(
                        "{path}: missing, and live codes were made with it: restore it from the backup"
                    ),
                });
            }
            Err(e) => {
                return Err(KeySetupError {
                    reason: e.to_string(),
                });
            }
        };
        Ok(Self::from_config(c, keys))
    }

    /// Defaults with cheap hashing, for tests.
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests() -> Self {
        Self {
            kiosk_id: "A".into(),
            kiosk_name: "Lobby".into(),
            locker_code: "LK-1042".into(),
            tz: chrono_tz::Europe::Madrid,
            hold: HoldPolicy::default(),
            fees: FeePolicy::default(),
            hash_cost: HashCost::TEST,
            reopen_secs: 60,
            wrong_code_daily_cap: 50,
            admin_email: Some("admin@example.org".into()),
            carrier_address: None,
            session_secs: 300,
            keys: CodeKeys::for_tests(),
            spool_dir: None,
        }
    }
}

#[derive(Clone, Debug)]
struct Session {
    user: String,
    role: Role,
    expires: DateTime<Utc>,
    /// The last read by this session (admin screens), which keeps it
    /// alive like a command: reads go through `&Engine`.
    read_at: std::cell::Cell<Option<DateTime<Utc>>>,
}

impl Session {
    /// Idle expiry, counting reads as activity.
    fn ends(&self, idle: chrono::Duration) -> DateTime<Utc> {
        match self.read_at.get() {
            Some(at) => self.expires.max(at + idle),
            None => self.expires,
        }
    }
}

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
        };
        engine.reissue_orphaned_codes()?;
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
        }
    }

    /// Resolves the actor to a name and checks the permission table.
    pub fn authorize(&mut self, actor: &Actor, perm: Permission) -> Result<String, EngineError> {
        let now = self.now();
        match actor {
            Actor::Kiosk => Err(EngineError::NotSignedIn),
            Actor::Local { name } if allows(Role::Admin, perm) => Ok(format!("local:{name}")),
            Actor::Local { .. } => Err(EngineError::Denied {
                role: "local operator".into(),
                perm,
            }),
            Actor::Session { id } => {
                let idle = chrono::Duration::seconds(i64::from(self.settings.session_secs));
                let s = match self.sessions.get_mut(id) {
                    Some(s) if s.ends(idle) > now => s,
                    _ => {
                        self.sessions.remove(id);
                        return Err(EngineError::NotSignedIn);
                    }
                };
                if !allows(s.role, perm) {
                    return Err(EngineError::Denied {
                        role: s.role.to_string(),
                        perm,
                    });
                }
                s.expires = now + idle;
                Ok(s.user.clone())
            }
        }
    }

    /// Records a call that came through the control socket: reads change
    /// nothing, so nothing else would put them in the audit log. `via` names
    /// the connection (its user and process).
    pub fn record_call(&self, actor: &Actor, via: &str, detail: &str) -> Result<(), EngineError> {
        let who = match actor {
            Actor::Session { id } => self
                .sessions
                .get(id)
                .map(|s| s.user.clone())
                .unwrap_or_else(|| via.to_string()),
            Actor::Local { name } => format!("local:{name}"),
            Actor::Kiosk => via.to_string(),
        };
        let detail = format!("{detail} ({via})");
        self.commit(|tx| {
            tx.audit(self.audit_draft(&who, "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// Records a sign-in attempt on the control socket that was refused
    /// (`outcome` says why). The name is kept only when such a user exists:
    /// anything else typed there may be a PIN in the wrong field.
    pub fn record_refused_sign_in(
        &self,
        via: &str,
        user: &str,
        outcome: &str,
    ) -> Result<(), EngineError> {
        let known = self
            .store
            .get::<crate::domain::User>(T::Users, user.as_bytes())?
            .is_some();
        let name = if known { user } else { "an unknown user" };
        let detail = format!("sign_in {name} refused: {outcome} ({via})");
        self.commit(|tx| {
            tx.audit(self.audit_draft(via, "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// Records how many calls the control socket answered before a sign-in
    /// since `since`: one entry for all of them, so that whoever may connect
    /// cannot grow the log by calling without a PIN.
    pub fn record_calls_before_sign_in(
        &self,
        summary: &str,
        since: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let at = since.with_timezone(&self.settings.tz).format("%H:%M");
        let detail = format!("{summary} since {at}");
        self.commit(|tx| {
            tx.audit(self.audit_draft("control socket", "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// The role behind an actor, if signed in.
    pub fn role_of(&self, actor: &Actor) -> Option<Role> {
        match actor {
            Actor::Kiosk => None,
            Actor::Local { .. } => Some(Role::Admin),
            Actor::Session { id } => self
                .sessions
                .get(id)
                .filter(|s| s.ends(self.session_idle()) > self.now())
                .map(|s| s.role),
        }
    }

    /// The role behind an actor that is reading (an admin screen); the read
    /// counts as activity, so browsing keeps a session alive.
    pub fn role_reading(&self, actor: &Actor) -> Option<Role> {
        let role = self.role_of(actor)?;
        if let Actor::Session { id } = actor
            && let Some(s) = self.sessions.get(id)
        {
            s.read_at.set(Some(self.now()));
        }
        Some(role)
    }

    fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.settings.session_secs))
    }

    fn new_session(&mut self, user: String, role: Role) -> Event {
        let id = OsRng.next_u64();
        let expires = self.now() + chrono::Duration::seconds(i64::from(self.settings.session_secs));
        self.sessions.insert(
            id,
            Session {
                user: user.clone(),
                role,
                expires,
                read_at: std::cell::Cell::new(None),
            },
        );
        Event::SignedIn {
            session: id,
            user,
            role,
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
