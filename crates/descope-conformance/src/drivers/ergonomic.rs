//! The driver of `descope-ergonomic`, the client services use: its builder,
//! its validation, its retries and its error type, exactly as a caller sees them.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::tooling::{Sleep, SleepFuture};
use descope_ergonomic::{DescopeClient, DescopeClientBuilder, Error, RefreshJwt};

use crate::drivers::{success_fields, Driver, DriverError, DriverFuture, Params};
use descope_spec::recorded::{ClientKind, Credentials, Inputs};
use descope_spec::recorded::{ErrorOutcome, Outcome};
use descope_spec::Credential;

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
            let (op, params) = Params::of_call(ClientKind::Ergonomic, operation, inputs)?;
            let client = match Self::client(&inputs.credentials, base_url) {
                Ok(client) => client,
                Err(error) => return Ok(Outcome::Error(error_outcome(&error))),
            };
            // Through the wrapper's one JSON entry: the same builder, checks
            // and retries as its typed methods, no field named here.
            let refresh_jwt = match (op.credential(), inputs.credentials.refresh_jwt.as_deref()) {
                (Some(Credential::ProjectRefreshJwt), None) => {
                    return Err(DriverError::MissingCredential("refreshJwt"))
                }
                (Some(Credential::ProjectRefreshJwt), Some(jwt)) => match RefreshJwt::new(jwt) {
                    Ok(jwt) => Some(jwt),
                    Err(error) => return Ok(Outcome::Error(error_outcome(&error.into()))),
                },
                _ => None,
            };
            Ok(
                match client.send_json(op, refresh_jwt, params.as_json(op)).await {
                    Ok(answer) => Outcome::Success(success_fields(answer)),
                    Err(error) => Outcome::Error(error_outcome(&error)),
                },
            )
        })
    }
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
