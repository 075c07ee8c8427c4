//! `cargo xtask generate` end to end, on copies of the workspace's spec in
//! temporary directories, so the checked-in files are never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "spec/descope.yaml";
const GENERATED: &str = "crates/descope-raw/src/generated.rs";
/// Everything else `generate` reads or writes.
const ALSO: [&str; 2] = [
    "crates/descope-spec/src/generated/table.rs",
    "crates/descope-spec/src/generated/recordings.rs",
];
const RECORDED: &str = "spec/recorded";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A temporary root holding a copy of the spec, the recordings and the
/// generated files.
fn copy_of_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let recordings = fs::read_dir(workspace().join(RECORDED))
        .unwrap()
        .map(|entry| {
            format!(
                "{RECORDED}/{}",
                entry.unwrap().file_name().to_string_lossy()
            )
        });
    let files = [SPEC, GENERATED]
        .into_iter()
        .chain(ALSO)
        .map(str::to_string);
    for file in files.chain(recordings) {
        let to = dir.path().join(&file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(workspace().join(&file), to).unwrap();
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = root.join(SPEC);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the spec no longer contains {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_checked_in_client_is_up_to_date() {
    let output = xtask(&workspace(), &["--check"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn two_generations_give_identical_bytes() {
    let first = copy_of_workspace();
    let second = copy_of_workspace();
    let generated = [GENERATED].into_iter().chain(ALSO);
    for copy in [&first, &second] {
        for file in generated.clone() {
            fs::remove_file(copy.path().join(file)).unwrap();
        }
        assert!(xtask(copy.path(), &[]).status.success());
    }
    for file in generated {
        let a = fs::read(first.path().join(file)).unwrap();
        let b = fs::read(second.path().join(file)).unwrap();
        assert_eq!(a, b, "{file}");
        assert_eq!(a, fs::read(workspace().join(file)).unwrap(), "{file}");
    }
}

#[test]
fn check_passes_on_an_unmodified_copy() {
    let root = copy_of_workspace();
    let output = xtask(root.path(), &["--check"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_spec_edit_makes_check_fail_and_generate_follow() {
    let root = copy_of_workspace();
    let before = fs::read(root.path().join(GENERATED)).unwrap();
    edit_spec(
        root.path(),
        "        failOnConflict:\n",
        "        deliveryHint:\n          type: string\n        failOnConflict:\n",
    );

    let check = xtask(root.path(), &["--check"]);
    assert!(!check.status.success());
    let message = stderr(&check);
    assert!(message.contains(GENERATED), "{message}");
    assert!(message.contains("stale"), "{message}");
    assert!(message.contains("+        pub delivery_hint"), "{message}");
    assert_eq!(
        fs::read(root.path().join(GENERATED)).unwrap(),
        before,
        "--check wrote"
    );

    assert!(xtask(root.path(), &[]).status.success());
    let after = fs::read_to_string(root.path().join(GENERATED)).unwrap();
    assert!(after.contains("rename = \"deliveryHint\""));
    let check = xtask(root.path(), &["--check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

/// Runs `generate` on a broken spec and returns its error output, after
/// checking that it failed cleanly and left the generated file alone.
fn refused(edit: impl FnOnce(&Path)) -> String {
    let root = copy_of_workspace();
    let before = fs::read(root.path().join(GENERATED)).unwrap();
    edit(root.path());
    let output = xtask(root.path(), &[]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.starts_with("error: spec/descope.yaml: "),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert!(!message.contains("RUST_BACKTRACE"), "{message}");
    assert_eq!(fs::read(root.path().join(GENERATED)).unwrap(), before);
    message
}

#[test]
fn a_yaml_syntax_error_names_the_line() {
    let message = refused(|root| edit_spec(root, "  title: Descope", "  title: [Descope"));
    assert!(message.contains("YAML syntax error at line"), "{message}");
}

#[test]
fn openapi_3_1_is_refused() {
    let message = refused(|root| edit_spec(root, "openapi: 3.0.3", "openapi: 3.1.0"));
    assert!(
        message.contains("OpenAPI 3.1.0 is not supported"),
        "{message}"
    );
}

#[test]
fn a_missing_operation_id_is_refused() {
    let message = refused(|root| edit_spec(root, "      operationId: EmbeddedLinkSignin\n", ""));
    assert!(
        message.contains("POST /v1/mgmt/user/signin/embeddedlink has no operationId"),
        "{message}"
    );
}

#[test]
fn a_dangling_ref_is_refused() {
    let message = refused(|root| {
        edit_spec(
            root,
            "$ref: '#/components/schemas/EmbeddedLinkSigninResponse'",
            "$ref: '#/components/schemas/EmbeddedLinkResponse'",
        )
    });
    assert!(message.contains("dangling `$ref`"), "{message}");
    assert!(
        message.contains("#/components/schemas/EmbeddedLinkResponse"),
        "{message}"
    );
}

#[test]
fn a_spec_the_generator_cannot_handle_is_refused() {
    // A `default` response beside a 2xx is valid OpenAPI that progenitor rejects.
    let message = refused(|root| {
        edit_spec(
            root,
            "        4XX:\n          $ref: '#/components/responses/ClientError'\n",
            "        default:\n          $ref: '#/components/responses/ClientError'\n",
        )
    });
    assert!(
        message.contains("the generator cannot handle this spec"),
        "{message}"
    );
}

#[test]
fn a_document_that_is_not_openapi_is_refused() {
    let message = refused(|root| edit_spec(root, "paths:\n", "pathz:\n"));
    assert!(message.contains("no `paths` object"), "{message}");
    let message = refused(|root| edit_spec(root, "info:\n", "infox:\n"));
    assert!(
        message.contains("not a valid OpenAPI 3.0 document"),
        "{message}"
    );
}
