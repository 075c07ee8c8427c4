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

use descope_ergonomic::DescopeClient;
use descope_testkit::client::builder;
use httpmock::MockServer;

/// A client of `server` with the project and its management key.
fn mock_client(server: &MockServer) -> DescopeClient {
    builder(server.base_url()).build().unwrap()
}
