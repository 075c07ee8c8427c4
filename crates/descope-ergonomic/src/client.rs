//! [`DescopeClient`] and the path every call takes: one span, attempts through
//! the generated client, retries by policy.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use descope_raw::types::ErrorBody;
use descope_raw::{Error as RawError, RequestContext, ResponseValue};
use descope_spec::{Credential, Operation};
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::time::Instant;
use tracing::{field, Instrument};

use crate::credentials::{ProjectAuthorization, ProjectId, UserAuthorization};
use crate::decode::attempt_result;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::ApprovedDomains;
use crate::license::{carries_license, LicenseCache, LICENSE_HEADER};
use crate::magic_link::MagicLink;
use crate::management::Management;
use crate::redact::Scrub;
use crate::retry::{RetryCount, RetryPolicy, Sleep};
use crate::secret::{AuthManagementKey, ManagementKey, RefreshJwt};
use crate::session::{Sessions, TokenCookies};
use crate::transport::CallTransport;
use crate::DescopeClientBuilder;

/// The Descope client. Cheap to clone (clones share one connection pool),
/// `Send + Sync`, and safe to print: its `Debug` shows no secret.
///
/// ```no_run
/// # async fn example() -> Result<(), descope_ergonomic::Error> {
/// use std::time::Duration;
/// use descope_ergonomic::DescopeClient;
///
/// let client = DescopeClient::builder()
///     .project_id("P2aAc4T2V93bddihGEx2Ryhc8e5Z")
///     .management_key("K2...")
///     .build()?;
///
/// // Management: a one-time sign-in token for an existing user.
/// let link = client
///     .management()
///     .users()
///     .embedded_link("ada@example.com")
///     .timeout(Duration::from_secs(300))
///     .send()
///     .await?;
/// // Magic links: the token, as it is, for the user's session.
/// let session = client.magic_link().verify(link.token()).send().await?;
/// if let Some(refresh_jwt) = session.refresh_jwt() {
///     let sent = client
///         .magic_link()
///         .update_phone_sms(refresh_jwt, "ada@example.com", "+1 (202) 555-0123")
///         .uri("https://app.example.com/verify")
///         .send()
///         .await?;
///     println!("link sent to {}", sent.masked_phone());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DescopeClient {
    shared: Arc<Shared>,
}

/// What all clones of a client share.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// Whether `http` is the caller's (`DescopeClientBuilder::http_client`),
    /// whose redirect policy this crate cannot see.
    pub(crate) caller_http: bool,
    /// The SDK headers, put on every request (see `config::sdk_headers`).
    pub(crate) sdk_headers: Arc<HeaderMap>,
    pub(crate) base_url: String,
    pub(crate) project_id: ProjectId,
    pub(crate) management_key: Option<ManagementKey>,
    pub(crate) management_authorization: Option<HeaderValue>,
    pub(crate) auth_management_key: Option<AuthManagementKey>,
    pub(crate) retry: RetryPolicy,
    pub(crate) approved_domains: Option<ApprovedDomains>,
    pub(crate) max_response_bytes: usize,
    pub(crate) request_timeout: Duration,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) license: LicenseCache,
}

impl DescopeClient {
    /// Starts a builder with the defaults.
    pub fn builder() -> DescopeClientBuilder {
        DescopeClientBuilder::new()
    }

