//! The operation timeout: one bound for a whole call, its attempts, the
//! waits between them and the license handshake, ending in a typed error
//! that says so.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::tooling::TokioSleep;
use descope_ergonomic::{Error, Field, Reason, RetryPolicy, TransportErrorKind};
use descope_spec::Operation;
use descope_testkit::client::{builder, builder_without_tier, call, call_all_at_once, Op, OPS};
use descope_testkit::fault_server::{
    is_handshake, json, licensing, success_for, write, FaultServer, Step,
};

use crate::{refused, transport};

fn unavailable() -> Vec<Step> {
    write(json(
        "503 Service Unavailable",
        r#"{"errorCode":"E000503"}"#,
    ))
}

#[tokio::test]
async fn a_retry_whose_wait_would_pass_the_deadline_ends_the_call_at_once() {
    let server = FaultServer::start(|_| unavailable()).await;
    // The official schedule (100 ms, then 5 s) on the real timer.
    let client = builder(server.base_url())
        .sleep(Arc::new(TokioSleep))
        .operation_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    // Every operation at once: the real waits run side by side.
    for (op, result) in call_all_at_once(&client).await {
        let error = result.unwrap_err();
        let Error::OperationTimeout {
            timeout,
            attempts,
            last_error,
        } = &error
        else {
            panic!("{op:?}: {error:?}");
        };
        assert_eq!(*timeout, Duration::from_secs(2));
        // The first attempt, a 100 ms wait, the second; the 5 s wait is not begun.
        assert_eq!(*attempts, 2, "{op:?}");
        assert_eq!(server.requests_for(op).len(), 2, "{op:?}");
        let last = last_error
            .as_deref()
            .expect("the 503 that was to be retried");
        assert_eq!(last.status().map(|s| s.as_u16()), Some(503));
        assert!(error.is_operation_timeout() && error.is_timeout());
        assert_eq!(error.status(), None);
        // The cause is in the chain, for reporters that walk it.
        assert!(error.source().is_some());
        assert!(
            error.to_string().contains("operation timeout of 2s"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_hanging_attempt_is_cut_at_the_deadline_not_at_the_request_timeout() {
    let server = FaultServer::start(|_| vec![Step::Hang]).await;
    let client = builder(server.base_url())
        .request_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // Every operation at once: they wait out the deadline side by side.
    for (op, result) in call_all_at_once(&client).await {
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                Error::OperationTimeout {
                    attempts: 1,
                    last_error: None,
                    ..
                }
            ),
            "{op:?}: {error:?}"
        );
    }
    // The request timeout is still each attempt's own, shorter, bound.
    let client = builder(server.base_url())
        .request_timeout(Duration::from_millis(200))
        .operation_timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let (kind, _) = transport(
        "a 200 ms attempt",
        call(&client, Operation::EmbeddedLinkSignin).await,
    );
    assert_eq!(kind, TransportErrorKind::Timeout);
}

#[tokio::test]
async fn the_deadline_covers_the_license_handshake() {
    // The handshake hangs; the deadline comes before its own bound.
    let server = licensing(|| vec![Step::Hang]).await;
    let client = builder_without_tier(server.base_url())
        .operation_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = call(&client, Operation::EmbeddedLinkSignin)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::OperationTimeout { attempts: 0, .. }),
        "{error:?}"
    );
    // Cut short by the call, not failed: the next call tries it again.
    let _ = call(&client, Operation::EmbeddedLinkSignin).await;
    let handshakes = server.requests().iter().filter(|r| is_handshake(r)).count();
    assert_eq!(handshakes, 2);
}

#[tokio::test]
async fn a_call_within_its_deadline_is_unaffected() {
    // Each operation's first attempt is refused with a 503, its retry succeeds.
    let server = FaultServer::start(|request| {
        if request.index % 2 == 0 {
            unavailable()
        } else {
            write(success_for(request))
        }
    })
    .await;
    let client = builder(server.base_url())
        .operation_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for (at, op) in OPS.into_iter().enumerate() {
        let output = call(&client, op).await.unwrap();
        assert!(output.agrees_with(op.success_body()), "{op:?}: {output:?}");
        assert_eq!(server.request_count(), 2 * (at + 1), "{op:?}");
    }
}

#[test]
fn a_zero_operation_timeout_is_refused() {
    let built = builder("http://127.0.0.1:1")
        .operation_timeout(Duration::ZERO)
        .build();
    assert_eq!(
        refused(built),
        (Field::OperationTimeout, Reason::OutOfRange)
    );
}

#[tokio::test]
async fn a_handshake_that_fails_within_a_short_deadline_still_counts_as_failed() {
    // The deadline (2 s) is shorter than the handshake's own bound (3 s),
    // but the handshake fails on its own, fast: backed off like any failure.
    let server = licensing(|| {
        write(json(
            "500 Internal Server Error",
            r#"{"errorCode":"E000000"}"#,
        ))
    })
    .await;
    let client = builder_without_tier(server.base_url())
        .operation_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let link = Op(Operation::EmbeddedLinkSignin);
    for _ in 0..2 {
        let output = call(&client, link).await.unwrap();
        assert!(output.agrees_with(link.success_body()), "{output:?}");
    }
    let handshakes = server.requests().iter().filter(|r| is_handshake(r)).count();
    assert_eq!(handshakes, 1);
}
