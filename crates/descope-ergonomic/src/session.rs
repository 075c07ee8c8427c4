//! Sessions: a signed-in user's session as Descope hands it back (its JWTs,
//! its cookie settings and the user), and the operations on it
//! ([`Sessions`]): refresh, logout, the user's details, and the keys session
//! JWTs are signed with; and the validation of session JWTs, locally, on
//! each of a service's requests ([`SessionValidator`]).

pub(crate) mod keys;
pub(crate) mod logout;
pub(crate) mod me;
pub(crate) mod refresh;
#[cfg(any(feature = "validation-aws-lc", feature = "validation-rust-crypto"))]
pub(crate) mod validation;

pub use keys::{Jwk, KeySet, KeysRequest};
pub use logout::LogoutRequest;
pub use me::MeRequest;
pub use refresh::{RefreshRequest, RefreshedSession};
#[cfg(any(feature = "validation-aws-lc", feature = "validation-rust-crypto"))]
pub use validation::{
    CookieNames, CookieSettings, SameSite, SessionError, SessionTokens, SessionValidator,
    SessionValidatorBuilder, TenantAccess, TenantGrants, ValidSession, Validated, DEFAULT_KEY_TTL,
    DEFAULT_LEEWAY, DEFAULT_MAX_KEY_STALENESS, DEFAULT_UNKNOWN_KID_COOLDOWN, MAX_LEEWAY,
    MAX_TOKEN_BYTES, PUBLIC_KEY_ENV,
};

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use descope_raw::types::{JwtResponse as WireSession, ResponseUser};
use reqwest::header::{GetAll, HeaderValue};

use crate::client::DescopeClient;
use crate::error::Error;
use crate::input::Given;
use crate::secret::{RefreshJwt, SessionJwt};

/// The session operations of a client; see [`DescopeClient::sessions`].
/// Each but [`keys`](Self::keys) acts for the user whose refresh JWT it is
/// given (`Bearer <ProjectId>:<RefreshJWT>[:<AuthManagementKey>]`).
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'c> {
    client: &'c DescopeClient,
}

impl<'c> Sessions<'c> {
    pub(crate) fn new(client: &'c DescopeClient) -> Self {
        Self { client }
    }

    /// Exchanges the user's refresh JWT for a new session JWT; a project
    /// that rotates refresh JWTs answers a new one too, and the one given
    /// stops working. An expired, logged-out or otherwise unusable refresh
    /// JWT is refused with 401 ([`Error::is_unauthorized`]).
    pub fn refresh(self, refresh_jwt: impl Given<RefreshJwt>) -> RefreshRequest<'c> {
        RefreshRequest::new(self.client, refresh_jwt.check())
    }

    /// Ends the session the refresh JWT belongs to: the refresh JWT stops
    /// working. Session JWTs already issued stay valid until they expire
    /// (they are checked without asking Descope).
    pub fn logout(self, refresh_jwt: impl Given<RefreshJwt>) -> LogoutRequest<'c> {
        LogoutRequest::new(self.client, refresh_jwt.check(), false)
    }

    /// Ends every session of the user the refresh JWT belongs to, on every
    /// device.
    pub fn logout_all(self, refresh_jwt: impl Given<RefreshJwt>) -> LogoutRequest<'c> {
        LogoutRequest::new(self.client, refresh_jwt.check(), true)
    }

    /// Reads the user the refresh JWT belongs to.
    pub fn me(self, refresh_jwt: impl Given<RefreshJwt>) -> MeRequest<'c> {
        MeRequest::new(self.client, refresh_jwt.check())
    }

    /// Reads the project's public keys, which session JWTs are signed with
    /// (needs no credential): for validating session JWTs locally.
    pub fn keys(self) -> KeysRequest<'c> {
        KeysRequest::new(self.client)
    }
}

/// The cookie Descope sets the session JWT in, for a project that keeps
/// tokens in cookies (the official SDKs read the same names).
pub const SESSION_COOKIE: &str = "DS";
/// The cookie Descope sets the refresh JWT in.
pub const REFRESH_COOKIE: &str = "DSR";

/// A signed-in user's session. Its JWTs print as `[REDACTED]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Session {
    session_jwt: SessionJwt,
    refresh_jwt: Option<RefreshJwt>,
    session_expiration: Option<SystemTime>,
    first_seen: bool,
    cookie: SessionCookie,
    user: Option<SessionUser>,
}

impl Session {
    /// The session of a success: the JWTs from the body, or, where the body
    /// leaves them empty, from the `DS` / `DSR` cookies the answer set.
    pub(crate) fn from_wire(wire: WireSession, mut cookies: TokenCookies) -> Result<Self, Error> {
        let (session, refresh) = cookies.fill(wire.session_jwt, wire.refresh_jwt);
        let session_jwt = session.ok_or_else(|| {
            Error::unusable_success("no session JWT: neither in the body nor in a DS cookie".into())
        })?;
        // A refresh JWT that the client could not send back is no credential.
        let refresh_jwt = refresh.map(RefreshJwt::new).transpose()?;
        Ok(Session {
            session_jwt: SessionJwt::unchecked(session_jwt),
            refresh_jwt,
            session_expiration: wire.session_expiration.and_then(unix_time),
            first_seen: wire.first_seen.unwrap_or(false),
            cookie: SessionCookie {
                domain: wire.cookie_domain,
                path: wire.cookie_path,
                max_age: wire
                    .cookie_max_age
                    .and_then(|secs| u64::try_from(secs).ok())
                    .map(Duration::from_secs),
                expiration: wire.cookie_expiration.and_then(unix_time),
            },
            user: wire.user.map(SessionUser::from),
        })
    }

