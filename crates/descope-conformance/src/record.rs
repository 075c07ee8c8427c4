//! Recording new exchanges from a live server.
//!
//! An existing exchange serves as the template: its inputs are sent with live
//! credentials (from the environment), and the server's answer becomes the
//! new exchange's response and outcome. The live credentials never reach the
//! written file: the template's fake credentials stay in the inputs and the
//! request, and every live secret, and any token the server issued, is
//! replaced in the recorded response.

use std::collections::BTreeMap;
use std::sync::Arc;

use descope_ergonomic::{
    tooling::scrub_secrets, DescopeClient, RetryPolicy, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
};
use serde_json::Value;

use crate::capture::{CaptureResponses, SeenResponse};
use crate::drivers::Driver;
use crate::drivers::RawDriver;
use descope_spec::fields::{embedded_link_signin::response as link_fields, error as error_fields};
use descope_spec::recorded::{ClientKind, ClientOverride, Credentials, Exchange, RecordedResponse};
use descope_spec::recorded::{ErrorOutcome, Outcome};
use descope_spec::Spec;

/// What a recorded embedded-link token becomes: tokens are credentials.
pub const SCRUBBED_TOKEN: &str = "scrubbed-token";

/// Response headers worth keeping in a recording.
const KEPT_HEADERS: [&str; 2] = ["content-type", "retry-after"];

/// Live credentials, read from the `DESCOPE_*` environment variables.
/// Their `Debug` output shows no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct LiveCredentials(Credentials);

impl std::fmt::Debug for LiveCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCredentials")
            .field("project_id", &self.0.project_id)
            .finish_non_exhaustive()
    }
}

impl LiveCredentials {
    /// From `DESCOPE_PROJECT_ID` (required), `DESCOPE_REFRESH_JWT`,
    /// `DESCOPE_MANAGEMENT_KEY` and `DESCOPE_AUTH_MANAGEMENT_KEY`.
    pub fn from_env() -> Result<LiveCredentials, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<LiveCredentials, String> {
        let var = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let project_id = var("DESCOPE_PROJECT_ID").ok_or(
            "live credentials need DESCOPE_PROJECT_ID (and the secrets the operations need)",
        )?;
        Ok(LiveCredentials(Credentials {
            project_id,
            refresh_jwt: var("DESCOPE_REFRESH_JWT"),
            management_key: var("DESCOPE_MANAGEMENT_KEY"),
            auth_management_key: var("DESCOPE_AUTH_MANAGEMENT_KEY"),
        }))
    }

    /// The credentials themselves.
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.0
    }

    /// Each live value paired with the template's stand-in for it.
    fn replacements<'a>(&'a self, fake: &'a Credentials) -> Vec<(&'a str, &'a str)> {
        let pair = |live: &'a Option<String>, fake: &'a Option<String>| {
            live.as_deref()
                .map(|live| (live, fake.as_deref().unwrap_or("scrubbed-secret")))
        };
        let mut pairs: Vec<(&str, &str)> = [
            pair(&self.0.refresh_jwt, &fake.refresh_jwt),
            pair(&self.0.management_key, &fake.management_key),
            pair(&self.0.auth_management_key, &fake.auth_management_key),
        ]
        .into_iter()
        .flatten()
        .collect();
        pairs.push((&self.0.project_id, &fake.project_id));
        pairs
    }
}

/// The HTTP client recording sends live credentials with: the wrapper's
/// transport settings (its request timeout, no redirects, no proxy from the
/// environment), for a `base_url` the wrapper accepts (plain `http://` only
/// to loopback). The response body cap is [`record`]'s.
pub fn recording_client(base_url: &str, live: &LiveCredentials) -> Result<reqwest::Client, String> {
    transport_client(base_url, &live.0.project_id)
}

