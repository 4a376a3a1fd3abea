//! What the kiosk screen knows: the model, its screens, the messages that
//! change it and the requests it makes of the engine.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{CompartmentId, Country, Fee, Language, ParcelClass, ParcelId, Role, Size};
use crate::engine::{Actor, Command, EngineSettings, Event, Refusal, SizeChoice};
use crate::hardware::BankLayout;
use crate::link::Failure;
use crate::store::IntentKind;
use crate::ui::Input;

use crate::ui::KeyHints;
use crate::wording::Text;

/// What the kiosk shows about itself; fixed while it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct KioskFacts {
    /// The kiosk letter ("A"), as named in every notification and QR code.
    pub letter: String,
    pub name: String,
    /// The code printed on the bank, so people can check they are at the
    /// right locker.
    pub locker_code: String,
    pub tz: Tz,
    /// Where the locker stands: an S10 parcel from elsewhere is
    /// international (the engine decides the same way).
    pub country: Country,
    /// Shown when something needs a person: out of service, invalid code.
    pub admin_contact: String,
    /// The language the kiosk falls back to after inactivity.
    pub language: Language,
    /// Back to the home screen after this many seconds without a key.
    pub inactivity_secs: u32,
    /// For the drawing of the bank on door screens.
    pub bank: BankLayout,
    /// What the demo's help screen lists: its codes, couriers and where a
    /// console attaches.
    pub demo_help: Option<DemoHelp>,
    /// The keys the screens name: those of the keymap in use.
    pub keys: KeyHints,
    /// BEL on an error and when a door opens (`[kiosk] bell`).
    pub bell: bool,
    /// The program that says each screen's prompt (`[kiosk] speech`);
    /// empty for none.
    pub speech: Vec<String>,
}

impl KioskFacts {
    /// The facts an engine already knows, plus what only the screen needs.
    pub fn from_engine(settings: &EngineSettings, bank: &BankLayout, admin_contact: &str) -> Self {
        Self::new(
            [
                &settings.kiosk_id,
                &settings.kiosk_name,
                &settings.locker_code,
            ],
            settings.tz,
            settings.country,
            bank,
            admin_contact,
            settings.admin_email.as_deref(),
        )
    }

    fn new(
        [letter, name, locker_code]: [&str; 3],
        tz: chrono_tz::Tz,
        country: Country,
        bank: &BankLayout,
        admin_contact: &str,
        admin_email: Option<&str>,
    ) -> Self {
        let contact = if admin_contact.trim().is_empty() {
            admin_email.unwrap_or_default().to_string()
        } else {
            admin_contact.to_string()
        };
        let shown = |s: &str| crate::domain::printable(s).into_owned();
        Self {
            letter: shown(letter),
            name: shown(name),
            locker_code: shown(locker_code),
            tz,
            country,
            admin_contact: shown(&contact),
            language: Language::En,
            inactivity_secs: 60,
            bank: bank.clone(),
            demo_help: None,
            keys: KeyHints::default(),
            bell: true,
            speech: Vec::new(),
        }
    }
}

impl KioskFacts {
    /// The facts a kiosk's config file gives.
    pub fn from_config(config: &crate::config::Config, bank: &BankLayout) -> Self {
        let k = &config.kiosk;
        let mut facts = Self::new(
            [&k.id, &k.name, &k.locker_code],
            k.time_zone,
            k.country,
            bank,
            &k.admin_contact,
            config.notify.admin_email.as_deref(),
        );
        facts.language = config.kiosk.language;
        facts.inactivity_secs = config.policy.inactivity_secs;
        facts.bell = k.bell;
        facts.speech = k.speech.clone();
        facts
    }
}

/// The demo's own lines on the help screen, in words of the wording table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DemoHelp {
    /// (door, code, recipient) of each parcel waiting.
    pub codes: Vec<(CompartmentId, String, String)>,
    /// `user/PIN` of each courier.
    pub couriers: Vec<String>,
    /// The first parcel's door and QR payload, typed fast as a scanner would.
    pub qr: Option<(CompartmentId, String)>,
    /// A tracking label that says its class (UPU S10), to paste at the
    /// courier's tracking step.
    pub label: String,
    /// A return's code, to drop one off from the help screen.
    pub return_code: Option<String>,
    pub recipients: Vec<String>,
    /// Where `locker admin --data-dir` attaches.
    pub data_dir: String,
    pub close_secs: u64,
}

/// A door and where it is in the bank drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoorSpot {
    pub door: CompartmentId,
    pub column: u16,
    pub row: u16,
}

