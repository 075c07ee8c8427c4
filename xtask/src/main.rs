//! Maintainer chores for the workspace, run as `cargo xtask <command>`.
//!
//! `generate` turns `spec/descope.yaml` into `crates/descope-raw/src/generated.rs`
//! and descope-spec's operation table; `generate --check` fails when they are
//! stale; `spec-diff` says what a spec change breaks and which version it
//! needs; `upstream` compares our operations with Descope's published
//! document and adopts operations from it; `bench` measures the clients
//! against hand-written `reqwest`, and the workflow itself.
//!
//! This is the command line; the chores are the `xtask` library's.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{bench_launch, generate, spec_diff, upstream, workspace};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Chores for the descope-rs workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the raw client from the OpenAPI spec.
    Generate {
        /// Change nothing; exit non-zero when the generated file is stale.
        #[arg(long)]
        check: bool,
        /// Workspace root holding `spec/descope.yaml` and `crates/descope-raw`
        /// (default: the workspace this xtask belongs to).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Compare two versions of the spec: every change with its effect on the
    /// wire and on the Rust API of each crate, the recordings it invalidates,
    /// and the version it needs. Exit status: 2 on bad usage or an unreadable
    /// spec; 1 when a `--fail-on` or `--check-version` condition holds.
    SpecDiff {
        /// The old spec as committed at this git revision (default: HEAD).
        #[arg(long, value_name = "REV", conflicts_with = "old")]
        base: Option<String>,
        /// The old spec from a file instead of git.
        #[arg(long, value_name = "FILE", conflicts_with = "check_version")]
        old: Option<PathBuf>,
        /// The new spec (default: the working tree's spec/descope.yaml).
        #[arg(long, value_name = "FILE")]
        new: Option<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value = "text")]
        format: spec_diff::Format,
        /// With text: every change on its own line with each API item it
        /// alters, and every reason of every crate (the default groups them
        /// to fit one screen).
        #[arg(long)]
        verbose: bool,
        /// Exit 1 when a change breaks existing callers on the wire (`wire`)
        /// or the Rust API of a crate (`rust`); may be given twice.
        #[arg(long, value_enum, value_name = "wire|rust")]
        fail_on: Vec<FailOn>,
        /// Exit 1 when Cargo.toml's version is below the one the change needs
        /// (compared with the version at --base).
        #[arg(long)]
        check_version: bool,
        /// Workspace root (default: the workspace cargo runs xtask in).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Compare our operations with Descope's published OpenAPI document (a
    /// path to it, YAML or JSON, as published): each difference is a recorded
    /// deviation that still applies, one upstream no longer needs, or an
    /// upstream change not recorded. Exit status: 0 when there is nothing to
    /// remove, adopt or record; 1 otherwise; 2 for an unusable input.
    Upstream {
        /// Descope's published document.
        #[arg(value_name = "PUBLISHED_SPEC")]
        published: PathBuf,
        /// How to print the report.
        #[arg(long, value_enum, default_value = "text")]
        format: upstream::Format,
        /// Instead of the report: bring this operation of the published
        /// document into spec/descope.yaml, recorded deviations applied,
        /// without its prose; may be given more than once.
        #[arg(long, value_name = "OPERATION_ID")]
        adopt: Vec<String>,
        /// Workspace root (default: the workspace cargo runs xtask in).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Measure both clients against hand-written reqwest on a loopback
    /// server (release build), their memory, and the workflow's own speed.
    Bench {
        /// Fewer, shorter rounds: under 30 seconds once built.
        #[arg(long)]
        quick: bool,
        /// Instead: count instructions and heap allocations per call under
        /// valgrind's callgrind (median of 5 counts per client and
        /// concurrency), ending with `INSTR` and `ALLOC` lines.
        #[arg(long, conflicts_with = "workflow")]
        instructions: bool,
        /// Only the workflow's own timings (generation at several spec
        /// sizes, conformance), not the clients.
        #[arg(long)]
        workflow: bool,
        /// Instead: what signing a session costs fake-descope, RS256 against
        /// ES256, ending with `SIGNING` lines.
        #[arg(long, conflicts_with_all = ["workflow", "instructions"])]
        signing: bool,
        /// Instead: the rate of validating session JWTs (RS256, keys cached,
        /// one core), ours against Descope's official Node and Python SDKs
        /// (installed at pinned versions under target/) and the bare RS256
        /// check, and a storm of unknown kids; ends with `VALIDATION` lines.
        #[arg(long, conflicts_with_all = ["workflow", "instructions", "signing"])]
        validation: bool,
        /// Instead: what descope-axum's session layer costs a request of an
        /// axum service (with and without it), ending with `LAYER` lines.
        #[arg(long, conflicts_with_all = ["workflow", "instructions", "signing", "validation"])]
        layer: bool,
    },
}

/// What `spec-diff --fail-on` fails on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// A change that breaks existing callers on the wire.
    Wire,
    /// A change that breaks the Rust API of a crate.
    Rust,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate { check, root } => root
            .map_or_else(workspace::default_root, Ok)
            .and_then(|root| generate::run(&root, check)),
        Command::SpecDiff {
            base,
            old,
            new,
            format,
            verbose,
            fail_on,
            check_version,
            root,
        } => {
            let options = spec_diff::Options {
                old: match old {
                    Some(file) => spec_diff::Old::File(file),
                    None => spec_diff::Old::Base(base.unwrap_or_else(|| "HEAD".to_string())),
                },
                new,
                format,
                verbose,
                fail_on_wire: fail_on.contains(&FailOn::Wire),
                fail_on_rust: fail_on.contains(&FailOn::Rust),
                check_version,
            };
            let result = root
                .map_or_else(workspace::default_root, Ok)
                .and_then(|root| spec_diff::run(&root, &options));
            // An unreadable spec or revision is a usage error here, as clap's are.
            return result.unwrap_or_else(|error| {
                eprintln!("error: {error:#}");
                ExitCode::from(2)
            });
        }
        Command::Upstream {
            published,
            format,
            adopt,
            root,
        } => {
            let result = root
                .map_or_else(workspace::default_root, Ok)
                .and_then(|root| {
                    if adopt.is_empty() {
                        upstream::run(&root, &published, format)
                    } else {
                        upstream::adopt_operations(&root, &published, &adopt)
                    }
                });
            return result.unwrap_or_else(|error| {
                eprintln!("error: {error:#}");
                ExitCode::from(2)
            });
        }
        Command::Bench {
            quick,
            instructions,
            workflow,
            signing,
            validation,
            layer,
        } => workspace::default_root().and_then(|root| {
            let only = match (instructions, signing) {
                (true, _) => bench_launch::Only::Instructions,
                (_, true) => bench_launch::Only::Signing,
                _ if validation => bench_launch::Only::Validation,
                _ if layer => bench_launch::Only::Layer,
                _ if workflow => bench_launch::Only::Workflow,
                _ => bench_launch::Only::Everything,
            };
            bench_launch::run(&root, quick, only)
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
