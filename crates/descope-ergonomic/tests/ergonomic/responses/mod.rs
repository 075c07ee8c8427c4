//! Every response a server can give, from a raw loopback server: each ends
//! in a value or a typed error, never a panic, within a bounded time, and
//! without reading more than the body cap.

mod body_cap;
mod decoding;
mod transport;

use std::time::{Duration, Instant};

use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RetryPolicy, TransportErrorKind,
};
use descope_testkit::client::{self, Op, BOUND};
use descope_testkit::fault_server::{write, FaultServer};

/// The request timeout of the tests that stall.
const TIMEOUT: Duration = Duration::from_secs(1);
const MIB: u64 = 1024 * 1024;

/// A client of `server` that makes one attempt per call, so that each
/// response is seen as it is.
fn builder(server: &FaultServer) -> DescopeClientBuilder {
    client::builder(server.base_url())
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_secs(10))
}

/// Calls `op`, which must also end within [`BOUND`] by the clock.
async fn call(client: &DescopeClient, op: Op) -> Result<String, Error> {
    let started = Instant::now();
    let result = client::call(client, op).await;
    assert!(started.elapsed() < BOUND);
    result
}

/// Every request of a fresh server is answered with `bytes`; returns what
/// `op` ended in.
async fn answer(op: Op, bytes: Vec<u8>) -> Result<String, Error> {
    answer_with(op, bytes, |b| b).await
}

async fn answer_with(
    op: Op,
    bytes: Vec<u8>,
    configure: impl FnOnce(DescopeClientBuilder) -> DescopeClientBuilder,
) -> Result<String, Error> {
    let server = FaultServer::start(move |_| write(bytes.clone())).await;
    let client = configure(builder(&server)).build().unwrap();
    let result = call(&client, op).await;
    assert_eq!(server.request_count(), 1, "{op:?}: exactly one attempt");
    result
}

/// The parts of a `MalformedResponse`, or a panic naming what came instead.
fn malformed(what: &str, result: Result<String, Error>) -> (u16, String, Option<String>) {
    match result {
        Err(Error::MalformedResponse {
            status,
            reason,
            excerpt,
            ..
        }) => (status.as_u16(), reason, excerpt),
        other => panic!("{what}: expected a malformed response, got {other:?}"),
    }
}

/// The kind of a `Transport` error (which has no status), or a panic
/// naming what came instead.
fn transport(what: &str, result: Result<String, Error>) -> (TransportErrorKind, Error) {
    match result {
        Err(error @ Error::Transport { .. }) => {
            let Error::Transport { kind, .. } = &error else {
                unreachable!()
            };
            assert_eq!(error.status(), None, "{what}");
            (*kind, error)
        }
        other => panic!("{what}: expected a transport error, got {other:?}"),
    }
}
