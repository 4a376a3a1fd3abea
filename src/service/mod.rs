//! `locker service`: the technician's laptop on a serial cable to the lock
//! boards, with no parcel database. The admin console's bus, bank and
//! audit screens run on a [`ServiceLink`] instead of the engine: it talks
//! to the boards through the Modbus bus task and writes every pulse to its
//! own hash-chained audit log (a small sled store, the same chain rule, so
//! `locker audit verify --data-dir DIR` checks it too).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;

use crate::bus::{DoorState, LockBus};
use crate::domain::{CompartmentId, CompartmentState, Language, Permission, Role};
use crate::engine::read::Answer;
use crate::engine::read::{AuditPage, BankView, BusView, CompartmentRow, CompartmentView, Query};
use crate::engine::{Actor, Command, EngineError, EngineResult, Event};
use crate::hardware::Bank;
use crate::link::EngineLink;
use crate::store::audit::AuditDraft;
use crate::store::{IntentKind, Store};
use crate::ui::{KeyHints, Keymap};

/// The default place of the service audit log, beside the laptop's shell.
pub const DEFAULT_AUDIT_DIR: &str = "./locker-service-audit";

/// The boards and the local audit log, behind the console's link.
pub struct ServiceLink {
    bus: Box<dyn LockBus>,
    bank: Bank,
    audit: Store,
    /// Who is at the laptop, as written in the audit log.
    technician: String,
}

impl ServiceLink {
    pub fn new(
        bus: Box<dyn LockBus>,
        bank: Bank,
        audit_dir: &Path,
        technician: &str,
    ) -> Result<Self, EngineError> {
        Ok(Self {
            bus,
            bank,
            audit: Store::open(audit_dir)?,
            technician: format!(
                "{}{technician}",
                crate::domain::people::SERVICE_ACTOR_PREFIX
            ),
        })
    }

    pub fn audit_store(&self) -> &Store {
        &self.audit
    }

    fn record(
        &self,
        action: &str,
        c: Option<CompartmentId>,
        detail: String,
    ) -> Result<(), EngineError> {
        let draft = AuditDraft {
            at: Utc::now(),
            actor: self.technician.clone(),
            action: action.into(),
            compartment: c,
            parcel: None,
            detail,
        };
        self.audit
            .transact::<_, ()>(|tx| tx.audit(draft.clone()))
            .map_err(|_| {
                EngineError::Invalid("the service audit log could not be written".into())
            })?;
        // Written down before the lock moves, as the kiosk does.
        self.audit.flush()?;
        Ok(())
    }

    fn unlock(&self, c: CompartmentId, reason: &str) -> EngineResult {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(EngineError::Rejected(
                crate::engine::Rejection::ReasonNeeded,
            ));
        }
        let layout = self
            .bank
            .layout
            .compartment(c)
            .ok_or_else(|| EngineError::NotFound(format!("door {c}")))?;
        self.record("manual_unlock", Some(c), reason.to_string())?;
        if let Err(e) = self.bus.pulse(layout.lock()) {
            self.record("pulse_failed", Some(c), e.to_string())?;
            return Err(EngineError::Invalid(format!("door {c}: {e}")));
        }
        Ok(vec![Event::DoorOpening {
            compartment: c,
            purpose: IntentKind::ManualUnlock,
            parcel: None,
            column: layout.column,
            row: layout.row,
        }])
    }

    fn rows(&self) -> Vec<CompartmentRow> {
        self.bank
            .layout
            .compartments
            .iter()
            .map(|c| {
                let door = self.bus.door(c.lock());
                CompartmentRow {
                    id: c.id,
                    size: c.size,
                    column: c.column,
                    row: c.row,
                    board: c.board,
                    channel: c.channel,
                    camera: c.camera.clone(),
                    state: if door == DoorState::Open {
                        CompartmentState::Open
                    } else {
                        CompartmentState::Free
                    },
                    door,
                    board_online: self.bus.board_online(c.board),
                    needs_inspection: false,
                    parcel: None,
                    days_left: None,
                    expired: false,
                }
            })
            .collect()
    }

    fn boards(&self) -> Vec<u8> {
        let mut b: Vec<u8> = self.bank.boards.iter().map(|b| b.address).collect();
        b.sort_unstable();
        b.dedup();
        b
    }

    fn bus_view(&self) -> BusView {
        BusView::read(
            self.bus.as_ref(),
            &self.boards(),
            &self.bank.layout.compartments,
        )
    }
}

