//! The driver of `descope-ergonomic`, the client services use: its builder,
//! its validation, its retries and its error type, exactly as a caller sees them.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RefreshJwt, Sleep, SleepFuture,
};
use serde_json::{Map, Value};

use crate::driver::{Driver, DriverError, DriverFuture, Params};
use crate::exchange::{ClientKind, Credentials, Inputs};
use crate::outcome::{ErrorOutcome, Outcome};
use crate::raw_driver::{EMBEDDED_LINK, EMBEDDED_LINK_FIELDS, UPDATE_PHONE, UPDATE_PHONE_FIELDS};

/// Drives [`descope_ergonomic::DescopeClient`], one client per call, built
/// from the exchange's credentials.
#[derive(Clone, Debug, Default)]
pub struct ErgonomicDriver;

/// Retries happen as the policy says, without the real waits: the suite
/// checks how many requests arrive, not how long the client slept.
#[derive(Debug)]
struct NoWait;

impl Sleep for NoWait {
    fn sleep(&self, _duration: Duration) -> SleepFuture {
        Box::pin(async {})
    }
}

impl ErgonomicDriver {
    fn client(credentials: &Credentials, base_url: &str) -> Result<DescopeClient, Error> {
        let mut builder = DescopeClientBuilder::new()
            .project_id(credentials.project_id.as_str())
            .base_url(base_url)
            .request_timeout(Duration::from_secs(30))
            .sleep(Arc::new(NoWait));
        if let Some(key) = &credentials.management_key {
            builder = builder.management_key(key.as_str());
        }
        if let Some(key) = &credentials.auth_management_key {
            builder = builder.auth_management_key(key.as_str());
        }
        builder.build()
    }
}

impl Driver for ErgonomicDriver {
    fn client(&self) -> ClientKind {
        ClientKind::Ergonomic
    }

    fn sends_sdk_headers(&self) -> bool {
        true
    }

    fn call<'a>(
        &'a self,
        operation: &'a str,
        inputs: &'a Inputs,
        base_url: &'a str,
    ) -> DriverFuture<'a> {
        Box::pin(async move {
            let params = Params::new(ClientKind::Ergonomic, operation, &inputs.params);
            let client = match Self::client(&inputs.credentials, base_url) {
                Ok(client) => client,
                Err(error) => return Ok(Outcome::Error(error_outcome(&error))),
            };
            let result = match operation {
                UPDATE_PHONE => update_phone(&client, &params, &inputs.credentials).await?,
                EMBEDDED_LINK => embedded_link(&client, &params).await?,
                other => {
                    return Err(DriverError::UnknownOperation {
                        client: ClientKind::Ergonomic,
                        operation: other.to_string(),
                    })
                }
            };
            Ok(match result {
                Ok(fields) => Outcome::Success(fields),
                Err(error) => Outcome::Error(error_outcome(&error)),
            })
        })
    }
}

type CallResult = Result<Map<String, Value>, Error>;

async fn update_phone(
    client: &DescopeClient,
    params: &Params<'_>,
    credentials: &Credentials,
) -> Result<CallResult, DriverError> {
    params.only(UPDATE_PHONE_FIELDS)?;
    let jwt = credentials
        .refresh_jwt
        .as_deref()
        .ok_or(DriverError::MissingCredential("refreshJwt"))?;
    let jwt = match RefreshJwt::new(jwt) {
        Ok(jwt) => jwt,
        Err(error) => return Ok(Err(error.into())),
    };
    let login_id = params.str("loginId")?.unwrap_or_default();
    let phone = params.str("phone")?.unwrap_or_default();
    let mut request = client.update_phone_magic_link_sms(jwt, login_id, phone);
    if let Some(v) = params.str("URI")? {
        request = request.uri(v);
    }
    if let Some(v) = params.bool("addToLoginIDs")? {
        request = request.add_to_login_ids(v);
    }
    if let Some(v) = params.bool("onMergeUseExisting")? {
        request = request.on_merge_use_existing(v);
    }
    if let Some(v) = params.str("providerId")? {
        request = request.provider_id(v);
    }
    if let Some(v) = params.str("templateId")? {
        request = request.template_id(v);
    }
    if let Some(v) = params.string_map("templateOptions")? {
        request = request.template_options(v);
    }
    if let Some(v) = params.str("locale")? {
        request = request.locale(v);
    }
    if let Some(v) = params.bool("failOnConflict")? {
        request = request.fail_on_conflict(v);
    }
    Ok(request
        .send()
        .await
        .map(|sent| Map::from_iter([("maskedPhone".to_string(), sent.masked_phone().into())])))
}

async fn embedded_link(
    client: &DescopeClient,
    params: &Params<'_>,
) -> Result<CallResult, DriverError> {
    params.only(EMBEDDED_LINK_FIELDS)?;
    let mut request = client.embedded_link(params.str("loginId")?.unwrap_or_default());
    // Passed through as recorded: refusing a claim set that is not an object,
    // or a negative lifetime, is the client's job and part of what is checked.
    if let Some(v) = params.value("customClaims") {
        request = request.custom_claims(v.clone());
    }
    if let Some(v) = params.i64("timeout")? {
        request = request.timeout_secs(v);
    }
    Ok(request.send().await.map(|link| {
        let mut fields = Map::from_iter([(
            "token".to_string(),
            Value::from(link.token().expose_secret()),
        )]);
        for (name, value) in [
            ("maskedEmail", link.masked_email()),
            ("maskedPhone", link.masked_phone()),
        ] {
            if let Some(value) = value {
                fields.insert(name.to_string(), value.into());
            }
        }
        fields
    }))
}

/// The ergonomic error, in the suite's outcome shape.
fn error_outcome(error: &Error) -> ErrorOutcome {
    match error {
        Error::Validation(refused) => ErrorOutcome::Validation {
            field: refused.field().name().to_string(),
        },
        Error::Api(api) => ErrorOutcome::Api {
            status: api.status().as_u16(),
            error_code: Some(api.code().to_string()),
            retry_after: api.retry_after().map(|wait| wait.as_secs()),
        },
        Error::MalformedResponse { status, .. } | Error::ResponseTooLarge { status, .. } => {
            ErrorOutcome::MalformedResponse {
                status: status.as_u16(),
            }
        }
        Error::UnexpectedStatus { status, .. } => ErrorOutcome::UnexpectedResponse {
            status: status.as_u16(),
        },
        _ => ErrorOutcome::Transport,
    }
}
