//! The links to the engine: what the kiosk, the console and the service
//! laptop need of it, commands and reads, whether the engine is owned by
//! this thread (tests, the command line), runs on the engine thread behind
//! an [`EngineHandle`], sits across the control socket
//! (`control::RemoteEngine`) or is a laptop's own bus (`service`).

use crate::engine::read::{Answer, Query};
use crate::engine::runner::EngineHandle;
use crate::engine::{Actor, Command, Engine, EngineError, EngineResult};

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
