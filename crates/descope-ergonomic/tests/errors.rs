//! How each kind of failed exchange reaches the caller.

mod common;

use std::time::Duration;

use common::*;
use descope_ergonomic::{Error, RetryPolicy, TransportErrorKind};
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Answers the embedded-link path with `status` and `body`, once the client
/// was built with no retries, and returns the error the call ended in.
async fn embedded_link_error(
    configure: impl FnOnce(httpmock::When, httpmock::Then) + Send,
) -> Error {
    let server = MockServer::start_async().await;
    server.mock_async(configure).await;
    builder(&server, Default::default())
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_millis(500))
        .max_response_bytes(4096)
        .build()
        .unwrap()
        .embedded_link("ada@example.com")
        .send()
        .await
        .expect_err("the call must fail")
}

fn descope_error(status: u16, code: &str) -> impl FnOnce(httpmock::When, httpmock::Then) {
    let body = json!({
        "errorCode": code,
        "errorDescription": "Described",
        "errorMessage": "Detailed message",
    });
    move |when, then| {
        when.path(EMBEDDED_LINK);
        then.status(status).json_body(body);
    }
}

#[tokio::test]
async fn descope_error_bodies_become_api_errors() {
    for (status, code) in [
        (400, "E011003"),
        (401, "E011001"),
        (403, "E011004"),
        (404, "E062108"),
        (500, "E000000"),
        (503, "E000503"),
    ] {
        let error = embedded_link_error(descope_error(status, code)).await;
        let api = error.api().unwrap_or_else(|| panic!("{status}: {error:?}"));
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.code(), code);
        assert_eq!(api.description(), Some("Described"));
        assert_eq!(api.message(), Some("Detailed message"));
        assert_eq!(error.is_not_found(), status == 404);
        assert_eq!(error.is_unauthorized(), status == 401);
        assert_eq!(error.is_forbidden(), status == 403);
        assert!(!error.is_rate_limited());
        assert_eq!(
            error.to_string(),
            format!(
                "Descope error {code} (HTTP {}): Described: Detailed message",
                reqwest::StatusCode::from_u16(status).unwrap()
            )
        );
    }
}

#[tokio::test]
async fn user_not_found_is_recognised_by_code_too() {
    let error = embedded_link_error(descope_error(400, "E112102")).await;
    assert!(error.is_not_found());
}

#[tokio::test]
async fn rate_limits_carry_retry_after_when_given() {
    let with = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(429)
            .header("retry-after", "7")
            .json_body(json!({"errorCode": "E130429"}));
    })
    .await;
    assert!(with.is_rate_limited());
    assert_eq!(with.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(with.error_code(), Some("E130429"));

    let without = embedded_link_error(descope_error(429, "E170429")).await;
    assert!(without.is_rate_limited());
    assert_eq!(without.retry_after(), None);

    let malformed = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(429)
            .header("retry-after", "soon-ish")
            .json_body(json!({"errorCode": "E130429"}));
    })
    .await;
    assert!(malformed.is_rate_limited());
    assert_eq!(malformed.retry_after(), None);
}

fn malformed(error: &Error) -> (u16, &str, Option<&str>) {
    match error {
        Error::MalformedResponse {
            status,
            reason,
            excerpt,
        } => (status.as_u16(), reason.as_str(), excerpt.as_deref()),
        other => panic!("expected a malformed response, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_502_is_a_malformed_response_with_an_excerpt() {
    let error = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><body>Bad gateway</body></html>");
    })
    .await;
    let (status, _, excerpt) = malformed(&error);
    assert_eq!(status, 502);
    assert_eq!(excerpt, Some("<html><body>Bad gateway</body></html>"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn bad_success_bodies_are_malformed_responses_without_the_body() {
    let cases: [(Option<&str>, Value, &str); 4] = [
        (
            Some("application/json"),
            json!("not an object"),
            "invalid type",
        ),
        (Some("application/json"), json!({}), "missing field `token`"),
        (
            Some("application/json"),
            json!({"token": 42}),
            "invalid type: integer `42`",
        ),
        (
            Some("application/json"),
            json!({"token": ""}),
            "shorter than 1",
        ),
    ];
    for (content_type, body, reason_part) in cases {
        let error = embedded_link_error(move |when, then| {
            when.path(EMBEDDED_LINK);
            let then = then.status(200).json_body(body);
            if let Some(ct) = content_type {
                then.header("content-type", ct);
            }
        })
        .await;
        let (status, reason, excerpt) = malformed(&error);
        assert_eq!(status, 200);
        assert!(reason.contains(reason_part), "{reason}");
        // A success body of this operation may hold a token: never shown.
        assert_eq!(excerpt, None);
    }
}

#[tokio::test]
async fn a_non_json_success_body_is_a_malformed_response() {
    let error = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(200).body("OK");
    })
    .await;
    let (status, reason, _) = malformed(&error);
    assert_eq!(status, 200);
    assert!(reason.contains("expected value"), "{reason}");
}

#[tokio::test]
async fn a_success_with_the_wrong_content_type_is_refused() {
    let error = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(200)
            .header("content-type", "text/html; charset=utf-8")
            .body(r#"{"token": "t"}"#);
    })
    .await;
    let (status, reason, _) = malformed(&error);
    assert_eq!(status, 200);
    assert!(reason.contains("\"text/html\""), "{reason}");
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    let redirect_to = server.url("/elsewhere");
    server
        .mock_async(move |when, then| {
            when.path(EMBEDDED_LINK);
            then.status(307).header("location", redirect_to);
        })
        .await;
    let error = client(&server)
        .embedded_link("ada")
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::UnexpectedStatus {
            status, location, ..
        } => {
            assert_eq!(status.as_u16(), 307);
            assert_eq!(location.as_deref(), Some(server.url("/elsewhere").as_str()));
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
    assert_eq!(
        elsewhere.calls_async().await,
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused() {
    let big = format!(r#"{{"token": "{}"}}"#, "x".repeat(100_000));
    let error = embedded_link_error(move |when, then| {
        when.path(EMBEDDED_LINK);
        then.status(200)
            .header("content-type", "application/json")
            .body(big);
    })
    .await;
    match error {
        Error::ResponseTooLarge { status, limit } => {
            assert_eq!((status.as_u16(), limit), (200, 4096));
        }
        other => panic!("expected a too-large error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_server_hits_the_request_timeout() {
    let started = std::time::Instant::now();
    let error = embedded_link_error(|when, then| {
        when.path(EMBEDDED_LINK);
        then.status(200)
            .delay(Duration::from_secs(5))
            .json_body(json!({"token": "t"}));
    })
    .await;
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let error = client_of_closed_port(Default::default())
        .embedded_link("ada")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn long_error_text_is_cut_so_logs_stay_bounded() {
    let long = "x".repeat(3000);
    let error = embedded_link_error(move |when, then| {
        when.path(EMBEDDED_LINK);
        then.status(400)
            .json_body(json!({"errorCode": "E011003", "errorMessage": long}));
    })
    .await;
    let message = error.api().unwrap().message().unwrap();
    assert_eq!(
        message.chars().count(),
        513,
        "512 characters and an ellipsis"
    );
    assert!(message.ends_with('…'));
}
