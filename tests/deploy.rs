//! The files in `deploy/` as an installer uses them (docs/DEPLOY.md): systemd
//! accepts the kiosk unit and the console drop-in, the example config
//! loads, and the completions and man pages come out of the binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{on_path, peer_missing, repo};
use locker::config::Config;
use locker::hardware::Bank;

const LOCKER: &str = env!("CARGO_BIN_EXE_locker");
/// Where DEPLOY.md installs the binary; the units name it.
const INSTALLED: &str = "/usr/local/bin/locker";
/// The rule that names the RS-485 adapter `/dev/locker-rs485`.
const UDEV_RULE: &str = "99-locker-rs485.rules";

fn deploy(file: &str) -> PathBuf {
    repo().join("deploy").join(file)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn locker(args: &[&str]) -> Output {
    Command::new(LOCKER)
        .args(args)
        .env_remove("LOCKER_CONFIG")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The values of `key=` in a unit file, in order (comments skipped).
fn values<'a>(unit: &'a str, key: &str) -> Vec<&'a str> {
    unit.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .collect()
}

/// Runs `systemd-analyze verify` and fails on a non-zero exit or on any
/// message that names `unit`. It reports bad keys and values only as
/// "..., ignoring." lines with exit 0, so the messages matter as much as
/// the exit code; lines about the host's other units are left alone.
fn verify(args: &[&str], unit: &str, env: &[(&str, &Path)]) {
    let mut cmd = Command::new("systemd-analyze");
    cmd.arg("verify").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let all = text(&o);
    assert!(
        o.status.success(),
        "systemd-analyze verify {args:?}:\n{all}"
    );
    let about_us: Vec<&str> = all.lines().filter(|l| l.contains(unit)).collect();
    assert!(
        about_us.is_empty(),
        "systemd-analyze verify {args:?} complains:\n{}",
        about_us.join("\n")
    );
}

#[test]
fn systemd_accepts_the_kiosk_unit() {
    let unit = read(&deploy("locker-kiosk.service"));
    assert_eq!(
        values(&unit, "ExecStart"),
        [format!(
            "{INSTALLED} kiosk --config /etc/locker/locker.toml"
        )]
    );
    if !on_path("systemd-analyze") && peer_missing("systemd-analyze") {
        return;
    }
    // verify checks that the program exists, so it gets the one just built,
    // and that the man page in Documentation= does, so it gets ours.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locker-kiosk.service");
    std::fs::write(&file, unit.replace(INSTALLED, LOCKER)).unwrap();
    let man = dir.path().join("man");
    let o = locker(&["man", "--out", man.join("man1").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let mut args = vec![];
    if !on_path("man") {
        args.push("--man=no");
    }
    args.push(file.to_str().unwrap());
    verify(&args, "locker-kiosk", &[("MANPATH", &man)]);
}

#[test]
fn the_kiosk_owns_its_screen_and_still_reaches_the_serial_ports() {
    let unit = read(&deploy("locker-kiosk.service"));
    // The screen is the UI's: nothing but the UI may write to it.
    assert_eq!(values(&unit, "StandardOutput"), ["tty"]);
    assert_eq!(values(&unit, "StandardError"), ["journal"]);
    let tty = values(&unit, "TTYPath");
    assert_eq!(tty.len(), 1);
    let allowed = values(&unit, "DeviceAllow");
    assert!(
        allowed.contains(&format!("{} rw", tty[0]).as_str()),
        "{allowed:?}"
    );
    for class in ["char-ttyS rw", "char-ttyUSB rw"] {
        assert!(allowed.contains(&class), "{class} not in {allowed:?}");
    }
    // PrivateDevices= would hide the serial ports whatever DeviceAllow says.
    assert!(values(&unit, "PrivateDevices").iter().all(|v| *v == "no"));
    assert_eq!(values(&unit, "StateDirectory"), ["locker"]);
    assert_eq!(values(&unit, "User"), ["locker"]);
}

#[test]
fn the_console_port_gets_locker_admin() {
    let conf = read(&deploy("serial-getty@ttyS0.service.d/locker-admin.conf"));
    let exec = values(&conf, "ExecStart");
    // An empty ExecStart= first, or the stock agetty line stays as well.
    assert_eq!(exec.len(), 2, "{exec:?}");
    assert_eq!(exec[0], "");
    assert!(
        exec[1].contains("--login-program /usr/local/bin/locker-console"),
        "{exec:?}"
    );
    let wrapper = deploy("locker-console");
    let script = read(&wrapper);
    assert!(
        script.contains(&format!("{INSTALLED} admin --config")),
        "{script}"
    );
    assert!(script.contains("--reuid=locker"), "must not run as root");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&wrapper).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "deploy/locker-console is not executable");
    let o = Command::new("sh").arg("-n").arg(&wrapper).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));

    if !on_path("systemd-analyze") && peer_missing("systemd-analyze") {
        return;
    }
    // The drop-in on top of the host's own serial-getty@.service, as it
    // will be installed; the stock unit's man pages are not ours to check.
    let dir = tempfile::tempdir().unwrap();
    let drop_in = dir.path().join("serial-getty@ttyS0.service.d");
    std::fs::create_dir(&drop_in).unwrap();
    std::fs::write(drop_in.join("locker-admin.conf"), &conf).unwrap();
    let path = format!("{}:", dir.path().display());
    verify(
        &["--man=no", "serial-getty@ttyS0.service"],
        "serial-getty@ttyS0",
        &[("SYSTEMD_UNIT_PATH", Path::new(&path))],
    );
}

