//! Who may do what on the socket: the sign-in, and what each role may reach.

use super::{refused, served};
use crate::control::proto::{Call, Reply, WireError};
use crate::domain::CompartmentId;
use crate::engine::{Command, Event};

#[test]
fn hello_names_the_kiosk_without_a_sign_in() {
    let s = served();
    let c = s.client();
    assert_eq!(c.kiosk, ("A".to_string(), "Lobby".to_string()));
}

#[test]
fn the_socket_is_private_to_the_kiosk_user() {
    use std::os::unix::fs::PermissionsExt;
    let s = served();
    let mode = std::fs::metadata(s.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn reads_and_commands_need_a_session_opened_with_a_pin() {
    let s = served();
    let mut c = s.client();
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
    assert_eq!(
        refused(c.call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(1),
                reason: "x".into()
            }
        })),
        WireError::NotSignedIn
    );
    assert_eq!(refused(c.call(Call::Subscribe)), WireError::NotSignedIn);
    let wrong = c.sign_in("admin", "0000").unwrap_err();
    assert!(wrong.to_string().contains("wrong"), "{wrong}");
    c.sign_in("admin", "9999").unwrap();
    let Reply::Parcels(p) = c.call(Call::Parcels { all: false }).unwrap() else {
        panic!("parcels");
    };
    assert_eq!(p.iter().map(|p| p.id).collect::<Vec<_>>(), vec![s.parcel]);
    // Signing out ends it for this connection.
    c.call(Call::SignOut).unwrap();
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
}

#[test]
fn couriers_and_badges_do_not_sign_in_here() {
    let s = served();
    let mut c = s.client();
    let e = c.sign_in("1001", "4321").unwrap_err();
    assert!(e.to_string().contains("only admins and technicians"), "{e}");
    assert_eq!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::NotSignedIn
    );
    let e = refused(c.call(Call::Command {
        command: Command::SignInBadge {
            badge: "B-1".into(),
        },
    }));
    assert!(e.to_string().contains("keypad"), "{e}");
}

#[test]
fn a_technician_opens_doors_but_never_sees_parcels() {
    let s = served();
    let mut c = s.client();
    c.sign_in("tech", "5555").unwrap();
    assert!(matches!(
        refused(c.call(Call::Parcels { all: false })),
        WireError::Denied { .. }
    ));
    assert!(matches!(
        refused(c.call(Call::Recipients)),
        WireError::Denied { .. }
    ));
    assert!(matches!(
        refused(c.call(Call::Fees { since: None })),
        WireError::Denied { .. }
    ));
    let before = s.bus.pulses().len();
    let Reply::Events(ev) = c
        .call(Call::Command {
            command: Command::ManualUnlock {
                compartment: CompartmentId(4),
                reason: "hinge check".into(),
            },
        })
        .unwrap()
    else {
        panic!("events");
    };
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::DoorOpening { compartment, .. } if *compartment == CompartmentId(4))),
        "{ev:?}"
    );
    assert_eq!(s.bus.pulses().len(), before + 1, "one pulse on the bus");
}
