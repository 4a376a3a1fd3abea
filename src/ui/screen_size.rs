//! How big the screen is. A serial tty has no window size (crossterm reads
//! 0x0 there), so the kiosk takes it from configuration first and never from
//! a query the terminal may not answer.

use std::fmt;
use std::str::FromStr;

use ratatui::layout::Size;

/// Used when nothing else says how big the screen is: every VT terminal
/// and every emulator's default window.
pub const DEFAULT_SCREEN: Size = Size {
    width: 80,
    height: 24,
};

/// Larger values are treated as typos: ratatui allocates every cell twice,
/// and `LINES=80000` must not take the kiosk down.
pub const MAX_DIMENSION: u16 = 1000;

/// A `--size` value that is not `COLSxROWS`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("screen size \"{given}\": {reason}")]
pub struct ScreenSizeError {
    pub given: String,
    pub reason: &'static str,
}

/// A screen size as configured: `80x24` (columns x rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenSize(pub Size);

impl FromStr for ScreenSize {
    type Err = ScreenSizeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ScreenSizeError {
            given: s.to_string(),
            reason,
        };
        let (cols, rows) = s
            .trim()
            .split_once(['x', 'X'])
            .ok_or_else(|| err("expected COLUMNSxROWS, e.g. 80x24"))?;
        let width = dimension(cols).ok_or_else(|| err("columns must be 1 to 1000"))?;
        let height = dimension(rows).ok_or_else(|| err("rows must be 1 to 1000"))?;
        Ok(Self(Size { width, height }))
    }
}

impl fmt::Display for ScreenSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.0.width, self.0.height)
    }
}

/// One dimension from text, or `None` when it is missing, zero, not a
/// number or absurd.
fn dimension(text: &str) -> Option<u16> {
    let n: u16 = text.trim().parse().ok()?;
    (1..=MAX_DIMENSION).contains(&n).then_some(n)
}

/// What each source says about the screen size, in the order they are
/// trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SizeSources<'a> {
    /// `--size` or `[kiosk] terminal_size`.
    pub configured: Option<ScreenSize>,
    /// The `LINES` environment variable.
    pub lines: Option<&'a str>,
    /// The `COLUMNS` environment variable.
    pub columns: Option<&'a str>,
    /// What crossterm reported as (columns, rows); 0x0 on a serial tty.
    pub reported: Option<(u16, u16)>,
}

/// The screen size to draw for: the configured size, else LINES/COLUMNS,
/// else what the terminal reported, else 80x24. Each dimension falls back
/// on its own, so `COLUMNS=132` on a serial line still gets 24 rows.
pub fn choose_screen_size(sources: SizeSources<'_>) -> Size {
    if let Some(ScreenSize(size)) = sources.configured {
        return size;
    }
    let reported = sources.reported.unwrap_or((0, 0));
    let pick = |env: Option<&str>, reported: u16, default: u16| {
        env.and_then(dimension)
            .or_else(|| (1..=MAX_DIMENSION).contains(&reported).then_some(reported))
            .unwrap_or(default)
    };
    Size {
        width: pick(sources.columns, reported.0, DEFAULT_SCREEN.width),
        height: pick(sources.lines, reported.1, DEFAULT_SCREEN.height),
    }
}

/// [`choose_screen_size`] fed from this process: the environment and
/// crossterm's window size (an ioctl, never a terminal query).
pub fn screen_size_from_environment(configured: Option<ScreenSize>) -> Size {
    let lines = std::env::var("LINES").ok();
    let columns = std::env::var("COLUMNS").ok();
    choose_screen_size(SizeSources {
        configured,
        lines: lines.as_deref(),
        columns: columns.as_deref(),
        reported: crossterm::terminal::size().ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(width: u16, height: u16) -> Size {
        Size { width, height }
    }

    #[test]
    fn configured_size_wins_over_everything() {
        let got = choose_screen_size(SizeSources {
            configured: Some("100x30".parse().unwrap()),
            lines: Some("50"),
            columns: Some("132"),
            reported: Some((200, 60)),
        });
        assert_eq!(got, size(100, 30));
    }

    #[test]
    fn lines_and_columns_beat_the_reported_size() {
        let got = choose_screen_size(SizeSources {
            lines: Some("30"),
            columns: Some("132"),
            reported: Some((200, 60)),
            ..Default::default()
        });
        assert_eq!(got, size(132, 30));
    }

    #[test]
    fn serial_tty_reporting_zero_gets_80x24() {
        let got = choose_screen_size(SizeSources {
            reported: Some((0, 0)),
            ..Default::default()
        });
        assert_eq!(got, DEFAULT_SCREEN);
        assert_eq!(choose_screen_size(SizeSources::default()), DEFAULT_SCREEN);
    }

    #[test]
    fn a_real_window_size_is_used_when_nothing_is_configured() {
        let got = choose_screen_size(SizeSources {
            reported: Some((120, 40)),
            ..Default::default()
        });
        assert_eq!(got, size(120, 40));
    }

    #[test]
    fn each_dimension_falls_back_on_its_own() {
        let got = choose_screen_size(SizeSources {
            columns: Some("132"),
            reported: Some((0, 0)),
            ..Default::default()
        });
        assert_eq!(got, size(132, 24));
    }

    #[test]
    fn nonsense_environment_values_are_ignored() {
        for bad in ["", "abc", "0", "-3", "80000", "24.5"] {
            let got = choose_screen_size(SizeSources {
                lines: Some(bad),
                columns: Some(bad),
                ..Default::default()
            });
            assert_eq!(got, DEFAULT_SCREEN, "{bad:?}");
        }
    }

    #[test]
    fn size_flag_parses_and_says_what_is_wrong() {
        assert_eq!("80x24".parse::<ScreenSize>(), Ok(ScreenSize(size(80, 24))));
        assert_eq!(
            " 132X43 ".parse::<ScreenSize>(),
            Ok(ScreenSize(size(132, 43)))
        );
        assert_eq!(ScreenSize(size(80, 24)).to_string(), "80x24");
        let err = "80".parse::<ScreenSize>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "screen size \"80\": expected COLUMNSxROWS, e.g. 80x24"
        );
        let err = "0x24".parse::<ScreenSize>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "screen size \"0x24\": columns must be 1 to 1000"
        );
        assert!("80x".parse::<ScreenSize>().is_err());
    }
}
