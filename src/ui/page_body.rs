//! How a page's body fits its rows: words wrap, and when the body is too
//! tall its parts give way in a fixed order (see `ui::page`).

use ratatui::text::Line;

use super::page::{Column, Part, reversed};
use super::wrap::{cells_of, line_text, styled, wrap};

/// A table's heading and rows as lines of `width`: the columns that fit.
pub fn table(
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

/// A part as it will be drawn, and how much of it may still go.
enum Laid {
    Words(Vec<Line<'static>>),
    Extra(Vec<Line<'static>>),
    Gap,
    Drawing {
        lines: Vec<Line<'static>>,
        focus: Option<usize>,
    },
    /// Large print, and the words it becomes when it must give way.
    Large {
        big: Vec<Line<'static>>,
        plain: Vec<Line<'static>>,
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
            Laid::Large { big, .. } => big.len(),
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
pub fn lay_out(parts: &[Part], width: usize, height: usize) -> Vec<Line<'static>> {
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
            Part::Large { big, plain } => {
                let plain: Vec<Line<'static>> = plain.iter().flat_map(|l| wrap(l, width)).collect();
                let wide = big.iter().any(|l| l.width() > width);
                vec![if wide {
                    Laid::Words(plain)
                } else {
                    Laid::Large {
                        big: big.clone(),
                        plain,
                    }
                }]
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
    // Large print becomes plain words, from the bottom up.
    for i in (0..laid.len()).rev() {
        if total(&laid) <= height {
            break;
        }
        if let Laid::Large { plain, .. } = &mut laid[i] {
            laid[i] = if plain.is_empty() {
                Laid::Gone
            } else {
                Laid::Words(std::mem::take(plain))
            };
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
            Laid::Drawing { lines, .. } | Laid::Large { big: lines, .. } => out.extend(lines),
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
