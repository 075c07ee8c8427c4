//! A fault-injecting HTTP/1.1 server on 127.0.0.1 for the hardening tests.
//!
//! It is a raw `TcpListener` that reads requests itself and answers with
//! whatever bytes a test scripts, so that every fault is under the test's
//! control: bodies that are not JSON, heads that never end, connections
//! reset before or after the head, bodies streamed lazily (and counted) to
//! prove the client stops reading, servers that never answer.
//!
//! Each request is handed to the test's responder, which returns the
//! [`Step`]s to play on the connection. When the steps end without closing
//! it, the connection stays open for the next request (keep-alive).
//!
//! The benchmark serves from it too ([`Detached`], on a runtime of its own):
//! canned answers are one more script.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_spec::recorded::path_matches;
use descope_spec::Operation;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::ops::{any_success_body, Op};

/// The most request-head bytes the server accepts before it gives up.
const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// One request as the server read it.
#[derive(Clone)]
pub struct Request {
    /// 0 for the first request the server saw, then 1, 2, ...
    pub index: usize,
    /// Which accepted connection it came on (0, 1, ...).
    pub connection: usize,
    /// The method, as sent.
    pub method: String,
    /// The request target, as sent (a path and query).
    pub path: String,
    /// Header names lowercased, values as sent.
    pub headers: Vec<(String, String)>,
    /// The body (as long as its `Content-Length` said).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request body as JSON (every request of this client is JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The operation of the spec whose method and path the request has.
    pub fn operation(&self) -> Option<Operation> {
        let path = self.path.split('?').next().unwrap_or_default();
        Operation::ALL
            .into_iter()
            .find(|op| op.method() == self.method && path_matches(op.path(), path))
    }

    /// The `loginId` the client sent.
    pub fn login_id(&self) -> String {
        self.json()["loginId"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {} {}", self.index, self.method, self.path)
    }
}

/// What the server does next on a connection.
pub enum Step {
    /// Writes these bytes.
    Write(Vec<u8>),
    /// Waits (a real wait: only for faults the client must not wait out).
    Pause(Duration),
    /// Never goes on: holds the connection open, reading and discarding,
    /// until the client closes it (then records that it did).
    Hang,
    /// Writes filler bytes lazily (see [`Stream`]).
    Stream(Arc<Stream>),
    /// Closes the connection with a TCP reset (`SO_LINGER` 0).
    Reset,
    /// Closes the connection gracefully (FIN).
    Close,
}

/// A lazily written body of `total` filler bytes, optionally in chunked
/// framing, that records how much the client's kernel accepted. It can stop
/// at a gate after `gate_at` bytes until the test opens it, which proves the
/// client decided on what it had read by then.
pub struct Stream {
    total: u64,
    filler: u8,
    chunked: bool,
    gate_at: Option<u64>,
    gate: Notify,
    gate_open: AtomicBool,
    written: AtomicU64,
    end: Mutex<Option<StreamEnd>>,
    ended: Notify,
}

/// How a [`Stream`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEnd {
    /// Every byte was accepted.
    Completed,
    /// A write failed: the client closed or reset the connection.
    ClientHungUp,
}

impl Stream {
    /// `total` bytes of `filler`, framed by the head's `Content-Length` (or
    /// by closing).
    pub fn new(total: u64, filler: u8) -> Arc<Self> {
        Self::build(total, filler, false, None)
    }

    /// Chunked framing: `Transfer-Encoding: chunked` must be in the head.
    pub fn chunked(total: u64, filler: u8) -> Arc<Self> {
        Self::build(total, filler, true, None)
    }

    /// Writes `gate_at` bytes, then waits for [`open_gate`](Self::open_gate).
    pub fn gated(total: u64, filler: u8, gate_at: u64) -> Arc<Self> {
        Self::build(total, filler, false, Some(gate_at))
    }

    fn build(total: u64, filler: u8, chunked: bool, gate_at: Option<u64>) -> Arc<Self> {
        Arc::new(Self {
            total,
            filler,
            chunked,
            gate_at,
            gate: Notify::new(),
            gate_open: AtomicBool::new(false),
            written: AtomicU64::new(0),
            end: Mutex::new(None),
            ended: Notify::new(),
        })
    }

    /// Body bytes the client's side accepted so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }

    /// Lets a [`gated`](Self::gated) stream go on.
    pub fn open_gate(&self) {
        self.gate_open.store(true, Ordering::SeqCst);
        self.gate.notify_one();
    }

    /// How the stream ended, if it did.
    pub fn end(&self) -> Option<StreamEnd> {
        *self.end.lock().unwrap()
    }

    /// Waits at most `limit` for the stream to end.
    pub async fn wait_end(&self, limit: Duration) -> Option<StreamEnd> {
        let _ = tokio::time::timeout(limit, async {
            loop {
                let notified = self.ended.notified();
                if self.end().is_some() {
                    return;
                }
                notified.await;
            }
        })
        .await;
        self.end()
    }

