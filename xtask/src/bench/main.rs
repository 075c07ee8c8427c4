//! The measuring half of `cargo xtask bench`, built in release by `cargo bench`.
//!
//! It starts a loopback server that answers both Descope operations with fixed
//! bodies, then measures three clients against it: hand-written `reqwest` (the
//! floor), `descope-raw` and `descope-ergonomic`. Windows of the three clients
//! alternate within each round, so that drift of the machine hits all of them
//! alike. It ends with the peak memory of child processes that each hold one
//! client, and the `RATIO` lines.
//!
//! Run without `--bench` (as `cargo test --benches` does) it makes a handful
//! of calls with each client and checks them instead of measuring.

// Public, and reached through `super::`/`self::` paths rather than `crate::`,
// so that xtask's smoke test can include this file as a module.
pub mod clients;
pub mod load;
pub mod memory;
pub mod report;
pub mod server;
pub mod stats;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use self::clients::ClientKind;
use self::load::Stop;

/// Command line of the bench binary; `cargo xtask bench` fills it in.
#[derive(Debug, Parser)]
#[command(name = "loopback", about = "Client overhead against a loopback server")]
struct Args {
    /// Set by `cargo bench`: measure. Without it, only check that every client works.
    #[arg(long)]
    bench: bool,
    /// Fewer and shorter rounds: done in well under 30 seconds.
    #[arg(long)]
    quick: bool,
    /// Only serve on loopback, printing the base URL, until killed.
    #[arg(long)]
    serve: bool,
    /// Only make `--calls` calls with this client to `--base-url`, then print
    /// this process's peak RSS: what each memory child does, and a way to
    /// profile one client (`valgrind --tool=callgrind`) against `--serve`.
    #[arg(long, value_name = "CLIENT", requires = "base_url")]
    client: Option<ClientKind>,
    /// The server `--client` calls.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// How many calls `--client` makes.
    #[arg(long, default_value_t = memory::CALLS)]
    calls: u64,
    /// How many calls `--client` keeps in flight.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
}

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

fn main() -> ExitCode {
    let args = Args::parse();
    let plan = if args.quick {
        Plan::QUICK
    } else {
        Plan::DEFAULT
    };
    let result = match (args.client, &args.base_url) {
        _ if args.serve => serve(),
        (Some(kind), Some(base_url)) => {
            memory::child(kind, base_url, Stop::After(args.calls), args.concurrency)
        }
        _ if args.bench => measure(plan),
        _ => smoke(8).map(|served| println!("smoke: {served} requests, all answered")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Makes `calls` calls (both operations in turn) with every client at every
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
fn serve() -> Result<(), String> {
    let server = server::LoopbackServer::start()?;
    println!("{}", server.base_url());
    loop {
        std::thread::park();
    }
}

/// The full measurement: throughput table, memory, then the `RATIO` lines.
fn measure(plan: Plan) -> Result<(), String> {
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
