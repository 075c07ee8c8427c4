//! The conformance suite of the Descope clients: the recorded spec
//! (`spec/recorded/*.yaml`, one exchange per file) checked against
//! `spec/descope.yaml`, replayed against each client on an in-process mock
//! server, or put to a real or fake server.
//!
//! The spec and the recordings are built into `descope-spec`, so
//! `cargo run -p descope-conformance` needs no files, network or credentials;
//! `descope_spec::Spec::load` and `descope_spec::recorded::Recordings::from_dir`
//! read other copies.
//!
//! ```no_run
//! # async fn example() {
//! use descope_conformance::{default_drivers, run, Format, RunOptions, Suite};
//!
//! let suite = Suite::embedded();
//! let report = run(&suite, &default_drivers(), &RunOptions::default()).await;
//! print!("{}", report.render(Format::Table));
//! assert_eq!(report.failed(), 0);
//! # }
//! ```
//!
//! A client joins the suite through a [`Driver`]: it maps an exchange's
//! inputs onto one call of the client and the result onto an
//! [`Outcome`](descope_spec::recorded::Outcome).

#![warn(missing_docs)]

mod capture;
mod coverage;
mod diff;
mod driver;
mod ergonomic_driver;
mod mock;
mod raw_driver;
mod record;
mod replay;
mod report;
mod runner;
mod server_check;

pub use coverage::missing_coverage;
pub use diff::json_differences;
pub use driver::{Driver, DriverError, DriverFuture, Params};
pub use ergonomic_driver::ErgonomicDriver;
pub use mock::{ArrivedRequest, ScriptedServer};
pub use raw_driver::RawDriver;
pub use record::{record, to_yaml, LiveCredentials, SCRUBBED_TOKEN};
pub use replay::replay;
pub use report::{CheckKind, CheckResult, Format, Report};
pub use runner::{default_drivers, run, RunOptions, Suite};
pub use server_check::check_server;
