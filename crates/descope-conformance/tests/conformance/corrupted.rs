//! Corrupted copies of the recordings and of the spec each fail, with a
//! message that names the file and the problem.

use crate::support::{
    assert_problem, copy_of_recorded, edit, edited_spec, last_line, run_binary, run_on, spec,
    spec_text,
};
use descope_conformance::{CheckKind, Format, RunOptions};
use descope_spec::Operation;

#[tokio::test]
async fn a_wrong_request_body_field_fails_the_replay() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "update-phone-everything.yaml",
        "    locale: en-GB\n    failOnConflict: true\nresponses",
        "    locale: en-US\n    failOnConflict: true\nresponses",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    // One replay per client fails; the recording itself is still on-spec.
    assert_eq!(report.failed(), 2, "{:#?}", report.problems());
    assert_problem(
        &report,
        &[
            "update-phone-everything.yaml: request 1: body /locale",
            r#"expected "en-US", got "en-GB""#,
        ],
    );
}

#[tokio::test]
async fn a_misnamed_request_body_field_breaks_the_spec() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "embedded-link-everything.yaml",
        "    timeout: 300\nresponses",
        "    timeOut: 300\nresponses",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &[
            "embedded-link-everything.yaml: request body:",
            "'timeOut' was unexpected",
        ],
    );
    assert_problem(
        &report,
        &["embedded-link-everything.yaml: request 1: body /timeOut: missing"],
    );
}

#[tokio::test]
async fn a_changed_status_fails() {
    let dir = copy_of_recorded();
    // A status the spec does not declare.
    edit(
        dir.path(),
        "embedded-link-minimal.yaml",
        "status: 200",
        "status: 201",
    );
    // A declared status that is not what the outcome says.
    edit(
        dir.path(),
        "embedded-link-403-forbidden.yaml",
        "status: 403",
        "status: 409",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &[
            "embedded-link-minimal.yaml: responses[0] (201): status 201 is not declared",
            "(declared: 200, 429, 4XX, 5XX)",
        ],
    );
    assert_problem(
        &report,
        &[
            "embedded-link-403-forbidden.yaml: outcome: expected",
            r#""status":403"#,
            r#"got {"error":{"kind":"api","status":409"#,
        ],
    );
}

#[tokio::test]
async fn an_unknown_operation_fails() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "embedded-link-minimal.yaml",
        "operation: EmbeddedLinkSignin",
        "operation: EmbeddedLinkSignIn",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &["embedded-link-minimal.yaml: operation `EmbeddedLinkSignIn` is not in spec/descope.yaml"],
    );
    assert_problem(
        &report,
        &["embedded-link-minimal.yaml: no outcome: the raw driver does not know operation `EmbeddedLinkSignIn`"],
    );
}

#[tokio::test]
async fn a_conforming_response_marked_off_spec_fails() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "embedded-link-200-wrong-type.yaml",
        "token: 42",
        "token: \"42\"",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &["embedded-link-200-wrong-type.yaml: responses[0] (200): marked offSpec, but it conforms"],
    );
}

#[tokio::test]
async fn a_missing_exchange_shows_in_coverage() {
    let dir = copy_of_recorded();
    for file in ["embedded-link-500.yaml", "update-phone-everything.yaml"] {
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    let coverage = report
        .results
        .iter()
        .find(|r| r.check == CheckKind::Coverage)
        .expect("a coverage result");
    assert!(
        coverage
            .problems
            .contains(&"EmbeddedLinkSignin: no exchange has a `5XX` response".into()),
        "{:#?}",
        coverage.problems
    );
    for field in ["onMergeUseExisting", "providerId", "failOnConflict"] {
        let missing = format!("UpdateUserPhoneMagicLinkSMS: no recorded request sends `{field}`");
        assert!(
            coverage.problems.contains(&missing),
            "{:#?}",
            coverage.problems
        );
    }
    // The figures say as much, in every format.
    let figures = report.coverage.expect("figures");
    let statuses = figures.response_statuses;
    let fields = figures.request_fields;
    assert_eq!(statuses.covered + 1, statuses.declared, "{statuses}");
    let unsent = coverage
        .problems
        .iter()
        .filter(|p| p.contains("no recorded request sends"))
        .count();
    assert!(unsent >= 3);
    assert_eq!(fields.covered + unsent, fields.declared, "{fields}");
    let operations = Operation::ALL.len();
    let line = format!(
        "coverage: operations {operations}/{operations}, response statuses {statuses}, request fields {fields}, constraints probed 0/"
    );
    assert!(report.render(Format::Table).contains(&line));
    let json: serde_json::Value = serde_json::from_str(&report.render(Format::Json)).unwrap();
    assert_eq!(
        json["coverage"]["request_fields"]["covered"],
        fields.covered
    );
    let junit = report.render(Format::Junit);
    let property = format!("<property name=\"coverage.request_fields\" value=\"{fields}\"/>");
    assert!(junit.contains(&property), "{junit}");
}

#[tokio::test]
async fn a_client_that_would_need_to_retry_fails_the_count() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "update-phone-503-then-200.yaml",
        "    requests: 1\n",
        "",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &["update-phone-503-then-200.yaml: expected 2 requests to arrive, 1 request arrived"],
    );
}