    /// A client configured from the `DESCOPE_*` environment variables
    /// (see [`DescopeClientBuilder::from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        DescopeClientBuilder::from_env().build()
    }

    pub(crate) fn from_shared(shared: Shared) -> Self {
        Self {
            shared: Arc::new(shared),
        }
    }

    /// The project this client acts for.
    pub fn project_id(&self) -> &ProjectId {
        &self.shared.project_id
    }

    /// Where requests go, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Whether a management key is configured.
    pub fn has_management_key(&self) -> bool {
        self.shared.management_key.is_some()
    }

    /// Whether an auth management key is configured.
    pub fn has_auth_management_key(&self) -> bool {
        self.shared.auth_management_key.is_some()
    }

    /// The generated client on this client's connection pool and base URL,
    /// sending `authorization` (see [`crate::UserAuthorization`] and
    /// [`crate::ManagementAuthorization`]): the door to the raw API, for
    /// operations this crate does not wrap. Behind the `unstable-raw`
    /// feature: the generated types change with the spec, outside semver.
    ///
    /// What it keeps of this client: the pool, the request timeout, the SDK
    /// headers, the base URL, the rate-limit tier if a handshake has read it
    /// (`x-descope-license`, sent on every request of the raw client: give
    /// it management calls only), and redirects never followed (with this
    /// crate's own `reqwest::Client`); the `Authorization` value is marked
    /// sensitive, and the embedded-link token is a [`descope_raw::Secret`]
    /// that does not print. What it does not have: input validation beyond
    /// the spec's patterns, retries, the handshake itself, the response size
    /// cap, typed errors, and scrubbing: the generated client's errors
    /// (`descope_raw::Error`) hold response bodies and headers as the server
    /// sent them, so printing one can show what a server echoed.
    #[cfg(feature = "unstable-raw")]
    pub fn raw(&self, authorization: HeaderValue) -> descope_raw::Client {
        let shared = &*self.shared;
        let context = self.request_context(Some(authorization), shared.license.tier());
        descope_raw::Client::new_with_client(&shared.base_url, shared.http.clone(), context)
    }

    /// What every request of this client carries: `authorization` (none for
    /// an operation that needs no credential), the SDK headers, the request
    /// timeout and, when given, the rate-limit tier.
    fn request_context(
        &self,
        authorization: Option<HeaderValue>,
        tier: Option<HeaderValue>,
    ) -> RequestContext {
        let shared = &*self.shared;
        let context = RequestContext::new()
            .with_headers(shared.sdk_headers.clone())
            .with_timeout(shared.request_timeout);
        let context = match authorization {
            Some(authorization) => context.with_authorization(authorization),
            None => context,
        };
        match tier {
            Some(tier) => context.with_header(LICENSE_HEADER, tier),
            None => context,
        }
    }

    /// The rate-limit tier of the project, once a license handshake (or
    /// [`management().license()`](crate::management::Management::license)) has read it: what management calls send
    /// as `x-descope-license`.
    pub fn rate_limit_tier(&self) -> Option<String> {
        self.shared
            .license
            .tier()
            .and_then(|tier| tier.to_str().ok().map(str::to_string))
    }

    /// The magic-link operations: a signed-in user's phone update, and the
    /// exchange of a link's one-time token for a session.
    pub fn magic_link(&self) -> MagicLink<'_> {
        MagicLink::new(self)
    }

    /// The session operations: a signed-in user's refresh, logout and
    /// details (by their refresh JWT), and the keys session JWTs are
    /// signed with.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions::new(self)
    }

    /// The management operations (they need the management key): users
    /// and their embedded links, the project's license.
    pub fn management(&self) -> Management<'_> {
        Management::new(self)
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The management credential, or the typed error for its absence.
    fn management_authorization(&self) -> Result<&HeaderValue, Error> {
        self.shared
            .management_authorization
            .as_ref()
            .ok_or_else(|| ValidationError::new(Field::ManagementKey, Reason::Missing).into())
    }

    /// The credential of a call on behalf of the user whose refresh JWT is
    /// given: `Bearer <ProjectId>:<RefreshJWT>[:<AuthManagementKey>]`.
    fn user_authorization(&self, refresh_jwt: &RefreshJwt) -> HeaderValue {
        let shared = &*self.shared;
        UserAuthorization::new(&shared.project_id, refresh_jwt)
            .auth_management_key(shared.auth_management_key.as_ref())
            .header_value()
    }

    /// What a call must scrub from response text: every key of this client,
    /// plus the call's own credential.
    fn scrub<'a>(
        &'a self,
        call_secret: Option<&'a str>,
        success_body_is_secret: bool,
    ) -> Scrub<'a> {
        let shared = &*self.shared;
        Scrub {
            secrets: [
                shared
                    .management_key
                    .as_ref()
                    .map(ManagementKey::expose_secret),
                shared
                    .auth_management_key
                    .as_ref()
                    .map(AuthManagementKey::expose_secret),
                call_secret,
            ],
            success_body_is_secret,
        }
    }

    /// Readies one call of `call.operation`, made as the operation table
    /// says: with the credential its security scheme names (the client's
    /// keys, or `call`'s refresh JWT), and every secret it knows scrubbed
    /// from what an error keeps; [`Prepared::send`] then runs it.
    pub(crate) async fn prepare<'a>(&'a self, call: Call<'a>) -> Result<Prepared<'a>, Error> {
        let shared = &*self.shared;
        let authorization = match call.operation.credential() {
            None => None,
            Some(Credential::ProjectId) => {
                Some(ProjectAuthorization::new(&shared.project_id).header_value())
            }
            Some(Credential::ProjectManagementKey) => {
                Some(self.management_authorization()?.clone())
            }
            Some(Credential::ProjectRefreshJwt) => {
                let jwt = call
                    .refresh_jwt
                    .ok_or_else(|| ValidationError::new(Field::RefreshJwt, Reason::Missing))?;
                Some(self.user_authorization(jwt))
            }
        };
        let call_secret = call
            .refresh_jwt
            .map(RefreshJwt::expose_secret)
            .or(call.body_secret);
        let deadline = call
            .deadline
            .unwrap_or_else(|| shared.operation_timeout.map(Deadline::after));
        Ok(Prepared {
            client: self,
            scrub: self.scrub(call_secret, call.secret_success),
            context: self
                .call_context(call.operation, authorization, deadline)
                .await,
        })
    }

    /// The generated client for one call's attempts of `operation`, with
    /// the call's credential (none for an operation that needs none), the
    /// SDK headers, a fresh transport and, for a management operation, the
    /// rate-limit tier (after the license handshake, when this is the
    /// client's first management call). The call's operation timeout starts
    /// before it, so that it bounds the handshake too.
    async fn call_context(
        &self,
        operation: Operation,
        authorization: Option<HeaderValue>,
        deadline: Option<Deadline>,
    ) -> CallContext {
        let shared = &*self.shared;
        let transport = Arc::new(CallTransport::new(
            shared.max_response_bytes,
            shared.caller_http,
            keeps_success_body(operation),
        ));
        let tier = if carries_license(operation) {
            match shared.license.settled() {
                Some(known) => known,
                None => shared.license.handshake(self, deadline).await,
            }
        } else {
            None
        };
        // The transport reads what this crate needs of the headers first.
        let context = self
            .request_context(authorization, tier)
            .with_transport(transport.clone());
        let raw =
            descope_raw::Client::new_with_client(&shared.base_url, shared.http.clone(), context);
        CallContext {
            operation,
            transport,
            raw,
            deadline,
        }
    }
}

