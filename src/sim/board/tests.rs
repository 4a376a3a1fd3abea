//! The simulated board against requests, faults and the passing of time.

use super::*;
use crate::hardware::{BoardProfile, LB48_TOML, UNTIMED8_TOML, WAVESHARE8_TOML};

const PHYSICS: Physics = Physics {
    open_delay: Duration::from_millis(50),
    auto_close: None,
    items_follow: false,
};

#[test]
fn a_door_told_what_is_left_inside_shuts_on_that_instead_of_flipping() {
    let physics = Physics {
        items_follow: true,
        ..PHYSICS
    };
    let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
    let t0 = Instant::now();
    b.answer(&[0x05, 0, 2, 0xFF, 0], t0, physics);
    b.tick(t0 + Duration::from_millis(100), physics);
    // A cancelled deposit: the courier takes the parcel back out.
    b.doors[2].item_on_close = Some(false);
    b.doors[2].shut(true);
    assert!(!b.doors[2].item, "empty, as told");
    assert_eq!(b.doors[2].item_on_close, None, "told once");
}

#[test]
fn with_items_following_doors_a_deposit_fills_and_a_pickup_empties() {
    let physics = Physics {
        auto_close: Some(Duration::from_millis(500)),
        items_follow: true,
        ..PHYSICS
    };
    let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
    let t0 = Instant::now();
    b.answer(&[0x05, 0, 2, 0xFF, 0], t0, physics);
    b.tick(t0 + Duration::from_millis(100), physics);
    assert!(b.doors[2].open && !b.doors[2].item);
    b.tick(t0 + Duration::from_millis(700), physics);
    assert!(!b.doors[2].open && b.doors[2].item, "deposit");
    let t1 = t0 + Duration::from_secs(1);
    b.answer(&[0x05, 0, 2, 0xFF, 0], t1, physics);
    b.tick(t1 + Duration::from_millis(100), physics);
    b.doors[2].shut(true);
    assert!(!b.doors[2].item, "pickup");
    // A pried door does not move items.
    b.doors[3].open = true;
    b.doors[3].shut(true);
    assert!(!b.doors[3].item);
}

#[test]
fn lb48_pulse_opens_the_door_after_a_moment() {
    let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
    let t0 = Instant::now();
    assert_eq!(
        b.answer(&[0x05, 0, 3, 0xFF, 0], t0, PHYSICS),
        vec![0x05, 0, 3, 0xFF, 0]
    );
    assert_eq!(
        b.answer(&[0x02, 0, 0, 0, 48], t0, PHYSICS),
        vec![2, 6, 0, 0, 0, 0, 0, 0]
    );
    let later = t0 + Duration::from_millis(60);
    assert_eq!(
        b.answer(&[0x02, 0, 0, 0, 48], later, PHYSICS),
        vec![2, 6, 8, 0, 0, 0, 0, 0]
    );
    assert_eq!(b.doors[3].pulses, 1);
    // Coil reads 1 during the pulse and 0 after it.
    assert_eq!(b.answer(&[0x01, 0, 3, 0, 1], later, PHYSICS), vec![1, 1, 1]);
    let after = t0 + Duration::from_millis(600);
    assert_eq!(b.answer(&[0x01, 0, 3, 0, 1], after, PHYSICS), vec![1, 1, 0]);
}

#[test]
fn jammed_door_stays_shut_but_counts_the_pulse() {
    let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
    b.doors[0].jammed = true;
    let t0 = Instant::now();
    b.answer(&[0x05, 0, 0, 0xFF, 0], t0, PHYSICS);
    let later = t0 + Duration::from_secs(1);
    assert_eq!(b.answer(&[0x02, 0, 0, 0, 8], later, PHYSICS), vec![2, 1, 0]);
    assert_eq!(b.doors[0].pulses, 1);
}

#[test]
fn info_registers_and_bad_requests() {
    let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
    let now = Instant::now();
    assert_eq!(
        b.answer(&[0x04, 0, 0, 0, 3], now, PHYSICS),
        vec![4, 6, 0x01, 0x02, 0, 48, 0x09, 0x6C]
    );
    assert_eq!(b.answer(&[0x04, 0, 9, 0, 1], now, PHYSICS), vec![0x84, 2]);
    assert_eq!(b.answer(&[0x02, 0, 0, 0, 0], now, PHYSICS), vec![0x82, 3]);
    assert_eq!(
        b.answer(&[0x05, 0, 99, 0xFF, 0], now, PHYSICS),
        vec![0x85, 2]
    );
    assert_eq!(b.answer(&[0x2B, 0x0E], now, PHYSICS), vec![0xAB, 1]);
    assert_eq!(b.answer(&[0x02, 0], now, PHYSICS), vec![0x82, 3]);
}

