//! Staff sessions: who an actor is, what the permission table lets them
//! do, and the audit records of calls made through the control socket.

use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::rngs::OsRng;

use super::{Actor, Engine, EngineError, Event};
use crate::domain::people::LOCAL_ACTOR_PREFIX;
use crate::domain::permission::allows;
use crate::domain::{Permission, Role};
use crate::store::T;

#[derive(Clone, Debug)]
pub(super) struct Session {
    user: String,
    role: Role,
    expires: DateTime<Utc>,
    /// The last read by this session (admin screens), which keeps it
    /// alive like a command: reads go through `&Engine`.
    read_at: std::cell::Cell<Option<DateTime<Utc>>>,
}

impl Session {
    /// Idle expiry, counting reads as activity.
    pub(super) fn ends(&self, idle: chrono::Duration) -> DateTime<Utc> {
        match self.read_at.get() {
            Some(at) => self.expires.max(at + idle),
            None => self.expires,
        }
    }
}

impl Engine {
    /// Resolves the actor to a name and checks the permission table.
    pub fn authorize(&mut self, actor: &Actor, perm: Permission) -> Result<String, EngineError> {
        let now = self.now();
        match actor {
            Actor::Kiosk => Err(EngineError::NotSignedIn),
            Actor::Local { name } if allows(Role::Admin, perm) => {
                Ok(format!("{LOCAL_ACTOR_PREFIX}{name}"))
            }
            Actor::Local { .. } => Err(EngineError::Denied {
                role: "local operator".into(),
                perm,
            }),
            Actor::Session { id } => {
                let idle = chrono::Duration::seconds(i64::from(self.settings.session_secs));
                let s = match self.sessions.get_mut(id) {
                    Some(s) if s.ends(idle) > now => s,
                    _ => {
                        self.sessions.remove(id);
                        return Err(EngineError::NotSignedIn);
                    }
                };
                if !allows(s.role, perm) {
                    return Err(EngineError::Denied {
                        role: s.role.to_string(),
                        perm,
                    });
                }
                s.expires = now + idle;
                Ok(s.user.clone())
            }
        }
    }

    /// Records a call that came through the control socket: reads change
    /// nothing, so nothing else would put them in the audit log. `via` names
    /// the connection (its user and process).
    pub fn record_call(&self, actor: &Actor, via: &str, detail: &str) -> Result<(), EngineError> {
        let who = match actor {
            Actor::Session { id } => self
                .sessions
                .get(id)
                .map(|s| s.user.clone())
                .unwrap_or_else(|| via.to_string()),
            Actor::Local { name } => format!("{LOCAL_ACTOR_PREFIX}{name}"),
            Actor::Kiosk => via.to_string(),
        };
        let detail = format!("{detail} ({via})");
        self.commit(|tx| {
            tx.audit(self.audit_draft(&who, "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// Records a sign-in attempt on the control socket that was refused
    /// (`outcome` says why). The name is kept only when such a user exists:
    /// anything else typed there may be a PIN in the wrong field.
    pub fn record_refused_sign_in(
        &self,
        via: &str,
        user: &str,
        outcome: &str,
    ) -> Result<(), EngineError> {
        let known = self
            .store
            .get::<crate::domain::User>(T::Users, user.as_bytes())?
            .is_some();
        let name = if known { user } else { "an unknown user" };
        let detail = format!("sign_in {name} refused: {outcome} ({via})");
        self.commit(|tx| {
            tx.audit(self.audit_draft(via, "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// Records how many calls the control socket answered before a sign-in
    /// since `since`: one entry for all of them, so that whoever may connect
    /// cannot grow the log by calling without a PIN.
    pub fn record_calls_before_sign_in(
        &self,
        summary: &str,
        since: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let at = since.with_timezone(&self.settings.tz).format("%H:%M");
        let detail = format!("{summary} since {at}");
        self.commit(|tx| {
            tx.audit(self.audit_draft("control socket", "control", None, None, detail.clone()))
                .map(|_| ())
        })
    }

    /// The role behind an actor, if signed in.
    pub fn role_of(&self, actor: &Actor) -> Option<Role> {
        match actor {
            Actor::Kiosk => None,
            Actor::Local { .. } => Some(Role::Admin),
            Actor::Session { id } => self
                .sessions
                .get(id)
                .filter(|s| s.ends(self.session_idle()) > self.now())
                .map(|s| s.role),
        }
    }

    /// The role behind an actor that is reading (an admin screen); the read
    /// counts as activity, so browsing keeps a session alive.
    pub fn role_reading(&self, actor: &Actor) -> Option<Role> {
        let role = self.role_of(actor)?;
        if let Actor::Session { id } = actor
            && let Some(s) = self.sessions.get(id)
        {
            s.read_at.set(Some(self.now()));
        }
        Some(role)
    }

    /// Signs out every session of `user`.
    pub(super) fn end_sessions_of(&mut self, user: &str) {
        self.sessions.retain(|_, s| s.user != user);
    }

    pub(super) fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.settings.session_secs))
    }

    pub(super) fn new_session(&mut self, user: String, role: Role) -> Event {
        let id = OsRng.next_u64();
        let expires = self.now() + chrono::Duration::seconds(i64::from(self.settings.session_secs));
        self.sessions.insert(
            id,
            Session {
                user: user.clone(),
                role,
                expires,
                read_at: std::cell::Cell::new(None),
            },
        );
        Event::SignedIn {
            session: id,
            user,
            role,
        }
    }
}