/// A call's value, the session cookies its answer set and, for an
/// operation that keeps it ([`keeps_success_body`]), the body as it came.
pub(crate) struct Reply<T> {
    pub(crate) value: T,
    pub(crate) cookies: TokenCookies,
    pub(crate) body: Option<Bytes>,
}

/// Whether a success of `operation` is read from its body as well as from
/// the generated type: the key set's keys have members the spec leaves open
/// (an EC key's `crv`, `x`, `y`; certificate chains), which the generated
/// type drops. The body is small, and read once per key rotation.
fn keeps_success_body(operation: Operation) -> bool {
    operation == Operation::GetKeysV2
}

/// One call of an operation, as [`DescopeClient::exchange`] makes it.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    operation: Operation,
    /// The user's refresh JWT, for an operation whose credential takes one.
    refresh_jwt: Option<&'a RefreshJwt>,
    /// A secret the request carries in its body (a link token).
    body_secret: Option<&'a str>,
    /// Whether a success's body holds a secret, so that no error shows it.
    secret_success: bool,
    /// When the call must be over, if not the client's operation timeout.
    deadline: Option<Option<Deadline>>,
}

impl<'a> Call<'a> {
    /// A call of `operation` that knows no secret of its own.
    pub(crate) fn of(operation: Operation) -> Self {
        Self {
            operation,
            refresh_jwt: None,
            body_secret: None,
            secret_success: false,
            deadline: None,
        }
    }

    /// Made for the user whose refresh JWT this is.
    pub(crate) fn for_user(mut self, refresh_jwt: &'a RefreshJwt) -> Self {
        self.refresh_jwt = Some(refresh_jwt);
        self
    }

    /// Carrying `secret` in its body.
    pub(crate) fn with_body_secret(mut self, secret: &'a str) -> Self {
        self.body_secret = Some(secret);
        self
    }

    /// Answering a secret (a token or a JWT) when it succeeds.
    pub(crate) fn secret_success(mut self) -> Self {
        self.secret_success = true;
        self
    }

    /// Over by `deadline` (the license handshake's own bound).
    pub(crate) fn by(mut self, deadline: Option<Deadline>) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

/// A call ready to run: [`DescopeClient::prepare`]'s.
pub(crate) struct Prepared<'a> {
    client: &'a DescopeClient,
    scrub: Scrub<'a>,
    context: CallContext,
}

