//! The seam between the suite and a client implementation, and the drivers
//! of the workspace's two clients.
//!
//! A [`Driver`] turns an exchange's inputs into one call of its client and
//! the client's result into an [`Outcome`]. Everything else (serving the
//! recorded responses, capturing and comparing what arrived, validating it
//! against the spec) is the suite's, identical for every client.

mod ergonomic;
mod raw;

pub use ergonomic::ErgonomicDriver;
pub(crate) use raw::bearer;
pub use raw::RawDriver;

use std::future::Future;
use std::pin::Pin;

use descope_spec::Operation;
use serde_json::{Map, Value};

use descope_spec::recorded::Outcome;
use descope_spec::recorded::{ClientKind, Inputs};

/// The future a [`Driver`] returns.
pub type DriverFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, DriverError>> + Send + 'a>>;

/// Performs calls with one client implementation.
pub trait Driver: Send + Sync {
    /// The client driven: selects the exchanges that apply (`clients`) and
    /// the per-client overrides.
    fn client(&self) -> ClientKind;

    /// Whether the client must send the SDK identification headers
    /// ([`SDK_HEADERS`](crate::SDK_HEADERS)); they are compared only then.
    fn sends_sdk_headers(&self) -> bool;

    /// Calls `operation` (a spec `operationId`) with `inputs`, against the
    /// server at `base_url`, and reports what the caller sees. A client's own
    /// failure is an `Ok(Outcome::Error(..))`; `Err` means the driver could
    /// not express the inputs as a call (an unknown parameter, a credential
    /// the operation needs is missing), which the suite reports as a failure.
    fn call<'a>(
        &'a self,
        operation: &'a str,
        inputs: &'a Inputs,
        base_url: &'a str,
    ) -> DriverFuture<'a>;
}

/// The fields of a success value by spec name, as it serialises (the
/// generated types leave absent optional fields out).
pub(crate) fn success_fields<T: serde::Serialize>(value: T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(fields)) => fields,
        // The response types are all objects; should one stop being one,
        // the mismatch shows what it became.
        other => {
            let shown = other.unwrap_or_else(|error| Value::String(error.to_string()));
            Map::from_iter([("value".to_string(), shown)])
        }
    }
}

/// Why a driver could not make the call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    /// The driver has no mapping for the operation.
    #[error("the {client} driver does not know operation `{operation}`")]
    UnknownOperation {
        /// The client driven.
        client: ClientKind,
        /// The `operationId`.
        operation: String,
    },
    /// An input the driver has no mapping for: the spec grew a field, or the
    /// recording misspells one.
    #[error("the {client} driver does not know input `{field}` of `{operation}`")]
    UnknownInput {
        /// The client driven.
        client: ClientKind,
        /// The `operationId`.
        operation: String,
        /// The input's name.
        field: String,
    },
    /// An input of the wrong JSON type.
    #[error("input `{field}` must be {expected}")]
    InputType {
        /// The input's name.
        field: String,
        /// What it must be, e.g. "a string".
        expected: &'static str,
    },
    /// A credential the operation needs is missing from the inputs.
    #[error("credentials lack `{0}`, which this operation needs")]
    MissingCredential(&'static str),
    /// The call did not return in time.
    #[error("the call did not return within {0} seconds")]
    Timeout(u64),
}

/// An exchange's `params` and `query`, checked once for both drivers: an
/// operation the table holds, no input that is not one of its request
/// fields, and query parameters only for an operation without a request
/// body (the only kind that has them).
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    params: &'a Map<String, Value>,
    query: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    /// The operation whose `operationId` is `operation`, and its inputs as
    /// `client` receives them; fails on an operation the table does not
    /// hold, on the first input that is not one of its request fields, and
    /// on a query parameter of an operation that takes a body.
    pub fn of_call(
        client: ClientKind,
        operation: &'a str,
        inputs: &'a Inputs,
    ) -> Result<(Operation, Self), DriverError> {
        let op = Operation::from_id(operation).ok_or_else(|| DriverError::UnknownOperation {
            client,
            operation: operation.to_string(),
        })?;
        let known = op.request_fields();
        let unknown = inputs
            .params
            .keys()
            .find(|name| !known.contains(&name.as_str()))
            .or_else(|| inputs.query.keys().find(|_| !known.is_empty()));
        if let Some(field) = unknown {
            return Err(DriverError::UnknownInput {
                client,
                operation: operation.to_string(),
                field: field.clone(),
            });
        }
        let (params, query) = (&inputs.params, &inputs.query);
        Ok((op, Params { params, query }))
    }

    /// Every input, by spec name: the request body as recorded.
    pub fn all(&self) -> &'a Map<String, Value> {
        self.params
    }

    /// The query parameters, by spec name (the driver reads the ones its
    /// operation has; the spec check refuses any other).
    pub fn query(&self) -> &'a Map<String, Value> {
        self.query
    }

    /// The request body as recorded or, for an operation that takes none,
    /// its query parameters: what the ergonomic client's `send_json` reads.
    pub fn as_json(&self, op: Operation) -> Value {
        let inputs = if op.request_fields().is_empty() {
            self.query
        } else {
            self.params
        };
        Value::Object(inputs.clone())
    }
}
