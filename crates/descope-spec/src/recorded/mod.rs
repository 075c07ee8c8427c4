//! The recorded spec: `spec/recorded/*.yaml`, one exchange a file, as it
//! crosses the wire (the format is documented in `spec/recorded/README.md`).
//!
//! Parsing is strict ([`Exchange::parse`]), the set is embedded in the crate
//! ([`Recordings::embedded`]) or read from a folder, and [`check_exchange`]
//! holds each recording to the spec so that the two cannot drift apart.

mod check;
mod exchange;
mod outcome;
mod recordings;

pub use check::{check_exchange, path_matches};
pub use exchange::{
    ClientKind, ClientOverride, Credentials, Exchange, ExchangeError, Inputs, RecordedRequest,
    RecordedResponse, LICENSE_HEADER, SDK_HEADERS,
};
pub use outcome::{ErrorOutcome, Outcome};
pub use recordings::Recordings;
