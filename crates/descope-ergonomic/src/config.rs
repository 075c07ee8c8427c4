//! Building a [`DescopeClient`]: settings, the environment, and where requests go.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use crate::client::{DescopeClient, Shared};
use crate::credentials::{ManagementAuthorization, ProjectId};
use crate::error::{Error, Field, Reason, ValidationError};
use crate::input::ApprovedDomains;
use crate::license::LicenseCache;
use crate::management::ProjectLicense;
use crate::retry::{RetryPolicy, Sleep, TokioSleep};
use crate::secret::{AuthManagementKey, ManagementKey};

/// Where projects with short ids are served.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";
/// The request timeout unless set: what the official SDKs use.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The bound on a whole call unless set: its attempts, the waits between
/// them and the license handshake. A call on a login path that has not
/// answered in 20 s has lost its user, and the gateways in front of most
/// services give up at about 30 s (29 s for AWS API Gateway, 30 s for
/// Heroku's router): ending at 20 s leaves the service time to answer
/// first. It still admits the default retries (waits of at most 0.1, 5 and
/// 5 s) when Descope answers fast.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(20);
/// The response body cap unless set. Descope's answers here are well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The environment variables [`DescopeClientBuilder::from_env`] reads.
pub mod env {
    /// The project id (required).
    pub const PROJECT_ID: &str = "DESCOPE_PROJECT_ID";
    /// The management key, for management operations.
    pub const MANAGEMENT_KEY: &str = "DESCOPE_MANAGEMENT_KEY";
    /// The auth management key, appended to end-user credentials.
    pub const AUTH_MANAGEMENT_KEY: &str = "DESCOPE_AUTH_MANAGEMENT_KEY";
    /// A base URL that replaces the default and regional ones.
    pub const BASE_URL: &str = "DESCOPE_BASE_URL";
}

/// Settings for a [`DescopeClient`]. Nothing is checked until [`build`](Self::build).
#[derive(Debug, Clone)]
#[must_use]
pub struct DescopeClientBuilder {
    project_id: Option<String>,
    management_key: Option<Result<ManagementKey, ValidationError>>,
    auth_management_key: Option<Result<AuthManagementKey, ValidationError>>,
    base_url: Option<String>,
    env_base_url: Option<String>,
    allow_insecure_http: bool,
    request_timeout: Duration,
    connect_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    rate_limit_tier: Option<String>,
    retry: RetryPolicy,
    approved_domains: Option<Vec<String>>,
    max_response_bytes: usize,
    sleep: Arc<dyn Sleep>,
}

impl Default for DescopeClientBuilder {
    fn default() -> Self {
        Self {
            project_id: None,
            management_key: None,
            auth_management_key: None,
            base_url: None,
            env_base_url: None,
            allow_insecure_http: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: None,
            operation_timeout: Some(DEFAULT_OPERATION_TIMEOUT),
            http_client: None,
            rate_limit_tier: None,
            retry: RetryPolicy::default(),
            approved_domains: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            sleep: Arc::new(TokioSleep),
        }
    }
}

