//! A Mosquitto of the test's own (installed by .ci/peers.sh) on a free
//! port, and a cable to it that a test can cut.

use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use rumqttc::{Client, Event as MqttEvent, MqttOptions, Packet, QoS};

use super::WAIT;

/// The Mosquitto program (Debian puts it in /usr/sbin, often not on a
/// user's PATH); without it the test fails naming .ci/peers.sh.
pub fn mosquitto() -> String {
    if super::on_path("mosquitto") {
        return "mosquitto".into();
    }
    if !Path::new("/usr/sbin/mosquitto").exists() {
        super::peer_missing("mosquitto");
    }
    "/usr/sbin/mosquitto".into()
}

/// A Mosquitto of its own, persisting its sessions in `dir`.
pub struct Broker {
    child: Child,
    pub port: u16,
}

impl Broker {
    pub fn start(dir: &Path, port: u16) -> Broker {
        Broker::start_with(dir, port, "allow_anonymous true\n")
    }

    /// With `settings` (access control) after the listener.
    pub fn start_with(dir: &Path, port: u16, settings: &str) -> Broker {
        let program = mosquitto();
        // Started as root, Mosquitto drops to its own user: that user must
        // be able to save the sessions here.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\n{settings}persistence true\npersistence_location {}/\nlog_dest none\n",
                dir.display()
            ),
        )
        .expect("broker config");
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
    pub fn stop(mut self) {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A network cable between one client and the broker: a TCP relay on a
/// port of its own that a test can cut (every connection through it drops
/// and new ones are refused) and mend.
pub struct Cable {
    pub port: u16,
    cut: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<TcpStream>>>,
}

impl Cable {
    pub fn to(broker: u16) -> Cable {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a cable's port");
        let port = listener.local_addr().expect("its address").port();
        let cut = Arc::new(AtomicBool::new(false));
        let live = Arc::new(Mutex::new(Vec::new()));
        let (is_cut, streams) = (cut.clone(), live.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if is_cut.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", broker)) else {
                    continue;
                };
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
                        continue;
                    };
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
                streams.lock().unwrap().extend([client, server]);
            }
        });
        Cable { port, cut, live }
    }

    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for s in self.live.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    pub fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// A building's own tool: a persistent session, so what is published
/// while it is away waits for it at the broker.
pub fn subscribe<T: serde::de::DeserializeOwned + Send + 'static>(
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

/// Publishes `payload` on `topic` once, as anyone on the broker could.
pub fn publish_raw(port: u16, topic: &str, payload: Vec<u8>) {
    let (client, mut connection) =
        Client::new(MqttOptions::new("someone-else", "127.0.0.1", port), 16);
    client
        .publish(topic, QoS::AtLeastOnce, false, payload)
        .expect("publish");
    for n in connection.iter() {
        match n {
            Ok(MqttEvent::Incoming(Packet::PubAck(_))) => return,
            Ok(_) => {}
            Err(e) => panic!("broker: {e}"),
        }
    }
}

pub fn wait_for<T: Clone>(got: &Arc<Mutex<Vec<T>>>, what: &str, done: impl Fn(&T) -> bool) -> T {
    let deadline = Instant::now() + WAIT * 2;
    loop {
        if let Some(t) = got.lock().unwrap().iter().find(|t| done(t)) {
            return t.clone();
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(StdDuration::from_millis(50));
    }
}

/// Kiosk `kiosk` of the property "riverside", on the test's broker.
pub fn kiosk_link(port: u16, kiosk: &str) -> locker::fleet::FleetLink {
    locker::fleet::FleetLink {
        host: "127.0.0.1".into(),
        port,
        site: "riverside".into(),
        kiosk: kiosk.into(),
        credentials: None,
        tls: None,
    }
}

/// `locker fleet keygen --name ana-support` in `dir`: the key file, and the
/// line the kiosks trust.
pub fn agent_key(dir: &Path) -> (std::path::PathBuf, locker::fleet::SupportKey) {
    let key = dir.join("ana-support.key");
    let made = Process::new(env!("CARGO_BIN_EXE_locker"))
        .args(["fleet", "keygen", "--name", "ana-support", "--out"])
        .arg(&key)
        .output()
        .expect("keygen runs");
    assert!(made.status.success(), "{made:?}");
    let line = String::from_utf8_lossy(&made.stdout).trim().to_string();
    (
        key,
        locker::fleet::SupportKey::parse(&line).expect("NAME:PUBLICKEY"),
    )
}

/// `locker fleet unlock` of `kiosk`'s `door` on the test's broker, signed
/// with `key`; asserts it exits 0 once the kiosk pulsed.
pub fn unlock(port: u16, key: &Path, kiosk: &str, door: u16, reason: &str) {
    let unlock = Process::new(env!("CARGO_BIN_EXE_locker"))
        .args([
            "fleet",
            "unlock",
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
        ])
        .args([
            "--site",
            "riverside",
            "--kiosk",
            kiosk,
            "--door",
            &door.to_string(),
        ])
        .args(["--reason", reason])
        .arg("--key")
        .arg(key)
        .output()
        .expect("unlock runs");
    assert!(unlock.status.success(), "{unlock:?}");
    let said = String::from_utf8_lossy(&unlock.stdout);
    assert!(said.contains(&format!("door {door} pulsed")), "{said}");
}

/// The kiosk's audit log names the agent and `reason` for a manual unlock.
pub fn unlock_audited(r: &super::rig::Rig, reason: &str) {
    use locker::engine::read::{Answer, Query};
    let Answer::AuditEntries(audit) = r.read(Query::AuditRange {
        after: 0,
        limit: 1000,
    }) else {
        panic!("audit")
    };
    assert!(
        audit.iter().any(|e| e.action == "manual_unlock"
            && e.actor.contains("support:ana-support")
            && e.detail.contains(reason)),
        "{audit:?}"
    );
}
