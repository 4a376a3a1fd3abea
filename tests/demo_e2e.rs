//! `locker demo` in a real terminal (tmux): what it prints, and that it
//! removes its temporary directory however it is ended.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

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

/// `locker demo ARGS` in a window of its own that stays after it ends, with
/// its temporary files under `tmp`.
fn start_demo(name: &str, (w, h): (u16, u16), tmp: &Path, args: &str) -> (Tmux, String) {
    let t = Tmux::new(name, w, h);
    let target = t.window(
        "demo",
        &format!(
            "env -u LOCKER_CONFIG TMPDIR={} {} demo{args}",
            tmp.display(),
            env!("CARGO_BIN_EXE_locker")
        ),
    );
    t.keep_after_exit(&target);
    (t, target)
}

/// Starts the demo with its temporary files under `tmp`, sends it
/// `signal` once its screen is up, and checks that nothing is left.
fn demo_ended_by(signal: libc::c_int, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (t, target) = start_demo(&format!("locker-demo-{name}"), (80, 24), tmp.path(), "");
    let dir = wait_until("the demo's data directory", || demo_dir(tmp.path()));
    t.wait_for(&target, "Welcome");
    let pid = t.locker_pid(&target);
    assert!(
        dir.ends_with(format!("locker-demo-{pid}")),
        "{}",
        dir.display()
    );
    let key = tmp.path().join(format!("locker-demo-{pid}.key"));
    assert!(key.exists(), "{}", key.display());

    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
    wait_until("the demo to end", || t.ended(&target).then_some(()));
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(!key.exists(), "{} left behind", key.display());
    let screen = t.tmux(&["capture-pane", "-p", "-J", "-t", &target]);
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
    common::broker::mosquitto();
    let tmp = tempfile::tempdir().unwrap();
    let (t, target) = start_demo("locker-fleet-demo", (100, 30), tmp.path(), " --fleet");
    let screen = || t.screen(&target);
    let key = |k: &str| t.keys(&target, &[k]);
    t.wait_for(&target, "Kiosk A");
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
    t.wait_for(&target, "Kiosk B");
    t.text(&target, &format!("A{code}#"));
    t.wait_for(&target, "This code is for Kiosk A (locker code LK-0001)");
    let pid = t.locker_pid(&target);
    key("C-c");
    wait_until("the demo to end", || t.ended(&target).then_some(()));
    let root = tmp.path().join(format!("locker-fleet-demo-{pid}"));
    assert!(!root.exists(), "{} left behind", root.display());
    let all = t.tmux(&["capture-pane", "-p", "-J", "-S", "-100", "-t", &target]);
    assert!(all.contains("locker demo --fleet: removed"), "{all}");
}
