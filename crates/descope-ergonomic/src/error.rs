//! The one error type of the crate, designed to be matched on.
//!
//! No variant ever holds a credential or an embedded-link token: validation
//! errors name the field, never its value, and response excerpts are scrubbed
//! of the call's secrets before they are stored.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Everything that can go wrong in a call or while building a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input or a setting was refused before anything was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// Descope answered with an error status and a Descope error body.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The response could not be read as the spec says it must be: not JSON,
    /// a wrong content type, a missing or wrongly typed field.
    #[error("malformed response (HTTP {status}): {reason}{}", excerpt_suffix(.excerpt))]
    MalformedResponse {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What was wrong with it.
        reason: String,
        /// The start of the body, when it is safe to show.
        excerpt: Option<String>,
        /// A valid `Retry-After` on the response, which a proxy's rate-limit
        /// page (a 429 that is not JSON) still carries.
        retry_after: Option<Duration>,
    },

    /// The response body was larger than the configured cap; reading stopped there.
    #[error("response body exceeds the {limit}-byte cap (HTTP {status})")]
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The cap, in bytes (see `DescopeClientBuilder::max_response_bytes`).
        limit: usize,
    },

    /// A status the spec does not declare, such as a redirect (never followed).
    #[error("unexpected HTTP {status}{}{}", location_suffix(.location), excerpt_suffix(.excerpt))]
    UnexpectedStatus {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The `Location` header of a redirect.
        location: Option<String>,
        /// The start of the body, when it is safe to show.
        excerpt: Option<String>,
    },

    /// The exchange failed below HTTP: no connection, a timeout, a reset.
    #[error("transport error ({kind}): {source}")]
    Transport {
        /// What kind of failure it was.
        kind: TransportErrorKind,
        /// The underlying error (its URL is the API endpoint, never a secret).
        #[source]
        source: reqwest::Error,
    },

    /// The whole call, its attempts, the waits between them and the license
    /// handshake together, did not finish within
    /// `DescopeClientBuilder::operation_timeout`. Also returned at once when
    /// the wait before a retry would end past that deadline.
    #[error("the call did not finish within its operation timeout of {timeout:?} ({attempts} attempt(s) made)")]
    OperationTimeout {
        /// The operation timeout that ran out.
        timeout: Duration,
        /// The attempts started before it ran out (0: none, the deadline
        /// passed during the license handshake).
        attempts: u32,
        /// The failure of the last finished attempt, when one had failed
        /// and was to be retried.
        #[source]
        last_error: Option<Box<Error>>,
    },

    /// A `reqwest::Client` given with `DescopeClientBuilder::http_client`
    /// followed a redirect: the answer came from somewhere else than the
    /// request was sent to, and is refused. Build that client with
    /// `reqwest::redirect::Policy::none()`.
    #[error("the HTTP client followed a redirect to {to:?}; the answer is refused (build it with redirect::Policy::none())")]
    RedirectFollowed {
        /// Where the redirect led, scrubbed of secrets.
        to: String,
    },

    /// The HTTP client itself could not be set up (for instance, no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    ClientSetup(#[source] reqwest::Error),
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::MalformedResponse { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Validation(_)
            | Error::ClientSetup(_)
            | Error::OperationTimeout { .. }
            | Error::RedirectFollowed { .. } => None,
        }
    }

    /// The Descope error code (`E011003`, ...), when Descope sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.api().map(ApiError::code)
    }

    /// The Descope error body, when the error is an API error.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The validation failure, when the input was refused before sending.
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation(error) => Some(error),
            _ => None,
        }
    }

    /// True for HTTP 429, whatever the body said.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How long the server asked the caller to wait, from a valid
    /// `Retry-After` on a 429: with a Descope error body, or on a page that is
    /// not one (a proxy's).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::MalformedResponse { retry_after, .. } => *retry_after,
            _ => self.api().and_then(ApiError::retry_after),
        }
    }

    /// True when the user (or another resource) does not exist: HTTP 404 or a
    /// user-not-found code.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
            || matches!(self.error_code(), Some("E062108" | "E112102"))
    }

    /// True for HTTP 401: the credential is missing, malformed or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// True for HTTP 403: the credential is valid but not allowed to do this.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// True when the input was refused before anything was sent.
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation(_))
    }

    /// True for an attempt that timed out (connect or request timeout), and
    /// for a call past its operation timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            } | Error::OperationTimeout { .. }
        )
    }

    /// An answer a caller handles as part of its flow, not a fault to look
    /// into: an input refused before sending, or a 4xx other than 429 (an
    /// unknown user, a used token). Such calls log at DEBUG, the rest at WARN.
    pub(crate) fn is_expected(&self) -> bool {
        match self {
            Error::Validation(_) => true,
            Error::Api(api) => api.status.is_client_error() && !self.is_rate_limited(),
            _ => false,
        }
    }

    /// A success (HTTP 200) whose content the spec admits but no caller can
    /// use, such as a session without its JWT: `reason` says what is missing.
    pub(crate) fn unusable_success(reason: String) -> Self {
        Error::MalformedResponse {
            status: StatusCode::OK,
            reason,
            excerpt: None,
            retry_after: None,
        }
    }

    /// True for a call past its operation timeout (see
    /// `DescopeClientBuilder::operation_timeout`).
    pub fn is_operation_timeout(&self) -> bool {
        matches!(self, Error::OperationTimeout { .. })
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}

