//! `locker demo` in a real terminal (tmux): what it prints, and that it
//! removes its temporary directory however it is ended.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap();
    assert!(out.status.success(), "tmux {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A tmux session of its own, killed at the end.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
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
    tmux(&[
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
    tmux(&[
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
    tmux(&["set-option", "-w", "-t", &target, "remain-on-exit", "on"]);
    let dir = wait_until("the demo's data directory", || demo_dir(tmp.path()));
    wait_until("the kiosk screen", || {
        tmux(&["capture-pane", "-p", "-t", &target])
            .contains("Welcome")
            .then_some(())
    });
    let pane: u32 = tmux(&["display-message", "-p", "-t", &target, "#{pane_pid}"])
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
        (tmux(&["display-message", "-p", "-t", &target, "#{pane_dead}"]).trim() == "1")
            .then_some(())
    });
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(!key.exists(), "{} left behind", key.display());
    let screen = tmux(&["capture-pane", "-p", "-J", "-t", &target]);
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
