//! The spec and the recordings, built into the crate. `spec/` is a link to
//! the workspace's top-level `spec/` (see the README); the list of recordings
//! is written by `cargo xtask generate`.

/// The text of `spec/descope.yaml`.
pub(crate) const SPEC: &str = include_str!("../spec/descope.yaml");

pub(crate) use crate::generated::recordings::RECORDED;

/// How messages name the embedded spec.
pub(crate) const SPEC_LABEL: &str = "spec/descope.yaml";
