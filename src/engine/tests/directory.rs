//! The property's directory at one kiosk (stamps, the queue for the
//! broker, changes from elsewhere), and codes typed at the wrong kiosk.

use super::{Rig, refusal, sign_in, start};
use crate::domain::directory::{Change, Entry, Stamp};
use crate::domain::{CodeKeys, Recipient, RecipientId, Role, Size};
use crate::engine::SiteKeys;
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Command, EngineSettings, Event, Refusal};
use crate::store::T;

fn local() -> Actor {
    Actor::Local {
        name: "fleet".into(),
    }
}

fn out(rig: &Rig) -> Vec<Change> {
    match rig.engine.read(&local(), Query::DirectoryOut).unwrap() {
        Answer::Directory(c) => c,
        other => panic!("{other:?}"),
    }
}

fn stamp_of(rig: &Rig, key: &str) -> Option<Stamp> {
    rig.engine.store().get(T::Stamps, key.as_bytes()).unwrap()
}

fn carla() -> Recipient {
    Recipient::new(
        RecipientId::parse("333333").unwrap(),
        "Carla Ruiz",
        "carla@example.org",
    )
}

/// The recipient `digits` as this kiosk has it.
fn here(rig: &Rig, digits: &str) -> Recipient {
    rig.engine
        .store()
        .get(T::Recipients, digits.as_bytes())
        .unwrap()
        .unwrap()
}

fn from_b(ms: i64, entry: Entry) -> Command {
    Command::ApplyDirectory {
        change: Box::new(Change {
            v: 1,
            stamp: Stamp {
                ms,
                n: 0,
                kiosk: "B".into(),
            },
            entry,
        }),
    }
}

/// Every record the rig started with is queued for the broker once; a
/// change is queued again with a later stamp, and leaves the queue when the
/// broker has that version, not an older one.
#[test]
fn a_change_here_is_stamped_and_queued_until_the_broker_has_it() {
    let mut rig = Rig::new();
    let first = out(&rig);
    let keys: Vec<String> = first.iter().map(|c| c.entry.key()).collect();
    assert!(keys.contains(&"user/1001".to_string()), "{keys:?}");
    assert!(keys.contains(&"recipient/111111".to_string()), "{keys:?}");
    for c in &first {
        rig.engine
            .handle(
                &local(),
                Command::DirectoryPublished {
                    key: c.entry.key(),
                    stamp: c.stamp.clone(),
                },
            )
            .unwrap();
    }
    assert!(out(&rig).is_empty());
    let before = stamp_of(&rig, "recipient/111111").unwrap();
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetVacation {
                recipient: "111111".into(),
                until: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
            },
        )
        .unwrap();
    let queued = out(&rig);
    assert_eq!(queued.len(), 1);
    assert!(queued[0].stamp > before);
    let Entry::Recipient { record } = &queued[0].entry else {
        panic!("{queued:?}");
    };
    assert_eq!(
        record.vacation_until,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 24)
    );
    // The broker acknowledging the older version leaves the new one queued.
    rig.engine
        .handle(
            &local(),
            Command::DirectoryPublished {
                key: "recipient/111111".into(),
                stamp: before,
            },
        )
        .unwrap();
    assert_eq!(out(&rig).len(), 1);
    assert_eq!(
        rig.engine.take_announced().last(),
        Some(&Event::DirectoryChanged)
    );
}

