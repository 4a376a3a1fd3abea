//! Text messages through a GSM modem (`[sms]`). The port is opened when the
//! first text is due, not at start-up, so a missing or mute modem never
//! keeps the kiosk from starting; it costs the delivery thread at most a
//! timeout, after which texts rest a while and e-mail goes on.

pub mod modem;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::templates;
use super::transport::SendError;
use crate::config::SmsConfig;
use crate::store::Notification;
use modem::{Modem, ModemError};

/// After the modem failed to answer, texts wait this long before it is
/// tried again (each message also backs off on its own).
const REST: Duration = Duration::from_secs(30);

pub struct Sms {
    cfg: SmsConfig,
    link: Mutex<Link>,
}

#[derive(Default)]
struct Link {
    modem: Option<Modem>,
    /// Until when, and why, texts are not tried.
    resting: Option<(Instant, String)>,
    /// The SIM refused the PIN: trying it again could lock the SIM.
    locked: Option<String>,
}

impl Sms {
    pub fn new(cfg: SmsConfig) -> Self {
        Self {
            cfg,
            link: Mutex::new(Link::default()),
        }
    }

    /// Sends the message's text to each of its numbers; an error means
    /// "try again later" (all of it: a text is cheap to get twice, and its
    /// parts carry the same reference each time).
    pub fn send(&self, n: &Notification) -> Result<(), SendError> {
        let text = templates::sms(n);
        let mut link = self.link.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(why) = &link.locked {
            return Err(SendError(why.clone()));
        }
        if let Some((until, why)) = &link.resting {
            if Instant::now() < *until {
                return Err(SendError(why.clone()));
            }
            link.resting = None;
        }
        let result = self.send_on(&mut link, n, &text);
        if let Err(e) = &result {
            // The next attempt starts from a fresh port and set-up.
            link.modem = None;
            if let ModemError::PinRefused(_) = e {
                link.locked = Some(e.to_string());
            } else if e.modem_down() {
                link.resting = Some((Instant::now() + REST, e.to_string()));
            }
        }
        result.map_err(|e| SendError(e.to_string()))
    }

    fn send_on(&self, link: &mut Link, n: &Notification, text: &str) -> Result<(), ModemError> {
        let modem = match &mut link.modem {
            Some(m) => m,
            None => link.modem.insert(Modem::open(&self.cfg)?),
        };
        // The same reference on every attempt of this message.
        let reference = (n.id % 256) as u8;
        for number in &n.to {
            modem.send(number, text, reference)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod delivery_tests;
#[cfg(test)]
mod tests;
