//! The other side of the control socket, for `locker admin` and the data
//! commands while the kiosk runs: a blocking client. A reader thread sorts
//! what arrives into answers (by request id) and events.

use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::proto::{Call, Reply, Response, VERSION, WireError, WireRequest, encode_request};
use crate::engine::read::{Answer, Query};
use crate::engine::{Actor, Command, EngineError, EngineResult, Event};
use crate::link::EngineLink;

/// How long an answer may take: an audit check of a long log is the slowest.
pub const ANSWER_WAIT: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("control socket: {0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Refused(WireError),
    #[error("the kiosk closed the connection")]
    Closed,
    #[error("the kiosk did not answer within {} s", ANSWER_WAIT.as_secs())]
    Timeout,
    #[error("the kiosk answered something unexpected")]
    Unexpected,
    /// The console's calls carry the engine's own reads and commands, which
    /// only a kiosk of the same release speaks.
    #[error(
        "the kiosk runs locker {kiosk} and this console is locker {ours}: use the kiosk's own `locker admin` (list calls and --json work across releases)"
    )]
    OtherRelease { kiosk: String, ours: String },
}

impl From<ClientError> for EngineError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Refused(w) => w.into(),
            other => EngineError::Invalid(other.to_string()),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // The reader thread holds a clone: shut the socket, not just a handle.
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// What arrives without being asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Unasked {
    Event(Event),
    /// Events were dropped: whatever is on screen should be read again.
    Notice(String),
}

/// A connection to a running kiosk.
pub struct Client {
    path: PathBuf,
    stream: UnixStream,
    answers: mpsc::Receiver<Response>,
    /// Every connection's reader sends here, so that events keep arriving
    /// in one place after a reconnect.
    unasked_tx: mpsc::Sender<Unasked>,
    unasked: Option<mpsc::Receiver<Unasked>>,
    next_id: u64,
    /// The kiosk's letter and name, from its hello.
    pub kiosk: (String, String),
    /// The kiosk's release, from its hello.
    pub release: String,
    /// The kiosk's time zone and staff language, from its hello (empty and
    /// none from a kiosk that does not say).
    pub time_zone: String,
    pub language: Option<crate::domain::Language>,
}

impl Client {
    /// Connects to the kiosk serving `path` and says hello. An error of kind
    /// `NotFound` or `ConnectionRefused` means no kiosk is running there.
    pub fn connect(path: &Path) -> Result<Client, ClientError> {
        let (unasked_tx, unasked) = mpsc::channel();
        let (stream, answers) = open(path, unasked_tx.clone())?;
        let mut client = Client {
            path: path.to_path_buf(),
            stream,
            answers,
            unasked_tx,
            unasked: Some(unasked),
            next_id: 1,
            kiosk: (String::new(), String::new()),
            release: String::new(),
            time_zone: String::new(),
            language: None,
        };
        client.hello()?;
        Ok(client)
    }

    fn hello(&mut self) -> Result<(), ClientError> {
        let client = format!("locker {}", env!("CARGO_PKG_VERSION"));
        match self.call(Call::Hello { client })? {
            Reply::Hello {
                kiosk,
                name,
                version,
                time_zone,
                language,
                ..
            } => {
                self.kiosk = (kiosk, name);
                self.release = version;
                self.time_zone = time_zone;
                self.language = language;
            }
            _ => return Err(ClientError::Unexpected),
        }
        Ok(())
    }

    /// Whether an error means the kiosk closed this connection, as it does
    /// with one that has not signed in within seconds or has sent nothing
    /// for minutes.
    pub fn closed(e: &ClientError) -> bool {
        matches!(
            e,
            ClientError::Closed
                | ClientError::Io(_)
                | ClientError::Refused(WireError::SignInTimeout { .. } | WireError::Idle { .. })
        )
    }

    /// Sends a sign-in, on a new connection if the kiosk closed this one
    /// while a person was typing the PIN.
    pub fn call_signing_in(&mut self, call: Call) -> Result<Reply, ClientError> {
        match self.call(call.clone()) {
            Err(e) if Self::closed(&e) => {
                let _ = self.stream.shutdown(std::net::Shutdown::Both);
                let (stream, answers) = open(&self.path, self.unasked_tx.clone())?;
                (self.stream, self.answers) = (stream, answers);
                self.hello()?;
                self.call(call)
            }
            other => other,
        }
    }

    /// Whether an error from [`Client::connect`] only means "no kiosk here".
    pub fn nobody_there(e: &ClientError) -> bool {
        matches!(e, ClientError::Io(io) if matches!(io.kind(), io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused))
    }

    /// Events and notices; can be taken once.
    pub fn take_unasked(&mut self) -> Option<mpsc::Receiver<Unasked>> {
        self.unasked.take()
    }

