//! Nothing on the console rests on colour or on the highlight alone: on a
//! terminal without either, each compartment's state is a mark of its own,
//! explained by the legend, and what is highlighted also says why.

use std::collections::{BTreeMap, BTreeSet};

use super::Desk;
use super::screens::busy_bank;
use crate::bus::DoorState;
use crate::domain::CompartmentState;
use crate::engine::Actor;
use crate::engine::read::{Answer, CompartmentRow, Query};
use crate::testkit::coloured_cells;
use crate::testkit::driver::ADMIN;
use crate::ui::TerminalProfile;

/// What a row of the engine's bank view means to a person.
fn meaning(r: &CompartmentRow) -> String {
    if r.door == DoorState::Unknown {
        return "door sensor unknown".into();
    }
    let state = match r.state {
        CompartmentState::Occupied if r.expired => "expired".to_string(),
        CompartmentState::Occupied => format!("occupied {:?}", r.days_left),
        other => format!("{other:?}"),
    };
    format!(
        "{state}{}",
        if r.needs_inspection {
            " to inspect"
        } else {
            ""
        }
    )
}

/// Each cell of the drawing, as a VT100 shows it: door number -> mark.
fn cells(text: &str) -> BTreeMap<u16, String> {
    let mut cells = BTreeMap::new();
    for line in text.lines() {
        let line: String = line
            .chars()
            .map(|c| TerminalProfile::Vt100.symbol(&c.to_string()).into_owned())
            .collect();
        if !line.trim_start().starts_with('|') {
            continue;
        }
        for cell in line.split('|').map(str::trim).filter(|c| !c.is_empty()) {
            let mut words = cell.split_whitespace();
            if let (Some(door), Some(mark)) = (words.next(), words.next())
                && let Ok(door) = door.parse()
            {
                cells.insert(door, mark.to_string());
            }
        }
    }
    cells
}

/// An admin at the menu of a bank with one of every state.
fn busy_desk() -> Desk {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk
}

#[test]
fn every_compartment_state_has_its_own_mark_explained_by_the_legend() {
    let mut desk = busy_desk();
    desk.keys("1");
    let text = desk.text();
    let Ok(Answer::Bank(bank)) = desk.d.engine.read(
        &Actor::Local {
            name: "test".into(),
        },
        Query::Bank,
    ) else {
        panic!("no bank view");
    };
    let marks = cells(&text);
    assert_eq!(marks.len(), bank.rows.len(), "every door drawn:\n{text}");
    // One mark per meaning, and no mark for two meanings.
    let mut by_meaning: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in &bank.rows {
        let mark = marks[&r.id.0].as_str();
        by_meaning.entry(meaning(r)).or_default().insert(mark);
    }
    eprintln!("marks by meaning: {by_meaning:?}");
    let mut seen = BTreeMap::new();
    for (meaning, marks) in &by_meaning {
        for mark in marks {
            if let Some(other) = seen.insert(*mark, meaning.clone()) {
                assert_eq!(&other, meaning, "{mark} means two things:\n{text}");
            }
        }
    }
    assert!(
        by_meaning.len() >= 7,
        "the busy bank has every state: {by_meaning:?}"
    );
    // The legend under the drawing names every mark shown (days left as
    // the "2d" example) and what the highlight means.
    let legend: String = text
        .lines()
        .skip_while(|l| !l.contains('└'))
        .collect::<Vec<_>>()
        .join("\n");
    for mark in seen.keys() {
        let shown = if mark.ends_with('d') { "2d" } else { mark };
        let shown = shown.trim_end_matches('!');
        assert!(
            legend.split_whitespace().any(|w| w == shown),
            "{mark} is not in the legend:\n{legend}"
        );
    }
    assert!(legend.contains("highlighted: needs a look"), "{legend}");
    // Every highlighted cell also says why in its mark.
    for line in text.lines().filter(|l| l.starts_with("[reverse video")) {
        let cell = line.rsplit(": \"").next().unwrap_or_default();
        assert!(
            ["OPN", "EXP", "FLT", "?", "!"]
                .iter()
                .any(|why| cell.contains(why)),
            "highlighted without a mark: {line}"
        );
    }
}

/// No console screen uses colour: every cell is in the terminal's own
/// colours, so a VT100 loses nothing (the kiosk's: `kiosk::tests::large`).
#[test]
fn no_console_screen_uses_colour() {
    let mut desk = busy_desk();
    let mut seen = BTreeSet::new();
    for key in '1'..='9' {
        desk.keys(&format!("{key}"));
        let screen = &desk.console.model().screen;
        assert_eq!(coloured_cells(&desk.page()), 0, "{screen:?}");
        seen.insert(format!("{:?}", std::mem::discriminant(screen)));
        desk.keys("\u{1b}");
    }
    assert!(seen.len() >= 5, "the menu's screens were visited: {seen:?}");
}
