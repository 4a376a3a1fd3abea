//! Many clients at once: shared door events, one that never reads, the client limit.

use std::io::Read;
use std::time::Duration;

use super::{Raw, WAIT, next_event, served};
use crate::control::proto::{Call, Reply, WireError};
use crate::control::server::QUEUE;
use crate::control::{Client, Unasked};
use crate::domain::CompartmentId;
use crate::engine::{Command, Event};
use crate::store::IntentKind;

#[test]
fn several_clients_and_the_kiosk_see_the_same_door_events() {
    let s = served();
    let mut kiosk = s.handle.subscribe();
    let mut one = s.admin();
    let mut two = s.client();
    two.sign_in("tech", "5555").unwrap();
    let rx1 = one.take_unasked().unwrap();
    let rx2 = two.take_unasked().unwrap();
    one.call(Call::Subscribe).unwrap();
    two.call(Call::Subscribe).unwrap();
    let mut script = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(6),
                reason: "audit".into(),
            },
        })
        .unwrap();
    let opening = |e: &Event| matches!(e, Event::DoorOpening { compartment, purpose: IntentKind::ManualUnlock, .. } if *compartment == CompartmentId(6));
    let a = next_event(&rx1, opening);
    let b = next_event(&rx2, opening);
    assert_eq!(a, b);
    let seen = s
        ._rt
        .block_on(async { tokio::time::timeout(WAIT, kiosk.recv()).await })
        .expect("the kiosk hears it")
        .unwrap();
    assert_eq!(seen, a, "the kiosk's screen gets the same event");
    // Another client's sign-in is never passed on.
    let _third = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(5),
                reason: "audit".into(),
            },
        })
        .unwrap();
    let mut between = Vec::new();
    loop {
        match rx1.recv_timeout(WAIT).unwrap() {
            Unasked::Event(Event::DoorOpening {
                compartment: CompartmentId(5),
                ..
            }) => break,
            other => between.push(other),
        }
    }
    assert!(
        !between
            .iter()
            .any(|u| matches!(u, Unasked::Event(Event::SignedIn { .. }))),
        "{between:?}"
    );
}

#[test]
fn a_client_that_never_reads_cannot_hold_up_the_kiosk() {
    let s = served();
    // Signs in, subscribes and then reads nothing at all.
    let mut stuck = Raw::open(&s);
    let sign_in = stuck.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(sign_in.ok.is_some(), "{sign_in:?}");
    assert!(stuck.ask(2, Call::Subscribe).ok.is_some());
    let mut worker = s.admin();
    let mut toggle = |n: usize| {
        worker
            .call(Call::Command {
                command: Command::SetDisabled {
                    compartment: CompartmentId(2),
                    disabled: n % 2 == 0,
                    reason: "load".into(),
                },
            })
            .unwrap();
    };
    // Far more events than the stuck client's queue and socket buffer hold.
    for n in 0..QUEUE * 40 {
        toggle(n);
    }
    // The engine still answers everyone else at once.
    let mut other = s.admin();
    let Reply::Users(users) = other.call(Call::Users).unwrap() else {
        panic!("users");
    };
    assert_eq!(users.len(), 3);
    // Reading at last, the stuck client drains its queue and then hears
    // how many events it missed.
    let mut got = String::new();
    let mut notice = false;
    let mut buf = [0u8; 64 * 1024];
    let mut n = 1;
    let deadline = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < deadline && !notice {
        let read = stuck.reader.get_mut().read(&mut buf).unwrap_or(0);
        if read == 0 {
            break;
        }
        got.push_str(&String::from_utf8_lossy(&buf[..read]));
        notice = got.contains("events dropped: read again");
        toggle(n);
        n += 1;
    }
    assert!(notice, "the slow client is told it missed events");
}

#[test]
fn clients_beyond_the_limit_are_told_the_kiosk_is_busy() {
    let s = served();
    let held: Vec<Client> = (0..super::server::MAX_CLIENTS)
        .map(|_| s.client())
        .collect();
    let mut extra = Raw::open(&s);
    assert_eq!(extra.recv().error, Some(WireError::Busy));
    drop(held);
    // Slots come back as clients leave.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        match Client::connect(&s.path()) {
            Ok(_) => break,
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("no slot came back: {e}"),
        }
    }
}
