//! Two kiosks of one property on a real Mosquitto: the directory they
//! share (also across a partition), and a code typed at the wrong one.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration as StdDuration, Instant};

use common::broker::{
    Broker, Cable, agent_key, free_port, kiosk_link, publish_raw, subscribe, unlock,
    unlock_audited, wait_for,
};
use common::rig::*;
use locker::domain::{CodeKeys, CompartmentId, Recipient, RecipientChange, RecipientId};
use locker::engine::read::{Answer, Query};
use locker::engine::{Command, EngineSettings, Refusal, SiteKeys};
use locker::fleet::SupportKey;
use locker::fleet::order::{Outcome, Signed};
use locker::kiosk::Screen;
use locker::sim::SimOptions;
use locker::testkit::driver::ANA;

/// Kiosk `id` of the property "riverside" (locker code `LK-<id>`), with
/// the property's site key, its fleet publisher on `port`.
fn kiosk(id: &str, site_key: &CodeKeys, port: u16) -> Rig {
    kiosk_trusting(id, site_key, port, Vec::new())
}

/// [`kiosk`], carrying out the orders `agents` sign.
fn kiosk_trusting(id: &str, site_key: &CodeKeys, port: u16, agents: Vec<SupportKey>) -> Rig {
    let mut settings = EngineSettings::for_tests();
    settings.kiosk_id = id.into();
    settings.locker_code = format!("LK-{id}");
    settings.keys = CodeKeys::generate();
    settings.site = Some(SiteKeys {
        site: "riverside".into(),
        keys: site_key.clone(),
    });
    let r = Rig::with_settings(settings, SimOptions::default(), |_| {});
    let link = kiosk_link(port, id);
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link, agents);
    }
    r
}

fn recipients(r: &Rig) -> Vec<Recipient> {
    let Answer::Recipients(all) = r.read(Query::Recipients) else {
        panic!("recipients")
    };
    all
}

/// Every account as a comparable line: name, role, PIN hash.
fn users(r: &Rig) -> BTreeSet<String> {
    let Answer::Users(all) = r.read(Query::Users) else {
        panic!("users")
    };
    all.iter().map(|u| format!("{u:?}")).collect()
}

/// Waits (without asserting how long) until `done`, and says how long it
/// took.
fn until(what: &str, done: impl Fn() -> bool) -> StdDuration {
    let t0 = Instant::now();
    while !done() {
        assert!(t0.elapsed() < WAIT * 3, "{what}");
        std::thread::sleep(StdDuration::from_millis(20));
    }
    t0.elapsed()
}

fn carla() -> Recipient {
    Recipient::new(
        RecipientId::parse("333333").unwrap(),
        "Carla Ruiz",
        "carla@example.org",
    )
}

fn has(r: &Rig, id: &str, name: &str) -> bool {
    recipients(r)
        .iter()
        .any(|p| p.id.digits() == id && p.name == name)
}

#[test]
fn a_recipient_added_at_one_kiosk_is_listed_at_the_other_and_a_code_names_its_kiosk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _broker = Broker::start(dir.path(), port);
    let site_key = CodeKeys::generate();
    let a = kiosk("A", &site_key, port);
    let mut b = kiosk("B", &site_key, port);
    // Both are on the broker once B hears of A's seeded accounts.
    a.cmd(local(), Command::AddRecipient { recipient: carla() });
    let took = until("Carla, added at A, is listed at B", || {
        has(&b, "333333", "Carla Ruiz")
    });
    eprintln!("directory change A -> B: {took:?}");

    // A's code, typed at B: a wrong code at B (a try spent), then named.
    let mut a = a;
    let door = CompartmentId(3);
    let (_, code) = a.stored(ANA, door);
    b.press(&format!("{code}#"));
    let typed = Instant::now();
    b.wait_for("kiosk A named at B", |r| {
        matches!(
            r.screen(),
            Screen::CodeRefused {
                refusal: Refusal::HeldElsewhere { kiosk, .. },
                ..
            } if kiosk == "A"
        )
    });
    eprintln!("code typed at B named A after {:?}", typed.elapsed());
    let Screen::CodeRefused { tries_left, .. } = b.screen().clone() else {
        unreachable!()
    };
    assert_eq!(tries_left, 4, "the wrong kiosk spent a try");
    assert!(
        b.text()
            .contains("This code is for Kiosk A (locker code LK-A)"),
        "{}",
        b.text()
    );
    // B learnt nothing it could open: the code is still A's alone.
    b.press("*");
    a.pick_up_opens(&code, door);
}

