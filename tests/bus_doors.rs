//! The lock bus driving simulated boards over a real pty: door events as
//! the engine will see them.

mod common;

use std::time::Duration;

use common::*;
use locker::bus::{BusEvent, DoorEventKind, DoorState, LockBus};
use locker::hardware::Bank;
use locker::sim::SimOptions;

#[tokio::test]
async fn unlocked_door_says_opened_then_closed_and_items_follow() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(1, 4);
    assert_eq!(bus.door(l), DoorState::Closed);
    assert_eq!(bus.item_present(l), Some(false));

    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Opened).await;
    assert_eq!(bus.door(l), DoorState::Open);
    sim.set_item(l, true);
    events
        .wait_for("item in", |e| {
            *e == BusEvent::Item {
                lock: l,
                present: true,
            }
        })
        .await;
    sim.close_door(l);
    events.door(l, DoorEventKind::Closed).await;
    assert_eq!(bus.stats().pulses, 1);
    assert!(sim.pulses(l) >= 1);
    assert_eq!(bus.item_present(l), Some(true));
    assert_eq!(
        events.count(|e| matches!(e, BusEvent::Door(d) if d.kind == DoorEventKind::ForcedOpen)),
        0
    );
}

#[tokio::test]
async fn jammed_door_is_pulsed_twice_then_reported_jammed() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(2, 3);
    sim.jam(l, true);
    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Jammed).await;
    // The bus unlocked twice (a lost reply may add a line-level resend).
    assert_eq!(bus.stats().pulses, 2);
    assert!(sim.pulses(l) >= 2);
    assert_eq!(bus.door(l), DoorState::Closed);
}

#[tokio::test]
async fn door_pried_open_is_forced_open() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let l = lock(1, 0);
    sim.force_open(l);
    events.door(l, DoorEventKind::ForcedOpen).await;
    assert_eq!(bus.door(l), DoorState::Open);
    assert_eq!(sim.pulses(l), 0);
}

#[tokio::test]
async fn door_left_open_is_reported_once() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let mut cfg = test_config(&sim);
    cfg.left_open_after = Duration::from_millis(500);
    let (_bus, mut events) = start_bus(&bank, cfg).await;
    let l = lock(2, 8);
    sim.force_open(l);
    events.door(l, DoorEventKind::ForcedOpen).await;
    events.door(l, DoorEventKind::LeftOpen).await;
    sim.close_door(l);
    events.door(l, DoorEventKind::Closed).await;
    assert_eq!(
        events.count(|e| matches!(e, BusEvent::Door(d) if d.kind == DoorEventKind::LeftOpen)),
        1
    );
}

#[tokio::test]
async fn door_with_open_sensor_is_still_pulsed() {
    // A cut sensor wire reads open: the lock must be pulsed anyway.
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let l = lock(1, 9);
    sim.stuck_sensor(l, Some(true));
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    assert_eq!(bus.door(l), DoorState::Open);
    bus.pulse(l).unwrap();
    // Wait for a full round after the pulse.
    let other = lock(2, 0);
    sim.force_open(other);
    events.door(other, DoorEventKind::ForcedOpen).await;
    assert!(sim.pulses(l) >= 1);
}

