//! Update a signed-in user's phone number by a magic link sent over SMS.

use std::collections::HashMap;

use descope_raw::types::UpdatePhoneMagicLinkSmsRequest as WireBody;
use descope_spec::Operation;

use crate::client::{Call, DescopeClient};
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::{check_text, checked, Given, LoginId, PhoneNumber, RedirectUri};
use crate::secret::RefreshJwt;

/// A phone-update call being prepared; see
/// [`MagicLink::update_phone_sms`](super::MagicLink::update_phone_sms).
/// Nothing is sent until [`send`](Self::send), which reports the first
/// refused input; unset options stay off the wire.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct UpdatePhoneRequest<'c> {
    client: &'c DescopeClient,
    refresh_jwt: Result<RefreshJwt, ValidationError>,
    login_id: Result<LoginId, ValidationError>,
    phone: Result<PhoneNumber, ValidationError>,
    uri: Option<Result<RedirectUri, ValidationError>>,
    add_to_login_ids: Option<bool>,
    on_merge_use_existing: Option<bool>,
    provider_id: Option<String>,
    template_id: Option<String>,
    template_options: HashMap<String, String>,
    locale: Option<String>,
    fail_on_conflict: Option<bool>,
}

impl<'c> UpdatePhoneRequest<'c> {
    pub(crate) fn new(
        client: &'c DescopeClient,
        refresh_jwt: Result<RefreshJwt, ValidationError>,
        login_id: Result<LoginId, ValidationError>,
        phone: Result<PhoneNumber, ValidationError>,
    ) -> Self {
        Self {
            client,
            refresh_jwt,
            login_id,
            phone,
            uri: None,
            add_to_login_ids: None,
            on_merge_use_existing: None,
            provider_id: None,
            template_id: None,
            template_options: HashMap::new(),
            locale: None,
            fail_on_conflict: None,
        }
    }

    /// Where the link points (`<uri>?t=<token>`); absolute http(s), no
    /// fragment, within the client's approved domains if it has any.
    pub fn uri(mut self, uri: impl Given<RedirectUri>) -> Self {
        self.uri = Some(uri.check());
        self
    }

    /// Also make the new number one of the user's login ids.
    pub fn add_to_login_ids(mut self, add: bool) -> Self {
        self.add_to_login_ids = Some(add);
        self
    }

    /// With `add_to_login_ids`, merge into the user who already has this number.
    pub fn on_merge_use_existing(mut self, merge: bool) -> Self {
        self.on_merge_use_existing = Some(merge);
        self
    }

    /// The SMS provider to use.
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.provider_id = Some(provider_id.into());
        self
    }

    /// The message template to use.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.template_id = Some(template_id.into());
        self
    }

    /// Adds one value substituted into the message template.
    pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.template_options.insert(key.into(), value.into());
        self
    }

    /// Adds values substituted into the message template.
    pub fn template_options<K, V>(mut self, options: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.template_options
            .extend(options.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The language of the message, such as `en-GB`.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Refuse when the number already belongs to another user.
    pub fn fail_on_conflict(mut self, fail: bool) -> Self {
        self.fail_on_conflict = Some(fail);
        self
    }

    /// Validates every input and returns the exact body that would be sent.
    pub(crate) fn wire_body(&self) -> Result<WireBody, Error> {
        let login_id = checked(&self.login_id)?;
        let phone = checked(&self.phone)?;
        let uri = self.uri.clone().transpose()?;
        if let (Some(uri), Some(approved)) = (&uri, &self.client.shared().approved_domains) {
            if !approved.permits(uri) {
                return Err(ValidationError::new(Field::Uri, Reason::DomainNotApproved).into());
            }
        }
        for (field, value) in [
            (Field::ProviderId, &self.provider_id),
            (Field::TemplateId, &self.template_id),
            (Field::Locale, &self.locale),
        ] {
            if let Some(value) = value {
                check_text(field, value)?;
            }
        }
        for key in self.template_options.keys() {
            check_text(Field::TemplateOptions, key)?;
        }
        // A struct literal, not a builder: when the spec gains a field, this
        // stops compiling and says so.
        Ok(WireBody {
            login_id: login_id.clone().into_wire(),
            phone: phone.clone().into_wire(),
            uri: uri
                .map(|u| u.into_string().try_into())
                .transpose()
                .map_err(|_| ValidationError::new(Field::Uri, Reason::NotAbsoluteHttpUrl))?,
            add_to_login_i_ds: self.add_to_login_ids,
            on_merge_use_existing: self.on_merge_use_existing,
            provider_id: self.provider_id.clone(),
            template_id: self.template_id.clone(),
            template_options: (!self.template_options.is_empty())
                .then(|| self.template_options.clone()),
            locale: self.locale.clone(),
            fail_on_conflict: self.fail_on_conflict,
        })
    }

    /// Validates, then sends; retries by the client's policy.
    pub async fn send(self) -> Result<PhoneUpdateSent, Error> {
        let response = self.exchange().await?;
        Ok(PhoneUpdateSent {
            masked_phone: response.masked_phone,
        })
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(
        self,
    ) -> Result<descope_raw::types::UpdatePhoneMagicLinkSmsResponse, Error> {
        let refresh_jwt = checked(&self.refresh_jwt)?;
        let body = self.wire_body()?;
        let call = Call::of(Operation::UpdateUserPhoneMagicLinkSms).for_user(refresh_jwt);
        let reply = self
            .client
            .prepare(call)
            .await?
            .send(body, |raw, body| {
                raw.update_user_phone_magic_link_sms().body(body).send()
            })
            .await?;
        Ok(reply.value)
    }
}

/// The answer to a phone update: the SMS is on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhoneUpdateSent {
    masked_phone: String,
}

impl PhoneUpdateSent {
    /// The new number, masked by Descope (e.g. `+1******0123`).
    pub fn masked_phone(&self) -> &str {
        &self.masked_phone
    }
}

/// The request from its JSON body (spec names), through the setters.
#[cfg(feature = "unstable-tooling")]
pub(crate) fn from_json<'c>(
    client: &'c DescopeClient,
    refresh_jwt: RefreshJwt,
    body: serde_json::Value,
) -> Result<UpdatePhoneRequest<'c>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Inputs {
        #[serde(default)]
        login_id: String,
        #[serde(default)]
        phone: String,
        #[serde(rename = "URI")]
        uri: Option<String>,
        #[serde(rename = "addToLoginIDs")]
        add_to_login_ids: Option<bool>,
        on_merge_use_existing: Option<bool>,
        provider_id: Option<String>,
        template_id: Option<String>,
        #[serde(default, deserialize_with = "crate::tooling::null_as_default")]
        template_options: HashMap<String, String>,
        locale: Option<String>,
        fail_on_conflict: Option<bool>,
    }
    let inputs: Inputs = serde_json::from_value(body)?;
    let mut request =
        super::MagicLink::new(client).update_phone_sms(refresh_jwt, inputs.login_id, inputs.phone);
    request.uri = inputs.uri.map(Given::check);
    request.add_to_login_ids = inputs.add_to_login_ids;
    request.on_merge_use_existing = inputs.on_merge_use_existing;
    request.provider_id = inputs.provider_id;
    request.template_id = inputs.template_id;
    request.template_options = inputs.template_options;
    request.locale = inputs.locale;
    request.fail_on_conflict = inputs.fail_on_conflict;
    Ok(request)
}
