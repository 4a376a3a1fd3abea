//! A GSM modem on a pseudo-terminal, as strict as a real one about what it
//! is sent: AT commands (TS 27.005, 27.007) answered with `OK`, `ERROR`,
//! `+CME ERROR` or `+CMS ERROR`; the `> ` prompt and Ctrl-Z after
//! `AT+CMGS`; echo until `ATE0`; a SIM that may want its PIN first; text
//! mode (`GSM` or `UCS2` character set, the coding `AT+CSMP` set) and PDU
//! mode, each refusing more than one message holds. Unsolicited lines
//! (`RING`, `+CMTI`) may come between, as on a real line. What it accepted
//! is kept, decoded, for tests to read.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

use crate::gsm::alphabet::from_septets;
use crate::gsm::parts::{Coding, SINGLE_GSM7, SINGLE_UCS2};
use crate::gsm::pdu::{Concat, decode_submit, from_ucs2_hex};

const CTRL_Z: u8 = 0x1A;
const ESC: u8 = 0x1B;

/// How the modem misbehaves, changeable while it runs.
#[derive(Clone, Debug, Default)]
pub struct ModemFaults {
    /// The SIM asks for this PIN before any message command.
    pub pin: Option<String>,
    /// Every `AT+CMGS` ends in `+CMS ERROR: <code>` (e.g. 331, no network).
    pub refuse_sends: Option<u16>,
    /// Reads everything and answers nothing (a hung or unpowered modem).
    pub silent: bool,
    /// `RING` and `+CMTI` lines come before some answers.
    pub unsolicited: bool,
}

/// How a message reached the modem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Text,
    Pdu,
}

/// One message the modem accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub number: String,
    pub mode: Mode,
    pub coding: Coding,
    pub concat: Option<Concat>,
    pub text: String,
}

#[derive(Default)]
struct State {
    faults: ModemFaults,
    received: Vec<Received>,
    commands: Vec<String>,
}

/// What the line is in the middle of.
enum Awaiting {
    Command,
    TextBody { number: String },
    PduBody { length: usize },
}

struct Session {
    echo: bool,
    cmee: bool,
    pdu_mode: bool,
    charset: String,
    dcs: u8,
    pin_given: bool,
    reference: u8,
    awaiting: Awaiting,
    line: Vec<u8>,
}

/// A running simulated modem; stops when dropped.
pub struct ModemSim {
    state: Arc<Mutex<State>>,
    path: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Our own descriptor of the slave, never read: while no client has
    /// the slave open the master would read as hung up.
    _slave: TTYPort,
}

impl ModemSim {
    pub fn start(faults: ModemFaults) -> std::io::Result<Self> {
        let (mut master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
        let path = PathBuf::from(
            slave
                .name()
                .ok_or_else(|| std::io::Error::other("pty without a name"))?,
        );
        master
            .set_timeout(Duration::from_millis(50))
            .map_err(std::io::Error::other)?;
        let state = Arc::new(Mutex::new(State {
            faults,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::Builder::new()
                .name("sim-modem".into())
                .spawn(move || serve(master, state, stop))?
        };
        Ok(Self {
            state,
            path,
            stop,
            thread: Some(thread),
            _slave: slave,
        })
    }

    /// The device the driver opens.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// Every command line, as received.
    pub fn commands(&self) -> Vec<String> {
        self.lock().commands.clone()
    }

    pub fn set_faults(&self, faults: ModemFaults) {
        self.lock().faults = faults;
    }
}

impl Drop for ModemSim {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut port: TTYPort, state: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    let mut s = Session {
        echo: true,
        cmee: false,
        pdu_mode: true,
        charset: "IRA".into(),
        dcs: 0,
        pin_given: false,
        reference: 0,
        awaiting: Awaiting::Command,
        line: Vec::new(),
    };
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::Relaxed) {
        let n = match port.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        if st.faults.silent {
            continue;
        }
        let mut out = Vec::new();
        for &b in &buf[..n] {
            s.byte(b, &mut st, &mut out);
        }
        drop(st);
        if !out.is_empty() {
            let _ = port.write_all(&out);
        }
    }
}

fn ok(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\r\nOK\r\n");
}

fn line(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("\r\n{text}\r\n").as_bytes());
}

impl Session {
    fn byte(&mut self, b: u8, st: &mut State, out: &mut Vec<u8>) {
        match self.awaiting {
            Awaiting::Command => {
                if self.echo {
                    out.push(b);
                }
                match b {
                    b'\r' => {
                        let cmd = String::from_utf8_lossy(&self.line).trim().to_string();
                        self.line.clear();
                        if !cmd.is_empty() {
                            st.commands.push(cmd.clone());
                            self.command(&cmd, st, out);
                        }
                    }
                    b'\n' | ESC => {}
                    _ => self.line.push(b),
                }
            }
            Awaiting::TextBody { .. } | Awaiting::PduBody { .. } => match b {
                CTRL_Z => {
                    let body = std::mem::take(&mut self.line);
                    let awaiting = std::mem::replace(&mut self.awaiting, Awaiting::Command);
                    self.body(awaiting, &body, st, out);
                }
                ESC => {
                    // The message is cancelled.
                    self.line.clear();
                    self.awaiting = Awaiting::Command;
                    ok(out);
                }
                _ => {
                    if self.echo {
                        out.push(b);
                    }
                    self.line.push(b);
                }
            },
        }
    }

