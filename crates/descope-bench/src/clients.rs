//! The three clients under measurement, each making the same two calls with
//! the same inputs, headers and transport settings.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use descope_ergonomic::{
    DescopeClient, ManagementAuthorization, ManagementKey, ProjectId, RefreshJwt, UserAuthorization,
};
use descope_raw::{types, RequestContext};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use serde::{Deserialize, Serialize};

use crate::server::{EMBEDDED_LINK_PATH, UPDATE_PHONE_PATH};

/// A 28-character project id: served on the default (non-regional) host.
pub const PROJECT_ID: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
/// A management key of realistic length.
pub const MANAGEMENT_KEY: &str =
    "K2aAc4T2V93bddihGEx2Ryhc8e5ZK2aAc4T2V93bddihGEx2Ryhc8e5ZK2aAc4T2V93b";
/// A refresh JWT of realistic length (a few hundred bytes), arriving with each
/// user's request, so every client builds its credential per call.
pub const REFRESH_JWT: &str = concat!(
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IlNLMmFBYzRUMlY5M2JkZGloR0V4MlJ5aGM4ZTVaIiwidHlwIjoiSldUIn0.",
    "eyJhbXIiOlsib3RwIl0sImRybiI6IkRTUiIsImV4cCI6MTc5NjI4MzIwMCwiaWF0IjoxNzk0MDcwMDAwLCJpc3Mi",
    "OiJQMmFBYzRUMlY5M2JkZGloR0V4MlJ5aGM4ZTVaIiwic3ViIjoiVTJhQWM0VDJWOTNiZGRpaEdFeDJSeWhjOGU1",
    "WiIsInRlbmFudHMiOnt9fQ.",
    "c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0",
    "dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl",
);
/// The user the two measured calls are about.
pub const LOGIN_ID: &str = "ada@example.com";
/// The new phone number, already in E.164 form.
pub const PHONE: &str = "+12025550123";
/// Where the magic link points.
pub const REDIRECT_URI: &str = "https://app.example.com/verify";
/// The embedded link's lifetime.
pub const LINK_TIMEOUT_SECS: i64 = 300;
/// The project's rate-limit tier, which every client sends on the embedded
/// link as `x-descope-license`. The wrapper is given it, so that the
/// measured calls are the calls alone (its one license handshake per
/// client is not what a call costs).
pub const RATE_LIMIT_TIER: &str = "tier3";
/// The header the tier goes in.
const LICENSE_HEADER: HeaderName = HeaderName::from_static("x-descope-license");

/// Which client a measurement uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientKind {
    /// Hand-written calls on one pooled `reqwest::Client`: the floor.
    Reqwest,
    /// The generated client.
    Raw,
    /// The hand-written wrapper, with validation, credentials and retries.
    Ergonomic,
}

impl ClientKind {
    /// Every client, the floor first.
    pub const ALL: [ClientKind; 3] = [ClientKind::Reqwest, ClientKind::Raw, ClientKind::Ergonomic];

    /// The name shown in the report.
    pub fn label(self) -> &'static str {
        match self {
            ClientKind::Reqwest => "reqwest",
            ClientKind::Raw => "descope-raw",
            ClientKind::Ergonomic => "descope-ergonomic",
        }
    }
}

impl fmt::Display for ClientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One client, ready to call the server; cloned into each concurrent caller.
#[derive(Clone)]
pub enum Client {
    /// See [`ClientKind::Reqwest`].
    Reqwest(Floor),
    /// See [`ClientKind::Raw`].
    Raw(Raw),
    /// See [`ClientKind::Ergonomic`].
    Ergonomic(Ergonomic),
}

impl Client {
    /// Builds the client of `kind` for the server at `base_url`.
    pub fn new(kind: ClientKind, base_url: &str) -> Result<Self, String> {
        Ok(match kind {
            ClientKind::Reqwest => Client::Reqwest(Floor::new(base_url)?),
            ClientKind::Raw => Client::Raw(Raw::new(base_url)?),
            ClientKind::Ergonomic => Client::Ergonomic(Ergonomic(
                DescopeClient::builder()
                    .project_id(PROJECT_ID)
                    .management_key(MANAGEMENT_KEY)
                    .base_url(base_url)
                    .rate_limit_tier(RATE_LIMIT_TIER)
                    .build()
                    .map_err(|e| format!("descope-ergonomic: {e}"))?,
            )),
        })
    }

