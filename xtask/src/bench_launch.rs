//! `cargo xtask bench [--quick]`: the workflow timings, then the client
//! measurements of the `descope-bench` crate, built in release and run
//! (`--workflow`: the timings alone).
//! `--instructions`: the per-call instruction and allocation counts of that
//! crate instead; `--signing`: what signing a session costs fake-descope;
//! `--validation`: the rate of validating session JWTs, ours against
//! Descope's Node and Python SDKs and the bare signature check.
//!
//! The measuring code is a crate of its own rather than part of this binary:
//! it needs both Descope clients, and xtask must keep building while the
//! generated client does not compile (regenerating it is how that gets fixed).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::bench_workflow;

/// What a bench run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    /// The workflow timings, then the clients (`RATIO` lines).
    Everything,
    /// The workflow timings alone.
    Workflow,
    /// Instructions and allocations per call (`INSTR`, `ALLOC` lines).
    Instructions,
    /// The fake's cost of signing a session (`SIGNING` lines).
    Signing,
    /// The session layer's cost per request (`LAYER` lines).
    Layer,
    /// Validating session JWTs against the SDKs and the floor (`VALIDATION` lines).
    Validation,
}

/// Runs the bench from the workspace at `root`, as `only` says.
pub fn run(root: &Path, quick: bool, only: Only) -> Result<ExitCode> {
    if matches!(only, Only::Everything | Only::Workflow) {
        bench_workflow::report(root, if quick { 1 } else { 3 });
    }
    if only == Only::Workflow {
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
    match only {
        Only::Instructions => {
            command.arg("--instructions");
        }
        Only::Layer => {
            command.arg("--layer");
        }
        Only::Signing => {
            command.arg("--signing");
        }
        Only::Validation => {
            command.arg("--validation");
        }
        Only::Everything | Only::Workflow => {}
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
