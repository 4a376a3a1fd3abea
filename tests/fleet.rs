//! The kiosk on a real Mosquitto (installed by .ci/peers.sh, started here
//! on a free port): what it publishes reaches a subscriber in order, also
//! what happened while the broker was stopped.

mod common;

use std::process::Command as Process;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use common::broker::{
    Broker, agent_key, free_port, kiosk_link, publish_raw, subscribe, unlock, unlock_audited,
    wait_for,
};
use common::rig::*;
use locker::domain::CompartmentId;
use locker::engine::read::{Answer, Query};
use locker::fleet::order::{Outcome, Signed};
use locker::fleet::{FleetEvent, FleetState};
use locker::kiosk::Screen;
use locker::testkit::driver::ANA;
use rumqttc::{Client, Event as MqttEvent, MqttOptions, Packet, QoS};

fn last_seq(r: &Rig) -> u64 {
    let Answer::AuditEntries(all) = r.read(Query::AuditRange {
        after: 0,
        limit: 1000,
    }) else {
        panic!("audit entries")
    };
    all.last().map_or(0, |e| e.seq)
}

fn deliver_and_collect(r: &mut Rig, door: CompartmentId) {
    let (_, code) = r.stored(ANA, door);
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
    r.press("*");
    r.wait_for("the home screen", |r| *r.screen() == Screen::Home);
}

fn wait_until_seen(got: &Arc<Mutex<Vec<FleetEvent>>>, seq: u64) {
    let deadline = Instant::now() + WAIT * 4;
    while !got.lock().unwrap().iter().any(|e| e.seq >= seq) {
        assert!(
            Instant::now() < deadline,
            "the subscriber never got entry {seq}: {:?}",
            got.lock().unwrap().last()
        );
        std::thread::sleep(StdDuration::from_millis(50));
    }
}

#[test]
fn events_stored_while_the_broker_is_down_arrive_in_order_when_it_returns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let broker = Broker::start(dir.path(), port);
    let mut r = Rig::new();
    let link = kiosk_link(port, "A");
    let got = subscribe::<FleetEvent>(port, "building-tool", &link.events_topic());
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link, Vec::new());
    }
    deliver_and_collect(&mut r, CompartmentId(3));
    wait_until_seen(&got, last_seq(&r));

    broker.stop();
    deliver_and_collect(&mut r, CompartmentId(4));
    deliver_and_collect(&mut r, CompartmentId(5));
    let before_return = got.lock().unwrap().len();
    let end = last_seq(&r);
    let broker = Broker::start(dir.path(), port);
    wait_until_seen(&got, end);

    let got = got.lock().unwrap().clone();
    assert!(
        got.len() > before_return,
        "nothing arrived after the return"
    );
    let seqs: Vec<u64> = got.iter().map(|e| e.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] <= w[1]),
        "out of order: {seqs:?}"
    );
    // A receiver drops repeats by sequence number; then it has the whole
    // log, each entry once.
    let mut once = seqs.clone();
    once.dedup();
    assert_eq!(once, (1..=end).collect::<Vec<_>>(), "every entry, once");
    assert!(
        got.iter().any(|e| e.door == Some(CompartmentId(5))),
        "the pickups while the broker was down are there"
    );
    assert_eq!(broker.port, port);
}

#[test]
fn the_retained_state_counts_the_doors_and_follows_a_deposit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _broker = Broker::start(dir.path(), port);
    let mut r = Rig::new();
    let link = kiosk_link(port, "A");
    let state_topic = link.state_topic();
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link, Vec::new());
    }
    let states = subscribe::<FleetState>(port, "dashboard", &state_topic);
    let wait = |what: &str, done: &dyn Fn(&FleetState) -> bool| {
        let deadline = Instant::now() + WAIT * 2;
        while !states.lock().unwrap().iter().any(done) {
            assert!(
                Instant::now() < deadline,
                "{what}: {:?}",
                states.lock().unwrap().last()
            );
            std::thread::sleep(StdDuration::from_millis(50));
        }
    };
    let doors = r.bank.layout.compartments.len();
    wait("every door free, both boards online", &|s| {
        s.doors["free"] == doors && s.doors["occupied"] == 0 && s.boards.iter().all(|b| b.1)
    });
    r.stored(ANA, CompartmentId(7));
    wait("one door occupied", &|s| {
        s.doors["occupied"] == 1 && s.doors["free"] == doors - 1
    });

    // What support sees of the site, from the retained topics.
    let status = |json: bool| {
        let mut cmd = Process::new(env!("CARGO_BIN_EXE_locker"));
        cmd.args([
            "fleet",
            "status",
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
        ])
        .args(["--site", "riverside"]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().expect("fleet status runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let site: serde_json::Value = serde_json::from_str(&status(true)).expect("JSON");
    assert_eq!(site["A"]["online"], true, "{site}");
    assert_eq!(site["A"]["state"]["doors"]["occupied"], 1, "{site}");
    let text = status(false);
    assert!(text.starts_with("A  online  doors: "), "{text}");
    assert!(
        text.contains("1 occupied") && text.contains("boards 2/2 answer"),
        "{text}"
    );
}

#[test]
fn a_signed_unlock_from_support_opens_the_door_once_and_a_replay_or_a_forgery_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _broker = Broker::start(dir.path(), port);
    let (key, agent) = agent_key(dir.path());
    let mut r = Rig::new();
    let link = kiosk_link(port, "A");
    let online = subscribe::<bool>(port, "watcher", &link.online_topic());
    let travelled = subscribe::<Signed>(port, "recorder", &link.orders_topic());
    let results = subscribe::<Outcome>(port, "results", &link.results_topic());
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link.clone(), vec![agent]);
    }
    wait_for(&online, "the kiosk is online", |o| *o);

    let door = CompartmentId(3);
    unlock(port, &key, "A", 3, "parcel stuck behind the door");
    r.wait_door_open(door);
    let pulses = r.sim.pulses(r.lock(door));
    unlock_audited(&r, "parcel stuck behind the door");

    // The same signed order again, and one with its reason changed.
    let sent = wait_for(&travelled, "the order travelled", |_| true);
    publish_raw(
        port,
        &link.orders_topic(),
        serde_json::to_vec(&sent).unwrap(),
    );
    let again = wait_for(&results, "the repeat is answered", |o| {
        o.id == sent.order.id && !o.done
    });
    assert!(again.said.contains("carried out before"), "{again:?}");
    let mut altered = sent.clone();
    altered.order.id = "0123456789abcdef0123456789abcdef".into();
    publish_raw(
        port,
        &link.orders_topic(),
        serde_json::to_vec(&altered).unwrap(),
    );
    let forged = wait_for(&results, "the altered order is answered", |o| {
        o.id == altered.order.id
    });
    assert!(
        !forged.done && forged.said.contains("bad signature"),
        "{forged:?}"
    );
    assert_eq!(r.sim.pulses(r.lock(door)), pulses, "no second pulse");
    let Answer::AuditEntries(audit) = r.read(Query::AuditRange {
        after: 0,
        limit: 1000,
    }) else {
        panic!("audit")
    };
    let refusals = audit
        .iter()
        .filter(|e| e.detail.contains("from ana-support refused"))
        .count();
    assert_eq!(refusals, 2, "both refusals are audited: {audit:?}");
}

