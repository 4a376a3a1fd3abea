//! The control socket's wire format: one JSON object per line, UTF-8.
//!
//! ```text
//! client → kiosk   {"v":1,"id":7,"call":{"op":"parcels","all":false}}
//! kiosk → client   {"v":1,"id":7,"ok":{"parcels":[...]}}
//!                  {"v":1,"id":7,"error":{"kind":"not_signed_in"}}
//!                  {"v":1,"event":{"event":"door_opened","compartment":4}}
//!                  {"v":1,"notice":"12 events dropped: read again"}
//! ```
//!
//! Every request carries an id, echoed in its one answer; events and
//! notices carry none. A frame longer than [`MAX_FRAME`] bytes, or one that
//! is not a request, gets an error answer (with the id when it could be
//! read) and the connection goes on. That answer names what was wrong and
//! where, never what the frame said: a PIN sent as a number must not come
//! back in an error, nor reach a log that copies one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::wire;
use crate::domain::Permission;
use crate::engine::read::{Answer, Query};
use crate::engine::{Command, EngineError, Event, Refusal, Rejection};

/// The protocol version this build speaks; a request with another is refused.
pub const VERSION: u32 = 1;
/// The longest request line, newline excluded.
pub const MAX_FRAME: usize = 64 * 1024;
/// The most audit entries one `audit_range` answer holds.
pub const MAX_AUDIT_RANGE: u32 = 1000;

/// One request from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireRequest {
    pub v: u32,
    pub id: u64,
    pub call: Call,
}

/// What a client can ask. The actor is never part of a call: the kiosk
/// takes it from the connection's own sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op", deny_unknown_fields)]
pub enum Call {
    /// Who the kiosk is; needs no sign-in.
    Hello {
        client: String,
    },
    /// Opens this connection's admin session (admins and technicians).
    SignIn {
        user: String,
        pin: String,
    },
    SignOut,
    /// Any engine command, as the connection's session.
    Command {
        command: Command,
    },
    /// One admin-console read.
    Read {
        query: Query,
    },
    /// The expired parcels (the console's removal walk).
    Expired,
    /// Live parcels, or with `all` every parcel ever recorded.
    Parcels {
        all: bool,
    },
    Users,
    Recipients,
    Outbox,
    /// Checks the audit chain.
    AuditVerify,
    /// Audit entries with a sequence number above `after`, oldest first.
    AuditRange {
        after: u64,
        limit: u32,
    },
    Markers,
    /// The fee ledger, oldest first, from a local day on (every fee
    /// without `since`).
    Fees {
        #[serde(default)]
        since: Option<NaiveDate>,
    },
    /// Stream engine events on this connection from now on.
    Subscribe,
}

impl Call {
    /// The call's name, for the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Hello { .. } => "hello",
            Call::SignIn { .. } => "sign_in",
            Call::SignOut => "sign_out",
            Call::Command { .. } => "command",
            Call::Read { .. } => "read",
            Call::Expired => "expired",
            Call::Parcels { .. } => "parcels",
            Call::Users => "users",
            Call::Recipients => "recipients",
            Call::Outbox => "outbox",
            Call::AuditVerify => "audit_verify",
            Call::AuditRange { .. } => "audit_range",
            Call::Markers => "markers",
            Call::Fees { .. } => "fees",
            Call::Subscribe => "subscribe",
        }
    }

    /// What the audit entry says about the call: its name and what it
    /// touched, never a PIN.
    pub fn describe(&self) -> String {
        match self {
            Call::Hello { client } => format!("hello {}", clip(client)),
            Call::SignIn { user, .. } => format!("sign_in {}", clip(user)),
            Call::Command { command } => {
                let name = serde_json::to_value(command)
                    .ok()
                    .and_then(|v| v.get("command").and_then(|c| c.as_str()).map(String::from))
                    .unwrap_or_default();
                format!("command {name}")
            }
            Call::Read { query } => format!("read {}", query.name()),
            Call::Parcels { all } => format!("parcels all={all}"),
            Call::AuditRange { after, limit } => format!("audit_range after={after} limit={limit}"),
            Call::Fees { since: Some(d) } => format!("fees since={d}"),
            other => other.name().to_string(),
        }
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A successful answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Hello {
        protocol: u32,
        version: String,
        kiosk: String,
        name: String,
        #[serde(default)]
        time_zone: String,
        #[serde(default)]
        language: Option<crate::domain::Language>,
    },
    /// What a command (or sign-in, sign-out) produced.
    Events(Vec<Event>),
    /// A console read: the read side's own answer. Only the console of
    /// the same build asks these (see docs/CONTROL.md); scripts use the
    /// calls below, whose rows are the socket's own ([`wire`]).
    Loaded(Answer),
    Parcels(Vec<wire::Parcel>),
    Users(Vec<wire::User>),
    Recipients(Vec<wire::Recipient>),
    Outbox(Vec<wire::OutboxMessage>),
    Verified {
        checked: u64,
        broken: Option<String>,
    },
    Audit(Vec<wire::Audit>),
    Markers(Vec<wire::Marker>),
    Fees(Vec<wire::Fee>),
    Subscribed,
}