fn refused(perm: Permission) -> EngineError {
    EngineError::Denied {
        role: "service laptop".into(),
        perm,
    }
}

impl EngineLink for ServiceLink {
    fn command(&mut self, _actor: &Actor, command: Command) -> EngineResult {
        match command {
            Command::ManualUnlock {
                compartment,
                reason,
            } => self.unlock(compartment, &reason),
            Command::SignOut => Ok(vec![Event::SignedOut]),
            Command::AddMarker { .. } => Err(refused(Permission::Markers)),
            Command::AcknowledgeAlert { .. } => Err(refused(Permission::AcknowledgeAlerts)),
            _ => Err(refused(Permission::ManageCompartments)),
        }
    }

    fn read(&mut self, _actor: &Actor, query: Query) -> Result<Answer, EngineError> {
        Ok(match query {
            Query::Bank => Answer::Bank(BankView {
                rows: self.rows(),
                boards: self
                    .boards()
                    .into_iter()
                    .map(|b| (b, self.bus.board_online(b)))
                    .collect(),
            }),
            Query::Compartment(id) => {
                let row = self
                    .rows()
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| EngineError::NotFound(format!("door {id}")))?;
                let item = self
                    .bank
                    .layout
                    .compartment(id)
                    .and_then(|c| self.bus.item_present(c.lock()));
                Answer::Compartment(CompartmentView {
                    row,
                    item,
                    parcel: None,
                })
            }
            Query::Bus => Answer::Bus(self.bus_view()),
            Query::Audit { before, filter } => {
                Answer::Audit(AuditPage::load(&self.audit, before, filter)?)
            }
            Query::VerifyAudit => crate::store::audit::verify(&self.audit)?.into(),
            Query::Markers(filter) => Answer::Markers(Vec::new(), filter),
            Query::Alerts => Answer::Alerts(Vec::new()),
            _ => return Err(refused(Permission::ViewParcels)),
        })
    }
}

/// The console's facts for a service laptop: leaving ends the program,
/// and only a long pause signs the technician out.
pub fn console(
    bank: &Bank,
    technician: &str,
    keymap: &Keymap,
    language: Language,
) -> crate::admin::Console {
    let facts = crate::admin::ConsoleFacts {
        letter: String::new(),
        name: crate::wording::fill(
            language,
            crate::wording::Text::ServiceLaptop,
            &[("bank", &bank.layout.name)],
        ),
        tz: chrono_tz::UTC,
        bank: bank.layout.clone(),
        from_kiosk: true,
        idle_secs: 8 * 3600,
        bus_only: true,
        keypad: keymap.name() == "keypad-16",
        language,
        keys: KeyHints::new(keymap),
    };
    crate::admin::Console::signed_in(
        facts,
        Utc::now(),
        crate::admin::Session {
            id: 0,
            user: technician.to_string(),
            role: Role::Technician,
        },
    )
}

/// `locker service` arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct ServiceArgs {
    /// Serial device of the RS-485 adapter (or the path `locker sim` printed).
    #[arg(long)]
    pub port: String,
    /// Bank file: boards and doors.
    #[arg(long)]
    pub hardware: PathBuf,
    #[arg(long, default_value_t = 9600)]
    pub baud: u32,
    /// Where the service audit log goes (created if missing).
    #[arg(long, default_value = DEFAULT_AUDIT_DIR)]
    pub audit_dir: PathBuf,
    /// Who is at the laptop, for the audit log (default: $USER).
    #[arg(long, env = "USER", default_value = "technician")]
    pub technician: String,
    /// Screen size, e.g. 80x24, for serial terminals that report none.
    #[arg(long)]
    pub size: Option<String>,
    /// Key map: pc or keypad-16, or a file.
    #[arg(long, default_value = "pc")]
    pub keymap: String,
    /// The language of the screens: en or es.
    #[arg(long, default_value = "en")]
    pub language: Language,
}

/// How long the bus gets to read every board before the first screen.
pub const SETTLE: Duration = Duration::from_millis(600);

#[cfg(test)]
mod tests;