    fn finish(&self, end: StreamEnd) {
        *self.end.lock().unwrap() = Some(end);
        self.ended.notify_waiters();
    }

    async fn play(&self, stream: &mut TcpStream) -> bool {
        const CHUNK: usize = 64 * 1024;
        let block = vec![self.filler; CHUNK];
        let mut sent = 0u64;
        while sent < self.total {
            if let Some(gate_at) = self.gate_at {
                if sent >= gate_at {
                    while !self.gate_open.load(Ordering::SeqCst) {
                        let notified = self.gate.notified();
                        if self.gate_open.load(Ordering::SeqCst) {
                            break;
                        }
                        notified.await;
                    }
                }
            }
            let mut len = (self.total - sent).min(CHUNK as u64) as usize;
            if let Some(gate_at) = self.gate_at.filter(|g| sent < *g) {
                len = len.min((gate_at - sent) as usize);
            }
            let ok = if self.chunked {
                let mut frame = format!("{len:x}\r\n").into_bytes();
                frame.extend_from_slice(&block[..len]);
                frame.extend_from_slice(b"\r\n");
                stream.write_all(&frame).await.is_ok()
            } else {
                stream.write_all(&block[..len]).await.is_ok()
            };
            if !ok {
                self.finish(StreamEnd::ClientHungUp);
                return false;
            }
            sent += len as u64;
            self.written.store(sent, Ordering::SeqCst);
        }
        if self.chunked && stream.write_all(b"0\r\n\r\n").await.is_err() {
            self.finish(StreamEnd::ClientHungUp);
            return false;
        }
        self.finish(StreamEnd::Completed);
        true
    }
}

type Responder = dyn Fn(&Request) -> Vec<Step> + Send + Sync;

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Request>>,
    request_count: AtomicUsize,
    keep_requests: AtomicBool,
    accepted: AtomicUsize,
    open: AtomicUsize,
    hung_up: AtomicUsize,
    hung_up_notify: Notify,
}

/// The server: bound to 127.0.0.1 on a free port until dropped.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

/// Settings for [`FaultServer::start_with`].
#[derive(Clone, Copy)]
pub struct Options {
    /// `SO_SNDBUF` of accepted connections, to keep the kernel from
    /// buffering much of a streamed body.
    pub send_buffer: Option<u32>,
    /// Keep every request (off for load tests: only count them).
    pub keep_requests: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            send_buffer: None,
            keep_requests: true,
        }
    }
}

impl FaultServer {
    /// Starts a server that plays what `responder` returns for each request.
    pub async fn start(responder: impl Fn(&Request) -> Vec<Step> + Send + Sync + 'static) -> Self {
        Self::start_with(Options::default(), responder).await
    }

