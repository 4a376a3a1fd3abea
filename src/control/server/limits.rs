//! How long connections may stay, and how often the count of calls before
//! a sign-in is written.

use std::time::Duration;

use crate::config::ControlConfig;

/// How long connections may stay, and how often the calls made before a
/// sign-in are written to the audit log as one count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// From connecting (or the end of its session) to a sign-in.
    pub sign_in_window: Duration,
    /// A signed-in connection without a request for this long is closed.
    /// Events sent to it do not count: a subscriber that only listens says
    /// `hello` now and then.
    pub idle: Duration,
    pub tally_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_window: Duration::from_secs(10),
            idle: Duration::from_secs(300),
            tally_every: Duration::from_secs(600),
        }
    }
}

impl Limits {
    pub fn from_config(c: &ControlConfig) -> Self {
        Limits {
            idle: Duration::from_secs(u64::from(c.idle_secs)),
            ..Limits::default()
        }
    }
}
