//! The running fake: a loopback listener, one task per connection, and the
//! handle tests hold.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use descope_spec::recorded::{Exchange, Recordings};
use descope_spec::{Operation, Spec};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::flow::SentMessage;
use crate::keys::Signing;
use crate::minting::SessionFor;
use crate::received::ReceivedRequest;
use crate::recorded::{prepare_recorded, recorded_projects, recorded_replies};
use crate::registry::{Project, User};
use crate::reply::Reply;
use crate::service::{Service, Settings, Setup, State, DEFAULT_MAX_REQUEST_BYTES};

/// How long [`FakeDescope::shutdown`] lets open connections finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A fake Descope API on a loopback port, serving the spec's operations
/// (the license handshake among them) until it is dropped.
///
/// ```no_run
/// use fake_descope::{FakeDescope, Project};
///
/// # async fn example() {
/// let fake = FakeDescope::builder()
///     .project(Project::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").management_key("K-test"))
///     .user("ada@example.com")
///     .start()
///     .await;
/// let base_url = fake.base_url(); // http://127.0.0.1:<port>
/// # let _ = base_url;
/// # }
/// ```
pub struct FakeDescope {
    service: Arc<Service>,
    addr: SocketAddr,
    base_url: String,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

/// Settings of a fake before it starts; see [`FakeDescope::builder`].
#[derive(Debug, Default)]
pub struct FakeDescopeBuilder {
    port: u16,
    projects: Vec<Project>,
    users: Vec<User>,
    rate_limit_tier: Option<String>,
    permissive: bool,
    log: bool,
    spec: Option<Spec>,
    scripts: Vec<Reply>,
    max_request_bytes: Option<usize>,
    setup: Setup,
    recorded: Vec<Exchange>,
}

impl FakeDescopeBuilder {
    /// Listens on this port of 127.0.0.1; by default the system picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Registers a project and its credentials.
    pub fn project(mut self, project: Project) -> Self {
        self.projects.push(project);
        self
    }

    /// Registers a user, by login id or as a [`User`] with contact details.
    pub fn user(mut self, user: impl Into<User>) -> Self {
        self.users.push(user.into());
        self
    }

    /// Accepts any project id and any credential of the right shape, and
    /// issues embedded links for unknown login ids. Requests are still
    /// checked against the spec.
    pub fn permissive(mut self, permissive: bool) -> Self {
        self.permissive = permissive;
        self
    }

    /// Queues a reply before the fake starts; see [`FakeDescope::script`].
    pub fn script(mut self, reply: Reply) -> Self {
        if reply.times > 0 {
            self.scripts.push(reply);
        }
        self
    }

    /// Sets the fake up to answer the conformance suite's server mode as
    /// `recordings` say: registers every project, credential and embedded-link
    /// login id they use, and queues, for each exchange the suite sends in
    /// the order it sends them, its recorded error (or, for a success, the
    /// fake's own answer). The fake still checks every request.
    ///
    /// ```no_run
    /// # async fn example() {
    /// use descope_spec::recorded::{Exchange, Recordings};
    /// use fake_descope::FakeDescope;
    ///
    /// let fake = FakeDescope::builder().recorded(&Recordings::embedded()).start().await;
    /// // cargo run -p descope-conformance -- --base-url <fake.base_url()> now passes
    /// # let _ = fake;
    /// # }
    /// ```
    pub fn recorded(mut self, recordings: &Recordings) -> Self {
        self.projects.extend(recorded_projects(recordings));
        self.recorded.extend(recordings.exchanges.iter().cloned());
        self.scripts.extend(recorded_replies(recordings));
        self
    }

    /// The `rateLimitTier` the license handshake answers (default `tier1`),
    /// which clients then send back as `x-descope-license`.
    pub fn rate_limit_tier(mut self, tier: impl Into<String>) -> Self {
        self.rate_limit_tier = Some(tier.into());
        self
    }

    /// How sessions are signed: RS256 (the default, as Descope) or ES256.
    pub fn signing(mut self, signing: Signing) -> Self {
        self.setup.signing = signing;
        self
    }

    /// Makes every id, token and key come from `seed`: the same run after
    /// run (with [`clock_at`](Self::clock_at), the same JWTs too).
    pub fn seed(mut self, seed: u64) -> Self {
        self.setup.seed = Some(seed);
        self
    }

    /// Fixes the fake's clock at `at`: it moves only when advanced
    /// ([`FakeDescope::advance_clock`]). By default it is the system's,
    /// plus what tests advanced it by.
    pub fn clock_at(mut self, at: SystemTime) -> Self {
        self.setup.clock_at = Some(at);
        self
    }

    /// How long a session JWT lives (default
    /// [`SESSION_LIFETIME_SECS`](crate::SESSION_LIFETIME_SECS), 10 minutes).
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.setup.lifetimes.session = lifetime.as_secs();
        self
    }

    /// How long a refresh JWT lives (default
    /// [`REFRESH_LIFETIME_SECS`](crate::REFRESH_LIFETIME_SECS), 4 weeks).
    pub fn refresh_lifetime(mut self, lifetime: Duration) -> Self {
        self.setup.lifetimes.refresh = lifetime.as_secs();
        self
    }

