//! The handling of one request: route, credentials, body, script, answer,
//! a check of the answer against the spec, and the log.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use descope_spec::fields::error as error_fields;
use descope_spec::{Operation, Spec};
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use serde_json::Value;

use crate::auth;
use crate::behaviour::{self, Call};
use crate::body_check::check_body;
use crate::bounded::DEFAULT_MAX_KEPT;
use crate::clock::Clock;
use crate::control;
use crate::flow::{Outbox, Tokens};
use crate::ids::Ids;
use crate::keys::{KeyRing, Signing, DEFAULT_KEY_GRACE_SECS};
use crate::received::{ReceivedRequest, RequestLog, DEFAULT_MAX_RECEIVED};
use crate::refusal::{codes, Refusal};
use crate::registry::Registry;
use crate::reply::Reply;
use crate::session::{Lifetimes, Sessions};

/// The largest request body read unless set; Descope's bodies for these
/// calls are tiny.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Everything a running fake shares between its connections.
pub(crate) struct Service {
    spec: Spec,
    routes: Vec<Route>,
    permissive: bool,
    log: bool,
    max_request_bytes: usize,
    state: Mutex<State>,
}

/// What changes while the fake runs; every part is bounded.
pub(crate) struct State {
    pub(crate) registry: Registry,
    pub(crate) scripts: VecDeque<Reply>,
    pub(crate) received: RequestLog,
    pub(crate) tokens: Tokens,
    pub(crate) outbox: Outbox,
    pub(crate) sessions: Sessions,
    pub(crate) keys: KeyRing,
    /// How long a rotated-out key stays in the key set, in seconds.
    pub(crate) key_grace: u64,
    pub(crate) lifetimes: Lifetimes,
    pub(crate) ids: Arc<Ids>,
    pub(crate) clock: Arc<Clock>,
}

/// What a fresh state is made with.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    /// The bound of each kind of state kept.
    pub(crate) kept: usize,
    pub(crate) max_received: usize,
    pub(crate) signing: Signing,
    pub(crate) seed: Option<u64>,
    pub(crate) clock_at: Option<SystemTime>,
    pub(crate) lifetimes: Lifetimes,
    pub(crate) key_grace: u64,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            kept: DEFAULT_MAX_KEPT,
            max_received: DEFAULT_MAX_RECEIVED,
            signing: Signing::default(),
            seed: None,
            clock_at: None,
            lifetimes: Lifetimes::default(),
            key_grace: DEFAULT_KEY_GRACE_SECS,
        }
    }
}

impl State {
    /// An empty state: no project, user, token, session or script.
    pub(crate) fn new(setup: &Setup) -> State {
        let ids = Arc::new(Ids::new(setup.seed));
        let clock = Arc::new(Clock::new(setup.clock_at));
        State {
            registry: Registry::new(setup.kept, ids.clone(), clock.clone()),
            scripts: VecDeque::new(),
            received: RequestLog::new(setup.max_received),
            tokens: Tokens::new(setup.kept, ids.clone(), clock.clone()),
            outbox: Outbox::new(setup.kept),
            sessions: Sessions::new(setup.kept),
            keys: KeyRing::new(setup.signing, &ids),
            key_grace: setup.key_grace,
            lifetimes: setup.lifetimes,
            ids,
            clock,
        }
    }
}

/// The settings a service starts with.
pub(crate) struct Settings {
    pub(crate) permissive: bool,
    pub(crate) log: bool,
    pub(crate) max_request_bytes: usize,
}

/// A method and path template the fake serves.
struct Route {
    method: Method,
    /// The template's segments; `{name}` takes any one segment.
    segments: Vec<String>,
    path: String,
    endpoint: Operation,
}

impl Route {
    /// The path parameters when `path` fits the template.
    fn fit(&self, path: &str) -> Option<Vec<(String, String)>> {
        let given: Vec<&str> = path.split('/').collect();
        if given.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (template, segment) in self.segments.iter().zip(given) {
            match template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !segment.is_empty() => {
                    let value = percent_decoded(segment)?;
                    params.push((name.to_string(), value));
                }
                Some(_) => return None,
                None if template == segment => {}
                None => return None,
            }
        }
        Some(params)
    }
}

