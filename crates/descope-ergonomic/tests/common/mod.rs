//! Shared fixtures: a loopback mock server, clients pointed at it, and sleeps
//! that record instead of waiting.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, RefreshJwt, Sleep, SleepFuture};
use httpmock::MockServer;
use tokio::sync::{mpsc, oneshot};

pub const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
pub const MANAGEMENT_KEY: &str = "K2mgmt-key-SECRET-value";
pub const AUTH_MANAGEMENT_KEY: &str = "AMK-auth-mgmt-SECRET";
pub const REFRESH_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJTRUNSRVQifQ.c2lnU0VDUkVU";
pub const UPDATE_PHONE: &str = "/v1/auth/magiclink/update/phone/sms";
pub const EMBEDDED_LINK: &str = "/v1/mgmt/user/signin/embeddedlink";

/// Sleeps that return at once and remember what they were asked.
#[derive(Debug, Default)]
pub struct RecordedSleeps(Mutex<Vec<Duration>>);

impl RecordedSleeps {
    pub fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleep for RecordedSleeps {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

/// Sleeps that hand control to the test between attempts, so it can change
/// what the server answers next; the test releases the retry with `go`.
#[derive(Debug)]
pub struct SteppedSleeps(mpsc::UnboundedSender<(Duration, oneshot::Sender<()>)>);

impl SteppedSleeps {
    pub fn new() -> (
        Arc<Self>,
        mpsc::UnboundedReceiver<(Duration, oneshot::Sender<()>)>,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Arc::new(Self(tx)), rx)
    }
}

impl Sleep for SteppedSleeps {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        let (go, wait) = oneshot::channel();
        let _ = self.0.send((duration, go));
        Box::pin(async move {
            let _ = wait.await;
        })
    }
}

/// A builder for a client of `server` with both keys and recorded sleeps.
pub fn builder(server: &MockServer, sleeps: Arc<RecordedSleeps>) -> DescopeClientBuilder {
    DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(server.base_url())
        .sleep(sleeps)
}

pub fn client(server: &MockServer) -> DescopeClient {
    builder(server, Arc::default()).build().unwrap()
}

pub fn jwt() -> RefreshJwt {
    RefreshJwt::new(REFRESH_JWT).unwrap()
}

pub fn user_authorization() -> String {
    format!("Bearer {PROJECT}:{REFRESH_JWT}")
}

pub fn management_authorization() -> String {
    format!("Bearer {PROJECT}:{MANAGEMENT_KEY}")
}
