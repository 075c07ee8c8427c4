//! Replay of an exchange against a client on the in-process mock server.

use std::time::Duration;

use serde_json::Value;

use crate::checks::diff::json_differences;
use crate::drivers::{Driver, DriverError};
use crate::mock::{ArrivedRequest, ScriptedServer};
use descope_spec::recorded::{Exchange, RecordedRequest, LICENSE_HEADER, SDK_HEADERS};
use descope_spec::{Operation, Spec};

/// How long one call may take; the ergonomic client's retries alone may wait
/// over ten seconds.
const CALL_LIMIT: Duration = Duration::from_secs(60);

/// Replays `exchange` with `driver`: serves the recorded responses, then
/// checks that the requests that arrived are the recorded one (as many as
/// expected, none extra), that every body sent validates against the spec's
/// request schema (so the client's own types cannot drift from the spec),
/// and that the outcome is the expected one. One message per problem, each
/// naming the file.
pub async fn replay(spec: &Spec, exchange: &Exchange, driver: &dyn Driver) -> Vec<String> {
    // Handshakes are answered apart, except in the handshake's own exchanges.
    let handshakes = exchange.operation != Operation::GetLicense.id();
    let server = ScriptedServer::start(&exchange.responses, handshakes).await;
    let base_url = server.base_url();
    let call = driver.call(&exchange.operation, &exchange.input, &base_url);
    let result = match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(result) => result,
        Err(_) => Err(DriverError::Timeout(CALL_LIMIT.as_secs())),
    };
    let arrived = server.arrived();

    let mut problems = Vec::new();
    compare_handshakes(exchange, driver, &server.handshakes(), &mut problems);
    compare_requests(exchange, driver, &arrived, &mut problems);
    check_no_credential(exchange, &arrived, &mut problems);
    check_sent_bodies(spec, exchange, driver, &arrived, &mut problems);
    let expected = exchange.expected_outcome(driver.client());
    match result {
        Ok(outcome) if outcome == *expected => {}
        Ok(outcome) => problems.push(format!("outcome: expected {expected}, got {outcome}")),
        Err(error) => problems.push(format!("no outcome: {error}")),
    }
    exchange.in_file(problems)
}

fn compare_requests(
    exchange: &Exchange,
    driver: &dyn Driver,
    arrived: &[ArrivedRequest],
    problems: &mut Vec<String>,
) {
    let expected = exchange.expected_requests(driver.client());
    if arrived.len() != expected {
        problems.push(format!(
            "expected {} to arrive, {} arrived",
            requests(expected),
            requests(arrived.len())
        ));
    }
    let Some(recorded) = &exchange.request else {
        return;
    };
    if driver.sends_sdk_headers() {
        for name in SDK_HEADERS {
            if !recorded.headers.contains_key(name) {
                problems.push(format!(
                    "the recorded request lacks {name}, which the {} client sends",
                    driver.client()
                ));
            }
        }
    }
    for (i, request) in arrived.iter().enumerate() {
        let at = format!("request {}", i + 1);
        compare_request(&at, recorded, request, driver.sends_sdk_headers(), problems);
    }
}

/// A recorded request that carries `x-descope-license` comes after exactly
/// one license handshake (for a client that sends SDK headers), made with
/// the same credential and without the header; any other comes after none.
fn compare_handshakes(
    exchange: &Exchange,
    driver: &dyn Driver,
    handshakes: &[ArrivedRequest],
    problems: &mut Vec<String>,
) {
    let recorded = exchange.request.as_ref();
    let expected = usize::from(
        driver.sends_sdk_headers()
            && recorded.is_some_and(|r| r.headers.contains_key(LICENSE_HEADER)),
    );
    if handshakes.len() != expected {
        problems.push(format!(
            "expected {} license handshake(s) before the call, {} arrived",
            expected,
            handshakes.len()
        ));
    }
    let authorization = recorded.and_then(|r| r.headers.get("authorization").cloned().flatten());
    for handshake in handshakes {
        if !handshake.header(LICENSE_HEADER).is_empty() {
            problems.push(format!("the license handshake carries {LICENSE_HEADER}"));
        }
        if let Some(want) = &authorization {
            if handshake.header("authorization") != [want.as_str()] {
                problems.push("the license handshake has another credential than the call".into());
            }
        }
    }
}

