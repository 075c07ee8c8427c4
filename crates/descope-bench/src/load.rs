//! The measurement loop: a number of concurrent callers sharing one client,
//! each timing its own calls, for a fixed time or a fixed number of calls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::clients::{Caller, Client, ClientKind};
use crate::{stats, Plan, CONCURRENCY};

/// The runtime the clients run on: one worker thread, so that on a two-core
/// machine the clients get one core and the server the other, and the figures
/// compare client work rather than how two runtimes share the cores.
pub fn client_runtime() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bench-client")
        .enable_all()
        .build()
        .map_err(|e| format!("client runtime: {e}"))
}

/// When a run ends.
#[derive(Debug, Clone, Copy)]
pub enum Stop {
    /// After this many calls in all.
    After(u64),
    /// When this much time has passed; calls in flight then still finish.
    Lasting(Duration),
}

/// What one run of one client measured.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The client measured.
    pub kind: ClientKind,
    /// Calls kept in flight.
    pub concurrency: usize,
    /// Calls that failed.
    pub failed: u64,
    /// The first failure, to say what went wrong.
    pub first_error: Option<String>,
    /// From the first call's start to the last call's end.
    pub elapsed: Duration,
    /// On-CPU time of the clients' worker thread over the run, where the
    /// kernel reports it: the client's own cost, whatever the server does.
    pub cpu: Option<Duration>,
    /// Latency of each successful call in nanoseconds, sorted.
    pub latencies: Vec<u64>,
}

impl Sample {
    /// Successful calls.
    pub fn succeeded(&self) -> u64 {
        self.latencies.len() as u64
    }

    /// Successful calls per second.
    pub fn per_sec(&self) -> f64 {
        self.succeeded() as f64 / self.elapsed.as_secs_f64()
    }

    /// Client CPU time per successful call, in microseconds.
    pub fn cpu_us_per_call(&self) -> Option<f64> {
        let calls = self.succeeded().max(1) as f64;
        self.cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / calls)
    }

    /// The latency below which `quantile` of the calls finished, in microseconds.
    pub fn latency_us(&self, quantile: f64) -> f64 {
        stats::quantile_sorted(&self.latencies, quantile) as f64 / 1_000.0
    }

    /// Fails unless every call succeeded (and, when `expected` is given, that many ran).
    pub fn check(&self, expected: Option<u64>) -> Result<(), String> {
        if let Some(error) = &self.first_error {
            return Err(format!(
                "{} at concurrency {}: {} of {} calls failed; first: {error}",
                self.kind,
                self.concurrency,
                self.failed,
                self.failed + self.succeeded()
            ));
        }
        match expected {
            Some(expected) if self.succeeded() != expected => Err(format!(
                "{} at concurrency {}: {} calls succeeded, {expected} expected",
                self.kind,
                self.concurrency,
                self.succeeded()
            )),
            _ => Ok(()),
        }
    }
}

/// Runs `concurrency` callers of `client` on `runtime` until `stop`.
pub fn run(runtime: &Runtime, client: &Client, concurrency: usize, stop: Stop) -> Sample {
    let kind = client.kind();
    match client {
        Client::Reqwest(floor) => run_with(runtime, floor, kind, concurrency, stop),
        Client::Raw(raw) => run_with(runtime, raw, kind, concurrency, stop),
        Client::Ergonomic(ergonomic) => run_with(runtime, ergonomic, kind, concurrency, stop),
    }
}

