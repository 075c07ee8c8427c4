//! `--probe`: requests a server must refuse, sent to it. One per constraint
//! of each request body (derived from the spec: see
//! [`crate::probe::Probes`]), answered with a 400; and per operation that
//! needs a credential a missing, a malformed and a wrong kind of one,
//! answered with a 401 or 403. Every refusal must carry the error body the spec declares.
//!
//! Messages name statuses, error codes and schema keywords only: never the
//! credentials sent, nor text the server wrote (which might echo them).

use std::sync::Arc;

use descope_raw::Transport;
use descope_spec::fields::error as error_fields;
use descope_spec::recorded::Credentials;
use descope_spec::{Credential, Operation, OperationSpec, Spec};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

use crate::capture::{CaptureResponses, SeenResponse};
use crate::drivers::bearer;
use crate::report::{CheckKind, CheckResult};
use descope_ergonomic::DEFAULT_MAX_RESPONSE_BYTES;

/// The probes' results, and how many constraints were probed (the coverage
/// figures already hold how many the spec declares).
pub(crate) struct Probed {
    pub(crate) results: Vec<CheckResult>,
    pub(crate) constraints_probed: usize,
}

/// The wrong credentials sent to every operation.
#[derive(Clone, Copy)]
enum BadCredential {
    Missing,
    /// The project id alone: a bearer value without its secret.
    Malformed,
    /// The other security scheme's credential.
    WrongKind,
}

impl BadCredential {
    const ALL: [BadCredential; 3] = [
        BadCredential::Missing,
        BadCredential::Malformed,
        BadCredential::WrongKind,
    ];

    fn name(self) -> &'static str {
        match self {
            BadCredential::Missing => "credential missing",
            BadCredential::Malformed => "credential malformed",
            BadCredential::WrongKind => "credential of the wrong kind",
        }
    }
}

/// Sends every probe of every operation of `spec` to `base_url`, with
/// `credentials` where a valid one is needed.
pub(crate) async fn probe_server(
    spec: &Spec,
    credentials: &Credentials,
    base_url: &str,
    http: &reqwest::Client,
) -> Probed {
    let mut probed = Probed {
        results: Vec::new(),
        constraints_probed: 0,
    };
    for op in spec.operations() {
        let result = |name: String, problems: Vec<String>| CheckResult {
            exchange: format!("{}: {name}", op.id),
            check: CheckKind::Probe,
            client: None,
            problems,
        };
        let Some(operation) = Operation::from_id(op.id) else {
            let problem = "not in the operation table the clients are built from".to_string();
            probed
                .results
                .push(result("operation".into(), vec![problem]));
            continue;
        };
        let probes = match crate::probe::probes(&op) {
            Ok(probes) => probes,
            Err(error) => {
                probed
                    .results
                    .push(result("request body".into(), vec![error]));
                continue;
            }
        };
        let target = Target {
            op: &op,
            operation,
            url: format!(
                "{}{}",
                base_url.trim_end_matches('/'),
                operation.path_for(&credentials.project_id)
            ),
            http,
        };
        let valid = match bearer(operation.credential(), credentials) {
            Ok(valid) => valid,
            Err(error) => {
                let problem = format!("no credential to probe with: {error}");
                probed
                    .results
                    .push(result("credentials".into(), vec![problem]));
                continue;
            }
        };
        for probe in &probes.probes {
            let problems = target.send(valid.as_ref(), &probe.body, &[400]).await;
            probed.constraints_probed += 1;
            probed
                .results
                .push(result(probe.constraint.to_string(), problems));
        }
        for unprobed in &probes.unprobed {
            let problem = format!("not probed: {}", unprobed.reason);
            probed
                .results
                .push(result(unprobed.constraint.to_string(), vec![problem]));
        }
        // An operation that needs no credential (the key set) has no wrong one.
        let cases = if operation.credential().is_some() {
            &BadCredential::ALL[..]
        } else {
            &[]
        };
        for &case in cases {
            let problems = match wrong_authorization(case, operation, credentials) {
                Ok(header) => {
                    target
                        .send(header.as_ref(), &probes.base, &[401, 403])
                        .await
                }
                Err(error) => vec![format!("cannot build it: {error}")],
            };
            probed.results.push(result(case.name().into(), problems));
        }
    }
    probed
}