impl DescopeClientBuilder {
    /// A builder with the defaults and nothing read from the environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from `DESCOPE_PROJECT_ID`, `DESCOPE_MANAGEMENT_KEY`,
    /// `DESCOPE_AUTH_MANAGEMENT_KEY` and `DESCOPE_BASE_URL`. Unset or empty
    /// variables are skipped; settings made afterwards take precedence.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name| lookup(name).filter(|v: &String| !v.is_empty());
        let mut builder = Self::new();
        builder.project_id = var(env::PROJECT_ID);
        builder.management_key = var(env::MANAGEMENT_KEY).map(ManagementKey::new);
        builder.auth_management_key = var(env::AUTH_MANAGEMENT_KEY).map(AuthManagementKey::new);
        builder.env_base_url = var(env::BASE_URL);
        builder
    }

    /// The project id (required).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The management key, needed for management operations such as the embedded link.
    pub fn management_key(mut self, key: impl Into<String>) -> Self {
        self.management_key = Some(ManagementKey::new(key));
        self
    }

    /// The auth management key, appended to end-user credentials when the
    /// project requires one.
    pub fn auth_management_key(mut self, key: impl Into<String>) -> Self {
        self.auth_management_key = Some(AuthManagementKey::new(key));
        self
    }

    /// The API base URL, overriding `DESCOPE_BASE_URL` and the region derived
    /// from the project id. `https` is required, except to loopback.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Credentials then
    /// cross the network in clear: use only on networks you control.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The time one attempt may take, from connecting to the last body byte (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The time connecting may take (default: the request timeout). Not
    /// with [`http_client`](Self::http_client): set it on that client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The time a whole call may take: its attempts, the waits between
    /// them and, on a client's first management call, the license
    /// handshake (default [`DEFAULT_OPERATION_TIMEOUT`], 20 s). When it
    /// runs out the call ends with [`Error::OperationTimeout`]; a retry
    /// whose wait would end past it is not waited for.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// No bound on a whole call beyond the request timeout of each attempt
    /// (a call can then take the attempts' timeouts plus the waits).
    pub fn no_operation_timeout(mut self) -> Self {
        self.operation_timeout = None;
        self
    }

    /// Sends through `client` instead of a `reqwest::Client` of this
    /// crate's own: to share a pool, or for proxies, root certificates or
    /// a TLS set-up of the caller's.
    ///
    /// What still holds: the base URL rules (`https`, plain `http` to
    /// loopback only unless allowed), the request timeout of each attempt
    /// (set on every request, whatever `client` says), the operation
    /// timeout, the SDK headers and `x-descope-license` (they replace
    /// `client`'s defaults of the same names), the response body cap, the
    /// `Authorization` value marked sensitive, and the scrubbing of errors.
    ///
    /// What becomes the caller's: the connect timeout (setting
    /// [`connect_timeout`](Self::connect_timeout) too is refused), TLS and
    /// proxies, and redirects. This crate's own client never follows a
    /// redirect; build `client` with `reqwest::redirect::Policy::none()`
    /// for the same. If `client` follows one anyway, `reqwest` drops the
    /// credential when the redirect leaves the origin (host, port or
    /// scheme), a redirect within the origin sends it there again, and the
    /// answer is refused with [`Error::RedirectFollowed`] in either case.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The project's rate-limit tier, when the caller knows it: management
    /// calls then send it as `x-descope-license` from the first, and the
    /// client makes no license handshake. Without it the client asks
    /// Descope once, before its first management call (see
    /// [`Management::license`](crate::management::Management::license)).
    pub fn rate_limit_tier(mut self, tier: impl Into<String>) -> Self {
        self.rate_limit_tier = Some(tier.into());
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Refuse redirect URIs outside these domains (and their subdomains)
    /// before sending, mirroring the project's Approved Domains.
    pub fn approved_domains<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.approved_domains = Some(domains.into_iter().map(Into::into).collect());
        self
    }

    /// The most response-body bytes read per attempt (default 1 MiB); a larger
    /// body fails with [`Error::ResponseTooLarge`] without being read further.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How to wait between retries (default: tokio's timer): for tools
    /// that replay retries without the waits.
    #[cfg(feature = "unstable-tooling")]
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// Checks every setting and builds the client, or says which setting is wrong.
    pub fn build(self) -> Result<DescopeClient, Error> {
        let project_id = ProjectId::new(
            self.project_id
                .as_deref()
                .ok_or_else(|| ValidationError::new(Field::ProjectId, Reason::Missing))?,
        )?;
        let management_key = self.management_key.transpose()?;
        let auth_management_key = self.auth_management_key.transpose()?;
        if self.request_timeout.is_zero() {
            return Err(ValidationError::new(Field::RequestTimeout, Reason::OutOfRange).into());
        }
        if self.operation_timeout.is_some_and(|t| t.is_zero()) {
            return Err(ValidationError::new(Field::OperationTimeout, Reason::OutOfRange).into());
        }
        let base_url = resolve_base_url(
            self.base_url.as_deref(),
            self.env_base_url.as_deref(),
            &project_id,
            self.allow_insecure_http,
        )?;
        let license = LicenseCache::default();
        if let Some(tier) = self.rate_limit_tier {
            license.remember(ProjectLicense::new(tier)?.header_value());
        }
        let approved_domains = self
            .approved_domains
            .map(ApprovedDomains::new)
            .transpose()?;
        let caller_http = self.http_client.is_some();
        let http = match self.http_client {
            Some(_) if self.connect_timeout.is_some() => {
                return Err(ValidationError::new(
                    Field::ConnectTimeout,
                    Reason::SetOnTheHttpClient,
                )
                .into());
            }
            Some(client) => client,
            // The request timeout and the headers go on each request (see
            // `DescopeClient::call_context`), as with a caller's client.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(self.request_timeout))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::ClientSetup)?,
        };
        let management_authorization = management_key
            .as_ref()
            .map(|key| ManagementAuthorization::new(&project_id, key).header_value());
        Ok(DescopeClient::from_shared(Shared {
            http,
            caller_http,
            sdk_headers: Arc::new(sdk_headers(&project_id)),
            base_url,
            project_id,
            management_key,
            management_authorization,
            auth_management_key,
            retry: self.retry,
            approved_domains,
            max_response_bytes: self.max_response_bytes,
            request_timeout: self.request_timeout,
            operation_timeout: self.operation_timeout,
            sleep: self.sleep,
            license,
        }))
    }
}