#[test]
fn the_example_acl_lets_a_kiosk_publish_only_under_its_own_topics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let passwd = dir.path().join("locker.passwd");
    for (i, user) in ["riverside-A", "dashboard"].iter().enumerate() {
        let mut make = Process::new("mosquitto_passwd");
        if i == 0 {
            make.arg("-c");
        }
        let ok = make
            .arg("-b")
            .arg(&passwd)
            .arg(user)
            .arg(format!("{user}-secret"))
            .status();
        match ok {
            Ok(s) => assert!(s.success()),
            Err(_) => {
                common::peer_missing("mosquitto_passwd");
            }
        }
    }
    // The broker reads it as its own user.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&passwd, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let acl = common::repo().join("deploy/mosquitto/locker.acl");
    let port = free_port();
    let _broker = Broker::start_with(
        dir.path(),
        port,
        &format!(
            "allow_anonymous false\npassword_file {}\nacl_file {}\n",
            passwd.display(),
            acl.display()
        ),
    );
    let as_user = |user: &str| {
        let mut o = MqttOptions::new(format!("{user}-test"), "127.0.0.1", port);
        o.set_credentials(user, format!("{user}-secret"));
        o
    };
    // The dashboard reads both kiosks' events.
    let (dash, mut dash_conn) = Client::new(as_user("dashboard"), 16);
    dash.subscribe("locker/v1/riverside/+/events", QoS::AtLeastOnce)
        .unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let sink = seen.clone();
    std::thread::spawn(move || {
        let _keep = dash;
        for n in dash_conn.iter() {
            match n {
                Ok(MqttEvent::Incoming(Packet::SubAck(_))) => {
                    let _ = ready_tx.send(());
                }
                Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                    sink.lock().unwrap().push(p.topic.clone());
                }
                Ok(_) => {}
                Err(_) => std::thread::sleep(StdDuration::from_millis(200)),
            }
        }
    });
    ready.recv_timeout(WAIT).expect("the dashboard subscribed");
    // Kiosk A's user tries B's topic, then its own.
    let (a, mut a_conn) = Client::new(as_user("riverside-A"), 16);
    a.publish(
        "locker/v1/riverside/B/events",
        QoS::AtLeastOnce,
        false,
        "{}",
    )
    .unwrap();
    a.publish(
        "locker/v1/riverside/A/events",
        QoS::AtLeastOnce,
        false,
        "{}",
    )
    .unwrap();
    let mut acks = 0;
    for n in a_conn.iter() {
        match n {
            Ok(MqttEvent::Incoming(Packet::PubAck(_))) => {
                acks += 1;
                if acks == 2 {
                    break;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("kiosk A's user: {e}"),
        }
    }
    let deadline = Instant::now() + WAIT;
    while !seen
        .lock()
        .unwrap()
        .iter()
        .any(|t| t == "locker/v1/riverside/A/events")
    {
        assert!(Instant::now() < deadline, "A's own event never arrived");
        std::thread::sleep(StdDuration::from_millis(50));
    }
    assert_eq!(
        *seen.lock().unwrap(),
        ["locker/v1/riverside/A/events"],
        "kiosk A wrote under B's topics"
    );
    // The kiosk itself, signed in as riverside-A, gets its events through.
    let r = Rig::new();
    let mut link = kiosk_link(port, "A");
    link.credentials = Some(("riverside-A".into(), "riverside-A-secret".into()));
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link, Vec::new());
    }
    let deadline = Instant::now() + WAIT;
    while seen.lock().unwrap().len() < 3 {
        assert!(
            Instant::now() < deadline,
            "the kiosk's events never arrived"
        );
        std::thread::sleep(StdDuration::from_millis(50));
    }
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|t| t == "locker/v1/riverside/A/events")
    );
    // Nobody gets in without a password.
    let (_anon, mut anon_conn) = Client::new(MqttOptions::new("anon", "127.0.0.1", port), 16);
    let refused = anon_conn.iter().take(3).any(|n| n.is_err());
    assert!(refused, "an anonymous client was let in");
}
