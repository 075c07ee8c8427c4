//! Turning the generated client's results into this crate's outputs and errors.

use std::error::Error as StdError;

use descope_raw::types::ErrorBody;
use descope_raw::{Error as RawError, ResponseValue};
use http_body_util::LengthLimitError;
use reqwest::StatusCode;

use crate::error::{ApiError, Error, TransportErrorKind};
use crate::observer::{BodyRefused, CallObserver};
use crate::redact::Scrub;

/// Maps one attempt's result.
pub(crate) async fn attempt_result<T>(
    result: Result<ResponseValue<T>, RawError<ErrorBody>>,
    observer: &CallObserver,
    scrub: &Scrub<'_>,
) -> Result<T, Error> {
    // Whatever a followed redirect led to, it is not the answer of the
    // server the request was for.
    if let Some(to) = observer.redirected_to() {
        return Err(Error::RedirectFollowed {
            to: scrub.text(&to),
        });
    }
    let error = match result {
        Ok(value) => return Ok(value.into_inner()),
        Err(error) => error,
    };
    let head = observer.head();
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
            retry_after: head.retry_after,
        },
        RawError::UnexpectedResponse(response) => {
            let status = response.status();
            // The body is bounded by the call's cap; a failed read just
            // means no excerpt.
            let body = response.bytes().await.unwrap_or_default();
            Error::UnexpectedStatus {
                status,
                location: head.location.map(|l| scrub.text(&l)),
                excerpt: scrub.excerpt(status, &body),
            }
        }
        RawError::ResponseBodyError(source) => body_error(source, status, observer, scrub),
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
            retry_after: head.retry_after,
        },
    })
}

/// A body read that failed: over the cap, refused, or cut off.
fn body_error(
    source: reqwest::Error,
    status: StatusCode,
    observer: &CallObserver,
    scrub: &Scrub<'_>,
) -> Error {
    let mut cause: Option<&(dyn StdError + 'static)> = source.source();
    while let Some(current) = cause {
        if current.is::<LengthLimitError>() {
            return Error::ResponseTooLarge {
                status,
                limit: observer.max_body(),
            };
        }
        if let Some(refused) = current.downcast_ref::<BodyRefused>() {
            // The reason quotes the response's media type: header text the
            // server chose, scrubbed like any.
            return Error::MalformedResponse {
                status,
                reason: scrub.text(&refused.to_string()),
                excerpt: None,
                retry_after: observer.head().retry_after,
            };
        }
        cause = current.source();
    }
    Error::Transport {
        kind: TransportErrorKind::of(&source),
        source,
    }
}
