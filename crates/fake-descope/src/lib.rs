#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod auth;
mod behaviour;
mod body_check;
mod bounded;
mod clock;
mod control;
mod flow;
mod ids;
mod keys;
mod masking;
mod minting;
mod received;
mod recorded;
mod refusal;
mod registry;
mod reply;
mod server;
mod service;
mod session;

pub use behaviour::DEFAULT_LINK_URI;
pub use bounded::DEFAULT_MAX_KEPT;
pub use control::CONTROL_PREFIX;
/// The operations of the spec, by which scripts and the request log name
/// them (re-exported, so that a service's tests need no other crate).
pub use descope_spec::Operation;
pub use flow::{SentMessage, DEFAULT_TOKEN_LIFETIME};
pub use keys::{Signing, DEFAULT_KEY_GRACE_SECS};
pub use masking::{mask_email, mask_phone};
pub use minting::{IssuedSession, SessionFor};
pub use received::{ReceivedRequest, DEFAULT_MAX_RECEIVED};
pub use refusal::codes;
pub use registry::{Project, User};
pub use reply::Reply;
pub use server::{Dropped, FakeDescope, FakeDescopeBuilder};
pub use service::DEFAULT_MAX_REQUEST_BYTES;
pub use session::{REFRESH_LIFETIME_SECS, SESSION_LIFETIME_SECS};
