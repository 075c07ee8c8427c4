//! Test support shared by the tests of the workspace's crates, so that no
//! test file copies another's helpers: the test credentials, every
//! operation of the spec as the tests call it ([`ops`]), sleeps that do not
//! wait, loopback servers that misbehave on purpose, log capture.
//!
//! Never a dependency of a published crate: only `[dev-dependencies]` name
//! it, and the benchmark (unpublished), which serves from the fault server.

pub mod client;
pub mod credentials;
pub mod fault_server;
pub mod fuzz;
pub mod log;
pub mod ops;
pub mod process;
pub mod raw;
pub mod sleep;
