//! Where things live in the workspace, so every command agrees on paths.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/descope.yaml";
/// The wrapper's source, whose use of the raw client spec-diff reads.
pub const WRAPPER_SOURCE: &str = "crates/descope-ergonomic/src";
/// The recorded exchanges, relative to the workspace root.
pub const RECORDED: &str = "spec/recorded";
/// The generated client, relative to the workspace root.
pub const GENERATED: &str = "crates/descope-raw/src/generated.rs";
/// descope-spec's operation table, relative to the workspace root.
pub const TABLE: &str = "crates/descope-spec/src/generated/table.rs";
/// descope-spec's list of embedded recordings, relative to the workspace root.
pub const RECORDINGS: &str = "crates/descope-spec/src/generated/recordings.rs";

/// The workspace to work on, found at run time: `cargo xtask` (an alias of
/// `cargo run -p xtask`) sets `CARGO_MANIFEST_DIR` for the process it runs,
/// and xtask's manifest sits one level below the root. Run any other way,
/// cargo is asked where the workspace of the current directory is. A path
/// baked in at build time would point at whichever copy of the workspace
/// built the binary last.
pub fn default_root() -> Result<PathBuf> {
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let manifest_dir = PathBuf::from(manifest_dir);
        return manifest_dir
            .parent()
            .map(Path::to_path_buf)
            .with_context(|| format!("{} has no parent", manifest_dir.display()));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .context("cannot run `cargo locate-project` to find the workspace")?;
    if !output.status.success() {
        bail!(
            "not inside the workspace ({}); run `cargo xtask` from it or pass --root",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("{} has no parent", manifest.display()))
}