    /// How long a rotated-out key stays in the key set, its sessions still
    /// valid (default [`DEFAULT_KEY_GRACE_SECS`](crate::DEFAULT_KEY_GRACE_SECS), an hour).
    pub fn key_grace(mut self, grace: Duration) -> Self {
        self.setup.key_grace = grace.as_secs();
        self
    }

    /// The largest request body read (default
    /// [`DEFAULT_MAX_REQUEST_BYTES`], 1 MiB); a larger one is answered 413
    /// with Descope's error body (`E011001`), unread past the bound.
    pub fn max_request_bytes(mut self, limit: usize) -> Self {
        self.max_request_bytes = Some(limit);
        self
    }

    /// How many received requests the log keeps (default
    /// [`DEFAULT_MAX_RECEIVED`]); past it the oldest are dropped, and
    /// counted ([`FakeDescope::received_dropped`]).
    pub fn max_received(mut self, limit: usize) -> Self {
        self.setup.max_received = limit;
        self
    }

    /// How many of each kind of state the fake keeps (default
    /// [`DEFAULT_MAX_KEPT`]): tokens waiting to be verified, sent messages
    /// and users. Past it the oldest go first, and are counted
    /// ([`FakeDescope::dropped`]); expired tokens go before any live one.
    pub fn max_kept(mut self, limit: usize) -> Self {
        self.setup.kept = limit;
        self
    }

    /// Prints a line per request on stderr (method, path, status, error
    /// code; never the credentials).
    pub fn log_to_stderr(mut self, log: bool) -> Self {
        self.log = log;
        self
    }

    /// Serves against this spec instead of the one built into
    /// `descope-conformance`.
    pub fn spec(mut self, spec: Spec) -> Self {
        self.spec = Some(spec);
        self
    }

    /// Starts the fake.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound (see [`try_start`](Self::try_start)).
    pub async fn start(self) -> FakeDescope {
        self.try_start()
            .await
            .unwrap_or_else(|e| panic!("fake-descope cannot start: {e}"))
    }

    /// Starts the fake, or says why it cannot.
    pub async fn try_start(self) -> io::Result<FakeDescope> {
        let spec = match self.spec {
            Some(spec) => spec,
            None => Spec::embedded().clone(),
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let mut state = State::new(&self.setup);
        for project in self.projects {
            state.registry.add_project(project);
        }
        for user in self.users {
            state.registry.add_user(user);
        }
        if let Some(tier) = self.rate_limit_tier {
            state.registry.set_rate_limit_tier(tier);
        }
        state.scripts = self.scripts.into();
        prepare_recorded(&self.recorded, &mut state);
        let settings = Settings {
            permissive: self.permissive,
            log: self.log,
            max_request_bytes: self.max_request_bytes.unwrap_or(DEFAULT_MAX_REQUEST_BYTES),
        };
        let service = Arc::new(Service::new(spec, state, settings));
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(serve(listener, service.clone(), stopped));
        Ok(FakeDescope {
            service,
            addr,
            base_url: format!("http://{addr}"),
            stop,
            server: Some(server),
        })
    }
}

impl FakeDescope {
    /// Starts a strict fake with no project, user or script: register them
    /// afterwards with [`add_project`](Self::add_project) and
    /// [`add_user`](Self::add_user).
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> FakeDescope {
        FakeDescope::builder().start().await
    }

    /// Settings for a fake.
    pub fn builder() -> FakeDescopeBuilder {
        FakeDescopeBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash: give it to a
    /// client as its base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Now, on the fake's clock.
    pub fn now(&self) -> SystemTime {
        self.service.lock().clock.time()
    }

    /// Moves the fake's clock on by `by` (whole seconds): every expiry it
    /// keeps follows (link tokens, session and refresh JWTs, a rotated key's
    /// grace), so a test reaches one without sleeping. The JWTs it issues
    /// after carry the moved time.
    pub fn advance_clock(&self, by: Duration) {
        self.service.lock().clock.advance(by);
    }

    /// Signs with a new key from now on and answers its `kid`; the key
    /// before stays in the key set, its sessions valid, for the grace period
    /// ([`FakeDescopeBuilder::key_grace`]), and is retired after it.
    pub fn rotate_keys(&self) -> String {
        let mut state = self.service.lock();
        let state = &mut *state;
        let now = state.clock.now();
        state.keys.rotate(&state.ids, now, state.key_grace)
    }

    /// The key set `GET /v2/keys/{projectId}` answers now (`{"keys": [..]}`).
    pub fn jwks(&self) -> serde_json::Value {
        let state = self.service.lock();
        state.keys.jwks(state.clock.now())
    }

    /// A session for `user`, minted without a sign-in: registers the user
    /// (given as a login id or as a [`User`] with its claims) and answers its
    /// JWTs, which the fake then refreshes, logs out and answers `me` for.
    ///
    /// ```no_run
    /// # async fn example() {
    /// use fake_descope::{FakeDescope, Project, User};
    ///
    /// let fake = FakeDescope::builder().project(Project::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z")).start().await;
    /// let admin = User::new("ada@example.com").tenant("T1", ["admin"], ["billing.read"]);
    /// let session = fake.session_for(admin).issue();
    /// let expired = fake.session_for("ada@example.com").expired().issue();
    /// # let _ = (session, expired);
    /// # }
    /// ```
    pub fn session_for(&self, user: impl Into<User>) -> SessionFor<'_> {
        SessionFor::new(&self.service, user.into())
    }