#[tokio::test]
async fn a_spec_without_a_required_request_field_fails() {
    let spec = edited_spec("required: [loginId, phone]", "required: [loginId]");
    let spec_without_phone = spec_text()
        .replacen("required: [loginId, phone]", "required: [loginId]", 1)
        .replacen(
            "        phone:\n          $ref: '#/components/schemas/PhoneNumber'\n",
            "        unusedPhone:\n          $ref: '#/components/schemas/PhoneNumber'\n",
            1,
        );
    assert_ne!(spec_without_phone, spec_text());
    let dir = copy_of_recorded();
    // Dropping `phone` only from `required` leaves every recording valid.
    let report = run_on(spec, dir.path(), RunOptions::default()).await;
    assert_eq!(report.failed(), 0, "{:#?}", report.problems());

    let spec = descope_spec::Spec::parse("no-phone.yaml", &spec_without_phone).unwrap();
    let report = run_on(spec, dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &[
            "update-phone-minimal.yaml: input `phone` is not a request field of UpdateUserPhoneMagicLinkSMS",
        ],
    );
    assert_problem(
        &report,
        &["update-phone-minimal.yaml: request body: Additional properties are not allowed ('phone' was unexpected)"],
    );
    // The generated client still sends it: its types drifted from this spec.
    assert_problem(
        &report,
        &["update-phone-minimal.yaml: request 1 as the raw client sent it breaks the spec"],
    );
    assert_problem(&report, &["no recorded request sends `unusedPhone`"]);
}

#[tokio::test]
async fn a_spec_with_a_renamed_response_field_fails() {
    let spec = edited_spec(
        "      required: [maskedPhone]\n      properties:\n        maskedPhone:",
        "      required: [maskedNumber]\n      properties:\n        maskedNumber:",
    );
    let dir = copy_of_recorded();
    let report = run_on(spec, dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &["update-phone-minimal.yaml: responses[0] (200) body: \"maskedNumber\" is a required property"],
    );
}

#[test]
fn an_unknown_key_is_reported_with_file_and_key_by_the_binary() {
    let dir = copy_of_recorded();
    edit(
        dir.path(),
        "update-phone-minimal.yaml",
        "responses:",
        "respones:",
    );
    let output = run_binary(&["--recorded", dir.path().to_str().unwrap()]);
    assert!(!output.success, "{}", output.stdout);
    let line = output
        .stdout
        .lines()
        .find(|l| l.starts_with("update-phone-minimal.yaml"))
        .expect("a row for the file");
    assert!(line.contains("load") && line.contains("FAIL"), "{line}");
    assert!(line.contains("unknown field `respones`"), "{line}");
    assert!(
        last_line(&output.stdout).ends_with(" passed, 1 failed"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_corrupted_spec_file_fails_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("descope.yaml");
    let corrupted = spec_text().replacen(
        "      minLength: 1\n      description: The one-time",
        "      maxLength: 1\n      description: The one-time",
        1,
    );
    assert_ne!(
        corrupted,
        spec_text(),
        "the edit no longer applies to the spec"
    );
    std::fs::write(&path, corrupted).unwrap();
    let output = run_binary(&["--spec", path.to_str().unwrap()]);
    assert!(!output.success, "{}", output.stdout);
    assert!(
        output.stdout.contains("embedded-link-minimal.yaml")
            && output.stdout.contains("is longer than 1 character"),
        "{}",
        output.stdout
    );

    std::fs::write(&path, "openapi: 3.1.0\npaths: {}\n").unwrap();
    let output = run_binary(&["--spec", path.to_str().unwrap()]);
    assert!(!output.success);
    assert!(
        output
            .stdout
            .contains("OpenAPI 3.1.0 is not supported: only OpenAPI 3.0.x is read"),
        "{}",
        output.stdout
    );
    assert_eq!(last_line(&output.stdout), "0 passed, 1 failed");
}

#[tokio::test]
async fn a_wrong_query_or_path_parameter_fails() {
    let dir = copy_of_recorded();
    // A query input the operation does not declare, and one of the wrong type.
    edit(
        dir.path(),
        "keys-200-certs.yaml",
        "  query:\n    certs: true\n",
        "  query:\n    certs: \"yes\"\n    colour: red\n",
    );
    // A path parameter that is not the caller's project id.
    edit(
        dir.path(),
        "keys-200.yaml",
        "  path: /v2/keys/Pfake00000000000000000000000\n",
        "  path: /v2/keys/Pother?colour=red\n",
    );
    let report = run_on(spec(), dir.path(), RunOptions::default()).await;
    assert_problem(
        &report,
        &["keys-200-certs.yaml: input query `colour` is not a query parameter of GetKeysV2"],
    );
    assert_problem(
        &report,
        &["keys-200-certs.yaml: input query `certs`:", "boolean"],
    );
    assert_problem(
        &report,
        &["keys-200.yaml: request path: query `colour` is not a query parameter of GetKeysV2"],
    );
    assert_problem(
        &report,
        &["keys-200.yaml: request path: the {projectId} segment is Pother, not the caller's"],
    );
    assert_problem(
        &report,
        &["keys-200.yaml: request 1: path: expected /v2/keys/Pother?colour=red"],
    );
}