/// Why a request failed: the engine's errors, and the socket's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WireError {
    #[error("sign in first")]
    NotSignedIn,
    #[error("not allowed for {role}: {perm:?}")]
    Denied { role: String, perm: Permission },
    #[error("{message}")]
    Invalid { message: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{refusal}")]
    Refused { refusal: Refusal },
    #[error("{rejection}")]
    Rejected { rejection: Rejection },
    #[error("the kiosk's database: {message}")]
    Store { message: String },
    /// Not a request: not UTF-8, not JSON, or not a known call.
    #[error("bad frame: {message}")]
    BadFrame { message: String },
    #[error("frame longer than {max} bytes")]
    TooLarge { max: usize },
    #[error("protocol version {got} not spoken (this kiosk speaks {want})")]
    Version { got: u32, want: u32 },
    /// Too many clients at once; try again later.
    #[error("the kiosk is serving too many clients")]
    Busy,
    /// The connection did not sign in in time and is being closed.
    #[error("closed: no sign-in within {secs} s")]
    SignInTimeout { secs: u64 },
    /// The signed-in connection sent nothing for this long and is being closed.
    #[error("closed: no request for {secs} s")]
    Idle { secs: u64 },
    /// Couriers work at the keypad; the socket is for admins and technicians.
    #[error("only admins and technicians may sign in here")]
    StaffOnly,
}

impl From<&EngineError> for WireError {
    fn from(e: &EngineError) -> Self {
        match e {
            EngineError::NotSignedIn => WireError::NotSignedIn,
            EngineError::Denied { role, perm } => WireError::Denied {
                role: role.clone(),
                perm: *perm,
            },
            EngineError::Invalid(m) => WireError::Invalid { message: m.clone() },
            EngineError::NotFound(w) => WireError::NotFound { what: w.clone() },
            EngineError::Refused(r) => WireError::Refused { refusal: r.clone() },
            EngineError::Rejected(r) => WireError::Rejected {
                rejection: r.clone(),
            },
            EngineError::Store(s) => WireError::Store {
                message: s.to_string(),
            },
        }
    }
}

impl From<WireError> for EngineError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::NotSignedIn => EngineError::NotSignedIn,
            WireError::Denied { role, perm } => EngineError::Denied { role, perm },
            WireError::Invalid { message } => EngineError::Invalid(message),
            WireError::NotFound { what } => EngineError::NotFound(what),
            WireError::Refused { refusal } => EngineError::Refused(refusal),
            WireError::Rejected { rejection } => EngineError::Rejected(rejection),
            other => EngineError::Invalid(other.to_string()),
        }
    }
}

/// One line from the kiosk. Exactly one of `ok`, `error`, `event` and
/// `notice` is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Response {
    pub v: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<Reply>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WireError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl Response {
    pub fn answer(id: u64, result: Result<Reply, WireError>) -> Self {
        match result {
            Ok(r) => Response {
                v: VERSION,
                id: Some(id),
                ok: Some(r),
                ..Default::default()
            },
            Err(e) => Self::error(Some(id), e),
        }
    }

    pub fn error(id: Option<u64>, e: WireError) -> Self {
        Response {
            v: VERSION,
            id,
            error: Some(e),
            ..Default::default()
        }
    }

    pub fn event(e: Event) -> Self {
        Response {
            v: VERSION,
            event: Some(e),
            ..Default::default()
        }
    }

    pub fn notice(text: String) -> Self {
        Response {
            v: VERSION,
            notice: Some(text),
            ..Default::default()
        }
    }

    /// The line to send, newline included.
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_else(|e| {
            // Every field serialises; this is the fallback if one ever did not.
            format!(r#"{{"v":{VERSION},"notice":"unencodable answer: {e}"}}"#)
        });
        s.push('\n');
        s
    }
}

/// Reads one request line (without its newline). On failure the error says
/// why, with the request's id when it could be found.
pub fn decode_request(line: &[u8]) -> Result<WireRequest, (Option<u64>, WireError)> {
    let bad = |message: String| WireError::BadFrame { message };
    let text = std::str::from_utf8(line)
        .map_err(|e| (None, bad(format!("not UTF-8 at byte {}", e.valid_up_to()))))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (None, bad(json_fault(&e))))?;
    let id = value.get("id").and_then(|i| i.as_u64());
    match value.get("v").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err((
                id,
                WireError::Version {
                    got: u32::try_from(v).unwrap_or(u32::MAX),
                    want: VERSION,
                },
            ));
        }
        None => {
            return Err((id, bad("missing \"v\" (the protocol version)".into())));
        }
    }
    // From the text again, not the value: only the text has positions.
    serde_json::from_str(text).map_err(|e| (id, bad(json_fault(&e))))
}

/// What serde_json found wrong, and where, without its message: that
/// quotes the offending value ("invalid type: integer `123456`"), and the
/// value may be a PIN.
pub fn json_fault(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "unreadable",
        Category::Syntax => "not JSON",
        Category::Eof => "cut short",
        Category::Data => {
            let text = e.to_string();
            [
                "invalid type",
                "invalid value",
                "invalid length",
                "unknown variant",
                "unknown field",
                "missing field",
                "duplicate field",
            ]
            .into_iter()
            .find(|kind| text.starts_with(kind))
            .unwrap_or("not a request")
        }
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// The line for a request, newline included.
pub fn encode_request(req: &WireRequest) -> String {
    let mut s = serde_json::to_string(req).unwrap_or_default();
    s.push('\n');
    s
}
