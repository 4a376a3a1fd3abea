//! Two processes on one locker, as an operator meets them: `locker kiosk`
//! runs in a terminal (tmux) on simulated lock boards (`locker sim` on a
//! pseudo-terminal), and a second process — the data commands, then
//! `locker admin` in another terminal — works beside it through the
//! kiosk's control socket. Waiting is always "until the screen shows it".

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use locker::domain::{CompartmentId, ParcelClass};
use locker::store::Store;
use locker::testkit::driver::{ADMIN, ANA};

const WAIT: Duration = Duration::from_secs(30);
const DOOR: u16 = 8;

fn locker() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_locker"));
    c.env_remove("LOCKER_CONFIG")
        .env_remove("LOCKER_USER")
        .env_remove("LOCKER_PIN");
    c
}

/// A kiosk's directory: config, bank, seeded database, bus link path.
struct Site {
    dir: tempfile::TempDir,
}

/// The cheap argon2 cost that keeps seeding and sign-ins quick.
const CHEAP_ARGON2: &str =
    "[security]\ninsecure_test_cost = true\n\n[security.argon2]\nm_kib = 64\nt = 1\np = 1\n";

impl Site {
    fn new() -> Site {
        Site::with(CHEAP_ARGON2)
    }

    /// `extra` is appended to the config file.
    fn with(extra: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            common::repo().join("hardware/banks/demo.toml"),
            dir.path().join("demo.toml"),
        )
        .unwrap();
        let site = Site { dir };
        std::fs::write(
            site.config(),
            format!(
                r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "demo.toml"
size = "80x24"

[bus]
port = "{}"

{extra}"#,
                site.bus().display()
            ),
        )
        .unwrap();
        site.seed();
        site
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> PathBuf {
        self.path().join("kiosk.toml")
    }

    fn bus(&self) -> PathBuf {
        self.path().join("bus")
    }

    fn socket(&self) -> PathBuf {
        self.path().join("data/control.sock")
    }

