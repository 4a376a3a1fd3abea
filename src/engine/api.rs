//! The engine's vocabulary: who asks ([`Actor`]), what they ask
//! ([`Command`]) and what happened ([`Event`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Refusal;
use crate::domain::fees::Fee;
use crate::domain::{CompartmentId, Dimensions, ParcelClass, ParcelId, ReturnId, Role, Size};
use crate::store::{Alert, IntentKind};

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Actor {
    /// Anyone at the keypad (a recipient has no login).
    Kiosk,
    /// A signed-in courier, admin or technician.
    Session { id: u64 },
    /// An operator at the machine's own shell (`locker user add`...): the
    /// process already has the data directory, so it acts as an admin.
    Local { name: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeChoice {
    Size(Size),
    /// The parcel's dimensions in cm; the smallest fitting size is used.
    Dimensions(Dimensions),
}

/// A return to authorise (`locker return add`, the console).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReturn {
    pub size: Size,
    /// The shop's order or carrier's reference, for whoever collects it.
    #[serde(default)]
    pub reference: String,
    /// A registered recipient, told at their addresses on file...
    #[serde(default)]
    pub recipient: Option<String>,
    /// ...or an address for someone with no account here.
    #[serde(default)]
    pub email: Option<String>,
    /// The messages' language when only an address is given.
    #[serde(default)]
    pub language: Option<crate::domain::Language>,
    /// The prepaid label's barcode, when that is the code.
    #[serde(default)]
    pub label: Option<String>,
}

/// Problems a recipient can report after opening a door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    WrongParcel,
    Damaged,
    Empty,
    DoorDidNotOpen,
}

