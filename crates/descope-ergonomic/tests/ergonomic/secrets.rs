//! No secret in any output, through success and every kind of failure of
//! every operation of the spec, against a hostile server that echoes what
//! it received (the credential, the body) everywhere it can (bodies, error
//! fields, and every header: `Content-Type`, `Location`, `Retry-After` and
//! others), plus the client's other credentials and another user's JWT it
//! never should have had. Its successes carry secrets where the spec says
//! an operation's answer holds them (`format: password`: an issued token,
//! a session's JWTs).
//!
//! Captured: all `tracing` output at TRACE from every crate, `log` records of
//! dependencies (through `tracing-log`), each error's `Display`, `Debug`
//! and source chain, each value's, each request's and the client's `Debug`.
//! None may hold the management key, the refresh JWT, the auth management
//! key, the link token a verification sends, a secret the answer issued or
//! the foreign JWT. Header-injection attempts are refused when the client
//! or the input is built, before any I/O.

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use descope_ergonomic::{
    AuthManagementKey, DescopeClient, Error, Field, LoginId, ManagementKey, ProjectId, Reason,
    RefreshJwt, RetryPolicy,
};
use descope_spec::Operation;
use descope_testkit::client::{self, refresh_jwt, Op, OPS};
use descope_testkit::credentials::{
    AUTH_MANAGEMENT_KEY, LINK_TOKEN, MANAGEMENT_KEY, PROJECT, REFRESH_JWT,
};
use descope_testkit::fault_server::{
    json, response, success_for, write, FaultServer, Request, Step,
};
use descope_testkit::log::CapturedLog;
use descope_testkit::process::alone;
use descope_testkit::sleep::RecordedSleeps;
use serde_json::{json as value, Value};

use crate::captured_subscriber;

/// What the hostile server's successes issue, in every field the spec
/// marks secret.
const ISSUED: &str = "ISSUED-TOKEN-SECRET";
/// A JWT of another user, which a confused proxy might echo.
const FOREIGN_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.Zm9yZWlnblNFQ1JFVA";
const SECRETS: [&str; 6] = [
    MANAGEMENT_KEY,
    REFRESH_JWT,
    AUTH_MANAGEMENT_KEY,
    LINK_TOKEN,
    ISSUED,
    FOREIGN_JWT,
];

/// Installs, once, a global TRACE subscriber for every crate and routes
/// `log` records into it.
fn capture() -> &'static CapturedLog {
    static CAPTURED: OnceLock<CapturedLog> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        tracing_log::LogTracer::init().expect("no other logger");
        let (captured, subscriber) = captured_subscriber(tracing::Level::TRACE);
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        captured
    })
}

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        // A case-folded or percent-encoded copy is the secret still.
        for form in [
            secret.to_string(),
            secret.to_ascii_lowercase(),
            secret.to_ascii_uppercase(),
            percent_encoded(secret),
        ] {
            assert!(!text.contains(&form), "{what} leaks {form:?}:\n{text}");
        }
    }
}

/// Every byte but RFC 3986's unreserved ones as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Everything an error can print: Display, Debug, alternate Debug, and each
/// source's Display and Debug.
fn renderings(error: &Error) -> Vec<String> {
    let mut out = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = error.source();
    while let Some(current) = source {
        out.push(current.to_string());
        out.push(format!("{current:?}"));
        source = current.source();
    }
    out
}

/// The faults the hostile server knows, played in turn on each operation.
const FAULTS: [&str; 17] = [
    "ok",
    "headers-echo",
    "json-401-echo",
    "html-502-echo",
    "redirect-echo",
    "429-echo",
    "malformed-200-echo",
    "wrong-content-type",
    "too-large",
    "created-201",
    "deep-json",
    "503-storm-echo",
    "reset",
    "closed-mid-body",
    "hang",
    "garbage",
    "error-200-shape",
];

/// `body` (a JSON object) with `name` set to `value`.
fn with(mut body: Value, name: &str, value: Value) -> Value {
    body[name] = value;
    body
}

