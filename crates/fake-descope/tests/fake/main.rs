//! The fake's integration tests, one binary: the wire contract (what it
//! refuses and how), its answers and scripts through the ergonomic client,
//! the official SDKs' request shapes, serving under load, the state it
//! keeps, and the README's guide example (conformance against the fake is
//! in the workspace tests).

mod answers;
mod control;
mod flow;
mod guide_example;
mod license;
mod scripts;
mod sdk_shapes;
mod serving;
mod sessions;
mod state;
mod strictness;
mod support;