#[test]
fn the_example_config_passes_the_check() {
    let file = deploy("locker.toml");
    // The check reads the bank file too: installed as DEPLOY.md says, in a
    // stand-in for /etc/locker.
    let etc = tempfile::tempdir().unwrap();
    let bank = etc.path().join("bank.toml");
    std::fs::copy(repo().join("hardware/banks/demo.toml"), &bank).unwrap();
    let installed = etc.path().join("locker.toml");
    let text_of = read(&file).replace("/etc/locker/bank.toml", bank.to_str().unwrap());
    std::fs::write(&installed, text_of).unwrap();
    let o = locker(&["config", "check", installed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    // Without the bank it is named as the thing to fix.
    std::fs::remove_file(&bank).unwrap();
    let o = locker(&["config", "check", installed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("kiosk.hardware"), "{}", text(&o));
    let cfg = Config::load(&file).unwrap();
    assert_eq!(cfg.kiosk.data_dir, Path::new("/var/lib/locker"));
    assert_eq!(cfg.kiosk.hardware, Path::new("/etc/locker/bank.toml"));
    assert_eq!(cfg.bus.port, "/dev/locker-rs485");
    assert_eq!(cfg.control.group, None);
    // The commented control group is one edit away from working.
    let text = read(&file).replace("# group = ", "group = ");
    let cfg = Config::parse(&text, "locker.toml").unwrap();
    assert_eq!(cfg.control.group.as_deref(), Some("locker-admin"));
}

#[test]
fn a_shipped_bank_copied_alone_to_etc_locker_still_loads() {
    // DEPLOY.md copies one bank file to /etc/locker/bank.toml, without the
    // boards/ folder next to it: its profile must be a built-in one.
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank.toml");
    std::fs::copy(repo().join("hardware/banks/demo.toml"), &bank).unwrap();
    let loaded = Bank::load(&bank).unwrap();
    assert!(!loaded.boards.is_empty());
}

#[test]
fn completions_come_from_the_command_line() {
    let o = locker(&["completions", "bash"]);
    assert!(o.status.success(), "{}", text(&o));
    let script = String::from_utf8(o.stdout).unwrap();
    for word in ["locker", "parcel", "audit", "kiosk", "--config"] {
        assert!(script.contains(word), "no {word} in the bash completions");
    }
    for shell in ["zsh", "fish"] {
        let o = locker(&["completions", shell]);
        assert!(o.status.success() && !o.stdout.is_empty(), "{}", text(&o));
    }
    // A shell clap does not know is a usage error.
    assert_eq!(locker(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_man_page_comes_from_the_command_line() {
    let o = locker(&["man"]);
    assert!(o.status.success(), "{}", text(&o));
    let page = String::from_utf8(o.stdout).unwrap();
    let th = page.lines().position(|l| l.starts_with(".TH locker 1"));
    let name = page.lines().position(|l| l == ".SH NAME");
    assert!(
        th.is_some() && th < name,
        "no .TH header before NAME:\n{page}"
    );
    assert!(page.contains("parcel"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = locker(&["man", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    for page in [
        "locker.1",
        "locker-parcel.1",
        "locker-kiosk.1",
        "locker-admin.1",
    ] {
        assert!(out.join(page).is_file(), "no {page}");
    }
    // The generators are for installers, not pages of their own.
    assert!(!out.join("locker-man.1").exists());
}

/// The rule, read as text only: the keys the adapter needs, and every pair
/// `KEY op "value"`. udev can check a rule itself only from version 254
/// (`udevadm verify`); CI runs on Debian 12, whose udev is 252, and
/// `.ci/peers.sh` installs no udev at all (its systemd is for
/// `systemd-analyze`). udev's own check is
/// `udevadm_verify_accepts_the_udev_rule`, which CI does not run.
#[test]
fn the_udev_rule_names_the_adapter() {
    let rules = read(&deploy(UDEV_RULE));
    let lines: Vec<&str> = rules
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(!lines.is_empty());
    for line in lines {
        for part in [
            r#"SUBSYSTEM=="tty""#,
            r#"SYMLINK+="locker-rs485""#,
            r#"GROUP="dialout""#,
            r#"MODE="0660""#,
        ] {
            assert!(line.contains(part), "{part} missing from: {line}");
        }
        // Every KEY op "value" pair, comma separated, quotes balanced.
        for pair in line.split(", ") {
            let (key, value) = pair
                .split_once("==")
                .or_else(|| pair.split_once("+="))
                .or_else(|| pair.split_once('='))
                .unwrap_or_else(|| panic!("not KEY op VALUE: {pair}"));
            assert!(
                !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "{}_".contains(c)),
                "bad key in: {pair}"
            );
            assert!(
                value.len() >= 2 && value.starts_with('"') && value.ends_with('"'),
                "unquoted value in: {pair}"
            );
        }
    }
}

/// udev's own check of the rule, on a machine whose udev is 254 or later.
/// Ignored by default, so that a run without it says "ignored" rather than
/// "ok": CI has no such udev (see `the_udev_rule_names_the_adapter`).
#[test]
#[ignore = "needs udevadm verify (udev 254+): cargo test --test deploy udevadm -- --ignored"]
fn udevadm_verify_accepts_the_udev_rule() {
    let can_verify = on_path("udevadm")
        && Command::new("udevadm")
            .args(["verify", "--help"])
            .output()
            .is_ok_and(|o| o.status.success());
    assert!(
        can_verify,
        "udevadm verify is not here: it needs udev 254 or later, which .ci/peers.sh does not install"
    );
    let o = Command::new("udevadm")
        .arg("verify")
        .arg(deploy(UDEV_RULE))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}
