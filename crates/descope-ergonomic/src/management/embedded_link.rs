//! Issue an embedded-link sign-in token for an existing user.

use descope_raw::types::{
    EmbeddedLinkSigninRequest as WireBody, EmbeddedLinkSigninResponse as WireResponse,
};
use descope_spec::Operation;
use serde_json::Value;

use crate::client::{Call, DescopeClient};
use crate::error::{Error, ValidationError};
use crate::input::{checked, claims_object, Given, LinkTimeout, LoginId};
use crate::secret::LinkToken;

/// An embedded-link call being prepared; see
/// [`Users::embedded_link`](super::Users::embedded_link). Nothing is sent
/// until [`send`](Self::send), which reports the first refused input; unset
/// options stay off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct EmbeddedLinkRequest<'c> {
    client: &'c DescopeClient,
    login_id: Result<LoginId, ValidationError>,
    custom_claims: Option<Value>,
    timeout: Option<Result<LinkTimeout, ValidationError>>,
}

impl<'c> EmbeddedLinkRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        login_id: Result<LoginId, ValidationError>,
    ) -> Self {
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

    /// The token's lifetime: a [`LinkTimeout`], or a `Duration` of whole
    /// seconds (zero: the project's default).
    pub fn timeout(mut self, lifetime: impl Given<LinkTimeout>) -> Self {
        self.timeout = Some(lifetime.check());
        self
    }

    /// Validates every input and returns the exact body that would be sent.
    pub(crate) fn wire_body(&self) -> Result<WireBody, Error> {
        let login_id = checked(&self.login_id)?;
        let claims = self
            .custom_claims
            .clone()
            .map(claims_object)
            .transpose()?
            // An empty claim set adds nothing: it stays off the wire.
            .filter(|claims| !claims.is_empty());
        let timeout = self.timeout.clone().transpose()?;
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: login_id.clone().into_wire(),
            custom_claims: claims,
            timeout: timeout.map(LinkTimeout::secs),
        })
    }

    /// Validates, then sends with the management key; retries by the client's policy.
    pub async fn send(self) -> Result<EmbeddedLink, Error> {
        EmbeddedLink::from_wire(self.exchange().await?)
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(self) -> Result<WireResponse, Error> {
        let body = self.wire_body()?;
        let call = Call::of(Operation::EmbeddedLinkSignin).secret_success();
        let reply = self
            .client
            .prepare(call)
            .await?
            .send(body, |raw, body| {
                raw.embedded_link_signin().body(body).send()
            })
            .await?;
        Ok(reply.value)
    }
}

/// An issued embedded link.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmbeddedLink {
    token: LinkToken,
    masked_email: Option<String>,
    masked_phone: Option<String>,
}

impl EmbeddedLink {
    /// The link of a sign-in or sign-up answer (they share one shape).
    pub(crate) fn from_wire(response: WireResponse) -> Result<Self, Error> {
        // A token that verification would refuse is no token.
        let token = LinkToken::new(response.token.into_exposed()).map_err(|refused| {
            Error::unusable_success(format!("the token is unusable: {}", refused.reason()))
        })?;
        Ok(EmbeddedLink {
            token,
            masked_email: response.masked_email,
            masked_phone: response.masked_phone,
        })
    }

    /// The sign-in token; a credential in its own right, which
    /// [`MagicLink::verify`](crate::magic_link::MagicLink::verify) takes as it is.
    pub fn token(&self) -> &LinkToken {
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

/// The request from its JSON body (spec names), through the setters.
#[cfg(feature = "unstable-tooling")]
pub(crate) fn from_json(
    client: &DescopeClient,
    body: Value,
) -> Result<EmbeddedLinkRequest<'_>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Inputs {
        #[serde(default)]
        login_id: String,
        custom_claims: Option<Value>,
        timeout: Option<i64>,
    }
    let inputs: Inputs = serde_json::from_value(body)?;
    let mut request = super::Management::new(client)
        .users()
        .embedded_link(inputs.login_id);
    request.custom_claims = inputs.custom_claims;
    request.timeout = inputs.timeout.map(LinkTimeout::from_secs);
    Ok(request)
}