#[test]
fn a_later_stamp_from_elsewhere_wins_and_an_earlier_one_is_ignored() {
    let mut rig = Rig::new();
    let now = start().timestamp_millis();
    // Kiosk B's clock is ahead: its record is later than anything here.
    let later = from_b(now + 60_000, Entry::Recipient { record: carla() });
    assert_eq!(
        rig.engine.handle(&local(), later.clone()).unwrap(),
        vec![Event::Done]
    );
    assert!(rig.engine.handle(&local(), later).unwrap().is_empty());
    let rid = RecipientId::parse("333333").unwrap();
    assert_eq!(here(&rig, "333333").name, "Carla Ruiz");
    // Taken from the site, so not queued to be told again.
    assert!(
        out(&rig)
            .iter()
            .all(|c| c.entry.key() != "recipient/333333")
    );
    // An older version of the record changes nothing.
    let mut older = carla();
    older.name = "Old Name".into();
    let stale = from_b(now - 60_000, Entry::Recipient { record: older });
    assert!(rig.engine.handle(&local(), stale).unwrap().is_empty());
    assert_eq!(here(&rig, "333333").name, "Carla Ruiz");
    // A change made here after it is stamped later still, whatever the
    // clock here says: the clock follows the stamps it has seen.
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::UpdateRecipient {
                recipient: rid.digits().into(),
                change: crate::domain::RecipientChange {
                    name: Some("Carla R.".into()),
                    ..Default::default()
                },
            },
        )
        .unwrap();
    let mine = stamp_of(&rig, "recipient/333333").unwrap();
    assert_eq!(mine.kiosk, "A");
    assert!(mine.ms >= now + 60_000, "{mine}");
    let audit = crate::store::audit::range(rig.engine.store(), 0, 1000).unwrap();
    assert!(audit.iter().any(|e| e.action == "directory_received"
        && e.actor == "local:fleet"
        && e.detail.starts_with("recipient/333333 ")));
}

#[test]
fn a_vacation_set_at_another_kiosk_stretches_the_holds_here() {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let deadline = rig.parcel(parcel).deadline.unwrap();
    let mut ana = here(&rig, "111111");
    ana.vacation_until = chrono::NaiveDate::from_ymd_opt(2026, 12, 10);
    let change = from_b(
        start().timestamp_millis() + 60_000,
        Entry::Recipient { record: ana },
    );
    rig.engine.handle(&local(), change).unwrap();
    let stretched = rig.parcel(parcel).deadline.unwrap();
    assert!(stretched > deadline, "{deadline} -> {stretched}");
}

#[test]
fn an_account_removed_elsewhere_is_removed_here_and_signed_out() {
    let mut rig = Rig::new();
    let courier = sign_in(&mut rig.engine, "1001", "4321");
    assert!(rig.engine.role_of(&courier) == Some(Role::Courier));
    let gone = from_b(
        start().timestamp_millis() + 1000,
        Entry::User {
            name: "1001".into(),
            record: None,
        },
    );
    rig.engine.handle(&local(), gone).unwrap();
    assert!(
        rig.engine
            .store()
            .get::<crate::domain::User>(T::Users, b"1001")
            .unwrap()
            .is_none()
    );
    assert_eq!(rig.engine.role_of(&courier), None);
    // A record filed under another name is refused.
    let mut admin: crate::domain::User =
        rig.engine.store().get(T::Users, b"admin").unwrap().unwrap();
    admin.role = Role::Courier;
    let wrong = from_b(
        start().timestamp_millis() + 2000,
        Entry::User {
            name: "boss".into(),
            record: Some(admin),
        },
    );
    assert!(rig.engine.handle(&local(), wrong).is_err());
}

fn with_site(kiosk: &str, site_keys: &CodeKeys) -> Rig {
    let mut settings = EngineSettings::for_tests();
    settings.kiosk_id = kiosk.into();
    settings.locker_code = format!("LK-{kiosk}");
    // Each kiosk has its own code key; the site key is the property's.
    settings.keys = CodeKeys::generate();
    settings.site = Some(SiteKeys {
        site: "riverside".into(),
        keys: site_keys.clone(),
    });
    Rig::open_with(tempfile::tempdir().unwrap(), start(), settings)
}

fn asked(ev: &[Event]) -> Option<Vec<String>> {
    ev.iter().find_map(|e| match e {
        Event::AskSite { fingerprints } => Some(fingerprints.clone()),
        _ => None,
    })
}