/// What an inspecting admin found in a compartment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    Empty,
    Parcel,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    // Recipients, no login.
    EnterCode {
        code: String,
    },
    ScanQr {
        payload: String,
    },
    /// The person agreed to the fee shown for this pending pickup.
    AcceptFee {
        ticket: u64,
    },
    Reopen {
        compartment: CompartmentId,
    },
    ReportProblem {
        compartment: CompartmentId,
        problem: Problem,
    },
    /// A return code, typed or scanned from a prepaid label: opens a door
    /// of the return's size for the parcel going back.
    DropReturn {
        code: String,
    },
    /// The person dropping a return gave up (door open or not yet).
    CancelReturnDrop {
        parcel: ParcelId,
    },
    /// "I lost my code": new codes for the waiting parcels of this
    /// recipient ID (`PX-482913` or `482913`), sent to the addresses on
    /// file. Answered with [`Event::LostCodesAsked`] whatever the ID.
    ResendLostCodes {
        recipient: String,
    },
    // Staff sign-in.
    SignIn {
        user: String,
        pin: String,
    },
    SignInBadge {
        badge: String,
    },
    SignOut,
    // Couriers.
    /// Is this recipient registered? Asked as soon as the courier has
    /// typed or scanned the ID, before a door is chosen.
    CheckRecipient {
        recipient: String,
    },
    StartDeposit {
        tracking: String,
        recipient: String,
        size: SizeChoice,
        class: ParcelClass,
    },
    /// The parcel does not fit: free this door and open a larger one.
    DoesNotFit {
        parcel: ParcelId,
        size: Option<Size>,
    },
    CancelDeposit {
        parcel: ParcelId,
    },
    // Couriers: returns.
    /// Opens the door of a return waiting to be collected.
    CollectReturn {
        parcel: ParcelId,
    },
    /// The courier has the return in hand (its door closed again, on a
    /// door whose item sensor cannot tell).
    ConfirmReturnCollected {
        parcel: ParcelId,
    },
    // Staff: expired parcels.
    OpenForRemoval {
        parcel: ParcelId,
    },
    // Admins and technicians.
    ManualUnlock {
        compartment: CompartmentId,
        reason: String,
    },
    SetDisabled {
        compartment: CompartmentId,
        disabled: bool,
        reason: String,
    },
    MarkInspected {
        compartment: CompartmentId,
        found: Found,
        note: String,
    },
    /// Register a parcel already inside a free compartment.
    PlaceParcel {
        compartment: CompartmentId,
        tracking: String,
        recipient: String,
        class: ParcelClass,
    },
    ResendCode {
        parcel: ParcelId,
    },
    Reassign {
        parcel: ParcelId,
        recipient: String,
    },
    ExtendHold {
        parcel: ParcelId,
        days: u32,
        reason: String,
    },
    SetVacation {
        recipient: String,
        until: Option<NaiveDate>,
    },
    /// A new recipient; refused for an ID already in use.
    AddRecipient {
        recipient: crate::domain::Recipient,
    },
    /// Changes only what `change` names; the rest (vacation, delegates
    /// unless named) stays.
    UpdateRecipient {
        recipient: String,
        change: crate::domain::RecipientChange,
    },
    CloseAccount {
        recipient: String,
    },
    AddUser {
        name: String,
        role: Role,
        pin: String,
        badge: Option<String>,
        carrier_email: Option<String>,
    },
    RemoveUser {
        name: String,
    },
    /// A new PIN for a courier, admin or technician who forgot theirs.
    ResetPin {
        name: String,
        pin: String,
    },
    /// Authorise a return; its code (made here, or the prepaid label's
    /// barcode) opens a door of its size once.
    IssueReturn {
        ret: NewReturn,
    },
    /// An issued return that was not dropped: its code stops working.
    WithdrawReturn {
        id: ReturnId,
    },
    AddMarker {
        compartment: Option<CompartmentId>,
        note: String,
    },
    /// Writes every CCTV marker to a CSV file beside the data directory.
    ExportMarkers,
    /// The broker has every audit entry up to `seq` (the fleet publisher's
    /// place in the log; recorded, not audited).
    Published {
        seq: u64,
    },
    /// A remote order's id, before the order is carried out: refused if
    /// the id was seen before, so an order runs once.
    AcceptRemote {
        id: String,
        until: chrono::DateTime<chrono::Utc>,
    },
    AcknowledgeAlert {
        id: u64,
        note: String,
    },
    // The delivery worker.
    MessageSent {
        id: u64,
    },
    MessageFailed {
        id: u64,
        error: String,
    },
    /// Try queued (and dead) messages again now: one, or all.
    RetryMessages {
        id: Option<u64>,
    },
    // The property's broker (docs/FLEET.md).
    /// A directory record as another kiosk of the property has it.
    ApplyDirectory {
        change: Box<crate::domain::directory::Change>,
    },
    /// The broker has the directory record `key` as of `stamp`.
    DirectoryPublished {
        key: String,
        stamp: crate::domain::directory::Stamp,
    },
    /// Another kiosk of the property holds a code just typed here (the
    /// answer to [`Event::AskSite`]'s fingerprint).
    CodeElsewhere {
        fingerprint: String,
        kiosk: String,
        locker_code: String,
    },
}

