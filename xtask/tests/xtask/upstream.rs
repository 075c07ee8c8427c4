//! `cargo xtask upstream` on a published-shaped fixture of our own
//! (`fixtures/published.yaml`): the deviations file applied to it gives our
//! spec's structure, each kind of difference is found where it is, the exit
//! statuses, and adoption of the operations the spec gained since.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{workspace, SPEC};

const DEVIATIONS: &str = "spec/upstream-deviations.yaml";

fn fixture() -> String {
    fs::read_to_string(workspace().join("xtask/tests/xtask/fixtures/published.yaml")).unwrap()
}

/// A root holding our spec and deviations, and `published` as a file.
fn setup(published: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [SPEC, DEVIATIONS] {
        let to = dir.path().join(file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(workspace().join(file), to).unwrap();
    }
    fs::write(dir.path().join("published.yaml"), published).unwrap();
    dir
}

fn upstream(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("upstream")
        .arg(root.join("published.yaml"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn report(root: &Path) -> (Option<i32>, Value) {
    let output = upstream(root, &["--format", "json"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), report)
}

/// The report as a maintainer reads it.
fn text_report(root: &Path) -> String {
    String::from_utf8_lossy(&upstream(root, &[]).stdout).into_owned()
}

fn operation<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["operation"] == id)
        .unwrap_or_else(|| panic!("{id} not reported"))
}

/// The pointers of the (c) differences of operation `id`.
fn not_recorded(report: &Value, id: &str) -> Vec<String> {
    operation(report, id)["not_recorded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["at"].as_str().unwrap().to_string())
        .collect()
}

/// The numbers of the (b) deviations.
fn no_longer_needed(report: &Value) -> Vec<u64> {
    report["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["changes"].as_array().unwrap().is_empty())
        .map(|d| d["number"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_deviations_applied_to_the_published_slice_give_our_structure() {
    let root = setup(&fixture());
    let (code, report) = report(root.path());
    for op in report["operations"].as_array().unwrap() {
        assert_eq!(op["not_recorded"], serde_json::json!([]), "{op:#}");
        assert!(
            !op["deviations_applied"].as_array().unwrap().is_empty(),
            "{op:#}"
        );
    }
    assert_eq!(no_longer_needed(&report), Vec::<u64>::new());
    // The published document's defects are named, and leave the status alone.
    let defects: Vec<String> = report["defects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["kind"].as_str().unwrap(),
                d["pointer"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        defects.contains(
            &"default-mismatch /components/schemas/IDPResponse/properties/idpSAMLAttributes/default"
                .to_string()
        ),
        "{defects:#?}"
    );
    assert_eq!(code, Some(0));
    // Prose is counted, never compared: the fixture's differs from ours.
    let phone = operation(&report, "UpdateUserPhoneMagicLinkSMS");
    assert_eq!(phone["prose_published"], 3);
    assert!(phone["prose_ours"].as_u64().unwrap() > 10);
    assert_eq!(report["published_operations"], 10);
}

#[test]
fn an_upstream_change_not_recorded_is_named_by_its_pointer() {
    let published = fixture().replacen(
        "        phone:\n          type: string\n",
        "        phone:\n          type: string\n        loginHint:\n          type: string\n",
        1,
    );
    let root = setup(&published);
    let (code, report) = report(root.path());
    assert_eq!(
        not_recorded(&report, "UpdateUserPhoneMagicLinkSMS"),
        ["/requestBody/content/application~1json/schema/properties/loginHint"]
    );
    assert_eq!(
        not_recorded(&report, "EmbeddedLinkSignin"),
        Vec::<String>::new()
    );
    assert_eq!(code, Some(1));
    let text = text_report(root.path());
    assert!(
        text.contains("/properties/loginHint: published {\"type\":\"string\"}, ours absent"),
        "{text}"
    );
}

#[test]
fn a_deviation_upstream_no_longer_needs_is_listed() {
    // Upstream now requires the token and marks it a secret, as we do.
    let published = fixture().replacen(
        "    EmbeddedLinkSignInResponse:\n      type: object\n      properties:\n        token:\n          type: string\n",
        "    EmbeddedLinkSignInResponse:\n      type: object\n      required: [token]\n      properties:\n        token:\n          type: string\n          format: password\n          minLength: 1\n",
        1,
    );
    let root = setup(&published);
    let (code, report) = report(root.path());
    let stale = no_longer_needed(&report);
    let targets: Vec<&str> = stale
        .iter()
        .map(|n| {
            report["deviations"][*n as usize - 1]["target"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        targets,
        [
            "$.components.schemas.EmbeddedLinkSignInResponse",
            "$.components.schemas.EmbeddedLinkSignInResponse.properties.token",
        ]
    );
    assert_eq!(
        not_recorded(&report, "EmbeddedLinkSignin"),
        Vec::<String>::new()
    );
    assert_eq!(code, Some(1));
    let text = text_report(root.path());
    assert!(
        text.contains("(b) recorded deviations upstream no longer needs: 2"),
        "{text}"
    );
}

#[test]
fn a_deviation_whose_target_is_gone_is_listed() {
    let published = fixture().replacen("        redirectUrl:\n          type: string\n", "", 1);
    let root = setup(&published);
    let (_, report) = report(root.path());
    let gone: Vec<&Value> = report["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["matched"] == 0)
        .collect();
    assert_eq!(gone.len(), 1, "{gone:#?}");
    assert!(gone[0]["target"]
        .as_str()
        .unwrap()
        .ends_with(".redirectUrl"));
    assert!(gone[0]["changes"].as_array().unwrap().is_empty());
}

#[test]
fn an_unusable_input_exits_2() {
    for (what, published) in [
        ("not YAML", "openapi: [3.0.3\n"),
        ("no openapi field", "swagger: '2.0'\n"),
        (
            "OpenAPI 3.1",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        ),
        (
            "a reference our operations need is dangling",
            &fixture().replacen(
                "$ref: '#/components/schemas/PhoneMagicLinkResponse'",
                "$ref: '#/components/schemas/Gone'",
                1,
            ),
        ),
    ] {
        let root = setup(published);
        let output = upstream(root.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "{what}: {output:?}");
        assert!(output.stdout.is_empty(), "{what}");
    }
    let root = setup(&fixture());
    fs::write(
        root.path().join(DEVIATIONS),
        "overlay: 1.0.0\nactions: []\n",
    )
    .unwrap();
    assert_eq!(upstream(root.path(), &[]).status.code(), Some(2));
}

/// `text` without the lines from the one that is `from` up to, not
/// including, the next one that is `to`.
fn cut(text: &str, from: &str, to: &str) -> String {
    let start = text
        .find(&format!("\n{from}\n"))
        .unwrap_or_else(|| panic!("{from}"))
        + 1;
    let end = start
        + text[start..]
            .find(&format!("\n{to}\n"))
            .unwrap_or_else(|| panic!("{to}"))
        + 1;
    format!("{}{}", &text[..start], &text[end..])
}

/// Each operation the spec gained after the first two, taken out of a copy
/// of the spec (with the components only it uses) and adopted back from the
/// fixture: the result has the structure the spec had, and no prose but ours.
#[test]
fn the_operations_added_since_are_adopted_with_the_same_structure() {
    let spec = fs::read_to_string(workspace().join(SPEC)).unwrap();
    let cases = [
        (
            "GetLicense",
            cut(
                &cut(&spec, "  /v1/mgmt/license:", "  /v1/auth/refresh:"),
                "    LicenseResponse:",
                "    ErrorBody:",
            ),
        ),
        (
            "VerifyMagicLink",
            cut(
                &cut(&spec, "  /v1/auth/magiclink/verify:", "  /v1/mgmt/license:"),
                // The session it answers is shared with the session
                // operations: only its own request schema goes.
                "    VerifyMagicLinkRequest:",
                "    JWTResponse:",
            ),
        ),
        (
            "EmbeddedLinkSignup",
            cut(
                &cut(
                    &spec,
                    "  /v1/mgmt/user/signup/embeddedlink:",
                    "  /v1/auth/magiclink/verify:",
                ),
                "    EmbeddedLinkSignupRequest:",
                "    VerifyMagicLinkRequest:",
            ),
        ),
    ];
    let session_cases = [
        // Its own request schema goes with it; JWTResponse, which
        // VerifyMagicLink keeps, is reused as ours (deviations applied).
        (
            "RefreshSession",
            cut(
                &cut(&spec, "  /v1/auth/refresh:", "  /v1/auth/logout:"),
                "    RefreshSessionRequest:",
                "    LogoutRequest:",
            ),
        ),
        // Reaches only ResponseUser, a component shared with VerifyMagicLink.
        (
            "Me",
            cut(&spec, "  /v1/auth/me:", "  /v2/keys/{projectId}:"),
        ),
    ];
    for (id, without) in cases.into_iter().chain(session_cases) {
        let root = setup(&fixture());
        fs::write(root.path().join(SPEC), &without).unwrap();
        let (_, before) = report(root.path());
        let listed = before["operations"].as_array().unwrap();
        assert!(
            !listed.iter().any(|op| op["operation"] == id),
            "{id} was left in"
        );
        let adopted = upstream(root.path(), &["--adopt", id]);
        assert_eq!(adopted.status.code(), Some(0), "{id}: {adopted:?}");
        let text = fs::read_to_string(root.path().join(SPEC)).unwrap();
        assert!(text.contains(&format!("operationId: {id}")), "{id}");
        assert!(
            text.contains("TODO(adopt): describe in our own words"),
            "{id}"
        );
        assert!(!text.contains("Fixture"), "{id}: published prose came in");
        descope_spec::Spec::parse("adopted.yaml", &text).unwrap();
        let (code, after) = report(root.path());
        assert_eq!(not_recorded(&after, id), Vec::<String>::new(), "{id}");
        assert_eq!(code, Some(0), "{id}: {after:#}");
        // Adopting it again is refused: the spec has it.
        assert_eq!(
            upstream(root.path(), &["--adopt", id]).status.code(),
            Some(2)
        );
    }
}

/// Every recorded deviation says why, and points at evidence that exists.
#[test]
fn each_deviation_has_its_reason_and_evidence() {
    let text = fs::read_to_string(workspace().join(DEVIATIONS)).unwrap();
    let overlay: Value = serde_norway::from_str(&text).unwrap();
    let actions = overlay["actions"].as_array().unwrap();
    assert!(actions.len() > 40, "{}", actions.len());
    for (number, action) in actions.iter().enumerate().map(|(i, a)| (i + 1, a)) {
        let reason = action["description"].as_str().unwrap_or_default();
        assert!(reason.len() > 20, "deviation {number} gives no reason");
        let evidence = action["x-evidence"].as_array().unwrap_or_else(|| {
            panic!("deviation {number} lists no evidence");
        });
        assert!(!evidence.is_empty(), "deviation {number}");
        for file in evidence {
            let file = file.as_str().unwrap();
            assert!(
                workspace().join(file).exists(),
                "deviation {number}: {file} does not exist"
            );
        }
    }
}
