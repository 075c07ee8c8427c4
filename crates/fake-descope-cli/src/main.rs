//! `fake-descope`: the fake Descope API from the command line, for services
//! in other languages and for trying things by hand.
//!
//! Prints its base URL as the first line on stdout, logs each request on
//! stderr, and stops cleanly on Ctrl-C or SIGTERM.

use std::process::ExitCode;
use std::time::{Duration, UNIX_EPOCH};

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser};
use descope_spec::recorded::Recordings;
use descope_spec::Credential;
use fake_descope::{FakeDescope, Operation, Project, Signing, CONTROL_PREFIX};

/// A local, spec-checked fake of the Descope API: every operation of the
/// spec, listed below. Credentials belong to the `--project` given before them.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A project id; the credentials that follow it on the command line are its own.
    #[arg(long = "project", value_name = "ID")]
    projects: Vec<String>,
    /// A management key of the last `--project`.
    #[arg(long = "management-key", value_name = "KEY")]
    management_keys: Vec<String>,
    /// A valid refresh JWT of the last `--project`.
    #[arg(long = "refresh-jwt", value_name = "JWT")]
    refresh_jwts: Vec<String>,
    /// An auth management key of the last `--project` (third part of a refresh-JWT credential).
    #[arg(long = "auth-management-key", value_name = "KEY")]
    auth_management_keys: Vec<String>,
    /// A user, by login id (repeat for more).
    #[arg(long = "user", value_name = "LOGIN_ID")]
    users: Vec<String>,
    /// Accept any project id and any credential of the right shape, and unknown users.
    #[arg(long)]
    permissive: bool,
    /// Set up for `descope-conformance --base-url`: register the credentials
    /// and users of the built-in recorded spec, and answer each exchange it
    /// sends with its recorded error (successes get the fake's own answers).
    #[arg(long)]
    recorded: bool,
    /// The `rateLimitTier` the license handshake answers (clients send it
    /// back as `x-descope-license`).
    #[arg(long = "rate-limit-tier", value_name = "TIER", default_value = "tier1")]
    rate_limit_tier: String,
    /// The largest request body read; a larger one is answered 413.
    #[arg(long = "max-request-bytes", value_name = "BYTES", default_value_t = fake_descope::DEFAULT_MAX_REQUEST_BYTES)]
    max_request_bytes: usize,
    /// How many received requests the log keeps; past it the oldest are dropped, and counted.
    #[arg(long = "max-received", value_name = "N", default_value_t = fake_descope::DEFAULT_MAX_RECEIVED)]
    max_received: usize,
    /// How many tokens, sent messages and users it keeps (each); past it the
    /// oldest go first, and are counted.
    #[arg(long = "max-kept", value_name = "N", default_value_t = fake_descope::DEFAULT_MAX_KEPT)]
    max_kept: usize,
    /// Every --project rotates refresh JWTs: a refresh answers a new one and
    /// the one presented stops working (per project: the control API's `rotateRefreshJwts`).
    #[arg(long)]
    rotate_refresh_jwts: bool,
    /// How sessions are signed: rs256 (as Descope) or es256 (cheaper per session).
    #[arg(long, value_name = "ALG", default_value = "rs256", value_parser = parse_signing)]
    signing: Signing,
    /// Makes every id, token and key the same run after run.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Fixes the fake's clock at this Unix time; it then moves only through
    /// `POST /_fake/clock` (with --seed, the same JWTs run after run).
    #[arg(long = "clock-at", value_name = "UNIX_SECS")]
    clock_at: Option<u64>,
    /// How long a session JWT lives, in seconds.
    #[arg(long = "session-lifetime", value_name = "SECS", default_value_t = fake_descope::SESSION_LIFETIME_SECS)]
    session_lifetime: u64,
    /// How long a refresh JWT lives, in seconds.
    #[arg(long = "refresh-lifetime", value_name = "SECS", default_value_t = fake_descope::REFRESH_LIFETIME_SECS)]
    refresh_lifetime: u64,
    /// How long a rotated-out signing key stays in the key set, in seconds.
    #[arg(long = "key-grace", value_name = "SECS", default_value_t = fake_descope::DEFAULT_KEY_GRACE_SECS)]
    key_grace: u64,
    /// Do not log requests on stderr.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let matches = Args::command().after_help(operations_help()).get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(error) => error.exit(),
    };
    let projects = match projects(&args, &matches) {
        Ok(projects) => projects,
        Err(message) => {
            eprintln!("fake-descope: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fake-descope: cannot start tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args, projects))
}

async fn run(args: Args, projects: Vec<Project>) -> ExitCode {
    let mut builder = FakeDescope::builder()
        .port(args.port)
        .permissive(args.permissive)
        .rate_limit_tier(args.rate_limit_tier.as_str())
        .max_request_bytes(args.max_request_bytes)
        .max_received(args.max_received)
        .max_kept(args.max_kept)
        .signing(args.signing)
        .session_lifetime(Duration::from_secs(args.session_lifetime))
        .refresh_lifetime(Duration::from_secs(args.refresh_lifetime))
        .key_grace(Duration::from_secs(args.key_grace))
        .log_to_stderr(!args.quiet);
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(at) = args.clock_at {
        builder = builder.clock_at(UNIX_EPOCH + Duration::from_secs(at));
    }
    for project in projects {
        builder = builder.project(project.rotate_refresh_jwts(args.rotate_refresh_jwts));
    }
    for user in args.users {
        builder = builder.user(user);
    }
    if args.recorded {
        builder = builder.recorded(&Recordings::embedded());
    }
    let fake = match builder.try_start().await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!(
                "fake-descope: cannot listen on 127.0.0.1:{}: {error}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("{}", fake.base_url());
    eprintln!(
        "fake-descope: listening on {} ({}); Ctrl-C stops it",
        fake.base_url(),
        if fake.is_permissive() {
            "permissive"
        } else {
            "strict"
        }
    );
    stop_signal().await;
    eprintln!("fake-descope: stopping");
    fake.shutdown().await;
    ExitCode::SUCCESS
}

/// The operations it serves and the credential each takes, read from the
/// spec's operation table when the help is printed: the list cannot fall
/// behind the spec.
fn operations_help() -> String {
    let route = |op: Operation| format!("{:6} {}", op.method(), op.path());
    let route_width = Operation::ALL.map(|op| route(op).len()).into_iter().max();
    let id_width = Operation::ALL.map(|op| op.id().len()).into_iter().max();
    let (route_width, id_width) = (route_width.unwrap_or(0), id_width.unwrap_or(0));
    let mut help = String::from("Operations (spec/descope.yaml), each checked against the spec:\n");
    for op in Operation::ALL {
        let credential = op
            .credential()
            .map_or("no credential", Credential::scheme_name);
        help.push_str(&format!(
            "  {:route_width$}  {:id_width$}  {credential}\n",
            route(op),
            op.id()
        ));
    }
    help.push_str("\nCredentials (Authorization):\n");
    let scheme_width = Credential::ALL
        .map(|c| c.scheme_name().len())
        .into_iter()
        .max();
    let scheme_width = scheme_width.unwrap_or(0);
    for credential in Credential::ALL {
        help.push_str(&format!(
            "  {:scheme_width$}  Bearer {}\n",
            credential.scheme_name(),
            credential.bearer_format()
        ));
    }
    help.push_str(&format!(
        "\nControl API under {CONTROL_PREFIX} (not logged as requests; see the README): a scripted \
         reply's `endpoint`\nand `GET {CONTROL_PREFIX}requests?endpoint=` take an operation id above, \
         such as {}.",
        Operation::GetLicense.id()
    ));
    help
}

/// Waits for Ctrl-C, or SIGTERM where there is one (what `kill` and test
/// harnesses send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `rs256` or `es256`, either case.
fn parse_signing(name: &str) -> Result<Signing, String> {
    Signing::from_name(name).ok_or_else(|| format!("{name:?} is not rs256 or es256"))
}

/// Adds one credential to a project.
type AddCredential = fn(Project, String) -> Project;

/// The projects of the command line, each with the credentials given after
/// it and before the next `--project`.
fn projects(args: &Args, matches: &ArgMatches) -> Result<Vec<Project>, String> {
    let indices = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(|found| found.collect())
            .unwrap_or_default()
    };
    let starts = indices("projects");
    let mut projects: Vec<Project> = args.projects.iter().map(Project::new).collect();
    // (clap id, flag, values, how a value joins its project)
    let credentials: [(&str, &str, &Vec<String>, AddCredential); 3] = [
        (
            "management_keys",
            "--management-key",
            &args.management_keys,
            Project::management_key,
        ),
        (
            "refresh_jwts",
            "--refresh-jwt",
            &args.refresh_jwts,
            Project::refresh_jwt,
        ),
        (
            "auth_management_keys",
            "--auth-management-key",
            &args.auth_management_keys,
            Project::auth_management_key,
        ),
    ];
    for (id, flag, values, add) in credentials {
        for (at, value) in indices(id).into_iter().zip(values) {
            let owner = starts
                .iter()
                .rposition(|&start| start < at)
                .ok_or_else(|| format!("{flag} must come after the --project it belongs to"))?;
            let project = std::mem::take(&mut projects[owner]);
            projects[owner] = add(project, value.clone());
        }
    }
    Ok(projects)
}
