//! The body cap, for every operation: counted exactly, over any framing and
//! status, and a body over it (or of a refused content type) is not read
//! on: the connection is closed instead of drained.

use std::time::Duration;

use descope_ergonomic::{Error, DEFAULT_MAX_RESPONSE_BYTES};
use descope_testkit::client::OPS;
use descope_testkit::fault_server::{json, Options, Step, Stream, StreamEnd};
use reqwest::StatusCode;

use super::{malformed, Answers, MIB};

/// A small `SO_SNDBUF`, so that the kernel buffers little of a streamed body.
fn small_send_buffer() -> Options {
    Options {
        send_buffer: Some(64 * 1024),
        ..Options::default()
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
    let answers = Answers::start_with_options(small_send_buffer(), |b| b).await;
    for op in OPS {
        // The server sends 2 MiB of the announced 100 MiB, then waits. If the
        // client wanted more than its cap it would wait too, until the 10 s
        // request timeout: it must give up on what it has.
        let stream = Stream::gated(TOTAL - prefix, b'x', GATE);
        let steps = vec![
            Step::Write(big_json_head("200 OK", TOTAL)),
            Step::Stream(stream.clone()),
        ];
        let result = answers.play_steps(op, steps).await;
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
    let answers =
        Answers::start_with_options(small_send_buffer(), |b| b.max_response_bytes(64 * 1024)).await;
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
            let steps = vec![Step::Write(head), Step::Stream(stream.clone())];
            let result = answers.play_steps(op, steps).await;
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
    for op in OPS {
        // Room for the operation's success and a filler field around it.
        let success = op.success_text();
        let inner = &success[1..success.len() - 1];
        let filler = |len: usize| match inner {
            "" => format!(r#"{{"x":"{}"}}"#, "t".repeat(len)),
            inner => format!(r#"{{{inner},"x":"{}"}}"#, "t".repeat(len)),
        };
        let cap = filler(0).len() + 100;
        let answers = Answers::start_with(|b| b.max_response_bytes(cap)).await;
        for (extra, fits) in [(0, true), (1, false)] {
            // A valid body of exactly the cap (+ extra) bytes.
            let body = filler(cap + extra - filler(0).len());
            assert_eq!(body.len(), cap + extra);
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
                match answers.play(op, bytes).await {
                    Ok(output) if fits => {
                        assert!(output.agrees_with(op.success_body()), "{op:?} {framing}")
                    }
                    Err(Error::ResponseTooLarge { limit, .. }) if !fits && limit == cap => {}
                    other => panic!("{op:?} {framing} {} bytes: {other:?}", body.len()),
                }
            }
        }
    }
}

#[tokio::test]
async fn a_refused_content_type_is_not_read_at_all() {
    let answers = Answers::start().await;
    for op in OPS {
        // The server would send 100 MiB, but only once the gate opens.
        let stream = Stream::gated(100 * MIB, b'x', 0);
        let steps = vec![
            Step::Write(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n",
                    100 * MIB
                )
                .into_bytes(),
            ),
            Step::Stream(stream.clone()),
        ];
        let (status, reason, excerpt) = malformed("text/html", answers.play_steps(op, steps).await);
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
