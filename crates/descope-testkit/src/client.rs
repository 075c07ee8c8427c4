//! Clients of the test project, and the operations the tests call on them
//! ([`Op`], every one of the spec's: see [`crate::ops`]), with one copy of
//! the fixed inputs they send.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, Error, RefreshJwt, RetryPolicy};

use crate::credentials::{MANAGEMENT_KEY, PROJECT, REFRESH_JWT};
use crate::sleep::RecordedSleeps;

pub use crate::ops::{Op, Output, OPS};

/// The phone number the operations send: valid, and not the user's, so
/// that an update changes something.
pub const NEW_PHONE: &str = "+12025550123";

/// No call of the fault tests may take longer than this, whatever the
/// server does.
pub const BOUND: Duration = Duration::from_secs(20);

/// The rate-limit tier [`builder`]'s clients know from the start.
pub const KNOWN_TIER: &str = "tier2";

/// A builder for a client of `base_url` with the project and its
/// management key. Its sleeps return at once (a test that counts them sets
/// its own), so a retried call does not wait, and its waits are the
/// policy's without jitter, so that a test can name them (jitter has tests
/// of its own). It knows its rate-limit tier
/// ([`KNOWN_TIER`]), so that its management calls make no license
/// handshake: the servers of the fault tests see the calls they test alone
/// (the handshake has tests of its own).
pub fn builder(base_url: impl Into<String>) -> DescopeClientBuilder {
    builder_without_tier(base_url).rate_limit_tier(KNOWN_TIER)
}

/// A builder like [`builder`]'s whose client knows no tier yet, as a
/// service's does at start-up: its first management call makes the
/// license handshake.
pub fn builder_without_tier(base_url: impl Into<String>) -> DescopeClientBuilder {
    DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(base_url)
        .retry_policy(RetryPolicy::default().with_jitter(false))
        .sleep(Arc::new(RecordedSleeps::default()))
}

/// A port on loopback with nothing listening.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The base URL of a loopback port nobody listens on.
pub fn closed_port_url() -> String {
    format!("http://127.0.0.1:{}", closed_port())
}

/// The user's refresh JWT, parsed.
pub fn refresh_jwt() -> RefreshJwt {
    RefreshJwt::new(REFRESH_JWT).unwrap()
}

/// The `Authorization` value of a call made with the user's refresh JWT.
pub fn user_authorization() -> String {
    format!("Bearer {PROJECT}:{REFRESH_JWT}")
}

/// The `Authorization` value of a call made with the management key.
pub fn management_authorization() -> String {
    format!("Bearer {PROJECT}:{MANAGEMENT_KEY}")
}

/// Calls `op` for the user. A call that outlives [`BOUND`] fails the test
/// instead of hanging it.
pub async fn call(client: &DescopeClient, op: impl Into<Op>) -> Result<Output, Error> {
    let op = op.into();
    tokio::time::timeout(BOUND, op.send(client))
        .await
        .unwrap_or_else(|_| panic!("{op:?} did not end within {BOUND:?}"))
}

/// Calls every operation ([`OPS`]) at once, each on its own task, so that
/// what each waits out (a timeout, a deadline, a retry's real wait) runs
/// side by side; their outcomes in [`OPS`]' order.
pub async fn call_all_at_once(client: &DescopeClient) -> Vec<(Op, Result<Output, Error>)> {
    let calls = OPS.map(|op| {
        let client = client.clone();
        tokio::spawn(async move { call(&client, op).await })
    });
    let mut outcomes = Vec::with_capacity(OPS.len());
    for (op, call) in OPS.into_iter().zip(calls) {
        outcomes.push((op, call.await.unwrap()));
    }
    outcomes
}
