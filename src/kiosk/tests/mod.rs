//! Whole-kiosk tests: a person at the keypad (through the real keymap and
//! decoder), the engine on a fake bus, and the bytes the screen sends.

mod acceptance;
mod bytes;
mod courier;
mod keys;
mod large;
mod lost;
mod no_panic;
mod returns;
mod screens;
mod sound;

use tempfile::TempDir;

use crate::testkit::driver::Driver;

pub(crate) use crate::testkit::{snap, snap_at, snap_sizes};

/// A fresh kiosk; keep the directory alive as long as the driver.
fn kiosk() -> (Driver, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let driver = Driver::new(dir.path()).expect("kiosk driver");
    (driver, dir)
}

/// [`kiosk`] on a `profile` terminal, its facts adjusted.
fn kiosk_on(
    profile: crate::ui::TerminalProfile,
    facts: impl FnOnce(&mut crate::kiosk::KioskFacts),
) -> (Driver, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = crate::engine::EngineSettings::for_tests();
    let driver = Driver::open(dir.path(), settings, profile, facts).expect("kiosk driver");
    (driver, dir)
}
