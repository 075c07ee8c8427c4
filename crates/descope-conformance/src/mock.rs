//! An in-process server that plays the recorded responses in order and keeps
//! every request that reaches it.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, MockServer};

use descope_spec::fields::get_license as license_fields;
use descope_spec::recorded::RecordedResponse;
use descope_spec::Operation;

/// What the server sends once the recorded responses are used up: a status
/// no recording uses, with a body saying why, so that an extra request is
/// easy to tell apart in a client's outcome too (the request count is what
/// reports it).
const EXHAUSTED_STATUS: u16 = 599;

/// The tier the server answers license handshakes with; the recordings of
/// management calls expect it back in `x-descope-license`.
pub const HANDSHAKE_TIER: &str = "tier3";

/// A request as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrivedRequest {
    /// The method, upper case.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// The headers, names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl ArrivedRequest {
    /// The values of header `name` (lower case).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn from_mock(request: &HttpMockRequest) -> Self {
        let uri = request.uri();
        ArrivedRequest {
            method: request.method_str().to_ascii_uppercase(),
            path: uri
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| uri.path().to_string()),
            headers: request
                .headers_vec()
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            body: request.body_vec(),
        }
    }
}

/// A mock server answering request N with recorded response N.
pub struct ScriptedServer {
    server: MockServer,
    arrived: Arc<Mutex<Vec<ArrivedRequest>>>,
    handshakes: Arc<Mutex<Vec<ArrivedRequest>>>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 that plays `responses`. With
    /// `handshakes`, license handshakes (`GetLicense`) are answered apart
    /// with [`HANDSHAKE_TIER`], kept apart too, and use no recorded
    /// response: the exchange is about the call the handshake comes before.
    pub async fn start(responses: &[RecordedResponse], handshakes: bool) -> ScriptedServer {
        let server = MockServer::start_async().await;
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let handshake_log = Arc::new(Mutex::new(Vec::new()));
        if handshakes {
            // Created first, so it is the first mock asked.
            server
                .mock_async(|when, then| {
                    when.is_true(capture_handshake(&handshake_log));
                    then.status(200)
                        .header("content-type", "application/json")
                        .json_body(serde_json::json!({
                            license_fields::response::RATE_LIMIT_TIER: HANDSHAKE_TIER,
                        }));
                })
                .await;
        }
        // httpmock serves a request with the first mock, in creation order,
        // that matches and is not used up. Every mock here matches anything
        // and the recorded ones serve once each, so they answer in order; the
        // matcher runs once per request (on the mock that will serve it),
        // which makes it the place to capture the request.
        for response in responses {
            let mock = server
                .mock_async(|when, then| {
                    when.is_true(capture(&arrived));
                    let mut then = then.status(response.status);
                    for (name, value) in response.wire_headers() {
                        then = then.header(name, value);
                    }
                    then.body(response.body_bytes());
                })
                .await;
            mock.up_to_n_times_async(1).await;
        }
        server
            .mock_async(|when, then| {
                when.is_true(capture(&arrived));
                then.status(EXHAUSTED_STATUS)
                    .header("content-type", "text/plain")
                    .body("descope-conformance: no recorded response left for this request");
            })
            .await;
        ScriptedServer {
            server,
            arrived,
            handshakes: handshake_log,
        }
    }

    /// The base URL clients are pointed at.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The requests that arrived so far, in order (handshakes apart).
    pub fn arrived(&self) -> Vec<ArrivedRequest> {
        self.arrived
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The license handshakes that arrived so far, when they are answered apart.
    pub fn handshakes(&self) -> Vec<ArrivedRequest> {
        self.handshakes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Matches (and keeps) the requests of a license handshake only.
fn capture_handshake(
    handshakes: &Arc<Mutex<Vec<ArrivedRequest>>>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let handshakes = Arc::clone(handshakes);
    move |request| {
        let is_handshake = request
            .method_str()
            .eq_ignore_ascii_case(Operation::GetLicense.method())
            && request.uri().path() == Operation::GetLicense.path();
        if is_handshake {
            handshakes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(ArrivedRequest::from_mock(request));
        }
        is_handshake
    }
}

fn capture(
    arrived: &Arc<Mutex<Vec<ArrivedRequest>>>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let arrived = Arc::clone(arrived);
    move |request| {
        arrived
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(ArrivedRequest::from_mock(request));
        true
    }
}
