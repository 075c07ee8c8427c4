//! Local validation of session JWTs: [`SessionValidator`].
//!
//! A token is taken apart before any key is looked at (`token`), its key
//! comes from the cache (`key_cache`), the signature is checked with the
//! key's own algorithm (`crypto`), then the claims: the token's kind
//! (`drn`), issuer, audience and times, in that order, so that an expired
//! token is reported as expired only when nothing else is wrong with it (a
//! refresh cures an expiry, and nothing else).

mod crypto;
mod error;
#[cfg(feature = "unstable-tooling")]
pub(crate) mod fuzz;
mod key_cache;
mod request;
mod token;
mod valid;

pub use error::SessionError;
pub use request::{CookieNames, CookieSettings, SameSite, SessionTokens};
pub use token::{TenantAccess, MAX_TOKEN_BYTES};
pub use valid::{TenantGrants, ValidSession};

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use self::crypto::VerifyingKey;
use self::key_cache::{Cached, KeyCache, Timing};
use self::token::{Claims, Token};
use crate::client::DescopeClient;
use crate::error::{Error, Field, Reason, ValidationError};
use crate::secret::SessionJwt;
use crate::session::RefreshedSession;

/// The clock leeway on `exp`, `nbf` and `iat` unless set: every official
/// SDK's.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);
/// The largest leeway [`SessionValidatorBuilder::leeway`] accepts: more
/// would keep expired sessions alive for long.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);
/// How long keys read from Descope are used before they are read again
/// (in the background) unless set.
pub const DEFAULT_KEY_TTL: Duration = Duration::from_secs(600);
/// The shortest wait between two fetches an unknown `kid` may cause,
/// unless set.
pub const DEFAULT_UNKNOWN_KID_COOLDOWN: Duration = Duration::from_secs(30);
/// How long keys read from Descope are still used while it cannot be
/// reached, unless set.
pub const DEFAULT_MAX_KEY_STALENESS: Duration = Duration::from_secs(24 * 3600);
/// The environment variable a public key is read from, as the official
/// SDKs read it: a JWK (or a key set) as JSON.
pub const PUBLIC_KEY_ENV: &str = "DESCOPE_PUBLIC_KEY";

/// A time source: the validator's view of now.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Validates session JWTs locally, against the project's keys, without
/// calling Descope: what a service does on every request. Made by
/// [`DescopeClient::session_validator`] (defaults) or
/// [`SessionValidator::builder`].
///
/// Cheap to clone (clones share the key cache), `Send + Sync`. Once the
/// key a token names is cached, [`validate`](Self::validate) makes no I/O
/// and never waits; [`validate_cached`](Self::validate_cached) never
/// fetches at all. See the crate's README, "Validating sessions", for what
/// is checked and how the key cache behaves.
///
/// ```no_run
/// # async fn example(client: descope_ergonomic::DescopeClient, jwt: &str) {
/// use descope_ergonomic::session::SessionError;
///
/// let validator = client.session_validator();
/// match validator.validate(jwt).await {
///     Ok(session) if session.has_roles(&["admin"]) => println!("hello {}", session.user_id()),
///     Ok(_) => println!("forbidden"),
///     Err(e) if e.is_unavailable() => println!("503: {e}"),
///     Err(e) => println!("401: {e}"),
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct SessionValidator {
    inner: Arc<Inner>,
}

struct Inner {
    client: DescopeClient,
    leeway: Duration,
    audiences: Vec<String>,
    refresh_on_any_failure: bool,
    cache: Arc<KeyCache>,
    clock: Clock,
}

/// Whether a token is checked as a session JWT or as a refresh JWT.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Session,
    Refresh,
}

impl SessionValidator {
    /// A builder with the defaults, for `client`'s project: keys read from
    /// Descope through `client` (with its timeouts and retries), which also
    /// makes the refreshes of
    /// [`validate_or_refresh`](Self::validate_or_refresh).
    pub fn builder(client: &DescopeClient) -> SessionValidatorBuilder {
        SessionValidatorBuilder::new(client.clone())
    }

