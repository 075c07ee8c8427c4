//! What the suite checks: each recording replayed against a client
//! ([`replay`]), a server's answers to the recorded requests
//! ([`check_server`]), and the recordings' coverage of the spec.

pub(crate) mod coverage;
pub(crate) mod diff;
pub(crate) mod probe;
mod replay;
pub(crate) mod server;

pub use replay::replay;
pub use server::check_server;
