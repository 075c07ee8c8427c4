//! A local, spec-checked stand-in for the Descope API, for the tests of
//! services that call Descope (through `descope-ergonomic` or any other
//! client).
//!
//! It serves, on a loopback port, the two operations of `spec/descope.yaml`
//! and the license call the official SDKs make when they start:
//!
//! - every request is checked as Descope would check it: the path and method,
//!   the `Authorization` credential of the right kind for a registered project
//!   (401 when missing, malformed or unknown; 403 when a management key stands
//!   where a user's refresh JWT is due, or the other way round), the content
//!   type, and the body against the spec's schema (400 with `E011001`,
//!   `E011002` for a missing field, `E011003` for an invalid one). Every
//!   refusal carries Descope's error body;
//! - valid calls get answers the spec allows: the masked phone number
//!   (`+1******0123`), a fresh 256-bit token for an embedded link, or
//!   user-not-found (404, `E062108`) for a login id that was not registered;
//! - tests script the next answers ([`Reply`]: an error, a 429 with
//!   `Retry-After`, a delay, a burst of 503s) and read back every request
//!   received ([`FakeDescope::received`]).
//!
//! ```no_run
//! use fake_descope::{FakeDescope, Project, Reply};
//!
//! # async fn example() {
//! let fake = FakeDescope::builder()
//!     .project(
//!         Project::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z")
//!             .management_key("K-test")
//!             .refresh_jwt("header.payload.signature"),
//!     )
//!     .user("ada@example.com")
//!     .start()
//!     .await;
//! fake.script(Reply::unavailable().times(2)); // the next two valid calls get 503
//! // ... point the client under test at fake.base_url() ...
//! assert!(fake.received().iter().all(|r| r.status == 503));
//! # }
//! ```
//!
//! The `fake-descope` binary serves the same from the command line, for
//! services written in other languages; its `/_fake/` control paths register
//! projects and users, script replies and list received requests over HTTP.

#![deny(missing_docs)]

mod answers;
mod auth;
mod body_check;
mod control;
mod endpoint;
mod masking;
mod received;
mod recorded;
mod refusal;
mod registry;
mod reply;
mod server;
mod service;
mod token;

pub use control::CONTROL_PREFIX;
pub use endpoint::Endpoint;
pub use masking::{mask_email, mask_phone};
pub use received::ReceivedRequest;
pub use refusal::codes;
pub use registry::{Project, User};
pub use reply::Reply;
pub use server::{FakeDescope, FakeDescopeBuilder};
