//! Screens that are rare to reach by keys alone, and the VT100 byte
//! stream of the home screen.

use super::{kiosk, snap, snap_sizes};
use crate::domain::{CompartmentId, Language, Size};
use crate::engine::{Actor, Command, EngineSettings, Refusal};
use crate::kiosk::page_of;
use crate::kiosk::{DoorSpot, KioskFacts, Model, Screen};
use crate::store::IntentKind;
use crate::testkit::driver::{ANA, Driver, screen_text, start_time, test_bank};
use crate::ui::TerminalProfile;

pub(super) fn model(screen: Screen) -> Model {
    let facts = KioskFacts::from_engine(
        &EngineSettings::for_tests(),
        &test_bank(),
        "Front desk, 555-0100",
    );
    let mut m = Model::new(facts, start_time());
    m.screen = screen;
    m
}

/// Escapes shown as `␛` so the snapshot reads like a terminal log.
fn readable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('\u{1b}', "␛")
        .replace("␛[", "\n␛[")
}

#[test]
fn home_on_a_vt100_is_ascii_with_reverse_video_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = Driver::open(
        dir.path(),
        EngineSettings::for_tests(),
        TerminalProfile::Vt100,
        |_| {},
    )
    .unwrap();
    let bytes = d.meter.take_kept();
    assert!(bytes.is_ascii(), "a VT100 gets ASCII only");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("38;5"), "no 256-colour codes");
    assert!(text.contains("\u{1b}[0;7m") || text.contains("\u{1b}[7m"));
    snap!("kiosk_home_vt100", readable(&bytes));
}

#[test]
fn replaced_code_says_use_the_latest_message() {
    let (mut d, _dir) = kiosk();
    let (parcel, _, old) = d.stored_parcel(ANA, Size::S).unwrap();
    let admin = Actor::Local {
        name: "test".into(),
    };
    d.engine
        .handle(&admin, Command::ResendCode { parcel })
        .unwrap();
    d.press(&format!("{old}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Replaced,
            ..
        }
    ));
    snap_sizes!("kiosk_invalid_code_replaced", d.page());
}

#[test]
fn a_code_of_a_reassigned_parcel_says_so_and_not_replaced() {
    let (mut d, _dir) = kiosk();
    let (parcel, _, old) = d.stored_parcel(ANA, Size::S).unwrap();
    let admin = Actor::Local {
        name: "test".into(),
    };
    d.engine
        .handle(
            &admin,
            Command::Reassign {
                parcel,
                recipient: crate::testkit::driver::BEN.into(),
            },
        )
        .unwrap();
    d.press(&format!("{old}#"));
    assert!(matches!(
        d.screen(),
        Screen::CodeRefused {
            refusal: Refusal::Reassigned,
            ..
        }
    ));
    snap_sizes!("kiosk_invalid_code_reassigned", d.page());
}

#[test]
fn a_door_opened_by_staff_elsewhere_is_named_until_it_closes() {
    let (mut d, _dir) = kiosk();
    let admin = Actor::Local {
        name: "console".into(),
    };
    let door = crate::domain::CompartmentId(5);
    let events = d
        .engine
        .handle(
            &admin,
            Command::ManualUnlock {
                compartment: door,
                reason: "inspection".into(),
            },
        )
        .unwrap();
    for e in events {
        let r = d.kiosk.on_event(e);
        d.run(r);
    }
    assert_eq!(
        d.screen(),
        &Screen::Home,
        "the person's screen is not taken over"
    );
    let text = d.screen_text();
    assert!(text.contains("Door 5 was opened by staff."), "{text}");
    snap_sizes!("kiosk_home_door_opened_by_staff", d.page());
    d.open_door(door);
    d.close_door(door, false);
    assert!(
        !d.screen_text().contains("opened by staff"),
        "{}",
        d.screen_text()
    );
}

#[test]
fn door_that_could_not_be_pulsed_keeps_the_code() {
    let m = model(Screen::DoorFault {
        door: None,
        purpose: IntentKind::Pickup,
        draft: None,
    });
    let text = screen_text(&m);
    assert!(text.contains("Your code is still valid"));
    snap_sizes!("kiosk_door_could_not_open", page_of(&m));
}

