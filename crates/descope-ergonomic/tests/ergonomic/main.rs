//! The integration tests of descope-ergonomic, in one binary: one link for
//! the lot instead of one per file. Shared support (credentials, the fault
//! server, sleeps that do not wait, the fuzz checks) is in descope-testkit;
//! tests that need their process to themselves run again alone in a child
//! process (`descope_testkit::process::alone`).

mod attempt_tracing;
mod caller_client;
mod deadline;
mod examples;
mod fuzz_corpus;
mod license;
mod load;
mod properties;
mod requests;
mod responses;
mod retries;
mod secrets;
mod session;
mod sessions;

use descope_ergonomic::{DescopeClient, Error, Field, Reason, TransportErrorKind};
use descope_testkit::client::{builder, Output};
use descope_testkit::fault_server::response;
use descope_testkit::log::CapturedLog;
use httpmock::MockServer;
use serde_json::json;

/// A client of `server` with the project and its management key.
fn mock_client(server: &MockServer) -> DescopeClient {
    builder(server.base_url()).build().unwrap()
}

/// A mock that answers anything, so that a request that slips through is
/// counted.
async fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"maskedPhone": "+1***", "token": "t"}));
        })
        .await
}

/// The field and reason of the validation error `result` must end in.
fn refused(result: Result<impl std::fmt::Debug, Error>) -> (Field, Reason) {
    let error = result.expect_err("the input must be refused");
    let validation = error
        .validation()
        .unwrap_or_else(|| panic!("expected a validation error, got {error:?}"));
    (validation.field(), validation.reason())
}

/// The kind of a `Transport` error (which has no status), or a panic
/// naming what came instead.
fn transport(what: &str, result: Result<Output, Error>) -> (TransportErrorKind, Error) {
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

/// A `tracing` subscriber of every event up to `level`, and the log it
/// writes, without colours.
fn captured_subscriber(
    level: tracing::Level,
) -> (
    CapturedLog,
    impl tracing::Subscriber + Send + Sync + 'static,
) {
    let captured = CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, subscriber)
}

/// [`captured_subscriber`] as the thread's default until the guard drops.
fn capture_tracing(level: tracing::Level) -> (CapturedLog, tracing::subscriber::DefaultGuard) {
    let (captured, subscriber) = captured_subscriber(level);
    (captured, tracing::subscriber::set_default(subscriber))
}

/// A proxy's rate-limit page: HTML, with `Retry-After: retry_after`.
fn proxy_429_page(retry_after: &str) -> Vec<u8> {
    response(
        "429 Too Many Requests",
        &[("content-type", "text/html"), ("retry-after", retry_after)],
        "<h1>slow down</h1>",
    )
}
