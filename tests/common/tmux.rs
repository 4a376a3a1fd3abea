//! A real terminal for the end-to-end tests: tmux (installed by
//! .ci/peers.sh), each test on a tmux server of its own, since tests run
//! side by side and a server starting as another's last session ends can
//! fail. Waiting never asserts how long anything took.

use std::process::Command;
use std::time::{Duration, Instant};

use super::WAIT;

/// Keys a person types, this far apart.
const KEY_GAP: Duration = Duration::from_millis(250);

/// A tmux server and session of a test's own, killed at the end.
pub struct Tmux {
    pub session: String,
}

impl Tmux {
    /// A session `width` x `height`. Without tmux the test fails in one
    /// line naming .ci/peers.sh.
    pub fn new(name: &str, width: u16, height: u16) -> Tmux {
        if !super::on_path("tmux") {
            super::peer_missing("tmux");
        }
        let t = Tmux {
            session: format!("{name}-{}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        t.tmux(&["new-session", "-d", "-s", &t.session, "-x", &w, "-y", &h]);
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.session])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `cmd` in a new window named `name`; its target.
    pub fn window(&self, name: &str, cmd: &str) -> String {
        self.tmux(&["new-window", "-t", &self.session, "-n", name, cmd]);
        format!("{}:{name}", self.session)
    }

    /// The window stays after its program ends, so its last words can be
    /// read.
    pub fn keep_after_exit(&self, target: &str) {
        self.tmux(&["set-option", "-w", "-t", target, "remain-on-exit", "on"]);
    }

    /// Whether the window's program has ended.
    pub fn ended(&self, target: &str) -> bool {
        self.tmux(&["display-message", "-p", "-t", target, "#{pane_dead}"])
            .trim()
            == "1"
    }

    /// The `locker` process running in a window.
    pub fn locker_pid(&self, target: &str) -> u32 {
        let pid = self.tmux(&["display-message", "-p", "-t", target, "#{pane_pid}"]);
        super::locker_in_pane(pid.trim().parse().expect("a pane pid"))
    }

    /// Resident memory of the `locker` process running in a window, in KiB.
    pub fn rss_kib(&self, target: &str) -> u64 {
        super::vm_rss_kib(&self.locker_pid(target).to_string()).expect("VmRSS")
    }

    pub fn screen(&self, target: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", target])
    }

    pub fn wait_for(&self, target: &str, needle: &str) {
        self.wait_screen(target, &format!("{needle:?}"), |s| s.contains(needle));
    }

    pub fn wait_gone(&self, target: &str, needle: &str) {
        self.wait_screen(target, &format!("no {needle:?}"), |s| !s.contains(needle));
    }

    /// Waits until the screen satisfies `done`; a slow start on a loaded
    /// machine is no failure.
    pub fn wait_screen(&self, target: &str, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT * 3;
        loop {
            let s = self.screen(target);
            if done(&s) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{target} never showed {what}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types like a person: one key at a time.
    pub fn keys(&self, target: &str, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", target, k]);
            std::thread::sleep(KEY_GAP);
        }
    }

    pub fn text(&self, target: &str, text: &str) {
        let keys: Vec<String> = text.chars().map(String::from).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.keys(target, &keys);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.session, "kill-server"])
            .output();
    }
}
