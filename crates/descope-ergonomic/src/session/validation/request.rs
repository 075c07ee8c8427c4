//! The tokens of an HTTP request ([`SessionTokens`]), and the `Set-Cookie`
//! values that hand refreshed ones back ([`CookieSettings`]).

use std::fmt::Write as _;

use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};

use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::{RefreshedSession, Session, SessionCookie, REFRESH_COOKIE, SESSION_COOKIE};

/// The names of the session and refresh cookies: Descope's `DS` and `DSR`
/// unless a project (or a service) uses others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieNames {
    session: String,
    refresh: String,
}

impl CookieNames {
    /// Other names for the two cookies.
    pub fn new(session: impl Into<String>, refresh: impl Into<String>) -> Self {
        CookieNames {
            session: session.into(),
            refresh: refresh.into(),
        }
    }

    /// The session cookie's name.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The refresh cookie's name.
    pub fn refresh(&self) -> &str {
        &self.refresh
    }
}

impl Default for CookieNames {
    fn default() -> Self {
        CookieNames::new(SESSION_COOKIE, REFRESH_COOKIE)
    }
}

/// The session and refresh JWTs a request carries, as Descope's Go SDK
/// finds them: the session JWT from `Authorization: Bearer`, else from the
/// session cookie (`DS`); the refresh JWT from the refresh cookie (`DSR`).
/// It prints whether each is there, never its value.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SessionTokens {
    /// The session JWT, if the request carries one.
    pub session: Option<SessionJwt>,
    /// The refresh JWT, if the request carries one (a value that could not
    /// be a refresh JWT, such as one holding `:`, counts as none).
    pub refresh: Option<RefreshJwt>,
}

impl SessionTokens {
    /// The tokens of a request with Descope's cookie names.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self::from_headers_with(headers, &CookieNames::default())
    }

    /// The tokens of a request whose cookies have other names.
    pub fn from_headers_with(headers: &HeaderMap, names: &CookieNames) -> Self {
        let bearer = headers
            .get_all(AUTHORIZATION)
            .iter()
            .find_map(|value| bearer_token(value.as_bytes()));
        let session = bearer
            .or_else(|| cookie(headers, names.session()))
            .map(|jwt| SessionJwt::unchecked(jwt.to_string()));
        let refresh = cookie(headers, names.refresh()).and_then(|jwt| RefreshJwt::new(jwt).ok());
        SessionTokens { session, refresh }
    }

    /// Whether the request carries neither token.
    pub fn is_empty(&self) -> bool {
        self.session.is_none() && self.refresh.is_none()
    }
}

/// The token of `Bearer <token>` (the scheme in any case).
fn bearer_token(value: &[u8]) -> Option<&str> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The first cookie named `name` among the request's `Cookie` headers
/// (browsers send the most specific first), unquoted; an empty one is none.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| {
            let value = value.trim();
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
        })
        .filter(|value| !value.is_empty())
}

/// `SameSite`, which decides whether the browser sends a cookie on
/// requests from other sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SameSite {
    /// Only on requests from the site itself (the default).
    #[default]
    Strict,
    /// Also on top-level navigations from other sites.
    Lax,
    /// On every request (needs `Secure`, which is then always set).
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// How the session cookies are written for the browser
/// ([`RefreshedSession::set_cookies`]): `HttpOnly`, `Secure` and
/// `SameSite=Strict` unless set otherwise; `Domain`, `Path` (else `/`) and
/// `Max-Age` as Descope's answer gives them, unless set here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSettings {
    names: CookieNames,
    same_site: SameSite,
    secure: bool,
    http_only: bool,
    domain: Option<String>,
    path: Option<String>,
}

impl Default for CookieSettings {
    fn default() -> Self {
        CookieSettings {
            names: CookieNames::default(),
            same_site: SameSite::Strict,
            secure: true,
            http_only: true,
            domain: None,
            path: None,
        }
    }
}

impl CookieSettings {
    /// The defaults: `DS` / `DSR`, `HttpOnly`, `Secure`, `SameSite=Strict`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cookies' names.
    pub fn names(mut self, names: CookieNames) -> Self {
        self.names = names;
        self
    }

    /// `SameSite` (`Strict` unless set).
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// Whether the cookies are sent over HTTPS only (true unless set; a
    /// local `http://` development server needs false). `SameSite=None`
    /// sets it whatever this says.
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Whether scripts in the page cannot read the cookies (true unless set).
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.http_only = http_only;
        self
    }

    /// `Domain`, instead of the one in Descope's answer.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// `Path`, instead of the one in Descope's answer (or `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// One `Set-Cookie` value, or `None` when the value would not be a
    /// cookie (a character a cookie cannot hold).
    fn set_cookie(&self, name: &str, value: &str, cookie: &SessionCookie) -> Option<HeaderValue> {
        if !name.bytes().all(is_token_char)
            || name.is_empty()
            || !value.bytes().all(is_cookie_octet)
        {
            return None;
        }
        fn attribute(value: Option<&str>) -> Option<&str> {
            value.filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic() && b != b';'))
        }
        let mut text = format!("{name}={value}");
        let path = attribute(self.path.as_deref())
            .or(attribute(cookie.path.as_deref()))
            .unwrap_or("/");
        let _ = write!(text, "; Path={path}");
        if let Some(domain) =
            attribute(self.domain.as_deref()).or(attribute(cookie.domain.as_deref()))
        {
            let _ = write!(text, "; Domain={domain}");
        }
        if let Some(max_age) = cookie.max_age {
            let _ = write!(text, "; Max-Age={}", max_age.as_secs());
        }
        if self.http_only {
            text.push_str("; HttpOnly");
        }
        if self.secure || self.same_site == SameSite::None {
            text.push_str("; Secure");
        }
        let _ = write!(text, "; SameSite={}", self.same_site.as_str());
        let mut header = HeaderValue::from_str(&text).ok()?;
        header.set_sensitive(true);
        Some(header)
    }
}

