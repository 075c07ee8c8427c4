//! Read the user a refresh JWT belongs to.

use descope_raw::types::ResponseUser as WireResponse;
use descope_spec::Operation;

use crate::client::{Call, DescopeClient};
use crate::error::{Error, ValidationError};
use crate::input::checked;
use crate::secret::RefreshJwt;
use crate::session::SessionUser;

/// A read of the signed-in user being prepared; see
/// [`Sessions::me`](super::Sessions::me). Nothing is sent until
/// [`send`](Self::send). It prints no secret.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct MeRequest<'c> {
    client: &'c DescopeClient,
    refresh_jwt: Result<RefreshJwt, ValidationError>,
}

impl<'c> MeRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        refresh_jwt: Result<RefreshJwt, ValidationError>,
    ) -> Self {
        Self {
            client,
            refresh_jwt,
        }
    }

    /// Validates the refresh JWT, then sends it (a `GET`, no body); retries
    /// by the client's policy.
    pub async fn send(self) -> Result<SessionUser, Error> {
        self.exchange().await.map(SessionUser::from)
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(self) -> Result<WireResponse, Error> {
        let refresh_jwt = checked(&self.refresh_jwt)?;
        let call = Call::of(Operation::Me).for_user(refresh_jwt);
        let reply = self
            .client
            .prepare(call)
            .await?
            .send((), |raw, ()| raw.me().send())
            .await?;
        Ok(reply.value)
    }
}
