//! A stranger at the keypad for a whole day, guessing typed codes as fast
//! as the kiosk lets them, while recipients collect a parcel every ten
//! minutes: the figure in docs/SECURITY.md is what this counts.

use chrono::Duration;

use crate::clock::Clock;
use rand::Rng;

use super::tests::{Rig, opening, sign_in};
use super::{Actor, Command, Event, Refusal};
use crate::bus::DoorEventKind;
use crate::domain::Size;
use crate::domain::throttle::{TYPED_CODES, daily_guess_chance, guess_chance, max_tries_per_day};

/// The live codes the statement in docs/SECURITY.md is about.
const LIVE_CODES: u32 = 30;

#[test]
fn a_day_of_guessing_beside_real_pickups_gets_no_more_tries_than_the_rules_say() {
    let mut rig = Rig::new();
    let start = rig.clock.now();
    let end = start + Duration::days(1);
    let mut waiting: Vec<(crate::domain::ParcelId, String, String)> = Vec::new();
    let mut rng = rand::thread_rng();
    let mut guesses = 0u32;
    let mut pickups = (0u32, 0u32);
    let mut next_pickup = start;
    let mut paused_until = None;
    while rig.clock.now() < end {
        let now = rig.clock.now();
        if now >= next_pickup {
            // A courier keeps the bank stocked; a recipient collects the
            // oldest parcel with a typed code, or with the QR code while
            // typed codes are paused.
            let courier = sign_in(&mut rig.engine, "1001", "4321");
            rig.courier = courier;
            while waiting.len() < 4 {
                let (parcel, _, code) = rig.deposit("111111", Size::S);
                let qr = rig.message_codes(parcel).expect("message").1;
                waiting.push((parcel, code, qr));
            }
            let (_, code, qr) = waiting.remove(0);
            let typed = paused_until.is_none_or(|until| now >= until);
            let ev = if typed {
                pickups.0 += 1;
                rig.enter(&code)
            } else {
                pickups.1 += 1;
                rig.engine
                    .handle(&Actor::Kiosk, Command::ScanQr { payload: qr })
                    .unwrap()
            };
            let door = opening(&ev).expect("the recipient's door opens");
            rig.door(door, DoorEventKind::Opened);
            rig.bus.set_item(super::tests::lock(door), false);
            rig.door(door, DoorEventKind::Closed);
            next_pickup = now + Duration::minutes(10);
            continue;
        }
        // The guesser types a code that opens nothing here.
        let guess = loop {
            let g = format!("{:06}", rng.gen_range(0..1_000_000));
            if waiting.iter().all(|(_, code, _)| *code != g) {
                break g;
            }
        };
        let ev = rig.enter(&guess);
        match &ev[0] {
            Event::CodesLocked { until } => {
                paused_until = Some(*until);
                rig.clock.set((*until).min(next_pickup));
            }
            Event::CodeRefused {
                refusal: Refusal::Unknown,
                ..
            } => {
                guesses += 1;
                if let Some(Event::CodesLocked { until }) = ev.get(1) {
                    paused_until = Some(*until);
                }
            }
            other => panic!("a guess got {other:?}"),
        }
    }
    assert!(
        pickups.0 > 0 && pickups.1 > 0,
        "pickups typed and scanned: {pickups:?}"
    );
    assert_eq!(pickups.0 + pickups.1, 144);
    // Neither the recipients' good codes nor their QR scans gave the
    // guesser one try more than time alone does.
    assert_eq!(guesses, max_tries_per_day(TYPED_CODES));
    let chance = guess_chance(LIVE_CODES, guesses);
    assert!(chance <= 0.01, "{chance}");
    assert_eq!(chance, daily_guess_chance(LIVE_CODES));
    let stated = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SECURITY.md"),
    )
    .unwrap();
    let figure = format!("| {LIVE_CODES} | {guesses} | {:.2} % |", chance * 100.0);
    assert!(
        stated.contains(&figure),
        "docs/SECURITY.md should state {figure}"
    );
}
