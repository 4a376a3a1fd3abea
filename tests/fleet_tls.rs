//! The kiosk on a real Mosquitto over TLS (`mqtts://`, docs/FLEET.md):
//! certificates made here with the `openssl` command, the broker started
//! on a free port with a TLS listener (both installed by .ci/peers.sh).
//! A kiosk that trusts the broker's authority connects; one given another
//! authority never does; a broker that requires client certificates lets
//! in only a kiosk that shows one.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use common::broker::{free_port, kiosk_link, mosquitto};
use common::rig::*;
use locker::fleet::FleetLink;
use locker::fleet::tls::TlsFiles;
use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

/// Certificates for one test: the broker's authority, a second authority
/// nobody here uses, the broker's certificate for 127.0.0.1 and localhost,
/// and a kiosk's client certificate.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn make(dir: &Path) -> Pki {
        if !common::on_path("openssl") {
            common::peer_missing("openssl");
        }
        let pki = Pki {
            dir: dir.to_path_buf(),
        };
        pki.authority("ca", "riverside-test-ca");
        pki.authority("other-ca", "someone-else");
        pki.leaf(
            "server",
            "localhost",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        );
        pki.leaf("kiosk", "riverside-A", "extendedKeyUsage=clientAuth\n");
        // The broker drops to its own user before it reads its files, and
        // a kiosk's store leaves the test process with umask 077.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: PathBuf, m: u32| {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).expect("chmod")
        };
        for file in [
            "ca.pem",
            "other-ca.pem",
            "server.pem",
            "server.key",
            "kiosk.pem",
        ] {
            mode(pki.path(file), 0o644);
        }
        mode(pki.path("kiosk.key"), 0o600);
        mode(dir.to_path_buf(), 0o755);
        pki
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `openssl` with `args` (names in the folder, no spaces), in the folder.
    fn openssl(&self, args: &str) {
        let out = Process::new("openssl")
            .args(args.split_whitespace())
            .current_dir(&self.dir)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `NAME.pem` and `NAME.key`: a self-signed authority.
    fn authority(&self, name: &str, cn: &str) {
        self.openssl(&format!(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
             -keyout {name}.key -out {name}.pem -days 2 -subj /CN={cn}"
        ));
    }

    /// `NAME.pem` and `NAME.key`, signed by `ca`, with `extensions`.
    fn leaf(&self, name: &str, cn: &str, extensions: &str) {
        std::fs::write(
            self.path(&format!("{name}.ext")),
            format!("basicConstraints=CA:FALSE\n{extensions}"),
        )
        .expect("extensions file");
        self.openssl(&format!(
            "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
             -keyout {name}.key -out {name}.csr -subj /CN={cn}"
        ));
        self.openssl(&format!(
            "x509 -req -in {name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
             -out {name}.pem -days 2 -extfile {name}.ext"
        ));
    }

    /// The files of a connection that trusts `ca`, with the kiosk's
    /// certificate if `client`.
    fn files(&self, ca: &str, client: bool) -> TlsFiles {
        let (cert, key) = (self.path("kiosk.pem"), self.path("kiosk.key"));
        TlsFiles::read(
            &self.path(ca),
            client.then_some((cert.as_path(), key.as_path())),
        )
        .expect("the test's certificates load")
    }
}

/// A Mosquitto over TLS.
struct Broker {
    child: Child,
    port: u16,
}

impl Broker {
    /// One TLS listener with the test's certificates.
    fn start(pki: &Pki, require_certificate: bool) -> Broker {
        Broker::start_with(pki, |port, _| {
            format!(
                "listener {port} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n\
                 require_certificate {require_certificate}\nallow_anonymous true\n",
                pki.path("ca.pem").display(),
                pki.path("server.pem").display(),
                pki.path("server.key").display(),
            )
        })
    }

