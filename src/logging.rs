//! Logs go to a file in the data directory: the terminal belongs to the UI.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Colour codes only for a person at a terminal: a file or a pipe gets
/// plain text, and `NO_COLOR` (any non-empty value) turns colour off.
pub fn colour(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Whether log lines written to stderr may carry colour.
pub fn colour_on_stderr() -> bool {
    use std::io::IsTerminal;
    colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

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

#[cfg(test)]
mod tests {
    use super::colour;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(OsStr::new(""))));
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None));
    }
}
