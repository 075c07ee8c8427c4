//! Instructions and heap allocations per call, counted by valgrind's
//! callgrind: figures that scheduling and a busy machine barely move, unlike
//! throughput.
//!
//! Each count runs this binary's `--client` mode under callgrind against the
//! parent's loopback server (which is not counted). A call's cost is the
//! difference between a run of [`LARGE`] calls and one of [`SMALL`], divided
//! by the difference in calls, so that start-up, connecting and tear-down
//! cancel. Allocations are the calls callgrind saw into the C allocator's
//! entry points. With 32 calls in flight the count still moves a few percent
//! with how tasks interleave, so each figure is the median of several counts.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use clap::ValueEnum;

use crate::clients::ClientKind;
use crate::server::LoopbackServer;
use crate::{stats, CONCURRENCY};

/// Calls of the smaller run.
pub const SMALL: u64 = 1_000;
/// Calls of the larger run.
pub const LARGE: u64 = 3_000;
/// Counts per client and concurrency; the report gives their median.
pub const REPEATS: usize = 5;

/// The C allocator's entry points: each call is one heap allocation
/// (`realloc` included: it may move the block).
const ALLOCATORS: [&str; 6] = [
    "malloc",
    "calloc",
    "realloc",
    "posix_memalign",
    "aligned_alloc",
    "memalign",
];

/// What one run under callgrind counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    /// Instructions executed (callgrind's `Ir`), all threads.
    pub instructions: u64,
    /// Calls into the allocator.
    pub allocations: u64,
}

/// Per-call costs of one client at one concurrency.
#[derive(Debug, Clone)]
pub struct PerCall {
    /// The client.
    pub kind: ClientKind,
    /// Calls kept in flight.
    pub concurrency: usize,
    /// Median instructions per call.
    pub instructions: f64,
    /// Median allocations per call.
    pub allocations: f64,
    /// Each count's instructions per call, in the order taken.
    pub samples: Vec<f64>,
}

