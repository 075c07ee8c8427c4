#![doc = include_str!("../README.md")]
mod context;
mod headers;
mod secret;
// progenitor emits an explicit 429 arm after the 4XX range that already covers it.
#[allow(unreachable_patterns)]
mod generated;

pub use context::{RequestContext, Transport, TransportFuture};
pub use generated::*;
pub use headers::retry_after;
pub use secret::Secret;