fn run_with<C: Caller>(
    runtime: &Runtime,
    caller: &C,
    kind: ClientKind,
    concurrency: usize,
    stop: Stop,
) -> Sample {
    let callers: Vec<C> = (0..concurrency).map(|_| caller.clone()).collect();
    let next = Arc::new(AtomicU64::new(0));
    let (parts, elapsed, cpu) = runtime.block_on(async {
        let cpu_before = worker_cpu_time().await;
        let started = Instant::now();
        let (limit, deadline) = match stop {
            Stop::After(calls) => (calls, None),
            Stop::Lasting(window) => (u64::MAX, Some(started + window)),
        };
        let tasks: Vec<_> = callers
            .into_iter()
            .map(|caller| tokio::spawn(calls(caller, next.clone(), limit, deadline)))
            .collect();
        let mut parts = Vec::with_capacity(tasks.len());
        for task in tasks {
            parts.push(task.await.unwrap_or_else(|e| Part::panicked(&e)));
        }
        let elapsed = started.elapsed();
        let cpu = worker_cpu_time()
            .await
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        (parts, elapsed, cpu)
    });
    let mut sample = Sample {
        kind,
        concurrency,
        failed: 0,
        first_error: None,
        elapsed,
        cpu,
        latencies: Vec::with_capacity(parts.iter().map(|p| p.latencies.len()).sum()),
    };
    for part in parts {
        sample.failed += part.failed;
        sample.latencies.extend(part.latencies);
        if sample.first_error.is_none() {
            sample.first_error = part.first_error;
        }
    }
    sample.latencies.sort_unstable();
    sample
}

/// The on-CPU time so far of the runtime's worker thread, read by a task
/// running on it (the runtime has one worker) from the scheduler's
/// statistics; `None` where `/proc/thread-self/schedstat` is missing.
async fn worker_cpu_time() -> Option<Duration> {
    let read = || {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        let nanos = text.split_whitespace().next()?.parse().ok()?;
        Some(Duration::from_nanos(nanos))
    };
    tokio::spawn(async move { read() }).await.ok().flatten()
}

/// What one caller saw.
struct Part {
    latencies: Vec<u64>,
    failed: u64,
    first_error: Option<String>,
}

impl Part {
    fn panicked(error: &tokio::task::JoinError) -> Self {
        Part {
            latencies: Vec::new(),
            failed: 1,
            first_error: Some(format!("a caller panicked: {error}")),
        }
    }
}

/// One caller: takes call numbers from the shared counter until the limit or
/// the deadline, timing each call.
async fn calls<C: Caller>(
    caller: C,
    next: Arc<AtomicU64>,
    limit: u64,
    deadline: Option<Instant>,
) -> Part {
    let mut part = Part {
        latencies: Vec::with_capacity(4096),
        failed: 0,
        first_error: None,
    };
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        if n >= limit || deadline.is_some_and(|d| started >= d) {
            return part;
        }
        match caller.call(n).await {
            Ok(()) => part.latencies.push(started.elapsed().as_nanos() as u64),
            Err(error) => {
                part.failed += 1;
                part.first_error.get_or_insert(error);
            }
        }
    }
}

/// Every sample of a measurement, round by round.
#[derive(Debug, Default)]
pub struct Rounds {
    /// `rounds[r]` holds one sample per client and concurrency.
    pub rounds: Vec<Vec<Sample>>,
}

impl Rounds {
    /// The samples of `kind` at `concurrency`, one per round, in round order.
    pub fn of(&self, kind: ClientKind, concurrency: usize) -> Vec<&Sample> {
        self.rounds
            .iter()
            .filter_map(|round| {
                round
                    .iter()
                    .find(|s| s.kind == kind && s.concurrency == concurrency)
            })
            .collect()
    }
}

/// Warms every client up, then measures `plan.rounds` rounds. Within a round
/// the clients take turns at each concurrency, starting with a different one
/// each round, so that neither drift nor position favours any of them.
pub fn rounds(runtime: &Runtime, clients: &[Client], plan: Plan) -> Result<Rounds, String> {
    for concurrency in CONCURRENCY {
        for client in clients {
            run(runtime, client, concurrency, Stop::Lasting(plan.warmup)).check(None)?;
        }
    }
    let mut measured = Rounds::default();
    for round in 0..plan.rounds {
        let mut samples = Vec::with_capacity(clients.len() * CONCURRENCY.len());
        for concurrency in CONCURRENCY {
            for turn in 0..clients.len() {
                let client = &clients[(round + turn) % clients.len()];
                let sample = run(runtime, client, concurrency, Stop::Lasting(plan.window));
                sample.check(None)?;
                samples.push(sample);
            }
        }
        measured.rounds.push(samples);
        eprintln!("bench: round {}/{} done", round + 1, plan.rounds);
    }
    Ok(measured)
}
