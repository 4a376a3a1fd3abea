//! The links to the engine: what the kiosk, the console and the service
//! laptop need of it, commands and reads, whether the engine is owned by
//! this thread (tests, the command line), runs on the engine thread behind
//! an [`EngineHandle`], sits across the control socket
//! (`control::RemoteEngine`) or is a laptop's own bus (`service`).

use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, Engine, EngineError, EngineResult, Refusal, Rejection};

/// Why the engine said no, in a form a screen can keep and compare, and a
/// support agent's console be told (docs/FLEET.md).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    #[error("{0}")]
    Refused(Refusal),
    #[error("sign in first")]
    NotSignedIn,
    #[error("not allowed for your role")]
    Denied,
    #[error("{0}")]
    Rejected(Rejection),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    /// The database failed; the log has why.
    #[error("the kiosk's database failed")]
    Store,
}

impl From<&EngineError> for Failure {
    fn from(e: &EngineError) -> Self {
        match e {
            EngineError::Refused(r) => Failure::Refused(r.clone()),
            EngineError::NotSignedIn => Failure::NotSignedIn,
            EngineError::Denied { .. } => Failure::Denied,
            EngineError::Rejected(r) => Failure::Rejected(r.clone()),
            EngineError::Invalid(s) => Failure::Invalid(s.clone()),
            EngineError::NotFound(s) => Failure::NotFound(s.clone()),
            EngineError::Store(e) => {
                tracing::error!(error = %e, "the database failed");
                Failure::Store
            }
        }
    }
}

pub trait EngineLink {
    fn command(&mut self, actor: &Actor, command: Command) -> EngineResult;
    fn read(&mut self, actor: &Actor, query: Query) -> Result<Answer, EngineError>;
}

impl EngineLink for Engine {
    fn command(&mut self, actor: &Actor, command: Command) -> EngineResult {
        self.handle(actor, command)
    }

    fn read(&mut self, actor: &Actor, query: Query) -> Result<Answer, EngineError> {
        Engine::read(self, actor, query)
    }
}

impl EngineLink for EngineHandle {
    fn command(&mut self, actor: &Actor, command: Command) -> EngineResult {
        self.send_blocking(actor.clone(), command)
    }

    fn read(&mut self, actor: &Actor, query: Query) -> Result<Answer, EngineError> {
        let actor = actor.clone();
        self.inspect_blocking(move |e| e.read(&actor, query))
            .unwrap_or_else(|| Err(EngineError::Invalid("the engine has stopped".into())))
    }
}