/// An operation that needs no credential (`security: []`, such as the key
/// set) is sent none: a recording can list the headers a request must
/// carry, not those it must not.
fn check_no_credential(
    exchange: &Exchange,
    arrived: &[ArrivedRequest],
    problems: &mut Vec<String>,
) {
    let needs_none =
        Operation::from_id(&exchange.operation).is_some_and(|op| op.credential().is_none());
    for (i, request) in arrived.iter().enumerate() {
        if needs_none && !request.header("authorization").is_empty() {
            problems.push(format!(
                "request {}: carries authorization; {} needs no credential",
                i + 1,
                exchange.operation
            ));
        }
    }
}

fn requests(n: usize) -> String {
    match n {
        0 => "no request".into(),
        1 => "1 request".into(),
        n => format!("{n} requests"),
    }
}

fn compare_request(
    at: &str,
    recorded: &RecordedRequest,
    request: &ArrivedRequest,
    sdk_headers: bool,
    problems: &mut Vec<String>,
) {
    if request.method != recorded.method {
        problems.push(format!(
            "{at}: method: expected {}, got {}",
            recorded.method, request.method
        ));
    }
    if request.path != recorded.path {
        problems.push(format!(
            "{at}: path: expected {}, got {}",
            recorded.path, request.path
        ));
    }
    for (name, want) in &recorded.headers {
        if !sdk_headers && (SDK_HEADERS.contains(&name.as_str()) || name == LICENSE_HEADER) {
            continue;
        }
        match (want, request.header(name).as_slice()) {
            (_, []) => problems.push(format!("{at}: header {name}: missing")),
            (Some(want), [got]) if want != got => problems.push(format!(
                "{at}: header {name}: expected {want:?}, got {got:?}"
            )),
            (_, [_]) => {}
            (_, many) => problems.push(format!("{at}: header {name}: sent {} times", many.len())),
        }
    }
    match (&recorded.body, request.body.is_empty()) {
        (Some(want), _) => match serde_json::from_slice::<Value>(&request.body) {
            Ok(got) => problems.extend(
                json_differences(want, &got)
                    .into_iter()
                    .map(|difference| format!("{at}: body {difference}")),
            ),
            Err(error) => problems.push(format!("{at}: body is not JSON: {error}")),
        },
        (None, false) => problems.push(format!("{at}: has a body, the recording has none")),
        (None, true) => {}
    }
}

fn check_sent_bodies(
    spec: &Spec,
    exchange: &Exchange,
    driver: &dyn Driver,
    arrived: &[ArrivedRequest],
    problems: &mut Vec<String>,
) {
    // A missing operation or schema is the spec check's to report.
    let Some(op) = spec.operation(&exchange.operation) else {
        return;
    };
    for (i, request) in arrived.iter().enumerate() {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            continue;
        };
        let found = op
            .validate_request(&body)
            .unwrap_or_else(|error| vec![schema_error(error)]);
        for problem in found {
            problems.push(format!(
                "request {} as the {} client sent it breaks the spec: {problem}",
                i + 1,
                driver.client()
            ));
        }
    }
}

/// A schema that does not compile, reported where its violations would be.
fn schema_error(message: String) -> descope_spec::Violation {
    descope_spec::Violation {
        at: String::new(),
        keyword: String::new(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrived(authorization: Option<&str>) -> ArrivedRequest {
        ArrivedRequest {
            method: "GET".into(),
            path: "/".into(),
            headers: authorization
                .map(|value| ("authorization".to_string(), value.to_string()))
                .into_iter()
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn an_operation_that_needs_no_credential_is_sent_none() {
        let exchange = |operation: Operation| {
            let text = format!(
                "operation: {}\nname: x\ndescription: x\ninput:\n  credentials: {{projectId: P}}\n\
                 outcome: {{error: {{kind: transport}}}}\n",
                operation.id()
            );
            Exchange::parse("x.yaml", &text).unwrap()
        };
        let problems = |operation, request| {
            let mut found = Vec::new();
            check_no_credential(&exchange(operation), &[request], &mut found);
            found
        };
        assert_eq!(
            problems(Operation::GetKeysV2, arrived(Some("Bearer P"))),
            ["request 1: carries authorization; GetKeysV2 needs no credential"]
        );
        assert!(problems(Operation::GetKeysV2, arrived(None)).is_empty());
        assert!(problems(Operation::Me, arrived(Some("Bearer P:jwt"))).is_empty());
    }
}