/// [`recording_client`] for any project id: what probes are sent with too.
pub(crate) fn transport_client(
    base_url: &str,
    project_id: &str,
) -> Result<reqwest::Client, String> {
    // The wrapper's own base-URL rule, by building a client for it.
    DescopeClient::builder()
        .project_id(project_id)
        .base_url(base_url)
        .build()
        .map_err(|e| format!("{base_url}: {e}"))?;
    reqwest::Client::builder()
        .timeout(DEFAULT_REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// Calls the server at `base_url` with `template`'s inputs and the live
/// credentials, and returns the exchange to write: the template with the
/// server's (scrubbed) response and the outcome that response implies.
pub async fn record(
    spec: &Spec,
    template: &Exchange,
    base_url: &str,
    live: &LiveCredentials,
    http: &reqwest::Client,
) -> Result<Exchange, String> {
    if template.request.is_none() {
        return Err(format!(
            "{}: sends nothing, so there is nothing to record",
            template.file
        ));
    }
    let mut inputs = template.input.clone();
    inputs.credentials = live.0.clone();
    // Bodies are read up to the wrapper's cap, as the wrapper reads them.
    let capture = Arc::new(CaptureResponses::capped(DEFAULT_MAX_RESPONSE_BYTES));
    let driver = RawDriver::new(http.clone()).with_transport(capture.clone());
    driver
        .call(&template.operation, &inputs, base_url.trim_end_matches('/'))
        .await
        .map_err(|e| format!("{}: no call: {e}", template.file))?;
    let seen = match capture.take().pop() {
        Some(Ok(seen)) => seen,
        Some(Err(error)) => return Err(format!("{}: no response: {error}", template.file)),
        None => return Err(format!("{}: no request was sent", template.file)),
    };
    if (300..400).contains(&seen.status) {
        let location = seen
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or("nowhere");
        return Err(format!(
            "{}: the server redirected ({} to {location}); recording follows no redirect \
             with live credentials",
            template.file, seen.status
        ));
    }
    let response = scrubbed_response(&seen, &live.replacements(&template.input.credentials));
    let mut recorded = template.clone();
    recorded.description = format!("{} (recorded from a live server)", template.description);
    recorded.overrides = BTreeMap::new();
    recorded.clients = ClientKind::ALL.to_vec();
    let valid = response_is_valid(spec, template, &response);
    recorded.outcome = outcome(&response, valid);
    if !valid {
        recorded.overrides.insert(
            ClientKind::Raw,
            ClientOverride {
                requests: None,
                outcome: Some(Outcome::Error(ErrorOutcome::InvalidResponsePayload)),
            },
        );
    }
    let retried = reqwest::StatusCode::from_u16(response.status)
        .is_ok_and(|status| RetryPolicy::default().retries_status(status));
    if retried {
        // The ergonomic client (default policy, as its driver uses) would
        // retry; one recorded response cannot answer that.
        recorded.clients = vec![ClientKind::Raw];
    }
    recorded.responses = vec![RecordedResponse {
        off_spec: !valid,
        ..response
    }];
    Ok(recorded)
}

/// The exchange as YAML, ready to be written to `spec/recorded/`.
pub fn to_yaml(exchange: &Exchange) -> Result<String, String> {
    serde_norway::to_string(exchange).map_err(|e| format!("{}: {e}", exchange.file))
}

/// The response with every live value replaced by its stand-in, and issued
/// tokens by [`SCRUBBED_TOKEN`].
fn scrubbed_response(seen: &SeenResponse, replacements: &[(&str, &str)]) -> RecordedResponse {
    let secrets: Vec<&str> = replacements.iter().map(|(live, _)| *live).collect();
    let scrub = |text: &str| {
        let standing_in = replacements
            .iter()
            .fold(text.to_string(), |acc, (live, fake)| {
                acc.replace(live, fake)
            });
        // What the stand-ins did not catch: a live value echoed encoded, or
        // any JWT.
        scrub_secrets(&standing_in, &secrets)
    };
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = seen.headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), scrub(value)))
        })
        .collect();
    let (body, text) = match serde_json::from_slice::<Value>(&seen.body) {
        Ok(json) => (Some(scrub_json(json, &scrub)), None),
        Err(_) if seen.body.is_empty() => (None, None),
        Err(_) => (None, Some(scrub(&String::from_utf8_lossy(&seen.body)))),
    };
    RecordedResponse {
        status: seen.status,
        headers,
        body,
        text,
        off_spec: false,
    }
}

fn scrub_json(value: Value, scrub: &impl Fn(&str) -> String) -> Value {
    match value {
        Value::String(text) => Value::String(scrub(&text)),
        Value::Array(items) => items.into_iter().map(|v| scrub_json(v, scrub)).collect(),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), &value) {
                        (link_fields::TOKEN, Value::String(_)) => Value::from(SCRUBBED_TOKEN),
                        _ => scrub_json(value, scrub),
                    };
                    (key, value)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Whether the body is JSON valid against the spec for its status.
fn response_is_valid(spec: &Spec, template: &Exchange, response: &RecordedResponse) -> bool {
    let Some(operation) = spec.operation(&template.operation) else {
        return false;
    };
    let Some(body) = &response.body else {
        return false;
    };
    matches!(operation.validate_response(response.status, body), Ok(Some(found)) if found.is_empty())
}

/// What a caller sees for this response.
fn outcome(response: &RecordedResponse, valid: bool) -> Outcome {
    let status = response.status;
    match (&response.body, valid) {
        (Some(Value::Object(fields)), true) if (200..300).contains(&status) => {
            Outcome::Success(fields.clone())
        }
        (Some(body), true) => Outcome::Error(ErrorOutcome::Api {
            status,
            error_code: body
                .get(error_fields::ERROR_CODE)
                .and_then(Value::as_str)
                .map(str::to_string),
            retry_after: response
                .headers
                .get("retry-after")
                .and_then(|v| v.trim().parse().ok()),
        }),
        _ => Outcome::Error(ErrorOutcome::MalformedResponse { status }),
    }
}