#[tokio::test]
async fn board_is_offline_only_after_three_failed_polls_and_comes_back() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let mut cfg = test_config(&sim);
    cfg.retries = 0;
    // Long enough that a loaded machine never adds a third failed poll.
    cfg.timeout = Duration::from_secs(1);
    let (bus, mut events) = start_bus(&bank, cfg).await;
    let l = lock(2, 1);

    // Two lost replies in a row: two failed polls, still online.
    sim.drop_replies(2, 2);
    sim.force_open(l);
    events.door(l, DoorEventKind::ForcedOpen).await;
    assert_eq!(
        events.count(|e| matches!(e, BusEvent::BoardOffline { .. })),
        0
    );
    assert!(bus.board_online(2));

    sim.set_offline(2, true);
    events
        .wait_for("board 2 offline", |e| {
            *e == BusEvent::BoardOffline { board: 2 }
        })
        .await;
    assert!(!bus.board_online(2));
    assert_eq!(bus.door(l), DoorState::Unknown);
    assert_eq!(bus.pulse(l), Err(locker::bus::BusError::BoardOffline(2)));
    let stats = bus.stats();
    let board2 = stats.boards.iter().find(|b| b.address == 2).unwrap();
    assert!(board2.failed_in_a_row >= 3, "{board2:?}");
    events.door(l, DoorEventKind::SensorUnknown).await;
    // Board 1 is untouched.
    assert!(bus.board_online(1));
    assert_eq!(bus.door(lock(1, 0)), DoorState::Closed);

    sim.set_offline(2, false);
    events.online(2).await;
    assert!(bus.board_online(2));
    assert_eq!(bus.door(l), DoorState::Open);
    // Open before and after the outage: no new open event for it.
    events.drain();
    assert_eq!(
        events.count(
            |e| matches!(e, BusEvent::Door(d) if d.lock == l && d.kind == DoorEventKind::ForcedOpen)
        ),
        1
    );
}

#[tokio::test]
async fn bad_crc_replies_are_survived_without_going_offline() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    sim.bad_crc(1, 3);
    let l = lock(1, 2);
    bus.pulse(l).unwrap();
    events.door(l, DoorEventKind::Opened).await;
    assert_eq!(
        events.count(|e| matches!(e, BusEvent::BoardOffline { .. })),
        0
    );
    let link = bus.stats().link;
    // On a loaded machine a garbled reply may also come after the timeout.
    assert!(link.bad_replies >= 1, "{link:?}");
    assert!(link.bad_replies + link.timeouts >= 3, "{link:?}");
    // A pulse whose reply was garbled is sent again: the board may have
    // obeyed, but we cannot know.
    assert!(sim.pulses(l) >= 1);
}

#[tokio::test]
async fn two_boards_share_one_bus() {
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    let (bus, mut events) = start_bus(&bank, test_config(&sim)).await;
    let (a, b) = (lock(1, 17), lock(2, 11));
    bus.pulse(a).unwrap();
    bus.pulse(b).unwrap();
    events.door(a, DoorEventKind::Opened).await;
    events.door(b, DoorEventKind::Opened).await;
    // At least once each (a lost reply is retried), and nothing else.
    assert!(sim.pulses(a) >= 1 && sim.pulses(b) >= 1);
    assert_eq!(sim.pulses(lock(2, 17)), 0);
    let stats = bus.stats();
    assert!(
        stats
            .boards
            .iter()
            .all(|b| b.online && b.firmware == Some(locker::sim::SIM_FIRMWARE))
    );
    assert_eq!(stats.boards[0].voltage_mv, Some(24_120));
    assert_eq!(
        bus.pulse(lock(1, 47)),
        Err(locker::bus::BusError::NoSuchLock(lock(1, 47)))
    );
}

#[tokio::test]
async fn brief_openings_are_never_missed_at_the_default_poll_interval() {
    // Doors that open and close again within a second (0.9 s), at 9600
    // baud with wire-time emulation and the default 250 ms poll.
    let bank = Bank::demo();
    let sim = sim(
        &bank,
        SimOptions {
            auto_close: Some(Duration::from_millis(900)),
            ..SimOptions::default()
        },
    );
    let mut cfg = test_config(&sim);
    cfg.poll_interval = locker::bus::modbus::BusConfig::new("x").poll_interval;
    let (bus, mut events) = start_bus(&bank, cfg).await;
    let doors = [lock(1, 0), lock(1, 13), lock(2, 5), lock(2, 11)];
    for l in doors {
        bus.pulse(l).unwrap();
        events.door(l, DoorEventKind::Opened).await;
        events.door(l, DoorEventKind::Closed).await;
    }
    // And one pried open and shut by hand within a second.
    let l = lock(1, 3);
    sim.force_open(l);
    tokio::time::sleep(Duration::from_millis(900)).await;
    sim.close_door(l);
    events.door(l, DoorEventKind::ForcedOpen).await;
    events.door(l, DoorEventKind::Closed).await;
}
