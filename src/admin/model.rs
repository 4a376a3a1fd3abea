//! What the admin console knows: the model, its screens, the messages that
//! change it and the requests it makes of the engine.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{CompartmentId, Language, ParcelId, RecipientId, Role};
use crate::engine::read::{
    AlertRow, Answer, AuditPage, BankView, BusView, CompartmentView, FeeRow, MarkerRow, OutboxRow,
    ParcelList, ParcelRow, ParcelView, PeopleView, Query,
};
use crate::engine::{Actor, Command, Event, Found};
use crate::hardware::BankLayout;
use crate::link::Failure;
use crate::store::audit::AuditFilter;
use crate::ui::{Input, KeyHints};

/// What the console shows about the locker; fixed while it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleFacts {
    pub letter: String,
    pub name: String,
    pub tz: Tz,
    pub bank: BankLayout,
    /// Opened from the kiosk keypad: leaving goes back to the kiosk, and
    /// reasons are picked by number (the keypad has no letters).
    pub from_kiosk: bool,
    /// Back to sign-in (or the kiosk) after this many idle seconds.
    pub idle_secs: u32,
    /// A service laptop: only the boards, no database behind the screens.
    pub bus_only: bool,
    /// Keys are the 16-key keypad's (else a laptop keyboard's): the keys
    /// line names what is printed on them.
    pub keypad: bool,
    /// The language of every word shown: the kiosk's configured one.
    pub language: Language,
    /// The keys the screens name: those of the keymap in use.
    pub keys: KeyHints,
}

/// The signed-in admin or technician.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: u64,
    pub user: String,
    pub role: Role,
}

/// What a door holds, as the console knows it when someone asks to open
/// it: the form says it, so nobody opens a full door by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inside {
    Parcel(ParcelId),
    /// The item sensor sees something, with no parcel recorded.
    Something,
    Empty,
    /// No sensor reading and no parcel recorded.
    Unknown,
}

impl Inside {
    /// From the parcel recorded for the door and its item sensor.
    pub fn of(parcel: Option<ParcelId>, item: Option<bool>) -> Inside {
        match (parcel, item) {
            (Some(p), _) => Inside::Parcel(p),
            (None, Some(true)) => Inside::Something,
            (None, Some(false)) => Inside::Empty,
            (None, None) => Inside::Unknown,
        }
    }
}

/// Something the console asks a person to type before a command goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// Opening a door: the reason, typed after being told what is inside,
    /// is the confirmation.
    UnlockReason(CompartmentId, Inside),
    DisableReason(CompartmentId, bool),
    InspectNote(CompartmentId, Found),
    ExtendDays(ParcelId),
    Reassign(ParcelId),
    /// A date `YYYY-MM-DD`, or empty to end vacation mode.
    Vacation(String),
    AckNote(u64),
    MarkerNote(Option<CompartmentId>),
    PinReset(String),
    AddUser,
    AddRecipient,
    /// `E-MAIL NAME` for an existing recipient.
    EditRecipient(Box<crate::domain::Recipient>),
    /// `NAME E-MAIL` of someone who gets the same notifications.
    AddDelegate(Box<crate::domain::Recipient>),
    /// `door N`, `camera NAME`, `since YYYY-MM-DD` or empty.
    MarkerFilter,
    ParcelSearch,
    /// `door N`, `actor NAME`, `action WORD`, `since YYYY-MM-DD` or empty;
    /// one of its picks (door, action, actor, since) asks for that alone.
    AuditFilter,
    AuditDoor,
    /// Picked from everyday actions on a keypad, or a word typed.
    AuditAction,
    /// A user number (or name) whose entries are shown.
    AuditActor,
    /// A date, `YYYYMMDD` on a keypad.
    AuditSince,
    /// A new account's role, after its user number (keypad: picked).
    NewUserRole(String),
    /// A new account's PIN, after its role.
    NewUserPin(String, crate::domain::Role),
    /// A door number for the compartment screen.
    Door,
    /// Closing a recipient's account, confirmed with Enter.
    CloseAccount(String),
    /// Removing a staff account, confirmed with Enter.
    RemoveUser(String),
    /// Issuing a return, one question at a time, or withdrawing one.
    Return(super::returns::ReturnForm),
}