impl Prepared<'_> {
    /// Runs the call: every attempt goes through its generated client;
    /// `send` starts one attempt with it and a copy of `body`.
    pub(crate) async fn send<'c, B, T, F, Fut>(
        &'c self,
        body: B,
        send: F,
    ) -> Result<Reply<T>, Error>
    where
        B: Clone,
        F: Fn(&'c descope_raw::Client, B) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError<ErrorBody>>>,
    {
        let shared = &*self.client.shared;
        let context = &self.context;
        let scrub = self.scrub;
        let operation = context.operation;
        let transport = &*context.transport;
        let deadline = context.deadline;
        let out_of_time =
            |deadline: Deadline, attempts, last_error: Option<Error>| Error::OperationTimeout {
                timeout: deadline.timeout,
                attempts,
                last_error: last_error.map(Box::new),
            };
        let span = tracing::info_span!(
            "descope.call",
            operation = operation.id(),
            attempts = field::Empty,
            status = field::Empty,
            latency_ms = field::Empty,
        );
        async move {
            let started = Instant::now();
            let mut retries = RetryCount::default();
            let mut attempt: u32 = 0;
            let mut last_status = None;
            let outcome = loop {
                // The handshake may have used the whole operation timeout up.
                if let Some(passed) = deadline.filter(|d| Instant::now() >= d.at) {
                    break Err(out_of_time(passed, attempt, None));
                }
                attempt += 1;
                last_status = None;
                let attempt_started = Instant::now();
                let attempt_done = async {
                    let result = send(&context.raw, body.clone()).await;
                    let mut answer = transport.take();
                    let status = answer.as_ref().map(|a| a.status);
                    let max_body = transport.max_body();
                    let result =
                        attempt_result(operation, result, answer.as_ref(), max_body, &scrub).await;
                    let reply = result.map(|value| Reply {
                        value,
                        cookies: answer
                            .as_mut()
                            .map(|a| std::mem::take(&mut a.cookies))
                            .unwrap_or_default(),
                        body: answer.as_mut().and_then(|a| a.body.take()),
                    });
                    (status, reply)
                };
                let (status, result) = match deadline {
                    Some(deadline) => match tokio::time::timeout_at(deadline.at, attempt_done).await
                    {
                        Ok(done) => done,
                        Err(_) => break Err(out_of_time(deadline, attempt, None)),
                    },
                    None => attempt_done.await,
                };
                last_status = status;
                tracing::debug!(
                    attempt,
                    status = status.map(|s| s.as_u16()),
                    latency_ms = attempt_started.elapsed().as_millis() as u64,
                    ok = result.is_ok(),
                    "attempt finished"
                );
                let error = match result {
                    Ok(value) => break Ok(value),
                    Err(error) => error,
                };
                match shared.retry.wait_before_retry(&error, status, &retries) {
                    // A wait that would end past the deadline is not begun.
                    Some(wait) if deadline.is_some_and(|d| Instant::now() + wait >= d.at) => {
                        let deadline = deadline.expect("checked in the guard");
                        break Err(out_of_time(deadline, attempt, Some(error)));
                    }
                    Some(wait) => {
                        tracing::info!(attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
                        retries.record(&error);
                        shared.sleep.sleep(wait).await;
                    }
                    None => break Err(error),
                }
            };
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            if let Some(status) = last_status {
                span.record("status", status.as_u16());
            }
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            // An answer the caller is expected to handle (a refused input,
            // a 4xx such as an unknown user) is no fault of the service's.
            match &outcome {
                Err(error) if error.is_expected() => tracing::debug!(%error, "call refused"),
                Err(error) => tracing::warn!(%error, "call failed"),
                Ok(_) => {}
            }
            outcome
        }
        .instrument(span)
        .await
    }
}

/// What the attempts of one call share: built once per call, so that an
/// attempt copies neither the base URL nor the credential.
pub(crate) struct CallContext {
    operation: Operation,
    transport: Arc<CallTransport>,
    raw: descope_raw::Client,
    /// When the call's operation timeout runs out, if it has one.
    deadline: Option<Deadline>,
}

/// When a call must be over, and the timeout that set it (for the error).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) timeout: Duration,
}

impl Deadline {
    /// `timeout` from now.
    pub(crate) fn after(timeout: Duration) -> Self {
        Self {
            at: Instant::now() + timeout,
            timeout,
        }
    }
}

impl fmt::Debug for DescopeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("DescopeClient")
            .field("project_id", &shared.project_id)
            .field("base_url", &shared.base_url)
            .field("management_key", &shared.management_key)
            .field("auth_management_key", &shared.auth_management_key)
            .field("retry", &shared.retry)
            .field("approved_domains", &shared.approved_domains)
            .field("request_timeout", &shared.request_timeout)
            .field("operation_timeout", &shared.operation_timeout)
            .field("caller_http", &shared.caller_http)
            .field("rate_limit_tier", &shared.license)
            .field("max_response_bytes", &shared.max_response_bytes)
            .finish()
    }
}
