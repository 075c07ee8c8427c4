#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod answers;
mod auth;
mod body_check;
mod control;
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
pub use masking::{mask_email, mask_phone};
pub use received::{ReceivedRequest, DEFAULT_MAX_RECEIVED};
pub use refusal::codes;
pub use registry::{Project, User};
pub use reply::Reply;
pub use server::{FakeDescope, FakeDescopeBuilder};
pub use service::DEFAULT_MAX_REQUEST_BYTES;
