//! Shared fixtures: a loopback mock server, clients pointed at it, and sleeps
//! that record instead of waiting.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RefreshJwt, Sleep, SleepFuture,
};
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

/// A port on loopback with nothing listening.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A client of a loopback port nobody listens on, with recorded sleeps.
pub fn client_of_closed_port(sleeps: Arc<RecordedSleeps>) -> DescopeClient {
    DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .sleep(sleeps)
        .build()
        .unwrap()
}

/// Everything a `tracing` subscriber writes, kept for inspection.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The two operations, for tests that try each fault on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    UpdatePhone,
    EmbeddedLink,
}

/// Both operations.
pub const OPS: [Op; 2] = [Op::UpdatePhone, Op::EmbeddedLink];

/// No call of the fault tests may take longer than this, whatever the server does.
pub const BOUND: Duration = Duration::from_secs(20);

/// Calls `op` with fixed inputs; the success value is the masked phone or
/// the token. A call that outlives [`BOUND`] fails the test instead of hanging it.
pub async fn call(client: &DescopeClient, op: Op) -> Result<String, Error> {
    let call = async {
        match op {
            Op::UpdatePhone => client
                .update_phone_magic_link_sms(jwt(), "ada@example.com", "+12025550123")
                .send()
                .await
                .map(|sent| sent.masked_phone().to_string()),
            Op::EmbeddedLink => client
                .embedded_link("ada@example.com")
                .send()
                .await
                .map(|link| link.token().expose_secret().to_string()),
        }
    };
    tokio::time::timeout(BOUND, call)
        .await
        .unwrap_or_else(|_| panic!("{op:?} did not end within {BOUND:?}"))
}
