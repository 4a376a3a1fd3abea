//! The RTU line against the simulator over a real pty pair.

use std::time::Duration;

use locker::bus::LockId;
use locker::bus::link::{LinkConfig, LinkError, ModbusLink, ModbusRequest};
use locker::hardware::Bank;
use locker::sim::{SimLink, SimOptions, Simulator};

fn lock(board: u8, channel: u16) -> LockId {
    LockId { board, channel }
}

fn quick_sim_opts() -> SimOptions {
    SimOptions {
        wire_time: false,
        ..SimOptions::default()
    }
}

#[tokio::test]
async fn reads_door_inputs_and_board_info() {
    let bank = Bank::demo();
    let sim = Simulator::start(&bank, SimLink::Pty(None), quick_sim_opts()).unwrap();
    sim.force_open(lock(2, 5));
    let mut link = ModbusLink::open(LinkConfig::new(sim.path().display().to_string(), 9600))
        .await
        .unwrap();
    let doors = link.read_inputs(2, 0, 48).await.unwrap();
    assert_eq!(doors.iter().filter(|d| **d).count(), 1);
    assert!(doors[5]);
    let info = link.read_input_registers(1, 0, 3).await.unwrap();
    assert_eq!(
        info,
        vec![locker::sim::SIM_FIRMWARE, 48, locker::sim::SIM_VOLTAGE_10MV]
    );
    // A board that is not on the bus stays silent.
    assert_eq!(
        link.once(
            9,
            ModbusRequest::ReadInputs {
                address: 0,
                count: 48
            }
        )
        .await,
        Err(LinkError::Timeout)
    );
    assert_eq!(sim.board_counters(1), (1, 1));
}

#[tokio::test]
async fn late_reply_is_not_taken_as_the_next_answer() {
    let bank = Bank::demo();
    let sim = Simulator::start(&bank, SimLink::Pty(None), quick_sim_opts()).unwrap();
    let mut cfg = LinkConfig::new(sim.path().display().to_string(), 9600);
    cfg.timeout = Duration::from_millis(150);
    // The late reply comes 100 ms after we gave up; the quiet time leaves a
    // loaded machine half a second more to deliver it before the clear.
    cfg.reopen_quiet = Duration::from_millis(600);
    let mut link = ModbusLink::open(cfg).await.unwrap();

    // The board answers "all closed", but only after we gave up.
    sim.late_replies(1, 1, Duration::from_millis(250));
    let first = link
        .once(
            1,
            ModbusRequest::ReadInputs {
                address: 0,
                count: 48,
            },
        )
        .await;
    assert_eq!(first, Err(LinkError::Timeout));

    // The door opens; the next read must say so, not repeat the late "closed".
    sim.force_open(lock(1, 0));
    let doors = link.read_inputs(1, 0, 48).await.unwrap();
    assert!(doors[0], "the late reply was taken as the answer");
    let stats = link.stats();
    assert_eq!(stats.timeouts, 1);
    assert_eq!(stats.reopens, 1);
    assert_eq!(sim.board_counters(1), (2, 2));
}

#[tokio::test]
async fn bad_crc_reply_is_counted_and_survived() {
    let bank = Bank::demo();
    let sim = Simulator::start(&bank, SimLink::Pty(None), quick_sim_opts()).unwrap();
    let mut cfg = LinkConfig::new(sim.path().display().to_string(), 9600);
    // Long, so that on a loaded machine the garbled reply still comes in time
    // to be heard as garbled rather than as silence.
    cfg.timeout = Duration::from_secs(1);
    let mut link = ModbusLink::open(cfg).await.unwrap();
    sim.bad_crc(1, 1);
    sim.force_open(lock(1, 7));
    let doors = link.read_inputs(1, 0, 48).await.unwrap();
    assert!(doors[7]);
    let stats = link.stats();
    assert_eq!(stats.bad_replies, 1);
    assert_eq!(stats.retries, 1);
}

/// The RS-485 adapter unplugged when the kiosk starts: the bus starts
/// anyway, its boards go offline (so the kiosk shows "out of service"), and
/// they come online by themselves once the port appears.
#[tokio::test]
async fn kiosk_bus_starts_without_its_port_and_comes_online_when_plugged_in() {
    use locker::bus::BusEvent;
    use locker::bus::modbus::{BusConfig, ModbusLockBus};

    let dir = tempfile::tempdir().unwrap();
    let port = dir.path().join("ttyRS485");
    let bank = Bank::demo();
    let mut cfg = BusConfig::new(port.display().to_string());
    assert!(
        ModbusLockBus::spawn(&bank, cfg.clone()).is_err(),
        "a technician's wrong port is an error at once"
    );
    cfg.wait_for_port = true;
    let (_bus, mut events) = ModbusLockBus::spawn(&bank, cfg).unwrap();
    let mut offline = std::collections::BTreeSet::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        while offline.len() < 2 {
            if let Some(BusEvent::BoardOffline { board }) = events.recv().await {
                offline.insert(board);
            }
        }
    })
    .await
    .expect("both boards reported offline");
    // The adapter is plugged in: the path appears.
    let _sim = Simulator::start(&bank, SimLink::Pty(Some(port.clone())), quick_sim_opts()).unwrap();
    let mut online = std::collections::BTreeSet::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        while online.len() < 2 {
            if let Some(BusEvent::BoardOnline { board }) = events.recv().await {
                online.insert(board);
            }
        }
    })
    .await
    .expect("both boards came online");
    assert_eq!(online, offline);
}