/// The `Authorization` header of a bad-credential case, if any.
fn wrong_authorization(
    case: BadCredential,
    operation: Operation,
    credentials: &Credentials,
) -> Result<Option<HeaderValue>, String> {
    match case {
        BadCredential::Missing => Ok(None),
        BadCredential::Malformed => {
            HeaderValue::from_str(&format!("Bearer {}", credentials.project_id))
                .map(Some)
                .map_err(|_| "the project id is not a header value".to_string())
        }
        BadCredential::WrongKind => {
            let other = Credential::ALL
                .into_iter()
                .find(|kind| Some(*kind) != operation.credential());
            bearer(other, credentials).map_err(|error| error.to_string())
        }
    }
}

/// Where an operation's probes go.
struct Target<'a> {
    op: &'a OperationSpec<'a>,
    operation: Operation,
    url: String,
    http: &'a reqwest::Client,
}

impl Target<'_> {
    /// Sends `body` with `authorization` and checks that the answer has one
    /// of the `expected` statuses and the error body the spec declares.
    async fn send(
        &self,
        authorization: Option<&HeaderValue>,
        body: &Value,
        expected: &[u16],
    ) -> Vec<String> {
        let method = match self.op.method.parse::<reqwest::Method>() {
            Ok(method) => method,
            Err(_) => return vec![format!("method {} cannot be sent", self.op.method)],
        };
        let mut request = self
            .http
            .request(method, &self.url)
            .header(CONTENT_TYPE, descope_spec::JSON)
            .body(body.to_string());
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        let request = match request.build() {
            Ok(request) => request,
            Err(error) => return vec![format!("cannot build the request: {error}")],
        };
        let capture = Arc::new(CaptureResponses::capped(DEFAULT_MAX_RESPONSE_BYTES));
        // The capture's own reading: capped, and a copy of the server's bytes.
        let _ = capture
            .execute(self.http, request, self.operation.client_method())
            .await;
        match capture.take().as_slice() {
            [Ok(seen)] => self.check_refusal(seen, expected),
            [Err(error)] => vec![format!("no response: {error}")],
            _ => vec!["no response".into()],
        }
    }

    fn check_refusal(&self, seen: &SeenResponse, expected: &[u16]) -> Vec<String> {
        let mut problems = Vec::new();
        if !expected.contains(&seen.status) {
            let wanted: Vec<String> = expected.iter().map(u16::to_string).collect();
            problems.push(format!(
                "status: expected {}, got {}",
                wanted.join(" or "),
                seen.status
            ));
        }
        let Ok(body) = serde_json::from_slice::<Value>(&seen.body) else {
            problems.push("the body is not JSON".into());
            return problems;
        };
        match self.op.validate_response(seen.status, &body) {
            Ok(Some(violations)) => problems.extend(violations.iter().map(|v| {
                let at = if v.at.is_empty() { "(body)" } else { &v.at };
                format!("the body breaks the spec: `{}` at {at}", v.keyword)
            })),
            Ok(None) => problems.push(format!(
                "status {} has no JSON body in the spec",
                seen.status
            )),
            Err(error) => problems.push(format!("response schema: {error}")),
        }
        let code = body.get(error_fields::ERROR_CODE).and_then(Value::as_str);
        if let Some(code) = code.filter(|code| !problems.is_empty() && looks_like_a_code(code)) {
            problems.push(format!("the answer's errorCode: {code}"));
        }
        problems
    }
}

/// An error code as Descope writes them (`E` and digits), and so nothing a
/// server could have echoed from the request.
fn looks_like_a_code(code: &str) -> bool {
    code.strip_prefix('E').is_some_and(|digits| {
        (1..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}
