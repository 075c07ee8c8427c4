//! Issue an embedded-link sign-in token for an existing user.

use std::fmt;
use std::time::Duration;

use descope_raw::types::{
    EmbeddedLinkSigninRequest as WireBody, EmbeddedLinkSigninResponse as WireResponse,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use descope_spec::Operation;

use crate::client::DescopeClient;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::{claims_object, LinkTimeout, LoginId};

/// The lifetime as given, checked at send time like every other input.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub(crate) enum Lifetime {
    Secs(i64),
    #[serde(skip)]
    Duration(Duration),
}

impl Lifetime {
    /// Checked: whole seconds, 0 or more, within the spec's `int32`.
    pub(crate) fn check(self) -> Result<LinkTimeout, ValidationError> {
        match self {
            Lifetime::Secs(secs) => LinkTimeout::from_secs(secs),
            Lifetime::Duration(duration) => LinkTimeout::from_duration(duration),
        }
    }
}

/// An embedded-link call being prepared; see [`DescopeClient::embedded_link`].
/// Nothing is checked or sent until [`send`](Self::send); unset options stay
/// off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct EmbeddedLinkRequest<'c> {
    client: &'c DescopeClient,
    inputs: Inputs,
}

/// The inputs as given, unchecked, by their spec names: what the setters
/// fill and what [`DescopeClient::send_json`] reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    login_id: String,
    custom_claims: Option<Value>,
    timeout: Option<Lifetime>,
}

impl<'c> EmbeddedLinkRequest<'c> {
    pub(crate) fn new(client: &'c DescopeClient, login_id: String) -> Self {
        let inputs = Inputs {
            login_id,
            ..Inputs::default()
        };
        Self { client, inputs }
    }

    /// The request whose inputs are the JSON body `body` (spec names).
    pub(crate) fn from_json(
        client: &'c DescopeClient,
        body: Value,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            client,
            inputs: serde_json::from_value(body)?,
        })
    }

    /// Claims put on the session JWT once the token is verified: a JSON
    /// object whose values may be any JSON.
    pub fn custom_claims(mut self, claims: impl Into<Value>) -> Self {
        self.inputs.custom_claims = Some(claims.into());
        self
    }

    /// The token's lifetime in whole seconds, 0 or more (0: the project default).
    pub fn timeout_secs(mut self, secs: i64) -> Self {
        self.inputs.timeout = Some(Lifetime::Secs(secs));
        self
    }

    /// The token's lifetime; must be whole seconds.
    pub fn timeout(mut self, lifetime: Duration) -> Self {
        self.inputs.timeout = Some(Lifetime::Duration(lifetime));
        self
    }

    /// Validates every input and returns the exact body that would be sent,
    /// without sending anything.
    pub fn wire_body(&self) -> Result<WireBody, Error> {
        // Checked, not parsed: the generated type makes the one copy.
        let inputs = &self.inputs;
        LoginId::check(&inputs.login_id)?;
        let claims = inputs
            .custom_claims
            .clone()
            .map(claims_object)
            .transpose()?
            // An empty claim set adds nothing: it stays off the wire.
            .filter(|claims| !claims.is_empty());
        let timeout = inputs.timeout.map(Lifetime::check).transpose()?;
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: inputs
                .login_id
                .as_str()
                .try_into()
                .map_err(|_| ValidationError::new(Field::LoginId, Reason::Empty))?,
            custom_claims: claims,
            timeout: timeout.map(LinkTimeout::secs),
        })
    }

    /// Validates, then sends with the management key; retries by the client's policy.
    pub async fn send(self) -> Result<EmbeddedLink, Error> {
        self.exchange().await.map(EmbeddedLink::from)
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(self) -> Result<WireResponse, Error> {
        let body = self.wire_body()?;
        let authorization = self.client.management_authorization()?;
        let scrub = self.client.scrub(None, true);
        let context = self
            .client
            .call_context(Operation::EmbeddedLinkSignin, authorization.clone())
            .await;
        self.client
            .call(&context, scrub, body, |raw, body| {
                raw.embedded_link_signin().body(body).send()
            })
            .await
    }
}

impl From<WireResponse> for EmbeddedLink {
    fn from(response: WireResponse) -> Self {
        EmbeddedLink {
            token: EmbeddedLinkToken(SecretString::from(response.token.into_exposed())),
            masked_email: response.masked_email,
            masked_phone: response.masked_phone,
        }
    }
}

/// An issued embedded link.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmbeddedLink {
    token: EmbeddedLinkToken,
    masked_email: Option<String>,
    masked_phone: Option<String>,
}

impl EmbeddedLink {
    /// The sign-in token; a credential in its own right.
    pub fn token(&self) -> &EmbeddedLinkToken {
        &self.token
    }

    /// The user's email, masked, when the user has one.
    pub fn masked_email(&self) -> Option<&str> {
        self.masked_email.as_deref()
    }

    /// The user's phone number, masked, when the user has one.
    pub fn masked_phone(&self) -> Option<&str> {
        self.masked_phone.as_deref()
    }
}

/// A one-time sign-in token. It prints as `[REDACTED]`; read it with
/// [`expose_secret`](Self::expose_secret) only to hand it to its user.
#[derive(Clone)]
pub struct EmbeddedLinkToken(SecretString);

impl EmbeddedLinkToken {
    /// The token itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for EmbeddedLinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmbeddedLinkToken([REDACTED])")
    }
}
