//! `descope-conformance`: runs the suite and prints the report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use descope_conformance::{
    default_drivers, run, CheckKind, CheckResult, Format, Recordings, Report, RunOptions, Spec,
    Suite,
};

/// Checks the Descope clients (or a server) against spec/descope.yaml and the
/// recorded exchanges of spec/recorded/, both built in by default.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Only exchanges whose file name contains this.
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Read the exchanges from this directory instead of the built-in copy.
    #[arg(long, value_name = "DIR")]
    recorded: Option<PathBuf>,
    /// Read the spec from this file instead of the built-in copy.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Send the recorded requests to this server and check its responses,
    /// instead of replaying the exchanges against the clients.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let report = match load(&args) {
        Ok(suite) => {
            let options = RunOptions {
                filter: args.filter.clone(),
                base_url: args.base_url.clone(),
            };
            match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime.block_on(run(&suite, &default_drivers(), &options)),
                Err(error) => failure("runtime", format!("cannot start tokio: {error}")),
            }
        }
        Err((file, message)) => failure(&file, message),
    };
    print!("{}", report.render(args.format));
    if args.format != Format::Table {
        // The machine formats own stdout; the closing line still gets printed.
        eprintln!("{}", report.summary());
    }
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The suite from the built-in copies or the files named on the command line.
fn load(args: &Args) -> Result<Suite, (String, String)> {
    let spec = match &args.spec {
        None => Spec::embedded(),
        Some(path) => {
            let label = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| (label.clone(), format!("{label}: {e}")))?;
            Spec::parse(&label, &text)
        }
    }
    .map_err(|e| (e.label.clone(), e.to_string()))?;
    let recordings = match &args.recorded {
        None => Recordings::embedded(),
        Some(dir) => Recordings::from_dir(dir).map_err(|e| {
            let label = dir.display().to_string();
            (label.clone(), format!("{label}: {e}"))
        })?,
    };
    Ok(Suite { spec, recordings })
}

/// A report of the one failure that stopped the run before it began.
fn failure(file: &str, message: String) -> Report {
    Report {
        results: vec![CheckResult {
            exchange: file.to_string(),
            check: CheckKind::Load,
            client: None,
            problems: vec![message],
        }],
    }
}