    /// Mosquitto with the config `conf` makes for two free ports, serving
    /// TLS on the first. It says it is running once every listener is
    /// open; one that exits before (a port taken meanwhile by another
    /// test's broker) is started again on other ports.
    fn start_with(pki: &Pki, conf: impl Fn(u16, u16) -> String) -> Broker {
        let program = mosquitto();
        let path = pki.path("mosquitto.conf");
        for _ in 0..5 {
            let (port, other) = (free_port(), free_port());
            std::fs::write(&path, format!("{}log_dest stderr\n", conf(port, other)))
                .expect("broker config");
            let mut child = Process::new(&program)
                .arg("-c")
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("mosquitto starts");
            let stderr = child.stderr.take().expect("mosquitto's stderr");
            let (said, lines) = std::sync::mpsc::channel();
            // Read to the end, so the broker never waits on a full pipe.
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(stderr)
                    .lines()
                    .map_while(Result::ok)
                {
                    let _ = said.send(line);
                }
            });
            let mut log = Vec::new();
            loop {
                match lines.recv_timeout(WAIT) {
                    Ok(line) if line.ends_with(" running") => return Broker { child, port },
                    Ok(line) => log.push(line),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        panic!("mosquitto did not start: {log:?}")
                    }
                }
            }
            let _ = child.wait();
            assert!(
                log.iter().any(|l| l.contains("Address already in use")),
                "mosquitto stopped: {log:?}"
            );
        }
        panic!("mosquitto found no free port in 5 tries");
    }

    fn url(&self) -> String {
        format!("mqtts://127.0.0.1:{}", self.port)
    }

    /// Kiosk `kiosk` of "riverside" on this broker over TLS with `tls`.
    fn link(&self, kiosk: &str, tls: TlsFiles) -> FleetLink {
        FleetLink {
            tls: Some(tls),
            ..kiosk_link(self.port, kiosk)
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every `(kiosk, payload)` on the site's `…/online` topics, as a building's
/// tool over TLS sees them.
struct Presence {
    client: Client,
    got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Presence {
    /// Watches `site` (a link to kiosk `+`).
    fn watch(site: &FleetLink) -> Presence {
        let (client, mut connection) = Client::new(site.options("dashboard".into()), 16);
        client
            .subscribe(site.online_topic(), QoS::AtLeastOnce)
            .expect("subscribe");
        let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let (subscribed_tx, subscribed) = std::sync::mpsc::channel();
        let sink = got.clone();
        std::thread::spawn(move || {
            for notification in connection.iter() {
                match notification {
                    Ok(MqttEvent::Incoming(Packet::SubAck(_))) => {
                        let _ = subscribed_tx.send(Ok(()));
                    }
                    Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                        // locker/v1/riverside/<kiosk>/online
                        let kiosk = p.topic.split('/').nth(3).unwrap_or_default().to_string();
                        let said = String::from_utf8_lossy(&p.payload).into_owned();
                        sink.lock().unwrap().push((kiosk, said));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let _ = subscribed_tx.send(Err(e.to_string()));
                        return;
                    }
                }
            }
        });
        let subscribed = subscribed
            .recv_timeout(WAIT)
            .expect("the dashboard subscribed");
        assert_eq!(subscribed, Ok(()), "the dashboard over TLS");
        Presence { client, got }
    }

    /// Waits until `kiosk` has said `payload`.
    fn wait_for(&self, kiosk: &str, payload: &str) {
        let deadline = Instant::now() + WAIT * 2;
        let seen = |got: &[(String, String)]| got.iter().any(|(k, p)| k == kiosk && p == payload);
        while !seen(&self.got.lock().unwrap()) {
            assert!(
                Instant::now() < deadline,
                "{kiosk} never said {payload}: {:?}",
                self.got.lock().unwrap()
            );
            std::thread::sleep(StdDuration::from_millis(50));
        }
    }

    /// Everything the broker had for this subscriber so far: a marker of
    /// the test's own, published now, comes after it.
    fn so_far(&self) -> Vec<(String, String)> {
        self.client
            .publish(
                "locker/v1/riverside/marker/online",
                QoS::AtLeastOnce,
                false,
                "marker",
            )
            .expect("publish the marker");
        self.wait_for("marker", "marker");
        self.got.lock().unwrap().clone()
    }
}

/// The first thing a connection with `link`'s options comes to: `Ok(())`
/// for the broker's acknowledgement, else the error.
fn first_connection(link: &FleetLink) -> Result<(), String> {
    let (_client, mut connection) = Client::new(link.options("probe".into()), 4);
    match connection.iter().next() {
        Some(Ok(MqttEvent::Incoming(Packet::ConnAck(_)))) => Ok(()),
        Some(Ok(other)) => Err(format!("not an acknowledgement: {other:?}")),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("no event".into()),
    }
}

/// `locker fleet status` on `broker`'s site with `args` (names of files in
/// the test's folder, where it runs).
fn status(broker: &Broker, pki: &Pki, args: &str) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_locker"))
        .args(["fleet", "status", "--broker", &broker.url()])
        .args(["--site", "riverside"])
        .args(args.split_whitespace())
        .current_dir(&pki.dir)
        .env_remove("LOCKER_CONFIG")
        .output()
        .expect("locker fleet runs")
}

#[test]
fn a_kiosk_that_trusts_the_brokers_authority_connects_and_one_given_another_never_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = Pki::make(dir.path());
    let broker = Broker::start(&pki, false);

    // Kiosk B is given the wrong authority: the broker's certificate does
    // not chain to it, so the handshake fails before MQTT begins.
    let b = broker.link("B", pki.files("other-ca.pem", false));
    let refused = first_connection(&b).expect_err("B's link was let in");
    assert!(refused.contains("certificate"), "{refused}");
    let kiosk_b = Rig::new();
    {
        let _on = kiosk_b._rt.enter();
        locker::fleet::spawn(kiosk_b.handle.clone(), b, Vec::new());
    }
    // Kiosk A trusts the broker's authority; it needs no certificate of
    // its own here.
    let a = broker.link("A", pki.files("ca.pem", false));
    assert_eq!(first_connection(&a), Ok(()));
    let kiosk_a = Rig::new();
    {
        let _on = kiosk_a._rt.enter();
        locker::fleet::spawn(kiosk_a.handle.clone(), a, Vec::new());
    }
    let presence = Presence::watch(&broker.link("+", pki.files("ca.pem", false)));
    presence.wait_for("A", "true");
    let seen = presence.so_far();
    assert!(
        seen.iter().all(|(kiosk, _)| kiosk != "B"),
        "kiosk B reached the broker: {seen:?}"
    );

    // Support lists the site over TLS, with the same authority.
    let out = status(&broker, &pki, "--ca ca.pem --json");
    assert!(out.status.success(), "{out:?}");
    let site: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(site["A"]["online"], true, "{site}");
    assert!(site.get("B").is_none(), "{site}");
    // With the other authority, or none, it does not get that far.
    let out = status(&broker, &pki, "--ca other-ca.pem");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.contains("certificate") && said.lines().count() == 1,
        "{out:?}"
    );
    let out = status(&broker, &pki, "");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.contains("--ca: required with mqtts://"),
        "{out:?}"
    );
}

