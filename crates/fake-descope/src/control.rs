//! The control API under `/_fake/`: what the library offers, over HTTP, for
//! tests written in other languages against the binary.
//!
//! - `POST /_fake/projects` `{"id", "managementKeys": [], "refreshJwts": [], "authManagementKeys": [],
//!   "rotateRefreshJwts"?: bool}`
//! - `POST /_fake/users` `{"loginId", "email"?, "phone"?, "tenants"?: {"<id>": {"roles": [],
//!   "permissions": []}}, "roles"?: [], "permissions"?: [], "currentTenant"?, "customClaims"?: {}}`:
//!   the user and what its session JWTs carry
//! - `POST /_fake/sessions` `{"loginId", "projectId"?, "stepUp"?, "amr"?: [], "claims"?: {},
//!   "expired"?: bool, "fullyExpired"?: bool, "sessionExpiresInSecs"?, "refreshExpiresInSecs"?}`:
//!   a session minted without a sign-in (the user is registered if new), answered as
//!   `{sessionJwt, refreshJwt, userId, sessionExpiration, refreshExpiration}`
//! - `GET /_fake/clock`: `{"now": <unix seconds>}`, the fake's time; `POST /_fake/clock`
//!   `{"advanceSecs"}` moves it on (at most ten years a call) and answers the same
//! - `POST /_fake/keys/rotate` `{}`: a new signing key, answered as `{"kid"}`; the one before
//!   stays in the key set for the grace period
//! - `POST /_fake/replies` `{"status"?, "errorCode"?, "errorMessage"?, "retryAfter"?, "delayMs"?, "times"?, "endpoint"?}`
//!   (no `status`: the normal answer, after `delayMs`; `times` from 1 to 100,000,
//!   `delayMs` at most 600,000)
//!
//! Every input is checked: unknown fields, wrong types, an empty id, `times`
//! of 0 or past the bound, a delay past the bound, an unknown endpoint, error
//! fields without an error status get 400 and a message; nothing reachable
//! from HTTP can panic or queue a script that never ends.
//! - `GET /_fake/requests[?endpoint=<operationId>&status=<n>&since=<seq>&limit=<n>]`: the
//!   kept received requests, oldest first, that match: of that operation, answered with
//!   that status, numbered after `since`; at most `limit` (1 to 1,000, the default). Headers:
//!   `x-fake-dropped` (requests the bounded log dropped), `x-fake-more: true` when more match
//!   (ask again with `since` = the last `seq`). `DELETE /_fake/requests` forgets them.
//!
//! - `GET /_fake/messages`: the messages the fake "sent" (the phone update's SMS), oldest
//!   first, as `[{seq, to, link, token, loginId}]`; header `x-fake-dropped` counts those the
//!   bound dropped. `DELETE /_fake/messages` forgets them.
//!
//! Control requests are not logged among the received requests.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Response};
use http_body_util::Full;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::minting::{IssuedSession, SessionFor};
use crate::registry::{Project, User};
use crate::reply::Reply;
use crate::service::{json_response, Service};
use descope_spec::Operation;

/// The prefix of the control paths.
pub const CONTROL_PREFIX: &str = "/_fake/";

/// The most received requests one answer of `GET /_fake/requests` holds.
const MAX_PAGE: usize = 1000;

