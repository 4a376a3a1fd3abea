//! The hold: reminders, the deadline, expiry and removal, a vacation.

use chrono::Duration;
use chrono_tz::Europe::Madrid;

use super::{Rig, lock, madrid, opening, refusal, sign_in};
use crate::bus::DoorEventKind;
use crate::clock::Clock;
use crate::domain::{ParcelState, Size};
use crate::engine::{Command, Event, Refusal, query};
use crate::store::NotificationKind;

#[test]
fn reminders_fire_twice_then_the_final_notice() {
    let mut rig = Rig::new();
    let (parcel, _, code) = rig.deposit("111111", Size::S);
    let mut reminders = vec![];
    let mut expired = false;
    // Walk a week hour by hour.
    for _ in 0..(24 * 7) {
        rig.clock.advance(Duration::hours(1));
        for e in rig.engine.tick().unwrap() {
            match e {
                Event::ReminderQueued { number, .. } => reminders.push((number, rig.clock.now())),
                Event::ParcelExpired { .. } => expired = true,
                _ => {}
            }
        }
    }
    assert_eq!(
        reminders.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let r1 = reminders[0].1.with_timezone(&Madrid);
    assert_eq!(r1.format("%Y-%m-%d %H").to_string(), "2026-11-18 09");
    assert!(expired);
    let kinds: Vec<_> = query::outbox(rig.engine.store())
        .unwrap()
        .into_iter()
        .filter(|n| n.parcel == Some(parcel))
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == NotificationKind::FinalNotice)
            .count(),
        1
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| matches!(k, NotificationKind::Reminder1 | NotificationKind::Reminder2))
            .count(),
        2
    );
    assert_eq!(rig.parcel(parcel).state, ParcelState::Expired);
    assert_eq!(refusal(&rig.enter(&code)), Some(Refusal::Expired));
    assert_eq!(query::expired_parcels(rig.engine.store()).unwrap().len(), 1);
}

#[test]
fn deposit_at_2359_local_is_held_until_the_fifth_day_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut rig = Rig::open(dir, madrid(2026, 11, 16, 23, 59));
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let dl = rig.parcel(parcel).deadline.unwrap().with_timezone(&Madrid);
    assert_eq!(
        dl.format("%Y-%m-%d %H:%M:%S").to_string(),
        "2026-11-21 23:59:59"
    );
}

#[test]
fn expired_parcel_is_removed_by_staff_walk() {
    let mut rig = Rig::new();
    let (parcel, c, _) = rig.deposit("111111", Size::S);
    rig.clock.advance(Duration::days(6));
    rig.engine.tick().unwrap();
    // Days later the session has ended: the staff member signs in again.
    let staff = sign_in(&mut rig.engine, "1001", "4321");
    let ev = rig
        .engine
        .handle(&staff, Command::OpenForRemoval { parcel })
        .unwrap();
    assert_eq!(opening(&ev), Some(c));
    rig.door(c, DoorEventKind::Opened);
    rig.bus.set_item(lock(c), false);
    rig.door(c, DoorEventKind::Closed);
    assert_eq!(rig.parcel(parcel).state, ParcelState::Removed);
    assert!(rig.compartment(c).allocatable());
    assert!(
        query::expired_parcels(rig.engine.store())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn vacation_extends_the_hold_and_waives_storage_fees() {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let before = rig.parcel(parcel).deadline.unwrap();
    let until = chrono::NaiveDate::from_ymd_opt(2026, 11, 23);
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::SetVacation {
                recipient: "111111".into(),
                until,
            },
        )
        .unwrap();
    let after = rig.parcel(parcel).deadline.unwrap();
    assert_eq!((after - before).num_days(), 3);
}

#[test]
fn a_reassigned_parcel_drops_the_old_recipients_vacation_and_keeps_added_days() {
    let mut rig = Rig::new();
    let admin = rig.admin.clone();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    let plain = rig.parcel(parcel).deadline.unwrap();
    let until = plain.with_timezone(&Madrid).date_naive() + chrono::Days::new(5);
    rig.engine
        .handle(
            &admin,
            Command::SetVacation {
                recipient: "111111".into(),
                until: Some(until),
            },
        )
        .unwrap();
    assert!(rig.parcel(parcel).deadline.unwrap() > plain + Duration::days(5));
    rig.engine
        .handle(
            &admin,
            Command::ExtendHold {
                parcel,
                days: 2,
                reason: "asked by phone".into(),
            },
        )
        .unwrap();
    rig.engine
        .handle(
            &admin,
            Command::Reassign {
                parcel,
                recipient: "222222".into(),
            },
        )
        .unwrap();
    let p = rig.parcel(parcel);
    assert_eq!(p.extension_days, 2, "only the admin's days stay");
    assert_eq!(p.deadline, Some(plain + Duration::days(2)));
}