/// A path segment, percent-decoded; `None` when it is not UTF-8 after.
fn percent_decoded(segment: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("v={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

/// What the fake sends back.
struct Answer {
    status: u16,
    body: Value,
    headers: Vec<(header::HeaderName, String)>,
    delay: Duration,
}

impl From<Refusal> for Answer {
    fn from(refusal: Refusal) -> Answer {
        let headers = refusal
            .retry_after
            .map(|secs| (header::RETRY_AFTER, secs.to_string()))
            .into_iter()
            .collect();
        Answer {
            status: refusal.status,
            body: refusal.body(),
            headers,
            delay: Duration::ZERO,
        }
    }
}

impl Service {
    /// A service for the operations `spec` has.
    pub(crate) fn new(spec: Spec, state: State, settings: Settings) -> Service {
        // Served where the given spec puts them, so a fake started from an
        // edited spec follows its paths and methods.
        let routes: Vec<Route> = spec
            .operations()
            .into_iter()
            .filter_map(|operation| {
                Some(Route {
                    method: operation.method.parse().ok()?,
                    segments: operation.path.split('/').map(str::to_string).collect(),
                    path: operation.path.to_string(),
                    endpoint: Operation::from_id(operation.id)?,
                })
            })
            .collect();
        Service {
            spec,
            routes,
            permissive: settings.permissive,
            log: settings.log,
            max_request_bytes: settings.max_request_bytes,
            state: Mutex::new(state),
        }
    }

    /// The shared state; a panic elsewhere never makes it unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the fake was started permissive.
    pub(crate) fn permissive(&self) -> bool {
        self.permissive
    }

    /// Handles one request; every request to the API (not the control paths)
    /// is logged with its answer before the answer's delay starts, so a
    /// client that gives up waiting is still seen.
    pub(crate) async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let read = Limited::new(body, self.max_request_bytes).collect().await;
        let body = read.map(|collected| collected.to_bytes());
        if let Some(response) = control::handle(self, &parts, body.as_ref().ok()) {
            return response;
        }
        let (endpoint, answer) = match &body {
            Ok(bytes) => self.decide(&parts, bytes),
            Err(error) if error.is::<LengthLimitError>() => (
                None,
                Refusal::new(
                    413,
                    codes::BAD_REQUEST,
                    format!(
                        "The request body is larger than {} bytes",
                        self.max_request_bytes
                    ),
                )
                .into(),
            ),
            Err(error) => (
                None,
                Refusal::bad_request(format!("The request body cannot be read: {error}")).into(),
            ),
        };
        let answer = self.checked_against_spec(endpoint, answer);
        if self.log {
            // Never the headers: they hold the credentials.
            let code = answer
                .body
                .get(error_fields::ERROR_CODE)
                .and_then(Value::as_str);
            eprintln!(
                "{} {} -> {}{}",
                parts.method,
                parts.uri.path(),
                answer.status,
                code.map(|c| format!(" {c}")).unwrap_or_default()
            );
        }
        self.lock().received.push(ReceivedRequest {
            seq: 0,
            method: parts.method.to_string(),
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_string(), |pq| pq.to_string()),
            headers: parts.headers.clone(),
            body: body.map(|b| b.to_vec()).unwrap_or_default(),
            endpoint,
            status: answer.status,
            response: answer.body.clone(),
        });
        if !answer.delay.is_zero() {
            tokio::time::sleep(answer.delay).await;
        }
        respond(answer)
    }

    /// The endpoint a request is for, and the answer it gets.
    fn decide(&self, parts: &http::request::Parts, body: &[u8]) -> (Option<Operation>, Answer) {
        let (endpoint, path) = match self.route(&parts.method, parts.uri.path()) {
            Ok(found) => found,
            Err(answer) => return (None, answer),
        };
        let refused = |refusal: Refusal| (Some(endpoint), Answer::from(refusal));
        // Credentials first: a caller without a valid one learns nothing
        // about what the fake thinks of its body.
        let authorization = parts.headers.get(header::AUTHORIZATION);
        // An operation the spec declares without security takes anyone.
        let credential = match endpoint.credential().map(|kind| {
            let state = self.lock();
            auth::check(authorization, kind, &state, self.permissive)
        }) {
            Some(Ok(credential)) => credential,
            Some(Err(refusal)) => return refused(refusal),
            None => auth::Checked::default(),
        };
        let body = match check_body(&self.spec, endpoint, &parts.headers, body) {
            Ok(body) => body,
            Err(refusal) => return refused(refusal),
        };
        let mut state = self.lock();
        let scripted = take_script(&mut state.scripts, endpoint);
        let delay = scripted
            .as_ref()
            .map_or(Duration::ZERO, |reply| reply.delay);
        let answer = match scripted.and_then(|reply| reply.refusal) {
            Some(refusal) => Answer::from(refusal),
            None => {
                let (ids, now, lifetimes) = (state.ids.clone(), state.clock.now(), state.lifetimes);
                let call = Call {
                    body: &body,
                    project_id: credential.project_id,
                    refresh_jwt: credential.refresh_jwt,
                    path: &path,
                    query: parts.uri.query(),
                    permissive: self.permissive,
                    now,
                    ids: &ids,
                    lifetimes,
                };
                match behaviour::answer(endpoint, &call, &mut state) {
                    Ok(body) => Answer {
                        status: 200,
                        body,
                        headers: Vec::new(),
                        delay: Duration::ZERO,
                    },
                    Err(refusal) => Answer::from(refusal),
                }
            }
        };
        (Some(endpoint), Answer { delay, ..answer })
    }

    /// The endpoint at `path`, or the answer for a path or method it does
    /// not serve.
    fn route(
        &self,
        method: &Method,
        path: &str,
    ) -> Result<(Operation, Vec<(String, String)>), Answer> {
        let at_path: Vec<(&Route, Vec<(String, String)>)> = self
            .routes
            .iter()
            .filter_map(|r| Some((r, r.fit(path)?)))
            .collect();
        if let Some((route, params)) = at_path.iter().find(|(r, _)| r.method == *method) {
            return Ok((route.endpoint, params.clone()));
        }
        if at_path.is_empty() {
            let served: Vec<String> = self
                .routes
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect();
            return Err(Refusal::new(
                404,
                codes::NOT_FOUND,
                format!(
                    "No endpoint at {path}; this fake serves {}",
                    served.join(", ")
                ),
            )
            .into());
        }
        let allowed: Vec<&str> = at_path.iter().map(|(r, _)| r.method.as_str()).collect();
        let mut answer = Answer::from(Refusal::new(
            405,
            codes::BAD_REQUEST,
            format!(
                "{method} is not allowed on {path}; use {}",
                allowed.join(", ")
            ),
        ));
        answer.headers.push((header::ALLOW, allowed.join(", ")));
        Err(answer)
    }

    /// `answer`, if its body is what the spec declares for its status; a 500
    /// naming the difference otherwise, so that a spec change the fake has
    /// not followed is loud instead of silently off-spec.
    fn checked_against_spec(&self, endpoint: Option<Operation>, answer: Answer) -> Answer {
        let Some(operation) = endpoint.and_then(|op| self.spec.operation(op.id())) else {
            return answer;
        };
        let problems: Vec<String> = match operation.validate_response(answer.status, &answer.body) {
            Ok(found) => found.into_iter().flatten().map(|v| v.to_string()).collect(),
            Err(error) => vec![error],
        };
        if problems.is_empty() {
            return answer;
        }
        Refusal::new(
            500,
            codes::SERVER_ERROR,
            format!(
                "fake-descope's own answer ({}) breaks the spec: {}",
                answer.status,
                problems.join("; ")
            ),
        )
        .into()
    }
}

/// The first queued reply that serves `endpoint`, used up once.
fn take_script(scripts: &mut VecDeque<Reply>, endpoint: Operation) -> Option<Reply> {
    let index = scripts.iter().position(|reply| reply.serves(endpoint))?;
    let reply = scripts[index].clone();
    // A reply for no request is never queued; were one there, it is used up
    // here rather than counted below zero.
    if scripts[index].times <= 1 {
        scripts.remove(index);
    } else {
        scripts[index].times -= 1;
    }
    Some(reply)
}

fn respond(answer: Answer) -> Response<Full<Bytes>> {
    json_response(answer.status, &answer.body, answer.headers)
}

/// A JSON response; the header values are the fake's own, always valid.
pub(crate) fn json_response(
    status: u16,
    body: &Value,
    headers: Vec<(header::HeaderName, String)>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    map.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            map.insert(name, value);
        }
    }
    response
}
