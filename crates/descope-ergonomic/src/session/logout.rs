//! End a session, or every session of its user.

use descope_raw::types::{JwtResponse as WireResponse, LogoutRequest as WireBody};
use descope_spec::Operation;

use crate::client::{Call, DescopeClient};
use crate::error::{Error, ValidationError};
use crate::input::checked;
use crate::secret::RefreshJwt;

/// A logout being prepared; see [`Sessions::logout`](super::Sessions::logout)
/// and [`Sessions::logout_all`](super::Sessions::logout_all). Nothing is
/// sent until [`send`](Self::send). It prints no secret.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct LogoutRequest<'c> {
    client: &'c DescopeClient,
    refresh_jwt: Result<RefreshJwt, ValidationError>,
    /// Every session of the user (`LogoutAllDevices`), not just this one.
    all_devices: bool,
}

impl<'c> LogoutRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        refresh_jwt: Result<RefreshJwt, ValidationError>,
        all_devices: bool,
    ) -> Self {
        Self {
            client,
            refresh_jwt,
            all_devices,
        }
    }

    /// The operation this logout is.
    fn operation(&self) -> Operation {
        if self.all_devices {
            Operation::LogoutAllDevices
        } else {
            Operation::Logout
        }
    }

    /// The exact body that would be sent: `{}`, as Descope's Node and
    /// Python SDKs send it (every kind of session ends).
    pub(crate) fn wire_body(&self) -> Result<WireBody, Error> {
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            logout_type: Vec::new(),
        })
    }

    /// Validates the refresh JWT, then sends it; retries by the client's
    /// policy. Once it succeeds, the refresh JWT (or, for
    /// [`logout_all`](super::Sessions::logout_all), every one of the user)
    /// is refused by Descope.
    pub async fn send(self) -> Result<(), Error> {
        self.exchange().await.map(drop)
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(self) -> Result<WireResponse, Error> {
        let refresh_jwt = checked(&self.refresh_jwt)?;
        let body = self.wire_body()?;
        let operation = self.operation();
        let call = Call::of(operation).for_user(refresh_jwt).secret_success();
        let all_devices = self.all_devices;
        let reply = self
            .client
            .prepare(call)
            .await?
            .send(body, |raw, body| async move {
                if all_devices {
                    raw.logout_all_devices().body(body).send().await
                } else {
                    raw.logout().body(body).send().await
                }
            })
            .await?;
        Ok(reply.value)
    }
}

/// The request from its JSON body (spec names): the wrapper sends none of
/// the body's optional fields, so only an empty one is read.
#[cfg(feature = "unstable-tooling")]
pub(crate) fn from_json<'c>(
    client: &'c DescopeClient,
    refresh_jwt: RefreshJwt,
    all_devices: bool,
    body: serde_json::Value,
) -> Result<LogoutRequest<'c>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inputs {}
    let Inputs {} = serde_json::from_value(body)?;
    Ok(LogoutRequest::new(client, Ok(refresh_jwt), all_devices))
}
