//! What `cargo xtask generate` writes from the spec: never edited by hand
//! (`cargo xtask generate --check` fails when it is stale).

#[cfg(feature = "spec")]
pub(crate) mod recordings;
pub(crate) mod table;
