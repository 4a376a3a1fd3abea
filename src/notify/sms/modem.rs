//! The AT command driver of a GSM modem (TS 27.005 and 27.007) on a serial
//! port. A message that fits one part goes in text mode (`AT+CMGF=1`), in
//! the `GSM` character set or, when it needs characters outside the GSM
//! alphabet, in `UCS2` with data coding scheme 8 (`AT+CSMP`). Text mode has
//! no standard way to number the parts of a longer message, so those go in
//! PDU mode (`AT+CMGF=0`), each part with its concatenation header.
//!
//! Every wait is bounded: a modem that does not answer costs at most the
//! configured timeout, and the error says what it did not answer.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::TTYPort;

use crate::config::SmsConfig;
use crate::gsm::parts::{Coding, MAX_PARTS};
use crate::gsm::pdu::{Concat, digits, submit, type_of_number, ucs2_hex};
use crate::gsm::{plan, to_septets};

const CTRL_Z: u8 = 0x1A;
const ESC: u8 = 0x1B;

impl Drop for Modem {
    /// The port is opened exclusively (no second program may talk to the
    /// modem meanwhile); the flag is the terminal's, not the descriptor's,
    /// so it is cleared for the next opening.
    fn drop(&mut self) {
        let _ = self.port.set_exclusive(false);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModemError {
    #[error("modem port {port}: {error}")]
    Open { port: String, error: String },
    #[error("modem: {0}")]
    Io(String),
    #[error("modem did not answer {0} in time")]
    Timeout(String),
    /// `ERROR`, `+CME ERROR: n` or `+CMS ERROR: n` to a command.
    #[error("modem refused {command}: {answer}")]
    Refused { command: String, answer: String },
    /// The SIM is locked, or missing.
    #[error("SIM: {0}")]
    Sim(String),
    /// The SIM refused the configured PIN.
    #[error("SIM: {0}")]
    PinRefused(String),
    #[error("{0}")]
    Message(String),
}

impl ModemError {
    /// The modem or its SIM cannot send anything yet (not one message
    /// refused).
    pub fn modem_down(&self) -> bool {
        matches!(
            self,
            ModemError::Open { .. }
                | ModemError::Io(_)
                | ModemError::Timeout(_)
                | ModemError::Sim(_)
        )
    }
}

/// Lines a modem may send at any time, between the answers to commands.
const UNSOLICITED: [&str; 12] = [
    "RING",
    "+CRING",
    "+CMTI:",
    "+CMT:",
    "+CDSI:",
    "+CDS:",
    "+CBM:",
    "+CREG:",
    "+CGREG:",
    "+CEREG:",
    "NO CARRIER",
    "^",
];

fn unsolicited(line: &str) -> bool {
    UNSOLICITED.iter().any(|u| line.starts_with(u))
}

fn final_error(line: &str) -> bool {
    line == "ERROR" || line.starts_with("+CME ERROR") || line.starts_with("+CMS ERROR")
}

enum Event {
    Line(String),
    Prompt,
}

pub struct Modem {
    port: TTYPort,
    pending: Vec<u8>,
    timeout: Duration,
    send_timeout: Duration,
}

impl Modem {
    /// Opens the port and prepares the modem (echo off, verbose errors,
    /// the SIM unlocked, the service centre).
    pub fn open(cfg: &SmsConfig) -> Result<Modem, ModemError> {
        let port = serialport::new(&cfg.port, cfg.baud)
            .timeout(Duration::from_millis(100))
            .open_native()
            .map_err(|e| ModemError::Open {
                port: cfg.port.clone(),
                error: e.to_string(),
            })?;
        let mut modem = Modem {
            port,
            pending: Vec::new(),
            timeout: Duration::from_secs(cfg.timeout_secs),
            send_timeout: Duration::from_secs(cfg.send_timeout_secs),
        };
        modem.init(cfg.pin.as_deref(), cfg.smsc.as_deref())?;
        Ok(modem)
    }

    fn init(&mut self, pin: Option<&str>, smsc: Option<&str>) -> Result<(), ModemError> {
        // A message left at its `>` prompt (a restart mid-send) is cancelled.
        self.write(&[ESC])?;
        self.command("AT")?;
        self.command("ATE0")?;
        self.command("AT+CMEE=1")?;
        let state = self
            .command("AT+CPIN?")?
            .into_iter()
            .find_map(|l| l.strip_prefix("+CPIN:").map(|s| s.trim().to_string()))
            .unwrap_or_default();
        match (state.as_str(), pin) {
            ("READY", _) => {}
            ("SIM PIN", Some(pin)) => match self.command(&format!("AT+CPIN=\"{pin}\"")) {
                Ok(_) => {}
                // A wrong PIN is never tried again: three and the SIM
                // wants its PUK.
                Err(ModemError::Refused { answer, .. }) => {
                    return Err(ModemError::PinRefused(format!(
                        "refused sms.pin ({answer}); not tried again until the kiosk restarts"
                    )));
                }
                Err(e) => return Err(e),
            },
            ("SIM PIN", None) => {
                return Err(ModemError::Sim("asks for its PIN: set sms.pin".into()));
            }
            (other, _) => {
                return Err(ModemError::Sim(format!(
                    "is in state {other:?}: it needs a person (PUK, or no SIM)"
                )));
            }
        }
        self.command("AT+CMGF=1")?;
        self.command("AT+CSCS=\"GSM\"")?;
        if let Some(smsc) = smsc {
            let (d, intl) = digits(smsc);
            let plus = if intl { "+" } else { "" };
            self.command(&format!("AT+CSCA=\"{plus}{d}\",{}", type_of_number(intl)))?;
        }
        Ok(())
    }

    /// Sends `text` to `number`; a long text goes in parts that carry
    /// `reference`, the same on every attempt of the same message.
    pub fn send(&mut self, number: &str, text: &str, reference: u8) -> Result<(), ModemError> {
        let plan = plan(text);
        let total = plan.parts.len();
        if total > MAX_PARTS {
            return Err(ModemError::Message(format!(
                "{total} parts, more than {MAX_PARTS}"
            )));
        }
        let (d, intl) = digits(number);
        let number = format!("{}{d}", if intl { "+" } else { "" });
        if plan.fits_text_mode() {
            self.command("AT+CMGF=1")?;
            let (charset, dcs, da, body) = match plan.coding {
                Coding::Gsm7 => ("GSM", 0, number, to_septets(text).unwrap_or_default()),
                Coding::Ucs2 => ("UCS2", 8, ucs2_hex(&number), ucs2_hex(text).into_bytes()),
            };
            self.command(&format!("AT+CSCS=\"{charset}\""))?;
            self.command(&format!("AT+CSMP=17,167,0,{dcs}"))?;
            let toda = type_of_number(intl);
            return self.submit(&format!("AT+CMGS=\"{da}\",{toda}"), &body);
        }
        self.command("AT+CMGF=0")?;
        for (i, part) in plan.parts.iter().enumerate() {
            let concat = (total > 1).then_some(Concat {
                reference,
                total: total as u8,
                seq: i as u8 + 1,
            });
            let (pdu, length) = submit(&number, plan.coding, part, concat);
            self.submit(&format!("AT+CMGS={length}"), pdu.as_bytes())?;
        }
        self.command("AT+CMGF=1").map(|_| ())
    }

    /// `AT+CMGS`, its prompt, the body and Ctrl-Z, and the `+CMGS:` answer.
    fn submit(&mut self, command: &str, body: &[u8]) -> Result<(), ModemError> {
        self.write(format!("{command}\r").as_bytes())?;
        let deadline = Instant::now() + self.timeout;
        loop {
            match self.next(deadline, true, command)? {
                Event::Prompt => break,
                Event::Line(l) if final_error(&l) || l == "OK" => {
                    return Err(ModemError::Refused {
                        command: command.into(),
                        answer: l,
                    });
                }
                Event::Line(_) => {}
            }
        }
        let mut bytes = body.to_vec();
        bytes.push(CTRL_Z);
        self.write(&bytes)?;
        let answer = self.finish(command, Instant::now() + self.send_timeout)?;
        if answer.iter().any(|l| l.starts_with("+CMGS:")) {
            Ok(())
        } else {
            Err(ModemError::Message(format!("{command}: OK without +CMGS")))
        }
    }

    /// One command and its answer lines (without echo, unsolicited lines and
    /// the final `OK`).
    fn command(&mut self, command: &str) -> Result<Vec<String>, ModemError> {
        self.write(format!("{command}\r").as_bytes())?;
        self.finish(command, Instant::now() + self.timeout)
    }

    fn finish(&mut self, command: &str, deadline: Instant) -> Result<Vec<String>, ModemError> {
        let mut info = Vec::new();
        loop {
            let Event::Line(l) = self.next(deadline, false, command)? else {
                continue;
            };
            if l == "OK" {
                return Ok(info);
            }
            if final_error(&l) {
                return Err(ModemError::Refused {
                    command: command.into(),
                    answer: l,
                });
            }
            if l != command && !unsolicited(&l) {
                info.push(l);
            }
        }
    }

    /// The next non-empty line, or the `> ` prompt when one is awaited.
    fn next(&mut self, deadline: Instant, prompt: bool, what: &str) -> Result<Event, ModemError> {
        let mut buf = [0u8; 256];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\r' || b == b'\n') {
                let raw: Vec<u8> = self.pending.drain(..=end).collect();
                let line = String::from_utf8_lossy(&raw);
                let line = line.trim_matches(|c: char| c.is_control() || c == ' ');
                if !line.is_empty() {
                    return Ok(Event::Line(line.to_string()));
                }
                continue;
            }
            if prompt && self.pending.first() == Some(&b'>') {
                self.pending.clear();
                return Ok(Event::Prompt);
            }
            if Instant::now() >= deadline {
                return Err(ModemError::Timeout(what.to_string()));
            }
            match self.port.read(&mut buf) {
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ModemError::Io(e.to_string())),
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ModemError> {
        // No flush: draining a port nobody reads would wait forever.
        self.port
            .write_all(bytes)
            .map_err(|e| ModemError::Io(e.to_string()))
    }
}
