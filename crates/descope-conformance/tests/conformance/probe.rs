//! `--probe`: the spec-derived requests a server must refuse. The fake
//! refuses every one, strict or permissive; a server that accepts anything,
//! or refuses without the declared error body, fails them; no message
//! carries a credential or the server's own text; a server that is not on
//! loopback is probed only with live credentials.

use crate::support::{last_line, run_binary};
use descope_conformance::{default_drivers, run, CheckKind, Format, Report, RunOptions, Suite};
use descope_spec::Operation;
use descope_spec::Spec;
use fake_descope::{FakeDescope, Project};
use httpmock::MockServer;

async fn probe(base_url: &str) -> Report {
    let options = RunOptions {
        base_url: Some(base_url.to_string()),
        probe: true,
        ..RunOptions::default()
    };
    run(&Suite::embedded(), &default_drivers(), &options).await
}

fn probe_results(report: &Report) -> Vec<&descope_conformance::CheckResult> {
    report
        .results
        .iter()
        .filter(|r| r.check == CheckKind::Probe)
        .collect()
}

/// How many operations need a credential: each gets three bad ones (the
/// key set needs none, so it has no wrong one).
fn credentialed_operations() -> usize {
    Operation::ALL
        .iter()
        .filter(|op| op.credential().is_some())
        .count()
}

/// How many constraints the embedded spec's request bodies declare.
fn declared_constraints() -> usize {
    Spec::embedded()
        .operations()
        .iter()
        .map(|op| descope_conformance::probe::probes(op).unwrap().declared())
        .sum()
}

#[tokio::test]
async fn the_fake_refuses_every_probe_strict_or_permissive() {
    // The project and credentials of the recordings, registered: strict.
    let strict = FakeDescope::builder()
        .project(
            Project::new("Pfake00000000000000000000000")
                .refresh_jwt("fake.refresh.jwt")
                .management_key("fake-management-key"),
        )
        .start()
        .await;
    let permissive = FakeDescope::builder().permissive(true).start().await;
    for fake in [&strict, &permissive] {
        let report = probe(fake.base_url()).await;
        assert_eq!(report.failed(), 0, "{}", report.render(Format::Table));
        let probes = probe_results(&report);
        // A probe per constraint, and three credential cases per operation
        // that needs a credential.
        assert_eq!(
            probes.len(),
            declared_constraints() + 3 * credentialed_operations()
        );
        let coverage = report.coverage.expect("figures");
        assert_eq!(coverage.constraints_probed.covered, declared_constraints());
        assert_eq!(coverage.constraints_probed.declared, declared_constraints());
        assert!(declared_constraints() >= 30, "{}", declared_constraints());
        // Probes, not the recorded requests: nothing was put through a client.
        assert!(report.results.iter().all(|r| r.check != CheckKind::Server));
        let received = fake.received();
        assert_eq!(received.len(), probes.len());
        assert!(received.iter().all(|r| (400..500).contains(&r.status)));
    }
}

#[tokio::test]
async fn a_server_that_accepts_anything_fails_every_probe() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"maskedPhone":"+1***","token":"t"}"#);
        })
        .await;
    let report = probe(&server.base_url()).await;
    let probes = probe_results(&report);
    // Three bad credentials per operation that needs one.
    assert_eq!(
        probes.len(),
        declared_constraints() + 3 * credentialed_operations()
    );
    assert!(probes.iter().all(|r| !r.passed()), "{probes:#?}");
    let required = probes
        .iter()
        .find(|r| r.exchange == "UpdateUserPhoneMagicLinkSMS: required /loginId")
        .unwrap();
    assert_eq!(required.problems, ["status: expected 400, got 200"]);
    let missing = probes
        .iter()
        .find(|r| r.exchange == "EmbeddedLinkSignin: credential missing")
        .unwrap();
    assert_eq!(missing.problems, ["status: expected 401 or 403, got 200"]);
    assert!(last_line(&report.render(Format::Table)).ends_with(&format!("{} failed", probes.len())));
}

#[tokio::test]
async fn a_refusal_without_the_declared_error_body_fails() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path_includes("embeddedlink");
            then.status(400).body("<html>bad request</html>");
        })
        .await;
    server
        .mock_async(|_, then| {
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"error":"bad"}"#);
        })
        .await;
    let report = probe(&server.base_url()).await;
    let problems = |exchange: &str| {
        probe_results(&report)
            .into_iter()
            .find(|r| r.exchange == exchange)
            .unwrap()
            .problems
            .clone()
    };
    assert_eq!(
        problems("EmbeddedLinkSignin: minimum 0 /timeout"),
        ["the body is not JSON"]
    );
    assert_eq!(
        problems("UpdateUserPhoneMagicLinkSMS: pattern /phone"),
        ["the body breaks the spec: `required` at (body)"]
    );
    assert_eq!(
        problems("UpdateUserPhoneMagicLinkSMS: credential missing"),
        [
            "status: expected 401 or 403, got 400",
            "the body breaks the spec: `required` at (body)"
        ]
    );
}

#[tokio::test]
async fn messages_carry_no_credential_and_no_text_of_the_server() {
    // A hostile server that echoes the Authorization header everywhere.
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200).header("content-type", "application/json").body(
                r#"{"errorCode":"fake.refresh.jwt","errorMessage":"fake-management-key","maskedPhone":5}"#,
            );
        })
        .await;
    let report = probe(&server.base_url()).await;
    for format in [Format::Table, Format::Json, Format::Junit] {
        let rendered = report.render(format);
        for secret in ["fake.refresh.jwt", "fake-management-key"] {
            assert!(!rendered.contains(secret), "{format:?} shows {secret}");
        }
    }
    assert!(report.failed() > 0);
}

#[tokio::test]
async fn a_server_off_loopback_is_probed_only_with_live_credentials() {
    let report = probe("https://descope.invalid").await;
    let probes = probe_results(&report);
    assert_eq!(probes.len(), 1, "nothing is sent: {probes:#?}");
    assert_eq!(
        probes[0].problems,
        ["https://descope.invalid is not loopback: probing it needs live credentials (--live)"]
    );
    assert_eq!(
        report.coverage.unwrap().constraints_probed.covered,
        0,
        "nothing was probed"
    );
}

#[test]
fn the_binary_probes_and_live_needs_the_environment() {
    let output = run_binary(&["--probe"]);
    assert!(!output.success);
    assert!(output.stderr.contains("--base-url"), "{}", output.stderr);

    let live = std::process::Command::new(env!("CARGO_BIN_EXE_descope-conformance"))
        .args(["--base-url", "https://descope.invalid", "--probe", "--live"])
        .env_remove("DESCOPE_PROJECT_ID")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&live.stdout);
    assert!(!live.status.success());
    assert!(
        stdout.contains("live credentials need DESCOPE_PROJECT_ID"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_binary_probes_a_fake_and_prints_the_figures() {
    let fake = FakeDescope::builder().permissive(true).start().await;
    let base_url = fake.base_url().to_string();
    let output = tokio::task::spawn_blocking(move || {
        run_binary(&["--base-url", &base_url, "--probe", "--format", "json"])
    })
    .await
    .unwrap();
    assert!(output.success, "{}{}", output.stdout, output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let declared = declared_constraints();
    assert_eq!(
        json["coverage"]["constraints_probed"],
        serde_json::json!({"covered": declared, "declared": declared})
    );
    assert!(
        output
            .stderr
            .contains(&format!("constraints probed {declared}/{declared}")),
        "{}",
        output.stderr
    );
}