/// Which received requests `GET /_fake/requests` answers with.
struct RequestsQuery {
    endpoint: Option<Operation>,
    status: Option<u16>,
    since: u64,
    limit: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProjectIn {
    id: String,
    #[serde(default)]
    management_keys: Vec<String>,
    #[serde(default)]
    refresh_jwts: Vec<String>,
    #[serde(default)]
    auth_management_keys: Vec<String>,
    #[serde(default)]
    rotate_refresh_jwts: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserIn {
    login_id: String,
    email: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    tenants: BTreeMap<String, TenantIn>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
    current_tenant: Option<String>,
    #[serde(default)]
    custom_claims: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantIn {
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SessionIn {
    login_id: String,
    project_id: Option<String>,
    #[serde(default)]
    step_up: bool,
    #[serde(default)]
    amr: Vec<String>,
    #[serde(default)]
    claims: Map<String, Value>,
    #[serde(default)]
    expired: bool,
    #[serde(default)]
    fully_expired: bool,
    session_expires_in_secs: Option<u64>,
    refresh_expires_in_secs: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockIn {
    advance_secs: u64,
}

/// The longest one `POST /_fake/clock` moves the clock: ten years.
const MAX_ADVANCE_SECS: u64 = 10 * 366 * 24 * 3600;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplyIn {
    status: Option<u16>,
    error_code: Option<String>,
    error_description: Option<String>,
    error_message: Option<String>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
    times: Option<usize>,
    endpoint: Option<String>,
}

/// The response to a control request, or `None` when `parts` is not one.
/// `body` is `None` when it could not be read.
pub(crate) fn handle(
    service: &Service,
    parts: &http::request::Parts,
    body: Option<&Bytes>,
) -> Option<Response<Full<Bytes>>> {
    let what = parts.uri.path().strip_prefix(CONTROL_PREFIX)?;
    let body = body.map(|b| b.as_ref()).unwrap_or_default();
    let done = || json_response(200, &json!({"ok": true}), Vec::new());
    let refused = |why: String| json_response(400, &json!({ "error": why }), Vec::new());
    Some(match (&parts.method, what) {
        (&Method::GET, "requests") => match requests_query(parts.uri.query()) {
            Ok(query) => {
                let state = service.lock();
                let mut matching = state.received.iter().filter(|r| {
                    r.seq > query.since
                        && query.endpoint.is_none_or(|op| r.endpoint == Some(op))
                        && query.status.is_none_or(|status| r.status == status)
                });
                let page: Vec<Value> = matching
                    .by_ref()
                    .take(query.limit)
                    .map(|r| r.to_json())
                    .collect();
                let more = matching.next().is_some();
                let headers = vec![
                    (
                        http::HeaderName::from_static("x-fake-dropped"),
                        state.received.dropped().to_string(),
                    ),
                    (
                        http::HeaderName::from_static("x-fake-more"),
                        more.to_string(),
                    ),
                ];
                json_response(200, &Value::Array(page), headers)
            }
            Err(why) => refused(why),
        },
        (&Method::GET, "messages") => {
            let state = service.lock();
            let messages: Vec<Value> = state.outbox.iter().map(|m| m.to_json()).collect();
            let dropped = (
                http::HeaderName::from_static("x-fake-dropped"),
                state.outbox.dropped().to_string(),
            );
            json_response(200, &Value::Array(messages), vec![dropped])
        }
        (&Method::DELETE, "messages") => {
            service.lock().outbox.clear();
            done()
        }
        (&Method::DELETE, "requests") => {
            service.lock().received.clear();
            done()
        }
        (&Method::POST, "projects") => {
            match serde_json::from_slice::<ProjectIn>(body)
                .map_err(|e| e.to_string())
                .and_then(project_from)
            {
                Ok(project) => {
                    service.lock().registry.add_project(project);
                    done()
                }
                Err(e) => refused(e),
            }
        }
        (&Method::POST, "users") => match serde_json::from_slice::<UserIn>(body)
            .map_err(|e| e.to_string())
            .and_then(user_from)
        {
            Ok(user) => {
                service.lock().registry.add_user(user);
                done()
            }
            Err(e) => refused(e),
        },
        (&Method::POST, "sessions") => {
            match serde_json::from_slice::<SessionIn>(body)
                .map_err(|e| e.to_string())
                .and_then(|input| session_from(service, input))
            {
                Ok(session) => json_response(200, &session.to_json(), Vec::new()),
                Err(e) => refused(e),
            }
        }
        (&Method::GET, "clock") => {
            json_response(200, &json!({"now": service.lock().clock.now()}), Vec::new())
        }
        (&Method::POST, "clock") => match serde_json::from_slice::<ClockIn>(body) {
            Ok(input) if input.advance_secs <= MAX_ADVANCE_SECS => {
                let state = service.lock();
                state.clock.advance(Duration::from_secs(input.advance_secs));
                json_response(200, &json!({"now": state.clock.now()}), Vec::new())
            }
            Ok(input) => refused(format!(
                "advanceSecs must be at most {MAX_ADVANCE_SECS}, not {}",
                input.advance_secs
            )),
            Err(e) => refused(e.to_string()),
        },
        (&Method::POST, "keys/rotate") => {
            let mut state = service.lock();
            let state = &mut *state;
            let now = state.clock.now();
            let kid = state.keys.rotate(&state.ids, now, state.key_grace);
            json_response(200, &json!({ "kid": kid }), Vec::new())
        }
        (&Method::POST, "replies") => match serde_json::from_slice::<ReplyIn>(body)
            .map_err(|e| e.to_string())
            .and_then(reply_from)
        {
            Ok(reply) => {
                service.lock().scripts.push_back(reply);
                done()
            }
            Err(e) => refused(e),
        },
        _ => json_response(
            404,
            &json!({ "error": format!("no control endpoint {} {}", parts.method, parts.uri.path()) }),
            Vec::new(),
        ),
    })
}

/// The most requests one scripted reply may serve, and the longest delay it
/// may hold a request for: enough for any test, bounded so that no HTTP
/// input can queue a script that never ends or park a connection for hours.
const MAX_TIMES: usize = 100_000;
const MAX_DELAY_MS: u64 = 600_000;

/// Text the fake matches credentials and users by must be there; the project
/// id and a refresh JWT must also lack the `:` that separates the parts of a
/// bearer credential (a key may hold one, as the clients allow).
fn name(what: &str, value: &str, colon_allowed: bool) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if !colon_allowed && value.contains(':') {
        return Err(format!("{what} must not contain ':'"));
    }
    Ok(())
}

fn project_from(input: ProjectIn) -> Result<Project, String> {
    name("the project id", &input.id, false)?;
    let mut project = Project::new(input.id).rotate_refresh_jwts(input.rotate_refresh_jwts);
    for key in input.management_keys {
        name("a management key", &key, true)?;
        project = project.management_key(key);
    }
    for jwt in input.refresh_jwts {
        name("a refresh JWT", &jwt, false)?;
        project = project.refresh_jwt(jwt);
    }
    for key in input.auth_management_keys {
        name("an auth management key", &key, true)?;
        project = project.auth_management_key(key);
    }
    Ok(project)
}

fn user_from(input: UserIn) -> Result<User, String> {
    name("loginId", &input.login_id, true)?;
    let mut user = User::new(input.login_id);
    user.email = input.email;
    user.phone = input.phone;
    for (id, tenant) in input.tenants {
        name("a tenant id", &id, true)?;
        user = user.tenant(id, tenant.roles, tenant.permissions);
    }
    user = user.roles(input.roles).permissions(input.permissions);
    if let Some(tenant) = input.current_tenant {
        user = user.current_tenant(tenant);
    }
    for (claim, value) in input.custom_claims {
        user = user.claim(claim, value);
    }
    Ok(user)
}

fn session_from(service: &Service, input: SessionIn) -> Result<IssuedSession, String> {
    name("loginId", &input.login_id, true)?;
    let mut session = SessionFor::new(service, User::new(input.login_id)).amr(input.amr);
    if let Some(project_id) = input.project_id {
        name("the project id", &project_id, false)?;
        session = session.project(project_id);
    }
    if input.step_up {
        session = session.step_up();
    }
    for (claim, value) in input.claims {
        session = session.claim(claim, value);
    }
    let bounded = |secs: u64| Duration::from_secs(secs.min(MAX_ADVANCE_SECS));
    if let Some(secs) = input.session_expires_in_secs {
        session = session.session_expires_in(bounded(secs));
    }
    if let Some(secs) = input.refresh_expires_in_secs {
        session = session.refresh_expires_in(bounded(secs));
    }
    if input.expired {
        session = session.expired();
    }
    if input.fully_expired {
        session = session.fully_expired();
    }
    session.try_issue()
}

fn reply_from(input: ReplyIn) -> Result<Reply, String> {
    let times = input.times.unwrap_or(1);
    if !(1..=MAX_TIMES).contains(&times) {
        return Err(format!("times must be from 1 to {MAX_TIMES}, not {times}"));
    }
    let delay_ms = input.delay_ms.unwrap_or(0);
    if delay_ms > MAX_DELAY_MS {
        return Err(format!(
            "delayMs must be at most {MAX_DELAY_MS}, not {delay_ms}"
        ));
    }
    let mut reply = match input.status {
        None => {
            let error_only = [
                ("errorCode", input.error_code.is_some()),
                ("errorDescription", input.error_description.is_some()),
                ("errorMessage", input.error_message.is_some()),
                ("retryAfter", input.retry_after.is_some()),
            ];
            if let Some((field, _)) = error_only.iter().find(|(_, given)| *given) {
                return Err(format!("{field} needs an error status (400-599)"));
            }
            Reply::normal()
        }
        Some(status) if (400..=599).contains(&status) => {
            let code = input.error_code.unwrap_or_else(|| "E000000".to_string());
            let mut reply = Reply::error(status, code);
            if let Some(description) = input.error_description {
                reply = reply.description(description);
            }
            if let Some(message) = input.error_message {
                reply = reply.message(message);
            }
            if let Some(secs) = input.retry_after {
                reply = reply.retry_after(secs);
            }
            reply
        }
        Some(status) => return Err(format!("status {status} is not an error status (400-599)")),
    };
    reply = reply.after(Duration::from_millis(delay_ms)).times(times);
    if let Some(name) = input.endpoint {
        reply = reply.on(operation_named(&name)?);
    }
    Ok(reply)
}

/// The operation whose id is `name`, or a message listing them.
fn operation_named(name: &str) -> Result<Operation, String> {
    Operation::from_id(name).ok_or_else(|| {
        let ids: Vec<&str> = Operation::ALL.iter().map(|op| op.id()).collect();
        format!("unknown endpoint {name:?}: one of {}", ids.join(", "))
    })
}

/// The query of `GET /_fake/requests`; every parameter is checked.
fn requests_query(query: Option<&str>) -> Result<RequestsQuery, String> {
    let mut parsed = RequestsQuery {
        endpoint: None,
        status: None,
        since: 0,
        limit: MAX_PAGE,
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let number = |what: &str| {
            value
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, not {value:?}"))
        };
        match key.as_ref() {
            "endpoint" => parsed.endpoint = Some(operation_named(&value)?),
            "status" => {
                parsed.status = Some(
                    u16::try_from(number("status")?)
                        .map_err(|_| format!("status {value} is past 65535"))?,
                )
            }
            "since" => parsed.since = number("since")?,
            "limit" => {
                let limit = number("limit")?;
                if !(1..=MAX_PAGE as u64).contains(&limit) {
                    return Err(format!("limit must be from 1 to {MAX_PAGE}, not {limit}"));
                }
                parsed.limit = limit as usize;
            }
            other => {
                return Err(format!(
                    "unknown parameter {other:?}: endpoint, status, since or limit"
                ))
            }
        }
    }
    Ok(parsed)
}
