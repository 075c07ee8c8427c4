//! The driver of `descope-raw`, the generated client, used as a caller would:
//! its builders, its `RequestContext` credential, no help of its own.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use descope_raw::types::{self, ErrorBody};
use descope_raw::{Client, Error, RequestContext, ResponseValue, Transport};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::driver::{Driver, DriverError, DriverFuture, Params};
use crate::exchange::{ClientKind, Credentials, Inputs};
use crate::outcome::{ErrorOutcome, Outcome};

/// The `operationId` of update-phone-by-SMS-magic-link.
pub const UPDATE_PHONE: &str = "UpdateUserPhoneMagicLinkSMS";
/// The `operationId` of generate-embedded-link.
pub const EMBEDDED_LINK: &str = "EmbeddedLinkSignin";

pub(crate) const UPDATE_PHONE_FIELDS: &[&str] = &[
    "loginId",
    "phone",
    "URI",
    "addToLoginIDs",
    "onMergeUseExisting",
    "providerId",
    "templateId",
    "templateOptions",
    "locale",
    "failOnConflict",
];
pub(crate) const EMBEDDED_LINK_FIELDS: &[&str] = &["loginId", "customClaims", "timeout"];

/// Drives [`descope_raw::Client`].
#[derive(Clone)]
pub struct RawDriver {
    http: reqwest::Client,
    transport: Option<Arc<dyn Transport>>,
}

impl RawDriver {
    /// A driver whose calls share the pool `http`.
    pub fn new(http: reqwest::Client) -> Self {
        RawDriver {
            http,
            transport: None,
        }
    }

    /// Hands every request to `transport`, e.g. to observe raw responses.
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    fn client(&self, base_url: &str, authorization: HeaderValue) -> Client {
        let mut context = RequestContext::new().with_authorization(authorization);
        if let Some(transport) = &self.transport {
            context = context.with_transport(transport.clone());
        }
        Client::new_with_client(base_url, self.http.clone(), context)
    }
}

impl Default for RawDriver {
    /// A driver for loopback servers: proxies from the environment are
    /// ignored, and a call gives up after 30 seconds.
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a plain reqwest client builds");
        RawDriver::new(http)
    }
}

impl Driver for RawDriver {
    fn client(&self) -> ClientKind {
        ClientKind::Raw
    }

    fn sends_sdk_headers(&self) -> bool {
        false
    }

    fn call<'a>(
        &'a self,
        operation: &'a str,
        inputs: &'a Inputs,
        base_url: &'a str,
    ) -> DriverFuture<'a> {
        Box::pin(async move {
            let params = Params::new(ClientKind::Raw, operation, &inputs.params);
            match operation {
                UPDATE_PHONE => {
                    let body = update_phone_body(&params)?;
                    let client = self.client(base_url, refresh_jwt_bearer(&inputs.credentials)?);
                    let result = client
                        .update_user_phone_magic_link_sms()
                        .body(body)
                        .send()
                        .await;
                    Ok(outcome(result, UPDATE_PHONE_FIELDS))
                }
                EMBEDDED_LINK => {
                    let body = embedded_link_body(&params)?;
                    let client = self.client(base_url, management_key_bearer(&inputs.credentials)?);
                    let result = client.embedded_link_signin().body(body).send().await;
                    Ok(outcome(result, EMBEDDED_LINK_FIELDS))
                }
                other => Err(DriverError::UnknownOperation {
                    client: ClientKind::Raw,
                    operation: other.to_string(),
                }),
            }
        })
    }
}

fn update_phone_body(
    params: &Params<'_>,
) -> Result<types::builder::UpdatePhoneMagicLinkSmsRequest, DriverError> {
    params.only(UPDATE_PHONE_FIELDS)?;
    // Only what the caller set goes into the builder, so unset optional
    // fields stay off the wire and a missing required one is the client's
    // to refuse.
    let mut body = types::UpdatePhoneMagicLinkSmsRequest::builder();
    if let Some(v) = params.str("loginId")? {
        body = body.login_id(v);
    }
    if let Some(v) = params.str("phone")? {
        body = body.phone(v);
    }
    if let Some(v) = params.str("URI")? {
        body = body.uri(Some(v.to_string()));
    }
    if let Some(v) = params.bool("addToLoginIDs")? {
        body = body.add_to_login_i_ds(Some(v));
    }
    if let Some(v) = params.bool("onMergeUseExisting")? {
        body = body.on_merge_use_existing(Some(v));
    }
    if let Some(v) = params.str("providerId")? {
        body = body.provider_id(Some(v.to_string()));
    }
    if let Some(v) = params.str("templateId")? {
        body = body.template_id(Some(v.to_string()));
    }
    if let Some(v) = params.string_map("templateOptions")? {
        let options: HashMap<String, String> = v
            .into_iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        body = body.template_options(options);
    }
    if let Some(v) = params.str("locale")? {
        body = body.locale(Some(v.to_string()));
    }
    if let Some(v) = params.bool("failOnConflict")? {
        body = body.fail_on_conflict(Some(v));
    }
    Ok(body)
}

