//! The fuzz targets' checks: the ones descope-ergonomic's tests run over
//! the corpus on stable (`descope_testkit::fuzz`), so that there is one copy
//! of each invariant.

pub use descope_testkit::fuzz::{check_inputs, check_response_bytes};

/// The session-token check lives in descope-ergonomic itself (behind
/// `unstable-tooling`): it reaches the token and claims parsers, which are
/// not public.
pub use descope_ergonomic::tooling::check_session_token;
