//! What this workspace's own tools need of the client (the conformance
//! suite's driver and recorder, the benchmarks): behind the
//! `unstable-tooling` feature, exempt from semver, never a service's route.

use descope_spec::Operation;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::{DescopeClient, Reply};
use crate::error::{Error, Field, Reason, ValidationError};
use crate::management::EmbeddedLink;
use crate::secret::RefreshJwt;
use crate::session::{KeySet, Session, TokenCookies};
use crate::{magic_link, management, session};

pub use crate::config::is_loopback_url;
pub use crate::redact::scrub_secrets;
pub use crate::retry::{Sleep, SleepFuture, TokioSleep};
/// The `session_token` fuzz target's check and its fixed key, clock and
/// project (see `fuzz/README.md`).
#[cfg(any(feature = "validation-aws-lc", feature = "validation-rust-crypto"))]
pub use crate::session::validation::fuzz::{
    check_session_token, FUZZ_NOW, FUZZ_PROJECT, FUZZ_PUBLIC_JWK,
};

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
    /// the cookies; a key set's keys with every member): for replay tools
    /// and conformance suites, which hold calls as data. `refresh_jwt` is
    /// the user's, for the operations that take one. An operation without a
    /// request body takes its query parameters in `body` instead, by spec
    /// name (`GetKeysV2`: `certs`); its path parameter is the client's
    /// project id.
    ///
    /// A body the builder cannot read (a field of the wrong JSON type, an
    /// unknown field, including one the typed method has no setter for) is
    /// refused as [`Field::Request`]`("body")` with [`Reason::NotAnObject`],
    /// before anything is sent.
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
        let user = move || {
            refresh_jwt.ok_or_else(|| ValidationError::new(Field::RefreshJwt, Reason::Missing))
        };
        let answer = match operation {
            Operation::UpdateUserPhoneMagicLinkSms => {
                let request =
                    magic_link::update_phone::from_json(self, user()?, body).map_err(unreadable)?;
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
                session_json(self.magic_link().verify(inputs.token).exchange().await?)?
            }
            Operation::RefreshSession => {
                let request =
                    session::refresh::from_json(self, user()?, body).map_err(unreadable)?;
                session_json(request.exchange().await?)?
            }
            Operation::Logout | Operation::LogoutAllDevices => {
                let all_devices = operation == Operation::LogoutAllDevices;
                let request = session::logout::from_json(self, user()?, all_devices, body)
                    .map_err(unreadable)?;
                to_json(request.exchange().await?)
            }
            Operation::Me => {
                let jwt = user()?;
                no_inputs(body).map_err(unreadable)?;
                to_json(self.sessions().me(jwt).exchange().await?)
            }
            Operation::GetKeysV2 => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Inputs {
                    certs: Option<bool>,
                }
                let inputs: Inputs = serde_json::from_value(body).map_err(unreadable)?;
                let mut request = self.sessions().keys();
                if let Some(certs) = inputs.certs {
                    request = request.certs(certs);
                }
                keys_json(request.exchange().await?)
            }
            Operation::GetLicense => {
                no_inputs(body).map_err(unreadable)?;
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

/// An operation that takes no inputs: an empty body is all there is to read.
fn no_inputs(body: Value) -> Result<(), serde_json::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inputs {}
    serde_json::from_value(body).map(|Inputs {}| ())
}

/// A session's answer as JSON, once it has passed what `send` checks, with
/// the JWTs where `send` reads them: from the cookies where the body has none.
fn session_json(reply: Reply<descope_raw::types::JwtResponse>) -> Result<Value, Error> {
    let Reply {
        mut value,
        mut cookies,
        ..
    } = reply;
    let (session, refresh) = cookies.fill(value.session_jwt.take(), value.refresh_jwt.take());
    value.session_jwt = session.and_then(|jwt| jwt.try_into().ok());
    value.refresh_jwt = refresh.and_then(|jwt| jwt.try_into().ok());
    Session::from_wire(value.clone(), TokenCookies::default())?;
    Ok(to_json(value))
}

/// A key set as JSON, each key with every member the answer gave it (the
/// generated type's, then the others `send` reads from the body).
fn keys_json(reply: Reply<descope_raw::types::Sessionv1JwksResponseV2>) -> Value {
    let set = KeySet::from_wire(reply.value.clone(), reply.body.as_deref());
    let mut answer = to_json(reply.value);
    let keys = answer
        .get_mut(descope_spec::fields::get_keys_v2::response::KEYS)
        .and_then(Value::as_array_mut);
    for (json, key) in keys.into_iter().flatten().zip(set.keys()) {
        if let Value::Object(json) = json {
            json.extend(
                key.members()
                    .map(|(name, value)| (name.to_string(), value.clone())),
            );
        }
    }
    answer
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
    session::RefreshRequest<'_>,
    session::LogoutRequest<'_>,
    management::EmbeddedLinkRequest<'_>,
    management::EmbeddedLinkSignupRequest<'_>,
);
