//! Whatever is pressed, scanned or done to the doors, the kiosk never
//! panics and always shows a whole screen.

use chrono::Duration;
use proptest::prelude::*;

use super::kiosk;
use crate::domain::{CompartmentId, Size};
use crate::testkit::driver::ANA;
use crate::ui::{Input, Intent};

#[derive(Debug, Clone)]
enum Step {
    Key(char),
    /// Straight into the screen, past the keymap: any intent at all.
    Intent(Intent),
    Typed(char),
    RealCode,
    Scan(&'static str),
    Open(u16),
    Close(u16, bool),
    Jam(u16),
    Wait(i64),
    BusDown,
    BusUp,
}

fn step() -> impl Strategy<Value = Step> {
    let keys: Vec<char> = "0123456789*#ABCD".chars().collect();
    prop_oneof![
        8 => proptest::sample::select(keys).prop_map(Step::Key),
        1 => prop_oneof![
            any::<u8>().prop_map(Intent::Digit),
            proptest::sample::select(vec![
                Intent::Back, Intent::Enter, Intent::Pickup, Intent::Deposit, Intent::Help,
                Intent::Language, Intent::Up, Intent::Down, Intent::Left, Intent::Right,
                Intent::PageUp, Intent::PageDown, Intent::NextField, Intent::PreviousField,
                Intent::Quit,
            ]),
        ]
        .prop_map(Step::Intent),
        1 => any::<char>().prop_map(Step::Typed),
        1 => Just(Step::RealCode),
        1 => proptest::sample::select(vec![
            "PX-111111",
            "BADGE-1001",
            "TRK-1234",
            "LKR1:B:00",
            "\u{1b}[2J",
        ])
        .prop_map(Step::Scan),
        1 => (0u16..18).prop_map(Step::Open),
        1 => (0u16..18, any::<bool>()).prop_map(|(d, i)| Step::Close(d, i)),
        1 => (0u16..18).prop_map(Step::Jam),
        1 => (1i64..90).prop_map(Step::Wait),
        1 => Just(Step::BusDown),
        1 => Just(Step::BusUp),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_keys_scans_and_doors_never_panic(steps in proptest::collection::vec(step(), 0..50)) {
        let (mut d, _dir) = kiosk();
        let (_, _, code) = d.stored_parcel(ANA, Size::S).expect("a parcel");
        for s in steps {
            match s {
                Step::Key(c) => d.press(&c.to_string()),
                Step::Intent(i) => {
                    let now = d.kiosk.model().now();
                    let requests = d.kiosk.on_input(Input::Intent(i), now);
                    d.run(requests);
                    d.render();
                }
                Step::Typed(c) => {
                    let now = d.kiosk.model().now();
                    let requests = d.kiosk.on_input(Input::Typed(c), now);
                    d.run(requests);
                    d.render();
                }
                Step::RealCode => d.press(&code),
                Step::Scan(p) => d.scan(p),
                Step::Open(n) => d.open_door(CompartmentId(n)),
                Step::Close(n, item) => d.close_door(CompartmentId(n), item),
                Step::Jam(n) => d.jam(CompartmentId(n)),
                Step::Wait(s) => d.wait(Duration::seconds(s), Duration::seconds(1)),
                Step::BusDown => d.bus_down(),
                Step::BusUp => d.bus_up(),
            }
        }
        let text = d.screen_text();
        prop_assert!(text.lines().count() >= 24);
        prop_assert!(text.contains("Kiosk A") || text.contains("Quiosco A"));
    }
}

#[test]
fn a_digit_intent_out_of_range_is_ignored() {
    use crate::kiosk::{Msg, Screen};
    let (mut d, _dir) = kiosk();
    d.press("A1");
    let requests = d
        .kiosk
        .handle(Msg::Input(Input::Intent(Intent::Digit(250))));
    assert!(requests.is_empty());
    assert_eq!(*d.screen(), Screen::CodeEntry { digits: "1".into() });
}