    /// Validates a session JWT: its form, its signature (with a key of the
    /// project's, read from Descope when not cached), that it is a session
    /// JWT of this project, then its times. A token that names an unknown
    /// key waits for the one fetch that the cooldown allows (shared with
    /// every other validation that needs it); one whose key is cached makes
    /// no I/O and completes at its first poll.
    pub async fn validate(&self, session_jwt: &str) -> Result<ValidSession, SessionError> {
        let token = token::parse(session_jwt)?;
        let (snapshot, index) = self.inner.cache.key(&token.kid).await?;
        let now = (self.inner.clock)();
        let claims = self.check(&token, snapshot.at(index), Kind::Session, now)?;
        self.session(session_jwt, claims)
    }

    /// [`validate`](Self::validate) from the cached keys alone: never
    /// fetches for its answer, never waits. A token whose key is not cached
    /// is [`SessionError::UnknownKey`]; with no usable keys cached (none read
    /// yet, or read longer ago than the staleness bound) it is
    /// [`SessionError::KeysUnavailable`].
    ///
    /// Like `validate`, when the cached keys are past their TTL and it runs
    /// inside a tokio runtime, it starts their re-read in a task of its own
    /// (and answers from the cached keys meanwhile). Outside one, call
    /// [`refresh_keys`](Self::refresh_keys) now and then: keys read longer
    /// ago than [`max_key_staleness`](SessionValidatorBuilder::max_key_staleness)
    /// are not used.
    pub fn validate_cached(&self, session_jwt: &str) -> Result<ValidSession, SessionError> {
        let token = token::parse(session_jwt)?;
        let now = (self.inner.clock)();
        match self.inner.cache.cached(&token.kid, now) {
            Cached::Found(snapshot, index) => {
                self.inner
                    .cache
                    .refresh_in_background_if_due(&snapshot, now);
                let claims = self.check(&token, snapshot.at(index), Kind::Session, now)?;
                self.session(session_jwt, claims)
            }
            Cached::Unknown(_) => Err(SessionError::UnknownKey {
                kid: error::cut(&token.kid),
            }),
            Cached::Unavailable(snapshot) => Err(key_cache::unavailable(&snapshot)),
        }
    }

    /// Validates the session JWT and, when it has expired (or is absent)
    /// and a refresh JWT is given, refreshes the session with Descope and
    /// validates the new session JWT.
    ///
    /// Only an expiry is refreshed: a session JWT that is forged, tampered
    /// with, malformed, another project's or a refresh JWT is refused as it
    /// is, and Descope is not called. (The official SDKs refresh after any
    /// failure; [`SessionValidatorBuilder::refresh_on_any_failure`] does as
    /// they do.) The refresh JWT is itself checked locally first (signature,
    /// project, `drn: DSR`, expiry), as the SDKs do: one that fails is
    /// [`SessionError::InvalidRefreshToken`], and nothing is sent.
    ///
    /// Where the project rotates refresh JWTs,
    /// [`Validated::refreshed`]'s [`RefreshedSession::rotated_refresh_jwt`]
    /// is the one to keep (and [`Validated::set_cookies`] writes it).
    pub async fn validate_or_refresh(
        &self,
        session_jwt: Option<&str>,
        refresh_jwt: Option<&str>,
    ) -> Result<Validated, SessionError> {
        let failure = match session_jwt.filter(|jwt| !jwt.is_empty()) {
            Some(jwt) => match self.validate(jwt).await {
                Ok(session) => {
                    return Ok(Validated {
                        session,
                        refreshed: None,
                    })
                }
                Err(failure) => failure,
            },
            None => SessionError::Missing,
        };
        let refreshable = self.inner.refresh_on_any_failure
            || matches!(
                failure,
                SessionError::Expired { .. } | SessionError::Missing
            );
        match refresh_jwt.filter(|jwt| !jwt.is_empty()) {
            Some(refresh_jwt) if refreshable => self.refresh(refresh_jwt).await,
            _ => Err(failure),
        }
    }

    /// [`validate_or_refresh`](Self::validate_or_refresh) with the tokens
    /// of a request (see [`SessionTokens::from_headers`]).
    pub async fn validate_tokens(&self, tokens: &SessionTokens) -> Result<Validated, SessionError> {
        self.validate_or_refresh(
            tokens.session.as_ref().map(SessionJwt::expose_secret),
            tokens.refresh.as_ref().map(|jwt| jwt.expose_secret()),
        )
        .await
    }

