//! The per-request context of the generated client, and the hooks that apply it.
//!
//! progenitor ignores security schemes, so the generated code never sets
//! `Authorization`. The generated [`Client`] carries a [`RequestContext`] as its
//! inner value instead, and the hooks below put it on every request. The hooks
//! must be implemented here: the orphan rule forbids it in any other crate.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};

use crate::Client;

/// What one call adds to the shared `reqwest::Client`: its credential, the
/// headers and timeout of every request and, optionally, who executes the
/// request.
///
/// Whatever the context holds, a request leaves without the two headers
/// progenitor adds on its own, `api-version` and `Accept`: Descope's official
/// SDKs send neither, and Descope answers JSON either way.
///
/// Cheap to clone; its `Debug` output never shows the credential.
#[derive(Clone, Default)]
pub struct RequestContext {
    authorization: Option<HeaderValue>,
    headers: Option<Arc<HeaderMap>>,
    call_headers: Vec<(HeaderName, HeaderValue)>,
    timeout: Option<Duration>,
    transport: Option<Arc<dyn Transport>>,
}

/// The header progenitor puts on every request with the spec's `info.version`.
const PROGENITOR_API_VERSION: &str = "api-version";

impl RequestContext {
    /// A context that adds nothing: no credential, plain `reqwest` execution.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `value` as the `Authorization` header of every request, marked
    /// sensitive so that `reqwest` and `http` never print it.
    pub fn with_authorization(mut self, mut value: HeaderValue) -> Self {
        value.set_sensitive(true);
        self.authorization = Some(value);
        self
    }

    /// Sends `headers` on every request (replacing a value the
    /// `reqwest::Client` would give the same header by default): headers
    /// shared by many calls, such as an SDK's name and version.
    pub fn with_headers(mut self, headers: Arc<HeaderMap>) -> Self {
        self.headers = Some(headers);
        self
    }

    /// Sends one more header on every request of this context, after those
    /// of [`with_headers`](Self::with_headers).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.call_headers.push((name, value));
        self
    }

    /// Bounds each request, from sending it to the last byte of the answer,
    /// whatever the `reqwest::Client` was built with.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Hands every request to `transport` instead of executing it directly.
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The `Authorization` value requests carry, if any.
    pub fn authorization(&self) -> Option<&HeaderValue> {
        self.authorization.as_ref()
    }
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("headers", &self.headers)
            .field("call_headers", &self.call_headers)
            .field("timeout", &self.timeout)
            .field("transport", &self.transport.as_ref().map(|_| ".."))
            .finish()
    }
}

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Executes requests on behalf of the generated client, for callers that
/// need to observe or bound the exchange (timing, status, body size) without
/// a second HTTP path: the request is the one the generated code built.
pub trait Transport: Send + Sync {
    /// Executes `request` with `client`; `operation_id` names the operation.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a>;
}

impl ClientHooks<RequestContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let context = self.inner();
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_API_VERSION);
        headers.remove(ACCEPT);
        if let Some(shared) = &context.headers {
            for (name, value) in shared.iter() {
                headers.insert(name, value.clone());
            }
        }
        for (name, value) in &context.call_headers {
            headers.insert(name, value.clone());
        }
        if let Some(value) = &context.authorization {
            headers.insert(AUTHORIZATION, value.clone());
        }
        if let Some(timeout) = context.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner().transport {
            Some(transport) => {
                transport
                    .execute(self.client(), request, info.operation_id)
                    .await
            }
            None => self.client().execute(request).await,
        }
    }
}
