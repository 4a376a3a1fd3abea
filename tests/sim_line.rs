//! The simulated line as a shared RS-485 bus: a board with the `resync`
//! fault, and two independent slave processes joined by a line-sharing hub.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;
use locker::bus::link::{LinkConfig, LinkError, ModbusLink, ModbusRequest};
use locker::bus::modbus::{BusConfig, ModbusLockBus};
use locker::bus::{BusEvent, DoorState, LockBus};
use locker::hardware::Bank;
use locker::sim::SimOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio_serial::{SerialPort, SerialStream};

const DOORS: ModbusRequest = ModbusRequest::ReadInputs {
    address: 0,
    count: 48,
};

#[tokio::test]
async fn a_resync_board_ignores_its_requests_after_another_id_until_the_line_is_quiet() {
    // Long enough that no scheduling delay passes for quiet by accident.
    const QUIET: Duration = Duration::from_secs(2);
    let bank = Bank::demo();
    let sim = sim(
        &bank,
        SimOptions {
            wire_time: false,
            ..SimOptions::default()
        },
    );
    sim.resync(1, Some(QUIET));
    let mut cfg = LinkConfig::new(sim.path().display().to_string(), 9600);
    cfg.timeout = Duration::from_millis(200);
    cfg.reopen_quiet = Duration::from_millis(10);
    let mut line = ModbusLink::open(cfg).await.unwrap();
    line.once(1, DOORS).await.expect("in sync at first");
    line.once(1, DOORS)
        .await
        .expect("its own requests keep it in sync");
    line.once(2, DOORS).await.expect("board 2 answers");
    assert_eq!(line.once(1, DOORS).await, Err(LinkError::Timeout));
    assert_eq!(sim.misframed_requests(1), 1);
    assert_eq!(sim.misframed_requests(2), 0, "board 2 has no such fault");
    tokio::time::sleep(QUIET + QUIET / 4).await;
    line.once(1, DOORS)
        .await
        .expect("resynchronised by the quiet");
    assert_eq!(sim.misframed_requests(1), 1);
}

/// A one-board bank file for one `locker sim` process.
fn one_board_bank(dir: &Path, address: u8) -> PathBuf {
    let path = dir.join(format!("board{address}.toml"));
    std::fs::write(
        &path,
        format!(
            "name = \"board{address}\"\n\n[[boards]]\naddress = {address}\nprofile = \"lb48\"\n\n\
             [[compartments]]\nid = 1\nsize = \"S\"\nboard = {address}\nchannel = 0\ncolumn = 0\nrow = 0\n"
        ),
    )
    .unwrap();
    path
}

