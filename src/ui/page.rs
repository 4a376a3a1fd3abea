//! The one frame every screen is laid out in — kiosk, console and service
//! laptop alike — at any size from 40x12 up: the header on the first row,
//! the body, the notice and the keys line on the last row.
//!
//! Screens say what they show, not where: words, gaps, a drawing, a list.
//! The frame wraps words at spaces (never inside a word) and, when the body
//! is taller than the screen, lets parts give way in a fixed order: gaps,
//! then extras, then the drawing (down to the row it is about, then
//! entirely), then list rows; the words that matter go last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::page_body::lay_out;
use super::wrap::{fit_words, line_text, wrap};

/// What one screen puts in the frame.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The header's left side: whose screen this is.
    pub title: String,
    /// The header's right side, least needed first: a narrow header drops
    /// from the front (the clock, last, stays longest).
    pub status: Vec<String>,
    pub parts: Vec<Part>,
    /// Above the keys line, in bold.
    pub notice: Option<String>,
    /// The keys line; hints are set apart by two or more spaces. Empty when
    /// no key does anything.
    pub keys: String,
}

/// A piece of the body, by how it gives way.
#[derive(Debug, Clone)]
pub enum Part {
    /// Words, wrapped at spaces; a wrapped line keeps the line's indent.
    Words(Line<'static>),
    /// Words a short screen can do without.
    Extra(Line<'static>),
    /// An empty line between groups: the first thing to go.
    Gap,
    /// A picture, never wrapped: the first of `variants` that fits the
    /// width, whole, or cut to the rows around `focus`, or not at all.
    Drawing {
        variants: Vec<Vec<Line<'static>>>,
        focus: Option<usize>,
    },
    /// Large print (see `ui::big`): `big` where the body has the rows and
    /// the width, else `plain` (words, wrapped; may be empty when the
    /// page says the same elsewhere). It gives way after the extras.
    Large {
        big: Vec<Line<'static>>,
        plain: Vec<Line<'static>>,
    },
    /// List rows, a window of them around the cursor (in reverse video).
    List {
        rows: Vec<Line<'static>>,
        cursor: Option<usize>,
    },
    /// A list in columns under their names: a narrow screen drops whole
    /// columns, the least needed first, rather than wrap a row.
    Table {
        columns: Vec<Column>,
        /// One text per column, each already fitting its column.
        rows: Vec<Vec<String>>,
        cursor: Option<usize>,
    },
}

/// A column of a [`Part::Table`].
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// Characters; 0 for as wide as its widest text.
    pub width: usize,
    /// Numbers line up on the right.
    pub right: bool,
    /// Which columns a narrow screen keeps: the lowest goes first.
    pub rank: u8,
}

impl Column {
    /// A column by name, width (negative: numbers, right-aligned; 0: as
    /// wide as its widest text) and rank (a narrow screen drops the lowest
    /// first).
    pub fn new(name: impl Into<String>, width: i8, rank: u8) -> Column {
        Column {
            name: name.into(),
            width: usize::from(width.unsigned_abs()),
            right: width < 0,
            rank,
        }
    }
}

impl Page {
    /// A page with its keys line (empty when no key does anything).
    pub fn with_keys(keys: impl Into<String>) -> Self {
        Page {
            keys: keys.into(),
            ..Page::default()
        }
    }

    pub fn words(&mut self, line: impl Into<Line<'static>>) -> &mut Self {
        self.parts.push(Part::Words(line.into()));
        self
    }

    pub fn gap(&mut self) -> &mut Self {
        self.parts.push(Part::Gap);
        self
    }

    pub fn extra(&mut self, line: impl Into<Line<'static>>) -> &mut Self {
        self.parts.push(Part::Extra(line.into()));
        self
    }

    /// Every key hint (`{enter}`, `{back}` …) in the page, named by the
    /// keymap in use.
    pub fn name_keys(&mut self, hints: &super::KeyHints) {
        for part in &mut self.parts {
            match part {
                Part::Words(line) | Part::Extra(line) => *line = hints.line(line.clone()),
                Part::Gap => {}
                Part::Drawing { variants, .. } => {
                    for lines in variants {
                        for line in lines.iter_mut() {
                            *line = hints.line(line.clone());
                        }
                    }
                }
                Part::List { rows, .. } | Part::Large { plain: rows, .. } => {
                    for line in rows.iter_mut() {
                        *line = hints.line(line.clone());
                    }
                }
                Part::Table { rows, .. } => {
                    for cell in rows.iter_mut().flatten() {
                        *cell = hints.fill(cell);
                    }
                }
            }
        }
        if let Some(notice) = &mut self.notice {
            *notice = hints.fill(notice);
        }
        self.keys = hints.fill(&self.keys);
    }

