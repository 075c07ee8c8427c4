//! `cargo xtask spec-diff`: its exit statuses, formats and JSON shape, the
//! old spec from a git revision, the version check, and the summary that
//! `generate` ends with. (Each wire rule, both ways, is tested in
//! descope-spec's `diff` module; the API item comparison in xtask's
//! `rust_api`.)

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{copy_of_workspace, edit_spec, stderr, workspace, xtask, SPEC};

/// An optional request field: compatible on the wire, a break of the raw
/// client's struct literals.
const OPTIONAL_FIELD: (&str, &str) = (
    "        providerId:\n",
    "        channel:\n          type: string\n          nullable: true\n        providerId:\n",
);

/// A tighter request constraint: breaking on the wire.
const TIGHTER: (&str, &str) = (
    "          minimum: 0\n          description: Lifetime",
    "          minimum: 5\n          description: Lifetime",
);

fn spec_diff(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("spec-diff")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A copy of the workspace's spec with `edit` applied, as a file of its own.
fn edited_copy(dir: &Path, (from, to): (&str, &str)) -> String {
    let text = fs::read_to_string(workspace().join(SPEC)).unwrap();
    assert!(text.contains(from), "the spec lacks {from:?}");
    let path = dir.join("new.yaml");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn bad_usage_and_unreadable_specs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join(SPEC).to_string_lossy().into_owned();
    let both = spec_diff(&workspace(), &["--base", "HEAD", "--old", &spec]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    let check_with_old = spec_diff(&workspace(), &["--old", &spec, "--check-version"]);
    assert_eq!(check_with_old.status.code(), Some(2));
    let missing = spec_diff(&workspace(), &["--old", "/nonexistent/spec.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read the spec"),
        "{}",
        stderr(&missing)
    );
    let newer = dir.path().join("3.1.yaml");
    fs::write(&newer, "openapi: 3.1.0\npaths: {}\n").unwrap();
    let v31 = spec_diff(&workspace(), &["--new", newer.to_str().unwrap()]);
    assert_eq!(v31.status.code(), Some(2));
    assert!(
        stderr(&v31).contains("OpenAPI 3.1.0 is not supported"),
        "{}",
        stderr(&v31)
    );
    let broken = dir.path().join("broken.yaml");
    fs::write(&broken, "openapi: 3.0.3\npaths: {\n").unwrap();
    let yaml = spec_diff(
        &workspace(),
        &["--old", broken.to_str().unwrap(), "--new", &spec],
    );
    assert_eq!(yaml.status.code(), Some(2));
    assert!(stderr(&yaml).contains("line"), "{}", stderr(&yaml));
    let revision = spec_diff(&workspace(), &["--base", "no-such-revision"]);
    assert_eq!(revision.status.code(), Some(2));
}

#[test]
fn fail_on_tells_the_wire_from_the_rust_api() {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join(SPEC).to_string_lossy().into_owned();
    let new = edited_copy(dir.path(), OPTIONAL_FIELD);
    let args = |extra: &[&'static str]| {
        let mut args = vec!["--old", spec.as_str(), "--new", new.as_str()];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let run = |extra: &[&'static str]| {
        let args = args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        spec_diff(&workspace(), &args)
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "wire"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "rust"]).status.code(), Some(1));
    assert_eq!(
        run(&["--fail-on", "wire", "--fail-on", "rust"])
            .status
            .code(),
        Some(1)
    );
    let tighter = edited_copy(dir.path(), TIGHTER);
    let wire = spec_diff(
        &workspace(),
        &["--old", &spec, "--new", &tighter, "--fail-on", "wire"],
    );
    assert_eq!(wire.status.code(), Some(1));
    assert!(stderr(&wire).contains("breaks existing callers on the wire"));
    let same = spec_diff(
        &workspace(),
        &[
            "--old",
            &spec,
            "--new",
            &spec,
            "--fail-on",
            "wire",
            "--fail-on",
            "rust",
        ],
    );
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("No change."), "{}", stdout(&same));
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join(SPEC).to_string_lossy().into_owned();
    let new = edited_copy(dir.path(), OPTIONAL_FIELD);
    let output = spec_diff(
        &workspace(),
        &["--old", &spec, "--new", &new, "--format", "json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{report:#}");
    let change = &changes[0];
    assert_eq!(change["operation"], "UpdateUserPhoneMagicLinkSMS");
    assert_eq!(
        change["where"],
        serde_json::json!({"kind": "request", "pointer": "/channel"})
    );
    assert_eq!(change["change"], "field-added");
    assert_eq!(change["wire"], "compatible");
    let items: Vec<&str> = change["rust"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert!(
        items.contains(&"types::UpdatePhoneMagicLinkSmsRequest.channel"),
        "{items:?}"
    );
    let crates = report["crates"].as_array().unwrap();
    let by_name = |name: &str| crates.iter().find(|c| c["crate"] == name).unwrap().clone();
    let raw = by_name("descope-raw");
    assert_eq!(raw["api_breaking"], true);
    // The wrapper's API is its own: an optional field is one more setter.
    let wrapper = by_name("descope-ergonomic");
    assert_eq!(wrapper["api_breaking"], false);
    assert_eq!(wrapper["api_additions"], true);
    assert_eq!(wrapper["behaviour_breaking"], false);
    assert_eq!(wrapper["bump"], "minor");
    assert_eq!(wrapper["source_needs_edits"], true);
    let fake = by_name("fake-descope");
    assert_eq!(fake["behaviour_breaking"], false);
    assert_eq!(fake["api_breaking"], false);
    assert_eq!(report["version"]["bump"], "major");
    assert!(report["recordings"].as_array().unwrap().is_empty());
    for format in ["text", "markdown"] {
        let output = spec_diff(
            &workspace(),
            &["--old", &spec, "--new", &new, "--format", format],
        );
        assert!(
            stdout(&output).contains("optional field `channel` added"),
            "{format}"
        );
    }
}

#[test]
fn a_field_renamed_in_the_spec_invalidates_the_recordings_that_send_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join(SPEC).to_string_lossy().into_owned();
    let new = edited_copy(dir.path(), ("        locale:\n", "        language:\n"));
    let output = spec_diff(
        &workspace(),
        &["--old", &spec, "--new", &new, "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let kinds: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"field-added") && kinds.contains(&"field-removed"),
        "{kinds:?}"
    );
    let files: Vec<&str> = report["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["update-phone-everything.yaml"], "{report:#}");
}

/// Many fields of every operation at once, as when a provider's document
/// is taken wholesale: nullable dropped, required dropped, closed objects
/// opened, integers loosened to numbers, fields renamed, error responses
/// no longer declared. Each edit applies everywhere it matches.
const LOOSER: [(&str, &str); 11] = [
    ("          nullable: true\n", ""),
    ("      required: [loginId]\n", ""),
    (
        "      required: [loginId, phone]\n",
        "      required: [phone]\n",
    ),
    ("      additionalProperties: false\n", ""),
    (
        "          type: integer\n          format: int32\n",
        "          type: number\n",
    ),
    ("        locale:\n", "        language:\n"),
    ("        templateId:\n", "        template:\n"),
    ("        maskedPhone:\n", "        phoneMasked:\n"),
    ("required: [maskedPhone]", "required: [phoneMasked]"),
    (
        "        '429':\n          $ref: '#/components/responses/RateLimited'\n",
        "",
    ),
    (
        "        5XX:\n          $ref: '#/components/responses/ServerError'\n",
        "",
    ),
];

/// A change's place as the text report writes it, from its JSON.
fn place(at: &Value) -> String {
    let text = |key: &str| at[key].as_str().unwrap_or_default().to_string();
    let pointer = match text("pointer") {
        pointer if pointer.is_empty() => "body".to_string(),
        pointer => pointer,
    };
    match at["kind"].as_str().unwrap() {
        "request" => format!("request {pointer}"),
        "response" => format!("response {} {pointer}", text("status")),
        "response-header" => format!("response {} header {}", text("status"), text("header")),
        other => other.to_string(),
    }
}

#[test]
fn many_changes_fit_one_screen_and_verbose_and_json_keep_each() {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join(SPEC).to_string_lossy().into_owned();
    let mut text = fs::read_to_string(&spec).unwrap();
    for (from, to) in LOOSER {
        assert!(text.contains(from), "the spec lacks {from:?}");
        text = text.replace(from, to);
    }
    let new = dir.path().join("looser.yaml");
    fs::write(&new, text).unwrap();
    let new = new.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut args = vec!["--old", spec.as_str(), "--new", new.as_str()];
        args.extend_from_slice(extra);
        let output = spec_diff(&workspace(), &args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let report: Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let changes = report["changes"].as_array().unwrap();
    assert!(changes.len() >= 50, "{}", changes.len());
    let short = run(&[]);
    let verbose = run(&["--verbose"]);
    // One screen: at most 60 lines.
    assert!(short.lines().count() <= 60, "{short}");
    assert!(verbose.lines().count() > 4 * short.lines().count());
    for change in changes {
        let (operation, detail) = (
            change["operation"].as_str().unwrap(),
            change["detail"].as_str().unwrap(),
        );
        // Verbose: the change on a line of its own, then every item it alters.
        let line = format!("{operation} {}: {detail}", place(&change["where"]));
        let at = verbose
            .lines()
            .position(|l| l.ends_with(&line))
            .unwrap_or_else(|| panic!("verbose lacks {line}"));
        for (i, item) in change["rust"].as_array().unwrap().iter().enumerate() {
            let item = item["item"].as_str().unwrap();
            let line = verbose.lines().nth(at + 1 + i).unwrap_or_default();
            assert!(line.contains(item), "{item} not under {detail}");
        }
        // The short text names the change's operation (or says it is at
        // every one) and where it is.
        assert!(
            short.contains(operation) || short.contains("every operation"),
            "{operation}"
        );
        if let Some(pointer) = change["where"]["pointer"]
            .as_str()
            .filter(|p| !p.is_empty())
        {
            assert!(short.contains(pointer), "{pointer}");
        }
    }
    // Each type the changes alter is one line of the short text, however
    // many changes and items touch it.
    let mut types: Vec<String> = changes
        .iter()
        .flat_map(|c| c["rust"].as_array().unwrap())
        .filter_map(|i| i["item"].as_str().unwrap().strip_prefix("types::"))
        .map(|path| {
            let path = path.strip_prefix("builder::").unwrap_or(path);
            let name = path.split([':', '.']).next().unwrap();
            format!("types::{name} [")
        })
        .collect();
    types.sort();
    types.dedup();
    assert!(types.len() >= 5, "{types:?}");
    for ty in types {
        let lines = short.lines().filter(|line| line.contains(&ty)).count();
        assert_eq!(lines, 1, "{ty} in {short}");
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn the_base_revision_and_the_version_check() {
    // A repository with two commits: the spec as it is, then with a
    // tighter request constraint.
    let copy = copy_of_workspace();
    let root = copy.path();
    let manifest = |version: &str| {
        format!("[workspace]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"{version}\"\n")
    };
    fs::write(root.join("Cargo.toml"), manifest("0.1.0")).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "first"]);
    edit_spec(root, TIGHTER.0, TIGHTER.1);
    git(root, &["commit", "-q", "-am", "tighter"]);

    let output = spec_diff(root, &["--base", "HEAD~1", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["old"], "HEAD~1:spec/descope.yaml");
    assert_eq!(report["changes"][0]["change"], "range-changed");
    assert_eq!(report["changes"][0]["wire"], "breaking");
    assert_eq!(report["version"]["base"], "0.1.0");
    assert_eq!(report["version"]["required"], "0.2.0");
    // The default base is HEAD, where nothing changed since.
    let head = spec_diff(root, &[]);
    assert!(stdout(&head).contains("No change."), "{}", stdout(&head));
    // Cargo.toml still says 0.1.0: too low.
    let low = spec_diff(root, &["--base", "HEAD~1", "--check-version"]);
    assert_eq!(low.status.code(), Some(1), "{}", stderr(&low));
    assert!(
        stderr(&low).contains("needs at least 0.2.0"),
        "{}",
        stderr(&low)
    );
    fs::write(root.join("Cargo.toml"), manifest("0.2.0")).unwrap();
    let bumped = spec_diff(root, &["--base", "HEAD~1", "--check-version"]);
    assert_eq!(bumped.status.code(), Some(0), "{}", stderr(&bumped));
}

#[test]
fn generate_ends_with_a_summary_of_the_change() {
    let copy = copy_of_workspace();
    let root = copy.path();
    // Outside a git checkout: it says so, and still generates.
    let output = xtask(root, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Not in a git checkout"),
        "{}",
        stdout(&output)
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "first"]);
    edit_spec(root, TIGHTER.0, TIGHTER.1);
    let output = xtask(root, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = |output: &Output| {
        stdout(output)
            .lines()
            .find(|line| line.starts_with("Against "))
            .unwrap_or_default()
            .to_string()
    };
    let text = summary(&output);
    assert!(
        text.starts_with("Against HEAD:spec/descope.yaml: 1 change(s) break callers on the wire"),
        "{text}"
    );
    // `minimum: 5` leaves the generated types as they were; the fake refuses more.
    assert!(text.contains("fake-descope (behaviour breaking)"), "{text}");
    assert!(!text.contains("descope-raw"), "{text}");
    // `minimum: 1` makes typify pick `NonZeroU32`: the raw API breaks.
    edit_spec(root, "          minimum: 5\n", "          minimum: 1\n");
    let text = summary(&xtask(root, &[]));
    assert!(text.contains("descope-raw (API breaking)"), "{text}");
    // The wrapper wraps the break: it must refuse what Descope now refuses.
    // (This copy has no wrapper source, so whether it needs edits is not
    // read here; the JSON test is.)
    assert!(
        text.contains("descope-ergonomic (behaviour breaking"),
        "{text}"
    );
}