    /// The session JWT: what the service validates (against the project's
    /// keys) on each of the user's requests.
    pub fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }

    /// The refresh JWT, ready for the user's own calls (such as
    /// [`MagicLink::update_phone_sms`](crate::magic_link::MagicLink::update_phone_sms));
    /// read from the `DSR` cookie when the project sends it there.
    pub fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        self.refresh_jwt.as_ref()
    }

    /// When the session JWT expires.
    pub fn session_expiration(&self) -> Option<SystemTime> {
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

/// Unix seconds as a time; `None` before 1970, which no answer means.
fn unix_time(secs: i64) -> Option<SystemTime> {
    u64::try_from(secs)
        .ok()
        .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
}

/// The cookie settings of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionCookie {
    /// The domain; empty for the request's host.
    pub domain: Option<String>,
    /// The path.
    pub path: Option<String>,
    /// How long the refresh cookie lives.
    pub max_age: Option<Duration>,
    /// When the refresh cookie expires.
    pub expiration: Option<SystemTime>,
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
    /// When the user was created.
    pub created_time: Option<SystemTime>,
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
            created_time: user.created_time.and_then(unix_time),
        }
    }
}

/// The JWTs a success set as cookies (`DS`, `DSR`), read off its
/// `Set-Cookie` headers. It prints whether each is there, never its value.
#[derive(Default)]
pub(crate) struct TokenCookies {
    session: Option<descope_raw::Secret>,
    refresh: Option<descope_raw::Secret>,
}

impl TokenCookies {
    /// The `DS` and `DSR` cookies among `set_cookie`; an empty value is none.
    pub(crate) fn from_set_cookie(set_cookie: GetAll<'_, HeaderValue>) -> Self {
        let mut cookies = Self::default();
        for header in set_cookie {
            // `name=value` comes first; the attributes after `;` are the
            // cookie's, not the token's.
            let Some((name, value)) = header
                .to_str()
                .ok()
                .and_then(|text| text.split(';').next())
                .and_then(|pair| pair.split_once('='))
            else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            let slot = match name.trim() {
                SESSION_COOKIE => &mut cookies.session,
                REFRESH_COOKIE => &mut cookies.refresh,
                _ => continue,
            };
            if !value.is_empty() {
                *slot = Some(descope_raw::Secret::new(value.to_string()));
            }
        }
        cookies
    }

    /// The session and refresh JWTs: each the body's, unless it is absent
    /// or empty, then the cookie's.
    pub(crate) fn fill(
        &mut self,
        session: Option<descope_raw::Secret>,
        refresh: Option<descope_raw::Secret>,
    ) -> (Option<String>, Option<String>) {
        let pick = |body: Option<descope_raw::Secret>, cookie: &mut Option<descope_raw::Secret>| {
            body.filter(|jwt| !jwt.expose_secret().is_empty())
                .or_else(|| cookie.take())
                .map(descope_raw::Secret::into_exposed)
        };
        (
            pick(session, &mut self.session),
            pick(refresh, &mut self.refresh),
        )
    }
}

impl fmt::Debug for TokenCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCookies")
            .field("session", &self.session.is_some())
            .field("refresh", &self.refresh.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, SET_COOKIE};

    fn cookies(values: &[&str]) -> TokenCookies {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(SET_COOKIE, HeaderValue::from_str(value).unwrap());
        }
        TokenCookies::from_set_cookie(headers.get_all(SET_COOKIE))
    }

    #[test]
    fn the_tokens_are_read_from_their_cookies_only() {
        let mut found = cookies(&[
            "other=x; Path=/",
            "DS=session.jwt.sig; Path=/; HttpOnly; Secure; SameSite=Strict",
            "DSR=\"refresh.jwt.sig\"; Max-Age=2419200",
            "DSX=not-a-token",
        ]);
        assert_eq!(
            format!("{found:?}"),
            "TokenCookies { session: true, refresh: true }"
        );
        let (session, refresh) = found.fill(None, Some("".parse().unwrap()));
        assert_eq!(session.as_deref(), Some("session.jwt.sig"));
        assert_eq!(refresh.as_deref(), Some("refresh.jwt.sig"));
    }

    #[test]
    fn the_body_wins_over_a_cookie_and_an_empty_cookie_is_none() {
        let mut found = cookies(&["DS=from.cookie", "DSR="]);
        let body = Some("from.body".parse().unwrap());
        let (session, refresh) = found.fill(body, None);
        assert_eq!(session.as_deref(), Some("from.body"));
        assert_eq!(refresh, None);
        assert_eq!(
            cookies(&["garbage", "=x", "DS"]).fill(None, None),
            (None, None)
        );
    }

    #[test]
    fn times_before_1970_are_no_time() {
        assert_eq!(unix_time(-1), None);
        assert_eq!(unix_time(0), Some(UNIX_EPOCH));
        assert_eq!(
            unix_time(4_102_444_800),
            Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
        );
    }
}