    /// Reads the project's keys now (for instance at start-up, so that the
    /// first requests need not wait), sharing a fetch under way. Answers how
    /// many usable keys the set holds; with keys given up front, those.
    pub async fn refresh_keys(&self) -> Result<usize, SessionError> {
        self.inner.cache.refresh().await
    }

    /// The project whose session JWTs this validator accepts.
    pub fn project_id(&self) -> &crate::ProjectId {
        self.inner.client.project_id()
    }

    async fn refresh(&self, refresh_jwt: &str) -> Result<Validated, SessionError> {
        let invalid = |error| SessionError::InvalidRefreshToken(Box::new(error));
        let token = token::parse(refresh_jwt).map_err(invalid)?;
        let (snapshot, index) = self.inner.cache.key(&token.kid).await.map_err(invalid)?;
        let now = (self.inner.clock)();
        self.check(&token, snapshot.at(index), Kind::Refresh, now)
            .map_err(invalid)?;
        drop(snapshot);
        let refreshed = self
            .inner
            .client
            .sessions()
            .refresh(refresh_jwt)
            .send()
            .await
            .map_err(|error| SessionError::RefreshFailed(Box::new(error)))?;
        let session = self
            .validate(refreshed.session_jwt().expose_secret())
            .await?;
        Ok(Validated {
            session,
            refreshed: Some(refreshed),
        })
    }

    /// The checks after the key is found: the algorithm is the key's, the
    /// signature verifies, then the claims (kind, issuer, audience, times).
    fn check(
        &self,
        token: &Token<'_>,
        key: &VerifyingKey,
        kind: Kind,
        now: SystemTime,
    ) -> Result<Claims, SessionError> {
        if token.alg != key.algorithm() {
            return Err(SessionError::AlgorithmNotAllowed {
                algorithm: token.alg.name().to_string(),
            });
        }
        if !key.verify(token.signed.as_bytes(), token.signature.as_bytes()) {
            return Err(SessionError::BadSignature);
        }
        let claims = Claims::parse(token.payload)?;
        match (kind, claims.drn.as_deref()) {
            (Kind::Session, Some(REFRESH_DRN)) => return Err(SessionError::NotASessionToken),
            (Kind::Refresh, Some(REFRESH_DRN)) | (Kind::Session, _) => {}
            (Kind::Refresh, _) => {
                return Err(SessionError::malformed(
                    "not a refresh JWT (drn is not DSR)",
                ))
            }
        }
        let project_id = self.inner.client.project_id().as_str();
        if !claims
            .iss
            .as_deref()
            .is_some_and(|iss| issuer_names_project(iss, project_id))
        {
            return Err(SessionError::WrongIssuer);
        }
        let audiences = &self.inner.audiences;
        if !audiences.is_empty() && !claims.aud.iter().any(|aud| audiences.contains(aud)) {
            return Err(SessionError::WrongAudience);
        }
        if claims.sub.is_none() && claims.dsub.is_none() {
            return Err(SessionError::malformed("the token names no user (sub)"));
        }
        let exp = claims
            .exp
            .ok_or(SessionError::malformed("the token has no exp"))?;
        let leeway = self.inner.leeway;
        if let Some(nbf) = claims.nbf.map(at) {
            if now + leeway < nbf {
                return Err(SessionError::NotYetValid { at: nbf });
            }
        }
        if let Some(iat) = claims.iat.map(at) {
            if now + leeway < iat {
                return Err(SessionError::IssuedInFuture { at: iat });
            }
        }
        let exp = at(exp);
        if exp + leeway <= now {
            return Err(SessionError::Expired { at: exp });
        }
        Ok(claims)
    }

