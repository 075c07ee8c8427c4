//! The maintainer's loop, end to end on a copy of the workspace: edit the
//! spec, regenerate, and see the generated code, the wrapper's build and the
//! conformance suite each name what changed; restore, and all is green again.
//!
//! The copy is built into the workspace's own target dir, as the main job
//! builds the wrapper, so its dependencies are already compiled; `generate`
//! and `spec-diff` run in this process (see `descope_workspace_tests`).

use std::fs;
use std::path::Path;

use descope_workspace_tests::{
    cargo, conformance, copy_workspace, crate_effect, edit_spec, failing_spec_checks, invalidated,
    regenerate, spec_diff, stderr, workspace,
};

const GENERATED: &str = "crates/descope-raw/src/generated.rs";

/// Whether the wrapper in the copy builds. It is built as the main job
/// builds it (the conformance library, which holds the wrapper, with the
/// same features, into the same target dir), so that after the main job
/// only the copy's own crates compile; `--lib` uplifts no binary over the
/// workspace's own. The copy's own crates go without debug info: less to
/// compile, and artifacts of their own. (Cargo names a crate's artifacts
/// after its path within the workspace, which the copy shares: with the
/// same settings, an edited copy's build would replace the main job's.)
fn check_wrapper(root: &Path) -> std::process::Output {
    cargo(
        root,
        &workspace().join("target"),
        &[
            "build",
            "--quiet",
            "--offline",
            "--config",
            "profile.dev.debug=false",
            "-p",
            "descope-conformance",
            "--lib",
        ],
    )
}

fn assert_generated(root: &Path, contains: &str) {
    regenerate(root).unwrap();
    let generated = fs::read_to_string(root.join(GENERATED)).unwrap();
    assert!(
        generated.contains(contains),
        "generated code lacks {contains:?}"
    );
}

fn problems_mentioning(report: &descope_conformance::Report, needle: &str) -> Vec<String> {
    report
        .problems()
        .into_iter()
        .filter(|p| p.contains(needle))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn spec_edits_surface_in_code_build_and_conformance_and_restoring_heals() {
    let copy = copy_workspace();
    let root = copy.path();
    let original_spec = fs::read(root.join("spec/descope.yaml")).unwrap();
    let original_generated = fs::read(root.join(GENERATED)).unwrap();

    let baseline = conformance(root).await;
    assert_eq!(baseline.failed(), 0, "{:?}", baseline.problems());
    // What spec-diff compares each edit with.
    let before = tempfile::NamedTempFile::new().unwrap();
    fs::write(before.path(), &original_spec).unwrap();

    // 1. A new required request field.
    edit_spec(
        root,
        "      required: [loginId, phone]\n      properties:\n",
        "      required: [loginId, phone, channel]\n      properties:\n        channel:\n          type: string\n",
    );
    assert_generated(root, "pub channel: ::std::string::String");

    let report = conformance(root).await;
    assert!(report.failed() > 0);
    let named = problems_mentioning(&report, "\"channel\" is a required property");
    for exchange in ["update-phone-minimal.yaml", "update-phone-everything.yaml"] {
        assert!(
            named.iter().any(|p| p.starts_with(exchange)),
            "{exchange} is not named: {named:#?}"
        );
    }
    assert!(
        named.iter().all(|p| p.starts_with("update-phone-")),
        "an embedded-link exchange was blamed: {named:#?}"
    );

    let build = check_wrapper(root);
    assert!(!build.status.success(), "the wrapper still builds");
    assert!(
        stderr(&build).contains("missing field `channel`"),
        "{}",
        stderr(&build)
    );
    // spec-diff said so before anything was built or run.
    let diff = spec_diff(root, before.path());
    assert_eq!(diff["changes"][0]["wire"], "breaking", "{diff:#}");
    assert_eq!(
        crate_effect(&diff, "descope-ergonomic")["source_needs_edits"],
        true
    );
    assert_eq!(
        crate_effect(&diff, "fake-descope")["behaviour_breaking"],
        true
    );
    assert_eq!(invalidated(&diff), failing_spec_checks(&report));

    // Restored: the same bytes as before, and everything passes.
    fs::write(root.join("spec/descope.yaml"), &original_spec).unwrap();
    regenerate(root).unwrap();
    assert_eq!(fs::read(root.join(GENERATED)).unwrap(), original_generated);
    assert_eq!(conformance(root).await.failed(), 0);

    // 2. A renamed response field.
    edit_spec(
        root,
        "      required: [maskedPhone]\n      properties:\n        maskedPhone:\n",
        "      required: [maskedNumber]\n      properties:\n        maskedNumber:\n",
    );
    assert_generated(root, "pub masked_number: ::std::string::String");

    let report = conformance(root).await;
    let named = problems_mentioning(&report, "\"maskedNumber\" is a required property");
    for exchange in [
        "update-phone-minimal.yaml",
        "update-phone-503-then-200.yaml",
    ] {
        assert!(
            named.iter().any(|p| p.starts_with(exchange)),
            "{exchange} is not named: {:#?}",
            report.problems()
        );
    }

    let build = check_wrapper(root);
    assert!(!build.status.success(), "the wrapper still builds");
    assert!(
        stderr(&build).contains("masked_phone"),
        "{}",
        stderr(&build)
    );
    let diff = spec_diff(root, before.path());
    assert_eq!(
        crate_effect(&diff, "descope-ergonomic")["source_needs_edits"],
        true
    );
    assert_eq!(invalidated(&diff), failing_spec_checks(&report));
    assert!(!invalidated(&diff).is_empty());

    // 3. A compatible edit: an optional response field. Nothing fails, the
    // wrapper builds, and spec-diff says exactly that.
    fs::write(root.join("spec/descope.yaml"), &original_spec).unwrap();
    edit_spec(
        root,
        "      required: [maskedPhone]\n      properties:\n",
        "      required: [maskedPhone]\n      properties:\n        carrier:\n          type: string\n",
    );
    regenerate(root).unwrap();
    let diff = spec_diff(root, before.path());
    assert_eq!(diff["changes"][0]["wire"], "compatible", "{diff:#}");
    assert_eq!(
        crate_effect(&diff, "descope-ergonomic")["source_needs_edits"],
        false
    );
    assert!(invalidated(&diff).is_empty());
    let report = conformance(root).await;
    assert_eq!(report.failed(), 0, "{:?}", report.problems());
    let build = check_wrapper(root);
    assert!(build.status.success(), "{}", stderr(&build));

    // Restored again: regenerated bytes, suite and build all back to green.
    fs::write(root.join("spec/descope.yaml"), &original_spec).unwrap();
    regenerate(root).unwrap();
    assert_eq!(fs::read(root.join(GENERATED)).unwrap(), original_generated);
    let report = conformance(root).await;
    assert_eq!(report.failed(), 0, "{:?}", report.problems());
    let build = check_wrapper(root);
    assert!(build.status.success(), "{}", stderr(&build));
}
