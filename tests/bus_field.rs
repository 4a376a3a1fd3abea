//! The lock bus as boards in the field behave: a board that is absent, a
//! slave stack that misframes after a request for another id, a board that
//! refuses the item inputs its profile names. Counts and states only: the
//! machine is shared, so nothing here asserts a duration.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::*;
use locker::bus::modbus::{BusConfig, BusStats, ModbusLockBus};
use locker::bus::rtu;
use locker::bus::{BusEvent, DoorState, LockBus};
use locker::hardware::{Bank, embedded_profile};
use locker::sim::SimOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use tokio_serial::{SerialPort, SerialStream};

fn lb48_bank(boards: u8) -> Bank {
    Bank::uniform(&embedded_profile("lb48").unwrap(), boards)
}

fn board(stats: &BusStats, address: u8) -> locker::bus::modbus::BoardStats {
    stats
        .boards
        .iter()
        .find(|b| b.address == address)
        .cloned()
        .unwrap()
}

/// The bus without waiting for every board to come online.
fn spawn(bank: &Bank, cfg: BusConfig) -> (ModbusLockBus, Events) {
    let (bus, rx) = ModbusLockBus::spawn(bank, cfg).expect("bus opens the pty");
    (bus, Events::new(rx))
}

/// Wait until the loop has run `rounds` more rounds than in `since`.
async fn rounds(bus: &ModbusLockBus, since: &BusStats, rounds: u64) -> BusStats {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let s = bus.stats();
            if s.cycles >= since.cycles + rounds {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the poll loop keeps going")
}

#[tokio::test]
async fn absent_board_is_polled_rarely_and_the_present_one_every_round() {
    let sim = sim(&lb48_bank(1), SimOptions::default());
    let mut cfg = test_config(&sim);
    cfg.poll_interval = Duration::from_millis(10);
    cfg.resync_silence = Some(Duration::from_millis(100));
    let (bus, mut events) = spawn(&lb48_bank(2), cfg);
    events
        .wait_for("board 2 offline", |e| {
            *e == BusEvent::BoardOffline { board: 2 }
        })
        .await;
    let before = bus.stats();
    let frames_before = sim.counters().frames_seen - sim.board_counters(1).0;
    let after = rounds(&bus, &before, 64).await;
    let frames_to_2 = sim.counters().frames_seen - sim.board_counters(1).0 - frames_before;

    let cycles = after.cycles - before.cycles;
    let polls_1 = board(&after, 1).polls - board(&before, 1).polls;
    let polls_2 = board(&after, 2).polls - board(&before, 2).polls;
    // Board 1 every round (the snapshots may fall inside a round).
    assert!(
        polls_1 + 1 >= cycles && polls_1 <= cycles + 1,
        "{polls_1} polls in {cycles} rounds"
    );
    // Board 2 once every 1, 2, 4, 8, 16 rounds, single attempts.
    assert!(
        polls_2 <= cycles / 16 + 5,
        "{polls_2} polls of board 2 in {cycles} rounds"
    );
    assert!(
        frames_to_2 <= polls_2 + 1,
        "{frames_to_2} frames for {polls_2} polls"
    );
    assert_eq!(board(&after, 2).polled_every, 16);
    assert!(!board(&after, 2).online);
    // The present board never suffered for it.
    let one = board(&after, 1);
    assert!(one.online);
    assert_eq!(one.failed_polls, 0, "{one:?}");
    assert_eq!(bus.door(lock(1, 0)), DoorState::Closed);
    assert_eq!(bus.door(lock(2, 0)), DoorState::Unknown);
    events.drain();
    assert_eq!(
        events.count(|e| *e == BusEvent::BoardOffline { board: 1 }),
        0
    );
}

#[derive(Default)]
struct Heard {
    /// FC02 reads of the item inputs (0x0100+).
    item_reads: AtomicU64,
    /// Requests for this board dropped because it had lost frame sync.
    ignored: AtomicU64,
    answered: AtomicU64,
}

/// One lb48-like board on its own pty: doors all closed, no info registers
/// (exception 02). With `resync`, it behaves like slave stacks that misframe
/// after hearing a request for another id and recover only after the line
/// has been quiet that long. With `refuse_items`, it has no item inputs.
fn responder(
    id: u8,
    resync: Option<Duration>,
    refuse_items: bool,
) -> (String, Arc<Heard>, tokio::task::JoinHandle<()>) {
    let (mut master, slave) = SerialStream::pair().expect("pty pair");
    let path = slave.name().expect("pty name");
    drop(slave);
    let heard = Arc::new(Heard::default());
    let h = heard.clone();
    let task = tokio::spawn(async move {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 256];
        let mut last_byte = Instant::now();
        let mut lost_sync = false;
        loop {
            let n = match master.read(&mut chunk).await {
                Ok(n) if n > 0 => n,
                // EIO while the client has the pty closed (its reopen).
                _ => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
            };
            let now = Instant::now();
            if resync.is_some_and(|quiet| now - last_byte >= quiet) {
                lost_sync = false;
            }
            last_byte = now;
            buf.extend_from_slice(&chunk[..n]);
            while buf.len() >= 8 {
                let frame: Vec<u8> = buf.drain(..8).collect();
                if !rtu::crc_ok(&frame) {
                    buf.clear();
                    break;
                }
                if frame[0] != id {
                    lost_sync |= resync.is_some();
                    continue;
                }
                if lost_sync {
                    h.ignored.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                let address = u16::from_be_bytes([frame[2], frame[3]]);
                let count = u16::from_be_bytes([frame[4], frame[5]]);
                let pdu = match frame[1] {
                    0x02 if address >= 0x0100 => {
                        h.item_reads.fetch_add(1, Ordering::SeqCst);
                        if refuse_items {
                            vec![0x82, 0x02]
                        } else {
                            let bytes = usize::from(count).div_ceil(8);
                            let mut p = vec![0x02, bytes as u8];
                            p.extend(vec![0u8; bytes]);
                            p
                        }
                    }
                    0x02 => {
                        let bytes = usize::from(count).div_ceil(8);
                        let mut p = vec![0x02, bytes as u8];
                        p.extend(vec![0u8; bytes]);
                        p
                    }
                    f => vec![f | 0x80, 0x02],
                };
                h.answered.fetch_add(1, Ordering::SeqCst);
                let _ = master.write_all(&rtu::frame(id, &pdu)).await;
            }
        }
    });
    (path, heard, task)
}

fn responder_config(path: &str) -> BusConfig {
    let mut cfg = BusConfig::new(path);
    cfg.timeout = Duration::from_millis(200);
    cfg.reopen_quiet = Duration::from_millis(20);
    cfg.poll_interval = Duration::from_millis(10);
    cfg
}

/// Board 1 loses frame sync whenever it hears the request for absent board
/// 2, and needs 300 ms of quiet to recover; the bus keeps 800 ms after every
/// request nobody answered, so board 1 answers every one of its polls.
#[tokio::test]
async fn present_board_keeps_answering_a_misframing_stack_while_another_is_absent() {
    let (path, heard, task) = responder(1, Some(Duration::from_millis(300)), false);
    let mut cfg = responder_config(&path);
    cfg.resync_silence = Some(Duration::from_millis(800));
    let (bus, mut events) = spawn(&lb48_bank(2), cfg);
    events
        .wait_for("board 2 offline", |e| {
            *e == BusEvent::BoardOffline { board: 2 }
        })
        .await;
    let before = bus.stats();
    let after = rounds(&bus, &before, 24).await;
    events.drain();
    assert_eq!(
        events.count(|e| *e == BusEvent::BoardOffline { board: 1 }),
        0,
        "{:?}",
        events.seen
    );
    let one = board(&after, 1);
    assert!(one.online);
    assert_eq!(one.failed_polls, 0, "{one:?}");
    assert_eq!(heard.ignored.load(Ordering::SeqCst), 0);
    assert!(board(&after, 1).polls - board(&before, 1).polls >= 23);
    task.abort();
}

#[tokio::test]
async fn refused_item_read_is_reported_once_and_backed_off() {
    let (path, heard, task) = responder(1, None, true);
    let (bus, mut events) = spawn(&lb48_bank(1), responder_config(&path));
    let refused = events
        .wait_for("item inputs refused", |e| {
            matches!(e, BusEvent::ItemInputsRefused { .. })
        })
        .await;
    assert_eq!(
        refused,
        BusEvent::ItemInputsRefused {
            board: 1,
            input_base: 0x0100,
            count: 48,
            exception: 2
        }
    );
    let before = bus.stats();
    let reads_before = heard.item_reads.load(Ordering::SeqCst);
    let after = rounds(&bus, &before, 100).await;
    let reads = heard.item_reads.load(Ordering::SeqCst) - reads_before;
    // Retried after 4, 8, 16, 32, 64 polls: a handful, not one per round.
    assert!(reads <= 6, "{reads} item reads in 100 rounds");
    assert!(reads >= 1, "never retried");
    events.drain();
    assert_eq!(
        events.count(|e| matches!(e, BusEvent::ItemInputsRefused { .. })),
        1
    );
    let one = board(&after, 1);
    assert_eq!(one.item_read_exception, Some(2));
    assert!(one.online);
    assert_eq!(one.failed_polls, 0);
    // Doors are still read; item presence is not guessed.
    assert_eq!(bus.door(lock(1, 3)), DoorState::Closed);
    assert_eq!(bus.item_present(lock(1, 3)), None);
    task.abort();
}