    /// How many sessions are live (signed in, not logged out, within the bound).
    pub fn live_sessions(&self) -> usize {
        self.service.lock().sessions.len()
    }

    /// Whether it accepts unknown projects, credentials and users.
    pub fn is_permissive(&self) -> bool {
        self.service.permissive()
    }

    /// Registers a project and its credentials (added to those of a project
    /// already registered with the same id).
    pub fn add_project(&self, project: Project) {
        self.service.lock().registry.add_project(project);
    }

    /// Registers a user.
    pub fn add_user(&self, user: impl Into<User>) {
        self.service.lock().registry.add_user(user.into());
    }

    /// Answers later license handshakes with `tier`; see
    /// [`FakeDescopeBuilder::rate_limit_tier`].
    pub fn set_rate_limit_tier(&self, tier: impl Into<String>) {
        self.service
            .lock()
            .registry
            .set_rate_limit_tier(tier.into());
    }

    /// Queues a reply for the next valid calls; see [`Reply`].
    pub fn script(&self, reply: Reply) {
        if reply.times > 0 {
            self.service.lock().scripts.push_back(reply);
        }
    }

    /// How many requests the queued replies will still serve.
    pub fn scripted(&self) -> usize {
        self.service.lock().scripts.iter().map(|r| r.times).sum()
    }

    /// The requests received so far and kept (the newest
    /// [`max_received`](FakeDescopeBuilder::max_received)), in order of
    /// arrival, with the answers.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.service.lock().received.iter().cloned().collect()
    }

    /// How many received requests the log dropped to stay within its bound.
    pub fn received_dropped(&self) -> u64 {
        self.service.lock().received.dropped()
    }

    /// The requests received for `operation`.
    pub fn received_for(&self, operation: Operation) -> Vec<ReceivedRequest> {
        self.service
            .lock()
            .received
            .iter()
            .filter(|r| r.endpoint == Some(operation))
            .cloned()
            .collect()
    }

    /// The messages the fake "sent" (the phone update's SMS), oldest first:
    /// each names its recipient, its link and the token in it.
    pub fn messages(&self) -> Vec<SentMessage> {
        self.service.lock().outbox.iter().cloned().collect()
    }

    /// The user with this login id, as the fake keeps them now (after a
    /// sign-up, or a verified phone update).
    pub fn user(&self, login_id: &str) -> Option<User> {
        self.service.lock().registry.user(login_id).cloned()
    }

    /// How many tokens wait to be verified.
    pub fn pending_tokens(&self) -> usize {
        self.service.lock().tokens.len()
    }

    /// What the bounds have dropped so far, of each kind of state.
    pub fn dropped(&self) -> Dropped {
        let state = self.service.lock();
        Dropped {
            received: state.received.dropped(),
            tokens: state.tokens.dropped(),
            messages: state.outbox.dropped(),
            users: state.registry.users_dropped(),
            sessions: state.sessions.dropped(),
        }
    }

    /// Forgets the requests received so far.
    pub fn clear_received(&self) {
        self.service.lock().received.clear();
    }

    /// Stops accepting connections, lets the open ones finish their current
    /// request (for up to five seconds), and returns. Dropping the fake
    /// instead closes everything at once.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for FakeDescope {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every
        // connection task: the port and the sockets are released at once.
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::fmt::Debug for FakeDescope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeDescope")
            .field("base_url", &self.base_url)
            .field("permissive", &self.is_permissive())
            .finish_non_exhaustive()
    }
}

/// What a fake's bounds have dropped, oldest first; see
/// [`FakeDescopeBuilder::max_kept`] and [`FakeDescopeBuilder::max_received`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dropped {
    /// Received requests.
    pub received: u64,
    /// Tokens that were still waiting (expired ones are not counted).
    pub tokens: u64,
    /// Sent messages.
    pub messages: u64,
    /// Users.
    pub users: u64,
    /// Sessions (ended by the bound: their refresh JWTs are refused after).
    pub sessions: u64,
}

/// Accepts connections until told to stop, then lets the open ones end.
async fn serve(listener: TcpListener, service: Arc<Service>, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                // A failed accept (the peer gave up, too many open files) only
                // loses that connection.
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(connection(stream, service.clone(), stopped.clone()));
            }
            // Reap finished connections so the set does not grow forever.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        connections.abort_all();
    }
}

/// Serves one connection (HTTP/1.1, keep-alive) until it closes or the fake
/// stops, in which case the request in progress still gets its answer.
async fn connection(
    stream: tokio::net::TcpStream,
    service: Arc<Service>,
    mut stopped: watch::Receiver<bool>,
) {
    let handler = service_fn(move |request| {
        let service = service.clone();
        async move { Ok::<_, Infallible>(service.handle(request).await) }
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), handler);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
