//! The parent's side: the simulated boards, a seeded data directory, one child run.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration as StdDuration, Instant};

use tokio::runtime::Runtime;

use super::flow::Flow;
use super::kiosk::open_store;
use super::{
    ADMIN, COURIER, RECIPIENT, STORED_DOOR, TAG, WAIT, bank, local, lock_of, runtime, start,
};
use crate::bus::NoBus;
use crate::clock::ManualClock;
use crate::domain::{CompartmentId, Language, ParcelClass, ParcelId, Recipient, RecipientId, Role};
use crate::engine::{Command, Engine, EngineSettings, Event};
use crate::sim::{SimHandle, SimLink, SimOptions, Simulator};

/// What every run starts from: staff, a recipient and one stored parcel.
pub(super) struct Seeded {
    pub(super) parcel: ParcelId,
    pub(super) message: u64,
    pub(super) code: String,
    /// A return issued for the recipient, not yet dropped off.
    pub(super) return_code: String,
}

/// Writes the starting state in-process, on no bus at all (placing a
/// parcel pulses nothing); the child waits for sled's lock.
fn seed(dir: &Path) -> Seeded {
    let mut engine = Engine::open(
        open_store(dir),
        Box::new(NoBus),
        bank().layout.clone(),
        Arc::new(ManualClock::new(start())),
        EngineSettings::for_tests(),
    )
    .expect("engine");
    for ((name, pin), role) in [(COURIER, Role::Courier), (ADMIN, Role::Admin)] {
        engine
            .handle(
                &local(),
                Command::AddUser {
                    name: name.into(),
                    role,
                    pin: pin.into(),
                    badge: None,
                    carrier_email: None,
                },
            )
            .expect("user added");
    }
    let mut r = Recipient::closed(RecipientId::parse(RECIPIENT).expect("recipient id"));
    r.closed = false;
    r.name = "Ana".into();
    r.email = "ana@example.org".into();
    r.language = Language::En;
    engine
        .handle(&local(), Command::AddRecipient { recipient: r })
        .expect("recipient added");
    let placed = engine
        .handle(
            &local(),
            Command::PlaceParcel {
                compartment: STORED_DOOR,
                tracking: "TRK-CRASH-0".into(),
                recipient: RECIPIENT.into(),
                class: ParcelClass::Domestic,
            },
        )
        .expect("parcel placed");
    let parcel = placed
        .iter()
        .find_map(|e| match e {
            Event::DepositStored { parcel, .. } => Some(*parcel),
            _ => None,
        })
        .expect("stored");
    let (message, code) = engine
        .outbox_with_codes()
        .expect("outbox")
        .into_iter()
        .find_map(|n| Some((n.id, n.code?)))
        .expect("the code's message");
    // Told long ago: the recipient has the code, the outbox no longer.
    engine
        .handle(&local(), Command::MessageSent { id: message })
        .expect("message sent");
    let ret = crate::engine::NewReturn {
        size: crate::domain::Size::S,
        reference: "crash".into(),
        recipient: Some(RECIPIENT.into()),
        email: None,
        language: None,
        label: None,
    };
    let return_code = engine
        .handle(&local(), Command::IssueReturn { ret })
        .expect("return issued")
        .into_iter()
        .find_map(|e| match e {
            Event::ReturnIssued { code, .. } => code,
            _ => None,
        })
        .expect("a return code");
    // Its message went long ago too.
    for n in crate::engine::query::outbox(engine.store()).expect("outbox") {
        if n.state == crate::store::DeliveryState::Queued {
            engine
                .handle(&local(), Command::MessageSent { id: n.id })
                .expect("message sent");
        }
    }
    engine.store().flush().expect("flush");
    Seeded {
        parcel,
        message,
        code,
        return_code,
    }
}

/// What the child printed before it ended.
#[derive(Debug, Default)]
pub(super) struct ChildSaid {
    pub(super) stored: Vec<ParcelId>,
    /// Messages handed to the relay: id, parcel, code.
    pub(super) sent: Vec<(u64, ParcelId, String)>,
    reached: Option<Vec<String>>,
}

fn parse_child(stdout: &str) -> ChildSaid {
    let mut said = ChildSaid::default();
    for line in stdout.lines() {
        // libtest may have begun the line ("test ... child ... ").
        let Some(at) = line.find(TAG) else {
            continue;
        };
        let rest = &line[at + TAG.len()..];
        let words: Vec<&str> = rest.split_whitespace().collect();
        match words.as_slice() {
            ["STORED", p] => said.stored.push(ParcelId(p.parse().unwrap())),
            ["OPENED", _] => {}
            ["SENT", id, p, code] => said.sent.push((
                id.parse().unwrap(),
                ParcelId(p.parse().unwrap()),
                code.to_string(),
            )),
            ["REACHED", points @ ..] => {
                said.reached = Some(points.iter().map(|s| s.to_string()).collect())
            }
            other => panic!("unexpected line from the child: {other:?}"),
        }
    }
    said
}

/// The parent's side: the simulated boards, shared by every run.
pub(super) struct Rig {
    pub(super) rt: Runtime,
    pub(super) sim: SimHandle,
}

