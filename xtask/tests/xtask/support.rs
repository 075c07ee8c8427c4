//! Copies of the workspace to run xtask in, and what the tests read back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SPEC: &str = "spec/descope.yaml";
pub const GENERATED: &str = "crates/descope-raw/src/generated.rs";
/// Everything else `generate` reads or writes.
pub const ALSO: [&str; 2] = [
    "crates/descope-spec/src/generated/table.rs",
    "crates/descope-spec/src/generated/recordings.rs",
];
pub const RECORDED: &str = "spec/recorded";

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A temporary root holding a copy of the spec, the recordings and the
/// generated files.
pub fn copy_of_workspace() -> tempfile::TempDir {
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

pub fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = root.join(SPEC);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the spec no longer contains {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}
