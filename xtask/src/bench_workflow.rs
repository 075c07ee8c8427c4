//! The workflow's own speed, for `cargo xtask bench`: how long regeneration
//! and a full conformance run take on this machine.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use descope_spec::Spec;

use crate::{codegen, workspace};

/// Times `cargo xtask generate --check` as a developer runs it, the
/// generation alone in this process, and a conformance run; prints one line
/// each. `runs` is how many times each is timed (the median is shown). A
/// step that fails is reported and does not stop the bench.
pub fn report(root: &Path, runs: usize) {
    println!("Workflow (median of {runs} run(s))\n");
    let mut status = None;
    let command = median(runs, || {
        status = Some(cargo(root, &["xtask", "generate", "--check"])?.status);
        Ok(())
    });
    match command {
        Ok(time) => {
            let note = match status {
                Some(status) if !status.success() => {
                    format!("{status}: generated.rs is stale")
                }
                _ => "cargo's up-to-date check included".to_string(),
            };
            line("cargo xtask generate --check", time, &note);
        }
        Err(error) => println!("  cargo xtask generate --check: not timed ({error:#})"),
    }
    let in_process = median(runs, || {
        let spec = Spec::load(&root.join(workspace::SPEC), workspace::SPEC)?;
        codegen::render(&spec, workspace::SPEC, root).map(drop)
    });
    match in_process {
        Ok(time) => line(
            "generation in-process",
            time,
            "spec -> formatted generated.rs, this debug build",
        ),
        Err(error) => println!("  generation in-process: not timed ({error:#})"),
    }
    conformance(root, runs);
    println!();
}

/// One timed line of the workflow table.
fn line(label: &str, time: Duration, note: &str) {
    println!("  {label:<52} {:>7.2} s  ({note})", time.as_secs_f64());
}

/// The conformance line, or why there is none: the suite's binary may not
/// exist or build yet, which must not fail the bench.
fn conformance(root: &Path, runs: usize) {
    if !root
        .join("crates/descope-conformance/src/main.rs")
        .is_file()
    {
        println!("  conformance: not available (no descope-conformance binary)");
        return;
    }
    eprintln!("bench: building descope-conformance in release");
    match cargo(
        root,
        &["build", "--release", "--quiet", "-p", "descope-conformance"],
    ) {
        Ok(output) if output.status.success() => {}
        Ok(output) => {
            let why = first_error(&output).unwrap_or_else(|| output.status.to_string());
            println!("  conformance: not available (it does not build: {why})");
            return;
        }
        Err(error) => {
            println!("  conformance: not available ({error:#})");
            return;
        }
    }
    let mut last = None;
    let timed = median(runs, || {
        let output = cargo(
            root,
            &["run", "--release", "--quiet", "-p", "descope-conformance"],
        )?;
        last = Some(output);
        Ok(())
    });
    let time = match timed {
        Ok(time) => time,
        Err(error) => {
            println!("  conformance: not available ({error:#})");
            return;
        }
    };
    // `median` runs its closure at least once.
    let Some(output) = last else { return };
    let last_line = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let line = text.lines().rev().find(|line| !line.trim().is_empty());
        line.map(|line| line.trim().to_string())
    };
    let summary = last_line(&output.stdout)
        .or_else(|| last_line(&output.stderr))
        .unwrap_or_default();
    line(
        "cargo run --release -p descope-conformance",
        time,
        &format!("{}; {summary}", output.status),
    );
}

/// The first `error` line cargo printed.
fn first_error(output: &Output) -> Option<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find(|line| line.starts_with("error"))
        .map(str::to_string)
}

/// Runs `cargo <args>` in the workspace, capturing its output.
fn cargo(root: &Path, args: &[&str]) -> Result<Output> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(args)
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))
}

/// Runs `work` `runs` times (at least once) and returns the median duration.
fn median(runs: usize, mut work: impl FnMut() -> Result<()>) -> Result<Duration> {
    let mut times = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        work()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}
