//! The built-in suite passes, through the library and through the binary.

use crate::support::{last_line, run_binary};
use descope_conformance::{default_drivers, run, CheckKind, Format, RunOptions, Suite};
use descope_spec::recorded::ClientKind;
use descope_spec::Operation;

#[tokio::test]
async fn the_embedded_suite_passes() {
    let suite = Suite::embedded();
    assert!(
        suite.recordings.errors.is_empty(),
        "{:?}",
        suite.recordings.errors
    );
    let report = run(&suite, &default_drivers(), &RunOptions::default()).await;
    assert_eq!(report.failed(), 0, "{}", report.render(Format::Table));

    let count = |check: CheckKind| report.results.iter().filter(|r| r.check == check).count();
    let exchanges = suite.recordings.exchanges.len();
    assert!(exchanges >= 20, "only {exchanges} exchanges");
    assert_eq!(count(CheckKind::Spec), exchanges);
    // One replay per exchange and client it applies to.
    let replays: usize = ClientKind::ALL
        .iter()
        .map(|client| {
            suite
                .recordings
                .exchanges
                .iter()
                .filter(|e| e.applies_to(*client))
                .count()
        })
        .sum();
    assert_eq!(count(CheckKind::Replay), replays);
    let ergonomic = report
        .results
        .iter()
        .filter(|r| r.client == Some(ClientKind::Ergonomic))
        .count();
    assert_eq!(
        ergonomic, exchanges,
        "every exchange applies to the ergonomic client"
    );
    assert_eq!(count(CheckKind::Coverage), 1);

    // The figures: everything the recordings can cover is; nothing was probed.
    let coverage = report.coverage.expect("coverage figures");
    for (name, tally) in &coverage.figures()[..3] {
        assert!(
            tally.declared > 0 && tally.covered == tally.declared,
            "{name}: {tally}"
        );
    }
    assert_eq!(coverage.operations.declared, Operation::ALL.len());
    assert_eq!(coverage.constraints_probed.covered, 0);
    assert!(coverage.constraints_probed.declared >= 30);
}

#[test]
fn the_binary_passes_and_closes_with_the_counts() {
    let output = run_binary(&[]);
    assert!(output.success, "{}{}", output.stdout, output.stderr);
    let summary = last_line(&output.stdout);
    let (passed, failed) = summary
        .split_once(" passed, ")
        .expect("a closing line `N passed, N failed`");
    assert!(passed.parse::<usize>().unwrap() > 40, "{summary}");
    assert_eq!(failed, "0 failed");
    assert!(output.stdout.starts_with("EXCHANGE"), "{}", output.stdout);
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert!(
        lines[lines.len() - 2].starts_with("coverage: operations 10/10, response statuses 40/40,"),
        "{}",
        output.stdout
    );
}

#[test]
fn machine_formats_and_filter() {
    let json = run_binary(&["--format", "json", "--filter", "update-phone-minimal"]);
    assert!(json.success, "{}", json.stderr);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let results = document["results"].as_array().expect("results");
    // The spec check and one replay per client; no coverage under a filter.
    assert_eq!(results.len(), 3, "{results:#?}");
    assert!(results
        .iter()
        .all(|r| r["exchange"] == "update-phone-minimal.yaml"));
    assert_eq!(last_line(&json.stderr), "3 passed, 0 failed");

    let junit = run_binary(&["--format", "junit", "--filter", "embedded-link-500"]);
    assert!(junit.success, "{}", junit.stderr);
    assert!(junit.stdout.starts_with("<?xml"), "{}", junit.stdout);
    assert!(junit
        .stdout
        .contains("<testsuites name=\"descope-conformance\" tests=\"3\" failures=\"0\">"));
    for client in ["raw", "ergonomic"] {
        assert!(junit.stdout.contains(&format!(
            "classname=\"replay.{client}\" name=\"embedded-link-500.yaml\""
        )));
    }
}
