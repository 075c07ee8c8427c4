//! `descope-conformance`: runs the suite and prints the report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use descope_conformance::{
    default_drivers, record, recording_client, run, to_yaml, CheckKind, CheckResult, Format,
    LiveCredentials, Report, RunOptions, Suite,
};
use descope_spec::recorded::Recordings;
use descope_spec::Spec;

/// Checks the Descope clients (or a server) against spec/descope.yaml and the
/// recorded exchanges of spec/recorded/, both built in by default.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Only exchanges whose file name contains this.
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,
    /// How to print the report.
    #[arg(long, value_name = "table|json|junit", default_value = "table")]
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
    /// Record new exchanges from the live server at --base-url, using the
    /// selected exchanges as templates and credentials from DESCOPE_PROJECT_ID,
    /// DESCOPE_REFRESH_JWT, DESCOPE_MANAGEMENT_KEY, DESCOPE_AUTH_MANAGEMENT_KEY;
    /// secrets are scrubbed. The new files are then checked like any others.
    #[arg(long, requires_all = ["base_url", "out"])]
    record: bool,
    /// With --base-url: send the server a request per constraint of each
    /// request body (each breaking that one constraint), and a missing, a
    /// malformed and a wrong kind of credential per operation, instead of the
    /// recorded requests; every one must be refused with the declared error.
    #[arg(long, requires = "base_url", conflicts_with = "record")]
    probe: bool,
    /// Probe a live Descope project: credentials come from DESCOPE_PROJECT_ID,
    /// DESCOPE_REFRESH_JWT and DESCOPE_MANAGEMENT_KEY. Needed for any server
    /// not on loopback.
    #[arg(long, requires = "probe")]
    live: bool,
    /// Where --record writes the new exchange files.
    #[arg(long, value_name = "DIR", requires = "record")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let report = match (load(&args), tokio::runtime::Runtime::new()) {
        (Ok(suite), Ok(runtime)) => runtime.block_on(async {
            match &args.out {
                Some(out) if args.record => record_all(&suite, &args, out).await,
                _ => match live_credentials(&args) {
                    Ok(live) => {
                        let options = RunOptions {
                            filter: args.filter.clone(),
                            base_url: args.base_url.clone(),
                            skip_coverage: false,
                            probe: args.probe,
                            live,
                        };
                        run(&suite, &default_drivers(), &options).await
                    }
                    Err(message) => failure("environment", message),
                },
            }
        }),
        (Err((file, message)), _) => failure(&file, message),
        (_, Err(error)) => failure("runtime", format!("cannot start tokio: {error}")),
    };
    print!("{}", report.render(args.format));
    if args.format != Format::Table {
        // The machine formats own stdout; the closing lines still get printed.
        if let Some(coverage) = &report.coverage {
            eprintln!("{}", coverage.line());
        }
        eprintln!("{}", report.summary());
    }
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// With `--live`, the credentials from the environment, after a warning of
/// what probing a live project may do.
fn live_credentials(args: &Args) -> Result<Option<LiveCredentials>, String> {
    if !args.live {
        return Ok(None);
    }
    let live = LiveCredentials::from_env()?;
    eprintln!(
        "warning: probing {} with the project's live credentials. Every probe breaks the spec \
         and should be refused, but a server that accepts one acts on it: an accepted phone-update \
         probe sends a real SMS (to the spec's example number), an accepted embedded-link probe \
         issues a token. `additionalProperties: false` is this spec's own reading of Descope.",
        args.base_url.as_deref().unwrap_or_default()
    );
    Ok(Some(live))
}

/// The suite from the built-in copies or the files named on the command line.
fn load(args: &Args) -> Result<Suite, (String, String)> {
    let spec = match &args.spec {
        None => Spec::embedded().clone(),
        Some(path) => Spec::load(path, &path.display().to_string())
            .map_err(|e| (e.label.clone(), e.to_string()))?,
    };
    let recordings = match &args.recorded {
        None => Recordings::embedded(),
        Some(dir) => Recordings::from_dir(dir).map_err(|e| {
            let label = dir.display().to_string();
            (label.clone(), format!("{label}: {e}"))
        })?,
    };
    Ok(Suite { spec, recordings })
}

/// Records every selected exchange that a server can answer into `out`,
/// then checks the new files against the spec and both clients.
async fn record_all(suite: &Suite, args: &Args, out: &Path) -> Report {
    let base_url = args.base_url.as_deref().unwrap_or_default();
    let live = match LiveCredentials::from_env() {
        Ok(live) => live,
        Err(message) => return failure("environment", message),
    };
    if let Err(error) = std::fs::create_dir_all(out) {
        return failure(&out.display().to_string(), error.to_string());
    }
    let http = match recording_client(base_url, &live) {
        Ok(http) => http,
        Err(message) => return failure("base URL", message),
    };
    let mut report = Report::default();
    let templates = suite.recordings.exchanges.iter().filter(|exchange| {
        exchange.suits_a_server()
            && args
                .filter
                .as_deref()
                .is_none_or(|f| exchange.file.contains(f))
    });
    for template in templates {
        let written = match record(&suite.spec, template, base_url, &live, &http).await {
            Ok(exchange) => to_yaml(&exchange).and_then(|yaml| {
                std::fs::write(out.join(&exchange.file), yaml)
                    .map_err(|e| format!("{}: {e}", exchange.file))
            }),
            Err(message) => Err(message),
        };
        report.results.push(CheckResult {
            exchange: template.file.clone(),
            check: CheckKind::Record,
            client: None,
            problems: written.err().into_iter().collect(),
        });
    }
    match Recordings::from_dir(out) {
        Ok(recordings) => {
            let recorded = Suite {
                spec: suite.spec.clone(),
                recordings,
            };
            let options = RunOptions {
                skip_coverage: true,
                ..RunOptions::default()
            };
            let checked = run(&recorded, &default_drivers(), &options).await;
            report.results.extend(checked.results);
            report.coverage = checked.coverage;
        }
        Err(error) => report
            .results
            .extend(failure(&out.display().to_string(), error.to_string()).results),
    }
    report
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
        coverage: None,
    }
}
