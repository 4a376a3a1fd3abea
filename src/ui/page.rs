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
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

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

/// A table's heading and rows as lines of `width`: the columns that fit.
fn table(
    columns: &[Column],
    rows: &[Vec<String>],
    width: usize,
) -> (Line<'static>, Vec<Line<'static>>) {
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0);
            c.width
                .max(c.name.chars().count())
                .max(if c.width == 0 { widest } else { 0 })
        })
        .collect();
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let used = |shown: &[usize]| 2 + shown.iter().map(|&i| widths[i] + 1).sum::<usize>() - 1;
    while shown.len() > 1 && used(&shown) > width {
        if let Some(at) = (0..shown.len()).min_by_key(|&k| columns[shown[k]].rank) {
            shown.remove(at);
        }
    }
    let line = |texts: &dyn Fn(usize) -> String| {
        let cells: Vec<String> = shown
            .iter()
            .map(|&i| {
                let (text, w) = (texts(i), widths[i]);
                if columns[i].right {
                    format!("{text:>w$}")
                } else {
                    format!("{text:<w$}")
                }
            })
            .collect();
        Line::raw(format!("  {}", cells.join(" ").trim_end()))
    };
    let heading = line(&|i| columns[i].name.clone());
    let rows = rows
        .iter()
        .map(|r| line(&|i| r.get(i).cloned().unwrap_or_default()))
        .collect();
    (heading, rows)
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

    /// A bold title and a gap under it.
    pub fn heading(&mut self, text: impl Into<String>) -> &mut Self {
        self.words(Line::styled(text.into(), bold())).gap()
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

fn reversed() -> Style {
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

/// As many whole words of `text` as fit in `room` columns.
fn fit_words(text: &str, room: usize) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let more = if out.is_empty() { 0 } else { 1 } + word.chars().count();
        if out.chars().count() + more > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
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

fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// One cell of a line: a character and its style.
type Cell = (char, Style);

/// A line cut at spaces into rows of at most `width` columns. A word
/// longer than a whole row is the one thing ever broken.
pub fn wrap(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    let cells = cells_of(line);
    if cells.len() <= width {
        return vec![line.clone()];
    }
    let lead = cells.iter().take_while(|(c, _)| *c == ' ').count();
    let indent = if lead * 2 > width { 0 } else { lead };
    let fresh = |style: Style| vec![(' ', style); indent];
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = fresh(Style::default());
    let mut has_word = false;
    let mut at = lead;
    while at < cells.len() {
        let gap_end = at + cells[at..].iter().take_while(|(c, _)| *c == ' ').count();
        if gap_end == cells.len() {
            break;
        }
        let word_end = gap_end
            + cells[gap_end..]
                .iter()
                .take_while(|(c, _)| *c != ' ')
                .count();
        let (gap, word) = (&cells[at..gap_end], &cells[gap_end..word_end]);
        at = word_end;
        let need = if has_word { gap.len() } else { 0 } + word.len();
        if row.len() + need <= width {
            if has_word {
                row.extend_from_slice(gap);
            }
            row.extend_from_slice(word);
            has_word = true;
            continue;
        }
        if has_word {
            rows.push(std::mem::replace(&mut row, fresh(Style::default())));
        }
        let mut rest = word;
        while row.len() + rest.len() > width {
            let take = width - row.len();
            row.extend_from_slice(&rest[..take]);
            rows.push(std::mem::replace(&mut row, fresh(Style::default())));
            rest = &rest[take..];
        }
        row.extend_from_slice(rest);
        has_word = true;
    }
    if has_word || rows.is_empty() {
        rows.push(row);
    }
    rows.into_iter()
        .map(|cells| styled(&cells).style(line.style))
        .collect()
}

fn cells_of(line: &Line<'_>) -> Vec<Cell> {
    line.spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect()
}

fn styled(cells: &[Cell]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = cells.first().map(|c| c.1).unwrap_or_default();
    for &(c, s) in cells {
        if s != style && !text.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut text), style));
        }
        style = s;
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

