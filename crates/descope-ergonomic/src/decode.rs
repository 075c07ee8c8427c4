//! Turning the generated client's results into this crate's outputs and errors.

use std::error::Error as StdError;

use descope_raw::types::ErrorBody;
use descope_raw::{Error as RawError, ResponseValue};
use http_body_util::LengthLimitError;
use reqwest::StatusCode;

use crate::error::{ApiError, Error, TransportErrorKind};
use crate::wire::{BodyRefused, Exchange};

/// How much of a body an error shows.
const EXCERPT_CHARS: usize = 160;
/// The longest text an error keeps from any one response field or header.
const FIELD_CHARS: usize = 512;

/// The secrets a call knows (the client's keys and the call's own
/// credential), scrubbed from anything taken from a response, and whether
/// success bodies may be shown at all (they may hold a token).
pub(crate) struct Scrub<'a> {
    /// The client's management key and auth management key and the call's
    /// own credential, where set (a fixed array: no allocation per call).
    pub(crate) secrets: [Option<&'a str>; 3],
    pub(crate) success_body_is_secret: bool,
}

impl Scrub<'_> {
    /// Scrubbed, and cut to [`FIELD_CHARS`]: text taken from a response ends
    /// up in logs, which a hostile server must not be able to flood.
    fn text(&self, text: &str) -> String {
        let scrubbed = self.scrubbed(text);
        match scrubbed.char_indices().nth(FIELD_CHARS) {
            Some((cut, _)) => format!("{}…", &scrubbed[..cut]),
            None => scrubbed,
        }
    }

    fn scrubbed(&self, text: &str) -> String {
        let known = self
            .secrets
            .iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .fold(text.to_string(), |acc, secret| {
                // A secret longer than the text cannot be in it, and the
                // search `replace` would set up for it costs more than the
                // rest of decoding (error codes are far shorter than keys).
                if secret.len() > acc.len() {
                    acc
                } else {
                    acc.replace(secret, REDACTED)
                }
            });
        redact_jwts(&known)
    }

    fn excerpt(&self, status: StatusCode, body: &[u8]) -> Option<String> {
        if body.is_empty() || (status.is_success() && self.success_body_is_secret) {
            return None;
        }
        // Scrub before cutting, so a secret straddling the cut is still caught.
        let text = self.text(&String::from_utf8_lossy(body));
        let cut: String = text.chars().take(EXCERPT_CHARS).collect();
        let more = if text.chars().nth(EXCERPT_CHARS).is_some() {
            "…"
        } else {
            ""
        };
        Some(format!("{cut}{more}"))
    }
}

const REDACTED: &str = "[REDACTED]";

/// Replaces anything shaped like a JWT (`eyJ` + base64url, two dots) with
/// `[REDACTED]`: a server or proxy may echo credentials this call never held,
/// such as another user's refresh JWT.
fn redact_jwts(text: &str) -> String {
    let is_segment_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find("eyJ") {
        let start = at + found;
        let mut end = start;
        let mut dots = 0;
        while end < bytes.len() && (is_segment_char(bytes[end]) || (bytes[end] == b'.' && dots < 2))
        {
            dots += usize::from(bytes[end] == b'.');
            end += 1;
        }
        // Even when glued to a preceding word (`t=` lost, `xeyJ...`): what
        // follows `eyJ` is still the credential.
        if dots == 2 {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        at = end.max(start + 3);
    }
    out.push_str(&text[copied..]);
    out
}

/// Maps one attempt's result.
pub(crate) async fn attempt_result<T>(
    result: Result<ResponseValue<T>, RawError<ErrorBody>>,
    exchange: &Exchange,
    scrub: &Scrub<'_>,
) -> Result<T, Error> {
    let error = match result {
        Ok(value) => return Ok(value.into_inner()),
        Err(error) => error,
    };
    let head = exchange.head();
    let status = head.status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Err(match error {
        RawError::ErrorResponse(value) => {
            let status = value.status();
            let body = value.into_inner();
            ApiError {
                status,
                code: scrub.text(&body.error_code),
                description: body.error_description.map(|d| scrub.text(&d)),
                message: body.error_message.or(body.message).map(|m| scrub.text(&m)),
                retry_after: head.retry_after,
            }
            .into()
        }
        RawError::InvalidResponsePayload(bytes, cause) => Error::MalformedResponse {
            status,
            reason: scrub.text(&cause.to_string()),
            excerpt: scrub.excerpt(status, &bytes),
        },
        RawError::UnexpectedResponse(response) => {
            let status = response.status();
            // The body is bounded by the exchange's cap; a failed read just
            // means no excerpt.
            let body = response.bytes().await.unwrap_or_default();
            Error::UnexpectedStatus {
                status,
                location: head.location.map(|l| scrub.text(&l)),
                excerpt: scrub.excerpt(status, &body),
            }
        }
        RawError::ResponseBodyError(source) => body_error(source, status, exchange),
        RawError::CommunicationError(source) | RawError::InvalidUpgrade(source) => {
            Error::Transport {
                kind: TransportErrorKind::of(&source),
                source,
            }
        }
        // Inputs are validated before the generated client sees them, and the
        // hooks raise no custom errors: either means the spec and this crate
        // disagree, which the conformance suite exists to catch.
        RawError::InvalidRequest(reason) | RawError::Custom(reason) => Error::MalformedResponse {
            status,
            reason: format!(
                "the generated client refused the exchange: {}",
                scrub.text(&reason)
            ),
            excerpt: None,
        },
    })
}

/// A body read that failed: over the cap, refused, or cut off.
fn body_error(source: reqwest::Error, status: StatusCode, exchange: &Exchange) -> Error {
    let mut cause: Option<&(dyn StdError + 'static)> = source.source();
    while let Some(current) = cause {
        if current.is::<LengthLimitError>() {
            return Error::ResponseTooLarge {
                status,
                limit: exchange.max_body(),
            };
        }
        if let Some(refused) = current.downcast_ref::<BodyRefused>() {
            return Error::MalformedResponse {
                status,
                reason: refused.to_string(),
                excerpt: None,
            };
        }
        cause = current.source();
    }
    Error::Transport {
        kind: TransportErrorKind::of(&source),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::redact_jwts;

    #[test]
    fn jwt_shaped_text_is_redacted_and_the_rest_kept() {
        assert_eq!(
            redact_jwts("Bearer P1:eyJhbGci.eyJzdWIi.c2ln-_x rest"),
            "Bearer P1:[REDACTED] rest"
        );
        assert_eq!(
            redact_jwts("a eyJx.y.z, b eyJp.q.r"),
            "a [REDACTED], b [REDACTED]"
        );
        assert_eq!(redact_jwts("eyJonly.one dot"), "eyJonly.one dot");
        assert_eq!(redact_jwts("keyJa.b.c"), "k[REDACTED]");
        assert_eq!(redact_jwts("teyJhbGci.eyJzdWIi.c2ln"), "t[REDACTED]");
        assert_eq!(redact_jwts("héllo eyJ"), "héllo eyJ");
    }
}
