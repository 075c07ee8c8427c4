//! The exchange file: one recorded call, as it crosses the wire.
//!
//! The format is documented in `spec/recorded/README.md`. Parsing is strict:
//! an unknown key anywhere is an error naming the file and the key, because a
//! misspelt key that were silently ignored would make a check pass vacuously.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::outcome::Outcome;

/// A client implementation the suite can drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// `descope-raw`, the client progenitor generates from the spec.
    Raw,
    /// `descope-ergonomic`, the hand-written client services use.
    Ergonomic,
}

impl ClientKind {
    /// Every client, in report order.
    pub const ALL: [ClientKind; 2] = [ClientKind::Raw, ClientKind::Ergonomic];

    /// The name used in exchange files and reports.
    pub fn name(self) -> &'static str {
        match self {
            ClientKind::Raw => "raw",
            ClientKind::Ergonomic => "ergonomic",
        }
    }

    fn all() -> Vec<ClientKind> {
        Self::ALL.to_vec()
    }
}

/// Whether a `clients` list is the default, so it can be left out when written.
fn covers_all(clients: &[ClientKind]) -> bool {
    ClientKind::ALL
        .iter()
        .all(|client| clients.contains(client))
}

impl fmt::Display for ClientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One recorded exchange, read from `spec/recorded/<name>.yaml`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Exchange {
    /// The file it was read from, e.g. `update-phone-minimal.yaml`; it names
    /// the exchange in every message.
    #[serde(skip)]
    pub file: String,
    /// The spec's `operationId` of the operation called.
    pub operation: String,
    /// The file name without `.yaml`; what `--filter` matches.
    pub name: String,
    /// One sentence on what the exchange shows.
    pub description: String,
    /// The clients it applies to; all of them when left out.
    #[serde(default = "ClientKind::all", skip_serializing_if = "covers_all")]
    pub clients: Vec<ClientKind>,
    /// What the caller hands to the client.
    pub input: Inputs,
    /// The request that must go out; absent when the client must refuse the
    /// input and send nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RecordedRequest>,
    /// The responses the server gives, in order: request N gets response N.
    #[serde(default)]
    pub responses: Vec<RecordedResponse>,
    /// What every client in `clients` must return, unless overridden.
    pub outcome: Outcome,
    /// Where one client must behave differently from `outcome` and from one
    /// request per response.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<ClientKind, ClientOverride>,
}

/// The caller's inputs: credentials and the operation's parameters.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Inputs {
    /// The credentials the caller configures.
    pub credentials: Credentials,
    /// The operation's inputs under the spec's request field names (`loginId`,
    /// `phone`, `URI`, ...), as the caller gives them: they may differ from
    /// what goes on the wire (e.g. a phone number the client normalises).
    #[serde(default)]
    pub params: Map<String, Value>,
    /// The operation's query parameters by their spec names (`certs`), as the
    /// caller gives them. An operation's path parameters are not inputs: they
    /// are the caller's project id (`credentials.projectId`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub query: Map<String, Value>,
}

/// The credentials of a caller. Recordings hold obviously fake values only.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credentials {
    /// The Descope project id.
    pub project_id: String,
    /// A signed-in user's refresh JWT, for operations on the user's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_jwt: Option<String>,
    /// A management key, for management operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_key: Option<String>,
    /// An auth management key, appended to the refresh-JWT credential when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_management_key: Option<String>,
}

/// The request a client must send.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordedRequest {
    /// The HTTP method, upper case.
    pub method: String,
    /// The path, with the query string if there is one.
    pub path: String,
    /// The headers that matter, by lower-case name. A null value means "must
    /// be present, any value" (e.g. the SDK version). Headers listed in
    /// [`SDK_HEADERS`] and [`LICENSE_HEADER`] are checked only for clients
    /// that send them.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    /// The JSON body, compared as a JSON value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// The identification headers the official SDKs send; the raw client does not.
