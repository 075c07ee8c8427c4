//! The endpoints the fake serves and the credential each one takes.

use std::fmt;

use descope_spec::{Credential, Operation};

/// An endpoint of the fake: an operation of the spec, or the start-up call
/// of the official SDKs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// An operation of `spec/descope.yaml`, at its method and path.
    Operation(Operation),
    /// `GET /v1/mgmt/license`, which the official SDKs call once when they
    /// are given a management key. It is not in the spec.
    License,
}

/// The path of the license call, fixed by the official SDKs.
pub(crate) const LICENSE_PATH: &str = "/v1/mgmt/license";
/// What the control API and [`Endpoint`]'s `Display` call the license call.
const LICENSE_NAME: &str = "License";

impl Endpoint {
    /// The endpoint named `name`: an `operationId` of the spec, or `License`.
    pub fn from_name(name: &str) -> Option<Endpoint> {
        if name == LICENSE_NAME {
            return Some(Endpoint::License);
        }
        Operation::from_id(name).map(Endpoint::Operation)
    }

    /// Every endpoint's name, for messages.
    pub(crate) fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Operation::ALL.iter().map(|op| op.id()).collect();
        names.push(LICENSE_NAME);
        names
    }

    /// The credential the endpoint takes: the spec's, and a management key
    /// for the license call.
    pub(crate) fn credential(self) -> Option<Credential> {
        match self {
            Endpoint::Operation(op) => op.credential(),
            Endpoint::License => Some(Credential::ProjectManagementKey),
        }
    }

    /// The spec operation, unless this is the license call.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Endpoint::Operation(op) => Some(op),
            Endpoint::License => None,
        }
    }
}

impl From<Operation> for Endpoint {
    fn from(op: Operation) -> Endpoint {
        Endpoint::Operation(op)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Operation(op) => f.write_str(op.id()),
            Endpoint::License => f.write_str(LICENSE_NAME),
        }
    }
}
