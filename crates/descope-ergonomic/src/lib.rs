#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod client;
mod config;
mod credentials;
mod decode;
mod error;
mod input;
mod license;
mod ops;
mod redact;
mod retry;
mod transport;

pub use client::DescopeClient;
pub use config::{
    env, is_loopback_url, DescopeClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use credentials::{
    AuthManagementKey, ManagementAuthorization, ManagementKey, ProjectAuthorization, ProjectId,
    RefreshJwt, UserAuthorization,
};
pub use error::{ApiError, Error, Field, Reason, TransportErrorKind, ValidationError};
pub use input::{ApprovedDomains, LinkTimeout, LoginId, PhoneNumber, RedirectUri};
pub use license::{LICENSE_HANDSHAKE_TIMEOUT, RETRY_AFTER_FAILURE};
pub use ops::{
    EmbeddedLink, EmbeddedLinkRequest, EmbeddedLinkSignupRequest, EmbeddedLinkToken,
    LicenseRequest, NewUser, PhoneUpdateSent, ProjectLicense, Session, SessionCookie, SessionJwt,
    SessionUser, UpdatePhoneRequest, VerifyMagicLinkRequest,
};
pub use redact::scrub_secrets;
pub use retry::{RetryPolicy, Sleep, SleepFuture, TokioSleep};

/// The generated client this crate wraps, for calls outside the wrapper.
pub use descope_raw as raw;
