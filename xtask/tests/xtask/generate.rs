//! `cargo xtask generate`: checks, determinism, drift, bad specs, and the
//! workspace found at run time.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{copy_of_workspace, edit_spec, stderr, workspace, xtask, ALSO, GENERATED};

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
    assert!(
        message.contains(
            "dangling-ref at /paths/~1v1~1mgmt~1user~1signin~1embeddedlink/post/responses/200\
             /content/application~1json/schema/$ref: `#/components/schemas/EmbeddedLinkResponse` \
             does not exist"
        ),
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
    // Located by generating each operation alone.
    assert!(
        message.contains(
            "error: spec/descope.yaml: the generator refuses it: 1 defect:\n  \
             generator-refusal at /paths/~1v1~1auth~1magiclink~1update~1phone~1sms/post: \
             the generator refuses this operation alone, though not the schemas it reaches: \
             the generator cannot handle this spec"
        ),
        "{message}"
    );
}

#[test]
fn a_document_that_is_not_openapi_is_refused() {
    let message = refused(|root| edit_spec(root, "paths:\n", "pathz:\n"));
    assert!(message.contains("no `paths` object"), "{message}");
    let message = refused(|root| edit_spec(root, "info:\n", "infox:\n"));
    assert_eq!(
        message,
        "error: spec/descope.yaml: the generator refuses it: 1 defect:\n  \
         generator-refusal at the whole document: the generator refuses the document even with \
         no operation or component: not a valid OpenAPI 3.0 document: missing field `info`\n"
    );
}

/// xtask without `--root`, started as `cargo xtask` starts it or directly.
fn xtask_found_by(cargo_manifest_dir: Option<&Path>, cwd: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("generate").args(args).current_dir(cwd);
    match cargo_manifest_dir {
        Some(dir) => command.env("CARGO_MANIFEST_DIR", dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    command.output().unwrap()
}

#[test]
fn the_workspace_is_found_at_run_time_not_where_xtask_was_built() {
    // A copy whose spec differs from its generated files: only a run that
    // reads the copy (and not the workspace xtask was built in) finds it stale.
    let copy = copy_of_workspace();
    fs::write(
        copy.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\n",
    )
    .unwrap();
    edit_spec(
        copy.path(),
        "summary: Issue a sign-in token",
        "summary: Issue a token",
    );
    let as_cargo_runs_it =
        xtask_found_by(Some(&copy.path().join("xtask")), &workspace(), &["--check"]);
    assert!(!as_cargo_runs_it.status.success());
    assert!(
        stderr(&as_cargo_runs_it).contains("is stale"),
        "{}",
        stderr(&as_cargo_runs_it)
    );
    let run_directly = xtask_found_by(None, copy.path(), &["--check"]);
    assert!(!run_directly.status.success());
    assert!(
        stderr(&run_directly).contains("is stale"),
        "{}",
        stderr(&run_directly)
    );
    // The workspace itself is fresh, found either way.
    assert!(
        xtask_found_by(Some(&workspace().join("xtask")), copy.path(), &["--check"])
            .status
            .success()
    );
    assert!(xtask_found_by(None, &workspace(), &["--check"])
        .status
        .success());
    // Outside any workspace, it says so.
    let nowhere = tempfile::tempdir().unwrap();
    let lost = xtask_found_by(None, nowhere.path(), &["--check"]);
    assert!(!lost.status.success());
    assert!(
        stderr(&lost).contains("not inside the workspace"),
        "{}",
        stderr(&lost)
    );
}

#[test]
fn a_pattern_added_to_the_spec_gets_a_checked_type() {
    let root = copy_of_workspace();
    edit_spec(
        root.path(),
        "          description: The SMS provider to send through, when the project has several.\n",
        "          description: The SMS provider to send through, when the project has several.\n          pattern: ^[a-z][a-z0-9-]*$\n",
    );
    let output = xtask(root.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let generated = fs::read_to_string(root.path().join(GENERATED)).unwrap();
    let words = generated.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "pub provider_id: ::std::option::Option<UpdatePhoneMagicLinkSmsRequestProviderId>,"
        ),
        "the field does not use the new type"
    );
    // typify checks it with regress, the ECMAScript semantics the spec's patterns have.
    assert!(
        generated.contains(r#"::regress::Regex::new("^[a-z][a-z0-9-]*$")"#),
        "the pattern is not checked"
    );
}
