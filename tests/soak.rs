//! Soak: deposit after deposit and pickup after pickup through the whole
//! stack (engine thread, Modbus RTU over a pseudo-terminal, simulated
//! boards that close their doors and flip their item sensors), with
//! dropped replies and bad CRCs injected all along. At the end every parcel
//! is out, every door free, no code alive, the audit chain whole, and the
//! process's memory where it was after the warm-up.
//!
//!     cargo test --release soak -- --ignored      # 2000 rounds (LOCKER_SOAK_ROUNDS)
//!     cargo test --test soak                       # the quick one, 40 rounds (CI)

mod common;

use std::time::{Duration as StdDuration, Instant};

use common::rig::Rig;
use locker::domain::{ParcelClass, ParcelState, Size};
use locker::engine::read::{Answer, Query};
use locker::engine::{Actor, Command, Event, SizeChoice};
use locker::sim::SimOptions;
use locker::testkit::driver::{ANA, BEN, COURIER};

const WAIT: StdDuration = StdDuration::from_secs(30);
/// Rounds before memory is first measured: caches and pools fill up first.
const WARM_UP: usize = 20;

/// This process's resident memory; a soak that cannot read it has
/// measured nothing, so it fails.
fn rss_kib() -> u64 {
    common::vm_rss_kib("self").expect("VmRSS of this process from /proc")
}

fn wait_event(rig: &mut Rig, what: &str, want: impl Fn(&Event) -> bool) -> Event {
    let deadline = Instant::now() + WAIT;
    loop {
        rig.pump();
        if let Some(e) = rig.seen.iter().find(|e| want(e)) {
            return e.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no {what} within {WAIT:?}; events: {:?}",
            rig.seen
        );
        std::thread::sleep(StdDuration::from_millis(5));
    }
}

struct Report {
    rounds: usize,
    rss_after_warm_up_kib: u64,
    rss_end_kib: u64,
    frames: u64,
    /// (round, RSS KiB) every tenth of the run, for the record.
    rss_curve: Vec<(usize, u64)>,
}

