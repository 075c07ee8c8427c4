//! Hostile responses from a raw loopback server: every one ends in a typed
//! error (or a documented success), never a panic, within a bounded time,
//! and without reading more than the body cap.

mod common;
mod fault_server;

use std::time::{Duration, Instant};

use common::{Op, BOUND, MANAGEMENT_KEY, OPS, PROJECT};
use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RetryPolicy, TransportErrorKind,
    DEFAULT_MAX_RESPONSE_BYTES,
};
use fault_server::*;
use reqwest::StatusCode;

/// The request timeout of the tests that stall.
const TIMEOUT: Duration = Duration::from_secs(1);
const MIB: u64 = 1024 * 1024;

fn builder(server: &FaultServer) -> DescopeClientBuilder {
    DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_secs(10))
}

/// Calls `op`, which must also end within [`BOUND`] by the clock.
async fn call(client: &DescopeClient, op: Op) -> Result<String, Error> {
    let started = Instant::now();
    let result = common::call(client, op).await;
    assert!(started.elapsed() < BOUND);
    result
}

/// Every request of a fresh server is answered with `bytes`; returns what
/// `op` ended in.
async fn answer(op: Op, bytes: Vec<u8>) -> Result<String, Error> {
    answer_with(op, bytes, |b| b).await
}

async fn answer_with(
    op: Op,
    bytes: Vec<u8>,
    configure: impl FnOnce(DescopeClientBuilder) -> DescopeClientBuilder,
) -> Result<String, Error> {
    let server = FaultServer::start(move |_| write(bytes.clone())).await;
    let client = configure(builder(&server)).build().unwrap();
    let result = call(&client, op).await;
    assert_eq!(server.request_count(), 1, "{op:?}: exactly one attempt");
    result
}

/// The parts of a `MalformedResponse`, or a panic naming what came instead.
fn malformed(what: &str, result: Result<String, Error>) -> (u16, String, Option<String>) {
    match result {
        Err(Error::MalformedResponse {
            status,
            reason,
            excerpt,
        }) => (status.as_u16(), reason, excerpt),
        other => panic!("{what}: expected a malformed response, got {other:?}"),
    }
}

