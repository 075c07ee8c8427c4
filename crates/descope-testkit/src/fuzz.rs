//! The invariants the fuzz targets and the property tests check, shared by
//! both: the fuzz crate (`crates/descope-ergonomic/fuzz`) calls
//! [`check_inputs`] and [`check_response_bytes`], and descope-ergonomic's
//! tests run the same checks over the corpus and over generated cases on
//! stable Rust.
//!
//! Every check panics when an invariant is broken; that is the finding.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use descope_ergonomic::{
    ApprovedDomains, AuthManagementKey, DescopeClient, Error, LoginId, ManagementAuthorization,
    ManagementKey, PhoneNumber, ProjectId, Reason, RedirectUri, RefreshJwt, RetryPolicy,
    UserAuthorization,
};

use crate::client::{builder, Op, Output, OPS};
use crate::credentials::{AUTH_MANAGEMENT_KEY, LINK_TOKEN, MANAGEMENT_KEY, PROJECT, REFRESH_JWT};
use crate::fault_server::{FaultServer, Options, Step};

/// The credentials no output of any operation may hold: the client's keys,
/// and the user's refresh JWT (which every output scrubs, by its shape). An
/// operation's output must not hold what it sent either
/// ([`Op::sent_secrets`]: the link token it verifies, say).
pub const SECRETS: [&str; 3] = [MANAGEMENT_KEY, AUTH_MANAGEMENT_KEY, REFRESH_JWT];
/// The body cap of the harness client: small, so that the cap is exercised.
pub const CAP: usize = 4096;
/// Excerpts are cut at 160 characters, plus an ellipsis.
const EXCERPT_MAX_CHARS: usize = 161;

// ---------------------------------------------------------------- inputs --