#[test]
fn a_code_typed_at_the_wrong_kiosk_is_asked_of_the_site_by_fingerprint_and_costs_a_try() {
    let site = CodeKeys::generate();
    let mut a = with_site("A", &site);
    let mut b = with_site("B", &site);
    let (parcel, _, code) = a.deposit("111111", Size::S);
    let ev = b.enter(&code);
    let Some(Event::CodeRefused {
        refusal: Refusal::Unknown,
        tries_left,
    }) = ev.first().cloned()
    else {
        panic!("{ev:?}");
    };
    assert_eq!(tries_left, 4, "the wrong kiosk spends a try");
    let fingerprints = asked(&b.engine.take_announced()).expect("asked the site");
    // The question carries no code: only keyed hashes of it.
    assert!(fingerprints.iter().all(|f| !f.contains(&code)));
    let held = |rig: &Rig, fps: &[String]| {
        rig.engine
            .read(
                &local(),
                Query::SiteCode {
                    fingerprints: fps.to_vec(),
                },
            )
            .unwrap()
            == Answer::SiteCodeHeld(true)
    };
    assert!(held(&a, &fingerprints));
    assert!(!held(&b, &fingerprints));
    let answer = Command::CodeElsewhere {
        fingerprint: fingerprints[0].clone(),
        kiosk: "A".into(),
        locker_code: "LK-A".into(),
    };
    assert_eq!(
        b.engine.handle(&local(), answer.clone()).unwrap(),
        vec![Event::CodeHeldElsewhere {
            kiosk: "A".into(),
            locker_code: "LK-A".into(),
        }]
    );
    // An answer nobody asked for shows nothing.
    let unasked = Command::CodeElsewhere {
        fingerprint: "00".repeat(32),
        kiosk: "A".into(),
        locker_code: "LK-A".into(),
    };
    assert!(b.engine.handle(&local(), unasked).unwrap().is_empty());
    // Nor does one that comes after the person has long gone.
    b.clock.advance(chrono::Duration::seconds(30));
    assert!(b.engine.handle(&local(), answer).unwrap().is_empty());
    // Once picked up at A, the fingerprint is no longer A's either.
    let c = a.parcel(parcel).compartment;
    a.pick_up(c, &code);
    assert!(!held(&a, &fingerprints));
    assert!(a.engine.store().tree(T::SiteCodes).is_empty());
}

#[test]
fn a_malformed_or_dead_code_is_not_asked_of_the_site() {
    let site = CodeKeys::generate();
    let mut a = with_site("A", &site);
    a.engine.take_announced();
    assert_eq!(refusal(&a.enter("12")), Some(Refusal::Malformed));
    let (parcel, c, code) = a.deposit("111111", Size::S);
    a.pick_up(c, &code);
    a.engine.take_announced();
    assert_eq!(refusal(&a.enter(&code)), Some(Refusal::Used));
    assert_eq!(asked(&a.engine.take_announced()), None);
    // Without a site key nothing is asked at all.
    let mut lone = Rig::new();
    lone.engine.take_announced();
    assert_eq!(refusal(&lone.enter("123456")), Some(Refusal::Unknown));
    assert_eq!(asked(&lone.engine.take_announced()), None);
    let _ = parcel;
}

/// The clock is kept in the store: after a restart, with the wall clock
/// behind a stamp taken from elsewhere, a change here still comes later.
#[test]
fn the_directory_clock_survives_a_restart() {
    let mut rig = Rig::new();
    let ahead = start().timestamp_millis() + 3_600_000;
    let change = from_b(ahead, Entry::Recipient { record: carla() });
    rig.engine.handle(&local(), change).unwrap();
    let courier = stamp_of(&rig, "user/1001");
    let (mut rig, _) = rig.restart(|_| {});
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetVacation {
                recipient: "111111".into(),
                until: None,
            },
        )
        .unwrap();
    let mine = stamp_of(&rig, "recipient/111111").unwrap();
    assert!(mine.ms >= ahead, "{mine}");
    // And nothing was stamped again at the restart.
    assert_eq!(stamp_of(&rig, "user/1001"), courier);
}