    fn cme(&self, out: &mut Vec<u8>, code: u16) {
        if self.cmee {
            line(out, &format!("+CME ERROR: {code}"));
        } else {
            line(out, "ERROR");
        }
    }

    fn command(&mut self, cmd: &str, st: &mut State, out: &mut Vec<u8>) {
        let upper = cmd.to_ascii_uppercase();
        let Some(rest) = upper.strip_prefix("AT") else {
            return line(out, "ERROR");
        };
        // The argument as typed (quoted strings keep their case).
        let arg = |prefix: &str| cmd.get(2 + prefix.len()..).unwrap_or("").to_string();
        let sim_locked = st.faults.pin.is_some() && !self.pin_given;
        let needs_sim = ["+CMGF", "+CSCS", "+CSMP", "+CSCA", "+CMGS"]
            .iter()
            .any(|p| rest.starts_with(p));
        if needs_sim && sim_locked {
            return self.cme(out, 11);
        }
        if st.faults.unsolicited && rest.starts_with("+CMGF") {
            line(out, "RING");
        }
        match rest {
            "" | "Z" | "+CMEE?" => ok(out),
            "E0" => {
                self.echo = false;
                ok(out)
            }
            "E1" => {
                self.echo = true;
                ok(out)
            }
            "+CMEE=0" | "+CMEE=1" | "+CMEE=2" => {
                self.cmee = !rest.ends_with('0');
                ok(out)
            }
            "+CPIN?" => {
                let state = if sim_locked { "SIM PIN" } else { "READY" };
                line(out, &format!("+CPIN: {state}"));
                ok(out)
            }
            _ if rest.starts_with("+CPIN=") => {
                let given = unquote(&arg("+CPIN="));
                match &st.faults.pin {
                    Some(pin) if *pin == given => {
                        self.pin_given = true;
                        ok(out)
                    }
                    Some(_) => self.cme(out, 16),
                    // No PIN wanted: the SIM is not waiting for one.
                    None => self.cme(out, 3),
                }
            }
            "+CMGF=0" | "+CMGF=1" => {
                self.pdu_mode = rest.ends_with('0');
                ok(out)
            }
            _ if rest.starts_with("+CSCS=") => {
                let set = unquote(&arg("+CSCS="));
                if ["GSM", "UCS2", "IRA"].contains(&set.as_str()) {
                    self.charset = set;
                    ok(out)
                } else {
                    self.cme(out, 4)
                }
            }
            _ if rest.starts_with("+CSMP=") => {
                let fields: Vec<&str> = rest["+CSMP=".len()..].split(',').collect();
                match fields.get(3).and_then(|d| d.trim().parse::<u8>().ok()) {
                    Some(dcs @ (0 | 8)) if fields.len() == 4 => {
                        self.dcs = dcs;
                        ok(out)
                    }
                    _ => line(out, "+CMS ERROR: 305"),
                }
            }
            _ if rest.starts_with("+CSCA=") => ok(out),
            _ if rest.starts_with("+CMGS=") => self.cmgs(&arg("+CMGS="), st, out),
            _ => line(out, "ERROR"),
        }
    }

    fn cmgs(&mut self, arg: &str, st: &mut State, out: &mut Vec<u8>) {
        if self.pdu_mode {
            match arg.trim().parse::<usize>() {
                Ok(length @ 1..=164) => self.awaiting = Awaiting::PduBody { length },
                _ => return line(out, "+CMS ERROR: 304"),
            }
        } else {
            let da = unquote(arg.split(',').next().unwrap_or(""));
            // In text mode a string is in the character set `AT+CSCS` set,
            // the number too.
            let number = if self.charset == "UCS2" {
                match from_ucs2_hex(&da) {
                    Ok(n) => n,
                    Err(_) => return line(out, "+CMS ERROR: 305"),
                }
            } else {
                da
            };
            if !crate::domain::people::is_sms_number(&number) {
                return line(out, "+CMS ERROR: 305");
            }
            self.awaiting = Awaiting::TextBody { number };
        }
        if st.faults.unsolicited {
            line(out, "+CMTI: \"SM\",3");
        }
        out.extend_from_slice(b"\r\n> ");
    }

