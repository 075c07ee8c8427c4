//! One run of the suite: which checks run on which exchanges, in what order.

use std::time::Duration;

use crate::checks::coverage::coverage;
use crate::checks::probe::probe_server;
use crate::checks::replay;
use crate::checks::server as server_check;
use crate::drivers::Driver;
use crate::drivers::ErgonomicDriver;
use crate::drivers::RawDriver;
use crate::record::{transport_client, LiveCredentials};
use crate::report::{CheckKind, CheckResult, Coverage, Report};
use descope_ergonomic::tooling::is_loopback_url;
use descope_spec::recorded::check_exchange;
use descope_spec::recorded::Credentials;
use descope_spec::recorded::Exchange;
use descope_spec::recorded::Recordings;
use descope_spec::Spec;

/// The spec and the recordings a run checks.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The spec.
    pub spec: Spec,
    /// The recorded exchanges.
    pub recordings: Recordings,
}

impl Suite {
    /// The spec and recordings built into the crate.
    pub fn embedded() -> Suite {
        Suite {
            spec: Spec::embedded().clone(),
            recordings: Recordings::embedded(),
        }
    }
}

/// What a run does besides the defaults.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only exchanges whose file name contains this; coverage, which is about
    /// the whole set, is then not checked.
    pub filter: Option<String>,
    /// Put the recorded requests to this server instead of replaying them
    /// against the clients.
    pub base_url: Option<String>,
    /// Leave out the coverage check, for a partial set of recordings (such
    /// as freshly recorded ones).
    pub skip_coverage: bool,
    /// With a base URL: send the spec-derived probes (requests the server
    /// must refuse) instead of the recorded requests.
    pub probe: bool,
    /// The credentials probes send. Without them, probes carry the
    /// recordings' credentials, which only a fake knows, and go to loopback
    /// only.
    pub live: Option<LiveCredentials>,
}

/// The drivers of every client the suite knows.
pub fn default_drivers() -> Vec<Box<dyn Driver>> {
    vec![Box::new(RawDriver::default()), Box::new(ErgonomicDriver)]
}

/// Runs the suite. Every exchange's recording is checked against the spec;
/// then each is replayed against every driver whose client it applies to, or,
/// with a base URL, put to that server (or, with `probe`, the spec-derived
/// probes are); then coverage is checked. The report carries the coverage
/// figures.
pub async fn run(suite: &Suite, drivers: &[Box<dyn Driver>], options: &RunOptions) -> Report {
    let selected = |file: &str| {
        options
            .filter
            .as_deref()
            .is_none_or(|filter| file.contains(filter))
    };
    let mut report = Report::default();
    for error in &suite.recordings.errors {
        if selected(&error.file) {
            report.results.push(CheckResult {
                exchange: error.file.clone(),
                check: CheckKind::Load,
                client: None,
                problems: vec![error.to_string()],
            });
        }
    }
    let exchanges: Vec<&Exchange> = suite
        .recordings
        .exchanges
        .iter()
        .filter(|exchange| selected(&exchange.file))
        .collect();
    let (mut figures, missing) = coverage(&suite.spec, &exchanges);
    match &options.base_url {
        None => {
            for exchange in &exchanges {
                report.results.push(spec_result(&suite.spec, exchange));
                for driver in drivers {
                    if exchange.applies_to(driver.client()) {
                        report.results.push(CheckResult {
                            exchange: exchange.file.clone(),
                            check: CheckKind::Replay,
                            client: Some(driver.client()),
                            problems: replay(&suite.spec, exchange, driver.as_ref()).await,
                        });
                    }
                }
            }
            if options.filter.is_none() && !options.skip_coverage {
                report.results.push(CheckResult {
                    exchange: "*".into(),
                    check: CheckKind::Coverage,
                    client: None,
                    problems: missing,
                });
            }
        }
        Some(base_url) if options.probe => {
            for exchange in &exchanges {
                report.results.push(spec_result(&suite.spec, exchange));
            }
            run_probes(suite, base_url, options, &mut report, &mut figures).await;
        }
        Some(base_url) => run_against_server(suite, &exchanges, base_url, &mut report).await,
    }
    report.coverage = Some(figures);
    report
}

/// Sends the probes to `base_url`, with the live credentials or, to
/// loopback only, the recordings' ones.
async fn run_probes(
    suite: &Suite,
    base_url: &str,
    options: &RunOptions,
    report: &mut Report,
    figures: &mut Coverage,
) {
    let refuse = |report: &mut Report, problem: String| {
        report.results.push(CheckResult {
            exchange: base_url.to_string(),
            check: CheckKind::Probe,
            client: None,
            problems: vec![problem],
        });
    };
    let credentials = match &options.live {
        Some(live) => live.credentials().clone(),
        None if !is_loopback_url(base_url) => {
            return refuse(
                report,
                format!("{base_url} is not loopback: probing it needs live credentials (--live)"),
            )
        }
        None => match recorded_credentials(&suite.recordings) {
            Some(credentials) => credentials,
            None => {
                return refuse(
                    report,
                    "no recording holds credentials to probe with".into(),
                )
            }
        },
    };
    let http = match transport_client(base_url, &credentials.project_id) {
        Ok(http) => http,
        Err(problem) => return refuse(report, problem),
    };
    let probed = probe_server(&suite.spec, &credentials, base_url, &http).await;
    report.results.extend(probed.results);
    figures.constraints_probed.covered = probed.constraints_probed;
}

/// The recordings' credentials: the first exchange's project, with the
/// refresh JWT most of its exchanges use (a logout's own refresh JWT is
/// used by that logout alone, which ends it) and the first management key
/// recorded for it.
fn recorded_credentials(recordings: &Recordings) -> Option<Credentials> {
    let all = || recordings.exchanges.iter().map(|e| &e.input.credentials);
    let project_id = all().next()?.project_id.clone();
    let same = || all().filter(|c| c.project_id == project_id);
    let uses = |jwt: &String| {
        same()
            .filter(|c| c.refresh_jwt.as_ref() == Some(jwt))
            .count()
    };
    // The first of the most used, so that a tie keeps the file order.
    let (mut refresh_jwt, mut most) = (None, 0);
    for jwt in same().filter_map(|c| c.refresh_jwt.as_ref()) {
        let used = uses(jwt);
        if used > most {
            (refresh_jwt, most) = (Some(jwt.clone()), used);
        }
    }
    Some(Credentials {
        refresh_jwt,
        management_key: same().find_map(|c| c.management_key.clone()),
        auth_management_key: None,
        project_id,
    })
}

async fn run_against_server(
    suite: &Suite,
    exchanges: &[&Exchange],
    base_url: &str,
    report: &mut Report,
) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
    {
        Ok(http) => http,
        Err(error) => {
            report.results.push(CheckResult {
                exchange: base_url.to_string(),
                check: CheckKind::Server,
                client: None,
                problems: vec![format!("{base_url}: no HTTP client: {error}")],
            });
            return;
        }
    };
    for exchange in exchanges {
        report.results.push(spec_result(&suite.spec, exchange));
        if exchange.suits_a_server() {
            report.results.push(CheckResult {
                exchange: exchange.file.clone(),
                check: CheckKind::Server,
                client: None,
                problems: server_check::check_server(&suite.spec, exchange, base_url, &http).await,
            });
        }
    }
}

fn spec_result(spec: &Spec, exchange: &Exchange) -> CheckResult {
    CheckResult {
        exchange: exchange.file.clone(),
        check: CheckKind::Spec,
        client: None,
        problems: check_exchange(spec, exchange),
    }
}