/// The headers every official SDK sends besides the credential, with this
/// crate's values (the spec's `x-descope-sdk-headers` lists them), and the
/// user agent, which an SDK's HTTP library sets.
fn sdk_headers(project_id: &ProjectId) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(5);
    let mut put = |name: &'static str, value: HeaderValue| {
        headers.insert(HeaderName::from_static(name), value);
    };
    put("x-descope-sdk-name", HeaderValue::from_static("rust"));
    put(
        "x-descope-sdk-version",
        HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
    );
    put(
        "x-descope-sdk-rust-version",
        HeaderValue::from_static(env!("DESCOPE_RUSTC_VERSION")),
    );
    put(
        "user-agent",
        HeaderValue::from_static(concat!(
            "descope-ergonomic/",
            env!("CARGO_PKG_VERSION"),
            " (rust)"
        )),
    );
    put(
        "x-descope-project-id",
        HeaderValue::from_str(project_id.as_str())
            .expect("a checked project id is a valid header value"),
    );
    headers
}

/// Explicit setting, then `DESCOPE_BASE_URL`, then the project's region, then the default.
pub(crate) fn resolve_base_url(
    explicit: Option<&str>,
    from_env: Option<&str>,
    project_id: &ProjectId,
    allow_insecure_http: bool,
) -> Result<String, ValidationError> {
    match explicit.or(from_env) {
        Some(url) => check_base_url(url, allow_insecure_http),
        None => Ok(project_id.region().map_or_else(
            || DEFAULT_BASE_URL.to_string(),
            |region| format!("https://api.{region}.descope.com"),
        )),
    }
}

