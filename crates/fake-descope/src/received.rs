//! The log of what the fake received and how it answered, bounded: a fake
//! that serves a long test run or a load run keeps the newest requests only.

use descope_spec::Operation;
use http::HeaderMap;
use serde_json::{json, Map, Value};

use crate::bounded::BoundedLog;

/// One request the fake received, with the answer it gave.
#[derive(Clone, Debug)]
pub struct ReceivedRequest {
    /// Its place in arrival order: 1 for the fake's first request, then 2,
    /// 3, ... (dropped requests keep their numbers used).
    pub seq: u64,
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
    /// `{seq, method, path, headers, body, endpoint, status, response}`. A body
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
            "seq": self.seq,
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

/// How many requests the log keeps unless told otherwise.
pub const DEFAULT_MAX_RECEIVED: usize = 10_000;

/// The received requests, oldest first, at most `limit` of them, numbered.
#[derive(Debug)]
pub(crate) struct RequestLog {
    log: BoundedLog<ReceivedRequest>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog::new(DEFAULT_MAX_RECEIVED)
    }
}

impl RequestLog {
    pub(crate) fn new(limit: usize) -> Self {
        RequestLog {
            log: BoundedLog::new(limit),
        }
    }

    /// Logs `request`, numbering it.
    pub(crate) fn push(&mut self, request: ReceivedRequest) {
        self.log
            .push_numbered(|seq| ReceivedRequest { seq, ..request });
    }

    /// The kept requests, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &ReceivedRequest> {
        self.log.iter()
    }

    /// How many requests were dropped to keep within the limit.
    pub(crate) fn dropped(&self) -> u64 {
        self.log.dropped()
    }

    /// Forgets the kept requests (not counted as dropped).
    pub(crate) fn clear(&mut self) {
        self.log.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use serde_json::Value;

    fn request() -> ReceivedRequest {
        ReceivedRequest {
            seq: 0,
            method: "GET".into(),
            path: "/".into(),
            headers: HeaderMap::new(),
            body: Vec::new(),
            endpoint: None,
            status: 200,
            response: Value::Null,
        }
    }

    #[test]
    fn requests_are_numbered_past_what_was_dropped() {
        let mut log = RequestLog::new(3);
        for _ in 0..5 {
            log.push(request());
        }
        let seqs: Vec<u64> = log.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(log.dropped(), 2);
        log.clear();
        log.push(request());
        assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), [6]);
    }
}
