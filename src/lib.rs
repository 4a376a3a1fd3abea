//! locker — a parcel-locker controller.
//!
//! A keypress travels `ui` -> `engine` (the one owner of the `store` and the
//! lock `bus`) -> Modbus RTU. Business rules live in `domain` and `engine`.

pub mod admin;
pub mod bus;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod fleet;
pub mod gsm;
pub mod hardware;
pub mod kiosk;
pub mod link;
pub mod logging;
pub mod notify;
pub mod service;
pub mod sim;
pub mod site;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testkit;
pub mod ui;
pub mod wording;
