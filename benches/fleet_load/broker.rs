//! A Mosquitto of the case's own, set up as `deploy/mosquitto/locker.conf`
//! says (a user per kiosk, the ACL, persistence, 1000 queued messages per
//! client unless the case says otherwise), on a free port of the
//! loopback; and what it costs the machine, as `/proc` tells.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use locker::fleet::FleetLink;

/// The building's tool that counts what arrives: it reads every site.
pub const WATCHER: &str = "dashboard";
/// Every user's password (the broker hashes them as for a property).
pub const PASSWORD: &str = "load-test";

pub struct Broker {
    child: Child,
    pub port: u16,
}

/// What a process has used so far.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// User and system CPU time, in clock ticks.
    pub ticks: u64,
    /// Bytes read and written through system calls (sockets included).
    pub read: u64,
    pub written: u64,
    /// Resident set now and its peak, in KiB.
    pub rss_kib: u64,
    pub peak_kib: u64,
}

fn program() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("mosquitto").is_file()));
    if on_path {
        PathBuf::from("mosquitto")
    } else if Path::new("/usr/sbin/mosquitto").exists() {
        PathBuf::from("/usr/sbin/mosquitto")
    } else {
        panic!("mosquitto is not installed: run .ci/peers.sh");
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Broker {
    /// Starts it for `kiosks`, with `dir` for its files, keeping up to
    /// `queue` QoS 1 messages per client beyond the `inflight` in flight
    /// (Mosquitto's defaults: 1000 and 20).
    pub fn start(dir: &Path, kiosks: &[FleetLink], queue: u32, inflight: u32) -> Broker {
        let mosquitto = program();
        // Started as root, Mosquitto drops to its own user: that user must
        // be able to read its files and save its database here.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let users = dir.join("locker.passwd");
        let acl = dir.join("locker.acl");
        {
            let mut p = std::fs::File::create(&users).expect("password file");
            let mut a = std::fs::File::create(&acl).expect("acl file");
            for k in kiosks {
                let user = format!("{}-{}", k.site, k.kiosk);
                writeln!(p, "{user}:{PASSWORD}").expect("write");
                let base = k.base();
                writeln!(a, "user {user}").expect("write");
                for leaf in ["online", "events", "state", "results"] {
                    writeln!(a, "topic write {base}/{leaf}").expect("write");
                }
                writeln!(a, "topic read {base}/orders\n").expect("write");
            }
            writeln!(p, "{WATCHER}:{PASSWORD}").expect("write");
            writeln!(a, "user {WATCHER}\ntopic read locker/v1/#").expect("write");
        }
        // Hashes the passwords in place, as `mosquitto_passwd -c` would.
        let hashed = Command::new(mosquitto.with_file_name("mosquitto_passwd"))
            .arg("-U")
            .arg(&users)
            .status()
            .or_else(|_| {
                Command::new("mosquitto_passwd")
                    .arg("-U")
                    .arg(&users)
                    .status()
            })
            .expect("mosquitto_passwd runs");
        assert!(hashed.success(), "mosquitto_passwd -U");
        for f in [&users, &acl] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        let port = free_port();
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {}\nacl_file {}\n\
                 persistence true\npersistence_location {}/\nmax_queued_messages {queue}\nmax_inflight_messages {inflight}\nlog_dest none\n",
                users.display(),
                acl.display(),
                dir.display()
            ),
        )
        .expect("broker config");
        let child = Command::new(mosquitto)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "mosquitto listens on {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Broker { child, port }
    }

    pub fn usage(&self) -> Usage {
        usage(&format!("/proc/{}", self.child.id()))
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks a second (`getconf CLK_TCK`).
pub fn ticks_per_second() -> f64 {
    // SAFETY: sysconf reads a constant of the system.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// From `/proc/<pid>/stat`, `io` and `status`.
pub fn usage(proc_dir: &str) -> Usage {
    let mut u = Usage::default();
    if let Ok(stat) = std::fs::read_to_string(format!("{proc_dir}/stat")) {
        // The fields after the command's name, which is in parentheses.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line.
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        u.ticks = num(11) + num(12);
    }
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    if let Ok(io) = std::fs::read_to_string(format!("{proc_dir}/io")) {
        u.read = field(&io, "rchar:");
        u.written = field(&io, "wchar:");
    }
    if let Ok(status) = std::fs::read_to_string(format!("{proc_dir}/status")) {
        u.rss_kib = field(&status, "VmRSS:");
        u.peak_kib = field(&status, "VmHWM:");
    }
    u
}

/// The whole machine's CPU time from `/proc/stat`: (busy, all), in ticks
/// summed over its cores.
pub fn machine() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let all: u64 = cpu.iter().take(8).sum();
    // idle and iowait are the 4th and 5th.
    let idle = cpu.get(3).copied().unwrap_or(0) + cpu.get(4).copied().unwrap_or(0);
    (all - idle, all)
}
