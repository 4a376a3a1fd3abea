//! The control socket: while the kiosk runs it owns the database (sled
//! allows one process), so `locker admin` and the data commands reach its
//! engine through a Unix domain socket in the data directory instead.
//!
//! ```text
//! locker admin ─┐                      ┌─ engine thread ─ sled, lock bus
//! locker parcel ├─ data_dir/control.sock ─ server tasks ┤
//! a script     ─┘  line-delimited JSON  └─ event broadcast ─▶ subscribers
//! ```
//!
//! The wire format is in [`proto`], its rows in [`wire`]; who may connect in [`peer`]; what the
//! kiosk does with a call in [`server`]. Every call after a sign-in, and
//! every sign-in attempt, is recorded in the audit log with its actor and
//! the peer's user and process; other calls before a sign-in are counted.

pub mod answer;
pub mod client;
pub mod peer;
pub mod proto;
pub mod server;
pub mod wire;

pub use client::{Client, ClientError, RemoteEngine, Unasked};
pub use server::{ControlServer, Limits, ServerInfo, serve, socket_path};

#[cfg(test)]
mod tests;