fn embedded_link_body(
    params: &Params<'_>,
) -> Result<types::builder::EmbeddedLinkSigninRequest, DriverError> {
    params.only(EMBEDDED_LINK_FIELDS)?;
    let mut body = types::EmbeddedLinkSigninRequest::builder();
    if let Some(v) = params.str("loginId")? {
        body = body.login_id(v);
    }
    if let Some(v) = params.object("customClaims")? {
        body = body.custom_claims(v.clone());
    }
    if let Some(v) = params.i64("timeout")? {
        let v = i32::try_from(v).map_err(|_| DriverError::InputType {
            field: "timeout".into(),
            expected: "a 32-bit integer",
        })?;
        body = body.timeout(Some(v));
    }
    Ok(body)
}

/// `Bearer <ProjectId>:<RefreshJWT>[:<AuthManagementKey>]`.
fn refresh_jwt_bearer(credentials: &Credentials) -> Result<HeaderValue, DriverError> {
    let jwt = credentials
        .refresh_jwt
        .as_deref()
        .ok_or(DriverError::MissingCredential("refreshJwt"))?;
    let mut value = format!("Bearer {}:{jwt}", credentials.project_id);
    if let Some(key) = &credentials.auth_management_key {
        value.push(':');
        value.push_str(key);
    }
    header_value(&value)
}

/// `Bearer <ProjectId>:<ManagementKey>`.
fn management_key_bearer(credentials: &Credentials) -> Result<HeaderValue, DriverError> {
    let key = credentials
        .management_key
        .as_deref()
        .ok_or(DriverError::MissingCredential("managementKey"))?;
    header_value(&format!("Bearer {}:{key}", credentials.project_id))
}

fn header_value(value: &str) -> Result<HeaderValue, DriverError> {
    HeaderValue::from_str(value).map_err(|_| DriverError::InputType {
        field: "credentials".into(),
        expected: "text that fits in a header",
    })
}

/// The generated client's result, normalised. `fields` are the operation's
/// request fields by spec name, to name the one a refusal is about.
fn outcome<T: Serialize>(
    result: Result<ResponseValue<T>, Error<ErrorBody>>,
    fields: &[&str],
) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(success_fields(value.into_inner())),
        Err(error) => Outcome::Error(match error {
            Error::InvalidRequest(message) => ErrorOutcome::Validation {
                field: refused_field(&message, fields),
            },
            Error::ErrorResponse(response) => ErrorOutcome::Api {
                status: response.status().as_u16(),
                retry_after: retry_after(response.headers()),
                error_code: Some(response.into_inner().error_code),
            },
            Error::InvalidResponsePayload(..) => ErrorOutcome::InvalidResponsePayload,
            Error::UnexpectedResponse(response) => ErrorOutcome::UnexpectedResponse {
                status: response.status().as_u16(),
            },
            Error::CommunicationError(_)
            | Error::InvalidUpgrade(_)
            | Error::ResponseBodyError(_)
            | Error::Custom(_) => ErrorOutcome::Transport,
        }),
    }
}

/// The fields of a success value by spec name, as the generated types
/// serialise them (absent optional fields left out).
fn success_fields<T: Serialize>(value: T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(fields)) => fields,
        // The response types are all objects; should one stop being one,
        // the mismatch shows what it became.
        other => {
            let shown = other.unwrap_or_else(|error| Value::String(error.to_string()));
            Map::from_iter([("value".to_string(), shown)])
        }
    }
}

/// The spec name of the field a progenitor `InvalidRequest` message is about.
///
/// The builders say "error converting supplied value for <rust_name>: ..."
/// or "no value supplied for <rust_name>"; the Rust name is the spec name in
/// snake case, so the two match once case and underscores are dropped. An
/// unrecognised message is returned whole, so that the mismatch shows it.
fn refused_field(message: &str, fields: &[&str]) -> String {
    let fold = |name: &str| name.replace('_', "").to_ascii_lowercase();
    let rust_name = ["supplied value for ", "no value supplied for "]
        .iter()
        .find_map(|marker| message.split_once(marker).map(|(_, rest)| rest))
        .map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
        });
    rust_name
        .and_then(|rust_name| fields.iter().find(|field| fold(field) == fold(rust_name)))
        .map(|field| field.to_string())
        .unwrap_or_else(|| message.to_string())
}

/// `Retry-After` in whole seconds; the HTTP-date form is not used by Descope.
fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_spec_field() {
        let message = "conversion to `UpdatePhoneMagicLinkSmsRequest` for body failed: \
                       error converting supplied value for phone: doesn't match pattern";
        assert_eq!(refused_field(message, UPDATE_PHONE_FIELDS), "phone");
        let message = "conversion to `X` for body failed: no value supplied for login_id";
        assert_eq!(refused_field(message, UPDATE_PHONE_FIELDS), "loginId");
        let message = "error converting supplied value for add_to_login_i_ds: no";
        assert_eq!(refused_field(message, UPDATE_PHONE_FIELDS), "addToLoginIDs");
        assert_eq!(refused_field("odd", UPDATE_PHONE_FIELDS), "odd");
    }

    #[test]
    fn bearer_values_follow_the_security_schemes() {
        let mut credentials = Credentials {
            project_id: "Pfake".into(),
            refresh_jwt: Some("jwt".into()),
            management_key: None,
            auth_management_key: Some("amk".into()),
        };
        assert_eq!(
            refresh_jwt_bearer(&credentials).unwrap(),
            "Bearer Pfake:jwt:amk"
        );
        assert_eq!(
            management_key_bearer(&credentials),
            Err(DriverError::MissingCredential("managementKey"))
        );
        credentials.management_key = Some("key".into());
        assert_eq!(
            management_key_bearer(&credentials).unwrap(),
            "Bearer Pfake:key"
        );
    }
}
