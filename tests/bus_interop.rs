//! Interop with Modbus implementations we did not write: our bus against a
//! pymodbus slave, and mbpoll (libmodbus) against our simulator.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::bus::{DoorState, LockBus};
use locker::hardware::{Bank, embedded_profile};
use locker::sim::SimOptions;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Wait for a line of a child's output that satisfies `pred`.
async fn line_matching(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let found = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if pred(&line) {
                return Some(line);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        _ => panic!("the peer never printed {what}"),
    }
}

#[tokio::test]
async fn our_bus_reads_doors_and_pulses_a_lock_on_a_pymodbus_board() {
    let python = repo().join(".venv/bin/python");
    let has_pymodbus = std::process::Command::new(&python)
        .args(["-c", "import pymodbus, serial"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_pymodbus && peer_missing("pymodbus in .venv") {
        return;
    }
    if !on_path("socat") && peer_missing("socat") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (board_end, our_end) = (dir.path().join("board"), dir.path().join("bus"));
    let _socat = Command::new("socat")
        .arg(format!("pty,raw,echo=0,link={}", board_end.display()))
        .arg(format!("pty,raw,echo=0,link={}", our_end.display()))
        .kill_on_drop(true)
        .spawn()
        .expect("socat starts");
    for _ in 0..200 {
        if board_end.exists() && our_end.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut board = Command::new(&python)
        .arg(repo().join("tests/peers/pymodbus_board.py"))
        .arg(&board_end)
        .args(["1", "5", "40"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let mut lines = BufReader::new(board.stdout.take().unwrap()).lines();
    line_matching(&mut lines, "READY", |l| l == "READY").await;

    let bank = Bank::uniform(&embedded_profile("lb48").unwrap(), 1);
    let mut cfg = BusConfig::new(our_end.display().to_string());
    cfg.timeout = Duration::from_millis(500);
    let (bus, _events) = ModbusLockBus::spawn(&bank, cfg).unwrap();
    for _ in 0..400 {
        if bus.board_online(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        bus.board_online(1),
        "the pymodbus board never answered: {:?}",
        bus.stats()
    );
    let lock = |channel| locker::bus::LockId { board: 1, channel };
    assert_eq!(bus.door(lock(5)), DoorState::Open);
    assert_eq!(bus.door(lock(40)), DoorState::Open);
    assert_eq!(bus.door(lock(4)), DoorState::Closed);

    bus.pulse(lock(3)).unwrap();
    line_matching(&mut lines, "COIL 3 1", |l| l == "COIL 3 1").await;
    // The info registers were read when the board came online, before the pulse.
    assert_eq!(bus.stats().boards[0].firmware, Some(0x0102));
    assert_eq!(bus.stats().boards[0].voltage_mv, Some(24_120));
}

#[tokio::test]
async fn mbpoll_reads_our_simulated_doors_and_writes_a_coil() {
    if !on_path("mbpoll") && peer_missing("mbpoll") {
        return;
    }
    let bank = Bank::demo();
    let sim = sim(&bank, SimOptions::default());
    sim.force_open(lock(1, 2));
    sim.force_open(lock(1, 6));
    let path = sim.path().display().to_string();
    let common = [
        "-m", "rtu", "-b", "9600", "-P", "none", "-0", "-1", "-o", "2",
    ];

    let out = Command::new("mbpoll")
        .args(common)
        .args(["-a", "1", "-t", "1", "-r", "0", "-c", "8", &path])
        .output()
        .await
        .expect("mbpoll runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mbpoll failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<(u32, u32)> = text
        .lines()
        .filter_map(|l| {
            let (addr, value) = l.trim().strip_prefix('[')?.split_once("]:")?;
            Some((addr.trim().parse().ok()?, value.trim().parse().ok()?))
        })
        .collect();
    assert_eq!(values.len(), 8, "{text}");
    let open: Vec<u32> = values
        .iter()
        .filter(|(_, v)| *v == 1)
        .map(|(a, _)| *a)
        .collect();
    assert_eq!(open, vec![2, 6], "{text}");

    let out = Command::new("mbpoll")
        .args(common)
        .args(["-a", "2", "-t", "0", "-r", "7", &path, "1"])
        .output()
        .await
        .expect("mbpoll runs");
    assert!(
        out.status.success(),
        "mbpoll write failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(sim.pulses(lock(2, 7)), 1);
    assert_eq!(sim.pulses(lock(1, 7)), 0);

    // Inputs 49-56 of a 48-input board: a real board answers exception 02,
    // so a wrong `input_base` cannot pass against the simulator either.
    let out = Command::new("mbpoll")
        .args(common)
        .args(["-a", "1", "-t", "1", "-r", "48", "-c", "8", &path])
        .output()
        .await
        .expect("mbpoll runs");
    let text = String::from_utf8_lossy(&out.stdout).to_lowercase()
        + &String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("illegal data address"), "{text}");

    // A slave id that is not on the bus gets silence, not a reply.
    let out = Command::new("mbpoll")
        .args(common)
        .args([
            "-a", "9", "-t", "1", "-r", "0", "-c", "8", "-o", "0.3", &path,
        ])
        .output()
        .await
        .expect("mbpoll runs");
    let text = String::from_utf8_lossy(&out.stdout).to_lowercase()
        + &String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        text.contains("timed out") || text.contains("timeout"),
        "{text}"
    );
}

#[tokio::test]
async fn simulator_serves_an_existing_serial_device() {
    // `locker sim --port DEV`: here DEV is one end of a socat pty pair, as a
    // USB RS-485 adapter would be on a test rig.
    if !on_path("socat") && peer_missing("socat") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (sim_end, our_end) = (dir.path().join("sim"), dir.path().join("bus"));
    let _socat = Command::new("socat")
        .arg(format!("pty,raw,echo=0,link={}", sim_end.display()))
        .arg(format!("pty,raw,echo=0,link={}", our_end.display()))
        .kill_on_drop(true)
        .spawn()
        .expect("socat starts");
    for _ in 0..200 {
        if sim_end.exists() && our_end.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let bank = Bank::demo();
    let link = locker::sim::SimLink::Port(sim_end.display().to_string());
    let sim = locker::sim::Simulator::start(&bank, link, SimOptions::default()).unwrap();
    sim.force_open(lock(2, 30));
    let cfg = locker::bus::link::LinkConfig::new(our_end.display().to_string(), 9600);
    let mut line = locker::bus::link::ModbusLink::open(cfg).await.unwrap();
    let doors = line.read_inputs(2, 0, 48).await.unwrap();
    assert_eq!(doors.iter().filter(|d| **d).count(), 1);
    assert!(doors[30]);
}
