//! [`SessionError`]: why a session JWT was refused, or could not be checked.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::Error;

/// Why a session JWT was refused, or why it could not be checked. Designed
/// to be matched on; nothing in it (its `Display`, its `Debug`) holds any
/// part of a token but, for [`UnknownKey`](Self::UnknownKey) and
/// [`AlgorithmNotAllowed`](Self::AlgorithmNotAllowed), the header's short
/// `kid` or `alg` (cut at 64 characters), which name a key, not a user.
///
/// For a service: [`is_unavailable`](Self::is_unavailable) errors are
/// Descope's (or the network's) and call for a 503; the others mean the
/// request carries no valid session (a 401), and
/// [`is_expired`](Self::is_expired) ones are the ones a refresh cures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Neither a session JWT nor a refresh JWT was given.
    #[error("no session JWT")]
    Missing,

    /// The token is longer than the validator reads ([`MAX_TOKEN_BYTES`](super::MAX_TOKEN_BYTES));
    /// nothing of it was decoded.
    #[error("the token is longer than {limit} bytes")]
    TooLarge {
        /// The bound, in bytes.
        limit: usize,
    },

    /// Not a JWS in compact form with the members a session JWT has: not
    /// three parts, not strict base64url (no padding, no stray bits), a
    /// header or payload that is not a JSON object, a claim of the wrong
    /// type or given twice, no `kid` or `exp`, a `typ` other than `JWT`.
    #[error("malformed session JWT: {reason}")]
    Malformed {
        /// What is wrong, in a fixed phrase (never the token's text).
        reason: &'static str,
    },

    /// The header carries a parameter that would let the token choose its
    /// own key or processing (`crit`, `jku`, `x5u`, `jwk`, `x5c`), or a
    /// member twice (JSON parsers disagree on which one counts).
    #[error("JWT header parameter `{parameter}` is not accepted{}", if *.duplicate { " twice" } else { "" })]
    ForbiddenHeader {
        /// The parameter (cut at 64 characters).
        parameter: String,
        /// Whether it was refused for appearing twice.
        duplicate: bool,
    },

    /// The header's `alg` is not one a session JWT may have (`none`, an
    /// HMAC algorithm, anything unknown), or is not the algorithm of the key
    /// its `kid` names.
    #[error("JWT algorithm {algorithm:?} is not allowed here")]
    AlgorithmNotAllowed {
        /// The header's `alg` (cut at 64 characters).
        algorithm: String,
    },

    /// The key the header's `kid` names is not in the project's key set,
    /// even after the one refetch that
    /// [`unknown_kid_cooldown`](super::SessionValidatorBuilder::unknown_kid_cooldown)
    /// allows: a token of another project, a forged one, or one signed by a
    /// key Descope has retired. Keys that cannot be used safely (see the
    /// crate's README) count as not in the set.
    #[error("no usable key {kid:?} in the project's key set")]
    UnknownKey {
        /// The header's `kid` (cut at 64 characters).
        kid: String,
    },

    /// The project's keys could not be read and none usable are cached
    /// (never read, or read longer ago than
    /// [`max_key_staleness`](super::SessionValidatorBuilder::max_key_staleness)).
    #[error("the project's signing keys are unavailable{}", cause_suffix(.cause))]
    KeysUnavailable {
        /// The failure of the last attempt to read them, if one was made.
        #[source]
        cause: Option<Arc<Error>>,
    },

    /// The signature does not verify with the key its header names.
    #[error("the JWT's signature does not verify")]
    BadSignature,

    /// `exp` has passed (beyond the leeway).
    #[error("the session JWT expired at {}", unix(.at))]
    Expired {
        /// When it expired (`exp`).
        at: SystemTime,
    },

    /// `nbf` has not come yet (beyond the leeway).
    #[error("the session JWT is not valid before {}", unix(.at))]
    NotYetValid {
        /// When it becomes valid (`nbf`).
        at: SystemTime,
    },

    /// `iat` is in the future (beyond the leeway): a clock far off, or a
    /// token minted ahead of time.
    #[error("the session JWT was issued in the future, at {}", unix(.at))]
    IssuedInFuture {
        /// Its `iat`.
        at: SystemTime,
    },

    /// `iss` is missing or names another project (or is not in a form
    /// Descope issues).
    #[error("the JWT was not issued for this project")]
    WrongIssuer,

    /// The validator expects an audience and `aud` names none of them.
    #[error("the JWT is not meant for this audience")]
    WrongAudience,

    /// The token is a refresh JWT (`drn: DSR`), which must never be taken
    /// for a session.
    #[error("the JWT is a refresh JWT, not a session JWT")]
    NotASessionToken,

    /// The refresh JWT given to refresh an expired session was refused
    /// locally (expired, of another project, forged, ...): nothing was sent
    /// to Descope. The inner error says why.
    #[error("the refresh JWT was refused: {0}")]
    InvalidRefreshToken(#[source] Box<SessionError>),

    /// Descope refused the refresh, or could not be reached for it.
    #[error("refreshing the session failed: {0}")]
    RefreshFailed(#[source] Box<Error>),
}

fn cause_suffix(cause: &Option<Arc<Error>>) -> String {
    cause
        .as_ref()
        .map(|cause| format!(": {cause}"))
        .unwrap_or_default()
}

/// A time as Unix seconds, for messages.
fn unix(at: &SystemTime) -> impl fmt::Display {
    match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => format!("{} (Unix time)", since.as_secs()),
        Err(before) => format!("-{} (Unix time)", before.duration().as_secs()),
    }
}

/// At most 64 characters of attacker-chosen header text, for an error.
pub(crate) fn cut(text: &str) -> String {
    text.chars().take(64).collect()
}

impl SessionError {
    /// True when the session JWT was valid but has expired: the one
    /// failure a refresh cures.
    pub fn is_expired(&self) -> bool {
        matches!(self, SessionError::Expired { .. })
    }

    /// True when the session could not be checked for a reason that is not
    /// the request's: the keys are unavailable (for the session JWT or the
    /// refresh JWT), or Descope could not be reached, failed or rate-limited
    /// a refresh. A service answers 503, not 401.
    pub fn is_unavailable(&self) -> bool {
        match self {
            SessionError::KeysUnavailable { .. } => true,
            SessionError::InvalidRefreshToken(inner) => inner.is_unavailable(),
            SessionError::RefreshFailed(error) => {
                !error.is_validation()
                    && !error
                        .status()
                        .is_some_and(|status| status.is_client_error())
                    || error.is_rate_limited()
            }
            _ => false,
        }
    }

    /// True when the token is not a genuine session JWT of this project at
    /// all (forged, tampered with, malformed, another project's, a refresh
    /// JWT): worth a security log line, unlike an expiry.
    pub fn is_forged_or_foreign(&self) -> bool {
        matches!(
            self,
            SessionError::TooLarge { .. }
                | SessionError::Malformed { .. }
                | SessionError::ForbiddenHeader { .. }
                | SessionError::AlgorithmNotAllowed { .. }
                | SessionError::UnknownKey { .. }
                | SessionError::BadSignature
                | SessionError::WrongIssuer
                | SessionError::WrongAudience
                | SessionError::NotASessionToken
        )
    }

    pub(crate) fn malformed(reason: &'static str) -> Self {
        SessionError::Malformed { reason }
    }
}
