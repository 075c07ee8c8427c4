//! The printed result: the throughput table, the memory table, and the
//! `RATIO` lines that close the output.

use std::fmt::Write;

use crate::clients::ClientKind;
use crate::load::Rounds;
use crate::memory::{Peak, CALLS};
use crate::{stats, CONCURRENCY};

/// Renders everything measured; the last lines are the `RATIO` lines.
pub fn render(rounds: &Rounds, memory: &[Peak]) -> String {
    let mut out = String::new();
    throughput_table(&mut out, rounds);
    memory_table(&mut out, memory);
    for concurrency in CONCURRENCY {
        for kind in [ClientKind::Raw, ClientKind::Ergonomic] {
            let ratio = ratio(rounds, kind, concurrency);
            let _ = writeln!(
                out,
                "RATIO {}/reqwest concurrency={concurrency} {ratio:.2}",
                kind.label()
            );
        }
    }
    out
}

/// The median over rounds of `kind`'s throughput divided by the floor's in
/// the same round: the windows compared ran seconds apart, so drift cancels.
pub fn ratio(rounds: &Rounds, kind: ClientKind, concurrency: usize) -> f64 {
    let floor = rounds.of(ClientKind::Reqwest, concurrency);
    let measured = rounds.of(kind, concurrency);
    stats::median(
        floor
            .iter()
            .zip(&measured)
            .map(|(floor, measured)| measured.per_sec() / floor.per_sec()),
    )
}

fn throughput_table(out: &mut String, rounds: &Rounds) {
    let count = rounds.rounds.len();
    let _ = writeln!(
        out,
        "\nThroughput and latency, update-phone and embedded-link calls in turn (median of {count} rounds)\n"
    );
    let _ = writeln!(
        out,
        "{:<18} {:>11} {:>9} {:>19} {:>8} {:>8} {:>12} {:>10}",
        "client",
        "concurrency",
        "req/s",
        "req/s min-max",
        "p50 µs",
        "p99 µs",
        "CPU µs/call",
        "vs reqwest"
    );
    for concurrency in CONCURRENCY {
        for kind in ClientKind::ALL {
            let samples = rounds.of(kind, concurrency);
            let rates: Vec<f64> = samples.iter().map(|s| s.per_sec()).collect();
            let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
            let max = rates.iter().copied().fold(0.0, f64::max);
            let cpu: Vec<f64> = samples.iter().filter_map(|s| s.cpu_us_per_call()).collect();
            let cpu = if cpu.is_empty() {
                "n/a".to_string()
            } else {
                format!("{:.1}", stats::median(cpu))
            };
            let _ = writeln!(
                out,
                "{:<18} {:>11} {:>9.0} {:>19} {:>8.1} {:>8.1} {:>12} {:>10.2}",
                kind.label(),
                concurrency,
                stats::median(rates.iter().copied()),
                format!("{min:.0}-{max:.0}"),
                stats::median(samples.iter().map(|s| s.latency_us(0.50))),
                stats::median(samples.iter().map(|s| s.latency_us(0.99))),
                cpu,
                ratio(rounds, kind, concurrency),
            );
        }
    }
}

fn memory_table(out: &mut String, memory: &[Peak]) {
    let processes = memory.first().map_or(0, |p| p.processes);
    let _ = writeln!(
        out,
        "\nPeak RSS (VmHWM) of a process holding one client after {CALLS} calls \
         (median of {processes} processes each)\n"
    );
    let _ = writeln!(
        out,
        "{:<18} {:>11} {:>13} {:>10}",
        "client", "concurrency", "peak KiB", "vs reqwest"
    );
    for peak in memory {
        let floor = memory
            .iter()
            .find(|p| p.kind == ClientKind::Reqwest && p.concurrency == peak.concurrency)
            .map_or(f64::NAN, |p| p.kib);
        let _ = writeln!(
            out,
            "{:<18} {:>11} {:>13.0} {:>10.3}",
            peak.kind.label(),
            peak.concurrency,
            peak.kib,
            peak.kib / floor
        );
    }
    let _ = writeln!(out);
}
