//! Maintainer chores for the workspace, run as `cargo xtask <command>`.
//!
//! `generate` turns `spec/descope.yaml` into `crates/descope-raw/src/generated.rs`;
//! `generate --check` fails when the checked-in file is stale; `bench`
//! measures the clients against hand-written `reqwest`, and the workflow itself.

mod bench_launch;
mod bench_workflow;
mod codegen;
mod generate;
mod spec_table;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Measure both clients against hand-written reqwest on a loopback
    /// server (release build), their memory, and the workflow's own speed.
    Bench {
        /// Fewer, shorter rounds: under 30 seconds once built.
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate { check, root } => {
            generate::run(&root.unwrap_or_else(workspace::default_root), check)
        }
        Command::Bench { quick } => bench_launch::run(&workspace::default_root(), quick),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