#[test]
fn demo_help_lists_the_demo_codes() {
    let mut m = model(Screen::Help);
    m.facts.demo_help = Some(crate::kiosk::DemoHelp {
        codes: vec![(CompartmentId(3), "123456".into(), "PX-100001".into())],
        couriers: vec!["1001/4321".into()],
        qr: Some((CompartmentId(3), "LKR1:A:abc".into())),
        label: "EE123456785US".into(),
        return_code: Some("52081937".into()),
        recipients: vec!["PX-100001".into()],
        data_dir: "/tmp/locker-demo-1".into(),
        close_secs: 4,
    });
    let text = screen_text(&m);
    assert!(text.contains("123456  door 3  PX-100001"), "{text}");
    assert!(text.contains("Couriers (B), user/PIN: 1001/4321"), "{text}");
    assert!(
        text.contains("locker admin --data-dir /tmp/locker-demo-1"),
        "{text}"
    );
    snap_sizes!("kiosk_help_demo", page_of(&m));
    m.language = Language::Es;
    let es = screen_text(&m);
    assert!(es.contains("123456  puerta 3  PX-100001"), "{es}");
    // At the smallest size the codes stay; the extras give way.
    let small = crate::testkit::page_text(&page_of(&m), 40, 12);
    assert!(small.contains("123456"), "{small}");
}

#[test]
fn lockout_in_spanish_counts_down_in_minutes_and_seconds() {
    let mut m = model(Screen::Lockout {
        until: start_time() + chrono::Duration::seconds(125),
        secs_left: 125,
    });
    m.language = crate::domain::Language::Es;
    let text = screen_text(&m);
    assert!(text.contains("02:05"));
    snap_sizes!("kiosk_lockout_es", page_of(&m));
}

#[test]
fn open_door_on_a_vt100_is_drawn_in_ascii_with_the_door_in_reverse_video() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::open(
        dir.path(),
        EngineSettings::for_tests(),
        TerminalProfile::Vt100,
        |_| {},
    )
    .unwrap();
    let (_, door, code) = d.stored_parcel(ANA, Size::M).unwrap();
    d.meter.take_kept();
    d.press(&format!("{code}#"));
    d.open_door(door);
    let bytes = d.meter.take_kept();
    assert!(bytes.is_ascii());
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("+----+----+----+----+"), "ASCII bank outline");
    // Bold and reverse for the open door, whatever order the SGR takes,
    // and pointed at in ASCII.
    let door_cell = format!("{door:>3}<");
    let at = text.rfind(&door_cell).expect("the door's cell");
    let before = &text[..at];
    let from = &before[before.rfind("\u{1b}[").expect("an SGR before the door")..];
    let sgr = &from[..=from.find('m').expect("an SGR ends in m")];
    assert_eq!(sgr, "\u{1b}[1;7m", "bold and reverse video");
}

/// One of each screen, with typical contents.
pub(super) fn all_screens() -> Vec<Screen> {
    use crate::domain::ParcelClass;
    use crate::domain::{Fee, ParcelId};
    use crate::kiosk::{ClassShown, Draft, ExpiredParcel};
    let spot = DoorSpot {
        door: CompartmentId(14),
        column: 3,
        row: 1,
    };
    let draft = Draft {
        tracking: "TRK-9911-AB".into(),
        recipient: "PX-111111".into(),
        size: Some(Size::M),
        recipient_name: Some("Ana R.".into()),
        class: Some(ClassShown::picked(ParcelClass::Domestic)),
    };
    let expired = ExpiredParcel {
        parcel: ParcelId(7),
        door: CompartmentId(14),
    };
    vec![
        Screen::Home,
        Screen::Help,
        Screen::LostCode {
            typed: "4829".into(),
        },
        Screen::LostCodeSent,
        Screen::OutOfService,
        Screen::CodeEntry {
            digits: "123".into(),
        },
        Screen::DoorOpen {
            spot,
            purpose: IntentKind::Pickup,
            opened: true,
        },
        Screen::PickupDone {
            door: spot.door,
            reopen_secs: 60,
        },
        Screen::ReportProblem { door: spot.door },
        Screen::ProblemRecorded {
            door: spot.door,
            reference: 7,
        },
        Screen::CodeRefused {
            refusal: Refusal::Unknown,
            tries_left: 1,
        },
        Screen::CodeRefused {
            refusal: Refusal::Expired,
            tries_left: 3,
        },
        Screen::CodeRefused {
            refusal: Refusal::Used,
            tries_left: 3,
        },
        Screen::CodeRefused {
            refusal: Refusal::Replaced,
            tries_left: 3,
        },
        Screen::CodeRefused {
            refusal: Refusal::Reassigned,
            tries_left: 3,
        },
        Screen::CodeRefused {
            refusal: Refusal::OtherKiosk { kiosk: "B".into() },
            tries_left: 3,
        },
        Screen::CodeRefused {
            refusal: Refusal::HeldElsewhere {
                kiosk: "B".into(),
                locker_code: "LK-2077".into(),
            },
            tries_left: 3,
        },
        Screen::Fee {
            ticket: 1,
            door: spot.door,
            fee: Fee {
                use_cents: 150,
                storage_days: 2,
                storage_cents: 100,
                currency: "EUR".into(),
            },
        },
        Screen::DoorFault {
            door: Some(spot.door),
            purpose: IntentKind::Pickup,
            draft: None,
        },
        Screen::SignInPin {
            user: "1001".into(),
            pin: "12".into(),
        },
        Screen::StaffMenu,
        Screen::Tracking {
            typed: "40442".into(),
        },
        Screen::Recipient {
            tracking: "40442".into(),
            typed: "1111".into(),
        },
        Screen::Class {
            draft: Draft {
                class: None,
                ..draft.clone()
            },
        },
        Screen::Size {
            draft: draft.clone(),
        },
        Screen::Dimensions {
            draft: draft.clone(),
            fields: ["30".into(), "20".into(), String::new()],
            field: 1,
        },
        Screen::NotRegistered {
            recipient: "999999".into(),
        },
        Screen::Oversized,
        Screen::NoCompartment {
            draft: draft.clone(),
            wanted: Size::L,
        },
        Screen::DepositDoor {
            draft: draft.clone(),
            parcel: ParcelId(7),
            spot,
            opened: true,
            closed_empty: false,
            moved_from: Some(CompartmentId(2)),
        },
        Screen::DepositCancelled { door: spot.door },
        Screen::DepositStored {
            door: spot.door,
            receipt: "R-A-000007".into(),
            class: Some(ClassShown {
                class: ParcelClass::Express,
                abroad: true,
            }),
        },
        Screen::Removal {
            list: vec![expired.clone()],
            removed: 1,
            open: None,
        },
        Screen::Removal {
            list: vec![expired.clone()],
            removed: 0,
            open: Some((expired, spot)),
        },
    ]
}

