//! The loopback server the clients are measured against: the test kit's
//! fault server (on a runtime of its own, so that its work never queues
//! behind the clients' tasks), scripted to answer the update-phone and embedded-link calls with fixed,
//! valid bodies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use descope_spec::Operation;
use descope_testkit::fault_server::{json, Detached, Options, Request, Step};

/// Path of the update-phone operation.
pub const UPDATE_PHONE_PATH: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
/// Path of the embedded-link operation.
pub const EMBEDDED_LINK_PATH: &str = Operation::EmbeddedLinkSignin.path();

const UPDATE_PHONE_ANSWER: &str = r#"{"maskedPhone":"+1******0123"}"#;
const EMBEDDED_LINK_ANSWER: &str =
    r#"{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMmFBYzRUMlY5M2JkZGloIn0.dG9rZW4tc2lnbmF0dXJl"}"#;

/// The running server; it stops when dropped.
pub struct LoopbackServer {
    server: Detached,
    answered: Arc<AtomicU64>,
}

impl LoopbackServer {
    /// Binds an ephemeral port on 127.0.0.1 and starts serving.
    pub fn start() -> Result<Self, String> {
        let answers = [
            (UPDATE_PHONE_PATH, json("200 OK", UPDATE_PHONE_ANSWER)),
            (EMBEDDED_LINK_PATH, json("200 OK", EMBEDDED_LINK_ANSWER)),
        ];
        let unknown = json(
            "404 Not Found",
            r#"{"errorCode":"E011001","errorDescription":"no such route"}"#,
        );
        let answered = Arc::new(AtomicU64::new(0));
        let counter = answered.clone();
        let responder = move |request: &Request| {
            let known = answers
                .iter()
                .find(|(path, _)| request.method == "POST" && request.path == *path);
            let bytes = match known {
                Some((_, answer)) => {
                    counter.fetch_add(1, Ordering::Relaxed);
                    answer.clone()
                }
                None => unknown.clone(),
            };
            vec![Step::Write(bytes)]
        };
        // Requests are counted, not kept: a run makes millions.
        let options = Options {
            keep_requests: false,
            ..Options::default()
        };
        let server = Detached::start(options, responder)
            .map_err(|e| format!("cannot serve on loopback: {e}"))?;
        Ok(Self { server, answered })
    }

    /// `http://127.0.0.1:<port>`, as the clients take it.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// How many requests got a 200 so far.
    pub fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }
}
