//! `cargo xtask bench [--quick]`: the workflow timings, then the client
//! measurements, which `cargo bench` builds in release and runs.
//!
//! The measuring code lives in `src/bench/` as xtask's `loopback` bench
//! target rather than in this binary: it needs both Descope clients, and this
//! binary must keep building while the generated client does not compile
//! (regenerating it is how that gets fixed).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::bench_workflow;

/// Runs the whole bench from the workspace at `root`; the output ends with
/// the `RATIO` lines the measuring half prints.
pub fn run(root: &Path, quick: bool) -> Result<ExitCode> {
    bench_workflow::report(root, if quick { 1 } else { 3 });
    eprintln!("bench: building the loopback bench in release (slow the first time)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "bench", "--quiet", "-p", "xtask", "--bench", "loopback", "--",
        ])
        .current_dir(root);
    if quick {
        command.arg("--quick");
    }
    let status = command
        .status()
        .context("cannot run cargo bench for the loopback bench")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the loopback bench failed ({status})");
        ExitCode::FAILURE
    })
}
