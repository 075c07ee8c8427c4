#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod capture;
mod checks;
mod drivers;
mod mock;
pub mod probe;
mod record;
mod report;
mod runner;

pub use checks::{check_server, replay};
pub use drivers::{Driver, DriverError, DriverFuture, ErgonomicDriver, Params, RawDriver};
pub use mock::{ArrivedRequest, ScriptedServer};
pub use record::{record, recording_client, to_yaml, LiveCredentials, SCRUBBED_TOKEN};
pub use report::{CheckKind, CheckResult, Coverage, Format, Report, Tally};
pub use runner::{default_drivers, run, RunOptions, Suite};
