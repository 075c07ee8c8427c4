//! Attempts counted on the server, waits recorded instead of slept.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use descope_ergonomic::RetryPolicy;
use httpmock::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

const SDK_WAITS: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_secs(5),
    Duration::from_secs(5),
];

/// Every call to the embedded-link path answers `status`; returns the number
/// of attempts the server saw and the waits the client asked for.
async fn attempts_for(status: u16, policy: RetryPolicy) -> (usize, Vec<Duration>) {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(status)
                .header("retry-after", "2")
                .json_body(json!({"errorCode": "E000001"}));
        })
        .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let error = builder(&server, sleeps.clone())
        .retry_policy(policy)
        .build()
        .unwrap()
        .embedded_link("ada")
        .send()
        .await
        .expect_err("every attempt fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    (mock.calls_async().await, sleeps.taken())
}

#[tokio::test]
async fn the_default_policy_retries_the_sdk_statuses_three_times() {
    for status in [503, 520, 521, 522, 524, 530] {
        assert!(RetryPolicy::default().retries_status(StatusCode::from_u16(status).unwrap()));
        let (attempts, waits) = attempts_for(status, RetryPolicy::default()).await;
        assert_eq!(attempts, 4, "status {status}");
        assert_eq!(waits, SDK_WAITS, "status {status}");
    }
}

#[tokio::test]
async fn the_default_policy_retries_nothing_else() {
    for status in [400, 401, 403, 404, 429, 500, 502, 504] {
        assert!(!RetryPolicy::default().retries_status(StatusCode::from_u16(status).unwrap()));
        let (attempts, waits) = attempts_for(status, RetryPolicy::default()).await;
        assert_eq!((attempts, waits.len()), (1, 0), "status {status}");
    }
}

#[tokio::test]
async fn rate_limits_are_retried_only_when_opted_in_and_capped() {
    let policy =
        RetryPolicy::none().retry_rate_limited(2, Duration::from_secs(10), Duration::from_secs(1));
    let (attempts, waits) = attempts_for(429, policy).await;
    assert_eq!(attempts, 3);
    assert_eq!(waits, [Duration::from_secs(2), Duration::from_secs(2)]);

    // A Retry-After beyond the cap is not waited for.
    let impatient =
        RetryPolicy::none().retry_rate_limited(5, Duration::from_secs(1), Duration::from_secs(1));
    let (attempts, waits) = attempts_for(429, impatient).await;
    assert_eq!((attempts, waits.len()), (1, 0));
}

#[tokio::test]
async fn a_custom_policy_is_followed() {
    let policy = RetryPolicy::none()
        .with_statuses([StatusCode::INTERNAL_SERVER_ERROR])
        .with_waits([Duration::from_millis(1), Duration::from_millis(2)]);
    assert_eq!(policy.max_attempts(), 3);
    let (attempts, waits) = attempts_for(500, policy.clone()).await;
    assert_eq!(attempts, 3);
    assert_eq!(waits, [Duration::from_millis(1), Duration::from_millis(2)]);
    let (attempts, _) = attempts_for(503, policy).await;
    assert_eq!(attempts, 1);
}

#[tokio::test]
async fn a_503_then_a_success_is_one_successful_call() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(503)
                .header("content-type", "text/html")
                .body("<html>maintenance</html>");
        })
        .await;
    let (sleeps, mut steps) = SteppedSleeps::new();
    let client = builder(&server, Arc::default())
        .sleep(sleeps)
        .build()
        .unwrap();
    let call = tokio::spawn(async move { client.embedded_link("ada").send().await });

    // The first attempt failed and the client waits: the server recovers.
    let (wait, go) = steps.recv().await.unwrap();
    assert_eq!(wait, Duration::from_millis(100));
    assert_eq!(unavailable.calls_async().await, 1);
    unavailable.delete_async().await;
    let recovered = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(200).json_body(json!({"token": "after-retry"}));
        })
        .await;
    go.send(()).unwrap();

    let link = call.await.unwrap().unwrap();
    assert_eq!(link.token().expose_secret(), "after-retry");
    assert_eq!(recovered.calls_async().await, 1);
    assert!(steps.try_recv().is_err(), "no further wait");
}

#[tokio::test]
async fn transport_failures_are_not_retried() {
    let sleeps = Arc::new(RecordedSleeps::default());
    let error = client_of_closed_port(sleeps.clone())
        .embedded_link("ada")
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none());
    assert!(sleeps.taken().is_empty());
}