    /// [`start`](Self::start) with `options`.
    pub async fn start_with(
        options: Options,
        responder: impl Fn(&Request) -> Vec<Step> + Send + Sync + 'static,
    ) -> Self {
        let socket = TcpSocket::new_v4().unwrap();
        if let Some(size) = options.send_buffer {
            // Accepted sockets inherit the listener's buffer size.
            socket.set_send_buffer_size(size).unwrap();
        }
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(1024).unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        state
            .keep_requests
            .store(options.keep_requests, Ordering::SeqCst);
        let responder: Arc<Responder> = Arc::new(responder);
        let accept_state = state.clone();
        let stop = Arc::new(Notify::new());
        let stop_signal = stop.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    _ = stop_signal.notified() => {
                        connections.shutdown().await;
                        return;
                    }
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let id = accept_state.accepted.fetch_add(1, Ordering::SeqCst);
                        accept_state.open.fetch_add(1, Ordering::SeqCst);
                        let state = accept_state.clone();
                        let responder = responder.clone();
                        connections.spawn(async move {
                            serve(stream, id, &state, &*responder).await;
                            state.open.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Self {
            addr,
            state,
            stop,
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests read so far.
    pub fn request_count(&self) -> usize {
        self.state.request_count.load(Ordering::SeqCst)
    }

    /// The requests read so far (when kept).
    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The requests of `op` read so far (when kept).
    pub fn requests_for(&self, op: impl Into<Operation>) -> Vec<Request> {
        let op = Some(op.into());
        let mut requests = self.requests();
        requests.retain(|request| request.operation() == op);
        requests
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    /// Connections still open on the server's side.
    pub fn open_connections(&self) -> usize {
        self.state.open.load(Ordering::SeqCst)
    }

    /// How many [`Step::Hang`]s ended because the client closed the connection.
    pub fn hang_ups(&self) -> usize {
        self.state.hung_up.load(Ordering::SeqCst)
    }

    /// Waits at most `limit` until `count` hangs ended with the client closing.
    pub async fn wait_hang_ups(&self, count: usize, limit: Duration) -> usize {
        let _ = tokio::time::timeout(limit, async {
            loop {
                let notified = self.state.hung_up_notify.notified();
                if self.hang_ups() >= count {
                    return;
                }
                notified.await;
            }
        })
        .await;
        self.hang_ups()
    }

    /// Stops accepting and closes every connection; returns when they are
    /// all gone.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            self.stop.notify_one();
            let _ = task.await;
        }
    }
}

/// A [`FaultServer`] on a tokio runtime of its own with one worker thread:
/// for callers without a runtime, and for the benchmark, whose clients' tasks
/// must not queue the server's work behind them. Stops when dropped.
pub struct Detached {
    // Dropped first: aborts the server's task while its runtime still runs.
    server: FaultServer,
    _runtime: tokio::runtime::Runtime,
}

impl Detached {
    /// Starts a server with `options` that plays what `responder` returns.
    pub fn start(
        options: Options,
        responder: impl Fn(&Request) -> Vec<Step> + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("loopback-server")
            .enable_all()
            .build()?;
        // Spawned from within the runtime, the server's tasks run on it.
        let server = runtime.block_on(FaultServer::start_with(options, responder));
        Ok(Self {
            server,
            _runtime: runtime,
        })
    }
}

impl std::ops::Deref for Detached {
    type Target = FaultServer;

    fn deref(&self) -> &FaultServer {
        &self.server
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn serve(mut stream: TcpStream, connection: usize, state: &State, responder: &Responder) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    loop {
        let Some(mut request) = read_request(&mut stream, &mut buffer, connection).await else {
            return;
        };
        request.index = state.request_count.fetch_add(1, Ordering::SeqCst);
        let steps = responder(&request);
        if state.keep_requests.load(Ordering::SeqCst) {
            state.requests.lock().unwrap().push(request);
        }
        for step in steps {
            match step {
                Step::Write(bytes) => {
                    if stream.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Step::Pause(duration) => tokio::time::sleep(duration).await,
                Step::Hang => {
                    let mut sink = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut sink).await {
                        if n == 0 {
                            break;
                        }
                    }
                    state.hung_up.fetch_add(1, Ordering::SeqCst);
                    state.hung_up_notify.notify_waiters();
                    return;
                }
                Step::Stream(body) => {
                    if !body.play(&mut stream).await {
                        return;
                    }
                }
                Step::Reset => {
                    let _ = stream.set_zero_linger();
                    drop(stream);
                    return;
                }
                Step::Close => {
                    let _ = stream.shutdown().await;
                    return;
                }
            }
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` at EOF or on
/// anything unreadable.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<Request> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_REQUEST_HEAD {
            return None;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Request {
        index: 0,
        connection,
        method,
        path,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete response: status line, the given headers, a `Content-Length`
/// (unless the headers frame the body themselves), and the body.
pub fn response(status: &str, headers: &[(&str, &str)], body: impl AsRef<[u8]>) -> Vec<u8> {
    let body = body.as_ref();
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    let framed = headers.iter().any(|(n, _)| {
        n.eq_ignore_ascii_case("content-length") || n.eq_ignore_ascii_case("transfer-encoding")
    });
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if !framed {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// A JSON response with `status` (such as `"200 OK"`).
pub fn json(status: &str, body: impl AsRef<[u8]>) -> Vec<u8> {
    response(status, &[("content-type", "application/json")], body)
}

/// Steps that write `bytes` and keep the connection.
pub fn write(bytes: Vec<u8>) -> Vec<Step> {
    vec![Step::Write(bytes)]
}

/// A server that answers the license handshake (`GetLicense`) as
/// `handshake` says and every operation with its success.
pub async fn licensing(handshake: impl Fn() -> Vec<Step> + Send + Sync + 'static) -> FaultServer {
    FaultServer::start(move |request| {
        if is_handshake(request) {
            handshake()
        } else {
            write(success_for(request))
        }
    })
    .await
}

/// Whether `request` is a license handshake.
pub fn is_handshake(request: &Request) -> bool {
    request.operation().is_some_and(|op| Op(op).is_handshake())
}

/// The handshake's answer: `tier`.
pub fn tier_answer(tier: &str) -> Vec<Step> {
    use descope_spec::fields::get_license::response::RATE_LIMIT_TIER;
    write(json(
        "200 OK",
        serde_json::json!({ RATE_LIMIT_TIER: tier }).to_string(),
    ))
}

/// A success for `request`: its operation's ([`Op::success_body`]), or, for
/// a path of none (where a redirect points), one every operation decodes.
pub fn success_for(request: &Request) -> Vec<u8> {
    let body = match request.operation() {
        Some(op) => Op(op).success_text(),
        None => any_success_body().to_string(),
    };
    json("200 OK", body)
}

/// Open file descriptors of this process (Linux).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|dir| dir.count())
        .unwrap_or(0)
}
