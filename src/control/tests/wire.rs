//! The socket's rows are its own: what a script reads for each list call
//! is pinned here, so a change to a record or a screen that would change
//! the wire fails this test instead of a customer's script.

use super::{Raw, served};
use crate::control::proto::Call;
use crate::engine::Command;

/// Each list call's answer as it goes over the wire, one JSON line each,
/// with the admin's own sign-in entries (their session ids and times vary
/// with nothing) left in.
#[test]
fn wire_v1_is_frozen() {
    let s = served();
    let mut admin = s.admin();
    admin
        .call(Call::Command {
            command: Command::AddMarker {
                compartment: None,
                note: "wire".into(),
            },
        })
        .expect("a marker");
    drop(admin);
    let mut raw = Raw::open(&s);
    let signed = raw.ask(
        1,
        Call::SignIn {
            user: "admin".into(),
            pin: "9999".into(),
        },
    );
    assert!(signed.ok.is_some(), "{signed:?}");
    let mut out = String::new();
    for (id, call) in [
        Call::Parcels { all: true },
        Call::Users,
        Call::Recipients,
        Call::Outbox,
        Call::Markers,
        Call::AuditRange { after: 0, limit: 3 },
        Call::Fees { since: None },
    ]
    .into_iter()
    .enumerate()
    {
        let reply = raw.ask(10 + id as u64, call);
        let line = serde_json::to_string(&reply).expect("a line");
        for internal in [
            "code_key",
            "qr_key",
            "key_id",
            "code_messages",
            "pin",
            "hash\"",
        ] {
            assert!(!line.contains(internal), "{internal} on the wire: {line}");
        }
        out.push_str(&line);
        out.push('\n');
    }
    // Beside the protocol's description, not among the screens people read.
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/docs/wire"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("control_wire_v1", out);
    });
}

#[test]
fn the_console_works_only_with_a_kiosk_of_its_own_release() {
    let s = served();
    let client = s.client();
    assert_eq!(client.release, env!("CARGO_PKG_VERSION"), "from the hello");
    assert!(crate::control::RemoteEngine::new(client).is_ok());
    let mut older = s.client();
    older.release = "0.0.1".into();
    let e = crate::control::RemoteEngine::new(older)
        .err()
        .expect("refused");
    assert!(e.to_string().contains("locker 0.0.1"), "{e}");
}

#[test]
fn the_hello_names_the_kiosk_its_time_zone_and_its_staff_language() {
    let s = served();
    let client = s.client();
    assert_eq!(client.kiosk, ("A".to_string(), "Lobby".to_string()));
    assert_eq!(client.time_zone, "Europe/Madrid");
    assert_eq!(client.language, Some(crate::domain::Language::En));
}

/// The frozen snapshot's fees answer is empty (its locker charges
/// nothing), so a fee row's fields are pinned here, as docs/CONTROL.md
/// and the CSV export list them.
#[test]
fn a_fee_row_keeps_its_documented_fields() {
    use crate::domain::{CompartmentId, ParcelId, RecipientId};
    use crate::engine::read::FeeRow;
    let row = FeeRow {
        id: 7,
        at: chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("a time"),
        recipient: RecipientId::parse("482913").expect("an id"),
        parcel: ParcelId(17),
        tracking: "TRK1".into(),
        door: CompartmentId(4),
        use_cents: 150,
        storage_days: 2,
        storage_cents: 100,
        currency: "EUR".into(),
    };
    let line = serde_json::to_string(&crate::control::wire::Fee::from(row)).expect("json");
    assert_eq!(
        line,
        r#"{"id":7,"at":"2026-11-18T11:06:40Z","recipient":"PX-482913","parcel":17,"tracking":"TRK1","compartment":4,"use_cents":150,"storage_days":2,"storage_cents":100,"total_cents":250,"currency":"EUR"}"#
    );
}