fn run_rounds(rounds: usize) -> Report {
    let mut rig = Rig::with(
        SimOptions {
            wire_time: false,
            auto_close: Some(StdDuration::from_millis(120)),
            open_delay: StdDuration::from_millis(10),
            items_follow_doors: true,
            ..SimOptions::default()
        },
        |cfg| {
            cfg.poll_interval = StdDuration::from_millis(15);
            cfg.timeout = StdDuration::from_millis(200);
            cfg.retries = 2;
        },
    );
    let signed_in = rig.cmd(
        Actor::Kiosk,
        Command::SignIn {
            user: COURIER.0.into(),
            pin: COURIER.1.into(),
        },
    );
    let courier = match signed_in.first() {
        Some(Event::SignedIn { session, .. }) => Actor::Session { id: *session },
        other => panic!("courier sign-in: {other:?}"),
    };
    let mut rss_after_warm_up_kib = 0;
    let mut rss_curve = Vec::new();
    let (mut dropped, mut corrupted) = (0u64, 0u64);
    for round in 0..rounds {
        // A fault every few rounds, somewhere on the line.
        let board = 1 + (round % 2) as u8;
        match round % 6 {
            1 => {
                rig.sim.drop_replies(board, 1);
                dropped += 1;
            }
            3 => {
                rig.sim.bad_crc(board, 1);
                corrupted += 1;
            }
            _ => {}
        }
        rig.seen.clear();
        let recipient = if round % 2 == 0 { ANA } else { BEN };
        let started = rig.cmd(
            courier.clone(),
            Command::StartDeposit {
                tracking: format!("SOAK-{round}"),
                recipient: recipient.into(),
                size: SizeChoice::Size(Size::S),
                class: ParcelClass::Domestic,
            },
        );
        assert!(
            started
                .iter()
                .any(|e| matches!(e, Event::DoorOpening { .. })),
            "round {round}: {started:?}"
        );
        let Event::DepositStored {
            parcel,
            compartment,
            ..
        } = wait_event(&mut rig, "deposit stored", |e| {
            matches!(e, Event::DepositStored { .. })
        })
        else {
            unreachable!()
        };
        let code = rig.code_of(parcel);
        rig.seen.clear();
        rig.cmd(Actor::Kiosk, Command::EnterCode { code });
        wait_event(
            &mut rig,
            "pickup door closed",
            |e| matches!(e, Event::DoorClosed { compartment: c } if *c == compartment),
        );
        let deadline = Instant::now() + WAIT;
        while rig.parcel(parcel).state != ParcelState::PickedUp {
            assert!(
                Instant::now() < deadline,
                "round {round}: parcel not picked up"
            );
            rig.pump();
            std::thread::sleep(StdDuration::from_millis(5));
        }
        if round + 1 == WARM_UP.min(rounds) {
            rss_after_warm_up_kib = rss_kib();
        }
        if (round + 1) % (rounds / 10).max(1) == 0 {
            rss_curve.push((round + 1, rss_kib()));
        }
    }
    rig.seen.clear();
    let rss_end_kib = rss_kib();
    // Everything went out again, nothing is left half-done.
    let Answer::ParcelRecords(parcels) = rig.read(Query::ParcelRecords { all: true }) else {
        panic!("parcel records")
    };
    let Answer::Compartments(comps) = rig.read(Query::Compartments) else {
        panic!("compartments")
    };
    // A code's index entry goes in the same transaction as its key.
    let codes = parcels
        .iter()
        .filter(|p| p.code_key.is_some() || p.qr_key.is_some())
        .count();
    let Answer::Verified { broken, checked } = rig.read(Query::VerifyAudit) else {
        panic!("audit check")
    };
    assert_eq!(parcels.len(), rounds);
    assert!(
        parcels.iter().all(|p| p.state == ParcelState::PickedUp),
        "{:?}",
        parcels.iter().find(|p| p.state != ParcelState::PickedUp)
    );
    assert!(
        comps.iter().all(|c| c.parcel.is_none()),
        "a door still held"
    );
    assert_eq!(codes, 0, "no code outlives its parcel");
    assert!(broken.is_none(), "{checked} entries: {broken:?}");
    // The faults were really on the line: the master saw each one.
    let Answer::Bus(bus) = rig.read(Query::Bus) else {
        panic!("bus")
    };
    let link = bus.link.expect("the Modbus bus keeps statistics");
    assert!(
        link.timeouts >= dropped,
        "{dropped} replies dropped, the master timed out {} times",
        link.timeouts
    );
    assert!(
        link.bad_replies >= corrupted,
        "{corrupted} replies corrupted, the master refused {}",
        link.bad_replies
    );
    Report {
        rounds,
        rss_after_warm_up_kib,
        rss_end_kib,
        frames: rig.sim.counters().frames_seen,
        rss_curve,
    }
}

fn check_memory(r: &Report) {
    let growth = r.rss_end_kib.saturating_sub(r.rss_after_warm_up_kib);
    eprintln!(
        "soak: {} rounds, {} frames, RSS {} KiB after warm-up, {} KiB at the end (+{} KiB)",
        r.rounds, r.frames, r.rss_after_warm_up_kib, r.rss_end_kib, growth
    );
    let curve: Vec<String> = r
        .rss_curve
        .iter()
        .map(|(round, kib)| format!("{round}: {kib}"))
        .collect();
    eprintln!("soak: RSS KiB by round: {}", curve.join(", "));
    // sled's page cache and the allocator keep some slack; a leak of even
    // a kilobyte a round would show at 2000 rounds.
    assert!(
        growth < 16 * 1024,
        "memory grew by {growth} KiB over {} rounds",
        r.rounds
    );
}

#[test]
fn soak_quick() {
    let r = run_rounds(40);
    check_memory(&r);
}

#[test]
#[ignore = "long: cargo test --release soak -- --ignored"]
fn soak_long() {
    let rounds = std::env::var("LOCKER_SOAK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let r = run_rounds(rounds);
    check_memory(&r);
}
