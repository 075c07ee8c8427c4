//! What this crate adds to each exchange the generated client makes: it notes
//! the response head (the generated client drops the status when a body does
//! not decode) and bounds how much of the body is read.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use descope_raw::{Transport, TransportFuture};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Limited;
use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;

/// The parts of a response head the error mapping needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) location: Option<String>,
}

/// Observes one call (all its attempts); shared with the generated client
/// through its request context.
#[derive(Debug)]
pub(crate) struct Exchange {
    max_body: usize,
    head: Mutex<Head>,
}

impl Exchange {
    pub(crate) fn new(max_body: usize) -> Self {
        Self {
            max_body,
            head: Mutex::new(Head::default()),
        }
    }

    /// The head of the latest response, if one arrived.
    pub(crate) fn head(&self) -> Head {
        self.head.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn max_body(&self) -> usize {
        self.max_body
    }

    fn record(&self, response: &reqwest::Response) {
        let headers = response.headers();
        let head = Head {
            status: Some(response.status()),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
            location: headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        };
        *self.head.lock().unwrap_or_else(|e| e.into_inner()) = head;
    }
}

/// `Retry-After` as Descope sends it: whole seconds. Anything else is ignored.
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl Transport for Exchange {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        Box::pin(async move {
            let response = client.execute(request).await?;
            self.record(&response);
            let refusal = refuse_content_type(&response);
            let limit = self.max_body;
            let response: http::Response<reqwest::Body> = response.into();
            Ok(reqwest::Response::from(response.map(
                |body| match refusal {
                    Some(refusal) => reqwest::Body::wrap(Refused(Some(refusal))),
                    None => reqwest::Body::wrap(Limited::new(body, limit)),
                },
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
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json" || essence.ends_with("+json");
    (!json).then(|| {
        let shown: String = essence.chars().take(80).collect();
        BodyRefused::ContentType(shown)
    })
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
