//! Logs go to a file in the data directory: the terminal belongs to the UI.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Starts logging to `data_dir/locker.log` at the level in RUST_LOG (default
/// info). Calling it twice is harmless; failing to log is never fatal.
pub fn init(data_dir: &Path) {
    let Ok(file) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("locker.log"))
    else {
        return;
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
