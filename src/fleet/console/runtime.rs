//! The support console on a real terminal: the one loop of
//! [`crate::ui::app`], fed by a thread that follows the property's
//! retained topics, with each order signed and sent from a thread of its
//! own so the screen never waits on the broker.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rumqttc::{Client, Event as MqttEvent, Packet, QoS};

use super::{Send, Support};
use crate::fleet::FleetLink;
use crate::fleet::order::{AgentKey, Outcome};
use crate::ui::app::{self, App, Flow, Sink, TerminalSetup};
use crate::ui::reader::StdoutScreen;
use crate::ui::{Input, Intent};

/// How long an order waits for the kiosk's answer.
const ANSWER_WAIT: Duration = Duration::from_secs(20);

/// What wakes the console besides keys.
pub enum Heard {
    /// A message on one of the site's topics.
    Topic(String, Vec<u8>),
    /// A kiosk's answer to an order (or why none came).
    Answer(String, Result<Outcome, String>),
}

/// Where the console's background threads tell the loop what they heard:
/// false once the loop has stopped.
pub type Tell = Arc<dyn Fn(Heard) -> bool + std::marker::Send + Sync>;

/// Runs the console until the agent leaves (q, Ctrl-C) or the terminal
/// closes. `site` names the property's broker and site; `agent` signs
/// orders (none: watching only).
pub fn run(
    support: Support,
    site: FleetLink,
    agent: Option<AgentKey>,
    setup: TerminalSetup,
) -> io::Result<()> {
    let mut on_screen = OnScreen::new(support, site, agent);
    let hook = on_screen.hook();
    app::run(&mut on_screen, setup, move |sink: Sink<Heard>| {
        hook.start(Arc::new(move |h| sink.event(h)))
    })
}

/// Starts what feeds a console: call once the loop runs.
pub struct Hook {
    site: FleetLink,
    tell: Arc<Mutex<Option<Tell>>>,
}

impl Hook {
    pub fn start(self, tell: Tell) -> io::Result<()> {
        *self.tell.lock().unwrap_or_else(|e| e.into_inner()) = Some(tell.clone());
        watch(self.site, tell)
    }
}

/// Follows the site's retained topics on a thread of its own; a broker
/// that goes away is tried again every second.
fn watch(site: FleetLink, tell: Tell) -> io::Result<()> {
    let opts = site.options(format!(
        "locker-console-{}",
        hex::encode(rand::random::<[u8; 4]>())
    ));
    let (client, mut connection) = Client::new(opts, 64);
    std::thread::Builder::new()
        .name("broker".into())
        .spawn(move || {
            for n in connection.iter() {
                match n {
                    Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                        for topic in crate::fleet::watch::filters(&site) {
                            let _ = client.try_subscribe(topic, QoS::AtLeastOnce);
                        }
                    }
                    Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                        if !tell(Heard::Topic(p.topic.clone(), p.payload.to_vec())) {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::debug!(error = %e, "broker unreachable");
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            }
        })?;
    Ok(())
}

/// The console as the loop drives it.
pub struct OnScreen {
    support: Support,
    site: FleetLink,
    agent: Option<Arc<AgentKey>>,
    /// Where an order's thread tells the answer (set once the loop runs).
    tell: Arc<Mutex<Option<Tell>>>,
    /// Something it shows changed since it was last drawn (a retained
    /// message repeated as it was changes nothing).
    dirty: bool,
    /// The whole screen is written afresh at the next draw (what the
    /// terminal showed is unknown), as the kiosk does.
    clear: bool,
}

impl OnScreen {
    pub fn new(support: Support, site: FleetLink, agent: Option<AgentKey>) -> Self {
        OnScreen {
            support,
            site,
            agent: agent.map(Arc::new),
            tell: Arc::new(Mutex::new(None)),
            dirty: true,
            clear: true,
        }
    }

    /// What starts the console's feed, for the loop's start-up.
    pub fn hook(&self) -> Hook {
        Hook {
            site: self.site.clone(),
            tell: self.tell.clone(),
        }
    }

    fn send(&self, order: Send) {
        let tell = self.tell.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (Some(agent), Some(tell)) = (self.agent.clone(), tell) else {
            return;
        };
        let mut link = self.site.clone();
        link.kiosk = order.kiosk.clone();
        std::thread::spawn(move || {
            let outcome = crate::fleet::agent::send_order(&link, &agent, order.action, ANSWER_WAIT);
            tell(Heard::Answer(order.kiosk, outcome));
        });
    }
}

impl App for OnScreen {
    type Event = Heard;

    fn draw(&mut self, terminal: &mut StdoutScreen) -> io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        if self.clear {
            terminal.clear()?;
            self.clear = false;
        }
        let page = super::page(&self.support);
        terminal.draw(|f| crate::ui::page::draw(&page, f))?;
        self.dirty = false;
        Ok(())
    }

    fn repaint(&mut self, _terminal: &mut StdoutScreen) -> io::Result<()> {
        self.clear = true;
        self.dirty = true;
        Ok(())
    }

    fn next_tick(&self) -> DateTime<Utc> {
        // The header's clock: the next minute.
        let now = Utc::now();
        now + chrono::Duration::seconds(60 - i64::from(chrono::Timelike::second(&now)))
    }

    fn tick(&mut self, now: DateTime<Utc>) {
        // The header's clock moved on a minute.
        self.support.now = now;
        self.dirty = true;
    }

    fn event(&mut self, event: Heard) {
        match event {
            Heard::Topic(topic, payload) => {
                self.dirty |= self.support.heard(&topic, &payload);
            }
            Heard::Answer(kiosk, outcome) => {
                self.support.answered(&kiosk, outcome);
                self.dirty = true;
            }
        }
    }

    fn input(&mut self, input: Input, _terminal: &mut StdoutScreen) -> Flow {
        if input == Input::Intent(Intent::Quit) && !self.support.wants_text() {
            return Flow::Stop;
        }
        if let Some(order) = self.support.input(input) {
            self.send(order);
        }
        self.dirty = true;
        Flow::Go
    }

    fn text_entry(&self) -> bool {
        self.support.wants_text()
    }

    fn done(&self) -> bool {
        self.support.has_left()
    }
}
