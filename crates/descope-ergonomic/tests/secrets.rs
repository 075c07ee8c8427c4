//! No secret in any output: tracing (at every level, dependencies included),
//! errors' `Display` and `Debug`, and the `Debug` of every public value.

mod common;

use std::sync::Arc;

use common::*;
use descope_ergonomic::{DescopeClient, RetryPolicy};
use httpmock::prelude::*;
use serde_json::json;

const TOKEN: &str = "EMBEDDED-LINK-TOKEN-SECRET";
const SECRETS: [&str; 4] = [MANAGEMENT_KEY, REFRESH_JWT, AUTH_MANAGEMENT_KEY, TOKEN];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} leaks a secret: {text}");
    }
}

#[tokio::test]
async fn no_output_contains_a_secret() {
    let captured = CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    let echo = format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY} {MANAGEMENT_KEY}");
    server
        .mock_async(|when, then| {
            when.path(UPDATE_PHONE)
                .json_body_includes(r#"{"loginId": "ok"}"#);
            then.status(200).json_body(json!({"maskedPhone": "+1***"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(UPDATE_PHONE)
                .json_body_includes(r#"{"loginId": "echo"}"#);
            then.status(401).json_body(json!({
                "errorCode": "E011001",
                "errorDescription": "Unauthorized",
                "errorMessage": format!("credential was {echo}"),
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .json_body_includes(r#"{"loginId": "ok"}"#);
            then.status(200).json_body(json!({"token": TOKEN}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .json_body_includes(r#"{"loginId": "typo"}"#);
            then.status(200)
                .json_body(json!({"token": TOKEN, "maskedEmail": 12}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .json_body_includes(r#"{"loginId": "html"}"#);
            then.status(502)
                .header("content-type", "text/html")
                .body(format!("<pre>{echo}</pre>"));
        })
        .await;

    let builder = builder(&server, Arc::default())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .retry_policy(RetryPolicy::none());
    let mut outputs = vec![format!("{builder:?}")];
    let client: DescopeClient = builder.build().unwrap();
    outputs.push(format!("{client:?}"));

    let request = client.update_phone_magic_link_sms(jwt(), "ok", "+12025550123");
    outputs.push(format!("{request:?}"));
    outputs.push(format!("{:?}", request.send().await.unwrap()));
    let error = client
        .update_phone_magic_link_sms(jwt(), "echo", "+12025550123")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert!(error.to_string().contains("[REDACTED]"), "{error}");
    outputs.extend([error.to_string(), format!("{error:?}")]);

    let link = client.embedded_link("ok").send().await.unwrap();
    assert_eq!(link.token().expose_secret(), TOKEN);
    outputs.extend([format!("{link:?}"), format!("{:?}", link.token())]);
    for login in ["typo", "html"] {
        let error = client.embedded_link(login).send().await.unwrap_err();
        outputs.extend([error.to_string(), format!("{error:?}")]);
    }

    for (i, output) in outputs.iter().enumerate() {
        assert_clean(&format!("output {i}"), output);
    }
    let log = captured.text();
    assert!(
        log.contains("descope.call"),
        "the span was not recorded: {log}"
    );
    assert!(log.contains("operation=\"EmbeddedLinkSignin\""), "{log}");
    assert_clean("the tracing output", &log);
}
