//! Whole-kiosk tests: a person at the keypad (through the real keymap and
//! decoder), the engine on a fake bus, and the bytes the screen sends.

mod acceptance;
mod bytes;
mod courier;
mod no_panic;
mod screens;

use tempfile::TempDir;

use super::driver::Driver;

/// Snapshots live in the crate's `snapshots/`, named by screen.
macro_rules! snap {
    ($name:expr, $text:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}
pub(crate) use snap;

/// A fresh kiosk; keep the directory alive as long as the driver.
fn kiosk() -> (Driver, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let driver = Driver::new(dir.path()).expect("kiosk driver");
    (driver, dir)
}