#[test]
fn a_broker_that_requires_client_certificates_lets_in_only_a_kiosk_with_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = Pki::make(dir.path());
    let broker = Broker::start(&pki, true);

    // Kiosk B trusts the broker but has no certificate to show.
    let b = broker.link("B", pki.files("ca.pem", false));
    let refused = first_connection(&b).expect_err("a kiosk without a certificate was let in");
    assert!(refused.to_lowercase().contains("certificate"), "{refused}");
    let kiosk_b = Rig::new();
    {
        let _on = kiosk_b._rt.enter();
        locker::fleet::spawn(kiosk_b.handle.clone(), b, Vec::new());
    }
    let a = broker.link("A", pki.files("ca.pem", true));
    assert_eq!(first_connection(&a), Ok(()));
    let kiosk_a = Rig::new();
    {
        let _on = kiosk_a._rt.enter();
        locker::fleet::spawn(kiosk_a.handle.clone(), a, Vec::new());
    }
    let presence = Presence::watch(&broker.link("+", pki.files("ca.pem", true)));
    presence.wait_for("A", "true");
    let seen = presence.so_far();
    assert!(
        seen.iter().all(|(kiosk, _)| kiosk != "B"),
        "kiosk B reached the broker: {seen:?}"
    );

    let with_certificate = "--ca ca.pem --cert kiosk.pem --cert-key kiosk.key";
    let out = status(&broker, &pki, with_certificate);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.starts_with("A  online"),
        "{out:?}"
    );
    // A client key others can read is refused before connecting.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        pki.path("kiosk.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let out = status(&broker, &pki, with_certificate);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.contains("--cert-key: ") && said.contains("chmod 600"),
        "{out:?}"
    );
}

