//! The spec and the recorded exchanges, built into the crate by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The label messages use for the embedded spec.
pub const SPEC_LABEL: &str = "spec/descope.yaml";
