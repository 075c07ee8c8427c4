//! Create a user and issue them an embedded sign-in token.

use std::collections::HashMap;

use descope_raw::types::{
    EmbeddedLinkSigninResponse as WireResponse, EmbeddedLinkSignupRequest as WireBody,
    LoginOptions, LoginOptionsInner, SignupUser, SignupUserInner,
};
use descope_spec::Operation;
use serde_json::Value;

use super::embedded_link::EmbeddedLink;
use crate::client::{Call, DescopeClient};
use crate::error::{Error, Field, ValidationError};
use crate::input::{check_text, checked, claims_object, Given, LinkTimeout, LoginId, PhoneNumber};

/// A sign-up link call being prepared; see
/// [`Users::embedded_link_signup`](super::Users::embedded_link_signup).
/// Nothing is sent until [`send`](Self::send), which reports the first
/// refused input; unset options stay off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct EmbeddedLinkSignupRequest<'c> {
    client: &'c DescopeClient,
    login_id: Result<LoginId, ValidationError>,
    user: Option<NewUser>,
    email_verified: Option<bool>,
    phone_verified: Option<bool>,
    login_options: Option<Options>,
    timeout: Option<Result<LinkTimeout, ValidationError>>,
}

/// The details the new user starts with; see
/// [`EmbeddedLinkSignupRequest::user`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct NewUser {
    name: Option<String>,
    given_name: Option<String>,
    middle_name: Option<String>,
    family_name: Option<String>,
    phone: Option<Result<PhoneNumber, ValidationError>>,
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

    /// The phone number: a [`PhoneNumber`], or text normalised to E.164 as
    /// the phone update's is.
    pub fn phone(mut self, phone: impl Given<PhoneNumber>) -> Self {
        self.phone = Some(phone.check());
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
        Ok(SignupUserInner {
            name: text("user.name", &self.name)?,
            given_name: text("user.givenName", &self.given_name)?,
            middle_name: text("user.middleName", &self.middle_name)?,
            family_name: text("user.familyName", &self.family_name)?,
            email: text("user.email", &self.email)?,
            phone: self.phone.clone().transpose()?.map(PhoneNumber::into_wire),
        })
    }
}

/// How the session the token starts is shaped.
#[derive(Debug, Clone, Default)]
struct Options {
    stepup: Option<bool>,
    mfa: Option<bool>,
    custom_claims: Option<Value>,
    template_options: HashMap<String, String>,
    template_id: Option<String>,
}

impl<'c> EmbeddedLinkSignupRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        login_id: Result<LoginId, ValidationError>,
    ) -> Self {
        Self {
            client,
            login_id,
            user: None,
            email_verified: None,
            phone_verified: None,
            login_options: None,
            timeout: None,
        }
    }

    /// The details the user is created with.
    pub fn user(mut self, user: NewUser) -> Self {
        self.user = Some(user);
        self
    }

    /// Marks the user's email as verified.
    pub fn email_verified(mut self, verified: bool) -> Self {
        self.email_verified = Some(verified);
        self
    }

    /// Marks the user's phone number as verified.
    pub fn phone_verified(mut self, verified: bool) -> Self {
        self.phone_verified = Some(verified);
        self
    }

    fn options(&mut self) -> &mut Options {
        self.login_options.get_or_insert_with(Options::default)
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

    /// Adds one value substituted into message templates.
    pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options()
            .template_options
            .insert(key.into(), value.into());
        self
    }

    /// Adds values substituted into message templates.
    pub fn template_options<K, V>(mut self, options: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.options()
            .template_options
            .extend(options.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The message template to use.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.options().template_id = Some(template_id.into());
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
        let user = self.user.as_ref().map(NewUser::wire).transpose()?;
        let login_options = match &self.login_options {
            None => None,
            Some(options) => {
                if let Some(id) = &options.template_id {
                    check_text(Field::TemplateId, id)?;
                }
                for key in options.template_options.keys() {
                    check_text(Field::TemplateOptions, key)?;
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
        let timeout = self.timeout.clone().transpose()?;
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: login_id.clone().into_wire(),
            user: user.map(|user| SignupUser(Some(user))),
            email_verified: self.email_verified,
            phone_verified: self.phone_verified,
            login_options: login_options.map(|options| LoginOptions(Some(options))),
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
        let call = Call::of(Operation::EmbeddedLinkSignup).secret_success();
        let reply = self
            .client
            .prepare(call)
            .await?
            .send(body, |raw, body| {
                raw.embedded_link_signup().body(body).send()
            })
            .await?;
        Ok(reply.value)
    }
}

/// The request from its JSON body (spec names), through the setters.
#[cfg(feature = "unstable-tooling")]
pub(crate) fn from_json(
    client: &DescopeClient,
    body: Value,
) -> Result<EmbeddedLinkSignupRequest<'_>, serde_json::Error> {
    use crate::tooling::null_as_default;
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Inputs {
        #[serde(default)]
        login_id: String,
        user: Option<User>,
        email_verified: Option<bool>,
        phone_verified: Option<bool>,
        login_options: Option<JsonOptions>,
        timeout: Option<i64>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct User {
        name: Option<String>,
        given_name: Option<String>,
        middle_name: Option<String>,
        family_name: Option<String>,
        phone: Option<String>,
        email: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct JsonOptions {
        stepup: Option<bool>,
        mfa: Option<bool>,
        custom_claims: Option<Value>,
        #[serde(default, deserialize_with = "null_as_default")]
        template_options: HashMap<String, String>,
        template_id: Option<String>,
    }
    let inputs: Inputs = serde_json::from_value(body)?;
    let mut request = super::Management::new(client)
        .users()
        .embedded_link_signup(inputs.login_id);
    request.user = inputs.user.map(|user| NewUser {
        name: user.name,
        given_name: user.given_name,
        middle_name: user.middle_name,
        family_name: user.family_name,
        phone: user.phone.map(Given::check),
        email: user.email,
    });
    request.email_verified = inputs.email_verified;
    request.phone_verified = inputs.phone_verified;
    request.login_options = inputs.login_options.map(|options| Options {
        stepup: options.stepup,
        mfa: options.mfa,
        custom_claims: options.custom_claims,
        template_options: options.template_options,
        template_id: options.template_id,
    });
    request.timeout = inputs.timeout.map(LinkTimeout::from_secs);
    Ok(request)
}
