//! The fake's integration tests, one binary: the wire contract (what it
//! refuses and how), its answers and scripts through the ergonomic client,
//! the official SDKs' request shapes, serving under load, conformance both
//! ways, and the README's guide example.

mod answers;
mod conformance;
mod control;
mod flow;
mod guide_example;
mod license;
mod scripts;
mod sdk_shapes;
mod serving;
mod strictness;
mod support;
