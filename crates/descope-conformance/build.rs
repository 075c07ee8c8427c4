//! Embeds `spec/descope.yaml` and every `spec/recorded/*.yaml` in the crate,
//! so that the runner needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec_dir = manifest.join("../../spec");
    let spec = spec_dir.join("descope.yaml");
    let recorded = spec_dir.join("recorded");

    // Watching the directory catches added and removed files; each file is
    // watched too so that edits are seen.
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed={}", recorded.display());

    let mut files: Vec<PathBuf> = fs::read_dir(&recorded)
        .unwrap_or_else(|e| panic!("{}: {e}", recorded.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();

    let mut code = String::new();
    writeln!(code, "/// The text of `spec/descope.yaml`.").unwrap();
    writeln!(
        code,
        "pub const SPEC: &str = include_str!({});",
        literal(&spec)
    )
    .unwrap();
    writeln!(
        code,
        "/// `(file name, text)` of every `spec/recorded/*.yaml`, by name."
    )
    .unwrap();
    writeln!(code, "pub const RECORDED: &[(&str, &str)] = &[").unwrap();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().expect("a file").to_string_lossy();
        writeln!(code, "    ({name:?}, include_str!({})),", literal(file)).unwrap();
    }
    writeln!(code, "];").unwrap();

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// A Rust string literal holding the absolute path.
fn literal(path: &Path) -> String {
    let absolute = path
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:?}", absolute.to_string_lossy())
}
