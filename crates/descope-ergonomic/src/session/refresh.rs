//! Exchange a refresh JWT for a new session JWT.

use std::time::SystemTime;

use descope_raw::types::{JwtResponse as WireResponse, RefreshSessionRequest as WireBody};
use descope_spec::Operation;

use crate::client::{Call, DescopeClient, Reply};
use crate::error::{Error, ValidationError};
use crate::input::checked;
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::{Session, SessionCookie, SessionUser};

/// A refresh being prepared; see [`Sessions::refresh`](super::Sessions::refresh).
/// Nothing is sent until [`send`](Self::send). It prints no secret.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RefreshRequest<'c> {
    client: &'c DescopeClient,
    refresh_jwt: Result<RefreshJwt, ValidationError>,
}

impl<'c> RefreshRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        refresh_jwt: Result<RefreshJwt, ValidationError>,
    ) -> Self {
        Self {
            client,
            refresh_jwt,
        }
    }

    /// The exact body that would be sent: `{}`, as Descope's Node and
    /// Python SDKs send it.
    pub(crate) fn wire_body(&self) -> Result<WireBody, Error> {
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            external_token: None,
        })
    }

    /// Validates the refresh JWT, then sends it; retries by the client's
    /// policy. The JWTs come from the body, or from the `DS` / `DSR`
    /// cookies of a project that keeps tokens in cookies.
    pub async fn send(self) -> Result<RefreshedSession, Error> {
        let reply = self.exchange().await?;
        Session::from_wire(reply.value, reply.cookies).map(|session| RefreshedSession { session })
    }

    /// [`send`](Self::send), answering the generated response type and
    /// the cookies it came with.
    pub(crate) async fn exchange(self) -> Result<Reply<WireResponse>, Error> {
        let refresh_jwt = checked(&self.refresh_jwt)?;
        let body = self.wire_body()?;
        let call = Call::of(Operation::RefreshSession)
            .for_user(refresh_jwt)
            .secret_success();
        self.client
            .prepare(call)
            .await?
            .send(body, |raw, body| raw.refresh_session().body(body).send())
            .await
    }
}

/// The answer to a refresh: a new session JWT and, when the project rotates
/// refresh JWTs, the refresh JWT that replaces the one sent. Its JWTs print
/// as `[REDACTED]`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefreshedSession {
    session: Session,
}

impl RefreshedSession {
    /// The new session JWT.
    pub fn session_jwt(&self) -> &SessionJwt {
        self.session.session_jwt()
    }

    /// When the new session JWT expires, if the answer says.
    pub fn session_expiration(&self) -> Option<SystemTime> {
        self.session.session_expiration()
    }

    /// The refresh JWT that replaces the one sent, when the project rotates
    /// refresh JWTs (the one sent then stops working: keep this one); `None`
    /// when it does not, and the one sent stays in use. Read from the `DSR`
    /// cookie when the project sends it there.
    pub fn rotated_refresh_jwt(&self) -> Option<&RefreshJwt> {
        self.session.refresh_jwt()
    }

    /// How Descope would set the session cookies.
    pub fn cookie(&self) -> &SessionCookie {
        self.session.cookie()
    }

    /// The user, when the answer names them.
    pub fn user(&self) -> Option<&SessionUser> {
        self.session.user()
    }
}

/// The request from its JSON body (spec names): the wrapper sends none of
/// the body's optional fields, so only an empty one is read.
#[cfg(feature = "unstable-tooling")]
pub(crate) fn from_json<'c>(
    client: &'c DescopeClient,
    refresh_jwt: RefreshJwt,
    body: serde_json::Value,
) -> Result<RefreshRequest<'c>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inputs {}
    let Inputs {} = serde_json::from_value(body)?;
    Ok(super::Sessions::new(client).refresh(refresh_jwt))
}
