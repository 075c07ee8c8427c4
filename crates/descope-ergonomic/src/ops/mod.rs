//! The operations, one builder each, ending in `.send().await`, and
//! [`DescopeClient::send_json`], which calls any of them from its JSON body.

mod embedded_link;
mod license;
mod signup;
mod update_phone;
mod verify;

pub use embedded_link::{EmbeddedLink, EmbeddedLinkRequest, EmbeddedLinkToken};
pub use license::{LicenseRequest, ProjectLicense};
pub use signup::{EmbeddedLinkSignupRequest, NewUser};
pub use update_phone::{PhoneUpdateSent, UpdatePhoneRequest};
pub use verify::{Session, SessionCookie, SessionJwt, SessionUser, VerifyMagicLinkRequest};

use descope_spec::Operation;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::DescopeClient;
use crate::credentials::RefreshJwt;
use crate::error::{Error, Field, Reason, ValidationError};

/// `null` read as the type's default (the official SDKs send `null` for
/// options the caller left unset).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

impl DescopeClient {
    /// Calls `operation` with the JSON request body `body` (spec field
    /// names), through the same builder, checks and retries as its typed
    /// method, and answers the response body as JSON, secrets included:
    /// for replay tools and conformance suites, which hold calls as data.
    /// `refresh_jwt` is the user's, for the operations that take one.
    ///
    /// A body the builder cannot read (a field of the wrong JSON type, an
    /// unknown field) is refused as [`Field::Request`]`("body")` with
    /// [`Reason::NotAnObject`], before anything is sent.
    pub async fn send_json(
        &self,
        operation: Operation,
        refresh_jwt: Option<RefreshJwt>,
        body: Value,
    ) -> Result<Value, Error> {
        let unreadable = |_| {
            Error::from(ValidationError::new(
                Field::Request("body"),
                Reason::NotAnObject,
            ))
        };
        let body = match body {
            Value::Null => Value::Object(Default::default()),
            body => body,
        };
        let answer = match operation {
            Operation::UpdateUserPhoneMagicLinkSms => {
                let jwt = refresh_jwt
                    .ok_or_else(|| ValidationError::new(Field::RefreshJwt, Reason::Missing))?;
                let request = UpdatePhoneRequest::from_json(self, jwt, body).map_err(unreadable)?;
                to_json(request.exchange().await?)
            }
            Operation::EmbeddedLinkSignin => to_json(
                EmbeddedLinkRequest::from_json(self, body)
                    .map_err(unreadable)?
                    .exchange()
                    .await?,
            ),
            Operation::EmbeddedLinkSignup => to_json(
                EmbeddedLinkSignupRequest::from_json(self, body)
                    .map_err(unreadable)?
                    .exchange()
                    .await?,
            ),
            Operation::VerifyMagicLink => to_json(
                VerifyMagicLinkRequest::from_json(self, body)
                    .map_err(unreadable)?
                    .exchange()
                    .await?,
            ),
            Operation::GetLicense => {
                let license = self.license().send().await?;
                serde_json::json!({
                    descope_spec::fields::get_license::response::RATE_LIMIT_TIER:
                        license.rate_limit_tier(),
                })
            }
        };
        Ok(answer)
    }
}

/// A generated response type as its JSON (they all serialise).
fn to_json(response: impl serde::Serialize) -> Value {
    serde_json::to_value(response).unwrap_or(Value::Null)
}
