//! The driver of `descope-ergonomic`, the client services use: its builder,
//! its validation, its retries and its error type, exactly as a caller sees them.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RefreshJwt, Sleep, SleepFuture,
};
use serde_json::{Map, Value};

use crate::drivers::{Driver, DriverError, DriverFuture, Params};
use descope_spec::fields::{
    embedded_link_signin as link_fields, get_license as license_fields,
    update_user_phone_magic_link_sms as phone_fields,
};
use descope_spec::recorded::{ClientKind, Credentials, Inputs};
use descope_spec::recorded::{ErrorOutcome, Outcome};
use descope_spec::Operation;

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
            let (op, params) = Params::of_call(ClientKind::Ergonomic, operation, &inputs.params)?;
            let client = match Self::client(&inputs.credentials, base_url) {
                Ok(client) => client,
                Err(error) => return Ok(Outcome::Error(error_outcome(&error))),
            };
            let result = match op {
                Operation::UpdateUserPhoneMagicLinkSms => {
                    update_phone(&client, &params, &inputs.credentials).await?
                }
                Operation::EmbeddedLinkSignin => embedded_link(&client, &params).await?,
                Operation::GetLicense => license(&client).await,
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
    let jwt = credentials
        .refresh_jwt
        .as_deref()
        .ok_or(DriverError::MissingCredential("refreshJwt"))?;
    let jwt = match RefreshJwt::new(jwt) {
        Ok(jwt) => jwt,
        Err(error) => return Ok(Err(error.into())),
    };
    let login_id = params
        .str(phone_fields::request::LOGIN_ID)?
        .unwrap_or_default();
    let phone = params
        .str(phone_fields::request::PHONE)?
        .unwrap_or_default();
    let mut request = client.update_phone_magic_link_sms(jwt, login_id, phone);
    if let Some(v) = params.str(phone_fields::request::URI)? {
        request = request.uri(v);
    }
    if let Some(v) = params.bool(phone_fields::request::ADD_TO_LOGIN_I_DS)? {
        request = request.add_to_login_ids(v);
    }
    if let Some(v) = params.bool(phone_fields::request::ON_MERGE_USE_EXISTING)? {
        request = request.on_merge_use_existing(v);
    }
    if let Some(v) = params.str(phone_fields::request::PROVIDER_ID)? {
        request = request.provider_id(v);
    }
    if let Some(v) = params.str(phone_fields::request::TEMPLATE_ID)? {
        request = request.template_id(v);
    }
    if let Some(v) = params.string_map(phone_fields::request::TEMPLATE_OPTIONS)? {
        request = request.template_options(v);
    }
    if let Some(v) = params.str(phone_fields::request::LOCALE)? {
        request = request.locale(v);
    }
    if let Some(v) = params.bool(phone_fields::request::FAIL_ON_CONFLICT)? {
        request = request.fail_on_conflict(v);
    }
    Ok(request.send().await.map(|sent| {
        Map::from_iter([(
            phone_fields::response::MASKED_PHONE.to_string(),
            sent.masked_phone().into(),
        )])
    }))
}

async fn embedded_link(
    client: &DescopeClient,
    params: &Params<'_>,
) -> Result<CallResult, DriverError> {
    let mut request = client.embedded_link(
        params
            .str(link_fields::request::LOGIN_ID)?
            .unwrap_or_default(),
    );
    // Passed through as recorded: refusing a claim set that is not an object,
    // or a negative lifetime, is the client's job and part of what is checked.
    if let Some(v) = params.value(link_fields::request::CUSTOM_CLAIMS) {
        request = request.custom_claims(v.clone());
    }
    if let Some(v) = params.i64(link_fields::request::TIMEOUT)? {
        request = request.timeout_secs(v);
    }
    Ok(request.send().await.map(|link| {
        let mut fields = Map::from_iter([(
            link_fields::response::TOKEN.to_string(),
            Value::from(link.token().expose_secret()),
        )]);
        for (name, value) in [
            (link_fields::response::MASKED_EMAIL, link.masked_email()),
            (link_fields::response::MASKED_PHONE, link.masked_phone()),
        ] {
            if let Some(value) = value {
                fields.insert(name.to_string(), value.into());
            }
        }
        fields
    }))
}

async fn license(client: &DescopeClient) -> CallResult {
    client.license().send().await.map(|license| {
        Map::from_iter([(
            license_fields::response::RATE_LIMIT_TIER.to_string(),
            license.rate_limit_tier().into(),
        )])
    })
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
