//! What both example tools share: client set-up from the environment, the
//! `--request-timeout` flag and the exit codes (0 ok, 1 call failed, 2 bad usage).

use std::process::ExitCode;
use std::time::Duration;

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, Error};

/// Exit status when the call failed (the error is on stderr).
pub const CALL_FAILED: u8 = 1;
/// Exit status for bad usage: flags, or the environment.
pub const BAD_USAGE: u8 = 2;

/// A client from the `DESCOPE_*` variables, with an optional request timeout.
pub fn client_from_env(request_timeout: Option<u64>) -> Result<DescopeClient, ExitCode> {
    let mut builder = DescopeClientBuilder::from_env();
    if let Some(secs) = request_timeout {
        builder = builder.request_timeout(Duration::from_secs(secs));
    }
    builder.build().map_err(|error| {
        eprintln!("error: {error} (check the DESCOPE_* environment variables)");
        ExitCode::from(BAD_USAGE)
    })
}

/// A required environment variable, or bad usage.
pub fn required_env(name: &str) -> Result<String, ExitCode> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .ok_or_else(|| {
            eprintln!("error: set {name}");
            ExitCode::from(BAD_USAGE)
        })
}

/// Prints the call's result: the value on stdout, or the error on stderr.
pub fn finish<T>(result: Result<T, Error>, show: impl FnOnce(&T) -> &str) -> ExitCode {
    match result {
        Ok(value) => {
            println!("{}", show(&value));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(CALL_FAILED)
        }
    }
}