#[test]
fn waveshare_timed_pulse_and_inverted_door_inputs() {
    let mut b = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
    let t0 = Instant::now();
    // Door shut reads 1 on the Waveshare input (switch closed).
    assert_eq!(b.answer(&[0x02, 0, 0, 0, 8], t0, PHYSICS), vec![2, 1, 0xFF]);
    assert_eq!(
        b.answer(&[0x05, 2, 1, 0, 5], t0, PHYSICS),
        vec![5, 2, 1, 0, 5]
    );
    assert!(b.output(1));
    let later = t0 + Duration::from_millis(600);
    assert_eq!(
        b.answer(&[0x02, 0, 0, 0, 8], later, PHYSICS),
        vec![2, 1, 0xFD]
    );
    assert!(!b.output(1));
}

#[test]
fn resync_fault_misframes_after_another_id_until_the_line_is_quiet() {
    const QUIET: Duration = Duration::from_millis(300);
    let short = Duration::from_millis(20);
    let mut b = lb48();
    // Without the fault other ids never matter.
    assert!(b.hear(2, short) && b.hear(1, short));
    b.faults.resync = Some(QUIET);
    assert!(b.hear(1, short), "nothing heard for another id yet");
    assert!(b.hear(1, short));
    // Broadcasts are for everyone: no lost framing.
    b.hear(0, short);
    assert!(b.hear(1, short));
    b.hear(2, short);
    assert!(!b.hear(1, short), "misframed right after id 2");
    // Every frame on a busy line keeps it lost, its own included.
    assert!(!b.hear(1, QUIET - Duration::from_millis(1)));
    b.hear(3, QUIET);
    assert!(!b.hear(1, short), "the quiet resynced it, then id 3 came");
    assert!(b.hear(1, QUIET), "silence long enough");
    assert!(b.hear(1, short), "and it stays in sync");
    assert_eq!(b.misframed_requests, 3);
    // Healing the fault resynchronises at once.
    b.hear(2, short);
    b.faults.resync = None;
    assert!(b.hear(1, short));
}

fn lb48() -> SimBoard {
    SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap())
}

fn read(b: &mut SimBoard, function: u8, start: u16, count: u16) -> Vec<u8> {
    let [s0, s1] = start.to_be_bytes();
    let [c0, c1] = count.to_be_bytes();
    b.answer(&[function, s0, s1, c0, c1], Instant::now(), PHYSICS)
}

const BEYOND_THE_MAP: u8 = 2;

#[test]
fn coil_reads_stop_at_the_last_lock() {
    let mut b = lb48();
    assert_eq!(read(&mut b, 0x01, 0, 48)[..2], [0x01, 6]);
    assert_eq!(read(&mut b, 0x01, 47, 1), vec![0x01, 1, 0]);
    assert_eq!(read(&mut b, 0x01, 40, 9), vec![0x81, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x01, 48, 1), vec![0x81, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x01, 0xFFFF, 1), vec![0x81, BEYOND_THE_MAP]);
    // Writes too, and a rejected FC0F moves no output at all.
    let now = Instant::now();
    assert_eq!(
        b.answer(&[0x05, 0, 48, 0xFF, 0], now, PHYSICS),
        vec![0x85, BEYOND_THE_MAP]
    );
    assert_eq!(
        b.answer(&[0x0F, 0, 46, 0, 3, 1, 0b111], now, PHYSICS),
        vec![0x8F, BEYOND_THE_MAP]
    );
    assert!(!b.output(46) && !b.output(47));
    assert_eq!(b.doors[46].pulses, 0);
}

#[test]
fn waveshare_relays_read_at_their_channel_and_flash_addresses_are_write_only() {
    let mut b = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
    let now = Instant::now();
    b.answer(&[0x05, 2, 3, 0, 5], now, PHYSICS);
    assert_eq!(read(&mut b, 0x01, 0, 8), vec![0x01, 1, 0b1000]);
    assert_eq!(read(&mut b, 0x01, 0, 9), vec![0x81, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x01, 0x0200, 1), vec![0x81, BEYOND_THE_MAP]);
    assert_eq!(
        b.answer(&[0x05, 2, 8, 0, 5], now, PHYSICS),
        vec![0x85, BEYOND_THE_MAP]
    );
}

