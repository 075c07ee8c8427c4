//! `cargo xtask generate [--check]`: write what is generated from the spec (the
//! raw client, descope-spec's operation table and recordings list), or report drift.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use similar::TextDiff;

use descope_spec::Spec;

use crate::{codegen, defects, spec_diff, spec_table, workspace};

/// Diff lines shown by `--check`; enough to see what drifted, short enough for a CI log.
const DIFF_LINES: usize = 40;

pub fn run(root: &Path, check: bool) -> Result<ExitCode> {
    let spec = load(root)?;
    // The raw client's render is most of the run and one long chain (the
    // generator, then rustfmt); the rest, summary included, runs beside it.
    let (outputs, summary) = std::thread::scope(|scope| -> Result<_> {
        let raw = scope.spawn(|| client(&spec, root));
        let summary =
            (!check).then(|| scope.spawn(|| spec_diff::summary_against_head(root, &spec)));
        let table = spec_table::render_table(&spec, root);
        let recordings = spec_table::render_recordings(root);
        let outputs = [
            (workspace::GENERATED, joined(raw)?),
            (workspace::TABLE, table?),
            (workspace::RECORDINGS, recordings?),
        ];
        Ok((outputs, summary.map(joined)))
    })?;
    let mut stale = false;
    for (name, fresh) in &outputs {
        let out = root.join(name);
        let current = match std::fs::read_to_string(&out) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("{name}: cannot read")),
        };
        if check {
            stale |= !report_drift(name, current.as_deref(), fresh);
        } else if current.as_deref() == Some(fresh.as_str()) {
            println!("{name} is up to date");
        } else {
            write_atomically(&out, fresh)?;
            println!("wrote {name}");
        }
    }
    if let Some(summary) = summary {
        println!("\n{summary}");
    }
    Ok(if stale {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The spec, refused with every structural defect it has, each with its
/// pointer: the loader and the generator would stop at the first.
fn load(root: &Path) -> Result<Spec> {
    let path = root.join(workspace::SPEC);
    match Spec::load(&path, workspace::SPEC) {
        Ok(spec) => {
            refuse(&defects::structural(spec.document()))?;
            Ok(spec)
        }
        Err(error) => {
            // Text that is YAML at all may have more defects than the one the
            // loader names; otherwise the loader's message (a syntax error) is all.
            let document = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| serde_norway::from_str(&text).ok());
            if let Some(document) = document {
                refuse(&defects::structural(&document))?;
            }
            Err(error.into())
        }
    }
}

fn refuse(found: &[defects::Defect]) -> Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    bail!("{}: {}", workspace::SPEC, defects::list(found))
}

/// The generated client; when the generator refuses the spec, the error
/// names the operations and schemas it refuses alone instead.
fn client(spec: &Spec, root: &Path) -> Result<String> {
    codegen::render(spec, workspace::SPEC, root).map_err(|error| {
        if error.downcast_ref::<codegen::Refusal>().is_none() {
            return error;
        }
        match defects::find(spec.document()) {
            found if found.is_empty() => error,
            found => anyhow!(
                "{}: the generator refuses it: {}",
                workspace::SPEC,
                defects::list(&found)
            ),
        }
    })
}

/// What a thread of the run returned; its panic goes on as the run's own.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Whether the checked-in `name` equals `fresh`; prints the drift if not.
fn report_drift(name: &str, current: Option<&str>, fresh: &str) -> bool {
    let Some(current) = current else {
        eprintln!("{name} is missing; run `cargo xtask generate`");
        return false;
    };
    if current == fresh {
        println!("{name} is up to date with {}", workspace::SPEC);
        return true;
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
    false
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
