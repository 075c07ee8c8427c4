//! The transport the generated client hands each request of a call to: it
//! sends the request, and reads off the response, once, what the error
//! mapping needs (the [`Answer`]), refusing there a body over the cap or a
//! success that is not JSON. For a call that asks, it keeps a success's body
//! too (the key set's keys have members the generated type drops).
//!
//! The answer is kept for the call to take because progenitor passes back
//! neither the status nor the headers of a body that does not decode
//! (`Error::InvalidResponsePayload(Bytes, serde_json::Error)`, whose
//! `status()` is `None` in progenitor-client 0.15.1) nor the URL of any
//! response (`ResponseValue` holds the value, status and headers only), and a
//! hook can only return a `reqwest::Error`, which has no public constructor.

use std::sync::Mutex;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use descope_raw::{Transport, TransportFuture};
use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::session::TokenCookies;

/// What one response said that the error mapping needs.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    /// Where a redirect pointed (only read for a status the spec lacks).
    pub(crate) location: Option<String>,
    /// Where the response came from, when the HTTP client followed a
    /// redirect to get it (only a caller's client can).
    pub(crate) redirected_to: Option<String>,
    /// Why the body was not handed on, if it was not.
    pub(crate) refused: Option<Refusal>,
    /// The session and refresh JWTs of a success that set them as cookies
    /// (a project that keeps tokens in cookies).
    pub(crate) cookies: TokenCookies,
    /// A success's body as it came, for a call whose transport keeps it.
    pub(crate) body: Option<Bytes>,
}

/// Why a response body was not handed to the generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Longer than the call's cap.
    TooLarge,
    /// A success that is not JSON: its media type, as received.
    ContentType(String),
}

/// Sends the requests of one call (all its attempts) and keeps the latest
/// answer until the call takes it.
#[derive(Debug)]
pub(crate) struct CallTransport {
    max_body: usize,
    /// Whether to compare where a response came from with where its
    /// request went: needed only with a caller's client, whose redirect
    /// policy is unknown (this crate's own never follows one).
    check_redirects: bool,
    /// Whether a success's body is kept beside the answer (read whole, within
    /// the cap, whatever its framing) for the call to read itself.
    keep_body: bool,
    latest: Mutex<Option<Answer>>,
}

impl CallTransport {
    pub(crate) fn new(max_body: usize, check_redirects: bool, keep_body: bool) -> Self {
        Self {
            max_body,
            check_redirects,
            keep_body,
            latest: Mutex::new(None),
        }
    }

    /// The answer of the attempt that just ended; `None` when no response
    /// arrived.
    pub(crate) fn take(&self) -> Option<Answer> {
        self.latest.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(crate) fn max_body(&self) -> usize {
        self.max_body
    }

    fn keep(&self, answer: Answer) {
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
    }

    fn answer(&self, response: &reqwest::Response, sent_to: Option<&reqwest::Url>) -> Answer {
        let headers = response.headers();
        let status = response.status();
        let refused = match refuse_content_type(response) {
            Some(essence) => Some(Refusal::ContentType(essence)),
            None => response
                .content_length()
                .is_some_and(|length| length > self.max_body as u64)
                .then_some(Refusal::TooLarge),
        };
        Answer {
            status,
            retry_after: descope_raw::retry_after(headers),
            location: (!status.is_success())
                .then(|| headers.get(LOCATION)?.to_str().ok().map(str::to_string))
                .flatten(),
            redirected_to: sent_to
                .filter(|sent| *sent != response.url())
                .map(|_| response.url().to_string()),
            refused,
            cookies: if status.is_success() {
                TokenCookies::from_set_cookie(headers.get_all(SET_COOKIE))
            } else {
                TokenCookies::default()
            },
            body: None,
        }
    }
}

impl Transport for CallTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        Box::pin(async move {
            let sent_to = self.check_redirects.then(|| request.url().clone());
            let mut response = client.execute(request).await?;
            let mut answer = self.answer(&response, sent_to.as_ref());
            let keep = self.keep_body && answer.status.is_success();
            let response = match (&answer.refused, response.content_length()) {
                // Nothing of the body is read: the generated client gets an
                // empty one, and the call reports the refusal.
                (Some(_), _) => with_body(response, Bytes::new()),
                // A body of known length within the cap cannot outgrow it
                // (the connection's framing ends it there): handed on as it
                // came, unless the call keeps it. Reading it here would cost
                // every call a copy and a rebuilt response (about 5,800
                // instructions and 6 allocations), which would take the
                // wrapper past its instruction ceiling (docs/performance.md).
                (None, Some(_)) if !keep => response,
                (None, _) => match read_within(&mut response, self.max_body).await {
                    Ok(Some(body)) => {
                        // A copy of the handle, not of the bytes.
                        answer.body = keep.then(|| body.clone());
                        with_body(response, body)
                    }
                    Ok(None) => {
                        answer.refused = Some(Refusal::TooLarge);
                        with_body(response, Bytes::new())
                    }
                    // Kept all the same: a body that fails to arrive still
                    // reports the status it came with.
                    Err(error) => {
                        self.keep(answer);
                        return Err(error.with_url(response.url().clone()));
                    }
                },
            };
            self.keep(answer);
            Ok(response)
        })
    }
}

/// The whole body, or `None` once it grows past `limit` (the rest unread).
async fn read_within(
    response: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Option<Bytes>> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}

/// `response`'s head with `body` in place of its own.
fn with_body(response: reqwest::Response, body: Bytes) -> reqwest::Response {
    let (parts, _) = http::Response::from(response).into_parts();
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// The media type of a success that is not JSON; a success must be JSON (an
/// error response is read whatever its type, so that its excerpt can be shown).
fn refuse_content_type(response: &reqwest::Response) -> Option<String> {
    if !response.status().is_success() {
        return None;
    }
    let content_type = response.headers().get(CONTENT_TYPE)?;
    // `to_str` admits visible ASCII only, so byte offsets below are char
    // boundaries; comparing without lowercasing spares an allocation per call.
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    let suffix = essence.len().checked_sub(5).map(|at| &essence[at..]);
    let json = essence.eq_ignore_ascii_case("application/json")
        || suffix.is_some_and(|s| s.eq_ignore_ascii_case("+json"));
    // Kept as received: the error scrubs it of secrets, then cuts it. Case
    // folding or cutting here first would hide an echoed secret from the
    // scrubber (a lower-cased key is still the key).
    (!json).then(|| essence.to_string())
}