    /// The kind of this client.
    pub fn kind(&self) -> ClientKind {
        match self {
            Client::Reqwest(_) => ClientKind::Reqwest,
            Client::Raw(_) => ClientKind::Raw,
            Client::Ergonomic(_) => ClientKind::Ergonomic,
        }
    }
}

/// The two calls each client makes, and the mix of them.
///
/// A trait rather than methods of [`Client`], so that the measurement loop is
/// compiled once per client and its state holds that client's future only: a
/// loop shared by all would make every client move the largest future.
pub trait Caller: Clone + Send + Sync + 'static {
    /// One update-phone call, its answer checked.
    fn update_phone(&self) -> impl Future<Output = Result<(), String>> + Send;

    /// One embedded-link call, its answer checked.
    fn embedded_link(&self) -> impl Future<Output = Result<(), String>> + Send;

    /// Call number `n`: even numbers update a phone, odd ones issue an
    /// embedded link, so that any run is an even mix of the two.
    fn call(&self, n: u64) -> impl Future<Output = Result<(), String>> + Send {
        async move {
            if n.is_multiple_of(2) {
                self.update_phone().await
            } else {
                self.embedded_link().await
            }
        }
    }
}

/// The transport every client but the ergonomic one is given: exactly the
/// settings `DescopeClientBuilder::build` applies, so the comparison is of
/// the code above `reqwest`, not of its configuration.
fn http_client() -> Result<reqwest::Client, String> {
    let mut headers = HeaderMap::with_capacity(4);
    let mut put = |name: &'static str, value: &str| {
        let value = HeaderValue::from_str(value).map_err(|e| e.to_string())?;
        headers.insert(HeaderName::from_static(name), value);
        Ok::<(), String>(())
    };
    put("x-descope-sdk-name", "rust")?;
    put("x-descope-sdk-version", env!("CARGO_PKG_VERSION"))?;
    // Same length as a real compiler version; only the byte count matters here.
    put("x-descope-sdk-rust-version", "1.95.0")?;
    put("x-descope-project-id", PROJECT_ID)?;
    let timeout = descope_ergonomic::DEFAULT_REQUEST_TIMEOUT;
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!(
            "descope-ergonomic/",
            env!("CARGO_PKG_VERSION"),
            " (rust)"
        ))
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("reqwest client: {e}"))
}

/// `Bearer <ProjectId>:<secret>`, marked sensitive, as a careful hand-written
/// client would build it: the floor's own, since the floor is the client
/// written without this workspace's crates. The raw client builds its
/// credentials with descope-ergonomic's builders, as a service using it would.
fn floor_bearer(secret: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(&format!("Bearer {PROJECT_ID}:{secret}"))
        .map_err(|e| e.to_string())?;
    value.set_sensitive(true);
    Ok(value)
}

/// The project the raw client's credentials name.
fn project() -> Result<ProjectId, String> {
    ProjectId::new(PROJECT_ID).map_err(|e| e.to_string())
}

/// Hand-written `reqwest` calls: the least any client can do.
#[derive(Clone)]
pub struct Floor {
    http: reqwest::Client,
    update_phone_url: String,
    embedded_link_url: String,
    management: HeaderValue,
}

#[derive(Serialize)]
struct UpdatePhoneBody<'a> {
    #[serde(rename = "loginId")]
    login_id: &'a str,
    phone: &'a str,
    #[serde(rename = "URI")]
    uri: &'a str,
}

#[derive(Serialize)]
struct EmbeddedLinkBody<'a> {
    #[serde(rename = "loginId")]
    login_id: &'a str,
    timeout: i64,
}

#[derive(Deserialize)]
struct UpdatePhoneAnswer {
    #[serde(rename = "maskedPhone")]
    masked_phone: String,
}

#[derive(Deserialize)]
struct EmbeddedLinkAnswer {
    token: String,
}

impl Floor {
    fn new(base_url: &str) -> Result<Self, String> {
        Ok(Self {
            http: http_client()?,
            update_phone_url: format!("{base_url}{UPDATE_PHONE_PATH}"),
            embedded_link_url: format!("{base_url}{EMBEDDED_LINK_PATH}"),
            management: floor_bearer(MANAGEMENT_KEY)?,
        })
    }

    /// A request with its credential.
    fn post(&self, url: &str, authorization: HeaderValue) -> reqwest::RequestBuilder {
        self.http.post(url).header(AUTHORIZATION, authorization)
    }
}

