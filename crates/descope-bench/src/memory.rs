//! Peak memory: child processes that each build one client, make
//! [`CALLS`] calls with it against the parent's server, and report their
//! peak resident set (`VmHWM`) while still holding the client.

use std::process::Command;

use clap::ValueEnum;

use crate::clients::{Client, ClientKind};
use crate::load::{self, Stop};
use crate::{stats, CONCURRENCY};

/// Calls each child makes before it reads its peak.
pub const CALLS: u64 = 10_000;

/// What a child prints before its figure, for the parent to find it.
const MARKER: &str = "vmhwm_kib=";

/// Median peak RSS of one client at one concurrency.
#[derive(Debug, Clone)]
pub struct Peak {
    /// The client the children held.
    pub kind: ClientKind,
    /// Calls the children kept in flight.
    pub concurrency: usize,
    /// Median over the children, in KiB.
    pub kib: f64,
    /// Children measured.
    pub processes: usize,
}

/// The child's side: make the calls, then print the peak while the client is alive.
pub fn child(
    kind: ClientKind,
    base_url: &str,
    stop: Stop,
    concurrency: usize,
) -> Result<(), String> {
    let runtime = load::client_runtime()?;
    let client = Client::new(kind, base_url)?;
    let expected = match stop {
        Stop::After(calls) => Some(calls),
        Stop::Lasting(_) => None,
    };
    load::run(&runtime, &client, concurrency, stop).check(expected)?;
    let kib = peak_rss_kib()?;
    println!("{MARKER}{kib}");
    drop(client);
    Ok(())
}

/// `VmHWM` of this process, in KiB.
pub fn peak_rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status: {e}"))?;
    vmhwm_kib(&status).ok_or_else(|| "no VmHWM line in /proc/self/status".to_string())
}

/// The `VmHWM:   1234 kB` line of a `/proc/<pid>/status` text.
pub fn vmhwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// The parent's side: `repeats` children per client and concurrency, taking
/// turns as the throughput windows do.
pub fn measure(base_url: &str, repeats: usize) -> Result<Vec<Peak>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let mut figures: Vec<(ClientKind, usize, Vec<f64>)> = Vec::new();
    for concurrency in CONCURRENCY {
        for kind in ClientKind::ALL {
            figures.push((kind, concurrency, Vec::with_capacity(repeats)));
        }
    }
    for _ in 0..repeats {
        for (kind, concurrency, kibs) in &mut figures {
            eprintln!("bench: memory, {kind} at concurrency {concurrency}");
            let name = kind
                .to_possible_value()
                .map(|value| value.get_name().to_string())
                .unwrap_or_default();
            let output = Command::new(&exe)
                .args(["--client", &name, "--base-url", base_url])
                .args(["--calls", &CALLS.to_string()])
                .args(["--concurrency", &concurrency.to_string()])
                .output()
                .map_err(|e| format!("cannot start a memory child: {e}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let kib = stdout
                .lines()
                .find_map(|line| line.strip_prefix(MARKER))
                .and_then(|n| n.trim().parse::<f64>().ok());
            match (output.status.success(), kib) {
                (true, Some(kib)) => kibs.push(kib),
                _ => {
                    return Err(format!(
                        "memory child for {kind} failed ({}): {}",
                        output.status,
                        String::from_utf8_lossy(&output.stderr).trim()
                    ))
                }
            }
        }
    }
    Ok(figures
        .into_iter()
        .map(|(kind, concurrency, kibs)| Peak {
            kind,
            concurrency,
            processes: kibs.len(),
            kib: stats::median(kibs),
        })
        .collect())
}
