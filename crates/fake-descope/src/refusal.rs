//! The error answers of the fake: a status and Descope's error body
//! `{errorCode, errorDescription, errorMessage}`.

use descope_spec::fields::error as error_fields;
use serde_json::{json, Value};

/// The error codes the fake answers with.
pub mod codes {
    /// The request cannot be read: not JSON, wrong content type, wrong method.
    pub const BAD_REQUEST: &str = "E011001";
    /// A required field is missing.
    pub const MISSING_ARGUMENTS: &str = "E011002";
    /// A field breaks the spec: wrong type, pattern, unknown field, bad URI.
    pub const INVALID_REQUEST: &str = "E011003";
    /// The credential is missing, malformed or unknown (HTTP 401).
    pub const UNAUTHORIZED: &str = "E061004";
    /// The credential is known but of the wrong kind for the endpoint (HTTP 403).
    pub const FORBIDDEN: &str = "E061006";
    /// No user has this login id (HTTP 404).
    pub const USER_NOT_FOUND: &str = "E062108";
    /// No such endpoint (HTTP 404).
    pub const NOT_FOUND: &str = "E011404";
    /// Too many requests (HTTP 429), the code of the auth endpoints.
    pub const RATE_LIMITED: &str = "E130429";
    /// A failure of the server itself (HTTP 5xx).
    pub const SERVER_ERROR: &str = "E000000";
}

/// An error answer: what the fake sends instead of a success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The HTTP status, 400 to 599.
    pub(crate) status: u16,
    /// `errorCode`.
    pub(crate) code: String,
    /// `errorDescription`: the class of the error.
    pub(crate) description: String,
    /// `errorMessage`: this occurrence.
    pub(crate) message: String,
    /// `Retry-After` in whole seconds, for a 429.
    pub(crate) retry_after: Option<u64>,
}

impl Refusal {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code: code.to_string(),
            description: description_of(status, code).to_string(),
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(400, codes::BAD_REQUEST, message)
    }

    pub(crate) fn missing_arguments(message: impl Into<String>) -> Refusal {
        Refusal::new(400, codes::MISSING_ARGUMENTS, message)
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Refusal {
        Refusal::new(400, codes::INVALID_REQUEST, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Refusal {
        Refusal::new(401, codes::UNAUTHORIZED, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Refusal {
        Refusal::new(403, codes::FORBIDDEN, message)
    }

    pub(crate) fn user_not_found(login_id: &str) -> Refusal {
        Refusal::new(
            404,
            codes::USER_NOT_FOUND,
            format!("No user has the login id {login_id:?}"),
        )
    }

    /// Descope's error body.
    pub(crate) fn body(&self) -> Value {
        json!({
            error_fields::ERROR_CODE: self.code,
            error_fields::ERROR_DESCRIPTION: self.description,
            error_fields::ERROR_MESSAGE: self.message,
        })
    }
}

/// A short description for a code the fake knows, else for the status.
pub(crate) fn description_of(status: u16, code: &str) -> &'static str {
    match code {
        codes::BAD_REQUEST => "Bad request",
        codes::MISSING_ARGUMENTS => "Missing arguments",
        codes::INVALID_REQUEST => "Request is invalid",
        codes::UNAUTHORIZED => "Unauthorized",
        codes::FORBIDDEN => "Forbidden",
        codes::USER_NOT_FOUND => "User not found",
        codes::NOT_FOUND => "Not found",
        _ => match status {
            400 => "Bad request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not found",
            429 => "Too many requests",
            503 => "Service unavailable",
            500..=599 => "Internal error",
            _ => "Request failed",
        },
    }
}
