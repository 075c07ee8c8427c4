//! `descope-bench`: the clients measured against hand-written `reqwest` on a
//! loopback server; `cargo xtask bench` runs it in release. See the README.

use std::process::ExitCode;

use clap::Parser;
use descope_bench::clients::ClientKind;
use descope_bench::load::Stop;
use descope_bench::{instructions, measure, memory, serve, smoke, Plan};

/// The command line; `cargo xtask bench` fills it in.
#[derive(Debug, Parser)]
#[command(
    name = "descope-bench",
    about = "The Descope clients against hand-written reqwest on a loopback server"
)]
struct Args {
    /// Only check that every client works (a handful of calls each), without measuring.
    #[arg(long)]
    check: bool,
    /// Fewer and shorter rounds: done in well under 30 seconds.
    #[arg(long)]
    quick: bool,
    /// Count instructions and allocations per call under callgrind instead
    /// of measuring throughput (valgrind must be installed).
    #[arg(long, conflicts_with_all = ["check", "serve", "client"])]
    instructions: bool,
    /// Instead: what descope-axum's session layer costs a request (`LAYER` lines).
    #[arg(long, conflicts_with_all = ["check", "serve", "client", "instructions", "signing"])]
    layer: bool,
    /// Instead: what signing a session costs fake-descope, RS256 against
    /// ES256 (`SIGNING` lines).
    #[arg(long, conflicts_with_all = ["check", "serve", "client", "instructions"])]
    signing: bool,
    /// Instead: the rate of validating session JWTs (RS256, keys cached,
    /// one core), ours against Descope's Node and Python SDKs and the bare
    /// signature check (`VALIDATION` lines); installs the SDKs under target/.
    #[arg(long, conflicts_with_all = ["check", "serve", "client", "instructions", "signing"])]
    validation: bool,
    /// With `--validation`: ours and the floor only, without installing or
    /// running the SDKs.
    #[arg(long, requires = "validation")]
    without_sdks: bool,
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

fn main() -> ExitCode {
    let args = Args::parse();
    let plan = if args.quick {
        Plan::QUICK
    } else {
        Plan::DEFAULT
    };
    let result = match (args.client, &args.base_url) {
        _ if args.serve => serve(),
        _ if args.layer => {
            let (rounds, window) = if args.quick { (3, 300) } else { (7, 1000) };
            descope_bench::layer::measure(rounds, std::time::Duration::from_millis(window))
        }
        _ if args.signing => {
            let (rounds, window) = if args.quick { (3, 200) } else { (7, 500) };
            descope_bench::signing::measure(rounds, std::time::Duration::from_millis(window))
        }
        _ if args.validation => {
            let plan = descope_bench::validation::Plan {
                sdks: !args.without_sdks,
                ..if args.quick {
                    descope_bench::validation::Plan::QUICK
                } else {
                    descope_bench::validation::Plan::DEFAULT
                }
            };
            descope_bench::validation::measure(plan)
        }
        _ if args.instructions => {
            let (repeats, calls) = if args.quick {
                (1, (instructions::SMALL / 2, instructions::LARGE / 2))
            } else {
                (
                    instructions::REPEATS,
                    (instructions::SMALL, instructions::LARGE),
                )
            };
            instructions::measure(repeats, calls)
                .map(|figures| print!("{}", instructions::render(&figures, calls)))
        }
        (Some(kind), Some(base_url)) => {
            memory::child(kind, base_url, Stop::After(args.calls), args.concurrency)
        }
        _ if args.check => {
            smoke(8).map(|served| println!("check: {served} requests, all answered"))
        }
        _ => measure(plan),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
