//! Every console screen as a person sees it at 80x24, and the bank on a
//! VT100's wire.

use chrono::Duration;

use super::{Desk, TECH, snap, snap_sizes};
use crate::bus::{BusEvent, DoorEvent, DoorEventKind, DoorState};
use crate::clock::Clock;
use crate::domain::{CompartmentId, ParcelClass, Size};
use crate::engine::{Actor, Command, SizeChoice};
use crate::testkit::driver::{ADMIN, ANA, BEN, COURIER};
use crate::ui::{CountingWriter, KioskBackend, TerminalProfile};

fn local() -> Actor {
    Actor::Local {
        name: "test".into(),
    }
}

fn bus_event(desk: &mut Desk, door: u16, kind: DoorEventKind) {
    let Some(lock) = desk
        .d
        .engine
        .bank()
        .compartment(CompartmentId(door))
        .map(|c| c.lock())
    else {
        return;
    };
    let at = desk.d.clock.now();
    let reply = desk
        .d
        .engine
        .on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at }));
    desk.events(reply);
}

/// A bank with one of everything: expired, occupied, reserved, open,
/// disabled, faulty and a door whose sensor reads nothing.
pub fn busy_bank(desk: &mut Desk) {
    let d = &mut desk.d;
    d.stored_parcel(BEN, Size::L).expect("parcel to expire");
    d.clock.advance(Duration::days(6));
    d.engine.tick().expect("tick");
    d.stored_parcel(ANA, Size::S).expect("parcel");
    d.stored_parcel(BEN, Size::M).expect("parcel");
    d.clock.advance(Duration::days(2));
    d.stored_parcel(ANA, Size::S).expect("parcel");
    d.engine.tick().expect("tick");
    let courier = match d.engine.handle(
        &Actor::Kiosk,
        Command::SignIn {
            user: COURIER.0.into(),
            pin: COURIER.1.into(),
        },
    ) {
        Ok(events) => match events.first() {
            Some(crate::engine::Event::SignedIn { session, .. }) => Actor::Session { id: *session },
            _ => Actor::Kiosk,
        },
        Err(_) => Actor::Kiosk,
    };
    // A courier is mid-deposit at an XL door.
    let _ = d.engine.handle(
        &courier,
        Command::StartDeposit {
            tracking: "TRK-NOW".into(),
            recipient: ANA.into(),
            size: SizeChoice::Size(Size::XL),
            class: ParcelClass::Domestic,
        },
    );
    d.engine
        .handle(
            &local(),
            Command::SetDisabled {
                compartment: CompartmentId(8),
                disabled: true,
                reason: "hinge broken".into(),
            },
        )
        .expect("disable");
    let lock = |n: u16| {
        d.engine
            .bank()
            .compartment(CompartmentId(n))
            .map(|c| c.lock())
    };
    if let Some(l) = lock(12) {
        d.bus.set_door(l, DoorState::Unknown);
    }
    if let Some(l) = lock(14) {
        d.bus.set_door(l, DoorState::Open);
    }
    bus_event(desk, 14, DoorEventKind::ForcedOpen);
    let _ = desk.d.engine.handle(
        &local(),
        Command::ManualUnlock {
            compartment: CompartmentId(15),
            reason: "inspection".into(),
        },
    );
    bus_event(desk, 15, DoorEventKind::Jammed);
}

#[test]
fn sign_in_asks_for_user_then_pin() {
    let mut desk = Desk::new();
    snap_sizes!("admin_sign_in", desk.page());
    desk.keys("9001\n99");
    let text = desk.text();
    assert!(text.contains("PIN:         **"));
    assert!(!text.contains("99"), "a PIN never shows");
    snap_sizes!("admin_sign_in_pin", desk.page());
}

#[test]
fn admin_menu_lists_everything_and_technician_menu_hides_personal_data() {
    let mut desk = Desk::new();
    desk.sign_in(ADMIN.0, ADMIN.1);
    let text = desk.text();
    assert!(text.contains("9  Outbox"));
    snap_sizes!("admin_menu", desk.page());
    desk.keys("0");
    desk.sign_in(TECH.0, TECH.1);
    let text = desk.text();
    assert!(!text.contains("Parcels") && !text.contains("People"));
    assert!(text.contains("7  Bus diagnostics"));
    snap_sizes!("admin_menu_technician", desk.page());
}