impl Caller for Floor {
    async fn update_phone(&self) -> Result<(), String> {
        let body = UpdatePhoneBody {
            login_id: LOGIN_ID,
            phone: PHONE,
            uri: REDIRECT_URI,
        };
        let response = self
            .post(&self.update_phone_url, floor_bearer(REFRESH_JWT)?)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let answer: UpdatePhoneAnswer = success(response).await?;
        non_empty("maskedPhone", &answer.masked_phone)
    }

    async fn embedded_link(&self) -> Result<(), String> {
        let body = EmbeddedLinkBody {
            login_id: LOGIN_ID,
            timeout: LINK_TIMEOUT_SECS,
        };
        let response = self
            .post(&self.embedded_link_url, self.management.clone())
            .header(LICENSE_HEADER, HeaderValue::from_static(RATE_LIMIT_TIER))
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let answer: EmbeddedLinkAnswer = success(response).await?;
        non_empty("token", &answer.token)
    }
}

/// A 2xx response's JSON body, or the status as an error.
async fn success<T: for<'de> Deserialize<'de>>(response: reqwest::Response) -> Result<T, String> {
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    response.json().await.map_err(|e| e.to_string())
}

fn non_empty(field: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{field} is empty"));
    }
    Ok(())
}

/// The generated client as its documentation says to use it: one pooled
/// `reqwest::Client`, a `descope_raw::Client` per end-user call (the refresh
/// JWT differs per user) and one for the management key.
#[derive(Clone)]
pub struct Raw {
    http: reqwest::Client,
    base_url: String,
    project: ProjectId,
    management: descope_raw::Client,
}

impl Raw {
    fn new(base_url: &str) -> Result<Self, String> {
        let http = http_client()?;
        let management = descope_raw::Client::new_with_client(
            base_url,
            http.clone(),
            RequestContext::new()
                .with_authorization({
                    let key = ManagementKey::new(MANAGEMENT_KEY).map_err(|e| e.to_string())?;
                    ManagementAuthorization::new(&project()?, &key).header_value()
                })
                .with_header(LICENSE_HEADER, HeaderValue::from_static(RATE_LIMIT_TIER)),
        );
        Ok(Self {
            http,
            base_url: base_url.to_string(),
            project: project()?,
            management,
        })
    }
}

impl Caller for Raw {
    async fn update_phone(&self) -> Result<(), String> {
        let user = descope_raw::Client::new_with_client(
            &self.base_url,
            self.http.clone(),
            RequestContext::new().with_authorization({
                let jwt = RefreshJwt::new(REFRESH_JWT).map_err(|e| e.to_string())?;
                UserAuthorization::new(&self.project, &jwt).header_value()
            }),
        );
        let sent = user
            .update_user_phone_magic_link_sms()
            .body(
                types::UpdatePhoneMagicLinkSmsRequest::builder()
                    .login_id(LOGIN_ID)
                    .phone(PHONE)
                    .uri(Some(
                        REDIRECT_URI
                            .parse::<descope_raw::types::UpdatePhoneMagicLinkSmsRequestUri>()
                            .map_err(|e| e.to_string())?,
                    )),
            )
            .send()
            .await
            .map_err(|e| e.to_string())?;
        non_empty("maskedPhone", &sent.masked_phone)
    }

    async fn embedded_link(&self) -> Result<(), String> {
        let link = self
            .management
            .embedded_link_signin()
            .body(
                types::EmbeddedLinkSigninRequest::builder()
                    .login_id(LOGIN_ID)
                    .timeout(Some(LINK_TIMEOUT_SECS as i32)),
            )
            .send()
            .await
            .map_err(|e| e.to_string())?;
        non_empty("token", link.token.expose_secret())
    }
}

/// The wrapper as services use it: one client, a refresh JWT checked per call.
#[derive(Clone)]
pub struct Ergonomic(DescopeClient);

impl Caller for Ergonomic {
    async fn update_phone(&self) -> Result<(), String> {
        let jwt = RefreshJwt::new(REFRESH_JWT).map_err(|e| e.to_string())?;
        let sent = self
            .0
            .magic_link()
            .update_phone_sms(jwt, LOGIN_ID, PHONE)
            .uri(REDIRECT_URI)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        non_empty("maskedPhone", sent.masked_phone())
    }

    async fn embedded_link(&self) -> Result<(), String> {
        let link = self
            .0
            .management()
            .users()
            .embedded_link(LOGIN_ID)
            .timeout(Duration::from_secs(LINK_TIMEOUT_SECS as u64))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        non_empty("token", link.token().expose_secret())
    }
}
