//! `cargo xtask bench [--quick]`: the workflow timings, then the client
//! measurements of the `descope-bench` crate, built in release and run
//! (`--workflow`: the timings alone).
//! `--instructions`: the per-call instruction and allocation counts of that
//! crate instead.
//!
//! The measuring code is a crate of its own rather than part of this binary:
//! it needs both Descope clients, and xtask must keep building while the
//! generated client does not compile (regenerating it is how that gets fixed).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::bench_workflow;

/// Runs the whole bench from the workspace at `root`; the output ends with
/// the `RATIO` lines the measuring half prints (or the `INSTR` and `ALLOC`
/// lines, with `instructions`); with `workflow_only`, the workflow timings
/// are all.
pub fn run(root: &Path, quick: bool, instructions: bool, workflow_only: bool) -> Result<ExitCode> {
    if !instructions {
        bench_workflow::report(root, if quick { 1 } else { 3 });
    }
    if workflow_only {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("bench: building descope-bench in release (slow the first time)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--release", "--quiet", "-p", "descope-bench", "--"])
        .current_dir(root);
    if quick {
        command.arg("--quick");
    }
    if instructions {
        command.arg("--instructions");
    }
    let status = command
        .status()
        .context("cannot run cargo for descope-bench")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: descope-bench failed ({status})");
        ExitCode::FAILURE
    })
}
