//! The conformance suite of the Descope clients: the recorded spec
//! (`spec/recorded/*.yaml`, one exchange per file) checked against
//! `spec/descope.yaml`, replayed against each client on an in-process mock
//! server, or put to a real or fake server.
//!
//! The spec and the recordings are built into the crate, so
//! `cargo run -p descope-conformance` needs no files, network or credentials;
//! [`Spec::parse`] and [`Recordings::from_dir`] read other copies.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use descope_conformance::{default_drivers, run, Format, RunOptions, Suite};
//!
//! let suite = Suite::embedded()?;
//! let report = run(&suite, &default_drivers(), &RunOptions::default()).await;
//! print!("{}", report.render(Format::Table));
//! assert_eq!(report.failed(), 0);
//! # Ok(())
//! # }
//! ```
//!
//! A client joins the suite through a [`Driver`]: it maps an exchange's
//! inputs onto one call of the client and the result onto an [`Outcome`].

#![warn(missing_docs)]

mod capture;
mod coverage;
mod diff;
mod driver;
mod embedded;
mod ergonomic_driver;
mod exchange;
mod mock;
mod outcome;
mod raw_driver;
mod record;
mod recordings;
mod replay;
mod report;
mod runner;
mod schema;
mod server_check;
mod spec;
mod spec_check;

pub use coverage::missing_coverage;
pub use diff::json_differences;
pub use driver::{Driver, DriverError, DriverFuture, Params};
pub use ergonomic_driver::ErgonomicDriver;
pub use exchange::{
    ClientKind, ClientOverride, Credentials, Exchange, ExchangeError, Inputs, RecordedRequest,
    RecordedResponse, SDK_HEADERS,
};
pub use mock::{ArrivedRequest, ScriptedServer};
pub use outcome::{ErrorOutcome, Outcome};
pub use raw_driver::{RawDriver, EMBEDDED_LINK, UPDATE_PHONE};
pub use record::{record, to_yaml, LiveCredentials, SCRUBBED_TOKEN};
pub use recordings::Recordings;
pub use replay::replay;
pub use report::{CheckKind, CheckResult, Format, Report};
pub use runner::{default_drivers, run, RunOptions, Suite};
pub use schema::Violation;
pub use server_check::{applies as server_applies, check_server};
pub use spec::{Operation, Spec, SpecError};
pub use spec_check::check_exchange;
