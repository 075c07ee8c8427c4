//! `--record`: new exchanges made from a server's answers, with every live
//! secret scrubbed, that then pass the suite. The "live" server here is a
//! loopback mock: no test reaches a real Descope.

use std::process::Command;

use crate::support::{last_line, spec};
use descope_conformance::{record, recording_client, to_yaml, LiveCredentials, SCRUBBED_TOKEN};
use descope_spec::recorded::{Exchange, Recordings};
use httpmock::prelude::*;
use serde_json::json;

const LIVE_PROJECT: &str = "PliveProject0000000000000000";
const LIVE_KEY: &str = "K-live-management-key";
const LIVE_JWT: &str = "eyJlive.refresh.jwt";
const LIVE_TOKEN: &str = "live-issued-token-value";

fn live() -> LiveCredentials {
    LiveCredentials::from_lookup(|name| {
        Some(
            match name {
                "DESCOPE_PROJECT_ID" => LIVE_PROJECT,
                "DESCOPE_MANAGEMENT_KEY" => LIVE_KEY,
                "DESCOPE_REFRESH_JWT" => LIVE_JWT,
                _ => return None,
            }
            .to_string(),
        )
    })
    .unwrap()
}

fn template(name: &str) -> Exchange {
    Recordings::embedded()
        .exchanges
        .into_iter()
        .find(|e| e.name == name)
        .unwrap()
}

/// `text` percent-encoded as a URL encoder does it.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn assert_no_live_secret(text: &str) {
    for secret in [LIVE_PROJECT, LIVE_KEY, LIVE_JWT, LIVE_TOKEN] {
        for form in [secret.to_string(), percent_encoded(secret)] {
            assert!(!text.contains(&form), "{form} was recorded:\n{text}");
        }
    }
}

#[tokio::test]
async fn a_recorded_success_is_scrubbed_and_replays() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            // The live credentials go to the server, not the fake ones.
            when.path("/v1/mgmt/user/signin/embeddedlink")
                .header("authorization", format!("Bearer {LIVE_PROJECT}:{LIVE_KEY}"));
            then.status(200).json_body(json!({
                "token": LIVE_TOKEN,
                "maskedEmail": format!("seen {LIVE_PROJECT}"),
            }));
        })
        .await;
    let http = recording_client(&server.base_url(), &live()).unwrap();
    let template = template("embedded-link-minimal");
    let recorded = record(&spec(), &template, &server.base_url(), &live(), &http)
        .await
        .unwrap();
    mock.assert_async().await;
    let yaml = to_yaml(&recorded).unwrap();
    assert_no_live_secret(&yaml);
    assert!(yaml.contains(SCRUBBED_TOKEN), "{yaml}");
    assert!(yaml.contains(&template.input.credentials.project_id));

    // The written file is a valid exchange that passes the whole suite.
    let reread = Exchange::parse(&recorded.file, &yaml).unwrap();
    assert_eq!(reread, recorded);
    let suite = descope_conformance::Suite {
        spec: spec(),
        recordings: Recordings::from_texts([(recorded.file.clone(), yaml)]),
    };
    let options = descope_conformance::RunOptions {
        skip_coverage: true,
        ..Default::default()
    };
    let report =
        descope_conformance::run(&suite, &descope_conformance::default_drivers(), &options).await;
    assert_eq!(report.failed(), 0, "{:#?}", report.problems());
    assert!(report.passed() >= 3);
}

#[tokio::test]
async fn a_recorded_error_keeps_its_code_and_retry_after() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/auth/magiclink/update/phone/sms")
                .header("authorization", format!("Bearer {LIVE_PROJECT}:{LIVE_JWT}"));
            then.status(429)
                .header("retry-after", "9")
                .json_body(json!({
                    "errorCode": "E130429",
                    "errorMessage": format!("slow down, {LIVE_JWT}"),
                    "errorDescription": format!("key={}", percent_encoded(LIVE_KEY)),
                }));
        })
        .await;
    let recorded = record(
        &spec(),
        &template("update-phone-minimal"),
        &server.base_url(),
        &live(),
        &recording_client(&server.base_url(), &live()).unwrap(),
    )
    .await
    .unwrap();
    let yaml = to_yaml(&recorded).unwrap();
    assert_no_live_secret(&yaml);
    assert!(yaml.contains("retryAfter: 9"), "{yaml}");
    assert!(yaml.contains("E130429"), "{yaml}");
}

#[tokio::test]
async fn the_binary_records_into_a_directory_and_checks_the_result() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink");
            then.status(200).json_body(json!({"token": LIVE_TOKEN}));
        })
        .await;
    let out = tempfile::tempdir().unwrap();
    let base_url = server.base_url();
    let out_dir = out.path().to_str().unwrap().to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_descope-conformance"))
            .args(["--record", "--base-url", &base_url, "--out", &out_dir])
            .args(["--filter", "embedded-link-minimal"])
            .env_clear()
            .env("DESCOPE_PROJECT_ID", LIVE_PROJECT)
            .env("DESCOPE_MANAGEMENT_KEY", LIVE_KEY)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("record"), "{stdout}");
    assert_eq!(last_line(&stdout), "4 passed, 0 failed");
    let written = std::fs::read_to_string(out.path().join("embedded-link-minimal.yaml")).unwrap();
    assert_no_live_secret(&written);
    assert_no_live_secret(&stdout);
}

#[test]
fn recording_needs_credentials_and_a_server() {
    let missing = LiveCredentials::from_lookup(|_| None).unwrap_err();
    assert!(missing.contains("DESCOPE_PROJECT_ID"), "{missing}");
    let output = Command::new(env!("CARGO_BIN_EXE_descope-conformance"))
        .args(["--record", "--out", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap refuses --record without --base-url"
    );
}

#[test]
fn recording_sends_live_credentials_only_as_the_wrapper_would() {
    // Plain http only to loopback: refused before any request is made.
    let error = recording_client("http://api.example.com", &live()).unwrap_err();
    assert!(error.contains("http"), "{error}");
    assert!(recording_client("https://api.example.com", &live()).is_ok());
    assert!(recording_client("http://127.0.0.1:9", &live()).is_ok());
}

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).json_body(json!({"token": LIVE_TOKEN}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink");
            then.status(302)
                .header("location", server.url("/elsewhere"));
        })
        .await;
    let http = recording_client(&server.base_url(), &live()).unwrap();
    let template = template("embedded-link-minimal");
    let error = record(&spec(), &template, &server.base_url(), &live(), &http)
        .await
        .unwrap_err();
    assert!(error.contains("redirected (302 to"), "{error}");
    assert_eq!(
        elsewhere.calls_async().await,
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_body_past_the_wrappers_cap_is_not_recorded() {
    let server = MockServer::start_async().await;
    let huge = "x".repeat(descope_ergonomic::DEFAULT_MAX_RESPONSE_BYTES + 1);
    server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!("{{\"token\": \"{huge}\"}}"));
        })
        .await;
    let http = recording_client(&server.base_url(), &live()).unwrap();
    let error = record(
        &spec(),
        &template("embedded-link-minimal"),
        &server.base_url(),
        &live(),
        &http,
    )
    .await
    .unwrap_err();
    assert!(error.contains("larger than"), "{error}");
}
