//! Exchange a magic-link or embedded-link token for the user's session.

use std::fmt;

use descope_raw::types::{JwtResponse as WireResponse, VerifyMagicLinkRequest as WireBody};
use descope_spec::Operation;

use crate::client::{Call, DescopeClient, Reply};
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::checked;
use crate::secret::LinkToken;
use crate::session::Session;

/// A verification being prepared; see
/// [`MagicLink::verify`](super::MagicLink::verify).
#[derive(Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct VerifyRequest<'c> {
    client: &'c DescopeClient,
    token: Result<LinkToken, ValidationError>,
}

impl fmt::Debug for VerifyRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl<'c> VerifyRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        token: Result<LinkToken, ValidationError>,
    ) -> Self {
        Self { client, token }
    }

    /// Validates the token and returns the exact body that would be sent.
    pub(crate) fn wire_body(&self) -> Result<WireBody, Error> {
        let token = checked(&self.token)?;
        Ok(WireBody {
            token: token
                .expose_secret()
                .try_into()
                .map_err(|_| ValidationError::new(Field::Token, Reason::Empty))?,
        })
    }

    /// Validates, then sends with the project id alone; retries by the
    /// client's policy (a token is used up only by a success). The JWTs
    /// come from the body, or from the `DS` / `DSR` cookies of a project
    /// that keeps tokens in cookies.
    pub async fn send(self) -> Result<Session, Error> {
        let reply = self.exchange().await?;
        Session::from_wire(reply.value, reply.cookies)
    }

    /// [`send`](Self::send), answering the generated response type and
    /// the cookies it came with.
    pub(crate) async fn exchange(self) -> Result<Reply<WireResponse>, Error> {
        let body = self.wire_body()?;
        let token = checked(&self.token)?;
        let call = Call::of(Operation::VerifyMagicLink)
            .with_body_secret(token.expose_secret())
            .secret_success();
        self.client
            .prepare(call)
            .await?
            .send(body, |raw, body| raw.verify_magic_link().body(body).send())
            .await
    }
}
