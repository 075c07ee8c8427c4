//! `cargo xtask generate [--check]`: write the generated client, or report drift.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use similar::TextDiff;

use crate::{codegen, spec, workspace};

/// Diff lines shown by `--check`; enough to see what drifted, short enough for a CI log.
const DIFF_LINES: usize = 40;

pub fn run(root: &Path, check: bool) -> Result<ExitCode> {
    let spec = spec::load(&root.join(workspace::SPEC), workspace::SPEC)?;
    let fresh = codegen::render(&spec, workspace::SPEC, root)?;
    let out = root.join(workspace::GENERATED);
    let current = match std::fs::read_to_string(&out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", workspace::GENERATED)),
    };
    if check {
        return Ok(report_drift(current.as_deref(), &fresh));
    }
    if current.as_deref() == Some(fresh.as_str()) {
        println!("{} is up to date", workspace::GENERATED);
    } else {
        write_atomically(&out, &fresh)?;
        println!("wrote {}", workspace::GENERATED);
    }
    Ok(ExitCode::SUCCESS)
}

fn report_drift(current: Option<&str>, fresh: &str) -> ExitCode {
    let name = workspace::GENERATED;
    let Some(current) = current else {
        eprintln!("{name} is missing; run `cargo xtask generate`");
        return ExitCode::FAILURE;
    };
    if current == fresh {
        println!("{name} is up to date with {}", workspace::SPEC);
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{name} is stale: it does not match {}; run `cargo xtask generate`",
        workspace::SPEC
    );
    let diff = TextDiff::from_lines(current, fresh)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{name} (checked in)"),
            &format!("{name} (from spec)"),
        )
        .to_string();
    let total = diff.lines().count();
    for line in diff.lines().take(DIFF_LINES) {
        eprintln!("{line}");
    }
    if total > DIFF_LINES {
        eprintln!("... {} more diff lines", total - DIFF_LINES);
    }
    ExitCode::FAILURE
}

/// A failed or interrupted run must leave the checked-in file whole: write a
/// sibling temporary file, then rename it over the target.
fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .context("the output path has no parent directory")?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, contents.as_bytes())
        .context("cannot write the generated code")?;
    temp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
