//! The control API under `/_fake/`: what the library offers, over HTTP, for
//! tests written in other languages against the binary.
//!
//! - `POST /_fake/projects` `{"id", "managementKeys": [], "refreshJwts": [], "authManagementKeys": []}`
//! - `POST /_fake/users` `{"loginId", "email"?, "phone"?}`
//! - `POST /_fake/replies` `{"status"?, "errorCode"?, "errorMessage"?, "retryAfter"?, "delayMs"?, "times"?, "endpoint"?}`
//!   (no `status`: the normal answer, after `delayMs`)
//! - `GET /_fake/requests`: the received requests; `DELETE /_fake/requests` forgets them.
//!
//! Control requests are not logged among the received requests.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Response};
use http_body_util::Full;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::endpoint::Endpoint;
use crate::registry::{Project, User};
use crate::reply::Reply;
use crate::service::{json_response, Service};

/// The prefix of the control paths.
pub const CONTROL_PREFIX: &str = "/_fake/";

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
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserIn {
    login_id: String,
    email: Option<String>,
    phone: Option<String>,
}

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
        (&Method::GET, "requests") => {
            let received: Vec<Value> = service
                .lock()
                .received
                .iter()
                .map(|r| r.to_json())
                .collect();
            json_response(200, &Value::Array(received), Vec::new())
        }
        (&Method::DELETE, "requests") => {
            service.lock().received.clear();
            done()
        }
        (&Method::POST, "projects") => match serde_json::from_slice::<ProjectIn>(body) {
            Ok(p) => {
                let project = p
                    .management_keys
                    .into_iter()
                    .fold(Project::new(p.id), Project::management_key);
                let project = p
                    .refresh_jwts
                    .into_iter()
                    .fold(project, Project::refresh_jwt);
                let project = p
                    .auth_management_keys
                    .into_iter()
                    .fold(project, Project::auth_management_key);
                service.lock().registry.add_project(project);
                done()
            }
            Err(e) => refused(e.to_string()),
        },
        (&Method::POST, "users") => match serde_json::from_slice::<UserIn>(body) {
            Ok(u) => {
                let mut user = User::new(u.login_id);
                user.email = u.email;
                user.phone = u.phone;
                service.lock().registry.add_user(user);
                done()
            }
            Err(e) => refused(e.to_string()),
        },
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

fn reply_from(input: ReplyIn) -> Result<Reply, String> {
    let mut reply = match input.status {
        None => Reply::normal(),
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
    reply = reply
        .after(Duration::from_millis(input.delay_ms.unwrap_or(0)))
        .times(input.times.unwrap_or(1));
    if let Some(name) = input.endpoint {
        let endpoint = Endpoint::from_name(&name).ok_or_else(|| {
            format!(
                "unknown endpoint {name:?}: one of {}",
                Endpoint::names().join(", ")
            )
        })?;
        reply = reply.on(endpoint);
    }
    Ok(reply)
}