    /// People, and one parcel already in door 3, written before the kiosk
    /// starts (the kiosk then owns the database).
    fn seed(&self) {
        let mut engine = common::rig::site_engine(&self.config());
        common::rig::seed(&mut engine);
        engine
            .handle(
                &common::rig::local(),
                locker::engine::Command::PlaceParcel {
                    compartment: CompartmentId(3),
                    tracking: "TRK-E2E-1".into(),
                    recipient: ANA.into(),
                    class: ParcelClass::Domestic,
                },
            )
            .unwrap();
        engine.flush().unwrap();
        drop(engine);
        // sled lets go of its lock a moment after the last handle.
        let deadline = Instant::now() + WAIT;
        while Store::open(&self.path().join("data")).is_err() {
            assert!(Instant::now() < deadline, "the database stays locked");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `locker ARGS --config kiosk.toml` as the admin, from a second process.
    fn run_as_admin(&self, args: &[&str]) -> Output {
        locker()
            .args(args)
            .arg("--config")
            .arg(self.config())
            .env("LOCKER_USER", ADMIN.0)
            .env("LOCKER_PIN", ADMIN.1)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

/// The simulated boards, a child process for the whole test.
struct Sim(Child);

impl Sim {
    fn start(site: &Site) -> Sim {
        let child = locker()
            .args(["sim", "--hardware"])
            .arg(site.path().join("demo.toml"))
            .arg("--link")
            .arg(site.bus())
            .args(["--auto-close", "3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_until("the simulator's link", || site.bus().exists());
        Sim(child)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One running kiosk at a time: the memory test's burst of calls and PIN
/// checks on two shared cores can starve the other kiosk's simulated bus
/// until a door's closing is missed.
static ONE_KIOSK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_kiosk() -> std::sync::MutexGuard<'static, ()> {
    ONE_KIOSK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn one_line(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn a_second_process_lists_verifies_and_opens_a_door_while_the_kiosk_serves() {
    let _one = one_kiosk();
    let site = Site::new();
    let _sim = Sim::start(&site);
    let tmux = Tmux::new("locker-e2e", 80, 24);
    let kiosk = tmux.window(
        "kiosk",
        &format!(
            "{} kiosk --config {}",
            env!("CARGO_BIN_EXE_locker"),
            site.config().display()
        ),
    );
    tmux.wait_for(&kiosk, "Welcome");
    wait_until("the control socket", || site.socket().exists());

    // The data commands find the kiosk's socket by themselves.
    let out = site.run_as_admin(&["parcel", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let parcels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parcels = parcels.as_array().unwrap();
    assert_eq!(parcels.len(), 1, "{parcels:?}");
    assert_eq!(parcels[0]["tracking"], "TRK-E2E-1");
    assert_eq!(parcels[0]["compartment"], 3);

    let out = site.run_as_admin(&["audit", "verify"]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("audit chain ok:"), "{said}");

    // The fee ledger goes to billing with the kiosk running: nothing
    // charged yet, so the header alone.
    let out = site.run_as_admin(&["fees", "export", "--format", "csv"]);
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), 1, "{csv}");
    assert!(csv.starts_with("id,at,recipient,parcel,"), "{csv}");

    // Without a sign-in the kiosk's data stays shut, said in one line.
    let out = locker()
        .args(["parcel", "list", "--config"])
        .arg(site.config())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("LOCKER_USER"));
    let out = locker()
        .args(["parcel", "list", "--config"])
        .arg(site.config())
        .env("LOCKER_USER", ADMIN.0)
        .env("LOCKER_PIN", "0000")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("wrong user name or PIN"));

    // `locker admin` in a second terminal: sign in, open a door.
    let admin = tmux.window(
        "admin",
        &format!(
            "{} admin --config {} --size 80x24",
            env!("CARGO_BIN_EXE_locker"),
            site.config().display()
        ),
    );
    tmux.wait_for(&admin, "Sign in");
    tmux.text(&admin, ADMIN.0);
    tmux.keys(&admin, &["Enter"]);
    tmux.text(&admin, ADMIN.1);
    tmux.keys(&admin, &["Enter"]);
    tmux.wait_for(&admin, "Menu");
    tmux.keys(&admin, &["1"]);
    tmux.wait_for(&admin, "Bank: every compartment");
    tmux.text(&admin, &DOOR.to_string());
    tmux.keys(&admin, &["Enter"]);
    tmux.wait_for(&admin, &format!("Door {DOOR} ("));
    tmux.keys(&admin, &["1"]);
    tmux.wait_for(&admin, "reason");
    tmux.text(&admin, "hinge check");
    tmux.keys(&admin, &["Enter"]);

    // The door really opened (the kiosk's bus read the simulated sensor),
    // and whoever stands at the kiosk is told which.
    tmux.wait_for(&admin, "Door sensor: Open");
    let notice = format!("Door {DOOR} was opened by staff.");
    tmux.wait_for(&kiosk, &notice);
    // The simulated door swings shut by itself; both screens follow.
    tmux.wait_gone(&kiosk, &notice);
    tmux.keys(&admin, &["h"]);
    tmux.wait_for(&admin, "Door sensor: Closed");

    // Both stay live: the kiosk answers its keypad beside the console.
    tmux.keys(&kiosk, &["C"]);
    tmux.wait_for(&kiosk, "How to use this locker");

    // docs/PERFORMANCE.md: the kiosk process stays within 50 MB resident, socket,
    // console client and all.
    let rss = tmux.rss_kib(&kiosk);
    eprintln!(
        "kiosk RSS: {rss} KiB; admin console RSS: {} KiB",
        tmux.rss_kib(&admin)
    );
    assert!(rss <= 50 * 1024, "the kiosk uses {rss} KiB");

    // The console's calls are in the kiosk's audit log, with the person.
    let out = site.run_as_admin(&["audit", "export"]);
    assert!(out.status.success(), "{out:?}");
    let log = String::from_utf8_lossy(&out.stdout);
    let unlock = log
        .lines()
        .find(|l| l.contains("manual_unlock") && l.contains("hinge check"))
        .unwrap_or_else(|| panic!("no manual unlock in the log:\n{log}"));
    assert!(unlock.contains(ADMIN.0), "{unlock}");
    assert!(
        log.lines()
            .any(|l| l.contains("\"control\"") && l.contains("command manual_unlock")),
        "the socket call itself is recorded"
    );
}

#[test]
fn with_the_kiosk_stopped_the_same_commands_open_the_database() {
    let site = Site::new();
    // No socket: the command opens the database itself, as this machine's operator.
    let out = locker()
        .args(["parcel", "list", "--json", "--config"])
        .arg(site.config())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let parcels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parcels[0]["tracking"], "TRK-E2E-1");
    // A socket file left by a kiosk that died is no kiosk.
    let stale = std::os::unix::net::UnixListener::bind(site.socket()).unwrap();
    drop(stale);
    assert!(site.socket().exists());
    let out = site.run_as_admin(&["audit", "verify"]);
    assert!(out.status.success(), "{out:?}");
    // With --user the operator signs in either way; a wrong PIN is refused.
    let out = locker()
        .args(["audit", "verify", "--config"])
        .arg(site.config())
        .env("LOCKER_USER", ADMIN.0)
        .env("LOCKER_PIN", "0000")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("wrong user name or PIN"));
}

/// Sends `n` request lines (`line_for(i)`) over one connection after
/// another, as many as it takes: the kiosk closes one that has not signed
/// in within 10 s. A thread writes while the answers are read here.
/// Returns how many were answered with `ok` and how many with an error.
fn flood(
    socket: &Path,
    sign_in: bool,
    n: usize,
    line_for: impl Fn(usize) -> String + Send + Sync + Clone + 'static,
) -> (usize, usize) {
    let (mut ok, mut refused) = (0, 0);
    while ok + refused < n {
        let stream = UnixStream::connect(socket).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut answer = String::new();
        let mut w = stream.try_clone().unwrap();
        if sign_in {
            let line = format!(
                "{{\"v\":1,\"id\":0,\"call\":{{\"op\":\"sign_in\",\"user\":\"{}\",\"pin\":\"{}\"}}}}\n",
                ADMIN.0, ADMIN.1
            );
            w.write_all(line.as_bytes()).unwrap();
            reader.read_line(&mut answer).unwrap();
            assert!(answer.contains("signed_in"), "{answer}");
        }
        let (from, to) = (ok + refused, n);
        let lines = line_for.clone();
        let writer = std::thread::spawn(move || {
            let mut batch = String::new();
            for i in from..to {
                batch.push_str(&lines(i));
                if batch.len() > 64 * 1024 || i + 1 == to {
                    if w.write_all(batch.as_bytes()).is_err() {
                        return;
                    }
                    batch.clear();
                }
            }
        });
        while ok + refused < n {
            answer.clear();
            match reader.read_line(&mut answer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let r: serde_json::Value = serde_json::from_str(&answer).unwrap();
            match (r.get("id"), r.get("ok")) {
                (Some(_), Some(_)) => ok += 1,
                (Some(_), None) => refused += 1,
                // The kiosk closing the connection, and saying why.
                (None, _) => break,
            }
        }
        let _ = stream.shutdown(std::net::Shutdown::Both);
        writer.join().unwrap();
    }
    (ok, refused)
}

fn request(id: usize, call: &str) -> String {
    format!("{{\"v\":1,\"id\":{id},\"call\":{call}}}\n")
}

#[test]
fn the_kiosk_stays_small_through_socket_sign_ins_and_a_burst_of_calls() {
    let _one = one_kiosk();
    // The default argon2 cost: 19 MiB per PIN check.
    let site = Site::with("");
    let _sim = Sim::start(&site);
    let tmux = Tmux::new("locker-mem", 80, 24);
    let kiosk = tmux.window(
        "kiosk",
        &format!(
            "{} kiosk --config {}",
            env!("CARGO_BIN_EXE_locker"),
            site.config().display()
        ),
    );
    tmux.wait_for(&kiosk, "Welcome");
    wait_until("the control socket", || site.socket().exists());
    let started = tmux.rss_kib(&kiosk);

    for _ in 0..100 {
        let mut c = locker::control::Client::connect(&site.socket()).unwrap();
        c.sign_in(ADMIN.0, ADMIN.1).unwrap();
    }
    let signed_in = tmux.rss_kib(&kiosk);

    // 100 000 calls at once on four connections at a time: hellos and
    // refused reads before a sign-in, reads after one. Only a few thousand
    // of the latter: each is an audited sled transaction, and what a flood
    // of those costs the store is measured in docs/PERFORMANCE.md.
    let socket = site.socket();
    let floods: Vec<_> = [
        (false, 48_000, r#"{"op":"hello","client":"flood"}"#),
        (false, 48_000, r#"{"op":"parcels","all":false}"#),
        (true, 2_000, r#"{"op":"users"}"#),
        (true, 2_000, r#"{"op":"read","query":"bank"}"#),
    ]
    .into_iter()
    .map(|(sign_in, n, call)| {
        let socket = socket.clone();
        std::thread::spawn(move || flood(&socket, sign_in, n, move |i| request(i, call)))
    })
    .collect();
    let answered: Vec<(usize, usize)> = floods.into_iter().map(|f| f.join().unwrap()).collect();
    let burst = tmux.rss_kib(&kiosk);
    eprintln!(
        "kiosk RSS at the default argon2 cost: {started} KiB started, {signed_in} KiB after 100 \
         socket sign-ins, {burst} KiB after 100 000 calls {answered:?}"
    );
    assert_eq!(answered[0], (48_000, 0), "hellos answered");
    assert_eq!(answered[1], (0, 48_000), "reads before a sign-in refused");
    assert_eq!(answered[2], (2_000, 0));
    assert_eq!(answered[3], (2_000, 0));
    assert!(signed_in <= 50 * 1024, "{signed_in} KiB after the sign-ins");
    assert!(burst <= 50 * 1024, "{burst} KiB after the burst");

    // A PIN sent as a number reaches neither the answer nor the kiosk's log.
    let mut raw = UnixStream::connect(&socket).unwrap();
    raw.set_read_timeout(Some(WAIT)).unwrap();
    raw.write_all(&request(1, r#"{"op":"sign_in","user":"9001","pin":135790}"#).into_bytes())
        .unwrap();
    let mut answer = String::new();
    BufReader::new(&raw).read_line(&mut answer).unwrap();
    assert!(answer.contains("bad_frame"), "{answer}");
    assert!(!answer.contains("135790"), "{answer}");
    let log = std::fs::read_to_string(site.path().join("data/locker.log")).unwrap_or_default();
    assert!(!log.contains("135790"));
}
