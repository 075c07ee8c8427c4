//! The workflow's own speed, for `cargo xtask bench`: how long regeneration
//! and a full conformance run take on this machine, and how regeneration
//! grows with the number of operations, on synthetic specs.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use descope_spec::Spec;

use crate::{codegen, spec_diff, synthetic_spec, workspace};

/// The sizes, in operations, of the synthetic specs regeneration is timed
/// on: ours is 5; Descope's whole API is about 460.
const SIZES: [usize; 3] = [50, 150, 460];

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
    at_scale(runs);
    println!();
}

/// One line per size of [`SIZES`]: `generate --check`, `generate` with the
/// spec as committed and with one request field renamed (each run as the
/// binary, without cargo), and the summary `generate` ends with, alone.
fn at_scale(runs: usize) {
    println!("\n  On synthetic specs (this xtask binary; the summary alone is timed in-process):");
    println!(
        "  {:>10} {:>13} {:>9} {:>10} {:>9} {:>10} {:>9}",
        "operations", "generated.rs", "--check", "unchanged", "summary", "one field", "summary"
    );
    for operations in SIZES {
        match scale_row(operations, runs) {
            Ok((bytes, times)) => {
                let [check, unchanged, summary, changed, changed_summary] =
                    times.map(|t| format!("{:.2} s", t.as_secs_f64()));
                println!(
                    "  {operations:>10} {:>10.1} MB {check:>9} {unchanged:>10} {summary:>9} \
                     {changed:>10} {changed_summary:>9}",
                    bytes as f64 / 1e6
                );
            }
            Err(error) => println!("  {operations:>10} not timed ({error:#})"),
        }
    }
}

/// The size of the generated client and the five times of one line of
/// [`at_scale`], in a temporary checkout of a synthetic spec. Each summary
/// must say what it should, or the line is an error.
fn scale_row(operations: usize, runs: usize) -> Result<(u64, [Duration; 5])> {
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    let root = dir.path();
    synthetic_spec::write_workspace(root, operations)?;
    generate(root, &[])?;
    synthetic_spec::commit(root)?;
    let check = median(runs, || generate(root, &["--check"]))?;
    let unchanged = median(runs, || generate(root, &[]))?;
    let summary = |expect_change: bool| {
        let spec = Spec::load(&root.join(workspace::SPEC), workspace::SPEC)?;
        median(runs, || {
            let text = spec_diff::summary_against_head(root, &spec);
            if text.contains("no change to the spec") == expect_change {
                bail!("unexpected summary: {text}");
            }
            Ok(())
        })
    };
    let unchanged_summary = summary(false)?;
    let spec = root.join(workspace::SPEC);
    let text = std::fs::read_to_string(&spec)?;
    std::fs::write(&spec, synthetic_spec::renamed_field(&text))?;
    let changed = median(runs, || generate(root, &[]))?;
    let changed_summary = summary(true)?;
    let bytes = std::fs::metadata(root.join(workspace::GENERATED))?.len();
    Ok((
        bytes,
        [
            check,
            unchanged,
            unchanged_summary,
            changed,
            changed_summary,
        ],
    ))
}

/// Runs this binary's `generate` on `root`.
fn generate(root: &Path, args: &[&str]) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the xtask binary")?;
    let output = Command::new(exe)
        .arg("generate")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .context("cannot run xtask generate")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "generate {}: {}",
            args.join(" "),
            stderr.lines().next().unwrap_or_default()
        );
    }
    Ok(())
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
