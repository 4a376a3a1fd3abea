//! Notifications, by e-mail and text message: the recipient learns of a parcel only through one, so the
//! outbox is written in the same transaction as the change that causes it
//! (see `engine`), and this module delivers it at least once.

pub mod message;
pub mod qr;
pub mod sms;
pub mod templates;
pub mod transport;
pub mod worker;

pub use transport::{Channels, Senders, Transport};

#[cfg(test)]
mod tests;
