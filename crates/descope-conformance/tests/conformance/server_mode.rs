//! `--base-url`: the recorded requests put to a server. A server that
//! answers as recorded passes; one that accepts anything fails.

use crate::support::{assert_problem, last_line, run_binary, spec};
use descope_conformance::{
    check_server, default_drivers, run, CheckKind, RunOptions, ScriptedServer, Suite,
};
use descope_spec::recorded::Recordings;
use httpmock::MockServer;

#[tokio::test]
async fn a_server_answering_as_recorded_passes() {
    let spec = spec();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let recordings = Recordings::embedded();
    let mut checked = 0;
    for exchange in &recordings.exchanges {
        if !exchange.suits_a_server() {
            continue;
        }
        let server = ScriptedServer::start(&exchange.responses, false).await;
        let problems = check_server(&spec, exchange, &server.base_url(), &http).await;
        assert!(problems.is_empty(), "{problems:#?}");
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} exchanges were put to the server"
    );
}

#[tokio::test]
async fn a_server_that_accepts_anything_fails() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("content-type", "application/json")
                .body("{}");
        })
        .await;
    let suite = Suite::embedded();
    let options = RunOptions {
        base_url: Some(server.base_url()),
        ..RunOptions::default()
    };
    let report = run(&suite, &default_drivers(), &options).await;
    // A recorded answer of `{}` (a logout's) is what this server gives: those
    // exchanges are the only ones it may pass.
    let empty_answer = |file: &str| {
        suite.recordings.exchanges.iter().any(|e| {
            e.file == file
                && matches!(e.responses.as_slice(),
                    [only] if only.status == 200 && only.body == Some(serde_json::json!({})))
        })
    };
    let server_results: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.check == CheckKind::Server && !empty_answer(&r.exchange))
        .collect();
    assert!(!server_results.is_empty());
    assert!(
        server_results.iter().all(|r| !r.passed()),
        "{:#?}",
        server_results
    );
    assert_problem(
        &report,
        &["update-phone-minimal.yaml: body breaks the spec: \"maskedPhone\" is a required property"],
    );
    assert_problem(
        &report,
        &["update-phone-minimal.yaml: body lacks `maskedPhone`"],
    );
    assert_problem(
        &report,
        &["embedded-link-404-user-not-found.yaml: status: expected 404, got 200"],
    );
    assert_problem(
        &report,
        &["embedded-link-404-user-not-found.yaml: errorCode: expected \"E062108\", got null"],
    );
}

#[test]
fn the_binary_reports_a_server_that_accepts_anything() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(200).body("{}");
    });
    let output = run_binary(&["--base-url", &server.base_url()]);
    assert!(!output.success, "{}", output.stdout);
    let summary = last_line(&output.stdout);
    assert!(!summary.ends_with(" 0 failed"), "{summary}");
    assert!(output.stdout.contains("server"), "{}", output.stdout);
}
