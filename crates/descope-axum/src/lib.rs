#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod extract;
mod flights;
mod guard;
mod layer;

pub use extract::{Session, SessionRejection};
pub use guard::{Require, RequireLayer, RequireService};
pub use layer::{SessionLayer, SessionService};

/// The validation this crate plugs in, re-exported so that a service names
/// one crate.
pub use descope_ergonomic::session::{SessionValidator, ValidSession};

/// The workspace README's examples, compiled as doctests of this crate (the
/// one whose dependencies reach all they name: the client, the layer, axum,
/// the fake).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
