//! Management operations, made with the project's management key: users
//! (embedded links for sign-in and sign-up) and the project's license.

pub(crate) mod embedded_link;
pub(crate) mod license;
pub(crate) mod signup;

pub use embedded_link::{EmbeddedLink, EmbeddedLinkRequest};
pub use license::{LicenseRequest, ProjectLicense};
pub use signup::{EmbeddedLinkSignupRequest, NewUser};

use crate::client::DescopeClient;
use crate::input::{Given, LoginId};

/// The management operations of a client; see [`DescopeClient::management`].
/// Each needs the management key.
#[derive(Debug, Clone, Copy)]
pub struct Management<'c> {
    client: &'c DescopeClient,
}

impl<'c> Management<'c> {
    pub(crate) fn new(client: &'c DescopeClient) -> Self {
        Self { client }
    }

    /// The operations on the project's users.
    pub fn users(self) -> Users<'c> {
        Users {
            client: self.client,
        }
    }

    /// Reads the project's license. Clients do it on their own before their
    /// first management call (the license handshake); this is for callers
    /// that want the tier themselves.
    pub fn license(self) -> LicenseRequest<'c> {
        LicenseRequest::new(self.client)
    }
}

/// The operations on a project's users; see [`Management::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'c> {
    client: &'c DescopeClient,
}

impl<'c> Users<'c> {
    /// Issues a sign-in token for the existing user `login_id`.
    pub fn embedded_link(self, login_id: impl Given<LoginId>) -> EmbeddedLinkRequest<'c> {
        EmbeddedLinkRequest::new(self.client, login_id.check())
    }

    /// Creates the user `login_id` and issues them a sign-in token.
    pub fn embedded_link_signup(
        self,
        login_id: impl Given<LoginId>,
    ) -> EmbeddedLinkSignupRequest<'c> {
        EmbeddedLinkSignupRequest::new(self.client, login_id.check())
    }
}
