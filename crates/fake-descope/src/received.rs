//! The log of what the fake received and how it answered.

use descope_spec::Operation;
use http::HeaderMap;
use serde_json::{json, Map, Value};

/// One request the fake received, with the answer it gave.
#[derive(Clone, Debug)]
pub struct ReceivedRequest {
    /// The method, upper case.
    pub method: String,
    /// The path, with the query string if there was one.
    pub path: String,
    /// The headers as sent.
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: Vec<u8>,
    /// The operation the path and method name, if any.
    pub endpoint: Option<Operation>,
    /// The status the fake answered with.
    pub status: u16,
    /// The JSON body the fake answered with.
    pub response: Value,
}

impl ReceivedRequest {
    /// The value of header `name` (any case), if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The request as JSON, for the control API and for printing:
    /// `{method, path, headers, body, endpoint, status, response}`. A body
    /// that is not JSON is given as text.
    pub fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), Value::String(text))
            })
            .collect();
        let body = self
            .json()
            .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&self.body).into_owned()));
        json!({
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": body,
            "endpoint": self.endpoint.map(Operation::id),
            "status": self.status,
            "response": self.response,
        })
    }
}