impl Rig {
    pub(super) fn new() -> Rig {
        let rt = runtime();
        let sim = {
            let _enter = rt.enter();
            let opts = SimOptions {
                wire_time: false,
                items_follow_doors: true,
                ..SimOptions::default()
            };
            Simulator::start(bank(), SimLink::Pty(None), opts).expect("simulator on a pty")
        };
        Rig { rt, sim }
    }

    pub(super) fn port(&self) -> String {
        self.sim.path().display().to_string()
    }

    /// Every door shut, and only the seeded parcel inside.
    fn reset_boards(&self) {
        for c in &bank().layout.compartments {
            let lock = c.lock();
            if self.sim.door_open(lock) {
                self.sim.close_door(lock);
            }
            self.sim.set_item(lock, c.id == STORED_DOOR);
        }
    }

    pub(super) fn pulses(&self) -> HashMap<CompartmentId, u32> {
        bank()
            .layout
            .compartments
            .iter()
            .map(|c| (c.id, self.sim.pulses(c.lock())))
            .collect()
    }

    /// One run: seed, the child (aborted at `at`), then restart and check.
    /// With `hold` the child stops at the point instead, and is killed once
    /// the flow's pulse has reached the board.
    pub(super) fn run(&self, flow: Flow, at: Option<&'static str>, hold: bool) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        self.reset_boards();
        let seeded = seed(dir.path());
        let before = self.pulses();
        let mut child = Process::new(std::env::current_exe().expect("test binary"));
        child
            .args([
                "--exact",
                "engine::crash::tests::child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("LOCKER_CRASH_CHILD", "1")
            .env("LOCKER_CRASH_FLOW", flow.name())
            .env("LOCKER_CRASH_DIR", dir.path())
            .env("LOCKER_CRASH_PORT", self.port())
            .env("LOCKER_CRASH_PARCEL", seeded.parcel.0.to_string())
            .env("LOCKER_CRASH_CODE", &seeded.code)
            .env("LOCKER_CRASH_RETURN_CODE", &seeded.return_code)
            .env_remove("LOCKER_CRASH_AT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(point) = at {
            child.env("LOCKER_CRASH_AT", point);
        }
        if hold {
            child.env("LOCKER_CRASH_HOLD", "1");
        } else {
            child.env_remove("LOCKER_CRASH_HOLD");
        }
        let mut running = child.spawn().expect("the child runs");
        let (stdout, stderr) = (running.stdout.take(), running.stderr.take());
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout.expect("piped")).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.expect("piped").read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + 2 * WAIT;
        let mut out = Vec::new();
        let mut killed = false;
        loop {
            match lines.recv_timeout(StdDuration::from_millis(5)) {
                Ok(line) => {
                    // The person at the door shuts it once the kiosk saw it open.
                    if let Some(door) = line
                        .split_once(&format!("{TAG} OPENED "))
                        .and_then(|(_, d)| d.trim().parse().ok())
                    {
                        self.sim.close_door(lock_of(CompartmentId(door)));
                    }
                    out.push(line);
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            let door = flow.door();
            if hold && !killed && flow.pulsed(self.sim.pulses(lock_of(door)) - before[&door]) {
                // The power goes: no unwinding, no flush, nothing.
                running.kill().expect("kill the child");
                killed = true;
            }
            if Instant::now() > deadline {
                let _ = running.kill();
                panic!("the child did not end: {out:?}");
            }
        }
        let status = running.wait().expect("the child ends");
        let stdout = out.join("\n");
        let stderr = errors.join().unwrap_or_default();
        let said = parse_child(&stdout);
        let mut label = format!("{} crashing at {}", flow.name(), at.unwrap_or("nothing"));
        if hold {
            label.push_str(" (held, killed)");
        }
        match at {
            Some(point) if hold => {
                assert_eq!(status.signal(), Some(libc::SIGKILL), "{label}: {stderr}");
                assert!(
                    stderr.contains(&format!("crash point {point}: held")),
                    "{label}: the child was not held at {point}\n{stdout}\n{stderr}"
                );
            }
            Some(point) => assert_eq!(
                status.signal(),
                Some(libc::SIGABRT),
                "{label}: the child was to abort at {point} but ended with {}: the point \
                 was never reached\n{stdout}\n{stderr}",
                status
            ),
            None => {
                assert!(status.success(), "{label}: {}\n{stdout}\n{stderr}", status);
                let reached = said.reached.clone().expect("the child lists the points");
                assert_eq!(
                    reached,
                    flow.points(),
                    "{label}: the points the flow passed"
                );
            }
        }
        let after = self.settle();
        // Pulses each door got from the child.
        let pulsed: HashMap<CompartmentId, u32> = after
            .iter()
            .map(|(c, n)| (*c, n - before.get(c).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        self.restart_and_check(dir.path(), flow, &label, &seeded, &said, &pulsed)
    }

    /// Waits until a pulse the child sent just before it died has reached
    /// its board and had time to spring the door (the simulator's open
    /// delay is 80 ms), so that the restart sees the door as it will stay
    /// and never takes it for one forced open; the pulses so far.
    fn settle(&self) -> HashMap<CompartmentId, u32> {
        let mut last = self.pulses();
        loop {
            std::thread::sleep(StdDuration::from_millis(100));
            let now = self.pulses();
            if now == last {
                return now;
            }
            last = now;
        }
    }
}
