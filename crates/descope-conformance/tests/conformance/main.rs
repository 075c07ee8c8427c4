//! The conformance suite's tests, one binary: the suite on the built-in
//! recordings, corrupted copies of the spec and recordings, a driver of
//! another client, recording from a server, server mode, and probes.

mod corrupted;
mod driver;
mod probe;
mod record;
mod server_mode;
mod suite;
mod support;
