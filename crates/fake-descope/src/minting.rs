//! Sessions minted straight from a test, without a sign-in round trip:
//! [`FakeDescope::session_for`](crate::FakeDescope::session_for).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::registry::User;
use crate::service::Service;
use crate::session::{Expirations, Grant};

/// A session about to be minted for a user; see
/// [`FakeDescope::session_for`].
#[must_use = "nothing is minted until `.issue()`"]
pub struct SessionFor<'f> {
    service: &'f Service,
    user: User,
    project_id: Option<String>,
    grant: Grant,
    session_expires_in: Option<i64>,
    refresh_expires_in: Option<i64>,
}

impl fmt::Debug for SessionFor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionFor")
            .field("login_id", &self.user.login_id())
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl<'f> SessionFor<'f> {
    pub(crate) fn new(service: &'f Service, user: User) -> Self {
        SessionFor {
            service,
            user,
            project_id: None,
            grant: Grant::default(),
            session_expires_in: None,
            refresh_expires_in: None,
        }
    }

    /// The project the session is of (`iss`); by default the one project
    /// the fake knows.
    pub fn project(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Marks the session stepped up (`su: true`).
    pub fn step_up(mut self) -> Self {
        self.grant.step_up = true;
        self
    }

    /// How the user signed in (`amr`), e.g. `["pwd", "otp"]`.
    pub fn amr<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> Self {
        self.grant.amr = methods.into_iter().map(Into::into).collect();
        self
    }

    /// A claim on this session only (the user's own claims are set on the
    /// [`User`]); Descope's claims keep their values.
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.grant.claims.insert(name.into(), value.into());
        self
    }

    /// The session JWT expires `after` from now on the fake's clock
    /// (instead of the fake's session lifetime).
    pub fn session_expires_in(mut self, after: Duration) -> Self {
        self.session_expires_in = Some(secs(after));
        self
    }

    /// The refresh JWT expires `after` from now on the fake's clock.
    pub fn refresh_expires_in(mut self, after: Duration) -> Self {
        self.refresh_expires_in = Some(secs(after));
        self
    }

    /// The session JWT has already expired (a minute ago); the refresh JWT
    /// is still good, so the session can be refreshed.
    pub fn expired(mut self) -> Self {
        self.session_expires_in = Some(-60);
        self
    }

    /// Both JWTs have already expired (a minute ago): the user must sign in again.
    pub fn fully_expired(mut self) -> Self {
        self.session_expires_in = Some(-60);
        self.refresh_expires_in = Some(-60);
        self
    }

    /// Registers the user (replacing one of the same login id) when it is
    /// given as a [`User`] or is not known yet, and mints the session: a
    /// live session of the fake, which refreshes, logs out and answers `me`
    /// as one begun by a sign-in.
    ///
    /// # Panics
    ///
    /// When no project is given and the fake does not know exactly one.
    pub fn issue(self) -> IssuedSession {
        self.try_issue()
            .unwrap_or_else(|why| panic!("session_for: {why}"))
    }

    /// [`issue`](Self::issue), or why it cannot be minted.
    pub(crate) fn try_issue(self) -> Result<IssuedSession, String> {
        let SessionFor {
            service,
            user,
            project_id,
            grant,
            session_expires_in,
            refresh_expires_in,
        } = self;
        let mut state = service.lock();
        let project_id = match project_id {
            Some(id) => id,
            None => state
                .registry
                .only_project()
                .map(str::to_string)
                .ok_or("name the project: the fake knows no single one")?,
        };
        let known = state.registry.user(user.login_id()).cloned();
        let user = match known {
            Some(known) if user == User::new(user.login_id()) => known,
            _ => state.registry.add_user(user).clone(),
        };
        let (ids, now, lifetimes) = (state.ids.clone(), state.clock.now(), state.lifetimes);
        let state = &mut *state;
        let issuer = crate::session::Issuer {
            keys: &state.keys,
            ids: &ids,
            now,
            lifetimes,
        };
        let defaults = issuer.default_expirations();
        let at = |offset: Option<i64>, default: u64| {
            offset.map_or(default, |offset| now.saturating_add_signed(offset))
        };
        let expirations = Expirations {
            session: at(session_expires_in, defaults.session),
            refresh: at(refresh_expires_in, defaults.refresh),
        };
        let issued = state
            .sessions
            .start(&issuer, &project_id, &user, grant, expirations);
        Ok(IssuedSession {
            session_jwt: issued.session_jwt,
            refresh_jwt: issued.refresh_jwt.unwrap_or_default(),
            user_id: user.user_id.clone(),
            session_expiration: UNIX_EPOCH + Duration::from_secs(issued.session_expiration),
            refresh_expiration: UNIX_EPOCH + Duration::from_secs(issued.refresh_expiration),
        })
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

impl IssuedSession {
    /// The session as the control API answers it.
    pub(crate) fn to_json(&self) -> Value {
        let secs = |t: SystemTime| crate::clock::unix_secs(t);
        serde_json::json!({
            "sessionJwt": self.session_jwt,
            "refreshJwt": self.refresh_jwt,
            "userId": self.user_id,
            "sessionExpiration": secs(self.session_expiration),
            "refreshExpiration": secs(self.refresh_expiration),
        })
    }
}

/// A session the fake minted: what a browser holds after a sign-in.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IssuedSession {
    /// The session JWT (`drn: DS`), for `Authorization: Bearer` or the `DS` cookie.
    pub session_jwt: String,
    /// The refresh JWT (`drn: DSR`), for the `DSR` cookie and the session calls.
    pub refresh_jwt: String,
    /// The user's id, the JWTs' `sub`.
    pub user_id: String,
    /// When the session JWT expires (`exp`).
    pub session_expiration: SystemTime,
    /// When the refresh JWT expires.
    pub refresh_expiration: SystemTime,
}

impl fmt::Debug for IssuedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The JWTs are credentials: never printed.
        f.debug_struct("IssuedSession")
            .field("session_jwt", &"[REDACTED]")
            .field("refresh_jwt", &"[REDACTED]")
            .field("user_id", &self.user_id)
            .field("session_expiration", &self.session_expiration)
            .field("refresh_expiration", &self.refresh_expiration)
            .finish()
    }
}
