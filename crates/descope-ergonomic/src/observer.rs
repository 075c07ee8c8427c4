//! The observer of one call: what this crate adds to each request the
//! generated client makes. It notes the response head (the generated client
//! drops the status when a body does not decode) and bounds how much of the
//! body is read.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use descope_raw::{Transport, TransportFuture};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Limited;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{ResponseBuilderExt, StatusCode};

/// The parts of a response head the error mapping needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) location: Option<String>,
    /// Where the response came from, when the HTTP client followed a
    /// redirect to get it (only a caller's client can).
    pub(crate) redirected_to: Option<String>,
}

/// Observes one call (all its attempts); shared with the generated client
/// through its request context.
#[derive(Debug)]
pub(crate) struct CallObserver {
    max_body: usize,
    /// Whether to compare where a response came from with where its
    /// request went: needed only with a caller's client, whose redirect
    /// policy is unknown (this crate's own never follows one).
    check_redirects: bool,
    head: Mutex<Head>,
}

impl CallObserver {
    pub(crate) fn new(max_body: usize, check_redirects: bool) -> Self {
        Self {
            max_body,
            check_redirects,
            head: Mutex::new(Head::default()),
        }
    }

    /// Where the latest response came from, if a redirect was followed.
    pub(crate) fn redirected_to(&self) -> Option<String> {
        if !self.check_redirects {
            return None;
        }
        self.head
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .redirected_to
            .clone()
    }

    /// The head of the latest response, if one arrived.
    pub(crate) fn head(&self) -> Head {
        self.head.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The status of the latest response, if one arrived (no copy of the rest).
    pub(crate) fn status(&self) -> Option<StatusCode> {
        self.head.lock().unwrap_or_else(|e| e.into_inner()).status
    }

    /// Forgets the previous attempt's head, so that an attempt that gets no
    /// response does not report the status of an earlier one.
    pub(crate) fn start_attempt(&self) {
        *self.head.lock().unwrap_or_else(|e| e.into_inner()) = Head::default();
    }

    pub(crate) fn max_body(&self) -> usize {
        self.max_body
    }

    fn record(&self, response: &reqwest::Response, sent_to: Option<&reqwest::Url>) {
        let headers = response.headers();
        let head = Head {
            status: Some(response.status()),
            retry_after: descope_raw::retry_after(headers),
            location: headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            redirected_to: sent_to
                .filter(|sent| *sent != response.url())
                .map(|_| response.url().to_string()),
        };
        *self.head.lock().unwrap_or_else(|e| e.into_inner()) = head;
    }
}

impl Transport for CallObserver {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        Box::pin(async move {
            let sent_to = self.check_redirects.then(|| request.url().clone());
            let response = client.execute(request).await?;
            self.record(&response, sent_to.as_ref());
            let refusal = refuse_content_type(&response);
            let limit = self.max_body;
            // A body of known length within the cap cannot outgrow it (the
            // connection's framing ends it there), so the usual response is
            // handed on as it came: no conversion, no boxed body per call.
            if refusal.is_none() && response.content_length().is_some_and(|n| n <= limit as u64) {
                return Ok(response);
            }
            let url = response.url().clone();
            let response: http::Response<reqwest::Body> = response.into();
            let (mut parts, body) = response.into_parts();
            // The conversion drops the URL, which errors from reading the
            // body then show as a placeholder: put it back.
            if let Ok(marker) = http::Response::builder().url(url).body(()) {
                parts.extensions.extend(marker.into_parts().0.extensions);
            }
            let body = match refusal {
                Some(refusal) => reqwest::Body::wrap(Refused(Some(refusal))),
                None => reqwest::Body::wrap(Limited::new(body, limit)),
            };
            Ok(reqwest::Response::from(http::Response::from_parts(
                parts, body,
            )))
        })
    }
}

/// A success response must be JSON; an error response is read whatever its
/// type, so that its excerpt can be shown.
fn refuse_content_type(response: &reqwest::Response) -> Option<BodyRefused> {
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
    (!json).then(|| BodyRefused::ContentType(essence.to_string()))
}

/// Why a response body was not read; found again in the error's source chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyRefused {
    ContentType(String),
}

impl fmt::Display for BodyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyRefused::ContentType(essence) => {
                write!(
                    f,
                    "content type {essence:?} where application/json is required"
                )
            }
        }
    }
}

impl StdError for BodyRefused {}

/// A body that fails at its first read, without touching the connection's data.
struct Refused(Option<BodyRefused>);

impl Body for Refused {
    type Data = Bytes;
    type Error = BodyRefused;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, BodyRefused>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(0)
    }
}
