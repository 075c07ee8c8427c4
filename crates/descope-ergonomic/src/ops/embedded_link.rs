//! Issue an embedded-link sign-in token for an existing user.

use std::fmt;
use std::time::Duration;

use descope_raw::types::EmbeddedLinkSigninRequest as WireBody;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use descope_spec::Operation;

use crate::client::DescopeClient;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::{claims_object, LinkTimeout, LoginId};

/// The lifetime as given, checked at send time like every other input.
#[derive(Debug, Clone, Copy)]
enum Lifetime {
    Secs(i64),
    Duration(Duration),
}

/// An embedded-link call being prepared; see [`DescopeClient::embedded_link`].
/// Nothing is checked or sent until [`send`](Self::send); unset options stay
/// off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct EmbeddedLinkRequest<'c> {
    client: &'c DescopeClient,
    login_id: String,
    custom_claims: Option<Value>,
    timeout: Option<Lifetime>,
}

impl<'c> EmbeddedLinkRequest<'c> {
    pub(crate) fn new(client: &'c DescopeClient, login_id: String) -> Self {
        Self {
            client,
            login_id,
            custom_claims: None,
            timeout: None,
        }
    }

    /// Claims put on the session JWT once the token is verified: a JSON
    /// object whose values may be any JSON.
    pub fn custom_claims(mut self, claims: impl Into<Value>) -> Self {
        self.custom_claims = Some(claims.into());
        self
    }

    /// The token's lifetime in whole seconds, 0 or more (0: the project default).
    pub fn timeout_secs(mut self, secs: i64) -> Self {
        self.timeout = Some(Lifetime::Secs(secs));
        self
    }

    /// The token's lifetime; must be whole seconds.
    pub fn timeout(mut self, lifetime: Duration) -> Self {
        self.timeout = Some(Lifetime::Duration(lifetime));
        self
    }

    /// Validates every input and returns the exact body that would be sent,
    /// without sending anything.
    pub fn wire_body(&self) -> Result<WireBody, Error> {
        // Checked, not parsed: the generated type makes the one copy.
        LoginId::check(&self.login_id)?;
        let claims = self
            .custom_claims
            .clone()
            .map(claims_object)
            .transpose()?
            // An empty claim set adds nothing: it stays off the wire.
            .filter(|claims| !claims.is_empty());
        let timeout = match self.timeout {
            Some(Lifetime::Secs(secs)) => Some(LinkTimeout::from_secs(secs)?),
            Some(Lifetime::Duration(duration)) => Some(LinkTimeout::from_duration(duration)?),
            None => None,
        };
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: self
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
        let body = self.wire_body()?;
        let authorization = self.client.management_authorization()?;
        let scrub = self.client.scrub(None, true);
        let context = self
            .client
            .call_context(Operation::EmbeddedLinkSignin, authorization.clone())
            .await;
        let response = self
            .client
            .call(
                &context,
                Operation::EmbeddedLinkSignin,
                scrub,
                body,
                || self.wire_body(),
                |raw, body| raw.embedded_link_signin().body(body).send(),
            )
            .await?;
        Ok(EmbeddedLink {
            token: EmbeddedLinkToken(SecretString::from(response.token.into_exposed())),
            masked_email: response.masked_email,
            masked_phone: response.masked_phone,
        })
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