/// The E.164 model: drop ` -.()`, then `+`, a digit 1-9, 1 to 14 digits.
pub fn phone_model(input: &str) -> Option<String> {
    let kept: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = kept.strip_prefix('+')?;
    let valid = (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    valid.then_some(kept)
}

/// `PhoneNumber::parse` agrees with the model, its output matches the
/// spec's pattern, and it is idempotent.
pub fn check_phone(input: &str) {
    let parsed = PhoneNumber::parse(input);
    assert_eq!(
        parsed.as_ref().ok().map(|p| p.as_str().to_string()),
        phone_model(input),
        "phone {input:?}"
    );
    match parsed {
        Ok(phone) => {
            let again = PhoneNumber::parse(phone.as_str()).expect("normalised stays valid");
            assert_eq!(again, phone, "idempotent on {input:?}");
        }
        Err(error) => assert_eq!(error.reason(), Reason::NotE164),
    }
}

/// What `RedirectUri::parse` accepts is sent exactly as given, is an
/// absolute http(s) URL with a host and no fragment, white space or control
/// character; its host is lowercase; parsing is idempotent.
pub fn check_uri(input: &str) {
    let Ok(uri) = RedirectUri::parse(input) else {
        return;
    };
    assert_eq!(uri.as_str(), input);
    assert!(!input.chars().any(|c| c.is_whitespace() || c.is_control()));
    assert!(!input.contains('#'), "{input:?}");
    let url = url::Url::parse(input).expect("accepted means parseable");
    assert!(matches!(url.scheme(), "http" | "https"), "{input:?}");
    assert_eq!(Some(uri.host()), url.host_str(), "{input:?}");
    assert!(!uri.host().is_empty());
    assert!(
        !uri.host().bytes().any(|b| b.is_ascii_uppercase()),
        "{input:?}"
    );
    assert_eq!(RedirectUri::parse(uri.as_str()).as_ref(), Ok(&uri));
}

/// The login-id model: not blank, no control character; kept as given.
pub fn check_login_id(input: &str) {
    let valid = !input.trim().is_empty() && !input.chars().any(char::is_control);
    match LoginId::parse(input) {
        Ok(id) => {
            assert!(valid, "{input:?}");
            assert_eq!(id.as_str(), input);
        }
        Err(_) => assert!(!valid, "{input:?}"),
    }
}

/// The project-id model: 1 to 64 of `[A-Za-z0-9_-]`; so never `:`, CR or LF.
pub fn check_project_id(input: &str) {
    let valid = !input.is_empty()
        && input.len() <= 64
        && input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match ProjectId::new(input) {
        Ok(id) => {
            assert!(valid, "{input:?}");
            assert_eq!(id.as_str(), input);
            assert_eq!(id.to_string(), input);
            assert_eq!(
                id.region(),
                (input.len() >= 32).then(|| input[1..5].to_ascii_lowercase())
            );
        }
        Err(_) => assert!(!valid, "{input:?}"),
    }
}

/// The secret model: 1 to 16 KiB of visible ASCII (no space, no control),
/// and no `:` in a refresh JWT. What is accepted prints as `[REDACTED]` and
/// builds exactly the documented header, whose parts cannot shift.
pub fn check_secrets(input: &str) {
    let visible = !input.is_empty()
        && input.len() <= 16 * 1024
        && input.bytes().all(|b| b.is_ascii_graphic());
    let project = ProjectId::new(PROJECT).unwrap();
    let injection = input.contains('\r') || input.contains('\n');

    let jwt = RefreshJwt::new(input);
    assert_eq!(jwt.is_ok(), visible && !input.contains(':'), "{input:?}");
    let key = ManagementKey::new(input);
    assert_eq!(key.is_ok(), visible, "{input:?}");
    let amk = AuthManagementKey::new(input);
    assert_eq!(amk.is_ok(), visible, "{input:?}");
    if injection && !input.trim().is_empty() {
        for reason in [
            jwt.as_ref().err().map(|e| e.reason()),
            key.as_ref().err().map(|e| e.reason()),
            amk.as_ref().err().map(|e| e.reason()),
        ] {
            assert_eq!(reason, Some(Reason::ControlCharacter), "{input:?}");
        }
    }
    for error in [jwt.as_ref().err(), key.as_ref().err(), amk.as_ref().err()]
        .into_iter()
        .flatten()
    {
        // The error is made of the field and the reason alone: never the value.
        let (field, reason) = (error.field(), error.reason());
        assert_eq!(error.to_string(), format!("invalid {field}: {reason}"));
        assert_eq!(
            format!("{error:?}"),
            format!("ValidationError {{ field: {field:?}, reason: {reason:?} }}")
        );
    }

    if let Ok(jwt) = &jwt {
        assert_eq!(jwt.expose_secret(), input);
        assert_eq!(format!("{jwt:?}"), "RefreshJwt([REDACTED])");
        let value = UserAuthorization::new(&project, jwt).header_value();
        assert!(value.is_sensitive());
        let text = value.to_str().unwrap();
        assert_eq!(text, format!("Bearer {PROJECT}:{input}"));
        let parts: Vec<&str> = text["Bearer ".len()..].split(':').collect();
        assert_eq!(parts, [PROJECT, input]);
        let amk = AuthManagementKey::new(AUTH_MANAGEMENT_KEY).unwrap();
        let three = UserAuthorization::new(&project, jwt)
            .auth_management_key(Some(&amk))
            .header_value();
        let text = three.to_str().unwrap();
        let parts: Vec<&str> = text["Bearer ".len()..].splitn(3, ':').collect();
        assert_eq!(parts, [PROJECT, input, AUTH_MANAGEMENT_KEY]);
    }
    if let Ok(key) = &key {
        assert_eq!(key.expose_secret(), input);
        assert_eq!(format!("{key:?}"), "ManagementKey([REDACTED])");
        let value = ManagementAuthorization::new(&project, key).header_value();
        assert!(value.is_sensitive());
        let text = value.to_str().unwrap();
        assert_eq!(
            text.split_once(':'),
            Some((&*format!("Bearer {PROJECT}"), input))
        );
    }
    if let Ok(amk) = &amk {
        assert_eq!(format!("{amk:?}"), "AuthManagementKey([REDACTED])");
    }
}

/// Domains: never a panic; what is accepted is idempotent under the
/// normalisation it applies; `permits` is "the host, or a subdomain".
pub fn check_domains(domains: &[&str], host_probe: &str) {
    let Ok(approved) = ApprovedDomains::new(domains) else {
        return;
    };
    let normalised: Vec<String> = domains
        .iter()
        .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .collect();
    assert_eq!(ApprovedDomains::new(&normalised).as_ref(), Ok(&approved));
    for domain in &normalised {
        assert!(!domain.is_empty());
        for uri in [
            format!("https://{domain}/"),
            format!("https://sub.{domain}/x"),
            format!("http://a.b.{domain}:8080/?q=1"),
        ] {
            if let Ok(uri) = RedirectUri::parse(&uri) {
                assert!(approved.permits(&uri), "{uri:?} under {domains:?}");
            }
        }
    }
    for (i, domain) in normalised.iter().enumerate() {
        // What a URL parser reads as an IPv4 address is approved only whole.
        if domain.parse::<std::net::Ipv4Addr>().is_err() {
            let url = url::Url::parse(&format!("http://{domain}/"));
            assert!(
                matches!(
                    url.as_ref().map(|u| u.host()),
                    Ok(Some(url::Host::Domain(_)))
                ),
                "{:?} approved, parsed as {url:?}",
                domains[i]
            );
        }
    }
    if let Ok(uri) = RedirectUri::parse(format!("https://{host_probe}/")) {
        let host = uri.host().trim_end_matches('.');
        let expected = normalised
            .iter()
            .any(|d| host == d || host.ends_with(&format!(".{d}")));
        assert_eq!(approved.permits(&uri), expected, "{host} under {domains:?}");
    }
}

/// Every input validator on one fuzz input: the text, then its lines as a
/// domain list.
pub fn check_inputs(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_phone(&text);
    check_uri(&text);
    check_login_id(&text);
    check_project_id(&text);
    check_secrets(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    let (domains, probe) = lines.split_at(lines.len().saturating_sub(1));
    check_domains(domains, probe.first().copied().unwrap_or(""));
}

// -------------------------------------------------------------- decoding --

/// One response to decode.
#[derive(Debug, Clone)]
pub struct Case {
    /// The operation it answers: any of the spec's ([`OPS`]).
    pub op: Op,
    /// Its status code.
    pub status: u16,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its `Retry-After`, if any; sent with the secret markers replaced
    /// and control characters dropped.
    pub retry_after: Option<String>,
    /// Its `Location`, if any; sent likewise.
    pub location: Option<String>,
    /// Its body; sent with the secret markers replaced (and not at all on
    /// a 204).
    pub body: Vec<u8>,
}

/// The statuses a case picks from: 200 weighs more, so that successes are
/// decoded often.
pub const STATUSES: [u16; 19] = [
    200, 200, 200, 200, 201, 202, 204, 301, 302, 307, 400, 401, 403, 404, 429, 500, 502, 503, 520,
];
/// The content types a case picks from (`None`: no header).
pub const CONTENT_TYPES: [Option<&str>; 6] = [
    Some("application/json"),
    None,
    Some("application/json; charset=utf-8"),
    Some("text/html"),
    Some("application/problem+json"),
    Some("text/plain"),
];

impl Case {
    /// A case from fuzz bytes: three selector bytes, then the body. The
    /// third byte's bit 1 adds a `Retry-After`, bit 2 a `Location`, and its
    /// other bits (0, then 3 to 7) pick the operation from [`OPS`]. In the
    /// body (and the location), `$MK`, `$AMK`, `$JWT` and `$LT` stand for
    /// the secrets, so that the fuzzer can make the server echo them.
    pub fn from_bytes(data: &[u8]) -> Case {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0) as usize;
        let flags = byte(2);
        let body = data.get(3..).unwrap_or_default();
        Case {
            op: OPS[((flags & 1) | (flags >> 3) << 1) % OPS.len()],
            status: STATUSES[byte(0) % STATUSES.len()],
            content_type: CONTENT_TYPES[byte(1) % CONTENT_TYPES.len()].map(str::to_string),
            retry_after: (flags & 2 != 0)
                .then(|| String::from_utf8_lossy(&body[..body.len().min(8)]).into_owned()),
            location: (flags & 4 != 0).then(|| "/moved?$JWT".to_string()),
            body: body.to_vec(),
        }
    }

    /// A 200 with `op`'s success body ([`Op::success_body`]), as JSON.
    pub fn success(op: Op) -> Case {
        Case {
            op,
            status: 200,
            content_type: Some("application/json".into()),
            retry_after: None,
            location: None,
            body: op.success_text().into_bytes(),
        }
    }
}

/// Replaces the secret markers with the secrets.
pub fn with_secrets(bytes: &[u8]) -> Vec<u8> {
    let mut text = bytes.to_vec();
    for (marker, secret) in [
        ("$AMK", AUTH_MANAGEMENT_KEY),
        ("$MK", MANAGEMENT_KEY),
        ("$JWT", REFRESH_JWT),
        ("$LT", LINK_TOKEN),
    ] {
        text = replace(&text, marker.as_bytes(), secret.as_bytes());
    }
    text
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut at = 0;
    while at < haystack.len() {
        if haystack[at..].starts_with(from) {
            out.extend_from_slice(to);
            at += from.len();
        } else {
            out.push(haystack[at]);
            at += 1;
        }
    }
    out
}

/// A loopback server and a client for decoding cases, on their own runtime.
/// It plays one case at a time: the server answers whatever request comes
/// with the case's response (some operations send nothing a case could be
/// told by).
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    server: FaultServer,
    client: DescopeClient,
    answer: Arc<Mutex<Option<Vec<u8>>>>,
    one_at_a_time: Mutex<()>,
}

