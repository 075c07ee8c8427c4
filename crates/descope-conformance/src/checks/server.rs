//! Server conformance: the recorded requests sent to a real or fake server,
//! its answers checked against the recordings and the spec.

use std::sync::Arc;

use serde_json::Value;

use crate::capture::{CaptureResponses, SeenResponse};
use crate::drivers::Driver;
use crate::drivers::RawDriver;
use descope_spec::fields::error as error_fields;
use descope_spec::recorded::{Exchange, RecordedResponse};
use descope_spec::Spec;

/// Sends the exchange's request through the raw client (whose requests the
/// replay proves equal to the recorded ones) to the server at `base_url`,
/// and checks the response: the recorded status, a body valid against the
/// spec for that status, the recorded `errorCode` for errors, and the
/// recorded fields present for successes (their values are the server's:
/// masked numbers, fresh tokens). One message per problem, each naming the
/// file.
pub async fn check_server(
    spec: &Spec,
    exchange: &Exchange,
    base_url: &str,
    http: &reqwest::Client,
) -> Vec<String> {
    let [recorded] = exchange.responses.as_slice() else {
        return vec![format!("{}: not applicable to a server", exchange.file)];
    };
    let capture = Arc::new(CaptureResponses::default());
    let driver = RawDriver::new(http.clone()).with_transport(capture.clone());
    let result = driver
        .call(
            &exchange.operation,
            &exchange.input,
            base_url.trim_end_matches('/'),
        )
        .await;
    let seen = capture.take();

    let mut problems = Vec::new();
    match (result, seen.as_slice()) {
        (Err(error), _) => problems.push(format!("no call: {error}")),
        (Ok(outcome), []) => problems.push(format!("no request was sent: {outcome}")),
        (Ok(_), [Err(error)]) => problems.push(format!("no response: {error}")),
        (Ok(_), [Ok(response)]) => {
            compare_response(spec, exchange, recorded, response, &mut problems)
        }
        (Ok(_), many) => problems.push(format!("the raw client sent {} requests", many.len())),
    }
    exchange.in_file(problems)
}

fn compare_response(
    spec: &Spec,
    exchange: &Exchange,
    recorded: &RecordedResponse,
    response: &SeenResponse,
    problems: &mut Vec<String>,
) {
    if response.status != recorded.status {
        problems.push(format!(
            "status: expected {}, got {}",
            recorded.status, response.status
        ));
    }
    let body = match serde_json::from_slice::<Value>(&response.body) {
        Ok(body) => body,
        Err(error) => {
            problems.push(format!("body is not JSON: {error}"));
            return;
        }
    };
    if let Some(op) = spec.operation(&exchange.operation) {
        match op.validate_response(response.status, &body) {
            Ok(Some(found)) => problems.extend(
                found
                    .into_iter()
                    .map(|problem| format!("body breaks the spec: {problem}")),
            ),
            Ok(None) if op.response_key_for(response.status).is_none() => problems.push(format!(
                "status {} is not declared for {}",
                response.status, op.id
            )),
            Ok(None) => {}
            Err(error) => problems.push(format!("response schema: {error}")),
        }
    }
    let Some(Value::Object(want)) = &recorded.body else {
        return;
    };
    if let Some(code) = want.get(error_fields::ERROR_CODE) {
        let got = body.get(error_fields::ERROR_CODE).unwrap_or(&Value::Null);
        if got != code {
            problems.push(format!("errorCode: expected {code}, got {got}"));
        }
    } else {
        for field in want.keys() {
            if body.get(field).is_none() {
                problems.push(format!("body lacks `{field}`"));
            }
        }
    }
}
