//! The kiosk on a real Mosquitto (installed by .ci/peers.sh, started here
//! on a free port): what it publishes reaches a subscriber in order, also
//! what happened while the broker was stopped.

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use common::rig::*;
use locker::domain::CompartmentId;
use locker::engine::read::{Answer, Query};
use locker::fleet::{FleetEvent, FleetLink, FleetState};
use locker::kiosk::Screen;
use locker::testkit::driver::ANA;
use rumqttc::{Client, Event as MqttEvent, MqttOptions, Packet, QoS};

/// A Mosquitto of its own, persisting its sessions in `dir`.
struct Broker {
    child: Child,
    port: u16,
}

impl Broker {
    fn start(dir: &Path, port: u16) -> Broker {
        if !common::on_path("mosquitto") && !Path::new("/usr/sbin/mosquitto").exists() {
            common::peer_missing("mosquitto");
        }
        // Started as root, Mosquitto drops to its own user: that user must
        // be able to save the sessions here.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {}/\nlog_dest none\n",
                dir.display()
            ),
        )
        .expect("broker config");
        let program = if common::on_path("mosquitto") {
            "mosquitto".into()
        } else {
            "/usr/sbin/mosquitto".to_string()
        };
        let child = Process::new(program)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "mosquitto listens on {port}");
            std::thread::sleep(StdDuration::from_millis(50));
        }
        Broker { child, port }
    }

    /// Stops it as a service manager would (it saves its sessions).
    fn stop(mut self) {
        // SAFETY: kill(2) on the pid of a child this struct still owns
        // (not yet waited for, so the pid is not reused).
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A building's own tool: a persistent session, so what is published
/// while it is away waits for it at the broker.
fn subscribe<T: serde::de::DeserializeOwned + Send + 'static>(
    port: u16,
    name: &str,
    topic: &str,
) -> Arc<Mutex<Vec<T>>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let mut opts = MqttOptions::new(name, "127.0.0.1", port);
    opts.set_clean_session(false);
    opts.set_keep_alive(StdDuration::from_secs(5));
    let (client, mut connection) = Client::new(opts, 16);
    client
        .subscribe(topic, QoS::AtLeastOnce)
        .expect("subscribe");
    let (subscribed_tx, subscribed) = std::sync::mpsc::channel();
    let sink = got.clone();
    std::thread::spawn(move || {
        let _keep = client;
        for notification in connection.iter() {
            match notification {
                Ok(MqttEvent::Incoming(Packet::SubAck(_))) => {
                    let _ = subscribed_tx.send(());
                }
                Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                    if let Ok(e) = serde_json::from_slice::<T>(&p.payload) {
                        sink.lock().unwrap().push(e);
                    }
                }
                Ok(_) => {}
                // The broker is away: the connection retries.
                Err(_) => std::thread::sleep(StdDuration::from_millis(200)),
            }
        }
    });
    subscribed.recv_timeout(WAIT).expect("subscribed");
    got
}

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
    let link = FleetLink {
        host: "127.0.0.1".into(),
        port,
        site: "riverside".into(),
        kiosk: "A".into(),
    };
    let got = subscribe::<FleetEvent>(port, "building-tool", &link.events_topic());
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link);
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
    let link = FleetLink {
        host: "127.0.0.1".into(),
        port,
        site: "riverside".into(),
        kiosk: "A".into(),
    };
    let state_topic = link.state_topic();
    {
        let _on = r._rt.enter();
        locker::fleet::spawn(r.handle.clone(), link);
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
}
