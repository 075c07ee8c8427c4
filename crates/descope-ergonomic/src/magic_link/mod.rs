//! Magic links: what a signed-in user asks for over SMS, and the exchange of
//! any link's one-time token for a session.

pub(crate) mod update_phone;
pub(crate) mod verify;

pub use update_phone::{PhoneUpdateSent, UpdatePhoneRequest};
pub use verify::VerifyRequest;

use crate::client::DescopeClient;
use crate::input::{Given, LoginId, PhoneNumber};
use crate::secret::{LinkToken, RefreshJwt};

/// The magic-link operations of a client; see [`DescopeClient::magic_link`].
#[derive(Debug, Clone, Copy)]
pub struct MagicLink<'c> {
    client: &'c DescopeClient,
}

impl<'c> MagicLink<'c> {
    pub(crate) fn new(client: &'c DescopeClient) -> Self {
        Self { client }
    }

    /// Sends the signed-in user (whose refresh JWT is given) an SMS with a
    /// magic link that confirms `phone` as their new number.
    pub fn update_phone_sms(
        self,
        refresh_jwt: impl Given<RefreshJwt>,
        login_id: impl Given<LoginId>,
        phone: impl Given<PhoneNumber>,
    ) -> UpdatePhoneRequest<'c> {
        UpdatePhoneRequest::new(
            self.client,
            refresh_jwt.check(),
            login_id.check(),
            phone.check(),
        )
    }

    /// Exchanges a one-time token (of an embedded link, or of the magic link
    /// a phone update sent) for the user's session, whose refresh JWT the
    /// user's own calls take.
    pub fn verify(self, token: impl Given<LinkToken>) -> VerifyRequest<'c> {
        VerifyRequest::new(self.client, token.check())
    }
}