    /// A bold title and a gap under it.
    pub fn heading(&mut self, text: impl Into<String>) -> &mut Self {
        self.words(Line::styled(text.into(), bold())).gap()
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub(super) fn reversed() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// Columns left and right of the body: the console's tables are made
/// for 78 columns of an 80-column screen.
fn margin(width: u16) -> u16 {
    if width >= 100 { 2 } else { 1 }
}

/// Draws the page over the whole frame: every cell is written, so nothing
/// of an earlier screen stays.
pub fn draw(page: &Page, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    frame.render_widget(Clear, area);
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(header(page, width)),
        Rect { height: 1, ..area },
    );
    if area.height < 2 {
        return;
    }
    let keys_width = width.saturating_sub(1);
    let most = if area.height >= 8 { 2 } else { 1 };
    let keys = keys_rows(&page.keys, keys_width, most);
    let keys_height = keys.len() as u16;
    let keys_top = area.bottom() - keys_height.min(area.height - 1);
    for (i, row) in keys.into_iter().enumerate() {
        let y = keys_top + i as u16;
        if y < area.bottom() {
            frame.render_widget(
                Paragraph::new(Line::raw(format!(" {row}"))),
                Rect {
                    y,
                    height: 1,
                    ..area
                },
            );
        }
    }
    let side = margin(area.width);
    let inner = usize::from(area.width.saturating_sub(2 * side));
    // A blank row under the header and over the keys, where the body
    // does not need them.
    let natural: usize = page
        .parts
        .iter()
        .map(|p| match p {
            Part::Words(l) | Part::Extra(l) => wrap(l, inner).len(),
            Part::Gap => 1,
            Part::Drawing { variants, .. } => variants.first().map_or(0, Vec::len),
            Part::Large { big, .. } => big.len(),
            Part::List { rows, .. } => rows.iter().map(|r| wrap(r, inner).len()).sum(),
            Part::Table { rows, .. } => 1 + rows.len(),
        })
        .sum();
    let free = usize::from(keys_top.saturating_sub(area.y + 1));
    let roomy = area.height >= 10 && natural + 2 <= free;
    let top = area.y + 1 + u16::from(roomy);
    let notice: Vec<Line<'static>> = page
        .notice
        .as_ref()
        .map(|n| wrap(&Line::styled(n.clone(), bold()), inner))
        .unwrap_or_default()
        .into_iter()
        .take(3)
        .collect();
    let space = keys_top.saturating_sub(top);
    // A notice never takes more than a third of what is left.
    let notice_rows = (notice.len() as u16).min(space / 3);
    let under = if notice_rows > 0 {
        notice_rows
    } else {
        u16::from(roomy)
    };
    let body_height = space.saturating_sub(under);
    let body = lay_out(&page.parts, inner, usize::from(body_height));
    if body_height > 0 {
        frame.render_widget(
            Paragraph::new(body),
            Rect {
                x: area.x + side,
                y: top,
                width: inner as u16,
                height: body_height,
            },
        );
    }
    if notice_rows > 0 {
        frame.render_widget(
            Paragraph::new(
                notice
                    .into_iter()
                    .take(usize::from(notice_rows))
                    .collect::<Vec<_>>(),
            ),
            Rect {
                x: area.x + side,
                y: keys_top - notice_rows,
                width: inner as u16,
                height: notice_rows,
            },
        );
    }
}

/// The header row in reverse video: the title, and what of the status fits.
fn header(page: &Page, width: usize) -> Line<'static> {
    let room = width.saturating_sub(2);
    let title = fit_words(&page.title, room);
    let mut status = page.status.clone();
    loop {
        let right = status.join("   ");
        let used = title.chars().count() + right.chars().count();
        if status.is_empty() || used < room {
            let gap = room.saturating_sub(used);
            return Line::raw(format!(" {title}{}{right} ", " ".repeat(gap))).style(reversed());
        }
        status.remove(0);
    }
}

/// The keys line in at most `most` rows of `width`: hints whole, side by
/// side; when they do not fit, hints before the last go first (the last is
/// the way back).
fn keys_rows(keys: &str, width: usize, most: usize) -> Vec<String> {
    // A key alone ("*  Back") belongs with the words after it.
    let mut hints: Vec<String> = Vec::new();
    let mut key = String::new();
    for piece in keys.split("  ").map(str::trim).filter(|h| !h.is_empty()) {
        if piece.contains(' ') || !key.is_empty() {
            let hint = if key.is_empty() {
                piece.to_string()
            } else {
                format!("{}  {piece}", std::mem::take(&mut key))
            };
            hints.push(hint);
        } else {
            key = piece.to_string();
        }
    }
    if !key.is_empty() {
        hints.push(key);
    }
    if hints.is_empty() {
        return vec![String::new()];
    }
    loop {
        let rows = hint_rows(&hints, width);
        if rows.len() <= most {
            return rows;
        }
        if hints.len() == 1 {
            return rows.into_iter().take(most).collect();
        }
        hints.remove(hints.len() - 2);
    }
}

fn hint_rows(hints: &[String], width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for hint in hints {
        let len = hint.chars().count();
        let used = row.chars().count();
        if row.is_empty() && len <= width {
            row.push_str(hint);
        } else if !row.is_empty() && used + 3 + len <= width {
            row.push_str("   ");
            row.push_str(hint);
        } else {
            if !row.is_empty() {
                rows.push(std::mem::take(&mut row));
            }
            let mut wrapped: Vec<String> = wrap(&Line::raw(hint.clone()), width)
                .iter()
                .map(line_text)
                .collect();
            row = wrapped.pop().unwrap_or_default();
            rows.extend(wrapped);
        }
    }
    rows.push(row);
    rows
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
