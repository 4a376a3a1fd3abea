//! `locker demo` in a real terminal (tmux): what it prints, and that it
//! removes its temporary directory however it is ended.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A tmux session on a server of its own (tests run side by side, and one
/// server starting as another's last session ends can fail), killed at the
/// end.
struct Session(String);

impl Session {
    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.0])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .output();
    }
}

fn wait_until<T>(what: &str, mut done: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = done() {
            return v;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The demo's data directory under `tmp`, once it is there.
fn demo_dir(tmp: &Path) -> Option<PathBuf> {
    std::fs::read_dir(tmp)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("locker-demo-"))
        })
}

/// Starts the demo with its temporary files under `tmp`, sends it
/// `signal` once its screen is up, and checks that nothing is left.
fn demo_ended_by(signal: libc::c_int, name: &str) {
    if !common::on_path("tmux") && common::peer_missing("tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let session = Session(format!("locker-demo-{name}-{}", std::process::id()));
    session.tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "80",
        "-y",
        "24",
    ]);
    let target = format!("{}:demo", session.0);
    session.tmux(&[
        "new-window",
        "-t",
        &session.0,
        "-n",
        "demo",
        &format!(
            "env -u LOCKER_CONFIG TMPDIR={} {} demo",
            tmp.path().display(),
            env!("CARGO_BIN_EXE_locker")
        ),
    ]);
    // The pane stays after the demo ends, so its last words can be read.
    session.tmux(&["set-option", "-w", "-t", &target, "remain-on-exit", "on"]);
    let dir = wait_until("the demo's data directory", || demo_dir(tmp.path()));
    wait_until("the kiosk screen", || {
        session
            .tmux(&["capture-pane", "-p", "-t", &target])
            .contains("Welcome")
            .then_some(())
    });
    let pane: u32 = session
        .tmux(&["display-message", "-p", "-t", &target, "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    let pid = common::locker_in_pane(pane);
    assert!(
        dir.ends_with(format!("locker-demo-{pid}")),
        "{}",
        dir.display()
    );
    let key = tmp.path().join(format!("locker-demo-{pid}.key"));
    assert!(key.exists(), "{}", key.display());

    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
    wait_until("the demo to end", || {
        (session
            .tmux(&["display-message", "-p", "-t", &target, "#{pane_dead}"])
            .trim()
            == "1")
            .then_some(())
    });
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(!key.exists(), "{} left behind", key.display());
    let screen = session.tmux(&["capture-pane", "-p", "-J", "-t", &target]);
    for line in [
        "courier 1001 PIN 1234",
        "admin 9000 PIN 9999",
        "technician 9100 PIN 5555",
        &format!("locker admin --data-dir {}", dir.display()),
        "locker demo: removed",
    ] {
        assert!(screen.contains(line), "{line:?} not on:\n{screen}");
    }
}

#[test]
fn a_hang_up_removes_the_demo_directory() {
    demo_ended_by(libc::SIGHUP, "hup");
}

#[test]
fn a_termination_removes_the_demo_directory() {
    demo_ended_by(libc::SIGTERM, "term");
}

/// `locker demo --fleet`: two kiosks and the support console in one
/// terminal; a code of A's typed at B names A; Ctrl-C stops the broker
/// and removes everything.
#[test]
fn the_fleet_demo_shows_both_kiosks_to_support_and_names_a_code_s_kiosk() {
    if !common::on_path("tmux") && common::peer_missing("tmux") {
        return;
    }
    if !common::on_path("mosquitto") && !Path::new("/usr/sbin/mosquitto").exists() {
        common::peer_missing("mosquitto");
    }
    let tmp = tempfile::tempdir().unwrap();
    let session = Session(format!("locker-fleet-demo-{}", std::process::id()));
    session.tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "100",
        "-y",
        "30",
    ]);
    let target = format!("{}:demo", session.0);
    session.tmux(&[
        "new-window",
        "-t",
        &session.0,
        "-n",
        "demo",
        &format!(
            "env -u LOCKER_CONFIG TMPDIR={} {} demo --fleet",
            tmp.path().display(),
            env!("CARGO_BIN_EXE_locker")
        ),
    ]);
    session.tmux(&["set-option", "-w", "-t", &target, "remain-on-exit", "on"]);
    let screen = || session.tmux(&["capture-pane", "-p", "-t", &target]);
    let key = |k: &str| {
        session.tmux(&["send-keys", "-t", &target, k]);
        std::thread::sleep(Duration::from_millis(450));
    };
    wait_until("kiosk A", || screen().contains("Kiosk A").then_some(()));
    key("C");
    // The first of A's demo codes, as its help lists it.
    let code = wait_until("A's demo codes", || {
        screen()
            .lines()
            .skip_while(|l| !l.contains("Demo codes"))
            .nth(1)
            .and_then(|l| l.split_whitespace().next().map(str::to_string))
    });
    key("*");
    key("F3");
    wait_until("both kiosks online at support", || {
        let s = screen();
        (s.contains("The property's kiosks")
            && s.lines()
                .any(|l| l.trim_start().starts_with("A ") && l.contains("online"))
            && s.lines()
                .any(|l| l.trim_start().starts_with("B ") && l.contains("online")))
        .then_some(())
    });
    key("F2");
    wait_until("kiosk B", || screen().contains("Kiosk B").then_some(()));
    key("A");
    for c in code.chars() {
        key(&c.to_string());
    }
    key("#");
    wait_until("B names A", || {
        screen()
            .contains("This code is for Kiosk A (locker code LK-0001)")
            .then_some(())
    });
    let pid = common::locker_in_pane(
        session
            .tmux(&["display-message", "-p", "-t", &target, "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap(),
    );
    key("C-c");
    wait_until("the demo to end", || {
        (session
            .tmux(&["display-message", "-p", "-t", &target, "#{pane_dead}"])
            .trim()
            == "1")
            .then_some(())
    });
    let root = tmp.path().join(format!("locker-fleet-demo-{pid}"));
    assert!(!root.exists(), "{} left behind", root.display());
    let all = session.tmux(&["capture-pane", "-p", "-J", "-S", "-100", "-t", &target]);
    assert!(all.contains("locker demo --fleet: removed"), "{all}");
}
