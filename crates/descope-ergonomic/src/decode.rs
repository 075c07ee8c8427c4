//! Turning one attempt's outcome (the generated client's result and the
//! transport's [`Answer`]) into this crate's output or error.

use descope_raw::types::ErrorBody;
use descope_raw::{Error as RawError, ResponseValue};
use descope_spec::Operation;
use reqwest::StatusCode;

use crate::error::{ApiError, Error, Field, Reason, TransportErrorKind, ValidationError};
use crate::redact::Scrub;
use crate::transport::{Answer, Refusal};

/// Maps one attempt's outcome; `answer` is `None` when no response arrived.
pub(crate) async fn attempt_result<T>(
    operation: Operation,
    result: Result<ResponseValue<T>, RawError<ErrorBody>>,
    answer: Option<&Answer>,
    max_body: usize,
    scrub: &Scrub<'_>,
) -> Result<T, Error> {
    let status = answer.map_or(StatusCode::INTERNAL_SERVER_ERROR, |a| a.status);
    // A wait is an error's: a Retry-After on a success (even one that cannot
    // be used) asks nothing of the caller.
    let retry_after = answer
        .filter(|a| a.status.as_u16() >= 400)
        .and_then(|a| a.retry_after);
    // Whatever a followed redirect led to, it is not the answer of the
    // server the request was for.
    if let Some(to) = answer.and_then(|a| a.redirected_to.as_deref()) {
        return Err(Error::RedirectFollowed { to: scrub.text(to) });
    }
    // A status the spec lacks is reported as such: a refused body just
    // leaves it without an excerpt.
    let unexpected = matches!(result, Err(RawError::UnexpectedResponse(_)));
    match answer
        .and_then(|a| a.refused.as_ref())
        .filter(|_| !unexpected)
    {
        Some(Refusal::TooLarge) => {
            return Err(Error::ResponseTooLarge {
                status,
                limit: max_body,
            })
        }
        // The reason quotes the response's media type: header text the
        // server chose, scrubbed like any.
        Some(Refusal::ContentType(essence)) => {
            return Err(Error::MalformedResponse {
                status,
                reason: scrub.text(&format!(
                    "content type {essence:?} where application/json is required"
                )),
                excerpt: None,
                retry_after,
            })
        }
        None => {}
    }
    let error = match result {
        Ok(value) => return Ok(value.into_inner()),
        Err(error) => error,
    };
    Err(match error {
        RawError::ErrorResponse(value) => {
            let status = value.status();
            let body = value.into_inner();
            ApiError {
                status,
                code: scrub.text(&body.error_code),
                description: body.error_description.map(|d| scrub.text(&d)),
                message: body.error_message.or(body.message).map(|m| scrub.text(&m)),
                retry_after,
            }
            .into()
        }
        RawError::InvalidResponsePayload(bytes, cause) => Error::MalformedResponse {
            status,
            reason: scrub.text(&cause.to_string()),
            excerpt: scrub.excerpt(status, &bytes),
            retry_after,
        },
        RawError::UnexpectedResponse(response) => {
            let status = response.status();
            // The body is bounded by the call's cap; a failed read just
            // means no excerpt.
            let body = response.bytes().await.unwrap_or_default();
            Error::UnexpectedStatus {
                status,
                location: answer
                    .and_then(|a| a.location.as_deref())
                    .map(|l| scrub.text(l)),
                excerpt: scrub.excerpt(status, &body),
            }
        }
        RawError::CommunicationError(source)
        | RawError::ResponseBodyError(source)
        | RawError::InvalidUpgrade(source) => Error::Transport {
            kind: TransportErrorKind::of(&source),
            source,
        },
        // Inputs are validated before the generated client sees them, so a
        // refusal here means the spec holds a rule this crate does not check
        // yet: reported as the field's, which the message names.
        RawError::InvalidRequest(reason) => {
            ValidationError::new(refused_field(operation, &reason), Reason::SpecConstraint).into()
        }
        // The hooks raise no custom errors.
        RawError::Custom(reason) => Error::MalformedResponse {
            status,
            reason: format!(
                "the generated client refused the exchange: {}",
                scrub.text(&reason)
            ),
            excerpt: None,
            retry_after,
        },
    })
}

/// The request field a refusal of the generated client names: its messages
/// say `... for <rust_name>: ...` or `... for <rust_name> failed`, and the
/// spec's name is the one of `operation`'s fields that is the same but for
/// case and underscores. The body as a whole where none matches.
fn refused_field(operation: Operation, message: &str) -> Field {
    let folded = |name: &str| -> String {
        name.chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    // The innermost name: the body's conversion quotes its field's.
    let named = message
        .rsplit_once(" for ")
        .and_then(|(_, rest)| rest.split([':', ' ']).next())
        .map(folded)
        .unwrap_or_default();
    operation
        .request_fields()
        .iter()
        .find(|field| folded(field) == named)
        .map_or(Field::Request("body"), |field| Field::Request(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_of_the_generated_client_names_the_spec_field() {
        let field = |operation, message| refused_field(operation, message).name();
        assert_eq!(
            field(
                Operation::UpdateUserPhoneMagicLinkSms,
                "conversion to `UpdatePhoneMagicLinkSmsRequest` for body failed: \
                 error converting supplied value for add_to_login_i_ds: bad"
            ),
            "addToLoginIDs"
        );
        assert_eq!(
            field(
                Operation::VerifyMagicLink,
                "conversion to `VerifyMagicLinkRequest` for body failed: too short"
            ),
            "body"
        );
        assert_eq!(
            field(
                Operation::EmbeddedLinkSignin,
                "no value supplied for login_id"
            ),
            "loginId"
        );
        assert_eq!(field(Operation::GetLicense, "anything"), "body");
    }
}
