//! Time limits on a connection: the sign-in window, the idle limit, signing in again.

use std::io::Write;
use std::time::Duration;

use super::{Raw, WAIT, next_event, served_with};
use crate::control::Client;
use crate::control::proto::{Call, Reply, VERSION, WireError, WireRequest};
use crate::control::server::Limits;
use crate::domain::CompartmentId;
use crate::engine::{Command, Event};

#[test]
fn silent_clients_keep_nobody_out_beyond_the_sign_in_window() {
    let s = served_with(
        Limits {
            sign_in_window: Duration::from_secs(2),
            ..Limits::default()
        },
        None,
    );
    let mut silent: Vec<Raw> = (0..super::server::MAX_CLIENTS)
        .map(|_| Raw::open(&s))
        .collect();
    let mut ninth = Raw::open(&s);
    assert_eq!(ninth.recv().error, Some(WireError::Busy));
    // Each silent client is told why, then closed.
    for raw in &mut silent {
        assert_eq!(raw.recv().error, Some(WireError::SignInTimeout { secs: 2 }));
        assert!(raw.recv_or_end().is_none());
    }
    let deadline = std::time::Instant::now() + WAIT;
    let mut c = loop {
        match Client::connect(&s.path()) {
            Ok(c) => break c,
            Err(e) => {
                assert!(std::time::Instant::now() < deadline, "no slot: {e}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    c.sign_in("admin", "9999").unwrap();
    assert!(matches!(c.call(Call::Users), Ok(Reply::Users(_))));
}

#[test]
fn a_busy_connection_that_never_signs_in_is_closed_all_the_same() {
    let s = served_with(
        Limits {
            sign_in_window: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    // Hellos as fast as they are answered, for as long as the kiosk listens.
    let mut raw = Raw::open(&s);
    let mut last = None;
    for id in 0.. {
        let line = super::proto::encode_request(&WireRequest {
            v: VERSION,
            id,
            call: Call::Hello { client: "x".into() },
        });
        // Closed while this was written: the reason is still there to read.
        let _ = raw.writer.write_all(line.as_bytes());
        match raw.recv_or_end() {
            Some(r) if r.ok.is_some() => {}
            Some(r) => {
                last = r.error;
                break;
            }
            None => break,
        }
    }
    assert_eq!(last, Some(WireError::SignInTimeout { secs: 1 }));
}

#[test]
fn a_signed_in_connection_without_requests_is_closed_and_a_client_signs_in_again() {
    let s = served_with(
        Limits {
            idle: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    let mut raw = Raw::open(&s);
    let r = raw.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(r.ok.is_some(), "{r:?}");
    // Events do not keep it: only requests do.
    assert!(raw.ask(2, Call::Subscribe).ok.is_some());
    assert_eq!(raw.recv().error, Some(WireError::Idle { secs: 1 }));
    assert!(raw.recv_or_end().is_none());

    let mut c = s.admin();
    let events = c.take_unasked().unwrap();
    let mut watcher = Raw::open(&s);
    assert!(
        watcher
            .ask(
                1,
                Call::SignIn {
                    user: "admin".into(),
                    pin: "9999".into(),
                },
            )
            .ok
            .is_some()
    );
    // The watcher signed in after the client, so by the time it is closed
    // the client's connection is too.
    assert_eq!(watcher.recv().error, Some(WireError::Idle { secs: 1 }));
    let e = c.call(Call::Users).unwrap_err();
    assert!(Client::closed(&e), "{e:?}");
    c.sign_in("admin", "9999").unwrap();
    c.call(Call::Subscribe).unwrap();
    let mut script = s.admin();
    script
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(6),
                reason: "after a reconnect".into(),
            },
        })
        .unwrap();
    // Events of the new connection arrive where the old one's did.
    next_event(
        &events,
        |e| matches!(e, Event::DoorOpening { compartment, .. } if *compartment == CompartmentId(6)),
    );
}

#[test]
fn the_console_whose_connection_was_closed_signs_in_again() {
    use crate::engine::read::Query;
    use crate::engine::{Actor, EngineError};
    use crate::link::EngineLink;
    let s = served_with(
        Limits {
            idle: Duration::from_secs(1),
            ..Limits::default()
        },
        None,
    );
    let mut console = super::RemoteEngine::new(s.client()).expect("same release");
    let sign_in = || Command::SignIn {
        user: "admin".into(),
        pin: "9999".into(),
    };
    let ev = console.command(&Actor::Kiosk, sign_in()).unwrap();
    assert!(ev.iter().any(|e| matches!(e, Event::SignedIn { .. })));
    let mut watcher = Raw::open(&s);
    let r = watcher.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(r.ok.is_some(), "{r:?}");
    assert_eq!(watcher.recv().error, Some(WireError::Idle { secs: 1 }));
    // The screen hears its session ended; signing out is already done.
    assert!(matches!(
        console.read(&Actor::Kiosk, Query::Bank),
        Err(EngineError::NotSignedIn)
    ));
    assert_eq!(
        console.command(&Actor::Kiosk, Command::SignOut).unwrap(),
        vec![Event::SignedOut]
    );
    let ev = console.command(&Actor::Kiosk, sign_in()).unwrap();
    assert!(ev.iter().any(|e| matches!(e, Event::SignedIn { .. })));
    assert!(console.read(&Actor::Kiosk, Query::Bank).is_ok());
}
