//! A transport that keeps a copy of every response the server sent, so that
//! checks see the server's bytes and not only what a client made of them.

use std::sync::Mutex;

use descope_raw::{Transport, TransportFuture};
use reqwest::header::HeaderMap;

/// A response as the server sent it.
pub(crate) struct SeenResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Executes requests for the raw client and keeps a copy of each response
/// (or why there was none), so the check sees the server's bytes and not
/// only what the client made of them.
#[derive(Default)]
pub(crate) struct CaptureResponses {
    seen: Mutex<Vec<Result<SeenResponse, String>>>,
    /// The most body bytes read; past it the response counts as none.
    limit: Option<usize>,
}

impl CaptureResponses {
    /// Captures bodies of at most `limit` bytes, as the wrapper reads them.
    pub(crate) fn capped(limit: usize) -> Self {
        CaptureResponses {
            limit: Some(limit),
            ..CaptureResponses::default()
        }
    }

    fn keep(&self, seen: Result<SeenResponse, String>) {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(seen);
    }

    pub(crate) fn take(&self) -> Vec<Result<SeenResponse, String>> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Transport for CaptureResponses {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        Box::pin(async move {
            let mut response = client
                .execute(request)
                .await
                .inspect_err(|e| self.keep(Err(causes(e))))?;
            let status = response.status();
            let version = response.version();
            let headers: HeaderMap = response.headers().clone();
            let body = match self.read(&mut response).await {
                Ok(Some(body)) => {
                    self.keep(Ok(SeenResponse {
                        status: status.as_u16(),
                        headers: headers.clone(),
                        body: body.clone(),
                    }));
                    body
                }
                Ok(None) => {
                    let limit = self.limit.unwrap_or_default();
                    self.keep(Err(format!(
                        "the response body is larger than {limit} bytes"
                    )));
                    Vec::new()
                }
                Err(error) => {
                    self.keep(Err(causes(&error)));
                    return Err(error);
                }
            };
            // Hand the client an identical response built from the copy.
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            Ok(reqwest::Response::from(rebuilt))
        })
    }
}

impl CaptureResponses {
    /// The body, or `None` once it outgrows the limit (not read further).
    async fn read(&self, response: &mut reqwest::Response) -> reqwest::Result<Option<Vec<u8>>> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            body.extend_from_slice(&chunk);
            if self.limit.is_some_and(|limit| body.len() > limit) {
                return Ok(None);
            }
        }
        Ok(Some(body))
    }
}

/// An error with its causes, which is where reqwest says what went wrong
/// ("connection refused", "timed out").
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