fn excerpt_suffix(excerpt: &Option<String>) -> String {
    excerpt
        .as_deref()
        .map(|text| format!("; body starts with {text:?}"))
        .unwrap_or_default()
}

fn location_suffix(location: &Option<String>) -> String {
    location
        .as_deref()
        .map(|to| format!(" redirecting to {to:?} (redirects are not followed)"))
        .unwrap_or_default()
}

/// An error response from Descope: its status and error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) description: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The Descope error code, such as `E011003`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The short description of the error class (`errorDescription`).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The details of this occurrence (`errorMessage`, else `message`).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The `Retry-After` delay, when the response carried a valid one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Descope error {} (HTTP {})", self.code, self.status)?;
        for part in [&self.description, &self.message].into_iter().flatten() {
            write!(f, ": {part}")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// The request timeout (or the connect timeout) expired.
    Timeout,
    /// The connection broke while the response body was being read.
    Body,
    /// Anything else reqwest reports.
    Other,
}

impl TransportErrorKind {
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_body() || error.is_decode() {
            TransportErrorKind::Body
        } else {
            TransportErrorKind::Other
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::Body => "response body",
            TransportErrorKind::Other => "other",
        })
    }
}

/// An input refused before any I/O: which field, and why. The value itself
/// is never included, as it may be a secret or personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct ValidationError {
    field: Field,
    reason: Reason,
}

impl ValidationError {
    pub(crate) fn new(field: Field, reason: Reason) -> Self {
        Self { field, reason }
    }

    /// The field that was refused.
    pub fn field(&self) -> Field {
        self.field
    }

    /// Why it was refused.
    pub fn reason(&self) -> Reason {
        self.reason
    }
}

/// The inputs and settings that are validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The project id.
    ProjectId,
    /// The end user's refresh JWT.
    RefreshJwt,
    /// The management key.
    ManagementKey,
    /// The auth management key.
    AuthManagementKey,
    /// The API base URL.
    BaseUrl,
    /// The request timeout setting.
    RequestTimeout,
    /// The connect timeout setting.
    ConnectTimeout,
    /// The operation timeout setting.
    OperationTimeout,
    /// The rate-limit tier setting.
    RateLimitTier,
    /// The approved-domains allow-list.
    ApprovedDomains,
    /// `loginId`.
    LoginId,
    /// `phone`.
    Phone,
    /// `URI`.
    Uri,
    /// `providerId`.
    ProviderId,
    /// `templateId`.
    TemplateId,
    /// `templateOptions`.
    TemplateOptions,
    /// `locale`.
    Locale,
    /// `customClaims`.
    CustomClaims,
    /// `timeout` of an embedded link.
    LinkTimeout,
    /// `token`: the one-time token of a magic or embedded link.
    Token,
    /// A session JWT.
    SessionJwt,
    /// A session validator's public key given up front (a JWK or a key set,
    /// `DESCOPE_PUBLIC_KEY`).
    PublicKey,
    /// A session validator's clock leeway.
    Leeway,
    /// How long a session validator trusts the keys it read.
    KeyTtl,
    /// How long a session validator uses keys while Descope is unreachable.
    MaxKeyStaleness,
    /// Any other request field, by its spec name; a nested one by its path
    /// (`user.phone`).
    Request(&'static str),
}

