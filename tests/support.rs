//! Helpers for the workspace-level tests: a disposable copy of the workspace,
//! spec edits, and the commands a maintainer would run in it (`generate`
//! and `spec-diff` in this process, through the xtask library).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};

use descope_conformance::{default_drivers, run, Report, RunOptions, Suite};
use descope_spec::recorded::Recordings;
use descope_spec::Spec;
use xtask::spec_diff;

/// The workspace these tests belong to.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// Copies the workspace's sources (not `target/` nor `.git/`) into a new
/// temporary directory, as a maintainer's checkout would be.
pub fn copy_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_tree(&workspace(), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            // crates/descope-spec/spec points at the top-level spec/: a
            // copy keeps the link, so it points at the copy's spec.
            let target = fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(target, to.join(&name)).unwrap();
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// Replaces the first `from` in `root`'s spec with `to`.
pub fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = root.join("spec/descope.yaml");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the spec no longer contains {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `cargo` with `args` in `dir`, building into `target_dir`.
pub fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("cargo runs")
}

/// `cargo xtask generate` on the copy at `root`, with this workspace's
/// xtask, run in this process: the error, if it fails.
pub fn regenerate(root: &Path) -> Result<(), String> {
    match xtask::generate::run(root, false) {
        Ok(code) if code == ExitCode::SUCCESS => Ok(()),
        Ok(code) => Err(format!("generate exited with {code:?}")),
        Err(error) => Err(format!("{error:#}")),
    }
}

/// `cargo xtask spec-diff --format json --old <old>` on the copy at `root`,
/// with this workspace's xtask, run in this process: what it prints.
pub fn spec_diff(root: &Path, old: &Path) -> serde_json::Value {
    let options = spec_diff::Options {
        old: spec_diff::Old::File(old.to_path_buf()),
        new: None,
        format: spec_diff::Format::Json,
        verbose: false,
        fail_on_wire: false,
        fail_on_rust: false,
        check_version: false,
    };
    let json = spec_diff::rendered(root, &options).unwrap_or_else(|error| panic!("{error:#}"));
    serde_json::from_str(&json).expect("spec-diff prints JSON")
}

/// What spec-diff says of one crate.
pub fn crate_effect<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["crates"]
        .as_array()
        .and_then(|crates| crates.iter().find(|c| c["crate"] == name))
        .unwrap_or_else(|| panic!("no {name} in {report:#}"))
}

/// The recordings spec-diff says the change invalidates.
pub fn invalidated(report: &serde_json::Value) -> std::collections::BTreeSet<String> {
    report["recordings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["file"].as_str().map(str::to_string))
        .collect()
}

/// The recordings whose spec check failed in a conformance run.
pub fn failing_spec_checks(report: &Report) -> std::collections::BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| r.check == descope_conformance::CheckKind::Spec && !r.passed())
        .map(|r| r.exchange.clone())
        .collect()
}

/// The conformance suite over the spec and recordings of the copy at `root`.
pub async fn conformance(root: &Path) -> Report {
    let text = fs::read_to_string(root.join("spec/descope.yaml")).unwrap();
    let spec = Spec::parse("spec/descope.yaml", &text).expect("the spec parses");
    let recordings = Recordings::from_dir(&root.join("spec/recorded")).unwrap();
    let suite = Suite { spec, recordings };
    run(&suite, &default_drivers(), &RunOptions::default()).await
}

/// Text of a process's standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
