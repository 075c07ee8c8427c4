//! The Descope API client generated from `spec/descope.yaml`.
//!
//! Everything but [`RequestContext`] and [`Transport`] comes from
//! `generated.rs`, which `cargo xtask generate` writes; change the spec, never
//! that file. Most services want the `descope-ergonomic` crate instead, which
//! validates input, builds credentials, retries and maps errors.
//!
//! Each call carries its own credential, because the refresh JWT of the
//! update-phone operation belongs to one end user: build a [`Client`] per call
//! from one shared, pooled `reqwest::Client` and a [`RequestContext`] holding
//! the `Authorization` value.
//!
//! ```no_run
//! use descope_raw::{types, Client, RequestContext};
//! use reqwest::header::HeaderValue;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // One pool for the whole service.
//! let http = reqwest::Client::new();
//! let base = "https://api.descope.com";
//!
//! // On behalf of a signed-in user: `Bearer <ProjectId>:<RefreshJWT>`.
//! let user = RequestContext::new()
//!     .with_authorization(HeaderValue::from_str("Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:eyJhbGciOi...")?);
//! let sent = Client::new_with_client(base, http.clone(), user)
//!     .update_user_phone_magic_link_sms()
//!     .body(types::UpdatePhoneMagicLinkSmsRequest::builder()
//!         .login_id("ada@example.com")
//!         .phone("+12025550123"))
//!     .send()
//!     .await?;
//! println!("SMS sent to {}", sent.masked_phone);
//!
//! // With a management key: `Bearer <ProjectId>:<ManagementKey>`.
//! let admin = RequestContext::new()
//!     .with_authorization(HeaderValue::from_str("Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:K2...")?);
//! let link = Client::new_with_client(base, http, admin)
//!     .embedded_link_signin()
//!     .body(types::EmbeddedLinkSigninRequest::builder().login_id("ada@example.com"))
//!     .send()
//!     .await?;
//! let token: &str = &link.token;
//! # let _ = token;
//! # Ok(())
//! # }
//! ```

mod context;
mod headers;
// progenitor emits an explicit 429 arm after the 4XX range that already covers it.
#[allow(unreachable_patterns)]
mod generated;

pub use context::{RequestContext, Transport, TransportFuture};
pub use generated::*;
pub use headers::retry_after;