#[test]
fn bank_shows_every_state() {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    let text = desk.text();
    for mark in ["EXP", "OFF", "FLT", "OPN", " ? ", " R ", "3d", "5d", " . "] {
        assert!(text.contains(mark), "{mark} missing:\n{text}");
    }
    snap_sizes!("admin_bank", desk.page());
}

#[test]
fn bank_on_a_vt100_is_ascii_with_reverse_video_for_doors_to_look_at() {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    let writer = CountingWriter::keeping();
    let meter = writer.meter();
    let backend = KioskBackend::new(
        writer,
        ratatui::layout::Size {
            width: 80,
            height: 24,
        },
        TerminalProfile::Vt100,
    );
    let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
    desk.console.touch();
    assert!(desk.console.render(&mut terminal).expect("draw"));
    let bytes = meter.take_kept();
    assert!(bytes.is_ascii(), "a VT100 gets ASCII only");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("38;5"), "no 256-colour codes");
    assert!(text.contains("+--------+"), "ASCII bank outline");
    let readable = text.replace('\u{1b}', "␛").replace("␛[", "\n␛[");
    snap!("admin_bank_vt100", readable);
}

#[test]
fn compartment_detail_offers_unlock_disable_inspect_and_marker() {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("1");
    desk.keys("1\n");
    let text = desk.text();
    assert!(text.contains("Door 1 (S)") && text.contains("Parcel: P"));
    snap_sizes!("admin_compartment", desk.page());
    desk.keys("1");
    let text = desk.text();
    assert!(
        text.contains("Door 1 holds parcel P") && text.contains("To open it, type the reason"),
        "{text}"
    );
    snap_sizes!("admin_unlock_reason", desk.page());
}

#[test]
fn parcel_lists_detail_and_expired() {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("2");
    let text = desk.text();
    assert!(text.contains("PX-111111"));
    snap_sizes!("admin_parcels", desk.page());
    desk.keys("\n");
    let text = desk.text();
    assert!(text.contains("History") && text.contains("Deposit"));
    snap_sizes!("admin_parcel", desk.page());
    // Expired parcels are the parcels screen's 9.
    desk.keys("\x1b9");
    let text = desk.text();
    assert!(text.contains("Expired, to remove"));
    snap_sizes!("admin_expired", desk.page());
}

#[test]
fn an_express_parcel_posted_abroad_shows_as_express_and_international() {
    let mut desk = Desk::new();
    // Picked as domestic; its S10 label says otherwise (the locker is in Spain).
    desk.d
        .engine
        .handle(
            &local(),
            Command::PlaceParcel {
                compartment: CompartmentId(1),
                tracking: "EE123456785US".into(),
                recipient: ANA.into(),
                class: ParcelClass::Domestic,
            },
        )
        .unwrap();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("2\n");
    let text = desk.text();
    assert!(
        text.contains("EE123456785US") && text.contains("Class: Express, international"),
        "{text}"
    );
}

#[test]
fn people_markers_alerts_outbox_audit_and_bus() {
    let mut desk = Desk::new();
    busy_bank(&mut desk);
    desk.sign_in(ADMIN.0, ADMIN.1);
    for (key, name, expect) in [
        ("4", "admin_people", "Recipient"),
        ("5", "admin_markers", "Door forced open"),
        ("8", "admin_alerts", "OPEN"),
        ("9", "admin_outbox", "Parcel waiting"),
        ("6", "admin_audit", "Opened by staff"),
        ("7", "admin_bus", "door  14"),
    ] {
        desk.keys(key);
        let text = desk.text();
        assert!(text.contains(expect), "{name} lacks {expect}:\n{text}");
        snap_sizes!(name, desk.page());
        desk.keys("\x1b");
    }
}

#[test]
fn a_stored_name_with_escapes_shows_each_as_one_visible_mark() {
    let mut desk = Desk::new();
    // Below the engine's checks, as an older version could have stored it.
    let mut eve =
        crate::domain::Recipient::closed(crate::domain::RecipientId::parse("PX-482913").unwrap());
    eve.closed = false;
    eve.name = "Eve\u{1b}[2J".into();
    eve.email = "e\u{9b}@example.org".into();
    desk.d
        .engine
        .store()
        .tree(crate::store::T::Recipients)
        .insert("482913", serde_json::to_vec(&eve).unwrap())
        .unwrap();
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    let text = desk.text();
    // Dropped silently, the rest would read "Eve[2J" and the columns after
    // it would move.
    assert!(text.contains("Eve\u{FFFD}[2J"), "{text}");
    assert!(text.contains("e\u{FFFD}@example.org"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}
