//! Tests that need their process to themselves, in a test binary that holds
//! many: one that installs a global subscriber or logger, sees every
//! callsite from the start, or counts the process's file descriptors runs
//! again alone, in a child process of the same binary.

use std::process::Command;

/// Set in the child process to the test it runs.
const ALONE: &str = "DESCOPE_TESTKIT_ALONE";

/// Whether to run the test's body here. Called first in test `name` of
/// module `module` (its `module_path!()`): in the test binary's own run it
/// runs that test alone in a child process, fails if the child failed, and
/// returns false; in the child it returns true.
pub fn alone(module: &str, name: &str) -> bool {
    // Test names leave out the crate: `ergonomic::load` holds `load::name`.
    let test = match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    };
    if std::env::var(ALONE).is_ok_and(|running| running == test) {
        return true;
    }
    let binary = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(binary)
        .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE, &test)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Into this test's output, which the harness shows when it fails (or
    // with --nocapture).
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(output.status.success(), "{test} failed alone");
    // A name that matched no test would pass without running anything.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} did not run alone"
    );
    false
}