/// Fails with how to get valgrind when it is not on `PATH`.
pub fn check_valgrind() -> Result<String, String> {
    let missing = |why: String| {
        format!(
            "valgrind is needed to count instructions and was not found ({why}). \
             Install it with the system's package manager (`apt-get install valgrind`, \
             `dnf install valgrind`, `pacman -S valgrind`) and run again; \
             this bench installs nothing itself."
        )
    };
    let output = Command::new("valgrind")
        .arg("--version")
        .output()
        .map_err(|e| missing(e.to_string()))?;
    if !output.status.success() {
        return Err(missing(format!(
            "`valgrind --version` exited {}",
            output.status
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Counts every client at every concurrency, `repeats` times each, against
/// a loopback server of this process.
pub fn measure(repeats: usize, calls: (u64, u64)) -> Result<Vec<PerCall>, String> {
    let version = check_valgrind()?;
    let (small, large) = calls;
    if large <= small {
        return Err(format!(
            "the larger run ({large}) must make more calls than the smaller ({small})"
        ));
    }
    let server = LoopbackServer::start()?;
    let base_url = server.base_url();
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let dir = std::env::temp_dir().join(format!("descope-bench-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!(
        "bench: {version}, {repeats} counts of ({large} - {small} calls) per client and concurrency"
    );
    // Per client and concurrency: (instructions, allocations) per call, per count.
    type Samples = Vec<(f64, f64)>;
    let mut figures: Vec<(ClientKind, usize, Samples)> = Vec::new();
    for concurrency in CONCURRENCY {
        for kind in ClientKind::ALL {
            figures.push((kind, concurrency, Vec::with_capacity(repeats)));
        }
    }
    // Clients take turns, as in the throughput rounds.
    for repeat in 0..repeats {
        for (kind, concurrency, samples) in &mut figures {
            eprintln!(
                "bench: counting {kind} at concurrency {concurrency} ({}/{repeats})",
                repeat + 1
            );
            let run = |calls| count(&exe, &dir, *kind, &base_url, calls, *concurrency);
            let (few, many) = (run(small)?, run(large)?);
            let span = (large - small) as f64;
            samples.push((
                many.instructions.saturating_sub(few.instructions) as f64 / span,
                many.allocations.saturating_sub(few.allocations) as f64 / span,
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(figures
        .into_iter()
        .map(|(kind, concurrency, samples)| PerCall {
            kind,
            concurrency,
            instructions: stats::median(samples.iter().map(|s| s.0)),
            allocations: stats::median(samples.iter().map(|s| s.1)),
            samples: samples.iter().map(|s| s.0).collect(),
        })
        .collect())
}

/// One run of `calls` calls under callgrind.
fn count(
    exe: &Path,
    dir: &Path,
    kind: ClientKind,
    base_url: &str,
    calls: u64,
    concurrency: usize,
) -> Result<Count, String> {
    let name = kind
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default();
    let out = dir.join(format!("{name}-{concurrency}-{calls}.out"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(["--client", &name, "--base-url", base_url])
        .args(["--calls", &calls.to_string()])
        .args(["--concurrency", &concurrency.to_string()])
        .output()
        .map_err(|e| format!("cannot start valgrind: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{kind} under callgrind failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let _ = std::fs::remove_file(&out);
    parse_callgrind(&text)
}

/// The total instructions and the calls into [`ALLOCATORS`] of a callgrind
/// output file (with or without name compression).
pub fn parse_callgrind(text: &str) -> Result<Count, String> {
    let mut names: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut count = Count::default();
    let mut total = None;
    let mut callee_is_allocator = false;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("summary:")
            .or_else(|| line.strip_prefix("totals:"))
        {
            total = rest.split_whitespace().next().and_then(|n| n.parse().ok());
        } else if let Some(rest) = line.strip_prefix("cfn=") {
            callee_is_allocator = ALLOCATORS.contains(&function_name(rest, &mut names));
        } else if let Some(rest) = line.strip_prefix("calls=") {
            if callee_is_allocator {
                let calls: u64 = rest
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| format!("unreadable line `{line}`"))?;
                count.allocations += calls;
            }
        } else if let Some(rest) = line.strip_prefix("fn=") {
            // Keeps the id table whole; a new function ends any call block.
            function_name(rest, &mut names);
            callee_is_allocator = false;
        }
    }
    count.instructions = total.ok_or("no `summary:` or `totals:` line in the callgrind output")?;
    Ok(count)
}

/// A function's name from `(id) name`, `(id)` (named earlier) or `name`.
fn function_name<'a>(
    field: &'a str,
    names: &mut std::collections::HashMap<&'a str, &'a str>,
) -> &'a str {
    let Some(rest) = field.strip_prefix('(') else {
        return field.trim();
    };
    let Some((id, name)) = rest.split_once(')') else {
        return field.trim();
    };
    let name = name.trim();
    if name.is_empty() {
        names.get(id).copied().unwrap_or_default()
    } else {
        names.insert(id, name);
        name
    }
}

/// The table, then the `INSTR` and `ALLOC` lines of each client against the
/// floor.
pub fn render(figures: &[PerCall], calls: (u64, u64)) -> String {
    let mut out = String::new();
    let (small, large) = calls;
    let repeats = figures.first().map_or(0, |f| f.samples.len());
    let _ = writeln!(
        out,
        "\nInstructions and allocations per call, callgrind ({large} - {small} calls, median of {repeats})\n"
    );
    let _ = writeln!(
        out,
        "{:<18} {:>11} {:>13} {:>10} {:>12} {:>10}  counts (instr/call)",
        "client", "concurrency", "instr/call", "vs reqwest", "allocs/call", "vs reqwest"
    );
    let floor = |concurrency| {
        figures
            .iter()
            .find(|f| f.kind == ClientKind::Reqwest && f.concurrency == concurrency)
    };
    let mut lines = String::new();
    for figure in figures {
        let Some(floor) = floor(figure.concurrency) else {
            continue;
        };
        let instr = figure.instructions / floor.instructions;
        let alloc = figure.allocations / floor.allocations;
        let samples: Vec<String> = figure.samples.iter().map(|s| format!("{s:.0}")).collect();
        let _ = writeln!(
            out,
            "{:<18} {:>11} {:>13.0} {:>10.3} {:>12.1} {:>10.2}  {}",
            figure.kind.label(),
            figure.concurrency,
            figure.instructions,
            instr,
            figure.allocations,
            alloc,
            samples.join(" ")
        );
        if figure.kind != ClientKind::Reqwest {
            let label = figure.kind.label();
            let concurrency = figure.concurrency;
            let _ = writeln!(
                lines,
                "INSTR {label}/reqwest concurrency={concurrency} {instr:.3}"
            );
            let _ = writeln!(
                lines,
                "ALLOC {label}/reqwest concurrency={concurrency} {alloc:.2}"
            );
        }
    }
    out.push('\n');
    out.push_str(&lines);
    out
}
