//! A thief's copy of the data directory: after a day of deposits, resends,
//! pickups and expiry, no file in it holds a code or QR token that was
//! ever given out.

use std::path::Path;

use chrono::Duration;

use crate::clock::Clock;

use super::tests::{Rig, lock, opening};
use super::{Actor, Command, EngineSettings};
use crate::bus::DoorEventKind;
use crate::domain::{ParcelId, Size};
use crate::notify::Transport;
use crate::notify::worker::deliver_due;

const FROM: &str = "locker@lobby.example.org";

/// Every code and QR token the recipients were sent.
#[derive(Default)]
struct Issued(Vec<(String, String)>);

impl Issued {
    fn note(&mut self, rig: &Rig, parcel: ParcelId) {
        let (code, qr) = rig.message_codes(parcel).expect("a message with a code");
        self.0.push((code, qr));
    }
}

/// Sends everything queued through `transport`, as the kiosk's worker
/// does over a few rounds (one message per recipient a round).
fn deliver(rig: &mut Rig, transport: &Transport) {
    loop {
        let (sent, failed) = deliver_due(&mut rig.engine, transport, FROM).unwrap();
        assert_eq!(failed, 0);
        if sent == 0 {
            return;
        }
    }
}

fn collect(rig: &mut Rig, how: Command) {
    let ev = rig.engine.handle(&Actor::Kiosk, how).unwrap();
    let door = opening(&ev).expect("door opens");
    rig.door(door, DoorEventKind::Opened);
    rig.bus.set_item(lock(door), false);
    rig.door(door, DoorEventKind::Closed);
}