/// A part as it will be drawn, and how much of it may still go.
enum Laid {
    Words(Vec<Line<'static>>),
    Extra(Vec<Line<'static>>),
    Gap,
    Drawing {
        lines: Vec<Line<'static>>,
        focus: Option<usize>,
    },
    List {
        rows: Vec<Vec<Line<'static>>>,
        cursor: Option<usize>,
        /// Rows of the list still shown.
        room: usize,
    },
    Gone,
}

impl Laid {
    fn height(&self) -> usize {
        match self {
            Laid::Words(l) | Laid::Extra(l) => l.len(),
            Laid::Gap => 1,
            Laid::Drawing { lines, .. } => lines.len(),
            Laid::List { rows, cursor, room } => {
                window(rows, *cursor, *room).map(|i| rows[i].len()).sum()
            }
            Laid::Gone => 0,
        }
    }
}

/// The rows of a list shown in `room` lines: from the cursor, grown down
/// and up in turn while they fit (from the top without a cursor).
fn window(
    rows: &[Vec<Line<'static>>],
    cursor: Option<usize>,
    room: usize,
) -> std::ops::Range<usize> {
    if rows.is_empty() {
        return 0..0;
    }
    let at = cursor.unwrap_or(0).min(rows.len() - 1);
    let (mut start, mut end) = (at, at + 1);
    let mut used = rows[at].len();
    loop {
        let mut grew = false;
        if end < rows.len() && used + rows[end].len() <= room {
            used += rows[end].len();
            end += 1;
            grew = true;
        }
        if cursor.is_some() && start > 0 && used + rows[start - 1].len() <= room {
            used += rows[start - 1].len();
            start -= 1;
            grew = true;
        }
        if !grew {
            return start..end;
        }
    }
}

/// The body in `height` rows of `width`.
fn lay_out(parts: &[Part], width: usize, height: usize) -> Vec<Line<'static>> {
    let list = |rows: &[Line<'static>], cursor: &Option<usize>| {
        let rows: Vec<_> = rows.iter().map(|r| wrap(r, width)).collect();
        let room = rows.iter().map(Vec::len).sum();
        Laid::List {
            rows,
            cursor: *cursor,
            room,
        }
    };
    let mut laid: Vec<Laid> = parts
        .iter()
        .flat_map(|p| match p {
            Part::Words(l) => vec![Laid::Words(wrap(l, width))],
            Part::Extra(l) => vec![Laid::Extra(wrap(l, width))],
            Part::Gap => vec![Laid::Gap],
            Part::Drawing { variants, focus } => {
                vec![
                    fitting(variants, width).map_or(Laid::Gone, |lines| Laid::Drawing {
                        lines,
                        focus: *focus,
                    }),
                ]
            }
            Part::List { rows, cursor } => vec![list(rows, cursor)],
            Part::Table {
                columns,
                rows,
                cursor,
            } => {
                let (heading, rows) = table(columns, rows, width);
                vec![Laid::Words(wrap(&heading, width)), list(&rows, cursor)]
            }
        })
        .collect();
    let total = |laid: &[Laid]| laid.iter().map(Laid::height).sum::<usize>();
    // Two gaps in a row, or a gap at either end, say nothing.
    let mut last_gap = true;
    for part in &mut laid {
        let gap = matches!(part, Laid::Gap);
        if gap && last_gap {
            *part = Laid::Gone;
        }
        if !matches!(part, Laid::Gone) {
            last_gap = gap;
        }
    }
    if let Some(last) = laid.iter_mut().rev().find(|p| !matches!(p, Laid::Gone))
        && matches!(last, Laid::Gap)
    {
        *last = Laid::Gone;
    }
    // Gaps go all at once, so what is left stays evenly spaced: first
    // those between the lines, then the one under the title. Extras go
    // from the bottom up.
    let title_gap = laid.iter().position(|p| matches!(p, Laid::Gap));
    if total(&laid) > height {
        for (i, part) in laid.iter_mut().enumerate() {
            if matches!(part, Laid::Gap) && Some(i) != title_gap {
                *part = Laid::Gone;
            }
        }
    }
    if total(&laid) > height
        && let Some(i) = title_gap
    {
        laid[i] = Laid::Gone;
    }
    for i in (0..laid.len()).rev() {
        if total(&laid) <= height {
            break;
        }
        if matches!(laid[i], Laid::Extra(_)) {
            laid[i] = Laid::Gone;
        }
    }
    // The drawing shrinks to the rows around its focus, then goes.
    for i in 0..laid.len() {
        let over = total(&laid).saturating_sub(height);
        if over == 0 {
            break;
        }
        let shrunk = match &laid[i] {
            Laid::Drawing { lines, focus } => {
                let keep = lines.len().saturating_sub(over);
                let focus = focus.unwrap_or(0).min(lines.len().saturating_sub(1));
                let start = focus.saturating_sub(keep / 2).min(lines.len() - keep);
                Some(if keep == 0 {
                    Laid::Gone
                } else {
                    Laid::Drawing {
                        lines: lines[start..start + keep].to_vec(),
                        focus: Some(focus - start),
                    }
                })
            }
            _ => None,
        };
        if let Some(shrunk) = shrunk {
            laid[i] = shrunk;
        }
    }
    // Lists show what is left, at least their cursor's row.
    for i in 0..laid.len() {
        let over = total(&laid).saturating_sub(height);
        if over == 0 {
            break;
        }
        if let Laid::List { room, .. } = &mut laid[i] {
            *room = room.saturating_sub(over);
        }
    }
    // What still does not fit goes from the bottom, a whole part at a
    // time, so no sentence shows half; only a first part taller than the
    // screen is cut, a whole line at a time.
    while total(&laid) > height {
        let last = laid
            .iter()
            .rposition(|p| !matches!(p, Laid::Gone | Laid::List { .. }));
        match last {
            Some(i) if laid[..i].iter().any(|p| !matches!(p, Laid::Gone)) => laid[i] = Laid::Gone,
            _ => break,
        }
    }
    let mut out = Vec::new();
    for part in laid {
        match part {
            Laid::Words(l) | Laid::Extra(l) => out.extend(l),
            Laid::Gap => out.push(Line::raw("")),
            Laid::Drawing { lines, .. } => out.extend(lines),
            Laid::List { rows, cursor, room } => {
                for i in window(&rows, cursor, room) {
                    for line in &rows[i] {
                        if Some(i) == cursor {
                            let text = line_text(line);
                            out.push(Line::styled(format!("{text:<width$}"), reversed()));
                        } else {
                            out.push(line.clone());
                        }
                    }
                }
            }
            Laid::Gone => {}
        }
    }
    out.truncate(height);
    out
}

/// The first drawing that fits `width`, its common indent taken off if
/// that is what it takes.
fn fitting(variants: &[Vec<Line<'static>>], width: usize) -> Option<Vec<Line<'static>>> {
    let widest = |lines: &[Line<'static>]| lines.iter().map(Line::width).max().unwrap_or(0);
    for lines in variants {
        if widest(lines) <= width {
            return Some(lines.clone());
        }
    }
    for lines in variants {
        let indent = lines
            .iter()
            .map(|l| line_text(l).chars().take_while(|c| *c == ' ').count())
            .min()
            .unwrap_or(0);
        if widest(lines) - indent <= width {
            return Some(
                lines
                    .iter()
                    .map(|l| styled(&cells_of(l)[indent..]).style(l.style))
                    .collect(),
            );
        }
    }
    None
}

/// What a person would call broken in a drawn page, `rows` being the
/// screen as text: the keys line not on the last row, and any word on the
/// screen that is not a word of the page (cut, or left from another
/// screen). Empty when the page is drawn right.
#[cfg(any(test, feature = "test-support"))]
pub fn misfits(page: &Page, rows: &[String]) -> Vec<String> {
    use std::collections::HashSet;
    let mut found = Vec::new();
    let words_of =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_string).collect() };
    let keys: HashSet<String> = words_of(&page.keys).into_iter().collect();
    let mut known: HashSet<String> = keys.clone();
    let mut header: HashSet<String> = words_of(&page.title).into_iter().collect();
    for s in &page.status {
        header.extend(words_of(s));
    }
    known.extend(header.iter().cloned());
    if let Some(n) = &page.notice {
        known.extend(words_of(n));
    }
    for part in &page.parts {
        let texts: Vec<String> = match part {
            Part::Words(l) | Part::Extra(l) => vec![line_text(l)],
            Part::Gap => Vec::new(),
            Part::Drawing { variants, .. } => variants.iter().flatten().map(line_text).collect(),
            Part::List { rows, .. } => rows.iter().map(line_text).collect(),
            Part::Table { columns, rows, .. } => columns
                .iter()
                .map(|c| c.name.clone())
                .chain(rows.iter().flatten().cloned())
                .collect(),
        };
        for text in texts {
            known.extend(words_of(&text));
        }
    }
    if let Some(first) = rows.first() {
        for w in words_of(first) {
            if !header.contains(&w) {
                found.push(format!("header: \"{w}\" is not a word of the title"));
            }
        }
    }
    if !keys.is_empty() {
        match rows.last() {
            Some(last) if !last.trim().is_empty() => {
                for w in words_of(last) {
                    if !keys.contains(&w) {
                        found.push(format!("last row: \"{w}\" is not a word of the keys"));
                    }
                }
            }
            _ => found.push("the keys are not on the last row".into()),
        }
    }
    for (y, row) in rows.iter().enumerate().skip(1) {
        for w in words_of(row) {
            if !known.contains(&w) {
                found.push(format!("row {y}: \"{w}\" is cut or not on this page"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'static>]) -> Vec<String> {
        lines.iter().map(line_text).collect()
    }

    #[test]
    fn words_wrap_at_spaces_and_keep_the_indent() {
        let line = Line::raw("    Type your code, then press the hash key.");
        assert_eq!(
            texts(&wrap(&line, 20)),
            ["    Type your code,", "    then press the", "    hash key."]
        );
    }

    #[test]
    fn only_a_word_longer_than_the_row_is_broken() {
        let line = Line::raw("see abcdefghij");
        assert_eq!(texts(&wrap(&line, 6)), ["see", "abcdef", "ghij"]);
    }

    #[test]
    fn keys_drop_middle_hints_before_breaking_one() {
        let keys = "A/B up/down  1 add account  2 add recipient  * menu";
        let rows = keys_rows(keys, 24, 2);
        assert_eq!(rows, ["A/B up/down", "1 add account   * menu"]);
        let rows = keys_rows(keys, 20, 2);
        assert_eq!(rows, ["A/B up/down   * menu"]);
        let rows = keys_rows("# Open door   * Delete", 39, 2);
        assert_eq!(rows, ["# Open door   * Delete"]);
    }

    #[test]
    fn a_drawing_keeps_its_focus_row_when_cut() {
        let lines: Vec<Line<'static>> = (0..6).map(|i| Line::raw(format!("row{i}"))).collect();
        let parts = vec![
            Part::Words(Line::raw("Door 16 is open")),
            Part::Gap,
            Part::Drawing {
                variants: vec![lines],
                focus: Some(4),
            },
        ];
        let shown = texts(&lay_out(&parts, 40, 3));
        assert_eq!(shown[0], "Door 16 is open");
        assert!(shown.contains(&"row4".to_string()), "{shown:?}");
        let shown = texts(&lay_out(&parts, 40, 1));
        assert_eq!(shown, ["Door 16 is open"]);
    }

    #[test]
    fn misfits_name_a_cut_word_and_keys_off_the_last_row() {
        let mut page = Page::with_keys("# Open door   * Delete");
        page.title = "Kiosk A".into();
        page.words("Welcome to the locker");
        let rows: Vec<String> = [
            " Kiosk A",
            " Welcome to the lo",
            " # Open door   * Delete",
            "",
        ]
        .map(String::from)
        .into();
        let found = misfits(&page, &rows);
        assert!(found.iter().any(|f| f.contains("\"lo\"")), "{found:?}");
        assert!(
            found
                .iter()
                .any(|f| f.contains("keys are not on the last row")),
            "{found:?}"
        );
    }

    #[test]
    fn any_size_down_to_one_cell_draws_without_a_panic() {
        let mut page = Page::with_keys("A/B up/down  1 add account  * menu");
        page.title = "Admin - Kiosk A Lobby".into();
        page.status = vec!["9001 (Admin)".into(), "10:00".into()];
        page.notice = Some("Not allowed for your role.".into());
        page.heading("People")
            .words("    Type your code, then press #.");
        page.parts.push(Part::Drawing {
            variants: vec![vec![
                Line::raw("    ┌──┐"),
                Line::raw("    │16│"),
                Line::raw("    └──┘"),
            ]],
            focus: Some(1),
        });
        page.parts.push(Part::Table {
            columns: vec![
                Column {
                    name: "Door".into(),
                    width: 4,
                    right: true,
                    rank: 2,
                },
                Column {
                    name: "State".into(),
                    width: 0,
                    right: false,
                    rank: 1,
                },
            ],
            rows: (0..30)
                .map(|i| vec![i.to_string(), "Closed".into()])
                .collect(),
            cursor: Some(29),
        });
        for width in 0..45 {
            for height in 0..15 {
                let mut terminal =
                    ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                        .expect("terminal");
                terminal.draw(|f| draw(&page, f)).expect("draw");
            }
        }
    }

    #[test]
    fn a_list_window_keeps_the_cursor() {
        let rows = (0..30).map(|i| Line::raw(format!("r{i}"))).collect();
        let parts = vec![Part::List {
            rows,
            cursor: Some(25),
        }];
        let shown = texts(&lay_out(&parts, 10, 5));
        assert_eq!(shown.len(), 5);
        assert!(shown.iter().any(|r| r.trim() == "r25"), "{shown:?}");
    }
}
