//! The endpoints the fake serves and the credential each one takes.

use std::fmt;

/// An endpoint of the fake: the two operations of the spec, and the start-up
/// call of the official SDKs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v1/auth/magiclink/update/phone/sms` (`UpdateUserPhoneMagicLinkSMS`),
    /// authenticated with a user's refresh JWT.
    UpdatePhoneSms,
    /// `POST /v1/mgmt/user/signin/embeddedlink` (`EmbeddedLinkSignin`),
    /// authenticated with a management key.
    EmbeddedLink,
    /// `GET /v1/mgmt/license`, which the official SDKs call once when they
    /// are given a management key. It is not in the spec.
    License,
}

/// The credential an endpoint expects after `Bearer <ProjectId>:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CredentialKind {
    /// A user's refresh JWT, optionally followed by `:<AuthManagementKey>`.
    RefreshJwt,
    /// A management key.
    ManagementKey,
}

/// The path of the license call, fixed by the official SDKs.
pub(crate) const LICENSE_PATH: &str = "/v1/mgmt/license";

impl Endpoint {
    /// The endpoints that are operations of the spec.
    pub const OPERATIONS: [Endpoint; 2] = [Endpoint::UpdatePhoneSms, Endpoint::EmbeddedLink];

    /// The spec's `operationId`, or `None` for the license call.
    pub fn operation_id(self) -> Option<&'static str> {
        match self {
            Endpoint::UpdatePhoneSms => Some("UpdateUserPhoneMagicLinkSMS"),
            Endpoint::EmbeddedLink => Some("EmbeddedLinkSignin"),
            Endpoint::License => None,
        }
    }

    /// The endpoint of the spec operation `id`.
    pub fn from_operation_id(id: &str) -> Option<Endpoint> {
        Endpoint::OPERATIONS
            .into_iter()
            .find(|endpoint| endpoint.operation_id() == Some(id))
    }

    pub(crate) fn credential(self) -> CredentialKind {
        match self {
            Endpoint::UpdatePhoneSms => CredentialKind::RefreshJwt,
            Endpoint::EmbeddedLink | Endpoint::License => CredentialKind::ManagementKey,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id().unwrap_or("License"))
    }
}