/// Door 16 is in the bottom row: a short screen keeps that row of the
/// drawing under the words, in either language.
#[test]
fn a_small_screen_keeps_the_row_of_the_open_door() {
    for lang in [Language::En, Language::Es] {
        let mut m = model(Screen::DoorOpen {
            spot: DoorSpot {
                door: CompartmentId(16),
                column: 3,
                row: 3,
            },
            purpose: IntentKind::Pickup,
            opened: true,
        });
        m.language = lang;
        for (width, height) in crate::testkit::SIZES {
            let text = crate::testkit::page_text(&page_of(&m), width, height);
            assert!(
                text.contains("column 4") || text.contains("columna 4"),
                "{text}"
            );
            assert!(text.contains(": \" 16◀\"]"), "door 16 not shown:\n{text}");
        }
    }
}

/// Every screen in English at every size: no word cut, nothing of another
/// screen, the keys on the last row (the Spanish walk below snapshots).
#[test]
fn every_screen_fits_every_size() {
    for screen in all_screens() {
        let m = model(screen);
        for (width, height) in crate::testkit::SIZES {
            crate::testkit::page_text(&page_of(&m), width, height);
        }
    }
}

/// Every screen in Spanish, one after another, to read the translation
/// in place: the longest words must still fit 80 columns.
#[test]
fn every_screen_in_spanish() {
    for (width, height) in crate::testkit::SIZES {
        let out = every_screen_in_spanish_at(width, height);
        crate::testkit::snap_at!("kiosk_every_screen_es", width, height, out);
    }
}

fn every_screen_in_spanish_at(width: u16, height: u16) -> String {
    let mut out = String::new();
    for screen in all_screens() {
        let mut m = model(screen);
        m.language = crate::domain::Language::Es;
        // The door given up is still open: the screen says to close it.
        if let Screen::DepositDoor {
            moved_from: Some(from),
            ..
        } = m.screen
        {
            m.open_doors.insert(from);
        }
        m.session = Some(crate::kiosk::StaffSession {
            id: 1,
            user: "1001".into(),
            role: crate::domain::Role::Courier,
        });
        out.push_str(&crate::testkit::page_text(&page_of(&m), width, height));
        out.push_str(&"=".repeat(usize::from(width)));
        out.push('\n');
    }
    out
}

#[test]
fn every_screen_draws_on_any_terminal_size() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    for screen in all_screens() {
        let m = model(screen);
        for (w, h) in [(1, 1), (19, 3), (20, 4), (40, 12), (80, 24), (132, 50)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|frame| crate::kiosk::view(&m, frame))
                .unwrap();
            assert_eq!(terminal.backend().buffer().area.width, w);
        }
    }
}

