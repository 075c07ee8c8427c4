//! The benchmark of the Descope clients (see the README for the method):
//! `cargo xtask bench` runs its binary in release.
//!
//! It starts a loopback server that answers both Descope operations with fixed
//! bodies, then measures three clients against it: hand-written `reqwest` (the
//! floor), `descope-raw` and `descope-ergonomic`. Windows of the three clients
//! alternate within each round, so that drift of the machine hits all of them
//! alike. It ends with the peak memory of child processes that each hold one
//! client, and the `RATIO` lines.

pub mod clients;
pub mod instructions;
pub mod layer;
pub mod load;
pub mod memory;
pub mod report;
pub mod server;
pub mod signing;
pub mod stats;
pub mod validation;

use std::time::Duration;

use crate::clients::ClientKind;
use crate::load::Stop;

/// How long and how often each client is measured.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Measured rounds; each holds one window per client and concurrency.
    pub rounds: usize,
    /// Length of one measured window.
    pub window: Duration,
    /// How long each client calls unmeasured at each concurrency before the
    /// first round, which opens its pooled connections.
    pub warmup: Duration,
    /// Memory children started per client and concurrency.
    pub memory_repeats: usize,
}

impl Plan {
    /// About two minutes of measuring.
    pub const DEFAULT: Plan = Plan {
        rounds: 15,
        window: Duration::from_millis(1200),
        warmup: Duration::from_secs(1),
        memory_repeats: 3,
    };
    /// About 15 seconds of measuring.
    pub const QUICK: Plan = Plan {
        rounds: 4,
        window: Duration::from_millis(500),
        warmup: Duration::from_millis(250),
        memory_repeats: 1,
    };
}

/// Concurrency levels measured: one caller at a time, and a busy service.
pub const CONCURRENCY: [usize; 2] = [1, 32];

/// Makes `calls` calls (update phone and embedded link in turn) with every client at every
/// concurrency and fails unless each one succeeded and reached the server.
/// Returns how many requests the server answered.
pub fn smoke(calls: u64) -> Result<u64, String> {
    let server = server::LoopbackServer::start()?;
    let runtime = load::client_runtime()?;
    let mut expected = 0;
    for kind in ClientKind::ALL {
        let client = clients::Client::new(kind, &server.base_url())?;
        for concurrency in CONCURRENCY {
            load::run(&runtime, &client, concurrency, Stop::After(calls)).check(Some(calls))?;
            expected += calls;
        }
    }
    let served = server.answered();
    if served != expected {
        return Err(format!(
            "the server answered {served} requests, {expected} were made"
        ));
    }
    Ok(served)
}

/// Serves until the process is killed.
pub fn serve() -> Result<(), String> {
    let server = server::LoopbackServer::start()?;
    println!("{}", server.base_url());
    loop {
        std::thread::park();
    }
}

/// The full measurement: throughput table, memory, then the `RATIO` lines.
pub fn measure(plan: Plan) -> Result<(), String> {
    let server = server::LoopbackServer::start()?;
    let runtime = load::client_runtime()?;
    let base_url = server.base_url();
    eprintln!(
        "bench: {} rounds of {:?} windows, {} clients x concurrency {:?}, server {base_url}",
        plan.rounds,
        plan.window,
        ClientKind::ALL.len(),
        CONCURRENCY,
    );
    let mut clients = Vec::new();
    for kind in ClientKind::ALL {
        clients.push(clients::Client::new(kind, &base_url)?);
    }
    let results = load::rounds(&runtime, &clients, plan)?;
    let memory = memory::measure(&base_url, plan.memory_repeats)?;
    print!("{}", report::render(&results, &memory));
    Ok(())
}