/// `locker sim` serving one board on a pty behind `link`; the door given
/// is open from the start.
async fn sim_process(dir: &Path, address: u8, open_door: u16) -> Child {
    let link = dir.join(format!("sim{address}"));
    let _ = std::fs::remove_file(&link);
    let scenario = dir.join(format!("open{address}.toml"));
    std::fs::write(
        &scenario,
        format!(
            "[[step]]\nat_ms = 0\naction = \"force_open\"\nboard = {address}\nlock = {open_door}\n"
        ),
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_locker"))
        .arg("sim")
        .arg("--hardware")
        .arg(one_board_bank(dir, address))
        .arg("--link")
        .arg(&link)
        .arg("--scenario")
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("locker sim starts");
    for _ in 0..400 {
        if std::fs::read_link(&link).is_ok_and(|t| t.exists()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    child
}

/// A pty that stands for an RS-485 line: what the master writes reaches
/// every slave, and every slave's reply reaches the master. A slave whose
/// pty goes away is looked for again at the same path, as a board that is
/// unplugged and plugged back in.
struct Hub {
    path: PathBuf,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _slave: std::fs::File,
}

impl Drop for Hub {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn hub(slaves: &[PathBuf]) -> Hub {
    use std::os::unix::fs::OpenOptionsExt;
    let (master, slave) = SerialStream::pair().expect("a pty pair");
    let path = PathBuf::from(slave.name().expect("pty name"));
    // Held so that the master never reads as hung up between the bus's
    // reopens (see `Simulator::start`).
    let hold = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&path)
        .unwrap();
    drop(slave);
    let (mut from_master, mut to_master) = tokio::io::split(master);
    let (replies_tx, mut replies_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let mut requests = Vec::new();
    let mut tasks = Vec::new();
    for slave_path in slaves {
        let (tx, rx) = mpsc::unbounded_channel::<Vec<u8>>();
        requests.push(tx);
        tasks.push(tokio::spawn(slave_end(
            slave_path.clone(),
            rx,
            replies_tx.clone(),
        )));
    }
    tasks.push(tokio::spawn(async move {
        let mut chunk = [0u8; 512];
        while let Ok(n) = from_master.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            for tx in &requests {
                let _ = tx.send(chunk[..n].to_vec());
            }
        }
    }));
    tasks.push(tokio::spawn(async move {
        while let Some(bytes) = replies_rx.recv().await {
            if to_master.write_all(&bytes).await.is_err() {
                break;
            }
        }
    }));
    Hub {
        path,
        tasks,
        _slave: hold,
    }
}

async fn slave_end(
    path: PathBuf,
    mut requests: mpsc::UnboundedReceiver<Vec<u8>>,
    replies: mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut chunk = [0u8; 512];
    loop {
        let port = tokio_serial::new(path.display().to_string(), 9600);
        let Ok(mut port) = SerialStream::open(&port) else {
            // Unplugged: what the master says meanwhile is lost.
            while requests.try_recv().is_ok() {}
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        loop {
            tokio::select! {
                bytes = requests.recv() => {
                    let Some(bytes) = bytes else { return };
                    if port.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
                n = port.read(&mut chunk) => match n {
                    Ok(n) if n > 0 => {
                        let _ = replies.send(chunk[..n].to_vec());
                    }
                    _ => break,
                },
            }
        }
    }
}

#[tokio::test]
async fn two_slave_processes_on_one_line_and_one_comes_and_goes() {
    let dir = tempfile::tempdir().unwrap();
    let _one = sim_process(dir.path(), 1, 3).await;
    let mut two = sim_process(dir.path(), 2, 5).await;
    let hub = hub(&[dir.path().join("sim1"), dir.path().join("sim2")]).await;

    let bank = Bank::demo();
    let mut cfg = BusConfig::new(hub.path.display().to_string());
    cfg.timeout = Duration::from_millis(300);
    cfg.reopen_quiet = Duration::from_millis(50);
    let (bus, events) = ModbusLockBus::spawn(&bank, cfg).expect("the bus opens the hub");
    let mut events = Events::new(events);
    events.online(1).await;
    events.online(2).await;
    // Each process's own door reads open through the shared line.
    for (l, want) in [
        (lock(1, 3), DoorState::Open),
        (lock(2, 5), DoorState::Open),
        (lock(1, 5), DoorState::Closed),
        (lock(2, 3), DoorState::Closed),
    ] {
        for _ in 0..200 {
            if bus.door(l) == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(bus.door(l), want, "{l}");
    }

    // Board 2 disappears (its process dies) and comes back (a new one).
    two.kill().await.unwrap();
    events
        .wait_for("board 2 offline", |e| {
            *e == BusEvent::BoardOffline { board: 2 }
        })
        .await;
    assert!(bus.board_online(1), "{:?}", bus.stats());
    let _two = sim_process(dir.path(), 2, 5).await;
    events.online(2).await;
    // A few more rounds over both boards go by.
    let cycles = bus.stats().cycles;
    for _ in 0..400 {
        if bus.stats().cycles >= cycles + 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(bus.stats().cycles >= cycles + 5, "{:?}", bus.stats());
    events.drain();
    assert_eq!(
        events.count(|e| *e == BusEvent::BoardOffline { board: 1 }),
        0,
        "board 1 stayed on the line the whole time; saw {:?}",
        events.seen
    );
    assert!(bus.board_online(1) && bus.board_online(2));
    assert_eq!(bus.door(lock(2, 5)), DoorState::Open);
}