    /// Sends one call and waits for its answer.
    pub fn call(&mut self, call: Call) -> Result<Reply, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        let line = encode_request(&WireRequest {
            v: VERSION,
            id,
            call,
        });
        self.stream.write_all(line.as_bytes())?;
        loop {
            let r = match self.answers.recv_timeout(ANSWER_WAIT) {
                Ok(r) => r,
                Err(mpsc::RecvTimeoutError::Timeout) => return Err(ClientError::Timeout),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(ClientError::Closed),
            };
            // An answer to an earlier call that gave up waiting.
            if r.id.is_some_and(|i| i != id) {
                continue;
            }
            return match (r.ok, r.error) {
                (Some(ok), _) => Ok(ok),
                (None, Some(e)) => Err(ClientError::Refused(e)),
                (None, None) => Err(ClientError::Unexpected),
            };
        }
    }

    /// Signs this connection in; a wrong PIN is an error.
    pub fn sign_in(&mut self, user: &str, pin: &str) -> Result<(), ClientError> {
        let reply = self.call_signing_in(Call::SignIn {
            user: user.into(),
            pin: pin.into(),
        })?;
        match reply {
            Reply::Events(ev) if ev.iter().any(|e| matches!(e, Event::SignedIn { .. })) => Ok(()),
            Reply::Events(ev) => Err(ClientError::Refused(WireError::Invalid {
                message: sign_in_refusal(&ev),
            })),
            _ => Err(ClientError::Unexpected),
        }
    }
}

fn sign_in_refusal(ev: &[Event]) -> String {
    for e in ev {
        match e {
            Event::CodeRefused {
                refusal: crate::engine::Refusal::SignInLocked { until },
                ..
            } => {
                return format!(
                    "sign-in for this user paused after wrong PINs until {}",
                    until.format("%H:%M:%S UTC")
                );
            }
            Event::CodeRefused { .. } => return "wrong user name or PIN".into(),
            _ => {}
        }
    }
    "sign-in refused".into()
}

/// A connection and the reader thread that sorts what arrives on it.
fn open(
    path: &Path,
    unasked: mpsc::Sender<Unasked>,
) -> Result<(UnixStream, mpsc::Receiver<Response>), ClientError> {
    let stream = UnixStream::connect(path)?;
    let read = stream.try_clone()?;
    let (answers_tx, answers) = mpsc::channel();
    std::thread::Builder::new()
        .name("control-reader".into())
        .spawn(move || read_loop(read, answers_tx, unasked))?;
    Ok((stream, answers))
}

fn read_loop(stream: UnixStream, answers: mpsc::Sender<Response>, unasked: mpsc::Sender<Unasked>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let Ok(r) = serde_json::from_str::<Response>(line.trim_end()) else {
            tracing::warn!("control socket: an unreadable line from the kiosk");
            continue;
        };
        if r.id.is_some() || r.ok.is_some() || r.error.is_some() {
            if answers.send(r).is_err() {
                return;
            }
        } else if let Some(e) = r.event {
            let _ = unasked.send(Unasked::Event(e));
        } else if let Some(n) = r.notice {
            let _ = unasked.send(Unasked::Notice(n));
        }
    }
}

/// The admin console on a running kiosk's engine. The actor a console
/// names is ignored: the kiosk acts as whoever signed in on the connection.
pub struct RemoteEngine {
    client: Client,
}

impl RemoteEngine {
    /// The console's link on `client`'s kiosk, which must be of this
    /// console's own release.
    pub fn new(client: Client) -> Result<Self, ClientError> {
        let ours = env!("CARGO_PKG_VERSION");
        if client.release != ours {
            return Err(ClientError::OtherRelease {
                kiosk: client.release.clone(),
                ours: ours.to_string(),
            });
        }
        Ok(Self { client })
    }

    fn events(reply: Result<Reply, ClientError>) -> EngineResult {
        match reply.map_err(session_over)? {
            Reply::Events(ev) => Ok(ev),
            _ => Err(ClientError::Unexpected.into()),
        }
    }
}

/// A connection the kiosk closed took its session with it: the console
/// goes back to its sign-in screen, and signing in opens a new one.
fn session_over(e: ClientError) -> EngineError {
    if Client::closed(&e) {
        EngineError::NotSignedIn
    } else {
        e.into()
    }
}

impl EngineLink for RemoteEngine {
    fn command(&mut self, _actor: &Actor, command: Command) -> EngineResult {
        let signing_in = matches!(command, Command::SignIn { .. });
        let signing_out = matches!(command, Command::SignOut);
        let call = Call::Command { command };
        let reply = if signing_in {
            self.client.call_signing_in(call)
        } else {
            self.client.call(call)
        };
        let events = match Self::events(reply) {
            Err(EngineError::NotSignedIn) if signing_out => vec![Event::SignedOut],
            other => other?,
        };
        if signing_in && events.iter().any(|e| matches!(e, Event::SignedIn { .. })) {
            // Screens follow doors and alerts while signed in.
            self.client
                .call(Call::Subscribe)
                .map_err(EngineError::from)?;
        }
        Ok(events)
    }

    fn read(&mut self, _actor: &Actor, query: Query) -> Result<Answer, EngineError> {
        match self
            .client
            .call(Call::Read { query })
            .map_err(session_over)?
        {
            Reply::Loaded(l) => Ok(l),
            _ => Err(ClientError::Unexpected.into()),
        }
    }
}
