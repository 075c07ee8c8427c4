//! Create a user and issue them an embedded sign-in token.

use std::collections::HashMap;

use descope_raw::types::{
    EmbeddedLinkSigninResponse as WireResponse, EmbeddedLinkSignupRequest as WireBody,
    LoginOptions, LoginOptionsInner, SignupUser, SignupUserInner,
};
use descope_spec::Operation;
use serde::Deserialize;
use serde_json::Value;

use super::embedded_link::{EmbeddedLink, Lifetime};
use crate::client::DescopeClient;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::{check_text, claims_object, LoginId, PhoneNumber};

/// A sign-up link call being prepared; see [`DescopeClient::embedded_link_signup`].
/// Nothing is checked or sent until [`send`](Self::send); unset options stay
/// off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct EmbeddedLinkSignupRequest<'c> {
    client: &'c DescopeClient,
    inputs: Inputs,
}

/// The inputs as given, unchecked, by their spec names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    login_id: String,
    user: Option<NewUser>,
    email_verified: Option<bool>,
    phone_verified: Option<bool>,
    login_options: Option<Options>,
    timeout: Option<Lifetime>,
}

/// The details the new user starts with; see
/// [`EmbeddedLinkSignupRequest::user`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct NewUser {
    name: Option<String>,
    given_name: Option<String>,
    middle_name: Option<String>,
    family_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

impl NewUser {
    /// No details yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The given name.
    pub fn given_name(mut self, name: impl Into<String>) -> Self {
        self.given_name = Some(name.into());
        self
    }

    /// The middle name.
    pub fn middle_name(mut self, name: impl Into<String>) -> Self {
        self.middle_name = Some(name.into());
        self
    }

    /// The family name.
    pub fn family_name(mut self, name: impl Into<String>) -> Self {
        self.family_name = Some(name.into());
        self
    }

    /// The phone number; normalised to E.164 as the phone update's is.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// The email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    fn wire(&self) -> Result<SignupUserInner, Error> {
        let text = |name: &'static str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| check_text(Field::Request(name), v).map(|()| v.to_string()))
                .transpose()
        };
        // The phone update's rule, reported at this field with its own reason.
        let refuse = |reason| ValidationError::new(Field::Request("user.phone"), reason);
        let phone = match &self.phone {
            None => None,
            Some(phone) => Some(
                PhoneNumber::parse(phone)
                    .map_err(|refused| refuse(refused.reason()))?
                    .into_wire(),
            ),
        };
        Ok(SignupUserInner {
            name: text("user.name", &self.name)?,
            given_name: text("user.givenName", &self.given_name)?,
            middle_name: text("user.middleName", &self.middle_name)?,
            family_name: text("user.familyName", &self.family_name)?,
            email: text("user.email", &self.email)?,
            phone,
        })
    }
}

/// How the session the token starts is shaped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    stepup: Option<bool>,
    mfa: Option<bool>,
    custom_claims: Option<Value>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    template_options: HashMap<String, String>,
    template_id: Option<String>,
}

impl<'c> EmbeddedLinkSignupRequest<'c> {
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

    /// The details the user is created with.
    pub fn user(mut self, user: NewUser) -> Self {
        self.inputs.user = Some(user);
        self
    }

    /// Marks the user's email as verified.
    pub fn email_verified(mut self, verified: bool) -> Self {
        self.inputs.email_verified = Some(verified);
        self
    }

    /// Marks the user's phone number as verified.
    pub fn phone_verified(mut self, verified: bool) -> Self {
        self.inputs.phone_verified = Some(verified);
        self
    }

    fn options(&mut self) -> &mut Options {
        self.inputs
            .login_options
            .get_or_insert_with(Options::default)
    }

    /// The session is a step-up of an existing one.
    pub fn stepup(mut self, stepup: bool) -> Self {
        self.options().stepup = Some(stepup);
        self
    }

    /// The session counts as a second factor.
    pub fn mfa(mut self, mfa: bool) -> Self {
        self.options().mfa = Some(mfa);
        self
    }

    /// Claims put on the session JWT once the token is verified: a JSON
    /// object whose values may be any JSON.
    pub fn custom_claims(mut self, claims: impl Into<Value>) -> Self {
        self.options().custom_claims = Some(claims.into());
        self
    }

    /// Adds a value substituted into message templates.
    pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options()
            .template_options
            .insert(key.into(), value.into());
        self
    }

    /// The message template to use.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.options().template_id = Some(template_id.into());
        self
    }

    /// The token's lifetime in whole seconds, 0 or more (0: the project default).
    pub fn timeout_secs(mut self, secs: i64) -> Self {
        self.inputs.timeout = Some(Lifetime::Secs(secs));
        self
    }

    /// Validates every input and returns the exact body that would be sent,
    /// without sending anything.
    pub fn wire_body(&self) -> Result<WireBody, Error> {
        let inputs = &self.inputs;
        LoginId::check(&inputs.login_id)?;
        let user = inputs.user.as_ref().map(NewUser::wire).transpose()?;
        let login_options = match &inputs.login_options {
            None => None,
            Some(options) => {
                if let Some(id) = &options.template_id {
                    check_text(Field::Request("loginOptions.templateId"), id)?;
                }
                for key in options.template_options.keys() {
                    check_text(Field::Request("loginOptions.templateOptions"), key)?;
                }
                let claims = options
                    .custom_claims
                    .clone()
                    .map(claims_object)
                    .transpose()?
                    .filter(|claims| !claims.is_empty());
                Some(LoginOptionsInner {
                    stepup: options.stepup,
                    mfa: options.mfa,
                    custom_claims: claims,
                    template_options: (!options.template_options.is_empty())
                        .then(|| options.template_options.clone()),
                    template_id: options.template_id.clone(),
                })
            }
        };
        let timeout = inputs.timeout.map(Lifetime::check).transpose()?;
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: inputs
                .login_id
                .as_str()
                .try_into()
                .map_err(|_| ValidationError::new(Field::LoginId, Reason::Empty))?,
            user: user.map(|user| SignupUser(Some(user))),
            email_verified: inputs.email_verified,
            phone_verified: inputs.phone_verified,
            login_options: login_options.map(|options| LoginOptions(Some(options))),
            timeout: timeout.map(|t| t.secs()),
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
            .call_context(Operation::EmbeddedLinkSignup, authorization.clone())
            .await;
        self.client
            .call(&context, scrub, body, |raw, body| {
                raw.embedded_link_signup().body(body).send()
            })
            .await
    }
}
