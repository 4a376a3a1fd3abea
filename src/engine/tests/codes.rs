//! Pickup codes: what a try costs, the lockout, a resend, what the outbox keeps.

use chrono::Duration;

use super::{Rig, opening, refusal};
use crate::domain::Size;
use crate::engine::{Command, Event, Refusal, query};
use crate::store::AlertKind;

#[test]
fn pickup_attempt_costs_exactly_one_keyed_hash_whatever_the_number_of_parcels() {
    let mut rig = Rig::new();
    let mut codes = vec![];
    for _ in 0..5 {
        codes.push(rig.deposit("222222", Size::S).2);
    }
    let argon2 = rig.engine.hash_evaluations();
    let before = rig.engine.code_lookups();
    rig.enter("000000");
    assert_eq!(rig.engine.code_lookups() - before, 1, "a wrong code");
    let before = rig.engine.code_lookups();
    rig.enter(&codes[4]);
    assert_eq!(rig.engine.code_lookups() - before, 1, "a right code");
    assert_eq!(rig.engine.hash_evaluations(), argon2, "no argon2 for codes");
}

#[test]
fn five_wrong_codes_pause_typed_codes_until_a_try_comes_back() {
    let mut rig = Rig::new();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let wrong = if code == "000001" { "000002" } else { "000001" };
    for i in 0..4 {
        let ev = rig.enter(wrong);
        assert!(
            matches!(ev[0], Event::CodeRefused { refusal: Refusal::Unknown, tries_left } if tries_left == 4 - i)
        );
    }
    let ev = rig.enter(wrong);
    assert!(ev.iter().any(|e| matches!(e, Event::CodesLocked { .. })));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::Lockout))
    );
    // Even the right code waits out the lock, and costs no hashing.
    let before = rig.engine.code_lookups();
    assert!(matches!(rig.enter(&code)[0], Event::CodesLocked { .. }));
    assert_eq!(rig.engine.code_lookups(), before);
    rig.clock.advance(Duration::seconds(361));
    assert!(opening(&rig.enter(&code)).is_some());
}

#[test]
fn resend_rotates_the_code_and_the_old_one_dies() {
    let mut rig = Rig::new();
    let (parcel, c, old) = rig.deposit("111111", Size::S);
    rig.engine
        .handle(&rig.admin.clone(), Command::ResendCode { parcel })
        .unwrap();
    let new = rig.code_of(parcel);
    assert_eq!(
        refusal(&rig.enter(&old)),
        if old == new {
            None
        } else {
            Some(Refusal::Replaced)
        }
    );
    assert_eq!(opening(&rig.enter(&new)), Some(c));
}

#[test]
fn sent_or_dead_codes_leave_no_seed_in_the_outbox() {
    let mut rig = Rig::new();
    let (parcel, c, code) = rig.deposit("111111", Size::S);
    rig.pick_up(c, &code);
    let msgs = query::outbox(rig.engine.store()).unwrap();
    assert!(
        msgs.iter()
            .filter(|n| n.parcel == Some(parcel))
            .all(|n| n.seed.is_none())
    );
    assert_eq!(rig.message_codes(parcel), None);
}
