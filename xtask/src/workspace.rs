//! Where things live in the workspace, so every command agrees on paths.

use std::path::{Path, PathBuf};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/descope.yaml";
/// The recorded exchanges, relative to the workspace root.
pub const RECORDED: &str = "spec/recorded";
/// The generated client, relative to the workspace root.
pub const GENERATED: &str = "crates/descope-raw/src/generated.rs";
/// descope-spec's operation table, relative to the workspace root.
pub const TABLE: &str = "crates/descope-spec/src/generated/table.rs";
/// descope-spec's list of embedded recordings, relative to the workspace root.
pub const RECORDINGS: &str = "crates/descope-spec/src/generated/recordings.rs";

/// The workspace xtask was built in: its manifest sits one level below the root.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}