/// One variant per screen; lists carry their rows and cursor.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    SignIn {
        user: String,
        pin: String,
        /// Typing the PIN (else the user number).
        on_pin: bool,
    },
    Menu,
    Bank(BankView),
    Compartment(CompartmentView),
    Parcels {
        list: ParcelList,
        rows: Vec<ParcelRow>,
        cursor: usize,
    },
    Parcel(ParcelView),
    People {
        people: PeopleView,
        cursor: usize,
    },
    Markers {
        rows: Vec<MarkerRow>,
        filter: crate::engine::read::MarkerFilter,
        cursor: usize,
    },
    Audit {
        page: AuditPage,
        filter: AuditFilter,
        /// `before` of each page shown so far, to go back.
        trail: Vec<Option<u64>>,
        /// The entry picked on this page ([`LAST_ROW`]: the last one, once
        /// the newer page it asked for is loaded).
        cursor: usize,
    },
    Bus {
        bus: BusView,
        cursor: usize,
    },
    Alerts {
        rows: Vec<AlertRow>,
        cursor: usize,
    },
    Outbox {
        rows: Vec<OutboxRow>,
        cursor: usize,
    },
    /// Returns authorised, newest first.
    Returns {
        rows: Vec<crate::domain::ReturnAuth>,
        cursor: usize,
    },
    /// A return just issued, over the list: its code (none for a prepaid
    /// label's), shown this once and gone when the screen is left.
    ReturnIssued {
        id: crate::domain::ReturnId,
        code: Option<String>,
        back: Box<Screen>,
    },
    /// A recipient's fee ledger, oldest first; back goes to People.
    Fees {
        recipient: RecipientId,
        rows: Vec<FeeRow>,
        cursor: usize,
    },
    /// One audit entry or alert in full, over the list it came from.
    Detail {
        item: Detail,
        back: Box<Screen>,
    },
    /// A form over the screen it came from.
    Form {
        form: Form,
        text: String,
        back: Box<Screen>,
    },
}

/// What a detail screen shows whole: the list's row cut nothing off.
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    Audit(crate::store::audit::AuditEntry),
    Alert(crate::engine::read::AlertRow),
    Marker(crate::engine::read::MarkerRow),
}

/// An audit cursor that stands on the last row of whatever page loads.
pub const LAST_ROW: usize = usize::MAX;

impl Screen {
    pub fn sign_in() -> Self {
        Screen::SignIn {
            user: String::new(),
            pin: String::new(),
            on_pin: false,
        }
    }
}

/// Everything that can change the model.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Input(Input),
    Engine(Event),
    Failed(Failure),
    Loaded(Answer),
    Tick(DateTime<Utc>),
}

/// What the model asks of the world.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Engine {
        actor: Actor,
        command: Command,
    },
    Read {
        actor: Actor,
        query: Query,
    },
    /// The console is done: back to the kiosk (or quit `locker admin`).
    Leave,
}

/// The console's whole state.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub facts: ConsoleFacts,
    pub screen: Screen,
    pub session: Option<Session>,
    /// One line under the screen: what just happened or why not.
    pub notice: Option<String>,
    /// "HH:MM" local.
    pub clock: String,
    pub(super) now: DateTime<Utc>,
    pub(super) idle_since: DateTime<Utc>,
    pub(super) dirty: bool,
}

impl Model {
    pub fn new(facts: ConsoleFacts, now: DateTime<Utc>) -> Self {
        let clock = crate::ui::clock::clock_text(now, facts.tz);
        Self {
            facts,
            screen: Screen::sign_in(),
            session: None,
            notice: None,
            clock,
            now,
            idle_since: now,
            dirty: true,
        }
    }

    pub fn actor(&self) -> Actor {
        match &self.session {
            Some(s) => Actor::Session { id: s.id },
            None => Actor::Kiosk,
        }
    }

    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Whether a text field has the keys (the runtime then sends letters as
    /// typed text, not as shortcuts).
    /// A PIN, a number of days or a door takes digits only: there letters
    /// stay keys (`q` leaves) and never go into the field.
    pub fn wants_text(&self) -> bool {
        match &self.screen {
            Screen::Form { form, .. } => !form.takes_digits_only(),
            Screen::SignIn { on_pin, .. } => !on_pin,
            _ => false,
        }
    }
}
