//! The fuzz targets' checks: the same files the stable test suite runs over
//! the corpus (`tests/fuzz_corpus.rs`), included by path so that there is
//! one copy of each invariant.

#[path = "../../tests/fault_server/mod.rs"]
pub mod fault_server;
#[path = "../../tests/fuzz_harness/mod.rs"]
pub mod fuzz_harness;

pub use fuzz_harness::{check_inputs, check_response_bytes};
