//! The technician commands and `locker sim`, run as the binary, talking to
//! each other over the pty that `locker sim --link` makes.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn locker() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_locker"));
    c.env_remove("LOCKER_BUS_PORT").kill_on_drop(true);
    c
}

fn interrupt(child: &Child) {
    if let Some(pid) = child.id() {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(pid as i32, libc::SIGINT) };
    }
}

async fn run(args: &[&str]) -> (i32, String, String) {
    let out = tokio::time::timeout(WAIT, locker().args(args).output())
        .await
        .expect("command finishes")
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn technician_scans_unlocks_and_reads_doors_on_locker_sim() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("bus");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[[step]]\nat_ms = 0\naction = \"force_open\"\nboard = 2\nlock = 5\n",
    )
    .unwrap();
    let bank = repo().join("hardware/banks/demo.toml");
    let mut sim = locker()
        .args(["sim", "--no-wire-time", "--hardware"])
        .arg(&bank)
        .arg("--link")
        .arg(&link)
        .arg("--scenario")
        .arg(&scenario)
        // Log lines into the pipe, to show they come without colour codes.
        .env("RUST_LOG", "debug")
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(sim.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, out.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(first.starts_with("/dev/pts/"), "{first}");
    let port = link.display().to_string();

    let (code, stdout, stderr) = run(&[
        "bus",
        "scan",
        "--port",
        &port,
        "--to",
        "3",
        "--timeout-ms",
        "300",
    ])
    .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("board 1: answers, firmware 1.2, 48 locks, supply 24.12 V"),
        "{stdout}"
    );
    assert!(stdout.contains("board 2: answers"), "{stdout}");
    assert!(stdout.contains("2 board(s) found"), "{stdout}");

    let (code, stdout, stderr) = run(&[
        "bus", "unlock", "--port", &port, "--board", "1", "--lock", "4",
    ])
    .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("board 1 lock 4: pulse sent"), "{stdout}");

    let hw = bank.display().to_string();
    let (code, stdout, stderr) = run(&["bus", "status", "--port", &port, "--hardware", &hw]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 32, "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("poll loop: last round "),
        "{stdout}"
    );
    let door = stdout
        .lines()
        .find(|l| l.split_whitespace().take(4).collect::<Vec<_>>() == ["24", "XL", "2", "5"])
        .unwrap_or_else(|| panic!("no line for door 24: {stdout}"));
    assert!(door.contains("open"), "{door}");

    let (code, _, stderr) = run(&[
        "bus", "unlock", "--port", &port, "--board", "1", "--lock", "48",
    ])
    .await;
    assert_eq!(code, 2, "{stderr}");

    interrupt(&sim);
    let status = tokio::time::timeout(WAIT, sim.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    let mut err = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut sim.stderr.take().unwrap(), &mut err)
        .await
        .unwrap();
    assert!(err.contains("frames seen"), "{err}");
    assert!(err.contains("DEBUG"), "debug log lines: {err}");
    assert!(!err.contains('\u{1b}'), "colour codes in a pipe: {err}");
    assert!(!link.exists(), "the symlink is removed at exit");
}

#[tokio::test]
async fn watch_prints_door_events_until_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("bus");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[[step]]\nat_ms = 1500\naction = \"force_open\"\nboard = 1\nlock = 2\n",
    )
    .unwrap();
    let mut sim = locker()
        .args(["sim", "--no-wire-time", "--link"])
        .arg(&link)
        .arg("--scenario")
        .arg(&scenario)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut sim_out = BufReader::new(sim.stdout.take().unwrap()).lines();
    tokio::time::timeout(WAIT, sim_out.next_line())
        .await
        .unwrap()
        .unwrap();

    let mut watch = locker()
        .args(["bus", "watch", "--port"])
        .arg(&link)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let found = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("board 1 lock 2 door 3: ForcedOpen") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true));
    interrupt(&watch);
    let status = tokio::time::timeout(WAIT, watch.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    interrupt(&sim);
    let _ = tokio::time::timeout(Duration::from_secs(5), sim.wait()).await;
}

#[tokio::test]
async fn bad_bank_file_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank.toml");
    std::fs::write(
        &bank,
        "name = \"x\"\n[[boards]]\naddress = 1\nprofile = \"lb48\"\n\
         [[compartments]]\nid = 1\nsize = \"XXL\"\nboard = 1\nchannel = 0\ncolumn = 0\nrow = 0\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["sim", "--hardware", &bank.display().to_string()]).await;
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("bank.toml: compartments[0].size: unknown size \"XXL\""),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["bus", "status"]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[tokio::test]
async fn bench_reports_the_ratio_to_the_wire_time_limit() {
    let (code, stdout, stderr) = run(&[
        "bus",
        "bench",
        "--sim",
        "--boards",
        "2",
        "--baud",
        "115200",
        "--cycles",
        "3",
        "--unlocks",
        "2",
    ])
    .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("boards 2 at 115200 baud, 3 scan cycles of the kiosk's poll loop"),
        "{stdout}"
    );
    assert!(stdout.contains("ratio to the wire-time limit"), "{stdout}");
    assert!(stdout.contains("errors: 0 failed cycles"), "{stdout}");
}
