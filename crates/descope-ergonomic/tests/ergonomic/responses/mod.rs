//! Every response a server can give, from a raw loopback server, to every
//! operation of the spec: each ends in a value or a typed error, never a
//! panic, within a bounded time, and without reading more than the body cap.

mod body_cap;
mod decoding;
mod transport;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, Error, RetryPolicy};
use descope_testkit::client::{self, Op, Output, BOUND};
use descope_testkit::fault_server::{FaultServer, Options, Step};
use tokio::task::JoinSet;

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
async fn call(client: &DescopeClient, op: Op) -> Result<Output, Error> {
    let started = Instant::now();
    let result = client::call(client, op).await;
    assert!(started.elapsed() < BOUND);
    result
}

/// One server and one client (of [`builder`]) for a test's many cases (a
/// client takes tens of milliseconds to build): the server plays the steps
/// of the case being played for its next request, then closes the
/// connection, so that no case sees another's.
struct Answers {
    server: FaultServer,
    client: DescopeClient,
    next: Arc<Mutex<Option<Vec<Step>>>>,
}

impl Answers {
    async fn start() -> Self {
        Self::start_with(|b| b).await
    }

    async fn start_with(
        configure: impl FnOnce(DescopeClientBuilder) -> DescopeClientBuilder,
    ) -> Self {
        Self::start_with_options(Options::default(), configure).await
    }

    async fn start_with_options(
        options: Options,
        configure: impl FnOnce(DescopeClientBuilder) -> DescopeClientBuilder,
    ) -> Self {
        let next: Arc<Mutex<Option<Vec<Step>>>> = Arc::default();
        let steps = next.clone();
        let server =
            FaultServer::start_with(options, move |_| match steps.lock().unwrap().take() {
                Some(mut steps) => {
                    steps.push(Step::Close);
                    steps
                }
                // A request beyond the case's one: the count below fails it.
                None => vec![Step::Reset],
            })
            .await;
        let client = configure(builder(&server)).build().unwrap();
        Answers {
            server,
            client,
            next,
        }
    }

    /// What `op` ends in when answered with `bytes`, in exactly one attempt.
    async fn play(&self, op: Op, bytes: Vec<u8>) -> Result<Output, Error> {
        self.play_steps(op, vec![Step::Write(bytes)]).await
    }

    /// What `op` ends in when the server plays `steps`, in exactly one
    /// attempt.
    async fn play_steps(&self, op: Op, steps: Vec<Step>) -> Result<Output, Error> {
        *self.next.lock().unwrap() = Some(steps);
        let before = self.server.request_count();
        let result = call(&self.client, op).await;
        assert_eq!(
            self.server.request_count() - before,
            1,
            "{op:?}: exactly one attempt"
        );
        result
    }
}

/// The parts of a `MalformedResponse`, or a panic naming what came instead.
fn malformed(what: &str, result: Result<Output, Error>) -> (u16, String, Option<String>) {
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

/// Waits for every case; a case's panic fails the test with its message.
async fn join_all(mut cases: JoinSet<()>) {
    while let Some(done) = cases.join_next().await {
        if let Err(error) = done {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}
