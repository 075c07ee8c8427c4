//! The Descope client for Rust services.
//!
//! It covers two operations of Descope's API, each a builder ending in
//! `.send().await`:
//!
//! - [`DescopeClient::update_phone_magic_link_sms`]: a signed-in user (known
//!   by their refresh JWT) asks to change their phone number; Descope sends an
//!   SMS with a magic link to the new number.
//! - [`DescopeClient::embedded_link`]: with the project's management key,
//!   issue a one-time sign-in token for an existing user.
//!
//! Every request goes through the generated `descope-raw` client. This crate
//! adds what makes misuse hard:
//!
//! - **validation before any I/O**: login ids, E.164 phone numbers (common
//!   separators removed), redirect URIs (absolute http(s), no fragment,
//!   optionally within approved domains), custom claims, link lifetimes,
//!   credentials; a refused input is a typed [`Error::Validation`] naming the
//!   field, and nothing is sent;
//! - **secrets that do not print**: [`RefreshJwt`], [`ManagementKey`],
//!   [`AuthManagementKey`] and [`EmbeddedLinkToken`] show `[REDACTED]`; header
//!   values are marked sensitive; errors name fields, never values;
//! - **typed errors** ([`Error`]) with helpers such as
//!   [`Error::is_rate_limited`] and [`Error::is_not_found`], including for
//!   bodies that are not JSON, are too large, or miss a field;
//! - **retries** as the official SDKs do them ([`RetryPolicy`]), **region
//!   routing** from the project id, the SDK headers, a request timeout, and a
//!   `tracing` span per call.
//!
//! # Walkthrough
//!
//! ```no_run
//! use descope_ergonomic::{DescopeClient, Error, RefreshJwt};
//!
//! # async fn example() -> Result<(), Error> {
//! // Once per service: reads DESCOPE_PROJECT_ID, DESCOPE_MANAGEMENT_KEY, ...
//! let client = DescopeClient::from_env()?;
//!
//! // On behalf of a signed-in user: the refresh JWT comes with their request.
//! let jwt = RefreshJwt::new("eyJhbGciOi...")?;
//! match client
//!     .update_phone_magic_link_sms(jwt, "ada@example.com", "+1 (202) 555-0123")
//!     .uri("https://app.example.com/verify")
//!     .add_to_login_ids(true)
//!     .send()
//!     .await
//! {
//!     Ok(sent) => println!("SMS sent to {}", sent.masked_phone()),
//!     Err(e) if e.is_validation() => eprintln!("bad input: {e}"),
//!     Err(e) if e.is_rate_limited() => eprintln!("slow down, retry after {:?}", e.retry_after()),
//!     Err(e) => return Err(e),
//! }
//!
//! // With the management key: a sign-in token for an existing user.
//! let link = client
//!     .embedded_link("ada@example.com")
//!     .custom_claims(serde_json::json!({"plan": "pro", "seats": 5}))
//!     .timeout_secs(300)
//!     .send()
//!     .await?;
//! // The token is a credential: it prints as [REDACTED] unless exposed.
//! let token: &str = link.token().expose_secret();
//! # let _ = token;
//! # Ok(())
//! # }
//! ```
//!
//! # Configuration
//!
//! The base URL is, in order: [`DescopeClientBuilder::base_url`], then
//! `DESCOPE_BASE_URL` (with [`DescopeClientBuilder::from_env`]), then
//! `https://api.<region>.descope.com` for project ids of 32 or more characters
//! (region: characters 1 to 4 of the id), then [`DEFAULT_BASE_URL`]. Plain
//! `http://` is refused except to loopback unless
//! [`DescopeClientBuilder::allow_insecure_http`] is set.

#![deny(missing_docs)]

mod client;
mod config;
mod credentials;
mod decode;
mod error;
mod input;
mod ops;
mod retry;
mod wire;

pub use client::DescopeClient;
pub use config::{
    env, DescopeClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use credentials::{
    AuthManagementKey, ManagementAuthorization, ManagementKey, ProjectId, RefreshJwt,
    UserAuthorization,
};
pub use error::{ApiError, Error, Field, Reason, TransportErrorKind, ValidationError};
pub use input::{ApprovedDomains, LinkTimeout, LoginId, PhoneNumber, RedirectUri};
pub use ops::{
    EmbeddedLink, EmbeddedLinkRequest, EmbeddedLinkToken, PhoneUpdateSent, UpdatePhoneRequest,
};
pub use retry::{RetryPolicy, Sleep, SleepFuture, TokioSleep};

/// The generated client this crate wraps, for calls outside the wrapper.
pub use descope_raw as raw;
