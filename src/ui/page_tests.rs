//! The frame at sizes, cut words, keys and drawings that give way.
use super::*;
use crate::testkit::misfits::misfits;

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

#[test]
fn large_print_gives_way_to_its_plain_line_after_the_extras_and_before_the_drawing() {
    let big = crate::ui::big::large("14", "").unwrap();
    let parts = vec![
        Part::Words(Line::raw("Door 14 is open")),
        Part::Large {
            big: big.clone(),
            plain: vec![Line::raw("door 14")],
        },
        Part::Extra(Line::raw("an extra")),
        Part::Drawing {
            variants: vec![vec![Line::raw("row0"), Line::raw("row1")]],
            focus: Some(1),
        },
    ];
    // Room for all.
    let shown = texts(&lay_out(&parts, 40, 9));
    assert_eq!(shown[1..6], texts(&big)[..], "{shown:?}");
    // The extra goes first; large print stays.
    let shown = texts(&lay_out(&parts, 40, 8));
    assert!(!shown.contains(&"an extra".to_string()), "{shown:?}");
    assert_eq!(shown[1..6], texts(&big)[..], "{shown:?}");
    // Then the plain line, and the drawing stays whole.
    let shown = texts(&lay_out(&parts, 40, 4));
    assert_eq!(shown, ["Door 14 is open", "door 14", "row0", "row1"]);
    // Too narrow for the glyphs: the plain line at any height.
    let shown = texts(&lay_out(&parts, 7, 20));
    assert!(shown.contains(&"door 14".to_string()), "{shown:?}");
}