/// A base URL is `https://host[:port][/path]`, or `http://` to loopback (or
/// anywhere, with the opt-in). Returned without a trailing slash.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, ValidationError> {
    let refuse = |reason| ValidationError::new(Field::BaseUrl, reason);
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(refuse(Reason::Empty));
    }
    let parsed = Url::parse(trimmed).map_err(|_| refuse(Reason::NotAbsoluteHttpUrl))?;
    let host = parsed
        .host()
        .ok_or_else(|| refuse(Reason::NotAbsoluteHttpUrl))?;
    if parsed.query().is_some()
        || parsed.fragment().is_some()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(refuse(Reason::NotABaseUrl));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&host) => {}
        "http" => return Err(refuse(Reason::InsecureScheme)),
        _ => return Err(refuse(Reason::NotAbsoluteHttpUrl)),
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Whether `url` is an absolute URL whose host is loopback (`localhost`,
/// `127.0.0.0/8`, `::1`): where this crate sends plain `http://`, and where a
/// tool may assume a local server rather than a live project.
#[cfg_attr(not(feature = "unstable-tooling"), allow(dead_code))]
pub fn is_loopback_url(url: &str) -> bool {
    Url::parse(url.trim())
        .ok()
        .is_some_and(|parsed| parsed.host().is_some_and(|host| is_loopback(&host)))
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
    const REGIONAL: &str = "Puse12aAc4T2V93bddihGEx2Ryhc8e5Z";

    fn resolve(explicit: Option<&str>, env: Option<&str>, id: &str) -> String {
        resolve_base_url(explicit, env, &ProjectId::new(id).unwrap(), false).unwrap()
    }

    #[test]
    fn base_url_precedence_is_explicit_env_region_default() {
        assert_eq!(resolve(None, None, SHORT), "https://api.descope.com");
        assert_eq!(
            resolve(None, None, REGIONAL),
            "https://api.use1.descope.com"
        );
        assert_eq!(
            resolve(None, Some("https://env.example.com/"), REGIONAL),
            "https://env.example.com"
        );
        assert_eq!(
            resolve(
                Some("https://explicit.example.com/stem/"),
                Some("https://env.example.com"),
                REGIONAL
            ),
            "https://explicit.example.com/stem"
        );
    }

    #[test]
    fn a_client_routes_by_region_without_a_base_url() {
        let regional = DescopeClientBuilder::new()
            .project_id(REGIONAL)
            .build()
            .unwrap();
        assert_eq!(regional.base_url(), "https://api.use1.descope.com");
        let short = DescopeClientBuilder::new()
            .project_id(SHORT)
            .build()
            .unwrap();
        assert_eq!(short.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn plain_http_is_for_loopback_or_an_explicit_opt_in() {
        let id = ProjectId::new(SHORT).unwrap();
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
        ] {
            assert!(resolve_base_url(Some(ok), None, &id, false).is_ok(), "{ok}");
        }
        let refused = resolve_base_url(Some("http://descope.internal"), None, &id, false);
        assert_eq!(refused.unwrap_err().reason(), Reason::InsecureScheme);
        assert!(resolve_base_url(Some("http://descope.internal"), None, &id, true).is_ok());
        // The same through the builder's opt-in.
        let builder = || {
            DescopeClientBuilder::new()
                .project_id(SHORT)
                .base_url("http://descope.internal")
        };
        assert!(builder().build().is_err());
        let allowed = builder().allow_insecure_http(true).build().unwrap();
        assert_eq!(allowed.base_url(), "http://descope.internal");
    }

    #[test]
    fn loopback_urls_are_told_from_the_rest() {
        for loopback in [
            "http://127.0.0.1:8080",
            "https://127.9.9.9/",
            " http://LOCALHOST ",
            "http://[::1]:9/v1",
        ] {
            assert!(is_loopback_url(loopback), "{loopback}");
        }
        for elsewhere in [
            "https://api.descope.com",
            "http://128.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
            "127.0.0.1:8080",
            "",
        ] {
            assert!(!is_loopback_url(elsewhere), "{elsewhere}");
        }
    }

    #[test]
    fn a_base_url_carries_no_query_fragment_or_credentials() {
        let id = ProjectId::new(SHORT).unwrap();
        for bad in [
            "https://api.descope.com?x=1",
            "https://api.descope.com#f",
            "https://user:pw@api.descope.com",
            "https://user@api.descope.com",
            "https://:pw@api.descope.com",
        ] {
            let error = resolve_base_url(Some(bad), None, &id, false).unwrap_err();
            assert_eq!(error.reason(), Reason::NotABaseUrl, "{bad}");
        }
        for bad in ["ftp://api.descope.com", "api.descope.com", ""] {
            assert!(
                resolve_base_url(Some(bad), None, &id, false).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn from_lookup_reads_the_four_variables_and_skips_empty_ones() {
        let vars = |name: &str| match name {
            env::PROJECT_ID => Some(REGIONAL.to_string()),
            env::MANAGEMENT_KEY => Some("K-secret".to_string()),
            env::AUTH_MANAGEMENT_KEY => Some(String::new()),
            env::BASE_URL => Some("http://127.0.0.1:1".to_string()),
            _ => None,
        };
        let client = DescopeClientBuilder::from_lookup(vars).build().unwrap();
        assert_eq!(client.project_id().as_str(), REGIONAL);
        assert_eq!(client.base_url(), "http://127.0.0.1:1");
        assert!(client.has_management_key());
        assert!(!client.has_auth_management_key());

        let explicit = DescopeClientBuilder::from_lookup(vars)
            .base_url("https://override.example.com")
            .build()
            .unwrap();
        assert_eq!(explicit.base_url(), "https://override.example.com");
    }

    #[test]
    fn the_client_says_which_keys_it_has() {
        let bare = DescopeClientBuilder::new()
            .project_id(SHORT)
            .build()
            .unwrap();
        assert!(!bare.has_management_key());
        assert!(!bare.has_auth_management_key());
        let keyed = DescopeClientBuilder::new()
            .project_id(SHORT)
            .management_key("K-secret")
            .auth_management_key("AMK-secret")
            .build()
            .unwrap();
        assert!(keyed.has_management_key());
        assert!(keyed.has_auth_management_key());
        // Its Debug shows the settings, never a key.
        let printed = format!("{keyed:?}");
        assert!(printed.starts_with("DescopeClient {"), "{printed}");
        assert!(printed.contains(SHORT), "{printed}");
        assert!(printed.contains("rate_limit_tier: unknown"), "{printed}");
        assert!(
            !printed.contains("K-secret") && !printed.contains("AMK-secret"),
            "{printed}"
        );
    }

    #[test]
    fn a_missing_project_id_is_a_typed_error() {
        let error = DescopeClientBuilder::from_lookup(|_| None)
            .build()
            .unwrap_err();
        let validation = error.validation().unwrap();
        assert_eq!(
            (validation.field(), validation.reason()),
            (Field::ProjectId, Reason::Missing)
        );
    }
}