    fn body(&mut self, awaiting: Awaiting, body: &[u8], st: &mut State, out: &mut Vec<u8>) {
        let received = match awaiting {
            Awaiting::TextBody { number } => self.text_body(number, body),
            Awaiting::PduBody { length } => decode_submit(&String::from_utf8_lossy(body), length)
                .map(|s| Received {
                    number: s.number,
                    mode: Mode::Pdu,
                    coding: s.coding,
                    concat: s.concat,
                    text: s.text,
                })
                .map_err(|_| 304),
            Awaiting::Command => Err(500),
        };
        let received = match received {
            Ok(r) => r,
            Err(code) => return line(out, &format!("+CMS ERROR: {code}")),
        };
        if let Some(code) = st.faults.refuse_sends {
            return line(out, &format!("+CMS ERROR: {code}"));
        }
        st.received.push(received);
        self.reference = self.reference.wrapping_add(1);
        line(out, &format!("+CMGS: {}", self.reference));
        ok(out)
    }

    /// A text-mode body in the character set and coding in force.
    fn text_body(&self, number: String, body: &[u8]) -> Result<Received, u16> {
        let (coding, text) = match (self.charset.as_str(), self.dcs) {
            ("UCS2", 8) => {
                let hex = String::from_utf8_lossy(body);
                let text = from_ucs2_hex(hex.trim()).map_err(|_| 305u16)?;
                if text.encode_utf16().count() > SINGLE_UCS2 {
                    return Err(305);
                }
                (Coding::Ucs2, text)
            }
            ("GSM", 0) => {
                if body.len() > SINGLE_GSM7 || body.iter().any(|&b| b > 0x7F) {
                    return Err(305);
                }
                (Coding::Gsm7, from_septets(body))
            }
            ("IRA", 0) if body.is_ascii() && body.len() <= SINGLE_GSM7 => {
                (Coding::Gsm7, String::from_utf8_lossy(body).into_owned())
            }
            _ => return Err(305),
        };
        Ok(Received {
            number,
            mode: Mode::Text,
            coding,
            concat: None,
            text,
        })
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `bytes` and reads until `want` shows up (or the answer stops).
    fn exchange(port: &mut TTYPort, bytes: &[u8], want: &str) -> String {
        port.write_all(bytes).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        for _ in 0..40 {
            match port.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("{e}"),
            }
            if String::from_utf8_lossy(&got).contains(want) {
                break;
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    #[test]
    fn the_modem_is_as_strict_as_a_real_one() {
        let sim = ModemSim::start(ModemFaults::default()).unwrap();
        let mut port = serialport::new(sim.path().display().to_string(), 115_200)
            .timeout(Duration::from_millis(50))
            .open_native()
            .unwrap();
        // Echo until ATE0.
        assert!(exchange(&mut port, b"AT\r", "OK").starts_with("AT\r"));
        assert_eq!(exchange(&mut port, b"ATE0\r", "OK"), "ATE0\r\r\nOK\r\n");
        assert_eq!(exchange(&mut port, b"AT\r", "OK"), "\r\nOK\r\n");
        assert!(exchange(&mut port, b"AT+FOO\r", "ERROR").contains("ERROR"));
        exchange(&mut port, b"AT+CMGF=1\r", "OK");
        exchange(&mut port, b"AT+CSCS=\"GSM\"\r", "OK");
        // Text mode holds 160 septets and no more.
        assert!(exchange(&mut port, b"AT+CMGS=\"+34600123456\"\r", "> ").ends_with("> "));
        let mut long = vec![b'a'; 161];
        long.push(CTRL_Z);
        assert!(exchange(&mut port, &long, "ERROR").contains("+CMS ERROR: 305"));
        // UCS-2 text needs the coding AT+CSMP set.
        exchange(&mut port, b"AT+CSCS=\"UCS2\"\r", "OK");
        let prompt = exchange(&mut port, b"AT+CMGS=\"002B00330034003600300030\"\r", "> ");
        assert!(prompt.ends_with("> "), "{prompt:?}");
        assert!(exchange(&mut port, b"00F3\x1a", "ERROR").contains("+CMS ERROR: 305"));
        // A PDU whose length disagrees with AT+CMGS is refused.
        exchange(&mut port, b"AT+CMGF=0\r", "OK");
        exchange(&mut port, b"AT+CMGS=20\r", "> ");
        let (pdu, _) = crate::gsm::pdu::submit("+34600123456", Coding::Gsm7, "hi", None);
        let answer = exchange(&mut port, format!("{pdu}\x1a").as_bytes(), "ERROR");
        assert!(answer.contains("+CMS ERROR: 304"), "{answer}");
        // Escape cancels a message at its prompt.
        exchange(&mut port, b"AT+CMGS=14\r", "> ");
        assert!(exchange(&mut port, b"0011\x1b", "OK").contains("OK"));
        assert!(sim.received().is_empty());
    }
}
