//! Helpers shared by the test modules: copies of the repository's spec
//! and recordings to corrupt, and runs of the library and the binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use descope_conformance::{default_drivers, run, Report, RunOptions, Suite};
use descope_spec::recorded::Recordings;
use descope_spec::Spec;

/// The repository's `spec/` directory.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}

/// The text of `spec/descope.yaml`.
pub fn spec_text() -> String {
    fs::read_to_string(spec_dir().join("descope.yaml")).expect("the spec is readable")
}

/// A temporary copy of `spec/recorded/`.
pub fn copy_of_recorded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for entry in fs::read_dir(spec_dir().join("recorded")).expect("spec/recorded exists") {
        let path = entry.expect("an entry").path();
        fs::copy(&path, dir.path().join(path.file_name().expect("a file"))).expect("copied");
    }
    dir
}

/// Replaces `from` by `to` in `file` inside `dir`, insisting that it occurs.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).expect("the file exists");
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("written");
}

/// A spec text with `from` replaced by `to`, insisting that it occurs.
pub fn edited_spec(from: &str, to: &str) -> Spec {
    let text = spec_text();
    assert!(text.contains(from), "the spec does not contain {from:?}");
    Spec::parse("edited.yaml", &text.replacen(from, to, 1)).expect("the edited spec parses")
}

/// Runs the suite on `spec` and the recordings in `dir` through the library.
pub async fn run_on(spec: Spec, dir: &Path, options: RunOptions) -> Report {
    let suite = Suite {
        spec,
        recordings: Recordings::from_dir(dir).expect("the directory is readable"),
    };
    run(&suite, &default_drivers(), &options).await
}

/// The embedded spec.
pub fn spec() -> Spec {
    Spec::embedded().clone()
}

/// Asserts that some problem of the report contains every one of `parts`.
pub fn assert_problem(report: &Report, parts: &[&str]) {
    let problems = report.problems();
    assert!(
        problems
            .iter()
            .any(|p| parts.iter().all(|part| p.contains(part))),
        "no problem contains all of {parts:?}; problems: {problems:#?}"
    );
}

/// What a run of the binary printed and how it exited.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
}

/// Runs the `descope-conformance` binary with `args`.
pub fn run_binary(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_descope-conformance"))
        .args(args)
        .output()
        .expect("the binary runs");
    Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        success: output.status.success(),
    }
}

/// The last line of `text`.
pub fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}
