//! Sends a signed-in user a magic link over SMS to confirm a new phone number.
//!
//! ```sh
//! DESCOPE_PROJECT_ID=... DESCOPE_REFRESH_JWT=... \
//!   cargo run -p descope-ergonomic --example update_phone -- \
//!   --login-id ada@example.com --phone '+1 (202) 555-0123' --uri https://app.example.com/verify
//! ```
//!
//! Reads `DESCOPE_PROJECT_ID`, `DESCOPE_REFRESH_JWT`, and optionally
//! `DESCOPE_BASE_URL` and `DESCOPE_AUTH_MANAGEMENT_KEY`. Prints the masked
//! phone number. Exit status: 0 sent, 1 the call failed, 2 bad usage.

mod common;

use std::process::ExitCode;

use clap::Parser;
use descope_ergonomic::RefreshJwt;

/// Update a user's phone number by a magic link sent over SMS.
#[derive(Parser)]
struct Args {
    /// The user's current login id.
    #[arg(long)]
    login_id: String,
    /// The new phone number (E.164; spaces, dashes, dots and parentheses are ignored).
    #[arg(long)]
    phone: String,
    /// Where the link points (`<URI>?t=<token>`).
    #[arg(long)]
    uri: Option<String>,
    /// Also add the new number to the user's login ids.
    #[arg(long)]
    add_to_login_ids: bool,
    /// With --add-to-login-ids, merge into the user who already has the number.
    #[arg(long)]
    on_merge_use_existing: bool,
    /// The SMS provider.
    #[arg(long)]
    provider_id: Option<String>,
    /// The message template.
    #[arg(long)]
    template_id: Option<String>,
    /// A template value, as KEY=VALUE (repeatable).
    #[arg(long = "template-option", value_parser = key_value)]
    template_options: Vec<(String, String)>,
    /// The message language, such as en-GB.
    #[arg(long)]
    locale: Option<String>,
    /// Refuse when the number belongs to another user.
    #[arg(long)]
    fail_on_conflict: bool,
    /// Seconds one attempt may take (default 60).
    #[arg(long, value_name = "SECS")]
    request_timeout: Option<u64>,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    run(Args::parse()).await.unwrap_or_else(|code| code)
}

/// The call; `Err` carries the exit status of a usage error.
async fn run(args: Args) -> Result<ExitCode, ExitCode> {
    let client = common::client_from_env(args.request_timeout)?;
    let jwt = RefreshJwt::new(common::required_env("DESCOPE_REFRESH_JWT")?).map_err(|error| {
        eprintln!("error: DESCOPE_REFRESH_JWT: {error}");
        ExitCode::from(common::BAD_USAGE)
    })?;
    let mut request = client
        .magic_link()
        .update_phone_sms(jwt, args.login_id, args.phone)
        .template_options(args.template_options);
    if let Some(uri) = args.uri {
        request = request.uri(uri);
    }
    // Flags that are off stay off the wire, as the official SDKs do.
    if args.add_to_login_ids {
        request = request.add_to_login_ids(true);
    }
    if args.on_merge_use_existing {
        request = request.on_merge_use_existing(true);
    }
    if args.fail_on_conflict {
        request = request.fail_on_conflict(true);
    }
    if let Some(provider_id) = args.provider_id {
        request = request.provider_id(provider_id);
    }
    if let Some(template_id) = args.template_id {
        request = request.template_id(template_id);
    }
    if let Some(locale) = args.locale {
        request = request.locale(locale);
    }
    Ok(common::finish(request.send().await, |sent| {
        sent.masked_phone()
    }))
}