/// What a courier has told the kiosk about the parcel in hand.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Draft {
    pub tracking: String,
    /// As scanned (`PX-482913`) or typed (`482913`); the engine parses it.
    pub recipient: String,
    /// The size last asked for, for "try a larger size".
    pub size: Option<Size>,
    /// The recipient's short name ("Ana R."), once the engine confirmed
    /// the ID, for the courier to check.
    pub recipient_name: Option<String>,
    /// The parcel's class, once its label or the courier said it.
    pub class: Option<ClassShown>,
}

/// A parcel's class as the courier's screens say it: an express item
/// posted abroad is express (it goes back to the sender) and international.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ClassShown {
    pub class: ParcelClass,
    /// Its S10 label names another country than the locker's.
    pub abroad: bool,
}

impl ClassShown {
    /// The class an S10 label gives, `None` for other tracking numbers
    /// (the courier picks) or a wrong check digit (refused before).
    pub fn of_label(tracking: &str, home: Country) -> Option<ClassShown> {
        let label = crate::domain::s10::read(tracking).ok().flatten()?;
        Some(ClassShown {
            class: label.class(home),
            abroad: label.is_international(home),
        })
    }

    pub fn picked(class: ParcelClass) -> ClassShown {
        ClassShown {
            class,
            abroad: false,
        }
    }
}

/// An expired parcel on the staff's removal list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredParcel {
    pub parcel: ParcelId,
    pub door: CompartmentId,
}

/// Someone signed in at the keypad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub id: u64,
    pub user: String,
    pub role: Role,
}

/// One line of feedback under the screen, in the current language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: Text,
    /// Fills `{reason}` where the text has one.
    pub reason: String,
}

/// One variant per screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Home,
    Help,
    /// "Lost your code?": the recipient ID being typed, digits only.
    LostCode {
        typed: String,
    },
    /// The one answer to a lost-code request, whatever the ID.
    LostCodeSent,
    OutOfService,
    /// Pickup code being typed: only the count of digits is ever shown.
    CodeEntry {
        digits: String,
    },
    /// A pickup or re-open door.
    DoorOpen {
        spot: DoorSpot,
        purpose: IntentKind,
        opened: bool,
    },
    PickupDone {
        door: CompartmentId,
        reopen_secs: i64,
    },
    ReportProblem {
        door: CompartmentId,
    },
    ProblemRecorded {
        door: CompartmentId,
        /// What the person quotes to staff.
        reference: u64,
    },
    CodeRefused {
        refusal: Refusal,
        tries_left: u32,
    },
    Lockout {
        until: DateTime<Utc>,
        secs_left: i64,
    },
    Fee {
        ticket: u64,
        door: CompartmentId,
        fee: Fee,
    },
    /// A door that did not open (jam), or a pulse the bus refused (`door`
    /// unknown). A deposit keeps its draft for another try.
    DoorFault {
        door: Option<CompartmentId>,
        purpose: IntentKind,
        draft: Option<Draft>,
    },
    SignInUser {
        user: String,
    },
    SignInPin {
        user: String,
        pin: String,
    },
    StaffMenu,
    Tracking {
        typed: String,
    },
    Recipient {
        tracking: String,
        typed: String,
    },
    /// The courier picks the class of a parcel whose label does not say it.
    Class {
        draft: Draft,
    },
    Size {
        draft: Draft,
    },
    Dimensions {
        draft: Draft,
        fields: [String; 3],
        field: usize,
    },
    NotRegistered {
        recipient: String,
    },
    Oversized,
    NoCompartment {
        draft: Draft,
        wanted: Size,
    },
    DepositDoor {
        draft: Draft,
        parcel: ParcelId,
        spot: DoorSpot,
        opened: bool,
        closed_empty: bool,
        moved_from: Option<CompartmentId>,
    },
    DepositCancelled {
        door: CompartmentId,
    },
    DepositStored {
        door: CompartmentId,
        receipt: String,
        class: Option<ClassShown>,
    },
    Removal {
        list: Vec<ExpiredParcel>,
        removed: u32,
        open: Option<(ExpiredParcel, DoorSpot)>,
    },
    /// A return code being typed: only the count of digits is shown. A
    /// prepaid label's barcode is scanned instead.
    ReturnCode {
        typed: String,
    },
    /// A door open for a return.
    ReturnDoor {
        spot: DoorSpot,
        parcel: ParcelId,
        opened: bool,
    },
    /// The return did not go in (given up, closed empty, jammed).
    ReturnNotDropped {
        door: CompartmentId,
    },
    ReturnDropped {
        door: CompartmentId,
        receipt: String,
    },
    /// A courier's walk of the returns waiting to be collected.
    Returns {
        list: Vec<WaitingReturn>,
        collected: u32,
        open: Option<(WaitingReturn, DoorSpot)>,
        /// Its door closed: did the courier take it?
        asking: Option<WaitingReturn>,
    },
}

