//! Records kept beside parcels and compartments.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{CompartmentId, Language, ParcelId};

/// Why a pulse was asked for. Written and flushed before the pulse, so that a
/// restart knows what the open door meant (docs/RELIABILITY.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentKind {
    /// A courier's door for a new parcel.
    Deposit,
    /// A recipient's door.
    Pickup,
    /// The recipient's second opening within the window.
    Reopen,
    /// Staff removing an expired parcel.
    Removal,
    /// An admin's or technician's manual unlock.
    ManualUnlock,
    /// Someone dropping a return.
    ReturnDrop,
    /// A courier collecting a return.
    ReturnCollect,
}

impl IntentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Pickup => "pickup",
            Self::Reopen => "reopen",
            Self::Removal => "removal",
            Self::ManualUnlock => "manual_unlock",
            Self::ReturnDrop => "return_drop",
            Self::ReturnCollect => "return_collect",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorIntent {
    pub compartment: CompartmentId,
    pub kind: IntentKind,
    pub parcel: Option<ParcelId>,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The door sensor has reported it open since the pulse.
    pub opened: bool,
    /// The courier gave this door up (does not fit, cancel): when it
    /// closes, the compartment is freed instead of the deposit confirmed.
    #[serde(default)]
    pub abandon: bool,
}

/// Key of a compartment in `compartments` and `intents`.
pub fn compartment_key(id: CompartmentId) -> [u8; 2] {
    id.0.to_be_bytes()
}

/// Why a code no longer works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadReason {
    Used,
    Expired,
    /// A newer code was sent to the same recipient (resend, new key file).
    Replaced,
    /// The parcel was given to another recipient, who got a code of their own.
    Reassigned,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadCode {
    pub reason: DeadReason,
    pub parcel: ParcelId,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Delivered,
    Reminder1,
    Reminder2,
    /// The code expired: what happens next depends on the parcel class.
    FinalNotice,
    PickedUp,
    /// The parcel now belongs to someone else (told to the old recipient).
    Reassigned,
    /// Courier's proof of delivery (to the carrier address).
    ProofOfDelivery,
    AdminAlert,
    /// A return was authorised: its code (made here) or label.
    ReturnIssued,
    /// A return is in the locker: the dropper's receipt.
    ReturnReceipt,
    /// A courier took the return.
    ReturnCollected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Sent,
    Dead,
}

/// How a message travels. A recipient who chose both is sent one record
/// of each, delivered and retried on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Email,
    /// A text message through the GSM modem; `to` holds phone numbers.
    Sms,
}

/// The scheme (RFC 5724) that marks a phone number among the addresses a
/// notification is made for; the outbox files those as a text message.
pub const SMS_SCHEME: &str = "sms:";

/// `sms:+34600123456`.
pub fn sms_address(phone: &str) -> String {
    format!("{SMS_SCHEME}{}", phone.trim())
}

/// One message in the outbox. A message that gives a code keeps only the
/// seed it is derived from (with the key file, never in the database), and
/// only until the message is out or the code is dead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: u64,
    pub kind: NotificationKind,
    /// E-mail addresses, or phone numbers for a text message.
    pub to: Vec<String>,
    #[serde(default)]
    pub channel: Channel,
    pub language: Language,
    pub parcel: Option<ParcelId>,
    pub created_at: DateTime<Utc>,
    pub state: DeliveryState,
    /// Message facts for the template (door, deadline, kiosk, class...).
    pub facts: serde_json::Value,
    /// What the code and QR token are derived from.
    #[serde(default)]
    pub seed: Option<crate::domain::CodeSeed>,
    /// The code and QR payload, derived when the message is handed to
    /// delivery; never written anywhere.
    #[serde(skip)]
    pub code: Option<String>,
    #[serde(skip)]
    pub qr: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    /// Not before this time (backoff after a failed attempt).
    #[serde(default)]
    pub next_attempt: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// The file a spooled message is written to (the spool transport), and
/// deleted from when the code it gives dies.
pub fn spool_name(id: u64) -> String {
    format!("{id:08}.eml")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Jam,
    ForcedOpen,
    DoorLeftOpen,
    BoardOffline,
    Lockout,
    DailyCap,
    InspectionNeeded,
    ProblemReported,
    BusDown,
    /// A notification could not be delivered for days.
    NotificationDead,
    /// Live codes made with a key missing from the key file were replaced.
    CodesReissued,
    /// A lock board refuses to read the item sensors its profile names.
    ItemSensorsUnreadable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub kind: AlertKind,
    pub compartment: Option<CompartmentId>,
    pub text: String,
    pub acknowledged: Option<(String, String)>,
    /// The lock board it is about (a board that stopped answering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    ForcedOpen,
    ManualUnlock,
    ProblemReported,
    DailyCap,
    Manual,
}

impl MarkerKind {
    /// The machine name, the same in every export (JSON Lines and CSV).
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::ForcedOpen => "forced_open",
            MarkerKind::ManualUnlock => "manual_unlock",
            MarkerKind::ProblemReported => "problem_reported",
            MarkerKind::DailyCap => "daily_cap",
            MarkerKind::Manual => "manual",
        }
    }
}

/// A CCTV event marker: a moment someone should look at on the recording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CctvMarker {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub kiosk: String,
    pub compartment: Option<CompartmentId>,
    pub camera: Option<String>,
    pub kind: MarkerKind,
    pub actor: String,
    pub note: String,
}

/// One line of the fee ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRecord {
    pub id: u64,
    pub parcel: ParcelId,
    pub at: DateTime<Utc>,
    pub use_cents: u32,
    pub storage_days: u32,
    pub storage_cents: u32,
    pub currency: String,
}
