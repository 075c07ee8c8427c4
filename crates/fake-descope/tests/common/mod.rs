//! Shared fixtures: a fake with one project and one user, clients pointed at
//! it, raw requests, and a sleep that does not wait.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, RefreshJwt, Sleep, SleepFuture};
use descope_spec::Operation;
use fake_descope::{FakeDescope, Project, User};
use serde_json::Value;

pub const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
pub const MANAGEMENT_KEY: &str = "K2test-management-key";
pub const AUTH_MANAGEMENT_KEY: &str = "AMK-test-auth-key";
pub const REFRESH_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2lnbmF0dXJl";
pub const USER: &str = "ada@example.com";
pub const USER_PHONE: &str = "+447700900123";
pub const UPDATE_PHONE: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
pub const EMBEDDED_LINK: &str = Operation::EmbeddedLinkSignin.path();

/// The test project with all three kinds of credential.
pub fn project() -> Project {
    Project::new(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .refresh_jwt(REFRESH_JWT)
        .auth_management_key(AUTH_MANAGEMENT_KEY)
}

/// A strict fake that knows the test project and `ada@example.com`.
pub async fn fake() -> FakeDescope {
    FakeDescope::builder()
        .project(project())
        .user(User::new(USER).phone(USER_PHONE))
        .start()
        .await
}

/// Sleeps that return at once and remember what they were asked.
#[derive(Debug, Default)]
pub struct NoWait(Mutex<Vec<Duration>>);

impl NoWait {
    pub fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleep for NoWait {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

/// A client builder for the fake with the test project and management key,
/// whose retries do not wait.
pub fn builder(fake: &FakeDescope, sleeps: Arc<NoWait>) -> DescopeClientBuilder {
    DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(fake.base_url())
        .sleep(sleeps)
}

/// A client for the fake whose retries do not wait.
pub fn client(fake: &FakeDescope) -> DescopeClient {
    builder(fake, Arc::default())
        .build()
        .expect("the client builds")
}

pub fn jwt() -> RefreshJwt {
    RefreshJwt::new(REFRESH_JWT).unwrap()
}

/// What a raw request got back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["errorCode"].as_str().unwrap_or_default()
    }

    /// Asserts a Descope error body: the three fields, all strings.
    pub fn assert_descope_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(self.code(), code, "{:?}", self.body);
        for field in ["errorCode", "errorDescription", "errorMessage"] {
            assert!(
                self.body[field].is_string(),
                "no {field} in {:?}",
                self.body
            );
        }
    }
}

/// Sends `body` with `headers` to `path` of the fake, as is.
pub async fn send(
    fake: &FakeDescope,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = http.request(method, format!("{}{path}", fake.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        body,
    }
}

/// POSTs JSON `body` to `path` with `Authorization: Bearer <bearer>`.
pub async fn post(fake: &FakeDescope, path: &str, bearer: &str, body: &Value) -> Answer {
    let authorization = format!("Bearer {bearer}");
    let text = body.to_string();
    send(
        fake,
        reqwest::Method::POST,
        path,
        &[
            ("authorization", &authorization),
            ("content-type", "application/json"),
        ],
        Some(&text),
    )
    .await
}

/// The management credential of the test project.
pub fn management_bearer() -> String {
    format!("{PROJECT}:{MANAGEMENT_KEY}")
}

/// The user credential of the test project.
pub fn user_bearer() -> String {
    format!("{PROJECT}:{REFRESH_JWT}")
}
