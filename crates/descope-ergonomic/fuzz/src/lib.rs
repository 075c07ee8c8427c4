//! The fuzz targets' checks: the ones descope-ergonomic's tests run over
//! the corpus on stable (`descope_testkit::fuzz`), so that there is one copy
//! of each invariant.

pub use descope_testkit::fuzz::{check_inputs, check_response_bytes};
