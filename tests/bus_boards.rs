//! Board kinds other than the lb48, and what the simulated bus must never
//! do: answer a broadcast or another board's id.

mod common;

use std::time::Duration;

use common::*;
use locker::bus::rtu;
use locker::bus::{DoorEventKind, DoorState, LockBus};
use locker::hardware::{Bank, embedded_profile};
use locker::sim::SimOptions;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn waveshare_relay_gets_a_timed_pulse_and_reads_inverted_inputs() {
    let bank = Bank::waveshare_demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(1, 6);
    assert_eq!(bus.door(l), DoorState::Closed);
    assert_eq!(bus.item_present(l), None);
    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Opened).await;
    assert!(sim.pulses(l) >= 1);
}

#[tokio::test]
async fn untimed_board_outputs_go_off_at_start_and_after_each_pulse() {
    let bank = Bank::uniform(&embedded_profile("relay-8-untimed").unwrap(), 1);
    let sim = sim(&bank, SimOptions::default());
    // A previous run died with a lock energised.
    sim.set_output(lock(1, 5), true);
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(1, 2);
    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Opened).await;
    // Wait for the off, then for one more round so both are done.
    let deadline = tokio::time::Instant::now() + WAIT;
    while (sim.output_on(l) || sim.output_on(lock(1, 5))) && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!sim.output_on(l), "lock output left on after the pulse");
    assert!(
        !sim.output_on(lock(1, 5)),
        "outputs were not switched off at start"
    );
    assert_eq!(sim.pulses(l), 1);
}

#[tokio::test]
async fn simulated_boards_stay_silent_for_broadcasts_and_other_ids() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let mut port =
        tokio_serial::SerialStream::open(&tokio_serial::new(sim.path().to_string_lossy(), 9600))
            .unwrap();
    // Broadcast "unlock channel 0", a frame for board 9, then a real request
    // so we know when the simulator has dealt with the first two.
    let broadcast = rtu::frame(0, &[0x05, 0x00, 0x00, 0xFF, 0x00]);
    let stranger = rtu::frame(9, &[0x02, 0x00, 0x00, 0x00, 0x30]);
    let mut garbled = rtu::frame(1, &[0x05, 0x00, 0x01, 0xFF, 0x00]);
    garbled[3] ^= 0x10;
    let real = rtu::frame(1, &[0x02, 0x00, 0x00, 0x00, 0x08]);
    for f in [&broadcast, &stranger, &garbled] {
        port.write_all(f).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    port.write_all(&real).await.unwrap();
    let mut reply = vec![0u8; 6];
    tokio::time::timeout(
        WAIT,
        tokio::io::AsyncReadExt::read_exact(&mut port, &mut reply),
    )
    .await
    .expect("board 1 answers")
    .unwrap();
    assert_eq!(reply, rtu::frame(1, &[0x02, 0x01, 0x00]));
    let c = sim.counters();
    assert_eq!(c.broadcasts, 1);
    assert_eq!(c.bad_frames, 1);
    assert_eq!(c.replies_sent, 1);
    assert_eq!(sim.pulses(lock(1, 0)), 0);
    assert_eq!(sim.pulses(lock(2, 0)), 0);
    assert_eq!(sim.pulses(lock(1, 1)), 0);
}

#[tokio::test]
async fn item_inputs_next_to_the_doors_share_their_frame_and_follow_a_deposit() {
    // A board whose item sensors sit right after its door inputs: read in
    // the same FC02, and the simulator fills the compartment on close.
    let mut profile = embedded_profile("lb48").unwrap();
    profile.locks = 16;
    profile.items.as_mut().unwrap().input_base = 0x10;
    let bank = Bank::uniform(&profile, 1);
    let sim = sim(
        &bank,
        SimOptions {
            auto_close: Some(Duration::from_millis(400)),
            items_follow_doors: true,
            ..SimOptions::default()
        },
    );
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(1, 9);
    assert_eq!(bus.item_present(l), Some(false));
    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Opened).await;
    events.door(l, DoorEventKind::Closed).await;
    events
        .wait_for("item in", |e| {
            *e == locker::bus::BusEvent::Item {
                lock: l,
                present: true,
            }
        })
        .await;
    assert_eq!(bus.item_present(l), Some(true));
    // One FC02 per poll: every frame the board saw was a door/item read,
    // a pulse, one of the three info-register reads at first contact, a
    // retry, or the poll in flight while we look.
    let (frames, _) = sim.board_counters(1);
    let stats = bus.stats();
    let polls = stats.boards[0].polls;
    let allowed = polls + 1 + 3 + stats.link.retries + 1;
    assert!(frames <= allowed, "{frames} frames for {polls} polls");
}