pub const SDK_HEADERS: [&str; 3] = [
    "x-descope-sdk-name",
    "x-descope-sdk-version",
    "x-descope-project-id",
];

/// The header the official SDKs (and the ergonomic client, not the raw
/// one) send the license handshake's tier back in, on management requests.
/// A recorded request that lists it says that the client made the handshake
/// (`GetLicense`) first.
pub const LICENSE_HEADER: &str = "x-descope-license";

/// One response of the server.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordedResponse {
    /// The HTTP status.
    pub status: u16,
    /// Response headers by lower-case name. A JSON `body` gets
    /// `content-type: application/json` unless a content type is given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A body sent verbatim, for bodies that are not JSON (an HTML error page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The response breaks the spec on purpose, to show how a client copes;
    /// the spec check then requires that it really does break it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off_spec: bool,
}

impl RecordedResponse {
    /// The body as sent on the wire.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body, &self.text) {
            (Some(json), _) => json.to_string().into_bytes(),
            (None, Some(text)) => text.clone().into_bytes(),
            (None, None) => Vec::new(),
        }
    }

    /// The headers as sent on the wire, with the JSON content type added
    /// when the recording leaves it out.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if self.body.is_some() && !self.headers.contains_key("content-type") {
            headers.push(("content-type".into(), "application/json".into()));
        }
        headers
    }
}

/// How one client departs from the exchange's defaults.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOverride {
    /// How many requests this client sends (e.g. 1 for a client that does not
    /// retry); it is served the first that many responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<usize>,
    /// The outcome this client must return instead of the exchange's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// An exchange file that cannot be read, or whose content contradicts itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ExchangeError {
    /// The file, e.g. `update-phone-minimal.yaml`.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl Exchange {
    /// Parses the exchange in `text`, read from the file named `file`.
    pub fn parse(file: &str, text: &str) -> Result<Exchange, ExchangeError> {
        let error = |message: String| ExchangeError {
            file: file.to_string(),
            message,
        };
        let mut exchange: Exchange =
            serde_norway::from_str(text).map_err(|e| error(e.to_string()))?;
        exchange.file = file.to_string();
        let problems = exchange.shape_problems();
        if problems.is_empty() {
            Ok(exchange)
        } else {
            Err(error(problems.join("; ")))
        }
    }

    /// Whether the exchange applies to `client`.
    pub fn applies_to(&self, client: ClientKind) -> bool {
        self.clients.contains(&client)
    }

    /// The outcome `client` must return.
    pub fn expected_outcome(&self, client: ClientKind) -> &Outcome {
        self.overrides
            .get(&client)
            .and_then(|o| o.outcome.as_ref())
            .unwrap_or(&self.outcome)
    }

    /// How many requests `client` must send: one per response unless overridden.
    pub fn expected_requests(&self, client: ClientKind) -> usize {
        if self.request.is_none() {
            return 0;
        }
        self.overrides
            .get(&client)
            .and_then(|o| o.requests)
            .unwrap_or(self.responses.len())
    }

    /// Whether the exchange can be put to a server: the raw client sends its
    /// request once, and one on-spec response is expected. Retried and
    /// deliberately broken exchanges model faults a server cannot be asked
    /// to reproduce, and refusals send nothing.
    pub fn suits_a_server(&self) -> bool {
        self.applies_to(ClientKind::Raw)
            && self.expected_requests(ClientKind::Raw) == 1
            && matches!(self.responses.as_slice(), [only] if !only.off_spec)
    }

    /// `problems`, each prefixed with the file name, as every message is.
    pub fn in_file(&self, problems: Vec<String>) -> Vec<String> {
        problems
            .into_iter()
            .map(|problem| format!("{}: {problem}", self.file))
            .collect()
    }

    /// Contradictions the types cannot rule out.
    fn shape_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let stem = self
            .file
            .strip_suffix(".yaml")
            .or_else(|| self.file.strip_suffix(".yml"))
            .unwrap_or(&self.file);
        if self.name != stem {
            problems.push(format!(
                "name `{}` must equal the file name without .yaml (`{stem}`)",
                self.name
            ));
        }
        if self.description.trim().is_empty() {
            problems.push("description is empty".into());
        }
        if self.clients.is_empty() {
            problems.push("clients is empty".into());
        }
        for (i, client) in self.clients.iter().enumerate() {
            if self.clients[..i].contains(client) {
                problems.push(format!("clients lists {client} twice"));
            }
        }
        match (&self.request, self.responses.is_empty()) {
            (None, false) => {
                problems.push("responses given but no request: a refused call gets none".into())
            }
            (Some(_), true) => problems.push("request given but no responses".into()),
            _ => {}
        }
        if let Some(request) = &self.request {
            lower_case_names("request", request.headers.keys(), &mut problems);
        }
        for (i, response) in self.responses.iter().enumerate() {
            let at = format!("responses[{i}]");
            if response.body.is_some() && response.text.is_some() {
                problems.push(format!("{at}: give either body or text, not both"));
            }
            lower_case_names(&at, response.headers.keys(), &mut problems);
        }
        for (client, over) in &self.overrides {
            if !self.applies_to(*client) {
                problems.push(format!("overrides.{client}: {client} is not in clients"));
            }
            if over.requests.is_none() && over.outcome.is_none() {
                problems.push(format!("overrides.{client}: overrides nothing"));
            }
            if let Some(n) = over.requests {
                if n > self.responses.len() {
                    problems.push(format!(
                        "overrides.{client}.requests: {n} requests but only {} responses",
                        self.responses.len()
                    ));
                }
            }
        }
        problems
    }
}