/// Where `needle` stands in `hay` as a word of its own: a code is six
/// digits, and hex hashes are full of digit runs, so a hit inside a longer
/// run of letters and digits is not a code.
fn holds_word(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).enumerate().any(|(i, w)| {
        w == needle
            && (i == 0 || !hay[i - 1].is_ascii_alphanumeric())
            && hay
                .get(i + needle.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_code_or_token_is_left_anywhere_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("outbox");
    let settings = EngineSettings {
        spool_dir: Some(spool.clone()),
        ..EngineSettings::for_tests()
    };
    let mut rig = Rig::open_with(dir, super::tests::start(), settings);
    let spooled = Transport::Spool(spool.clone());
    // A transport that keeps nothing here (SMTP, a program) for the parcel
    // still waiting at the end of the day.
    let elsewhere = Transport::Command(vec!["sh".into(), "-c".into(), "cat >/dev/null".into()]);
    let mut issued = Issued::default();

    let mut parcels = Vec::new();
    for _ in 0..4 {
        let (parcel, _, _) = rig.deposit("111111", Size::S);
        issued.note(&rig, parcel);
        parcels.push(parcel);
    }
    let [resent, typed, scanned, expiring] = parcels[..] else {
        unreachable!()
    };
    deliver(&mut rig, &spooled);
    let spooled_now = || std::fs::read_dir(&spool).unwrap().count();
    assert_eq!(spooled_now(), 4, "one message a parcel");

    // A resend: a new code, sent; the old one's copy goes.
    rig.engine
        .handle(&rig.admin.clone(), Command::ResendCode { parcel: resent })
        .unwrap();
    issued.note(&rig, resent);
    deliver(&mut rig, &spooled);

    // Pickups by typed code and by QR.
    let code = issued.0[1].0.clone();
    collect(&mut rig, Command::EnterCode { code });
    let payload = issued.0[2].1.clone();
    collect(&mut rig, Command::ScanQr { payload });
    let code = issued.0[4].0.clone();
    collect(&mut rig, Command::EnterCode { code });
    let _ = (typed, scanned);
    assert_eq!(
        spooled_now(),
        1,
        "only the expiring parcel's message is left"
    );

    // One parcel waits past its deadline and is taken to the office.
    rig.clock.advance(Duration::days(7));
    rig.engine.tick().unwrap();
    deliver(&mut rig, &spooled);
    rig.courier = super::tests::sign_in(&mut rig.engine, "1001", "4321");
    let ev = rig
        .engine
        .handle(
            &rig.courier.clone(),
            Command::OpenForRemoval { parcel: expiring },
        )
        .unwrap();
    let door = opening(&ev).expect("removal door opens");
    rig.door(door, DoorEventKind::Opened);
    rig.bus.set_item(lock(door), false);
    rig.door(door, DoorEventKind::Closed);

    // A parcel still waiting, its message sent by a transport that keeps
    // no copy here.
    let (live, _, _) = rig.deposit("222222", Size::S);
    issued.note(&rig, live);
    deliver(&mut rig, &elsewhere);

    rig.engine.store().flush().unwrap();
    let mut files = Vec::new();
    files_under(rig.dir.path(), &mut files);
    assert!(files.len() > 3, "sled's files are there: {files:?}");
    assert_eq!(issued.0.len(), 6);
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for (code, qr) in &issued.0 {
            let secret = qr.rsplit(':').next().unwrap();
            assert!(
                !holds_word(&bytes, code.as_bytes()),
                "code {code} in {}",
                file.display()
            );
            assert!(
                !holds_word(&bytes, secret.as_bytes()),
                "QR token {qr} in {}",
                file.display()
            );
        }
    }
}

#[test]
fn no_return_code_or_label_is_left_in_the_data_directory() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let mut codes = Vec::new();
    for label in [None, Some("EE123456785US")] {
        let ret = crate::engine::NewReturn {
            size: Size::S,
            reference: String::new(),
            recipient: Some("111111".into()),
            email: None,
            language: None,
            label: label.map(str::to_string),
        };
        let ev = rig
            .engine
            .handle(&admin, Command::IssueReturn { ret })
            .unwrap();
        let Some(crate::engine::Event::ReturnIssued { code, .. }) = ev.first() else {
            panic!("{ev:?}")
        };
        codes.push(code.clone().or(label.map(str::to_string)).unwrap());
    }
    // One dropped off (its message still queued), one still issued.
    let ev = rig
        .engine
        .handle(
            &Actor::Kiosk,
            Command::DropReturn {
                code: codes[1].clone(),
            },
        )
        .unwrap();
    let door = opening(&ev).expect("a door");
    rig.door(door, DoorEventKind::Opened);
    rig.bus.set_item(lock(door), true);
    rig.door(door, DoorEventKind::Closed);
    rig.engine.store().flush().unwrap();
    let mut files = Vec::new();
    files_under(rig.dir.path(), &mut files);
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for code in &codes {
            assert!(
                !holds_word(&bytes, code.as_bytes()),
                "return code {code} in {}",
                file.display()
            );
        }
    }
}

#[test]
fn the_scan_would_find_a_code_written_in_plain() {
    assert!(holds_word(b"{\"code\":\"041158\"}", b"041158"));
    assert!(holds_word(b"Your code: 041158\r\n", b"041158"));
    assert!(!holds_word(b"a3041158ff", b"041158"));
}

#[test]
fn a_replaced_key_file_sends_new_codes_instead_of_killing_the_old_ones() {
    let mut rig = Rig::new();
    let (parcel, door, old_code) = rig.deposit("111111", Size::S);
    let now = rig.clock.now();
    let Rig { engine, dir, .. } = rig;
    drop(engine);
    // The key file was restored from the wrong backup: another key.
    let settings = EngineSettings {
        keys: crate::domain::CodeKeys::generate(),
        ..EngineSettings::for_tests()
    };
    let mut rig = Rig::open_with(dir, now, settings);
    let alerts = crate::engine::query::alerts(rig.engine.store()).unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == crate::store::AlertKind::CodesReissued),
        "{alerts:?}"
    );
    let new_code = rig.code_of(parcel);
    // The old code cannot be checked without its key: it opens nothing.
    assert!(matches!(
        rig.enter(&old_code)[0],
        super::Event::CodeRefused {
            refusal: super::Refusal::Unknown,
            ..
        }
    ));
    assert_eq!(opening(&rig.enter(&new_code)), Some(door));
}
