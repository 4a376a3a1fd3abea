//! "I lost my code": new codes by recipient ID, the same answer for
//! everyone, once per ten minutes per ID, one typed-code try each.

use chrono::Duration;

use super::{Rig, opening, refusal};
use crate::domain::Size;
use crate::engine::{Actor, Command, Event, Refusal, query};
use crate::store::{AlertKind, NotificationKind};

fn ask(rig: &mut Rig, recipient: &str) -> Vec<Event> {
    rig.engine
        .handle(
            &Actor::Kiosk,
            Command::ResendLostCodes {
                recipient: recipient.into(),
            },
        )
        .unwrap()
}

fn delivered(rig: &Rig) -> Vec<crate::store::Notification> {
    query::outbox(rig.engine.store())
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Delivered)
        .collect()
}

fn audited(rig: &mut Rig, action: &str) -> Vec<crate::store::AuditEntry> {
    let mut found = Vec::new();
    rig.engine
        .each_audit_entry(&Actor::Local { name: "t".into() }, |e| {
            if e.action == action {
                found.push(e);
            }
            Ok(())
        })
        .unwrap();
    found
}

#[test]
fn a_lost_code_replaces_every_waiting_code_of_the_id_and_sends_them_to_the_addresses_on_file() {
    let mut rig = Rig::new();
    let (first, c1, old1) = rig.deposit("111111", Size::S);
    let (second, c2, old2) = rig.deposit("111111", Size::S);
    let (other, _, other_code) = rig.deposit("222222", Size::S);
    let before = delivered(&rig).len();
    assert_eq!(ask(&mut rig, "PX-111111"), vec![Event::LostCodesAsked]);
    let sent = delivered(&rig);
    assert_eq!(sent.len(), before + 2, "one new message per waiting parcel");
    for n in &sent[before..] {
        assert_eq!(n.to, vec!["ana@example.org", "cris@example.org"]);
    }
    assert_eq!(
        rig.code_of(other),
        other_code,
        "another recipient's code stays"
    );
    for (parcel, door, old) in [(first, c1, old1), (second, c2, old2)] {
        let new = rig.code_of(parcel);
        if new != old {
            assert_eq!(refusal(&rig.enter(&old)), Some(Refusal::Replaced));
        }
        assert_eq!(opening(&rig.enter(&new)), Some(door));
    }
    assert_eq!(audited(&mut rig, "lost_code").len(), 1);
    assert_eq!(audited(&mut rig, "code_resent").len(), 2);
}

#[test]
fn an_unknown_id_or_one_with_nothing_waiting_gets_the_same_answer_and_nothing_is_sent() {
    let mut rig = Rig::new();
    rig.deposit("111111", Size::S);
    let before = query::outbox(rig.engine.store()).unwrap().len();
    assert_eq!(ask(&mut rig, "999999"), vec![Event::LostCodesAsked]);
    assert_eq!(ask(&mut rig, "PX-222222"), vec![Event::LostCodesAsked]);
    assert_eq!(query::outbox(rig.engine.store()).unwrap().len(), before);
    assert_eq!(audited(&mut rig, "lost_code").len(), 2);
    assert!(audited(&mut rig, "code_resent").is_empty());
}

#[test]
fn a_second_request_within_ten_minutes_sends_nothing_new_but_answers_the_same() {
    let mut rig = Rig::new();
    let (parcel, _, _) = rig.deposit("111111", Size::S);
    ask(&mut rig, "111111");
    let code = rig.code_of(parcel);
    let sent = delivered(&rig).len();
    rig.clock.advance(Duration::seconds(599));
    assert_eq!(ask(&mut rig, "PX-111111"), vec![Event::LostCodesAsked]);
    assert_eq!(delivered(&rig).len(), sent);
    assert_eq!(rig.code_of(parcel), code);
    // The limit is stored, so a restart does not lift it.
    let (mut rig, _) = rig.restart(|_| {});
    assert_eq!(ask(&mut rig, "111111"), vec![Event::LostCodesAsked]);
    assert_eq!(delivered(&rig).len(), sent);
    rig.clock.advance(Duration::seconds(601));
    ask(&mut rig, "111111");
    assert_eq!(delivered(&rig).len(), sent + 1);
}

#[test]
fn each_request_spends_a_typed_code_try_and_a_spent_budget_pauses_requests_too() {
    let mut rig = Rig::new();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let wrong = if code == "000001" { "000002" } else { "000001" };
    ask(&mut rig, "999999");
    assert!(matches!(
        rig.enter(wrong)[0],
        Event::CodeRefused { tries_left: 3, .. }
    ));
    for _ in 0..2 {
        assert_eq!(ask(&mut rig, "999999"), vec![Event::LostCodesAsked]);
    }
    let ev = ask(&mut rig, "999999");
    assert_eq!(ev[0], Event::LostCodesAsked);
    assert!(matches!(ev[1], Event::CodesLocked { .. }));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::AlertRaised { alert } if alert.kind == AlertKind::Lockout))
    );
    let sent = query::outbox(rig.engine.store()).unwrap().len();
    assert!(matches!(
        ask(&mut rig, "111111")[..],
        [Event::CodesLocked { .. }]
    ));
    assert!(matches!(rig.enter(&code)[0], Event::CodesLocked { .. }));
    assert_eq!(query::outbox(rig.engine.store()).unwrap().len(), sent);
}
