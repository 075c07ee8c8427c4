//! The chores of `cargo xtask`, as a library: the binary (`main.rs`) is the
//! command line. The workspace's regeneration test runs `generate` and
//! `spec-diff` through this library, in its own process: `cargo run -p
//! xtask` would resolve features for xtask alone, and so build its
//! dependencies again first.

pub mod bench_launch;
mod bench_workflow;
mod codegen;
mod defects;
mod duplicates;
pub mod generate;
mod json_pointer;
pub mod spec_diff;
mod spec_table;
pub mod upstream;
pub mod workspace;