#[test]
fn the_next_tick_is_the_next_minute_second_or_idle_deadline() {
    use chrono::Duration;
    let facts = KioskFacts::from_engine(
        &EngineSettings::for_tests(),
        &test_bank(),
        "Front desk, 555-0100",
    );
    let t0 = start_time() + Duration::seconds(20);
    let mut kiosk = crate::kiosk::Kiosk::new(facts, t0);
    assert_eq!(kiosk.next_tick(), start_time() + Duration::seconds(60));
    kiosk.on_input(
        crate::ui::Input::Intent(crate::ui::Intent::Pickup),
        t0 + Duration::seconds(30),
    );
    // Idle until 10:01:50, asked "Still there?" at 10:01:35; the clock
    // turns first.
    assert_eq!(kiosk.next_tick(), start_time() + Duration::seconds(60));
    kiosk.on_tick(start_time() + Duration::seconds(61));
    assert_eq!(kiosk.next_tick(), start_time() + Duration::seconds(95));
    kiosk.on_tick(start_time() + Duration::seconds(95));
    assert!(kiosk.model().still_there);
    assert_eq!(kiosk.next_tick(), start_time() + Duration::seconds(110));
    kiosk.on_event(crate::engine::Event::CodesLocked {
        until: start_time() + Duration::seconds(200),
    });
    assert_eq!(kiosk.next_tick(), start_time() + Duration::seconds(96));
}

/// A serial line that can be cut.
struct SerialLine {
    cut: std::rc::Rc<std::cell::Cell<bool>>,
    bytes: std::rc::Rc<std::cell::Cell<usize>>,
}

impl std::io::Write for SerialLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.cut.get() {
            return Err(std::io::Error::other("line cut"));
        }
        self.bytes.set(self.bytes.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failed_write_repaints_the_whole_screen_when_the_line_is_back() {
    use ratatui::Terminal;
    use ratatui::layout::Size as ScreenSize;
    let cut = std::rc::Rc::new(std::cell::Cell::new(false));
    let bytes = std::rc::Rc::new(std::cell::Cell::new(0));
    let line = SerialLine {
        cut: cut.clone(),
        bytes: bytes.clone(),
    };
    let backend = crate::ui::KioskBackend::new(
        line,
        ScreenSize {
            width: 80,
            height: 24,
        },
        TerminalProfile::Vt100,
    );
    let mut terminal = Terminal::new(backend).unwrap();
    let facts = KioskFacts::from_engine(&EngineSettings::for_tests(), &test_bank(), "desk");
    let mut kiosk = crate::kiosk::Kiosk::new(facts, start_time());
    assert!(kiosk.render(&mut terminal).unwrap());
    let full = bytes.get();
    cut.set(true);
    kiosk.on_input(
        crate::ui::Input::Intent(crate::ui::Intent::Digit(4)),
        start_time(),
    );
    assert!(kiosk.render(&mut terminal).is_err());
    cut.set(false);
    let before = bytes.get();
    assert!(kiosk.render(&mut terminal).unwrap(), "drawn again");
    assert!(
        bytes.get() - before >= full / 2,
        "a full repaint, not a diff against what never arrived"
    );
    assert!(!kiosk.render(&mut terminal).unwrap(), "then quiet");
}

#[test]
fn the_screen_says_checking_between_hash_and_the_answer() {
    let facts = KioskFacts::from_engine(
        &EngineSettings::for_tests(),
        &test_bank(),
        "Front desk, 555-0100",
    );
    let mut kiosk = crate::kiosk::Kiosk::new(facts, start_time());
    for d in [1, 2, 3, 4, 5, 6] {
        kiosk.on_input(
            crate::ui::Input::Intent(crate::ui::Intent::Digit(d)),
            start_time(),
        );
    }
    let sent = kiosk.on_input(
        crate::ui::Input::Intent(crate::ui::Intent::Enter),
        start_time(),
    );
    assert_eq!(sent.len(), 1, "the code goes to the engine");
    assert!(kiosk.model().checking);
    snap_sizes!("kiosk_checking", page_of(kiosk.model()));
    kiosk.on_reply(&Ok(vec![crate::engine::Event::CodeRefused {
        refusal: Refusal::Unknown,
        tries_left: 4,
    }]));
    assert!(!kiosk.model().checking);
    assert!(!screen_text(kiosk.model()).contains("Checking"));
}

#[test]
fn while_typed_codes_pause_the_home_screen_says_so_before_anyone_types() {
    let mut m = model(Screen::Home);
    m.codes_locked_until = Some(start_time() + chrono::Duration::minutes(5));
    let text = screen_text(&m);
    assert!(text.contains("Typed codes are paused until"), "{text}");
    assert!(!text.contains("Type your 6-digit code"), "{text}");
    snap_sizes!("kiosk_home_codes_paused", page_of(&m));
    m.codes_locked_until = Some(start_time() - chrono::Duration::minutes(1));
    assert!(screen_text(&m).contains("Type your 6-digit code"));
}