    fn session(&self, jwt: &str, claims: Claims) -> Result<ValidSession, SessionError> {
        let Claims {
            sub,
            dsub,
            aud,
            exp,
            iat,
            sid,
            jti,
            amr,
            su,
            dct,
            tenants,
            roles,
            permissions,
            custom,
            ..
        } = claims;
        Ok(ValidSession {
            jwt: SessionJwt::unchecked(jwt.to_string()),
            project_id: self.inner.client.project_id().clone(),
            user_id: dsub.or(sub).unwrap_or_default(),
            session_id: sid,
            token_id: jti,
            issued_at: iat.map(at),
            expires_at: at(exp.unwrap_or_default()),
            auth_methods: amr,
            stepped_up: su,
            current_tenant: dct,
            tenants,
            roles,
            permissions,
            audience: aud,
            claims: custom,
        })
    }
}

/// `drn` of a refresh JWT.
const REFRESH_DRN: &str = "DSR";

/// A NumericDate as a time (the claims parser keeps them within range).
fn at(seconds: i64) -> SystemTime {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// Whether `iss` names `project` in a form Descope issues: the bare
/// project id, or an `http(s)` URL with a host whose last path segment is
/// the project id (`https://api.descope.com/<P>`, `.../v1/apps/<P>`) or
/// whose second-to-last is, followed by a tenant id
/// (`.../v1/apps/<P>/<TenantId>`). Compared exactly: no case folding, no
/// query, fragment or empty segment.
pub(crate) fn issuer_names_project(iss: &str, project: &str) -> bool {
    if iss == project {
        return true;
    }
    let Some(rest) = iss
        .strip_prefix("https://")
        .or_else(|| iss.strip_prefix("http://"))
    else {
        return false;
    };
    let Some((host, path)) = rest.split_once('/') else {
        return false;
    };
    if host.is_empty() || path.contains(['?', '#']) {
        return false;
    }
    let mut segments = path.rsplit('/');
    let last = segments.next().unwrap_or_default();
    if last == project {
        return true;
    }
    !last.is_empty() && segments.next() == Some(project)
}

impl fmt::Debug for SessionValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("SessionValidator")
            .field("project_id", inner.client.project_id())
            .field("leeway", &inner.leeway)
            .field("audiences", &inner.audiences)
            .field("refresh_on_any_failure", &inner.refresh_on_any_failure)
            .finish_non_exhaustive()
    }
}

/// The outcome of [`SessionValidator::validate_or_refresh`]: the valid
/// session, and the refresh that produced it, if one did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Validated {
    session: ValidSession,
    refreshed: Option<RefreshedSession>,
}

impl Validated {
    /// The valid session (after a refresh, the new one's).
    pub fn session(&self) -> &ValidSession {
        &self.session
    }

    /// The refresh that replaced an expired or absent session JWT, if one
    /// did: the new session JWT and, where the project rotates refresh
    /// JWTs, the new refresh JWT. Hand them back to the client.
    pub fn refreshed(&self) -> Option<&RefreshedSession> {
        self.refreshed.as_ref()
    }

    /// The session and the refresh, by value.
    pub fn into_parts(self) -> (ValidSession, Option<RefreshedSession>) {
        (self.session, self.refreshed)
    }

    /// The `Set-Cookie` values that hand a refresh's JWTs back to the
    /// browser (see [`RefreshedSession::set_cookies`]); none without a
    /// refresh.
    pub fn set_cookies(&self, settings: &CookieSettings) -> Vec<http::HeaderValue> {
        self.refreshed
            .as_ref()
            .map(|refreshed| refreshed.set_cookies(settings))
            .unwrap_or_default()
    }
}

/// Settings of a [`SessionValidator`]; see [`SessionValidator::builder`].
#[must_use = "a builder does nothing until `.build()`"]
pub struct SessionValidatorBuilder {
    client: DescopeClient,
    leeway: Duration,
    audiences: Vec<String>,
    timing: Timing,
    fixed_keys: Option<Vec<VerifyingKey>>,
    clock: Option<Clock>,
    refresh_on_any_failure: bool,
}

impl SessionValidatorBuilder {
    fn new(client: DescopeClient) -> Self {
        SessionValidatorBuilder {
            client,
            leeway: DEFAULT_LEEWAY,
            audiences: Vec::new(),
            timing: Timing {
                ttl: DEFAULT_KEY_TTL,
                unknown_kid_cooldown: DEFAULT_UNKNOWN_KID_COOLDOWN,
                max_staleness: DEFAULT_MAX_KEY_STALENESS,
            },
            fixed_keys: None,
            clock: None,
            refresh_on_any_failure: false,
        }
    }

