//! A loopback HTTP/1.1 server that answers both operations with fixed, valid
//! bodies, on a runtime of its own so that its work never queues behind the
//! clients' tasks.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use descope_spec::Operation;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

/// Path of the update-phone operation.
pub const UPDATE_PHONE_PATH: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
/// Path of the embedded-link operation.
pub const EMBEDDED_LINK_PATH: &str = Operation::EmbeddedLinkSignin.path();

const UPDATE_PHONE_ANSWER: &[u8] = br#"{"maskedPhone":"+1******0123"}"#;
const EMBEDDED_LINK_ANSWER: &[u8] =
    br#"{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMmFBYzRUMlY5M2JkZGloIn0.dG9rZW4tc2lnbmF0dXJl"}"#;

/// The running server; it stops when dropped.
pub struct LoopbackServer {
    addr: SocketAddr,
    answered: Arc<AtomicU64>,
    // Kept for its threads; dropping it stops the server.
    _runtime: Runtime,
}

impl LoopbackServer {
    /// Binds an ephemeral port on 127.0.0.1 and starts serving.
    pub fn start() -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .map_err(|e| format!("server runtime: {e}"))?;
        let listener = runtime
            .block_on(TcpListener::bind(("127.0.0.1", 0)))
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let answered = Arc::new(AtomicU64::new(0));
        runtime.spawn(accept(listener, answered.clone()));
        Ok(Self {
            addr,
            answered,
            _runtime: runtime,
        })
    }

    /// `http://127.0.0.1:<port>`, as the clients take it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests got a 200 so far.
    pub fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }
}

async fn accept(listener: TcpListener, answered: Arc<AtomicU64>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Small request/response pairs: never wait for Nagle.
        let _ = stream.set_nodelay(true);
        let answered = answered.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, answered.clone()));
            // A client closing its pooled connection ends this task; nothing to report.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    answered: Arc<AtomicU64>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = match (request.method(), request.uri().path()) {
        (&Method::POST, UPDATE_PHONE_PATH) => Some(UPDATE_PHONE_ANSWER),
        (&Method::POST, EMBEDDED_LINK_PATH) => Some(EMBEDDED_LINK_ANSWER),
        _ => None,
    };
    // Read the request to its end so that the connection can carry the next one.
    let _ = request.into_body().collect().await;
    let mut response = match body {
        Some(body) => {
            answered.fetch_add(1, Ordering::Relaxed);
            Response::new(Full::new(Bytes::from_static(body)))
        }
        None => {
            let mut response = Response::new(Full::new(Bytes::from_static(
                br#"{"errorCode":"E011001","errorDescription":"no such route"}"#,
            )));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}
