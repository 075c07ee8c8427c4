//! The workspace-level tests, one binary: the crate graph (no cycles), the
//! maintainer's regeneration loop on a copy of the workspace, the wrapper's
//! input checks against the spec's, the spec's examples against its schemas, and the conformance
//! suite against fake-descope, and local session validation against the
//! fake's sessions (here, so that neither crate needs the other as a
//! dev-dependency: packaging needs no cycle), and the docs against the code
//! and the operation table.

mod crate_graph;
mod docs;
mod fake_conformance;
mod readme_examples;
mod regeneration_loop;
mod spec_agreement;
mod spec_examples;
mod validation;