    /// How far `exp`, `nbf` and `iat` may be off, for clocks that differ
    /// ([`DEFAULT_LEEWAY`]; at most [`MAX_LEEWAY`]).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts only tokens whose `aud` names one of `audiences`. Unset (the
    /// default, as in the official SDKs), `aud` is not checked: Descope's
    /// session JWTs carry none unless the project sets one.
    pub fn audience<I, S>(mut self, audiences: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// How long keys read from Descope are used before they are read again
    /// ([`DEFAULT_KEY_TTL`]). The read happens in the background: the keys
    /// held keep answering meanwhile, and a key Descope dropped stops
    /// validating once it is done.
    pub fn key_ttl(mut self, ttl: Duration) -> Self {
        self.timing.ttl = ttl;
        self
    }

    /// The shortest time between two key fetches that tokens naming an
    /// unknown `kid` cause ([`DEFAULT_UNKNOWN_KID_COOLDOWN`]): a flood of
    /// made-up `kid`s makes at most one fetch per cooldown. A key that
    /// Descope starts signing with within a cooldown of such a fetch is
    /// found at the next one. Also the longest wait between fetch attempts
    /// while no usable keys are held (failures back off from 1 s, doubling).
    pub fn unknown_kid_cooldown(mut self, cooldown: Duration) -> Self {
        self.timing.unknown_kid_cooldown = cooldown;
        self
    }

    /// How long keys read from Descope are still used while it cannot be
    /// reached ([`DEFAULT_MAX_KEY_STALENESS`]; at least the key TTL). Past
    /// it, every validation is [`SessionError::KeysUnavailable`] until a
    /// read succeeds.
    pub fn max_key_staleness(mut self, staleness: Duration) -> Self {
        self.timing.max_staleness = staleness;
        self
    }

    /// Uses these keys (a JWK, or a key set `{"keys": [..]}`, as JSON) and
    /// never reads any from Descope. Keys that cannot be used are skipped
    /// (see the crate's README); none left is an error
    /// ([`Field::PublicKey`](crate::Field::PublicKey)).
    pub fn public_key(mut self, jwk_or_jwks_json: &str) -> Result<Self, Error> {
        self.fixed_keys = Some(parse_public_keys(jwk_or_jwks_json)?);
        Ok(self)
    }

    /// [`public_key`](Self::public_key) from `DESCOPE_PUBLIC_KEY`, as the
    /// official SDKs read it; unchanged when it is unset or empty.
    pub fn public_key_from_env(self) -> Result<Self, Error> {
        match std::env::var(PUBLIC_KEY_ENV) {
            Ok(json) if !json.trim().is_empty() => self.public_key(&json),
            _ => Ok(self),
        }
    }

    /// The time source (`SystemTime::now` unless set): for tests whose
    /// Descope runs on a clock of its own (fake-descope's `fake.now()`).
    pub fn clock<F>(mut self, clock: F) -> Self
    where
        F: Fn() -> SystemTime + Send + Sync + 'static,
    {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Refreshes in [`SessionValidator::validate_or_refresh`] after any
    /// failure of the session JWT, as the official SDKs do, instead of after
    /// an expiry only (the default). A forged or foreign session JWT then
    /// costs a call to Descope whenever a refresh JWT comes with it.
    pub fn refresh_on_any_failure(mut self, refresh: bool) -> Self {
        self.refresh_on_any_failure = refresh;
        self
    }

    /// The validator; refuses a leeway over [`MAX_LEEWAY`], a zero key TTL
    /// and a staleness bound below the TTL.
    pub fn build(self) -> Result<SessionValidator, Error> {
        let refuse = |field, reason| Err(Error::from(ValidationError::new(field, reason)));
        if self.leeway > MAX_LEEWAY {
            return refuse(Field::Leeway, Reason::OutOfRange);
        }
        if self.timing.ttl.is_zero() {
            return refuse(Field::KeyTtl, Reason::OutOfRange);
        }
        if self.timing.max_staleness < self.timing.ttl {
            return refuse(Field::MaxKeyStaleness, Reason::OutOfRange);
        }
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemTime::now));
        let cache = match self.fixed_keys {
            Some(keys) => KeyCache::fixed(keys, self.timing, clock.clone()),
            None => KeyCache::fetching(self.client.clone(), self.timing, clock.clone()),
        };
        Ok(SessionValidator {
            inner: Arc::new(Inner {
                client: self.client,
                leeway: self.leeway,
                audiences: self.audiences,
                refresh_on_any_failure: self.refresh_on_any_failure,
                cache: Arc::new(cache),
                clock,
            }),
        })
    }
}