#[test]
fn config_check_reads_the_tls_files_from_the_configs_folder_and_names_the_key_at_fault() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = Pki::make(dir.path());
    let bank = common::repo().join("hardware/banks/demo.toml");
    let config = pki.path("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[kiosk]\nid = \"A\"\nname = \"Lobby\"\nlocker_code = \"LK-1\"\n\
             time_zone = \"Europe/Madrid\"\ndata_dir = \"data\"\nhardware = \"{}\"\n\n\
             [fleet]\nbroker = \"mqtts://127.0.0.1\"\nsite = \"riverside\"\n\
             ca_file = \"ca.pem\"\ncert_file = \"kiosk.pem\"\nkey_file = \"kiosk.key\"\n",
            bank.display()
        ),
    )
    .expect("config");
    let check = || common::locker_out(&["config", "check", config.to_str().expect("path")]);
    let out = check();
    assert!(out.status.success(), "{out:?}");
    // The authority's key where its certificate should be.
    std::fs::copy(pki.path("ca.key"), pki.path("kiosk.pem")).expect("copy");
    let out = check();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && said.lines().count() == 1
            && said.contains("fleet.cert_file: ")
            && said.contains("not PEM: no CERTIFICATE block"),
        "{out:?}"
    );
    // Another certificate than the key's.
    std::fs::copy(pki.path("server.pem"), pki.path("kiosk.pem")).expect("copy");
    let out = check();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && said.lines().count() == 1
            && said.contains("fleet.key_file: ")
            && said.contains("not the key of"),
        "{out:?}"
    );
}

#[test]
fn the_example_broker_config_takes_kiosks_over_tls_with_a_certificate_and_a_password() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = Pki::make(dir.path());
    let passwd = pki.path("locker.passwd");
    for (i, user) in ["riverside-A", "dashboard"].iter().enumerate() {
        let mut make = Process::new("mosquitto_passwd");
        if i == 0 {
            make.arg("-c");
        }
        match make
            .arg("-b")
            .arg(&passwd)
            .arg(user)
            .arg(format!("{user}-secret"))
            .status()
        {
            Ok(s) => assert!(s.success()),
            Err(_) => {
                common::peer_missing("mosquitto_passwd");
            }
        }
    }
    // The broker reads it, and saves its sessions here, as its own user.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&passwd, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let example = std::fs::read_to_string(common::repo().join("deploy/mosquitto/locker.conf"))
        .expect("the example");
    let at = |name: &str| pki.path(name).display().to_string();
    let conf = example
        .replace("listener 1883", "listener {plain} 127.0.0.1")
        .replace("listener 8883", "listener {tls} 127.0.0.1")
        .replace("/etc/mosquitto/certs/locker-ca.pem", &at("ca.pem"))
        .replace("/etc/mosquitto/certs/broker.pem", &at("server.pem"))
        .replace("/etc/mosquitto/certs/broker.key", &at("server.key"))
        .replace("#require_certificate true", "require_certificate true")
        .replace("/etc/mosquitto/locker.passwd", &at("locker.passwd"))
        .replace(
            "/etc/mosquitto/locker.acl",
            &common::repo()
                .join("deploy/mosquitto/locker.acl")
                .display()
                .to_string(),
        );
    assert!(
        !conf
            .lines()
            .any(|l| !l.starts_with('#') && l.contains("/etc/mosquitto"))
            && conf.contains("\nrequire_certificate true"),
        "the example changed: {conf}"
    );
    let broker = Broker::start_with(&pki, |tls, plain| {
        format!(
            "{}persistence_location {}/\n",
            conf.replace("{tls}", &tls.to_string())
                .replace("{plain}", &plain.to_string()),
            dir.path().display()
        )
    });
    let as_user = |kiosk: &str, user: &str, client: bool| FleetLink {
        credentials: Some((user.into(), format!("{user}-secret"))),
        ..broker.link(kiosk, pki.files("ca.pem", client))
    };
    let kiosk_a = Rig::new();
    {
        let _on = kiosk_a._rt.enter();
        locker::fleet::spawn(
            kiosk_a.handle.clone(),
            as_user("A", "riverside-A", true),
            Vec::new(),
        );
    }
    let presence = Presence::watch(&as_user("+", "dashboard", true));
    presence.wait_for("A", "true");
    // The right password without a certificate does not get in.
    let refused = first_connection(&as_user("A", "riverside-A", false))
        .expect_err("a client without a certificate was let in");
    assert!(refused.to_lowercase().contains("certificate"), "{refused}");
}
