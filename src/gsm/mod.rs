//! Text messages on the GSM network: the 3GPP TS 23.038 (GSM 03.38)
//! alphabet, how a text is cut into parts, and the SMS-SUBMIT PDU of
//! TS 23.040 that carries a part of a longer text. Pure functions, shared
//! by the modem driver (`notify::sms`) and the simulated modem (`sim::modem`).

pub mod alphabet;
pub mod parts;
pub mod pdu;

pub use alphabet::{Septets, to_septets};
pub use parts::{Coding, Plan, plan};