#[test]
fn discrete_inputs_cover_doors_and_items_and_nothing_between() {
    let mut b = lb48();
    b.doors[47].open = true;
    b.doors[0].item = true;
    assert_eq!(read(&mut b, 0x02, 40, 8), vec![0x02, 1, 0x80]);
    // Inputs 49-56 of a 48-input board (0-based 48..56).
    assert_eq!(read(&mut b, 0x02, 48, 8), vec![0x82, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x02, 40, 9), vec![0x82, BEYOND_THE_MAP]);
    // Item inputs at 0x0100.
    assert_eq!(read(&mut b, 0x02, 0x100, 48)[..3], [0x02, 6, 1]);
    assert_eq!(read(&mut b, 0x02, 0x0FF, 2), vec![0x82, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x02, 0x12F, 2), vec![0x82, BEYOND_THE_MAP]);
    // One read across the gap between the two ranges.
    assert_eq!(read(&mut b, 0x02, 0, 0x130), vec![0x82, BEYOND_THE_MAP]);
    // A board without item sensors has nothing at 0x0100.
    let mut relay = SimBoard::new(1, BoardProfile::parse(UNTIMED8_TOML).unwrap());
    assert_eq!(read(&mut relay, 0x02, 0, 8), vec![0x02, 1, 0]);
    assert_eq!(read(&mut relay, 0x02, 0x100, 8), vec![0x82, BEYOND_THE_MAP]);
}

#[test]
fn input_registers_are_the_info_block_only() {
    let mut b = lb48();
    assert_eq!(read(&mut b, 0x04, 2, 1), vec![0x04, 2, 0x09, 0x6C]);
    assert_eq!(read(&mut b, 0x04, 0, 4), vec![0x84, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x04, 3, 1), vec![0x84, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x04, 0xFFFF, 2), vec![0x84, BEYOND_THE_MAP]);
    // Boards without an info block do not implement FC04 at all.
    let mut w = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
    assert_eq!(read(&mut w, 0x04, 0, 1), vec![0x84, 1]);
}

#[test]
fn holding_registers_are_the_settings_only() {
    let mut b = lb48();
    assert_eq!(read(&mut b, 0x03, 0, 2), vec![0x03, 4, 0x01, 0xF4, 0, 1]);
    assert_eq!(read(&mut b, 0x03, 0, 3), vec![0x83, BEYOND_THE_MAP]);
    assert_eq!(read(&mut b, 0x03, 2, 1), vec![0x83, BEYOND_THE_MAP]);
    let now = Instant::now();
    assert_eq!(
        b.answer(&[0x06, 0, 2, 0, 1], now, PHYSICS),
        vec![0x86, BEYOND_THE_MAP]
    );
    let mut relay = SimBoard::new(1, BoardProfile::parse(UNTIMED8_TOML).unwrap());
    assert_eq!(read(&mut relay, 0x03, 0, 1), vec![0x83, 1]);
    assert_eq!(
        relay.answer(&[0x06, 0, 0, 1, 0], now, PHYSICS),
        vec![0x86, 1]
    );
}

#[test]
fn functions_no_profile_has_are_illegal_whatever_their_data() {
    let mut b = lb48();
    let now = Instant::now();
    for f in [0x07, 0x08, 0x10, 0x11, 0x16, 0x17, 0x2B] {
        assert_eq!(b.answer(&[f, 0, 0, 0, 1], now, PHYSICS), vec![f | 0x80, 1]);
    }
}

proptest::proptest! {
    #[test]
    fn any_request_gets_an_answer_and_never_a_panic(
        pdu in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..300),
        waveshare in proptest::prelude::any::<bool>(),
    ) {
        let text = if waveshare { WAVESHARE8_TOML } else { LB48_TOML };
        let mut b = SimBoard::new(1, BoardProfile::parse(text).unwrap());
        let reply = b.answer(&pdu, Instant::now(), PHYSICS);
        proptest::prop_assert!(!reply.is_empty());
        proptest::prop_assert_eq!(reply[0] & 0x7F, pdu[0] & 0x7F);
    }
}