/// RFC 6265 `cookie-octet`: what a cookie value may hold unquoted (a JWT's
/// base64url and dots are among it).
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// RFC 7230 `tchar`: what a cookie name may hold.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl RefreshedSession {
    /// The `Set-Cookie` values that hand this refresh back to the browser:
    /// the session cookie with the new session JWT and, where the project
    /// rotated the refresh JWT, the refresh cookie with the new one. Marked
    /// sensitive (HTTP/2 header compression leaves them out of its table).
    pub fn set_cookies(&self, settings: &CookieSettings) -> Vec<HeaderValue> {
        settings.set_cookies(
            self.session_jwt(),
            self.rotated_refresh_jwt(),
            self.cookie(),
        )
    }
}

impl Session {
    /// The `Set-Cookie` values that start this session in the browser (after
    /// a verify): the session cookie and, when the answer has one, the
    /// refresh cookie. Marked sensitive.
    pub fn set_cookies(&self, settings: &CookieSettings) -> Vec<HeaderValue> {
        settings.set_cookies(self.session_jwt(), self.refresh_jwt(), self.cookie())
    }
}

impl CookieSettings {
    fn set_cookies(
        &self,
        session: &SessionJwt,
        refresh: Option<&RefreshJwt>,
        cookie: &SessionCookie,
    ) -> Vec<HeaderValue> {
        let session = self.set_cookie(self.names.session(), session.expose_secret(), cookie);
        let refresh = refresh
            .and_then(|jwt| self.set_cookie(self.names.refresh(), jwt.expose_secret(), cookie));
        session.into_iter().chain(refresh).collect()
    }

    /// The `Set-Cookie` values that end the session in the browser (after a
    /// logout): both cookies emptied, `Max-Age=0`.
    pub fn clear_cookies(&self) -> Vec<HeaderValue> {
        let gone = SessionCookie {
            domain: None,
            path: None,
            max_age: Some(std::time::Duration::ZERO),
            expiration: None,
        };
        // `Expires` in the past too, for clients that read no `Max-Age`.
        [self.names.session(), self.names.refresh()]
            .into_iter()
            .filter_map(|name| self.set_cookie(name, "", &gone))
            .filter_map(|value| {
                let text = format!(
                    "{}; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                    value.to_str().ok()?
                );
                let mut header = HeaderValue::from_str(&text).ok()?;
                header.set_sensitive(true);
                Some(header)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn found(tokens: &SessionTokens) -> (Option<&str>, Option<&str>) {
        (
            tokens.session.as_ref().map(SessionJwt::expose_secret),
            tokens.refresh.as_ref().map(RefreshJwt::expose_secret),
        )
    }

    #[test]
    fn bearer_first_then_the_session_cookie_and_the_refresh_cookie() {
        let both = headers(&[
            ("authorization", "Bearer  a.b.c "),
            ("cookie", "x=1; DS=d.s.c; DSR=\"r.s.c\""),
        ]);
        let tokens = SessionTokens::from_headers(&both);
        assert_eq!(found(&tokens), (Some("a.b.c"), Some("r.s.c")));
        let printed = format!("{tokens:?}");
        assert!(
            !printed.contains("a.b.c") && !printed.contains("r.s.c"),
            "{printed}"
        );

        let cookies_only = headers(&[
            ("authorization", "Basic dXNlcg=="),
            ("cookie", "DSX=no"),
            ("cookie", "DS=first; DS=second"),
        ]);
        assert_eq!(
            found(&SessionTokens::from_headers(&cookies_only)),
            (Some("first"), None)
        );
        assert_eq!(
            found(&SessionTokens::from_headers(&headers(&[(
                "authorization",
                "bearer t"
            )]))),
            (Some("t"), None)
        );
        let none = SessionTokens::from_headers(&headers(&[
            ("authorization", "Bearer "),
            ("cookie", "DS=; DSR=has:colon"),
        ]));
        assert!(none.is_empty());

        let names = CookieNames::new("sess", "ref");
        let other = headers(&[("cookie", "DS=no; sess=s1; ref=r1")]);
        assert_eq!(
            found(&SessionTokens::from_headers_with(&other, &names)),
            (Some("s1"), Some("r1"))
        );
    }
}
