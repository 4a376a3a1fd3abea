//! What the tests share, built only for them (`cfg(test)`, and the
//! `test-support` feature the integration tests and benches turn on): never
//! part of the shipped binary.

pub mod driver;
#[cfg(test)]
pub mod plain;

/// Snapshots live in the crate's `snapshots/`, named by screen.
#[cfg(test)]
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
#[cfg(test)]
pub(crate) use snap;
