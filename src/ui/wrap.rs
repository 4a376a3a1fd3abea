//! Words cut into rows at spaces, never inside a word, each character
//! keeping its style.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// As many whole words of `text` as fit in `room` columns.
pub fn fit_words(text: &str, room: usize) -> String {
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

pub fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// One cell of a line: a character and its style.
pub type Cell = (char, Style);

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

pub fn cells_of(line: &Line<'_>) -> Vec<Cell> {
    line.spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect()
}

pub fn styled(cells: &[Cell]) -> Line<'static> {
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
