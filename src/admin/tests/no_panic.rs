//! Whatever is typed, scanned or done to the doors, the console never
//! panics and always draws a whole screen.

use proptest::prelude::*;

use super::{Desk, TECH};
use crate::bus::{BusEvent, DoorEvent, DoorEventKind};
use crate::clock::Clock;
use crate::domain::{CompartmentId, Size};
use crate::testkit::driver::{ADMIN, ANA};
use crate::ui::{Input, Intent};

#[derive(Debug, Clone)]
enum Step {
    Keys(String),
    Intent(Intent),
    Typed(char),
    Scan(String),
    Door(u16, DoorEventKind),
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => "[0-9jk\\n\\x1bqC]{1,4}".prop_map(Step::Keys),
        2 => prop_oneof![
            any::<u8>().prop_map(Intent::Digit),
            proptest::sample::select(vec![
                Intent::Back, Intent::Enter, Intent::Pickup, Intent::Deposit, Intent::Help,
                Intent::Language, Intent::Up, Intent::Down, Intent::PageUp, Intent::PageDown,
                Intent::NextField, Intent::Quit,
            ]),
        ]
        .prop_map(Step::Intent),
        1 => any::<char>().prop_map(Step::Typed),
        1 => ".{0,40}".prop_map(Step::Scan),
        1 => (0u16..40, proptest::sample::select(vec![
            DoorEventKind::Opened, DoorEventKind::Closed, DoorEventKind::Jammed,
            DoorEventKind::ForcedOpen, DoorEventKind::LeftOpen, DoorEventKind::SensorUnknown,
        ])).prop_map(|(d, k)| Step::Door(d, k)),
        1 => (1i64..400).prop_map(Step::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_keys_scans_and_doors_never_panic(
        technician in any::<bool>(),
        steps in proptest::collection::vec(step(), 0..60),
    ) {
        let mut desk = Desk::new();
        desk.d.stored_parcel(ANA, Size::S).expect("a parcel");
        let (user, pin) = if technician { TECH } else { ADMIN };
        desk.sign_in(user, pin);
        for s in steps {
            let now = desk.d.clock.now();
            match s {
                Step::Keys(k) => desk.keys(&k),
                Step::Intent(i) => {
                    let r = desk.console.on_input(Input::Intent(i), now);
                    desk.console.serve(&mut desk.d.engine, r);
                }
                Step::Typed(c) => {
                    let r = desk.console.on_input(Input::Typed(c), now);
                    desk.console.serve(&mut desk.d.engine, r);
                }
                Step::Scan(s) => {
                    let r = desk.console.on_input(Input::Scan(s), now);
                    desk.console.serve(&mut desk.d.engine, r);
                }
                Step::Door(door, kind) => {
                    let Some(lock) = desk.d.engine.bank().compartment(CompartmentId(door)).map(|c| c.lock()) else {
                        continue;
                    };
                    let reply = desk.d.engine.on_bus_event(BusEvent::Door(DoorEvent { lock, kind, at: now }));
                    desk.events(reply);
                }
                Step::Wait(secs) => {
                    desk.d.clock.advance(chrono::Duration::seconds(secs));
                    let now = desk.d.clock.now();
                    let r = desk.console.on_tick(now);
                    desk.console.serve(&mut desk.d.engine, r);
                }
            }
            let text = desk.text();
            prop_assert_eq!(text.lines().filter(|l| !l.starts_with("[reverse")).count(), 24);
            prop_assert!(text.starts_with(" Admin - Kiosk A Lobby"));
        }
    }
}
