//! Exchange a magic-link or embedded-link token for the user's session.

use std::fmt;

use descope_raw::types::{
    JwtResponse as WireResponse, ResponseUser, VerifyMagicLinkRequest as WireBody,
};
use descope_spec::Operation;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use crate::client::DescopeClient;
use crate::credentials::{ProjectAuthorization, RefreshJwt};
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::check_text;

/// A verification being prepared; see [`DescopeClient::verify_magic_link`].
#[derive(Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct VerifyMagicLinkRequest<'c> {
    client: &'c DescopeClient,
    inputs: Inputs,
}

/// The inputs as given, unchecked, by their spec names.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Inputs {
    #[serde(default, deserialize_with = "secret")]
    token: SecretString,
}

fn secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
    String::deserialize(d).map(SecretString::from)
}

impl fmt::Debug for VerifyMagicLinkRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyMagicLinkRequest")
            .field("token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl<'c> VerifyMagicLinkRequest<'c> {
    pub(crate) fn new(client: &'c DescopeClient, token: String) -> Self {
        let inputs = Inputs {
            token: SecretString::from(token),
        };
        Self { client, inputs }
    }

    /// The request whose inputs are the JSON body `body` (spec names).
    pub(crate) fn from_json(
        client: &'c DescopeClient,
        body: Value,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            client,
            inputs: serde_json::from_value(body)?,
        })
    }

    /// Validates the token and returns the exact body that would be sent.
    pub fn wire_body(&self) -> Result<WireBody, Error> {
        let token = self.inputs.token.expose_secret();
        let refuse = |reason| ValidationError::new(Field::Request("token"), reason);
        check_text(Field::Request("token"), token)?;
        if token.bytes().any(|b| b == b' ') {
            return Err(refuse(Reason::InvalidCharacter).into());
        }
        Ok(WireBody {
            token: token.try_into().map_err(|_| refuse(Reason::Empty))?,
        })
    }

    /// Validates, then sends with the project id alone; retries by the
    /// client's policy (a token is used up only by a success).
    pub async fn send(self) -> Result<Session, Error> {
        let response = self.exchange().await?;
        Session::from_wire(response)
    }

    /// [`send`](Self::send), answering the generated response type.
    pub(crate) async fn exchange(self) -> Result<WireResponse, Error> {
        let body = self.wire_body()?;
        let shared = self.client.shared();
        let authorization = ProjectAuthorization::new(&shared.project_id).header_value();
        let scrub = self
            .client
            .scrub(Some(self.inputs.token.expose_secret()), true);
        let context = self
            .client
            .call_context(Operation::VerifyMagicLink, authorization)
            .await;
        self.client
            .call(&context, scrub, body, |raw, body| {
                raw.verify_magic_link().body(body).send()
            })
            .await
    }
}

/// A signed-in user's session, as verification hands it back. Its JWTs
/// print as `[REDACTED]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Session {
    session_jwt: SessionJwt,
    refresh_jwt: Option<RefreshJwt>,
    session_expiration: Option<i32>,
    first_seen: bool,
    cookie: SessionCookie,
    user: Option<SessionUser>,
}

impl Session {
    fn from_wire(response: WireResponse) -> Result<Self, Error> {
        // A refresh JWT that the client could not send back is no credential.
        let refresh_jwt = response
            .refresh_jwt
            .map(|jwt| RefreshJwt::new(jwt.into_exposed()))
            .transpose()
            .map_err(Error::from)?;
        Ok(Session {
            session_jwt: SessionJwt(SecretString::from(response.session_jwt.into_exposed())),
            refresh_jwt,
            session_expiration: response.session_expiration,
            first_seen: response.first_seen.unwrap_or(false),
            cookie: SessionCookie {
                domain: response.cookie_domain,
                path: response.cookie_path,
                max_age: response.cookie_max_age,
                expiration: response.cookie_expiration,
            },
            user: response.user.map(SessionUser::from),
        })
    }

    /// The session JWT: what the service validates (against the project's
    /// keys) on each of the user's requests.
    pub fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }

    /// The refresh JWT, ready for the user's own calls (such as
    /// [`DescopeClient::update_phone_magic_link_sms`]); absent when the
    /// project sends it in a cookie only.
    pub fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        self.refresh_jwt.as_ref()
    }

    /// When the session JWT expires, in Unix seconds.
    pub fn session_expiration(&self) -> Option<i32> {
        self.session_expiration
    }

    /// Whether this was the user's first sign-in.
    pub fn first_seen(&self) -> bool {
        self.first_seen
    }

    /// How Descope would set the session cookies.
    pub fn cookie(&self) -> &SessionCookie {
        &self.cookie
    }

    /// The user.
    pub fn user(&self) -> Option<&SessionUser> {
        self.user.as_ref()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("session_jwt", &self.session_jwt)
            .field("refresh_jwt", &self.refresh_jwt)
            .field("session_expiration", &self.session_expiration)
            .field("first_seen", &self.first_seen)
            .field("cookie", &self.cookie)
            .field("user", &self.user)
            .finish()
    }
}

/// A session JWT. It prints as `[REDACTED]`.
#[derive(Clone)]
pub struct SessionJwt(SecretString);

impl SessionJwt {
    /// The JWT itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SessionJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionJwt([REDACTED])")
    }
}

/// The cookie settings of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionCookie {
    /// The domain; empty for the request's host.
    pub domain: Option<String>,
    /// The path.
    pub path: Option<String>,
    /// Seconds the refresh cookie lives.
    pub max_age: Option<i32>,
    /// When the refresh cookie expires, in Unix seconds.
    pub expiration: Option<i32>,
}

/// The signed-in user, as Descope keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionUser {
    /// Descope's id of the user: the `sub` of their JWTs.
    pub user_id: String,
    /// Every login id of the user.
    pub login_ids: Vec<String>,
    /// The display name.
    pub name: Option<String>,
    /// The given name.
    pub given_name: Option<String>,
    /// The middle name.
    pub middle_name: Option<String>,
    /// The family name.
    pub family_name: Option<String>,
    /// The email address.
    pub email: Option<String>,
    /// The phone number.
    pub phone: Option<String>,
    /// Whether the email is verified.
    pub verified_email: bool,
    /// Whether the phone number is verified.
    pub verified_phone: bool,
    /// Such as `enabled`.
    pub status: Option<String>,
    /// When the user was created, in Unix seconds.
    pub created_time: Option<i64>,
}

impl From<ResponseUser> for SessionUser {
    fn from(user: ResponseUser) -> Self {
        SessionUser {
            user_id: user.user_id,
            login_ids: user.login_ids,
            name: user.name,
            given_name: user.given_name,
            middle_name: user.middle_name,
            family_name: user.family_name,
            email: user.email,
            phone: user.phone,
            verified_email: user.verified_email.unwrap_or(false),
            verified_phone: user.verified_phone.unwrap_or(false),
            status: user.status,
            created_time: user.created_time,
        }
    }
}