impl Harness {
    /// The one harness of this process.
    pub fn global() -> &'static Harness {
        static HARNESS: OnceLock<Harness> = OnceLock::new();
        HARNESS.get_or_init(Harness::start)
    }

    /// A harness of its own, for a test that counts its requests while
    /// others use the global one.
    pub fn start() -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let answer: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
        let pending = answer.clone();
        // Requests are counted, not kept: a fuzzing run makes millions.
        let options = Options {
            keep_requests: false,
            ..Options::default()
        };
        let server = runtime.block_on(FaultServer::start_with(options, move |_| {
            let answer = pending.lock().unwrap().take();
            match answer {
                // Each answer on its own connection: an odd one (a 204 with
                // a body, say) must not leak into the next case.
                Some(bytes) => vec![Step::Write(bytes), Step::Close],
                None => vec![Step::Reset],
            }
        }));
        let client = builder(server.base_url())
            .auth_management_key(AUTH_MANAGEMENT_KEY)
            .retry_policy(RetryPolicy::none())
            .max_response_bytes(CAP)
            .request_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Harness {
            runtime,
            server,
            client,
            answer,
            one_at_a_time: Mutex::new(()),
        }
    }

    /// Plays `case` and checks what the client made of it.
    pub fn check(&self, case: &Case) {
        let body = with_secrets(&case.body);
        let mut head = format!("HTTP/1.1 {} Fuzz\r\nconnection: close\r\n", case.status);
        if let Some(content_type) = &case.content_type {
            head.push_str(&format!("content-type: {content_type}\r\n"));
        }
        let header = |value: &Option<String>| {
            value.as_ref().map(|value| {
                String::from_utf8_lossy(&with_secrets(value.as_bytes()))
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
            })
        };
        let retry_after = header(&case.retry_after);
        for (name, value) in [
            ("retry-after", &retry_after),
            ("location", &header(&case.location)),
        ] {
            if let Some(value) = value {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        let sent_body: &[u8] = if case.status == 204 { b"" } else { &body };
        head.push_str(&format!("content-length: {}\r\n\r\n", sent_body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(sent_body);
        let result = {
            let _turn = self.one_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
            *self.answer.lock().unwrap() = Some(bytes);
            let result = self.runtime.block_on(case.op.send(&self.client));
            // A case the client refused before sending leaves its answer.
            self.answer.lock().unwrap().take();
            result
        };
        check_outcome(case, sent_body, retry_after.as_deref(), &result);
    }

    /// Requests its server received so far.
    pub fn requests(&self) -> usize {
        self.server.request_count()
    }
}

fn json_content(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn check_outcome(
    case: &Case,
    body: &[u8],
    retry_after: Option<&str>,
    result: &Result<Output, Error>,
) {
    let status = case.status;
    let what = format!("{case:?}");
    let error = match result {
        Ok(output) => {
            assert_eq!(status, 200, "{what}: success from a non-200");
            assert!(json_content(case.content_type.as_deref()), "{what}");
            assert!(body.len() <= CAP, "{what}: success beyond the cap");
            // (A body whose unknown fields hold what a JSON parser refuses,
            // such as text that is not UTF-8, is still a success: they are
            // skipped unread.)
            if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
                assert!(
                    output.agrees_with(&json),
                    "{what}: {:?} is not what the body says",
                    output.fields
                );
            }
            return;
        }
        Err(error) => error,
    };
    let secrets: Vec<&str> = SECRETS.into_iter().chain(case.op.sent_secrets()).collect();
    let assert_no_secret = |what: &str, text: &str| assert_no_secret(&secrets, what, text);
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status),
        "{what}: {error:?}"
    );
    match error {
        Error::Api(api) => {
            assert!(status >= 400, "{what}: {error:?}");
            for text in [Some(api.code()), api.description(), api.message()]
                .into_iter()
                .flatten()
            {
                assert_no_secret(&what, text);
            }
        }
        Error::MalformedResponse {
            reason, excerpt, ..
        } => {
            assert!(status == 200 || status >= 400, "{what}: {error:?}");
            assert_no_secret(&what, reason);
            if let Some(excerpt) = excerpt {
                assert!(excerpt.chars().count() <= EXCERPT_MAX_CHARS, "{what}");
                assert!(
                    !(case.op.success_carries_secret() && status < 300),
                    "{what}: a success body shown"
                );
            }
        }
        Error::ResponseTooLarge { limit, .. } => {
            assert_eq!(*limit, CAP);
            assert!(body.len() > CAP, "{what}: {error:?}");
        }
        Error::UnexpectedStatus {
            location, excerpt, ..
        } => {
            assert!(matches!(status, 201..=399), "{what}: {error:?}");
            if let Some(location) = location {
                assert!(case.location.is_some(), "{what}");
                assert_no_secret(&what, location);
            }
            if let Some(excerpt) = excerpt {
                assert!(excerpt.chars().count() <= EXCERPT_MAX_CHARS, "{what}");
                assert!(
                    !(case.op.success_carries_secret() && status < 300),
                    "{what}: a success body shown"
                );
            }
        }
        other => panic!("{what}: a well-framed response gave {other:?}"),
    }
    assert_no_secret(&what, &error.to_string());
    assert_no_secret(&what, &format!("{error:?}"));
    // Whole seconds, on an error status with a Descope error body or a body
    // that is not one (a proxy's 429 page); anything else is ignored.
    let expected_wait = retry_after
        .filter(|_| status >= 400)
        .filter(|_| matches!(error, Error::Api(_) | Error::MalformedResponse { .. }))
        .filter(|v| v.is_ascii())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    assert_eq!(error.retry_after(), expected_wait, "{what}");
}

fn assert_no_secret(secrets: &[&str], what: &str, text: &str) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what}: a secret in {text:?}");
    }
}

/// Fuzz entry point: one response from raw bytes.
pub fn check_response_bytes(data: &[u8]) {
    Harness::global().check(&Case::from_bytes(data));
}
