//! The driver of `descope-raw`, the generated client, used as a caller would:
//! its builders, its `RequestContext` credential, no help of its own.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::{
    AuthManagementKey, ManagementAuthorization, ManagementKey, ProjectAuthorization, ProjectId,
    RefreshJwt, UserAuthorization,
};
use descope_raw::types::{self, ErrorBody};
use descope_raw::{retry_after, Client, Error, RequestContext, ResponseValue, Transport};
use descope_spec::recorded::{ClientKind, Credentials, ErrorOutcome, Inputs, Outcome};
use descope_spec::{Credential, Operation};
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde_json::Value;

use crate::drivers::{success_fields, Driver, DriverError, DriverFuture, Params};

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

    fn client(&self, base_url: &str, authorization: Option<HeaderValue>) -> Client {
        let mut context = RequestContext::new();
        if let Some(authorization) = authorization {
            context = context.with_authorization(authorization);
        }
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
            let (op, params) = Params::of_call(ClientKind::Raw, operation, inputs)?;
            let authorization = bearer(op.credential(), &inputs.credentials)?;
            let client = self.client(base_url, authorization);
            let body = Value::Object(params.all().clone());
            // The path parameter is the caller's project id; the query is read
            // by a type of its parameters, so that one the driver does not
            // know is reported rather than dropped.
            let project_id = inputs.credentials.project_id.as_str();
            let query = Value::Object(params.query().clone());
            let unknown_query = |error: serde_json::Error| DriverError::UnknownInput {
                client: ClientKind::Raw,
                operation: operation.to_string(),
                field: format!("query: {error}"),
            };
            // One line per operation: the generated client has a method each.
            // The recorded body is read by the generated request type, so a
            // refusal is the generated type's own, naming the spec field.
            macro_rules! send {
                ($($op:ident => $method:ident($body:ident)),* $(,)?) => {
                    match op {
                        $(Operation::$op => match wire_body::<types::$body>(&body) {
                            Ok(body) => outcome(client.$method().body(body).send().await),
                            Err(refused) => refused,
                        },)*
                        Operation::GetLicense => {
                            let NoQuery {} = serde_json::from_value(query).map_err(unknown_query)?;
                            outcome(client.get_license().send().await)
                        }
                        Operation::Me => {
                            let NoQuery {} = serde_json::from_value(query).map_err(unknown_query)?;
                            outcome(client.me().send().await)
                        }
                        Operation::GetKeysV2 => {
                            let query: KeysQuery =
                                serde_json::from_value(query).map_err(unknown_query)?;
                            let request = client.get_keys_v2().project_id(project_id);
                            let request = match query.certs {
                                Some(certs) => request.certs(certs),
                                None => request,
                            };
                            outcome(request.send().await)
                        }
                    }
                };
            }
            Ok(send! {
                UpdateUserPhoneMagicLinkSms => update_user_phone_magic_link_sms(UpdatePhoneMagicLinkSmsRequest),
                EmbeddedLinkSignin => embedded_link_signin(EmbeddedLinkSigninRequest),
                EmbeddedLinkSignup => embedded_link_signup(EmbeddedLinkSignupRequest),
                VerifyMagicLink => verify_magic_link(VerifyMagicLinkRequest),
                RefreshSession => refresh_session(RefreshSessionRequest),
                Logout => logout(LogoutRequest),
                LogoutAllDevices => logout_all_devices(LogoutRequest),
            })
        })
    }
}

/// The query of `GetKeysV2`, the one operation with query parameters: the
/// generated builder takes them one setter each, with no type of its own.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysQuery {
    certs: Option<bool>,
}

/// The query of an operation that has none.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoQuery {}

/// The recorded body as the generated request type, or the refusal naming
/// the field it fails at (the spec name: the types' serde names are the
/// spec's).
fn wire_body<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, Outcome> {
    serde_path_to_error::deserialize(body).map_err(|error| {
        let path = error.path().to_string();
        let field = match path.as_str() {
            // A missing field is reported at the body: serde names it.
            "." => error
                .inner()
                .to_string()
                .split('`')
                .nth(1)
                .map_or(path.clone(), str::to_string),
            _ => path,
        };
        Outcome::Error(ErrorOutcome::Validation { field })
    })
}

/// The `Authorization` value for the credential `kind` (none for an
/// operation that needs none), built by the wrapper's credential types (the
/// one place the bearer formats are written), so the raw client is driven
/// with exactly what a caller of the escape hatch would send.
pub(crate) fn bearer(
    kind: Option<Credential>,
    credentials: &Credentials,
) -> Result<Option<HeaderValue>, DriverError> {
    let unusable = |_| DriverError::InputType {
        field: "credentials".into(),
        expected: "credentials the wrapper accepts",
    };
    let Some(kind) = kind else {
        return Ok(None);
    };
    let project = ProjectId::new(credentials.project_id.as_str()).map_err(unusable)?;
    let value = match kind {
        Credential::ProjectId => ProjectAuthorization::new(&project).header_value(),
        Credential::ProjectRefreshJwt => {
            let jwt = credentials
                .refresh_jwt
                .as_deref()
                .ok_or(DriverError::MissingCredential("refreshJwt"))?;
            let jwt = RefreshJwt::new(jwt).map_err(unusable)?;
            let key = credentials
                .auth_management_key
                .as_deref()
                .map(AuthManagementKey::new)
                .transpose()
                .map_err(unusable)?;
            UserAuthorization::new(&project, &jwt)
                .auth_management_key(key.as_ref())
                .header_value()
        }
        Credential::ProjectManagementKey => {
            let key = credentials
                .management_key
                .as_deref()
                .ok_or(DriverError::MissingCredential("managementKey"))?;
            let key = ManagementKey::new(key).map_err(unusable)?;
            ManagementAuthorization::new(&project, &key).header_value()
        }
    };
    Ok(Some(value))
}

/// The generated client's result, normalised.
fn outcome<T: Serialize>(result: Result<ResponseValue<T>, Error<ErrorBody>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(success_fields(value.into_inner())),
        Err(error) => Outcome::Error(match error {
            // The body is already the generated type (`wire_body` refused what
            // it could not read), so no conversion is left to fail: a message
            // here is shown whole.
            Error::InvalidRequest(message) => ErrorOutcome::Validation { field: message },
            Error::ErrorResponse(response) => ErrorOutcome::Api {
                status: response.status().as_u16(),
                retry_after: retry_after(response.headers()).map(|wait| wait.as_secs()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_values_follow_the_security_schemes() {
        let mut credentials = Credentials {
            project_id: "Pfake".into(),
            refresh_jwt: Some("jwt".into()),
            management_key: None,
            auth_management_key: Some("amk".into()),
        };
        let phone = Operation::UpdateUserPhoneMagicLinkSms;
        let link = Operation::EmbeddedLinkSignin;
        assert_eq!(
            bearer(phone.credential(), &credentials).unwrap().unwrap(),
            "Bearer Pfake:jwt:amk"
        );
        assert_eq!(
            bearer(link.credential(), &credentials),
            Err(DriverError::MissingCredential("managementKey"))
        );
        credentials.management_key = Some("key".into());
        assert_eq!(
            bearer(link.credential(), &credentials).unwrap().unwrap(),
            "Bearer Pfake:key"
        );
        assert_eq!(
            bearer(Operation::GetKeysV2.credential(), &credentials),
            Ok(None)
        );
    }
}