impl fmt::Debug for SessionValidatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionValidatorBuilder")
            .field("project_id", self.client.project_id())
            .field("leeway", &self.leeway)
            .field("audiences", &self.audiences)
            .field("timing", &self.timing)
            .field("fixed_keys", &self.fixed_keys.as_ref().map(Vec::len))
            .field("refresh_on_any_failure", &self.refresh_on_any_failure)
            .finish_non_exhaustive()
    }
}

/// The usable keys of a JWK or a key set given as JSON.
fn parse_public_keys(json: &str) -> Result<Vec<VerifyingKey>, Error> {
    let refuse = |reason| Error::from(ValidationError::new(Field::PublicKey, reason));
    let value: Value = serde_json::from_str(json).map_err(|_| refuse(Reason::NotAnObject))?;
    let Value::Object(object) = value else {
        return Err(refuse(Reason::NotAnObject));
    };
    let keys: Vec<VerifyingKey> = match object.get("keys") {
        Some(Value::Array(keys)) => keys
            .iter()
            .filter_map(Value::as_object)
            .filter_map(VerifyingKey::from_json)
            .take(key_cache::MAX_KEYS)
            .collect(),
        Some(_) => return Err(refuse(Reason::NotAnObject)),
        None => VerifyingKey::from_json(&object).into_iter().collect(),
    };
    if keys.is_empty() {
        return Err(refuse(Reason::NoUsableKey));
    }
    Ok(keys)
}

impl DescopeClient {
    /// A [`SessionValidator`] with the defaults for this client's project:
    /// keys read from Descope and cached (see
    /// [`SessionValidator::builder`] for the settings). Make one per
    /// service and share it (clones share the cache).
    pub fn session_validator(&self) -> SessionValidator {
        SessionValidator::builder(self)
            .build()
            .expect("the default settings are in range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_descope_issues_name_the_project() {
        let p = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
        for good in [
            p.to_string(),
            format!("https://api.descope.com/{p}"),
            format!("https://api.descope.com/v1/apps/{p}"),
            format!("https://api.descope.com/v1/apps/{p}/T1"),
            format!("https://auth.example.com/{p}"),
            format!("http://localhost:8080/{p}"),
        ] {
            assert!(issuer_names_project(&good, p), "{good}");
        }
        for bad in [
            String::new(),
            "P2aAc4T2V93bddihGEx2Ryhc8e5".to_string(),
            format!("{p}x"),
            format!("x{p}"),
            p.to_lowercase(),
            format!("https://api.descope.com/{p}/"),
            format!("https://api.descope.com/{p}/T1/x"),
            format!("https://api.descope.com/{p}x"),
            format!("https://api.descope.com/v1/apps/{p}?x"),
            format!("https://api.descope.com/v1/apps/{p}#x"),
            format!("https:///{p}"),
            format!("ftp://api.descope.com/{p}"),
            format!("api.descope.com/{p}"),
            format!("https://{p}"),
            format!("https://api.descope.com/{p}.evil"),
        ] {
            assert!(!issuer_names_project(&bad, p), "{bad}");
        }
    }

    #[test]
    fn times_before_and_after_1970() {
        assert_eq!(at(0), UNIX_EPOCH);
        assert_eq!(at(-5), UNIX_EPOCH - Duration::from_secs(5));
        assert_eq!(at(5), UNIX_EPOCH + Duration::from_secs(5));
    }
}
