//! Issues an embedded-link sign-in token for an existing user.
//!
//! ```sh
//! DESCOPE_PROJECT_ID=... DESCOPE_MANAGEMENT_KEY=... \
//!   cargo run -p descope-ergonomic --example embedded_link -- \
//!   --login-id ada@example.com --claims '{"plan": "pro"}' --timeout 300
//! ```
//!
//! Reads `DESCOPE_PROJECT_ID`, `DESCOPE_MANAGEMENT_KEY` and optionally
//! `DESCOPE_BASE_URL`. Prints the token (a credential: handle it as one).
//! Exit status: 0 issued, 1 the call failed, 2 bad usage.

mod common;

use std::process::ExitCode;

use clap::Parser;
use descope_ergonomic::LinkTimeout;

/// Generate an embedded link token for an existing user.
#[derive(Parser)]
struct Args {
    /// The user's login id.
    #[arg(long)]
    login_id: String,
    /// Custom claims, as a JSON object.
    #[arg(long, value_parser = json_value)]
    claims: Option<serde_json::Value>,
    /// The token's lifetime in whole seconds.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<i64>,
    /// Seconds one attempt may take (default 60).
    #[arg(long, value_name = "SECS")]
    request_timeout: Option<u64>,
}

fn json_value(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    run(Args::parse()).await.unwrap_or_else(|code| code)
}

/// The call; `Err` carries the exit status of a usage error.
async fn run(args: Args) -> Result<ExitCode, ExitCode> {
    let client = common::client_from_env(args.request_timeout)?;
    common::required_env("DESCOPE_MANAGEMENT_KEY")?;
    let mut request = client.management().users().embedded_link(args.login_id);
    if let Some(claims) = args.claims {
        request = request.custom_claims(claims);
    }
    if let Some(secs) = args.timeout {
        match LinkTimeout::from_secs(secs) {
            Ok(lifetime) => request = request.timeout(lifetime),
            Err(refused) => return Ok(common::finish(Err::<(), _>(refused.into()), |_| "")),
        }
    }
    Ok(common::finish(request.send().await, |link| {
        link.token().expose_secret()
    }))
}
