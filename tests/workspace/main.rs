//! The workspace-level tests, one binary: the maintainer's regeneration loop
//! on a copy of the workspace, the wrapper's input checks against the
//! spec's, and the spec's examples against its schemas.

mod regeneration_loop;
mod spec_agreement;
mod spec_examples;