/// What happened, for screens and subscribers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// `ExportMarkers` wrote this file.
    MarkersExported {
        path: String,
    },
    /// A pulse was sent; the screen names the door and where it is.
    DoorOpening {
        compartment: CompartmentId,
        purpose: IntentKind,
        /// The parcel behind the pulse, so a deposit screen can say "does
        /// not fit" or cancel for the right parcel.
        #[serde(default)]
        parcel: Option<ParcelId>,
        column: u16,
        row: u16,
    },
    DoorOpened {
        compartment: CompartmentId,
    },
    DoorClosed {
        compartment: CompartmentId,
    },
    /// Pulsed twice and still closed. For a pickup the code stays valid.
    DoorJammed {
        compartment: CompartmentId,
        purpose: IntentKind,
    },
    CodeRefused {
        refusal: Refusal,
        tries_left: u32,
    },
    /// Typed codes are paused until then; QR codes, sign-in and
    /// everything else still work.
    CodesLocked {
        until: DateTime<Utc>,
    },
    FeeDue {
        ticket: u64,
        compartment: CompartmentId,
        fee: Fee,
    },
    PickupConfirmed {
        compartment: CompartmentId,
        parcel: ParcelId,
        reopen_until: DateTime<Utc>,
    },
    /// A registered recipient, named short for the courier to confirm.
    RecipientConfirmed {
        recipient: crate::domain::RecipientId,
        short_name: String,
    },
    DepositStored {
        parcel: ParcelId,
        compartment: CompartmentId,
        receipt: String,
    },
    /// A deposit door was closed with nothing inside (item sensor).
    DepositDoorClosedEmpty {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    DepositCancelled {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    /// The deposit's compartment changed (does not fit, jam).
    DepositMoved {
        parcel: ParcelId,
        from: CompartmentId,
        to: CompartmentId,
    },
    ParcelRemoved {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    ParcelExpired {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    ReminderQueued {
        parcel: ParcelId,
        number: u8,
    },
    CodeReplaced {
        parcel: ParcelId,
    },
    /// A return was authorised; `code` is the code made here, told once
    /// to whoever issued it (a label's return has none).
    ReturnIssued {
        id: ReturnId,
        code: Option<String>,
    },
    ReturnWithdrawn {
        id: ReturnId,
    },
    /// A return's door closed with the return inside.
    ReturnDropped {
        parcel: ParcelId,
        compartment: CompartmentId,
        receipt: String,
    },
    /// A return's door was given up, jammed or closed with nothing inside:
    /// the code still works.
    ReturnNotDropped {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    /// The courier closed a return's door and its item sensor did not
    /// see it empty: still inside, or (no sensor) did they take it?
    ReturnDoorClosed {
        parcel: ParcelId,
        compartment: CompartmentId,
        still_inside: bool,
    },
    ReturnCollected {
        parcel: ParcelId,
        compartment: CompartmentId,
    },
    /// A lost-code request was taken: the same answer whether or not the
    /// ID has parcels here.
    LostCodesAsked,
    SignedIn {
        session: u64,
        user: String,
        role: Role,
    },
    SignedOut,
    AlertRaised {
        alert: Alert,
    },
    /// Open alerts the locker closed itself (a board answers again).
    AlertsResolved {
        ids: Vec<u64>,
    },
    ProblemRecorded {
        compartment: CompartmentId,
        problem: Problem,
        /// The alert's number: the person's reference when they ask staff.
        #[serde(default)]
        reference: u64,
    },
    CompartmentChanged {
        compartment: CompartmentId,
    },
    /// Every board is offline: the kiosk is out of service.
    BusDown,
    BusUp,
    /// A command with nothing else to report went through.
    Done,
    /// A directory record changed here: the fleet publisher's cue.
    DirectoryChanged,
    /// A typed code that nothing here knows, as fingerprints under the
    /// property's site key: the fleet publisher asks the other kiosks.
    AskSite {
        fingerprints: Vec<String>,
    },
    /// Another kiosk of the property holds the code just typed here.
    CodeHeldElsewhere {
        kiosk: String,
        locker_code: String,
    },
}

impl Event {
    /// Cues between the engine and the fleet publisher: the engine thread
    /// sends them on a channel of their own (`EngineHandle::subscribe_cues`),
    /// so screens and the control socket never see them (a fingerprint of
    /// a typed code stays in the kiosk).
    pub fn is_internal(&self) -> bool {
        matches!(self, Event::DirectoryChanged | Event::AskSite { .. })
    }

    /// Whether the event is about the locker itself rather than about
    /// whoever asked: a door, a compartment, an alert, the bus. Only these
    /// reach other screens when another process's command causes them; a
    /// sign-in or a deposit screen's events stay with whoever asked.
    pub fn is_shared(&self) -> bool {
        match self {
            Event::DoorOpening { purpose, .. } => *purpose == IntentKind::ManualUnlock,
            Event::DoorOpened { .. }
            | Event::DoorClosed { .. }
            | Event::DoorJammed { .. }
            | Event::CompartmentChanged { .. }
            | Event::AlertRaised { .. }
            | Event::AlertsResolved { .. }
            | Event::BusDown
            | Event::BusUp => true,
            _ => false,
        }
    }
}
