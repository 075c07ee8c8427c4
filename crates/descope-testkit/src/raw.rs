//! Requests sent to a server exactly as written, and what came back: for the
//! tests of what a well-behaved client never sends (a missing header, a body
//! that is not JSON, a wrong method) and of the Descope error bodies the
//! answers carry.

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

/// What a raw request got back.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as JSON, or as a JSON string holding the text if it was not
    /// JSON.
    pub body: Value,
}

impl Answer {
    /// The value of header `name`, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `errorCode` of a Descope error body; empty if there is none.
    pub fn code(&self) -> &str {
        self.body["errorCode"].as_str().unwrap_or_default()
    }

    /// Asserts a Descope error body with `status` and `code`: `errorCode`,
    /// `errorDescription` and `errorMessage`, all strings.
    #[track_caller]
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

/// Sends `body` with `headers` to `path` under `base_url`, as is: no header
/// is added but what reqwest always sends, and no proxy is used.
pub async fn send(
    base_url: &str,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a plain HTTP client builds");
    let mut request = http.request(method, format!("{base_url}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("the body arrives");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        body,
    }
}

/// POSTs JSON `body` to `path` under `base_url` with
/// `Authorization: Bearer <bearer>`.
pub async fn post(base_url: &str, path: &str, bearer: &str, body: &Value) -> Answer {
    let authorization = format!("Bearer {bearer}");
    let text = body.to_string();
    send(
        base_url,
        Method::POST,
        path,
        &[
            ("authorization", &authorization),
            ("content-type", "application/json"),
        ],
        Some(&text),
    )
    .await
}