impl Field {
    /// The name of the field as callers know it: the wire name for request
    /// fields, the environment variable's subject for settings.
    pub fn name(self) -> &'static str {
        use descope_spec::fields::embedded_link_signin::request as link;
        use descope_spec::fields::update_user_phone_magic_link_sms::request as phone;
        match self {
            Field::ProjectId => "project id",
            Field::RefreshJwt => "refresh JWT",
            Field::ManagementKey => "management key",
            Field::AuthManagementKey => "auth management key",
            Field::BaseUrl => "base URL",
            Field::RequestTimeout => "request timeout",
            Field::ConnectTimeout => "connect timeout",
            Field::OperationTimeout => "operation timeout",
            Field::RateLimitTier => "rate-limit tier",
            Field::ApprovedDomains => "approved domains",
            Field::LoginId => phone::LOGIN_ID,
            Field::Phone => phone::PHONE,
            Field::Uri => phone::URI,
            Field::ProviderId => phone::PROVIDER_ID,
            Field::TemplateId => phone::TEMPLATE_ID,
            Field::TemplateOptions => phone::TEMPLATE_OPTIONS,
            Field::Locale => phone::LOCALE,
            Field::CustomClaims => link::CUSTOM_CLAIMS,
            Field::LinkTimeout => link::TIMEOUT,
            Field::Token => descope_spec::fields::verify_magic_link::request::TOKEN,
            Field::SessionJwt => "session JWT",
            Field::PublicKey => "public key",
            Field::Leeway => "leeway",
            Field::KeyTtl => "key TTL",
            Field::MaxKeyStaleness => "maximum key staleness",
            Field::Request(name) => name,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Required but not given.
    Missing,
    /// Empty, or only white space.
    Empty,
    /// Holds a control character (such as CR or LF).
    ControlCharacter,
    /// Holds a character the field does not allow.
    InvalidCharacter,
    /// Longer than the field allows.
    TooLong,
    /// Not `+` then 2 to 15 digits (first not 0), after removing spaces, dashes, dots and parentheses.
    NotE164,
    /// Not an absolute `http`/`https` URL with a host.
    NotAbsoluteHttpUrl,
    /// Carries a `#fragment`, which the token query would land behind.
    HasFragment,
    /// Its host is not in the client's approved domains.
    DomainNotApproved,
    /// Plain `http://` to a host other than loopback, without the explicit opt-in.
    InsecureScheme,
    /// Has a query string, a fragment or credentials, which a base URL must not have.
    NotABaseUrl,
    /// Not a JSON object.
    NotAnObject,
    /// Outside the allowed range.
    OutOfRange,
    /// Not a whole number of seconds.
    NotWholeSeconds,
    /// Not a valid domain name.
    InvalidDomain,
    /// Breaks a constraint of the spec that the generated client enforces.
    SpecConstraint,
    /// A setting of the HTTP client, which a `reqwest::Client` given with
    /// `DescopeClientBuilder::http_client` already fixes: set it there.
    SetOnTheHttpClient,
    /// Holds no key a session JWT can be checked with (see the crate's
    /// README for which keys are used).
    NoUsableKey,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::Missing => "required but not given",
            Reason::Empty => "must not be empty",
            Reason::ControlCharacter => "must not contain control characters",
            Reason::InvalidCharacter => "contains a character that is not allowed",
            Reason::TooLong => "is too long",
            Reason::NotE164 => {
                "not an E.164 phone number (`+` then 2 to 15 digits, the first not 0; \
                 spaces, dashes, dots and parentheses are ignored)"
            }
            Reason::NotAbsoluteHttpUrl => "must be an absolute http or https URL with a host",
            Reason::HasFragment => "must not have a #fragment",
            Reason::DomainNotApproved => "its host is not one of the approved domains",
            Reason::InsecureScheme => {
                "plain http is only allowed to loopback unless explicitly allowed"
            }
            Reason::NotABaseUrl => "must not carry a query, a fragment or user credentials",
            Reason::NotAnObject => "must be a JSON object",
            Reason::OutOfRange => "is out of range",
            Reason::NotWholeSeconds => "must be a whole number of seconds",
            Reason::InvalidDomain => "is not a valid domain name",
            Reason::SpecConstraint => "breaks a constraint of the spec",
            Reason::SetOnTheHttpClient => {
                "cannot be applied to a given reqwest::Client: set it when building that client"
            }
            Reason::NoUsableKey => "holds no key session JWTs can be checked with",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: "E000000".into(),
            description: None,
            message: None,
            retry_after: None,
        }
        .into()
    }

    #[test]
    fn answers_the_caller_handles_are_expected_failures_of_the_service_are_not() {
        let refused = Error::from(ValidationError::new(Field::LoginId, Reason::Empty));
        for expected in [refused, api(400), api(401), api(404), api(409)] {
            assert!(expected.is_expected(), "{expected}");
        }
        let cut_off = Error::OperationTimeout {
            timeout: Duration::from_secs(20),
            attempts: 1,
            last_error: None,
        };
        for failure in [api(429), api(500), api(503), cut_off] {
            assert!(!failure.is_expected(), "{failure}");
        }
    }
}