#[test]
fn a_kiosk_cut_off_from_the_site_converges_when_it_rejoins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _broker = Broker::start(dir.path(), port);
    let cable = Cable::to(port);
    let site_key = CodeKeys::generate();
    let a = kiosk("A", &site_key, port);
    let mut b = kiosk("B", &site_key, cable.port);
    a.cmd(local(), Command::AddRecipient { recipient: carla() });
    until("B is on the site", || has(&b, "333333", "Carla Ruiz"));

    cable.cut();
    // While B is away: A adds a recipient and removes a courier; both
    // change Ana, B a minute later than A (its clock says so).
    let mut dora = carla();
    dora.id = RecipientId::parse("444444").unwrap();
    dora.name = "Dora Gil".into();
    a.cmd(local(), Command::AddRecipient { recipient: dora });
    a.cmd(
        local(),
        Command::RemoveUser {
            name: "1001".into(),
        },
    );
    let rename = |name: &str| Command::UpdateRecipient {
        recipient: "111111".into(),
        change: RecipientChange {
            name: Some(name.into()),
            ..Default::default()
        },
    };
    a.cmd(local(), rename("Ana (A)"));
    b.advance(chrono::Duration::minutes(1));
    b.cmd(local(), rename("Ana (B)"));
    std::thread::sleep(StdDuration::from_millis(300));
    assert!(!has(&b, "444444", "Dora Gil"), "the cable is cut");

    cable.mend();
    until("B has what changed at A", || has(&b, "444444", "Dora Gil"));
    until("the later change of Ana wins at both", || {
        has(&a, "111111", "Ana (B)") && has(&b, "111111", "Ana (B)")
    });
    until("the removed courier is gone at B too", || {
        users(&b).iter().all(|u| !u.contains("\"1001\""))
    });
    until("the two directories are the same", || {
        recipients(&a) == recipients(&b) && users(&a) == users(&b)
    });
}

/// `locker fleet unlock --kiosk B` opens door 3 of B's bank, not A's; B's
/// log names the agent and the reason; the same signed order again is
/// refused.
#[test]
fn support_unlocks_a_door_of_kiosk_b_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _broker = Broker::start(dir.path(), port);
    let (key, agent) = agent_key(dir.path());
    let site_key = CodeKeys::generate();
    let a = kiosk_trusting("A", &site_key, port, vec![agent.clone()]);
    let mut b = kiosk_trusting("B", &site_key, port, vec![agent]);
    a.cmd(local(), Command::AddRecipient { recipient: carla() });
    until("both kiosks are on the site", || {
        has(&b, "333333", "Carla Ruiz")
    });
    let orders_b = "locker/v1/riverside/B/orders";
    let travelled = subscribe::<Signed>(port, "recorder", orders_b);
    let results = subscribe::<Outcome>(port, "results", "locker/v1/riverside/B/results");
    let door = CompartmentId(3);
    unlock(port, &key, "B", 3, "courier locked his phone inside");
    b.wait_door_open(door);
    assert!(b.sim.pulses(b.lock(door)) > 0);
    assert_eq!(a.sim.pulses(a.lock(door)), 0, "A's door 3 stays shut");
    unlock_audited(&b, "courier locked his phone inside");
    let pulses = b.sim.pulses(b.lock(door));
    let sent = wait_for(&travelled, "the order travelled", |_| true);
    publish_raw(port, orders_b, serde_json::to_vec(&sent).unwrap());
    let again = wait_for(&results, "the repeat is answered", |o| {
        o.id == sent.order.id && !o.done
    });
    assert!(again.said.contains("carried out before"), "{again:?}");
    assert_eq!(b.sim.pulses(b.lock(door)), pulses, "no second pulse");
}
