//! What a caller sees when a call returns, in one shape for every client.
//!
//! Recordings state the expected outcome in this shape and drivers translate
//! their client's result into it, so the two compare with `==`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The result of one call as the caller sees it.
///
/// In a recording: `{success: {maskedPhone: "+1******0123"}}` or
/// `{error: {kind: api, status: 400, errorCode: E011003}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OutcomeKeys", into = "OutcomeKeys")]
pub enum Outcome {
    /// The call succeeded; the value's fields under the spec's response names
    /// (`maskedPhone`, `token`, ...), absent optional fields left out.
    Success(Map<String, Value>),
    /// The call failed.
    Error(ErrorOutcome),
}

/// The recorded form: exactly one of the two keys. Read through this rather
/// than as an enum because YAML libraries spell enums as `!tags`.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct OutcomeKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    success: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<ErrorOutcome>,
}

impl From<Outcome> for OutcomeKeys {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success(value) => OutcomeKeys {
                success: Some(value),
                error: None,
            },
            Outcome::Error(error) => OutcomeKeys {
                success: None,
                error: Some(error),
            },
        }
    }
}

impl TryFrom<OutcomeKeys> for Outcome {
    type Error = &'static str;

    fn try_from(keys: OutcomeKeys) -> Result<Self, &'static str> {
        match (keys.success, keys.error) {
            (Some(value), None) => Ok(Outcome::Success(value)),
            (None, Some(error)) => Ok(Outcome::Error(error)),
            _ => Err("an outcome has exactly one of `success` and `error`"),
        }
    }
}

/// How a call failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ErrorOutcome {
    /// The client refused the input before sending anything.
    Validation {
        /// The refused input, by its spec name (`phone`, `loginId`, `URI`).
        field: String,
    },
    /// The server answered with an error status and a decodable error body.
    Api {
        /// The HTTP status of the final response.
        status: u16,
        /// The body's `errorCode`, when it has one.
        #[serde(rename = "errorCode", default, skip_serializing_if = "Option::is_none")]
        error_code: Option<String>,
        /// The `Retry-After` header in whole seconds, when the server sent one.
        #[serde(
            rename = "retryAfter",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<u64>,
    },
    /// The response could not be decoded into what the spec promises for its
    /// status (not JSON, a required field missing, a field of the wrong type).
    MalformedResponse {
        /// The HTTP status of the response.
        status: u16,
    },
    /// progenitor's `Error::InvalidResponsePayload`: the generated client
    /// could not decode the body. It does not say which status carried it.
    InvalidResponsePayload,
    /// A status the spec does not declare for the operation.
    UnexpectedResponse {
        /// The HTTP status of the response.
        status: u16,
    },
    /// No usable response: connection refused or reset, timeout, unreadable body.
    Transport,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Compact JSON keeps mismatch messages on one line and unambiguous.
        match serde_json::to_string(self) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{self:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_recorded_forms() {
        let api: Outcome = serde_norway::from_str(
            "error: {kind: api, status: 429, errorCode: E130429, retryAfter: 7}",
        )
        .unwrap();
        assert_eq!(
            api,
            Outcome::Error(ErrorOutcome::Api {
                status: 429,
                error_code: Some("E130429".into()),
                retry_after: Some(7),
            })
        );
        let unit: Outcome = serde_norway::from_str("error: {kind: transport}").unwrap();
        assert_eq!(unit, Outcome::Error(ErrorOutcome::Transport));
        let ok: Outcome = serde_norway::from_str("success: {token: abc}").unwrap();
        assert_eq!(ok.to_string(), r#"{"success":{"token":"abc"}}"#);
    }

    #[test]
    fn refuses_unknown_keys_and_kinds() {
        let extra = serde_norway::from_str::<Outcome>("error: {kind: validation, field: a, x: 1}");
        assert!(extra.unwrap_err().to_string().contains("x"));
        let kind = serde_norway::from_str::<Outcome>("error: {kind: nope}");
        assert!(kind.unwrap_err().to_string().contains("nope"));
        let both = serde_norway::from_str::<Outcome>("{success: {}, error: {kind: transport}}");
        assert!(both.unwrap_err().to_string().contains("exactly one"));
    }
}
