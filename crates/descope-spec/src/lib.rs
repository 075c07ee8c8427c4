#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod generated;
mod table;

pub use table::{fields, Credential, Operation};

#[cfg(feature = "spec")]
mod embedded;
#[cfg(feature = "spec")]
mod load;
#[cfg(feature = "spec")]
mod openapi;
#[cfg(feature = "spec")]
mod spec;
#[cfg(feature = "spec")]
mod validate;

#[cfg(feature = "spec")]
pub mod recorded;

#[cfg(feature = "spec")]
pub use spec::{OperationSpec, Spec, SpecError, JSON, METHODS};
#[cfg(feature = "spec")]
pub use validate::Violation;
