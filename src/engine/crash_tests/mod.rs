//! The crash-point test (docs/RELIABILITY.md: "abort between each step").
//!
//! For every point in [`POINTS`] a real child process (this test binary,
//! run again on the [`child`] test) opens the data directory, a Modbus bus
//! on the simulator's pseudo-terminal and the engine, and drives one flow
//! until the point aborts it. The parent owns the simulated boards for the
//! whole test, so the restart sees the doors and item sensors the child
//! left. It then opens the same directory on the same boards, runs
//! start-up recovery, and checks: no parcel lost, none in two
//! compartments, the books agree with the item sensors (or the compartment
//! is marked for inspection, with an alert), no live code for an empty
//! compartment, no deposit left half done, the audit chain verifies, every
//! notification a change causes is queued or sent and every message
//! already sent still says what the outbox holds, recovery pulses no door,
//! and the flow's parcel ends as the physical pulse says: done when the
//! door was pulsed, untouched otherwise, its code still opening the door
//! (a real pulse) when it is still waiting.
//!
//! The parent also plays the person at the door: it shuts a door once the
//! kiosk has seen it open (the item sensor flips as a deposit or a pickup
//! would), and a door a crash left open once the restart has recovered.
//! No door closes on a timer, so a slow machine cannot make the kiosk miss
//! an opening.
//!
//! Waits are generous deadlines on what the boards or the books show; no
//! duration is asserted.

mod checks;
mod flow;
mod kiosk;
mod rig;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use tokio::runtime::Runtime;

use flow::{Flow, drive};
use kiosk::{Kiosk, env, say};
use rig::Rig;

use super::{POINTS, take_reached};
use crate::bus::LockId;
use crate::domain::CompartmentId;
use crate::engine::Actor;
use crate::hardware::Bank;

/// Long enough for a loaded two-core machine; only a failing run waits it out.
const WAIT: StdDuration = StdDuration::from_secs(20);
const COURIER: (&str, &str) = ("1001", "4321");
const ADMIN: (&str, &str) = ("admin", "9999");
const RECIPIENT: &str = "111111";
/// The parcel every run starts with (an S door); the deposit takes the next S.
const STORED_DOOR: CompartmentId = CompartmentId(1);
const DEPOSIT_DOOR: CompartmentId = CompartmentId(2);
/// Lines the child prints for the parent start with this.
const TAG: &str = "CRASH-CHILD";

/// When the parcel every run starts with was placed (a Monday).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap()
}

/// The demo bank: two lb48 boards (door and item sensors), 30 doors.
fn bank() -> &'static Bank {
    static BANK: std::sync::OnceLock<Bank> = std::sync::OnceLock::new();
    BANK.get_or_init(Bank::demo)
}

fn lock_of(door: CompartmentId) -> LockId {
    bank()
        .layout
        .compartment(door)
        .map(|c| c.lock())
        .unwrap_or_else(|| panic!("door {door} is in the demo bank"))
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn local() -> Actor {
    Actor::Local {
        name: "crash-test".into(),
    }
}

/// The child process: one kiosk run of one flow, aborted at
/// `LOCKER_CRASH_AT` if that is set. Does nothing in a normal test run.
#[test]
fn child() {
    if std::env::var_os("LOCKER_CRASH_CHILD").is_none() {
        return;
    }
    // An abort is the expected end here: leave no core file behind.
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit only reads the struct it is given.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
    let flow = Flow::parse(&env("LOCKER_CRASH_FLOW")).expect("a known flow");
    let rt = runtime();
    let dir = PathBuf::from(env("LOCKER_CRASH_DIR"));
    // The parent, at the door, shuts it when told.
    let opened = |door: CompartmentId| say("OPENED", door.0);
    let mut k = Kiosk::start(&rt, &dir, &env("LOCKER_CRASH_PORT"), flow.now(), opened);
    let recovered = k.engine.recover().expect("start-up recovery");
    k.seen.extend(recovered);
    take_reached();
    drive(&mut k, flow);
    say("REACHED", take_reached().join(" "));
}

#[test]
fn every_point_is_passed_by_a_flow() {
    let mut seen = HashSet::new();
    for p in POINTS {
        assert!(seen.insert(*p), "{p} listed twice");
        Flow::owning(p);
    }
    for flow in Flow::ALL {
        for p in flow.points() {
            assert!(
                POINTS.contains(p),
                "{} passes unlisted point {p}",
                flow.name()
            );
        }
    }
}

/// Each flow once without a crash (it must pass exactly its listed
/// points), then a crash at every point and a restart.
#[test]
fn a_crash_at_any_step_loses_nothing_after_a_restart() {
    let started = Instant::now();
    let rig = Rig::new();
    for flow in Flow::ALL {
        let outcome = rig.run(flow, None, false);
        eprintln!("{:<34} {outcome}", format!("{} (no crash)", flow.name()));
    }
    let mut runs = Flow::ALL.len();
    for point in POINTS {
        let outcome = rig.run(Flow::owning(point), Some(point), false);
        eprintln!("{point:<34} {outcome}");
        runs += 1;
        // The pulse is only queued at this point and rarely leaves before
        // the abort: once more with the power cut just after it reached the
        // board.
        if point.ends_with(".after_pulse") {
            let outcome = rig.run(Flow::owning(point), Some(point), true);
            eprintln!("{:<34} {outcome}", format!("{point} (held)"));
            runs += 1;
        }
    }
    eprintln!(
        "{} crash points, {runs} runs in {:.1?}",
        POINTS.len(),
        started.elapsed()
    );
}
