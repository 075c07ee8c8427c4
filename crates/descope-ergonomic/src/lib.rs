#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod client;
mod config;
mod credentials;
mod decode;
mod error;
mod input;
mod license;
pub mod magic_link;
pub mod management;
mod redact;
mod retry;
mod secret;
pub mod session;
#[cfg(feature = "unstable-tooling")]
pub mod tooling;
mod transport;

pub use client::DescopeClient;
pub use config::{
    env, DescopeClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OPERATION_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
};
pub use credentials::{
    ManagementAuthorization, ProjectAuthorization, ProjectId, UserAuthorization,
};
pub use error::{ApiError, Error, Field, Reason, TransportErrorKind, ValidationError};
pub use input::{ApprovedDomains, Given, LinkTimeout, LoginId, PhoneNumber, RedirectUri};
pub use retry::RetryPolicy;
pub use secret::{
    kind, AuthManagementKey, Kind, LinkToken, ManagementKey, RefreshJwt, Secret, SessionJwt,
};
pub use session::Session;

/// The generated client this crate wraps, for operations it does not wrap.
///
/// Behind the `unstable-raw` feature and outside semver: its types are
/// generated from the spec and change with it, so a minor version of this
/// crate may change them.
#[cfg(feature = "unstable-raw")]
pub use descope_raw as raw;
