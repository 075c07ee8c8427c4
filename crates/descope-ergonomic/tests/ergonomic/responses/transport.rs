//! Transport faults, for every operation: servers that never answer or
//! trickle, connections reset or closed at each stage, and bytes that are
//! not HTTP. Each is a `Transport` error of the right kind, within the
//! request timeout.

use std::time::{Duration, Instant};

use descope_ergonomic::TransportErrorKind;
use descope_testkit::client::OPS;
use descope_testkit::fault_server::{json, FaultServer, Step};
use tokio::task::JoinSet;

use super::{builder, call, join_all, Answers, TIMEOUT};
use crate::transport;

/// The endpoint a body-phase transport error names is the real one.
#[tokio::test]
async fn a_body_error_names_the_endpoint() {
    use std::error::Error as _;
    let answers = Answers::start().await;
    for op in OPS {
        for head in [
            "content-length: 100",
            "transfer-encoding: chunked",
            "connection: close\r\ncontent-length: 200000",
        ] {
            let bytes = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{head}\r\n\r\n1\r\n{{"
            );
            let error = answers.play(op, bytes.into_bytes()).await.unwrap_err();
            let source = error
                .source()
                .and_then(|s| s.downcast_ref::<reqwest::Error>())
                .unwrap_or_else(|| panic!("{op:?}: {error:?}"));
            let url = source.url().map(|u| u.path().to_string());
            assert_eq!(url, Some(op.request_path()), "{op:?} {head}: {error:?}");
            assert!(
                source
                    .url()
                    .is_some_and(|u| u.as_str().starts_with(&answers.server.base_url())),
                "{op:?} {head}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_request_timeout() {
    // A server and a client for each way of stalling, built first (a
    // client's build would hold up the calls' clocks); then every
    // operation's call to each, all waiting out their timeouts side by side.
    let mut stalls = Vec::new();
    for (what, steps) in [
        ("no answer", vec![]),
        ("half a status line", vec![b"HTTP/1.1 20".to_vec()]),
        (
            "half a head",
            vec![b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-".to_vec()],
        ),
        (
            "half a body",
            vec![json("200 OK", r#"{"token":"t","maskedPhone":"+1"}"#)[..80].to_vec()],
        ),
    ] {
        let server = FaultServer::start(move |_| {
            let mut steps: Vec<Step> = steps.iter().cloned().map(Step::Write).collect();
            steps.push(Step::Hang);
            steps
        })
        .await;
        let client = builder(&server).request_timeout(TIMEOUT).build().unwrap();
        stalls.push((what, server, client));
    }
    let mut cases = JoinSet::new();
    for (what, _, client) in &stalls {
        for op in OPS {
            let (what, client) = (*what, client.clone());
            cases.spawn(async move {
                let started = Instant::now();
                let result = call(&client, op).await;
                let elapsed = started.elapsed();
                let (kind, error) = transport(what, result);
                assert_eq!(
                    kind,
                    TransportErrorKind::Timeout,
                    "{op:?} {what}: {error:?}"
                );
                assert!(error.is_timeout());
                assert!(
                    elapsed < TIMEOUT + Duration::from_secs(2),
                    "{op:?} {what}: {elapsed:?}"
                );
            });
        }
    }
    join_all(cases).await;
    for (what, server, _) in &stalls {
        // Each call hung up instead of leaving its connection behind.
        assert_eq!(
            server
                .wait_hang_ups(OPS.len(), Duration::from_secs(10))
                .await,
            OPS.len(),
            "{what}"
        );
    }
}

#[tokio::test]
async fn a_body_trickling_in_is_cut_by_the_request_timeout() {
    let server = FaultServer::start(|_| {
        let mut steps = vec![Step::Write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"
                .to_vec(),
        )];
        // One byte every 50 ms: each read makes progress, the whole never ends in time.
        for _ in 0..1000 {
            steps.push(Step::Pause(Duration::from_millis(50)));
            steps.push(Step::Write(b" ".to_vec()));
        }
        steps.push(Step::Hang);
        steps
    })
    .await;
    let client = builder(&server).request_timeout(TIMEOUT).build().unwrap();
    // Every operation at once.
    let mut cases = JoinSet::new();
    for op in OPS {
        let client = client.clone();
        cases.spawn(async move {
            let started = Instant::now();
            let (kind, _) = transport("trickle", call(&client, op).await);
            assert_eq!(kind, TransportErrorKind::Timeout, "{op:?}");
            assert!(
                started.elapsed() < TIMEOUT + Duration::from_secs(2),
                "{op:?}"
            );
        });
    }
    join_all(cases).await;
    assert_eq!(server.request_count(), OPS.len());
}

/// The steps a server plays for every request.
type Script = dyn Fn() -> Vec<Step> + Send + Sync;

#[tokio::test]
async fn connections_reset_or_closed_are_transport_errors() {
    // Announces 100 bytes, sends 10.
    let partial = |status: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"token\":\""
        )
        .into_bytes()
    };
    let cases: Vec<(&str, Box<Script>)> = vec![
        ("reset before the head", Box::new(|| vec![Step::Reset])),
        ("closed before the head", Box::new(|| vec![Step::Close])),
        (
            "closed mid-body",
            Box::new(move || vec![Step::Write(partial("200 OK")), Step::Close]),
        ),
        (
            "closed mid-body of an error",
            Box::new(move || vec![Step::Write(partial("503 Service Unavailable")), Step::Close]),
        ),
        (
            "reset mid-body",
            Box::new(move || {
                vec![
                    Step::Write(partial("200 OK")),
                    Step::Pause(Duration::from_millis(100)),
                    Step::Reset,
                ]
            }),
        ),
        (
            "reset after a complete head",
            Box::new(|| {
                vec![
                    Step::Write(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n"
                            .to_vec(),
                    ),
                    Step::Pause(Duration::from_millis(100)),
                    Step::Reset,
                ]
            }),
        ),
    ];
    for (what, steps) in cases {
        let server = FaultServer::start(move |_| steps()).await;
        let client = builder(&server).build().unwrap();
        // Every operation at once, each on a connection of its own.
        let mut calls = JoinSet::new();
        for op in OPS {
            let client = client.clone();
            calls.spawn(async move {
                let (kind, error) = transport(what, call(&client, op).await);
                assert_ne!(
                    kind,
                    TransportErrorKind::Timeout,
                    "{op:?} {what}: {error:?}"
                );
                assert_ne!(
                    kind,
                    TransportErrorKind::Connect,
                    "{op:?} {what}: {error:?}"
                );
                // Before the head: the request failed; after it: its body did.
                // (A reset can overtake unread data, so it may show as either.)
                let expected: &[TransportErrorKind] = match what {
                    w if w.ends_with("before the head") => &[TransportErrorKind::Other],
                    w if w.starts_with("closed") => &[TransportErrorKind::Body],
                    _ => &[TransportErrorKind::Body, TransportErrorKind::Other],
                };
                assert!(expected.contains(&kind), "{op:?} {what}: {error:?}");
            });
        }
        join_all(calls).await;
        assert_eq!(server.request_count(), OPS.len(), "{what}: not retried");
    }
}

#[tokio::test]
async fn protocol_garbage_is_a_transport_error() {
    let huge_header = format!(
        "HTTP/1.1 200 OK\r\nx-filler: {}\r\ncontent-length: 2\r\n\r\n{{}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let many_headers = format!(
        "HTTP/1.1 200 OK\r\n{}content-length: 2\r\n\r\n{{}}",
        (0..500)
            .map(|i| format!("x-h{i}: v\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not HTTP", b"HELLO WORLD\r\n\r\n".to_vec()),
        ("bad status code", b"HTTP/1.1 abc OK\r\ncontent-length: 0\r\n\r\n".to_vec()),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec()),
        ("2 MiB header", huge_header.into_bytes()),
        ("500 headers", many_headers.into_bytes()),
        (
            "conflicting lengths",
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}".to_vec(),
        ),
        (
            "bad chunk size",
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                .to_vec(),
        ),
    ];
    let answers = Answers::start().await;
    for op in OPS {
        for (what, bytes) in &cases {
            let (kind, error) = transport(what, answers.play(op, bytes.clone()).await);
            assert_ne!(
                kind,
                TransportErrorKind::Timeout,
                "{op:?} {what}: {error:?}"
            );
        }
    }
}