fn hostile(op: Op, fault: &str, request: &Request) -> Vec<Step> {
    // What the server received (the credential and the body) echoed back,
    // with the client's credentials that this call did not send (the client
    // knows them all, so each must be scrubbed from any call's output) and
    // a foreign JWT for good measure.
    let auth = request
        .header("authorization")
        .unwrap_or_default()
        .to_string();
    let body = String::from_utf8_lossy(&request.body);
    let others = format!("{PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY} {MANAGEMENT_KEY}");
    // (The second copy is glued to a word, as in `t=` without its `=`.)
    let echo = format!("{auth} {body} {others} {FOREIGN_JWT} t{FOREIGN_JWT}");
    let echo_json = serde_json::to_string(&echo).unwrap();
    // A secret only where the operation's success could carry one (the
    // spec says which): in any 2xx body of it. (Error bodies are shown,
    // scrubbed of the call's credentials and of anything shaped like a JWT.)
    let token = if op.success_carries_secret() {
        ISSUED
    } else {
        "not-a-token"
    };
    let success = op.success_with_secret(token);
    let echoed = with(success.clone(), "echo", value!(echo)).to_string();
    match fault {
        "ok" => write(json("200 OK", success.to_string())),
        "json-401-echo" => write(json(
            "401 Unauthorized",
            format!(
                r#"{{"errorCode":{echo_json},"errorDescription":{echo_json},"errorMessage":{echo_json},"message":{echo_json}}}"#
            ),
        )),
        "html-502-echo" => write(response(
            "502 Bad Gateway",
            &[("content-type", "text/html")],
            format!("<html><pre>{echo}</pre></html>"),
        )),
        "redirect-echo" => write(response(
            "302 Found",
            &[(
                "location",
                &format!("https://login.example.com/?auth={echo}"),
            )],
            echo.clone(),
        )),
        "429-echo" => write(response(
            "429 Too Many Requests",
            &[("content-type", "application/json"), ("retry-after", &echo)],
            format!(r#"{{"errorCode":"E130429","errorMessage":{echo_json}}}"#),
        )),
        // The success, secrets and all, with its first field the spec does
        // not mark secret of the wrong type.
        "malformed-200-echo" => {
            let field = op
                .success_fields()
                .iter()
                .find(|field| !field.secret && field.kind.is_some())
                .expect("a field that is no secret");
            let body = with(echoed.parse().unwrap(), field.name, Op::wrong_value(field));
            write(json("200 OK", body.to_string()))
        }
        // Every header carries the echo, the media type included: a 200 that
        // is not JSON quotes its content type in the error.
        "headers-echo" => write(response(
            "200 OK",
            &[
                (
                    "content-type",
                    &format!("text/{echo} {}; charset={echo}", percent_encoded(&echo)),
                ),
                ("location", &percent_encoded(&echo)),
                ("retry-after", &echo),
                ("www-authenticate", &format!("Bearer error={echo}")),
                ("x-request-id", &echo),
                ("set-cookie", &format!("s={echo}")),
            ],
            echoed,
        )),
        "wrong-content-type" => write(response(
            "200 OK",
            &[("content-type", "text/plain")],
            echoed,
        )),
        "too-large" => write(json(
            "200 OK",
            with(success, "pad", value!("x".repeat(8192))).to_string(),
        )),
        "created-201" => write(json("201 Created", echoed)),
        "deep-json" => write(json(
            "500 Internal Server Error",
            format!(
                r#"{{"errorCode":{echo_json},"x":{}{}}}"#,
                "[".repeat(5000),
                "]".repeat(5000)
            ),
        )),
        "503-storm-echo" => write(json(
            "503 Service Unavailable",
            format!(r#"{{"errorCode":"E000503","errorMessage":{echo_json}}}"#),
        )),
        "reset" => vec![Step::Reset],
        // The body breaks off right after the secret.
        "closed-mid-body" => {
            let text = success.to_string();
            let cut = text
                .find(token)
                .map_or(text.len() / 2, |at| at + token.len());
            vec![
                Step::Write(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        text.len() + 400
                    )
                    .into_bytes(),
                ),
                Step::Write(text.as_bytes()[..cut].to_vec()),
                Step::Close,
            ]
        }
        "hang" => vec![Step::Hang],
        "garbage" => vec![
            Step::Write(format!("HTTP/1.1 {echo}\r\n\r\n").into_bytes()),
            Step::Close,
        ],
        "error-200-shape" => write(json(
            "400 Bad Request",
            with(op.success_with_secret("not-a-token"), "echo", value!(echo)).to_string(),
        )),
        other => panic!("unknown fault {other}"),
    }
}

/// What one operation showed through every fault: (what, text) pairs.
type Shown = Vec<(String, String)>;

/// Plays every fault on `op`, in turn, telling the server which through
/// `faults`; returns what the client showed, how many calls failed and how
/// many issued secrets its success gave back.
async fn every_fault(
    client: DescopeClient,
    op: Op,
    faults: Arc<Mutex<HashMap<Operation, &'static str>>>,
) -> (Shown, usize, usize) {
    let mut outputs = Shown::new();
    let mut failures = 0;
    let mut issued = 0;
    for fault in FAULTS {
        faults.lock().unwrap().insert(op.operation(), fault);
        let what = format!("{fault} {op:?}");
        let mut request = String::new();
        let result = op.send_showing(&client, |shown| request = shown).await;
        outputs.push((format!("{what} request"), request));
        match result {
            Ok(output) => {
                assert_eq!(fault, "ok", "{what} succeeded");
                // The secrets the output gives back came through (they must
                // show nowhere).
                let sent = op.success_with_secret(ISSUED);
                assert!(output.agrees_with(&sent), "{what}: {:?}", output.fields);
                issued += op
                    .secret_response_fields()
                    .into_iter()
                    .filter(|field| output.field(field).is_some())
                    .count();
                outputs.push((what, output.debug));
            }
            Err(error) => {
                assert_ne!(fault, "ok", "{what}: {error:?}");
                if fault == "json-401-echo" {
                    // The Descope error is kept, its echo redacted.
                    assert!(error.is_unauthorized(), "{what}: {error:?}");
                    assert!(error.to_string().contains("[REDACTED]"), "{what}: {error}");
                }
                failures += 1;
                for text in renderings(&error) {
                    outputs.push((what.clone(), text));
                }
                if let Some(api) = error.api() {
                    outputs.push((what.clone(), format!("{api} {api:?}")));
                }
            }
        }
    }
    (outputs, failures, issued)
}

#[tokio::test]
async fn no_output_holds_a_secret_through_every_fault_of_every_operation() {
    // It installs the global subscriber and logger.
    if !alone(
        module_path!(),
        "no_output_holds_a_secret_through_every_fault_of_every_operation",
    ) {
        return;
    }
    let captured = capture();
    // The fault each operation is being played, by operation: the
    // operations run side by side, each through the faults in turn.
    let faults: Arc<Mutex<HashMap<Operation, &'static str>>> = Arc::default();
    let playing = faults.clone();
    let server = FaultServer::start(move |request| {
        let op = request.operation().expect("a request of the spec");
        let fault = playing.lock().unwrap()[&op];
        hostile(Op(op), fault, request)
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let builder = client::builder(server.base_url())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .request_timeout(Duration::from_millis(500))
        .max_response_bytes(4096)
        .retry_policy(RetryPolicy::default().retry_rate_limited(
            1,
            Duration::from_secs(1),
            Duration::from_millis(1),
        ))
        .sleep(sleeps.clone());
    let mut outputs = vec![("builder".to_string(), format!("{builder:?}"))];
    let client = builder.build().unwrap();
    outputs.push(("client".into(), format!("{client:?}")));
    outputs.push(("client alternate".into(), format!("{client:#?}")));

    let runs = OPS.map(|op| tokio::spawn(every_fault(client.clone(), op, faults.clone())));
    let (mut failures, mut issued) = (0, 0);
    for run in runs {
        let (shown, failed, secrets) = run.await.unwrap();
        outputs.extend(shown);
        failures += failed;
        issued += secrets;
    }
    assert_eq!(failures, OPS.len() * (FAULTS.len() - 1));
    // Issued secrets were handed to the caller, as secrets.
    assert!(issued > 0, "no success gave an issued secret back");
    // The echoes did arrive: the server saw every credential it echoed, as
    // each operation's credential says.
    let requests = server.requests();
    for op in OPS {
        let sent: Vec<&Request> = requests
            .iter()
            .filter(|r| r.operation() == Some(op.operation()))
            .collect();
        assert!(sent.len() >= FAULTS.len(), "{op:?}: {}", sent.len());
        let expected = op.authorization().map(|authorization| {
            if authorization == client::user_authorization() {
                format!("{authorization}:{AUTH_MANAGEMENT_KEY}")
            } else {
                authorization
            }
        });
        for request in sent {
            assert_eq!(
                request.header("authorization"),
                expected.as_deref(),
                "{op:?}"
            );
        }
    }
    assert!(requests.iter().any(|r| r
        .body
        .windows(LINK_TOKEN.len())
        .any(|w| w == LINK_TOKEN.as_bytes())));
    assert!(!sleeps.taken().is_empty(), "the storm was retried");

    for (what, text) in &outputs {
        assert_clean(what, text);
    }
    // The echoes were scrubbed, not lost: the redaction marker shows.
    assert!(
        outputs
            .iter()
            .any(|(what, text)| what.starts_with("json-401-echo") && text.contains("[REDACTED]")),
        "no redacted echo"
    );

    let log = captured.text();
    // Our spans and events, dependencies' tracing (hyper-util) and their
    // `log` records (reqwest), at every level down to TRACE.
    for expected in [
        "descope.call",
        "retrying",
        "call failed",
        "hyper_util",
        "reqwest::",
        "TRACE",
    ] {
        assert!(
            log.contains(expected),
            "{expected:?} not in the log:\n{log}"
        );
    }
    for op in OPS {
        let expected = format!("operation=\"{}\"", op.id());
        assert!(log.contains(&expected), "{expected:?} not in the log");
    }
    assert_clean("the tracing output", &log);
}

#[tokio::test]
async fn header_injection_is_refused_before_any_request() {
    let server = FaultServer::start(|request| write(success_for(request))).await;
    let base = server.base_url();
    let refused = |result: Result<DescopeClient, Error>| {
        let error = result.expect_err("must be refused");
        let validation = error.validation().expect("a validation error").clone();
        assert_clean("validation error", &format!("{error} {error:?}"));
        (validation.field(), validation.reason())
    };
    let builder = || {
        DescopeClient::builder()
            .project_id(PROJECT)
            .base_url(base.as_str())
    };
    for injected in ["\r\nX-Injected: 1", "\n", "\r", "\0", "\u{7f}"] {
        let key = format!("{MANAGEMENT_KEY}{injected}");
        assert_eq!(
            refused(builder().management_key(key.as_str()).build()),
            (Field::ManagementKey, Reason::ControlCharacter)
        );
        assert_eq!(
            refused(
                builder()
                    .auth_management_key(format!("{AUTH_MANAGEMENT_KEY}{injected}"))
                    .build()
            ),
            (Field::AuthManagementKey, Reason::ControlCharacter)
        );
        assert_eq!(
            refused(
                DescopeClient::builder()
                    .project_id(format!("{PROJECT}{injected}"))
                    .build()
            ),
            (Field::ProjectId, Reason::ControlCharacter)
        );
        let jwt = RefreshJwt::new(format!("{REFRESH_JWT}{injected}")).unwrap_err();
        assert_eq!(jwt.reason(), Reason::ControlCharacter);
        assert_eq!(
            LoginId::parse(format!("ada{injected}"))
                .unwrap_err()
                .reason(),
            Reason::ControlCharacter
        );
    }
    // `:` would shift the parts of `Bearer <project>:<secret>`.
    assert_eq!(
        refused(
            DescopeClient::builder()
                .project_id(format!("{PROJECT}:evil"))
                .build()
        ),
        (Field::ProjectId, Reason::InvalidCharacter)
    );
    assert!(ProjectId::new("P2a:K2").is_err());
    assert_eq!(
        RefreshJwt::new(format!("{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}"))
            .unwrap_err()
            .reason(),
        Reason::InvalidCharacter
    );
    // Other bytes a header value cannot carry as text.
    for bad in ["key with space", "kéy", "key\ttab"] {
        assert!(ManagementKey::new(bad).is_err(), "{bad:?}");
        assert!(AuthManagementKey::new(bad).is_err(), "{bad:?}");
    }

    // Through the operations: a login id with CR/LF is refused at send, unsent.
    let client = builder().management_key(MANAGEMENT_KEY).build().unwrap();
    let error = client
        .magic_link()
        .update_phone_sms(refresh_jwt(), "ada\r\nX-Injected: 1", "+12025550123")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.validation().map(|v| v.field()), Some(Field::LoginId));
    let error = client
        .management()
        .users()
        .embedded_link("ada\r\nAuthorization: Bearer x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.validation().map(|v| v.field()), Some(Field::LoginId));
    // A base URL with CR/LF is either refused or cleaned by the URL parser.
    for url in [format!("{base}\r\nX-Injected: 1"), format!("{base}/a\r\nb")] {
        if let Ok(client) = DescopeClient::builder()
            .project_id(PROJECT)
            .base_url(url)
            .build()
        {
            assert!(
                !client.base_url().chars().any(char::is_control),
                "{client:?}"
            );
        }
    }
    assert_eq!(
        server.request_count(),
        0,
        "a refused input reached the server"
    );
}
