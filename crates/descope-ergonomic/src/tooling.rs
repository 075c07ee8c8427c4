//! What this workspace's own tools need of the client (the conformance
//! suite's driver and recorder, the benchmarks): behind the
//! `unstable-tooling` feature, exempt from semver, never a service's route.

use descope_spec::Operation;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::DescopeClient;
use crate::credentials::RefreshJwt;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::management::EmbeddedLink;
use crate::{magic_link, management};

pub use crate::config::is_loopback_url;
pub use crate::redact::scrub_secrets;
pub use crate::retry::{Sleep, SleepFuture, TokioSleep};

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
    /// method, and answers the response body as JSON, secrets included
    /// (a session's JWTs as the typed method reads them, from the body or
    /// the cookies): for replay tools and conformance suites, which hold
    /// calls as data. `refresh_jwt` is the user's, for the operations that
    /// take one.
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
                let request =
                    magic_link::update_phone::from_json(self, jwt, body).map_err(unreadable)?;
                to_json(request.exchange().await?)
            }
            Operation::EmbeddedLinkSignin => {
                let request =
                    management::embedded_link::from_json(self, body).map_err(unreadable)?;
                link_json(request.exchange().await?)?
            }
            Operation::EmbeddedLinkSignup => {
                let request = management::signup::from_json(self, body).map_err(unreadable)?;
                link_json(request.exchange().await?)?
            }
            Operation::VerifyMagicLink => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Inputs {
                    #[serde(default)]
                    token: String,
                }
                let inputs: Inputs = serde_json::from_value(body).map_err(unreadable)?;
                let mut reply = self.magic_link().verify(inputs.token).exchange().await?;
                // The JWTs as `send` reads them: from the cookies where the body has none.
                let (session, refresh) = reply.cookies.fill(
                    reply.value.session_jwt.take(),
                    reply.value.refresh_jwt.take(),
                );
                reply.value.session_jwt = session.and_then(|jwt| jwt.try_into().ok());
                reply.value.refresh_jwt = refresh.and_then(|jwt| jwt.try_into().ok());
                to_json(reply.value)
            }
            Operation::GetLicense => {
                let license = self.management().license().send().await?;
                serde_json::json!({
                    descope_spec::fields::get_license::response::RATE_LIMIT_TIER:
                        license.rate_limit_tier(),
                })
            }
        };
        Ok(answer)
    }
}

/// An embedded link's answer as JSON, once it has passed what `send` checks.
fn link_json(response: descope_raw::types::EmbeddedLinkSigninResponse) -> Result<Value, Error> {
    EmbeddedLink::from_wire(response.clone())?;
    Ok(to_json(response))
}

/// A generated response type as its JSON (they all serialise).
fn to_json(response: impl serde::Serialize) -> Value {
    serde_json::to_value(response).unwrap_or(Value::Null)
}

/// The JSON body a prepared request would send, validated, without sending
/// it: for benchmarks and tests of what goes on the wire.
pub trait WireJson {
    /// The body, or the refusal `send` would return.
    fn wire_json(&self) -> Result<Value, Error>;
}

macro_rules! wire_json {
    ($($request:ty),* $(,)?) => {$(
        impl WireJson for $request {
            fn wire_json(&self) -> Result<Value, Error> {
                self.wire_body().map(to_json)
            }
        }
    )*};
}

wire_json!(
    magic_link::UpdatePhoneRequest<'_>,
    magic_link::VerifyRequest<'_>,
    management::EmbeddedLinkRequest<'_>,
    management::EmbeddedLinkSignupRequest<'_>,
);