/// A return on the courier's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingReturn {
    pub parcel: ParcelId,
    pub door: CompartmentId,
    pub id: crate::domain::ReturnId,
}

impl Screen {
    /// Screens the inactivity timer leaves alone: nothing to reset, or the
    /// person must wait anyway.
    pub(super) fn is_resting(&self) -> bool {
        matches!(
            self,
            Screen::Home | Screen::OutOfService | Screen::Lockout { .. }
        )
    }
}

/// Everything that can change the model.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// From the input decoder: a key's intent, a scan, a typed letter.
    Input(Input),
    /// From the engine: a command's result or a door on the bus.
    Engine(Event),
    /// The engine refused a command.
    Failed(Failure),
    /// The answer to [`Request::ListExpired`].
    Expired(Vec<ExpiredParcel>),
    /// The answer to [`Request::ListReturns`].
    Returns(Vec<WaitingReturn>),
    /// The time, for the clock, the lockout countdown and inactivity.
    Tick(DateTime<Utc>),
}

/// What the model asks of the world.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Run this command; feed the result back (events or failure).
    Engine { actor: Actor, command: Command },
    /// Read the expired parcels (`query::expired_parcels`) and answer
    /// with [`Msg::Expired`].
    ListExpired { actor: Actor },
    /// Read the returns waiting for a courier and answer with
    /// [`Msg::Returns`].
    ListReturns { actor: Actor },
    /// Repaint the whole terminal: after an outage it may have been
    /// power-cycled.
    ClearScreen,
    /// The hidden admin sequence was keyed on the home screen: hand the
    /// screen to the admin console until it signs out.
    OpenAdmin,
    /// A request of the admin console while it has the screen.
    Admin(crate::admin::Request),
}

/// The kiosk screen's whole state.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub facts: KioskFacts,
    pub screen: Screen,
    pub language: Language,
    /// "HH:MM", local: the clock changes once a minute, never per second.
    pub clock: String,
    pub session: Option<StaffSession>,
    pub notice: Option<Notice>,
    /// Doors pulsed or seen open and not closed since: the inactivity
    /// timer never resets a screen while one is open.
    pub open_doors: BTreeSet<CompartmentId>,
    /// The latest engine events, newest last, for diagnostics.
    pub last_events: Vec<Event>,
    pub(super) now: DateTime<Utc>,
    pub(super) idle_since: DateTime<Utc>,
    pub(super) dirty: bool,
    /// Keys of the hidden admin sequence typed so far on the home screen.
    pub(super) admin_keys: usize,
    /// Typed codes are paused until then (the engine said so).
    pub(super) codes_locked_until: Option<DateTime<Utc>>,
    /// The re-open offer on the thank-you screen lasts until then.
    pub(super) reopen_until: Option<DateTime<Utc>>,
    /// A code, QR or PIN went to the engine and its answer is awaited: the
    /// screen says "Checking…" meanwhile (a PIN check takes a while).
    pub checking: bool,
    /// The inactivity reset is near and the screen asks "Still there?".
    pub still_there: bool,
}

/// How many engine events the model keeps.
pub(super) const KEPT_EVENTS: usize = 8;

impl Model {
    pub fn new(facts: KioskFacts, now: DateTime<Utc>) -> Self {
        let language = facts.language;
        let clock = crate::ui::clock::clock_text(now, facts.tz);
        Self {
            facts,
            screen: Screen::Home,
            language,
            clock,
            session: None,
            notice: None,
            open_doors: BTreeSet::new(),
            last_events: Vec::new(),
            now,
            idle_since: now,
            dirty: true,
            admin_keys: 0,
            codes_locked_until: None,
            reopen_until: None,
            checking: false,
            still_there: false,
        }
    }

    /// Whether the screen must be drawn again; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Who the next command comes from.
    pub fn actor(&self) -> Actor {
        match &self.session {
            Some(s) => Actor::Session { id: s.id },
            None => Actor::Kiosk,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

/// The size a deposit asks for.
pub(super) fn size_choice(size: Size) -> SizeChoice {
    SizeChoice::Size(size)
}
