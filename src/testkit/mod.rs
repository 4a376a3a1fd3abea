//! What the tests share, built only for them (`cfg(test)`, and the
//! `test-support` feature the integration tests and benches turn on): never
//! part of the shipped binary.

pub mod driver;
pub mod misfits;
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

/// The sizes every screen is snapshotted at: the smallest the screens are
/// made for, the VT100's, and a large terminal's.
#[cfg(test)]
pub const SIZES: [(u16, u16); 3] = [(40, 12), (80, 24), (132, 43)];

/// A page drawn at `width` x `height`, as text; fails when a word is cut,
/// a word of another screen shows or the keys are not on the last row.
#[cfg(test)]
pub fn page_text(page: &crate::ui::page::Page, width: u16, height: u16) -> String {
    let text = driver::frame_text_at(width, height, |f| crate::ui::page::draw(page, f));
    let rows: Vec<String> = text
        .lines()
        .take(usize::from(height))
        .map(str::to_string)
        .collect();
    let misfits = misfits::misfits(page, &rows);
    assert!(
        misfits.is_empty(),
        "at {width}x{height}: {misfits:#?}\n{text}"
    );
    text
}

/// Cells of a page drawn at 80x24 in a colour other than the terminal's
/// own: what a VT100 would lose.
#[cfg(test)]
pub fn coloured_cells(page: &crate::ui::page::Page) -> usize {
    use ratatui::style::Color;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
        .expect("a test terminal");
    terminal
        .draw(|f| crate::ui::page::draw(page, f))
        .expect("drawn");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

/// A text snapshot of a screen at one size, named `name@COLSxROWS`.
#[cfg(test)]
macro_rules! snap_at {
    ($name:expr, $width:expr, $height:expr, $text:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
            snapshot_suffix => format!("{}x{}", $width, $height),
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}
#[cfg(test)]
pub(crate) use snap_at;

/// A screen's page snapshotted at every size in [`SIZES`], each named
/// `name@COLSxROWS`, each checked by [`page_text`].
#[cfg(test)]
macro_rules! snap_sizes {
    ($name:expr, $page:expr) => {{
        let page = $page;
        for (w, h) in $crate::testkit::SIZES {
            let text = $crate::testkit::page_text(&page, w, h);
            $crate::testkit::snap_at!($name, w, h, text);
        }
    }};
}
#[cfg(test)]
pub(crate) use snap_sizes;