fn lower_case_names<'a>(
    at: &str,
    names: impl Iterator<Item = &'a String>,
    problems: &mut Vec<String>,
) {
    for name in names {
        if name.to_ascii_lowercase() != *name {
            problems.push(format!("{at}: header name `{name}` must be lower case"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorded::outcome::ErrorOutcome;

    const MINIMAL: &str = "\
operation: EmbeddedLinkSignin
name: sample
description: A sample.
input:
  credentials: {projectId: Pfake, managementKey: fake-key}
  params: {loginId: ada@example.com}
request:
  method: POST
  path: /v1/mgmt/user/signin/embeddedlink
  body: {loginId: ada@example.com}
responses:
  - status: 503
    body: {errorCode: E000000}
  - status: 200
    body: {token: t}
outcome:
  success: {token: t}
overrides:
  raw:
    requests: 1
    outcome: {error: {kind: api, status: 503, errorCode: E000000}}
";

    #[test]
    fn parses_and_applies_overrides() {
        let exchange = Exchange::parse("sample.yaml", MINIMAL).unwrap();
        assert_eq!(exchange.clients, ClientKind::ALL.to_vec());
        assert_eq!(exchange.expected_requests(ClientKind::Raw), 1);
        assert_eq!(exchange.expected_requests(ClientKind::Ergonomic), 2);
        assert!(matches!(
            exchange.expected_outcome(ClientKind::Raw),
            Outcome::Error(ErrorOutcome::Api { status: 503, .. })
        ));
        assert_eq!(
            exchange.responses[0].wire_headers(),
            vec![("content-type".to_string(), "application/json".to_string())]
        );
    }

    #[test]
    fn unknown_keys_name_the_file_and_key() {
        let text = MINIMAL.replace("  path:", "  colour: red\n  path:");
        let err = Exchange::parse("sample.yaml", &text).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("sample.yaml: "), "{message}");
        assert!(message.contains("unknown field `colour`"), "{message}");
    }

    #[test]
    fn contradictions_are_refused() {
        let text = MINIMAL
            .replace("name: sample", "name: other")
            .replace("requests: 1", "requests: 3");
        let message = Exchange::parse("sample.yaml", &text)
            .unwrap_err()
            .to_string();
        assert!(message.contains("must equal the file name"), "{message}");
        assert!(message.contains("only 2 responses"), "{message}");
    }
}