fn transport(what: &str, result: Result<String, Error>) -> (TransportErrorKind, Error) {
    match result {
        Err(error @ Error::Transport { .. }) => {
            let Error::Transport { kind, .. } = &error else {
                unreachable!()
            };
            assert_eq!(error.status(), None, "{what}");
            (*kind, error)
        }
        other => panic!("{what}: expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn non_json_success_bodies_are_malformed_responses() {
    let bodies: [&[u8]; 9] = [
        b"OK",
        b"<html><body>It works!</body></html>",
        b"{",
        b"tru",
        b"\xEF\xBB\xBF{\"token\":\"t\",\"maskedPhone\":\"+1\"}",
        b"{\"token\":\"t\xff\xfe\",\"maskedPhone\":\"+1\xff\"}",
        b"{\"token\":\"t\",\"maskedPhone\":\"+1\"} trailing",
        b"null",
        b"\x00\x01\x02",
    ];
    for op in OPS {
        for body in bodies {
            for content_type in [Some("application/json"), None] {
                let headers: Vec<(&str, &str)> = content_type
                    .map(|ct| ("content-type", ct))
                    .into_iter()
                    .collect();
                let what = format!(
                    "{op:?} {:?} {content_type:?}",
                    String::from_utf8_lossy(body)
                );
                let result = answer(op, response("200 OK", &headers, body)).await;
                let (status, reason, excerpt) = malformed(&what, result);
                assert_eq!(status, 200, "{what}");
                assert!(!reason.is_empty(), "{what}");
                match op {
                    // Its success body may hold a token: never shown.
                    Op::EmbeddedLink => assert_eq!(excerpt, None, "{what}"),
                    Op::UpdatePhone => assert_eq!(
                        excerpt.as_deref(),
                        Some(&*String::from_utf8_lossy(body)),
                        "{what}"
                    ),
                }
            }
        }
    }
}

#[tokio::test]
async fn html_error_pages_are_malformed_responses_with_a_short_excerpt() {
    let page = format!(
        "<html><head><title>Bad gateway</title></head><body>{}</body></html>",
        "<p>upstream unavailable</p>".repeat(400)
    );
    for op in OPS {
        for status in [
            "400 Bad Request",
            "401 Unauthorized",
            "404 Not Found",
            "500 Internal Server Error",
            "502 Bad Gateway",
            "504 Gateway Timeout",
        ] {
            let result = answer(
                op,
                response(status, &[("content-type", "text/html")], &page),
            )
            .await;
            let code: u16 = status[..3].parse().unwrap();
            let error = result.as_ref().unwrap_err();
            assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
            assert_eq!(error.is_not_found(), code == 404);
            assert_eq!(error.is_unauthorized(), code == 401);
            let (got, reason, excerpt) = malformed(status, result);
            assert_eq!(got, code);
            assert!(reason.contains("expected value"), "{reason}");
            let excerpt = excerpt.expect("an error page is shown");
            assert!(excerpt.starts_with("<html><head><title>Bad gateway"));
            assert!(excerpt.ends_with('…'), "cut short: {excerpt}");
            assert!(excerpt.chars().count() <= 161, "{excerpt}");
        }
    }
}

#[tokio::test]
async fn empty_bodies_are_malformed_or_unexpected() {
    for op in OPS {
        for (what, bytes) in [
            ("200 json", json("200 OK", "")),
            ("200 untyped", response("200 OK", &[], "")),
        ] {
            let (status, reason, excerpt) = malformed(what, answer(op, bytes).await);
            assert_eq!(status, 200, "{what}");
            assert!(reason.contains("EOF"), "{what}: {reason}");
            assert_eq!(excerpt, None, "{what}");
        }
        // No framing at all: the body ends when the server closes.
        let server = FaultServer::start(|_| {
            vec![
                Step::Write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec()),
                Step::Close,
            ]
        })
        .await;
        let result = call(&builder(&server).build().unwrap(), op).await;
        let (status, reason, _) = malformed("200 until close", result);
        assert_eq!(status, 200);
        assert!(reason.contains("EOF"), "{reason}");
        for status in [
            "400 Bad Request",
            "500 Internal Server Error",
            "503 Service Unavailable",
        ] {
            let (code, reason, excerpt) = malformed(status, answer(op, json(status, "")).await);
            assert_eq!(code.to_string(), status[..3]);
            assert!(reason.contains("EOF"), "{reason}");
            assert_eq!(excerpt, None);
        }
        // Statuses the spec does not declare.
        for (status, code) in [
            ("204 No Content", 204),
            ("201 Created", 201),
            ("202 Accepted", 202),
        ] {
            match answer(op, response(status, &[], "")).await {
                Err(Error::UnexpectedStatus {
                    status,
                    location: None,
                    excerpt: None,
                }) => assert_eq!(status.as_u16(), code),
                other => panic!("{status}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn missing_or_wrongly_typed_fields_are_malformed_responses() {
    let cases: [(Op, &str, &str); 17] = [
        (Op::EmbeddedLink, "{}", "missing field `token`"),
        (
            Op::EmbeddedLink,
            r#"{"token":42}"#,
            "invalid type: integer `42`",
        ),
        (Op::EmbeddedLink, r#"{"token":""}"#, "shorter than 1"),
        (Op::EmbeddedLink, r#"{"token":null}"#, "invalid type: null"),
        (
            Op::EmbeddedLink,
            r#"{"token":["t"]}"#,
            "invalid type: sequence",
        ),
        (
            Op::EmbeddedLink,
            r#"{"token":"t","maskedEmail":12}"#,
            "invalid type: integer `12`",
        ),
        (
            Op::EmbeddedLink,
            r#"{"token":"a","token":"b"}"#,
            "duplicate field `token`",
        ),
        (Op::EmbeddedLink, "[]", "invalid length 0"),
        (Op::EmbeddedLink, r#""token""#, "invalid type: string"),
        (Op::EmbeddedLink, "42", "invalid type: integer"),
        (Op::UpdatePhone, "{}", "missing field `maskedPhone`"),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":7}"#,
            "invalid type: integer `7`",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":null}"#,
            "invalid type: null",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":{"a":1}}"#,
            "invalid type: map",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":true}"#,
            "invalid type: boolean",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":"a","maskedPhone":"b"}"#,
            "duplicate field",
        ),
        (
            Op::UpdatePhone,
            r#"{"masked_phone":"+1***"}"#,
            "missing field `maskedPhone`",
        ),
    ];
    for (op, body, expected) in cases {
        let what = format!("{op:?} {body}");
        let (status, reason, _) = malformed(&what, answer(op, json("200 OK", body)).await);
        assert_eq!(status, 200, "{what}");
        assert!(reason.contains(expected), "{what}: {reason}");
    }

    // Error bodies that do not match the spec's error schema.
    for op in OPS {
        for (status, body, expected) in [
            ("400 Bad Request", "{}", "missing field `errorCode`"),
            (
                "401 Unauthorized",
                r#"{"errorCode":5}"#,
                "invalid type: integer `5`",
            ),
            (
                "403 Forbidden",
                r#"{"errorCode":"E1","errorMessage":["x"]}"#,
                "invalid type: sequence",
            ),
            ("500 Internal Server Error", "[]", "invalid length 0"),
        ] {
            let what = format!("{op:?} {status} {body}");
            let (code, reason, excerpt) = malformed(&what, answer(op, json(status, body)).await);
            assert_eq!(code.to_string(), status[..3], "{what}");
            assert!(reason.contains(expected), "{what}: {reason}");
            assert_eq!(excerpt.as_deref(), Some(body), "{what}");
        }
    }

    // Unknown fields are tolerated: the spec may grow.
    for op in OPS {
        let extra =
            r#"{"token":"tok","maskedPhone":"+1***","maskedEmail":"a***","new":{"x":[1,2]}}"#;
        let value = answer(op, json("200 OK", extra)).await.unwrap();
        assert_eq!(
            value,
            if op == Op::EmbeddedLink {
                "tok"
            } else {
                "+1***"
            }
        );
        let error = answer(
            op,
            json("404 Not Found", r#"{"errorCode":"E062108","unknown":true}"#),
        )
        .await
        .unwrap_err();
        assert!(error.is_not_found());
        assert_eq!(error.error_code(), Some("E062108"));
    }
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_refused_without_overflowing_the_stack() {
    let arrays = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = |depth: usize| format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    for depth in [10_000, 100_000] {
        let success = [
            arrays(depth),
            objects(depth),
            format!(r#"{{"token":{0},"maskedPhone":{0}}}"#, objects(depth)),
            format!(
                r#"{{"token":"t","maskedPhone":"+1","x":{}}}"#,
                arrays(depth)
            ),
            format!(
                r#"{{"x":{},"token":"t","maskedPhone":"+1"}}"#,
                objects(depth)
            ),
        ];
        let error = [
            objects(depth),
            format!(r#"{{"errorCode":"E1","errorMessage":{}}}"#, objects(depth)),
            format!(r#"{{"errorCode":{}}}"#, arrays(depth)),
        ];
        for op in OPS {
            for status in ["200 OK", "400 Bad Request", "500 Internal Server Error"] {
                let bodies = if status.starts_with('2') {
                    &success[..]
                } else {
                    &error[..]
                };
                for body in bodies {
                    let what = format!("{op:?} {status} depth {depth} {}", &body[..20]);
                    match answer(op, json(status, body)).await {
                        // Unknown fields are skipped (without recursing), so
                        // a deep one beside valid fields is a success.
                        Ok(_) => assert!(body.contains(r#""x":"#), "{what}"),
                        Err(Error::ResponseTooLarge { .. })
                            if body.len() > DEFAULT_MAX_RESPONSE_BYTES => {}
                        result => {
                            let (code, reason, _) = malformed(&what, result);
                            assert_eq!(code.to_string(), status[..3], "{what}");
                            assert!(!reason.is_empty());
                        }
                    }
                }
            }
        }
    }
}

/// The endpoint a body-phase transport error names is the real one.
#[tokio::test]
async fn a_body_error_names_the_endpoint() {
    use std::error::Error as _;
    for head in [
        "content-length: 100",
        "transfer-encoding: chunked",
        "connection: close\r\ncontent-length: 2000000",
    ] {
        let server = FaultServer::start(move |_| {
            vec![
                Step::Write(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{head}\r\n\r\n1\r\n{{"
                    )
                    .into_bytes(),
                ),
                Step::Close,
            ]
        })
        .await;
        let client = builder(&server).build().unwrap();
        let error = call(&client, Op::EmbeddedLink).await.unwrap_err();
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
            .unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(
            source.url().map(|u| u.as_str().to_string()),
            Some(format!(
                "{}/v1/mgmt/user/signin/embeddedlink",
                server.base_url()
            )),
            "{head}: {error:?}"
        );
    }
}

/// The head of a 200 whose JSON body is `length` bytes: `{"token":"` and filler.
fn big_json_head(status: &str, length: u64) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes();
    head.extend_from_slice(br#"{"token":""#);
    head
}

#[tokio::test]
async fn a_100_mib_body_is_refused_at_the_cap_without_being_read() {
    const TOTAL: u64 = 100 * MIB;
    const GATE: u64 = 2 * MIB;
    let prefix = br#"{"token":""#.len() as u64;
    for op in OPS {
        // The server sends 2 MiB of the announced 100 MiB, then waits. If the
        // client wanted more than its cap it would wait too, until the 10 s
        // request timeout: it must give up on what it has.
        let stream = Stream::gated(TOTAL - prefix, b'x', GATE);
        let body = stream.clone();
        let server = FaultServer::start_with(
            Options {
                send_buffer: Some(64 * 1024),
                ..Options::default()
            },
            move |_| {
                vec![
                    Step::Write(big_json_head("200 OK", TOTAL)),
                    Step::Stream(body.clone()),
                ]
            },
        )
        .await;
        let client = builder(&server).build().unwrap();
        let result = call(&client, op).await;
        let written_when_refused = stream.written();
        match result {
            Err(Error::ResponseTooLarge { status, limit }) => {
                assert_eq!(status, StatusCode::OK);
                assert_eq!(limit, DEFAULT_MAX_RESPONSE_BYTES);
            }
            other => panic!("{op:?}: expected ResponseTooLarge, got {other:?}"),
        }
        assert!(
            written_when_refused <= GATE,
            "{op:?}: {written_when_refused} bytes"
        );
        // The server is at its gate, or found the connection closed on its
        // way there; it never got to send it all.
        assert_ne!(stream.end(), Some(StreamEnd::Completed));

        // Let the server go on: the client has closed the connection, so the
        // rest is refused long before 100 MiB.
        stream.open_gate();
        assert_eq!(
            stream.wait_end(Duration::from_secs(10)).await,
            Some(StreamEnd::ClientHungUp),
            "{op:?}: the connection must be closed, not drained"
        );
        assert!(
            stream.written() < 48 * MIB,
            "{op:?}: {} bytes accepted",
            stream.written()
        );
        eprintln!(
            "{op:?}: refused after {written_when_refused} body bytes; {} accepted in all of {TOTAL}",
            stream.written()
        );
    }
}

#[tokio::test]
async fn huge_bodies_of_any_framing_and_status_stop_at_the_cap() {
    const TOTAL: u64 = 100 * MIB;
    for op in OPS {
        for (what, head, chunked) in [
            (
                "chunked 200",
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                    .to_vec(),
                true,
            ),
            (
                "500 with content-length",
                format!(
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {TOTAL}\r\n\r\n"
                )
                .into_bytes(),
                false,
            ),
            (
                "200 until close",
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                    .to_vec(),
                false,
            ),
            (
                "302 with content-length",
                format!(
                    "HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\ncontent-length: {TOTAL}\r\n\r\n"
                )
                .into_bytes(),
                false,
            ),
        ] {
            let stream = if chunked {
                Stream::chunked(TOTAL, b' ')
            } else {
                Stream::new(TOTAL, b' ')
            };
            let body = stream.clone();
            let server = FaultServer::start_with(
                Options {
                    send_buffer: Some(64 * 1024),
                    ..Options::default()
                },
                move |_| vec![Step::Write(head.clone()), Step::Stream(body.clone())],
            )
            .await;
            let client = builder(&server)
                .max_response_bytes(64 * 1024)
                .build()
                .unwrap();
            let result = call(&client, op).await;
            match (&result, what) {
                (Err(Error::UnexpectedStatus { status, location, excerpt }), "302 with content-length") => {
                    assert_eq!(status.as_u16(), 302);
                    assert_eq!(location.as_deref(), Some("/elsewhere"));
                    // The body went over the cap: no excerpt rather than a wait.
                    assert_eq!(excerpt, &None);
                }
                (Err(Error::ResponseTooLarge { status, limit }), _) => {
                    assert_eq!(*limit, 64 * 1024);
                    assert_eq!(status.as_u16(), if what.starts_with("500") { 500 } else { 200 });
                }
                _ => panic!("{op:?} {what}: {result:?}"),
            }
            assert_eq!(
                stream.wait_end(Duration::from_secs(10)).await,
                Some(StreamEnd::ClientHungUp),
                "{op:?} {what}"
            );
            assert!(stream.written() < 48 * MIB, "{op:?} {what}: {}", stream.written());
        }
    }
}

#[tokio::test]
async fn the_cap_counts_body_bytes_exactly() {
    const CAP: usize = 200;
    for op in OPS {
        for (extra, fits) in [(0, true), (1, false)] {
            // A valid body of exactly CAP (+ extra) bytes.
            let pad = CAP + extra - r#"{"token":"","maskedPhone":"+1***"}"#.len();
            let body = format!(r#"{{"token":"{}","maskedPhone":"+1***"}}"#, "t".repeat(pad));
            assert_eq!(body.len(), CAP + extra);
            // Two chunks: the count runs across frames.
            let (first, second) = body.split_at(body.len() - 10);
            let chunked = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n\
                 {:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
                first.len(),
                second.len()
            );
            for (framing, bytes) in [
                ("content-length", json("200 OK", &body)),
                ("chunked", chunked.into_bytes()),
            ] {
                let result = answer_with(op, bytes, |b| b.max_response_bytes(CAP)).await;
                match result {
                    Ok(_) if fits => {}
                    Err(Error::ResponseTooLarge { limit: CAP, .. }) if !fits => {}
                    other => panic!("{op:?} {framing} {} bytes: {other:?}", body.len()),
                }
            }
        }
    }
}

#[tokio::test]
async fn a_refused_content_type_is_not_read_at_all() {
    for op in OPS {
        // The server would send 100 MiB, but only once the gate opens.
        let stream = Stream::gated(100 * MIB, b'x', 0);
        let body = stream.clone();
        let server = FaultServer::start(move |_| {
            vec![
                Step::Write(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n",
                        100 * MIB
                    )
                    .into_bytes(),
                ),
                Step::Stream(body.clone()),
            ]
        })
        .await;
        let client = builder(&server).build().unwrap();
        let (status, reason, excerpt) = malformed("text/html", call(&client, op).await);
        assert_eq!((status, excerpt), (200, None));
        assert!(reason.contains(r#"content type "text/html""#), "{reason}");
        assert_eq!(stream.written(), 0);
        stream.open_gate();
        assert_eq!(
            stream.wait_end(Duration::from_secs(10)).await,
            Some(StreamEnd::ClientHungUp)
        );
    }
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_request_timeout() {
    for op in OPS {
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
            // The client hung up instead of leaving the connection behind.
            assert_eq!(
                server.wait_hang_ups(1, Duration::from_secs(10)).await,
                1,
                "{op:?} {what}"
            );
        }
    }
}

#[tokio::test]
async fn a_body_trickling_in_is_cut_by_the_request_timeout() {
    for op in OPS {
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
        let started = Instant::now();
        let (kind, _) = transport("trickle", call(&client, op).await);
        assert_eq!(kind, TransportErrorKind::Timeout);
        assert!(started.elapsed() < TIMEOUT + Duration::from_secs(2));
    }
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
    for op in OPS {
        let cases: Vec<(&str, Box<Script>)> = vec![
            ("reset before the head", Box::new(|| vec![Step::Reset])),
            ("closed before the head", Box::new(|| vec![Step::Close])),
            (
                "closed mid-body",
                Box::new(move || vec![Step::Write(partial("200 OK")), Step::Close]),
            ),
            (
                "closed mid-body of an error",
                Box::new(move || {
                    vec![Step::Write(partial("503 Service Unavailable")), Step::Close]
                }),
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
            assert_eq!(server.request_count(), 1, "{op:?} {what}: not retried");
        }
    }
}

#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    for op in OPS {
        for code in [301u16, 302, 303, 307, 308] {
            let server = FaultServer::start(move |request| {
                if request.path == "/elsewhere" {
                    return write(success_for(request));
                }
                write(response(
                    &format!("{code} Moved"),
                    &[("location", "/elsewhere")],
                    "moved",
                ))
            })
            .await;
            let client = builder(&server).build().unwrap();
            match call(&client, op).await {
                Err(Error::UnexpectedStatus {
                    status,
                    location,
                    excerpt,
                }) => {
                    assert_eq!(status.as_u16(), code);
                    assert_eq!(location.as_deref(), Some("/elsewhere"));
                    assert_eq!(excerpt.as_deref(), Some("moved"));
                }
                other => panic!("{op:?} {code}: {other:?}"),
            }
            let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
            assert_eq!(paths.len(), 1, "{op:?} {code}: followed to {paths:?}");
        }
        let error = answer(op, response("300 Multiple Choices", &[], ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedStatus { location: None, .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with("unexpected HTTP 300"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_success_must_be_json_whatever_it_says() {
    let body = r#"{"token":"tok","maskedPhone":"+1***"}"#;
    for op in OPS {
        for content_type in [
            "text/html",
            "text/plain; charset=utf-8",
            "application/xml",
            "application/jsonp",
            "text/json",
            "",
            "multipart/form-data; boundary=x",
        ] {
            let (status, reason, excerpt) = malformed(
                content_type,
                answer(
                    op,
                    response("200 OK", &[("content-type", content_type)], body),
                )
                .await,
            );
            assert_eq!((status, excerpt), (200, None), "{content_type}");
            assert!(
                reason.contains("where application/json is required"),
                "{reason}"
            );
        }
        // A content type that is not text at all.
        let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: \xff\xfe\r\n".to_vec();
        raw.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let (status, reason, _) = malformed("binary content type", answer(op, raw).await);
        assert_eq!(status, 200);
        assert!(reason.contains("content type"), "{reason}");

        for content_type in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/problem+json",
            "application/vnd.descope.v1+json",
        ] {
            let result = answer(
                op,
                response("200 OK", &[("content-type", content_type)], body),
            )
            .await;
            assert!(result.is_ok(), "{content_type}: {result:?}");
        }
        // Error bodies are read whatever their type, so that they can be shown.
        let error = answer(
            op,
            response(
                "400 Bad Request",
                &[("content-type", "text/plain")],
                r#"{"errorCode":"E011003"}"#,
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_code(), Some("E011003"));
    }
}

#[tokio::test]
async fn a_429_with_a_malformed_retry_after_has_no_delay() {
    let rate_limited = |retry_after: &[u8]| {
        let mut raw =
            b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: "
                .to_vec();
        raw.extend_from_slice(retry_after);
        let body = r#"{"errorCode":"E130429","errorDescription":"Rate limited"}"#;
        raw.extend_from_slice(
            format!("\r\ncontent-length: {}\r\n\r\n{body}", body.len()).as_bytes(),
        );
        raw
    };
    for op in OPS {
        for (value, expected) in [
            (&b"soon"[..], None),
            (b"-1", None),
            (b"1.5", None),
            (b"", None),
            (b"Wed, 21 Oct 2015 07:28:00 GMT", None),
            (b"99999999999999999999999", None),
            (b"\xff\xfe", None),
            (b"7, 8", None),
            (b" 7 ", Some(Duration::from_secs(7))),
            (b"0", Some(Duration::ZERO)),
        ] {
            let what = format!("{op:?} {:?}", String::from_utf8_lossy(value));
            let error = answer(op, rate_limited(value)).await.unwrap_err();
            assert!(error.is_rate_limited(), "{what}");
            assert_eq!(error.error_code(), Some("E130429"), "{what}");
            assert_eq!(error.retry_after(), expected, "{what}");
        }
        // A proxy's 429 page: still rate limited, without a Descope body.
        let error = answer(
            op,
            response(
                "429 Too Many Requests",
                &[("content-type", "text/html"), ("retry-after", "5")],
                "<h1>slow down</h1>",
            ),
        )
        .await
        .unwrap_err();
        assert!(error.is_rate_limited());
        assert!(
            matches!(error, Error::MalformedResponse { .. }),
            "{error:?}"
        );
        // Only a Descope error body carries the delay (a known limit).
        assert_eq!(error.retry_after(), None);
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
    for op in OPS {
        for (what, bytes) in &cases {
            let (kind, error) = transport(what, answer(op, bytes.clone()).await);
            assert_ne!(
                kind,
                TransportErrorKind::Timeout,
                "{op:?} {what}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn odd_but_valid_http_is_handled() {
    for op in OPS {
        // Informational responses before the real one are skipped.
        let mut early = b"HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n".to_vec();
        early.extend(json("200 OK", r#"{"token":"tok","maskedPhone":"+1***"}"#));
        assert!(answer(op, early).await.is_ok(), "{op:?}");

        // A protocol switch nobody asked for: an error, not a hang.
        let server = FaultServer::start(|_| {
            vec![
                Step::Write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n".to_vec()),
                Step::Hang,
            ]
        })
        .await;
        let result = call(
            &builder(&server).request_timeout(TIMEOUT).build().unwrap(),
            op,
        )
        .await;
        match result {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 101),
            other => panic!("{op:?}: {other:?}"),
        }

        // A status beyond 599 is undeclared, not a crash.
        match answer(op, response("600 Weird", &[], "")).await {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 600),
            other => panic!("{op:?}: {other:?}"),
        }
    }
}
