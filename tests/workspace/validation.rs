//! Local validation of session JWTs (`session::SessionValidator`) against
//! fake-descope's sessions (RS256 as Descope signs, and ES256) and against
//! tokens made here with keys generated here: every claim read, every
//! refusal typed, the key cache's fetches counted at the fake, the refresh
//! path, the tokens of a request and the cookies that hand refreshed ones
//! back, and nothing that prints a token.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    EcdsaKeyPair, KeyPair as _, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use descope_ergonomic::session::{
    CookieNames, CookieSettings, SameSite, SessionError, SessionTokens, SessionValidator,
    ValidSession, MAX_TOKEN_BYTES,
};
use descope_ergonomic::{DescopeClient, Error, Field, Reason};
use descope_testkit::client::closed_port;
use descope_testkit::credentials::PROJECT;
use fake_descope::{FakeDescope, Operation, Project, Reply, Signing, User};
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};
use httpmock::prelude::*;
use serde_json::{json, Value};

const OTHER_PROJECT: &str = "P2bBd5U3W04ceejiHFy3Szid9f6A";

fn client(base_url: &str) -> DescopeClient {
    DescopeClient::builder()
        .project_id(PROJECT)
        .base_url(base_url)
        .build()
        .unwrap()
}

/// A client of nothing: for validators that must never fetch.
fn client_of_nothing() -> DescopeClient {
    client(&format!("http://127.0.0.1:{}", closed_port()))
}

async fn fake_with(project: Project, signing: Signing) -> Arc<FakeDescope> {
    Arc::new(
        FakeDescope::builder()
            .project(project)
            .signing(signing)
            .start()
            .await,
    )
}

async fn fake(signing: Signing) -> Arc<FakeDescope> {
    fake_with(Project::new(PROJECT), signing).await
}

/// A validator of the fake's project whose clock is the fake's.
fn following(fake: &Arc<FakeDescope>) -> SessionValidator {
    let clock = fake.clone();
    SessionValidator::builder(&client(fake.base_url()))
        .clock(move || clock.now())
        .build()
        .unwrap()
}

fn key_fetches(fake: &FakeDescope) -> usize {
    fake.received_for(Operation::GetKeysV2).len()
}

fn refreshes(fake: &FakeDescope) -> usize {
    fake.received_for(Operation::RefreshSession).len()
}

fn secs(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

// ------------------------------------------------------ tokens made here --

/// A key made here, with the JWK of its public half.
struct Signer {
    kid: String,
    alg: &'static str,
    key: SignerKey,
}

enum SignerKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

fn rsa_signer() -> &'static Signer {
    static KEY: OnceLock<Signer> = OnceLock::new();
    KEY.get_or_init(|| Signer {
        kid: "test-rsa".into(),
        alg: "RS256",
        key: SignerKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap()),
    })
}

fn ec_signer() -> &'static Signer {
    static KEY: OnceLock<Signer> = OnceLock::new();
    KEY.get_or_init(|| Signer {
        kid: "test-ec".into(),
        alg: "ES256",
        key: SignerKey::Ec(EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap()),
    })
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Signer {
    fn jwk(&self) -> Value {
        match &self.key {
            SignerKey::Rsa(pair) => {
                let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
                json!({"kty": "RSA", "alg": self.alg, "use": "sig", "kid": self.kid,
                       "n": b64(&public.n), "e": b64(&public.e)})
            }
            SignerKey::Ec(pair) => {
                let point = pair.public_key().as_ref();
                json!({"kty": "EC", "crv": "P-256", "alg": self.alg, "use": "sig", "kid": self.kid,
                       "x": b64(&point[1..33]), "y": b64(&point[33..])})
            }
        }
    }

    fn signature(&self, signed: &str) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.key {
            SignerKey::Rsa(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                let padding = if self.alg == "RS384" {
                    &RSA_PKCS1_SHA384
                } else {
                    &RSA_PKCS1_SHA256
                };
                pair.sign(padding, &rng, signed.as_bytes(), &mut signature)
                    .unwrap();
                signature
            }
            SignerKey::Ec(pair) => pair
                .sign(&rng, signed.as_bytes())
                .unwrap()
                .as_ref()
                .to_vec(),
        }
    }

    /// `header` and `claims`, as given (any text), signed.
    fn sign_text(&self, header: &str, claims: &str) -> String {
        let signed = format!("{}.{}", b64(header), b64(claims));
        format!("{signed}.{}", b64(self.signature(&signed)))
    }

    /// A token with the usual header.
    fn token(&self, claims: &Value) -> String {
        let header = json!({"alg": self.alg, "kid": self.kid, "typ": "JWT"});
        self.sign_text(&header.to_string(), &claims.to_string())
    }
}

fn jwks(signers: &[&Signer]) -> String {
    json!({"keys": signers.iter().map(|s| s.jwk()).collect::<Vec<_>>()}).to_string()
}

/// The claims of a live session JWT of the project at `now`.
fn claims_at(now: SystemTime) -> Value {
    json!({"sub": "U1", "iss": PROJECT, "iat": secs(now), "exp": secs(now) + 600, "drn": "DS"})
}

/// A validator over keys given up front, at a fixed time.
fn fixed(signers: &[&Signer], now: SystemTime) -> SessionValidator {
    SessionValidator::builder(&client_of_nothing())
        .public_key(&jwks(signers))
        .unwrap()
        .clock(move || now)
        .build()
        .unwrap()
}

/// A clock a test moves by hand.
#[derive(Clone)]
struct HandClock(Arc<Mutex<SystemTime>>);

impl HandClock {
    fn at(at: SystemTime) -> Self {
        HandClock(Arc::new(Mutex::new(at)))
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
    fn reader(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let clock = self.0.clone();
        move || *clock.lock().unwrap()
    }
}

fn refusal(result: Result<ValidSession, SessionError>) -> SessionError {
    match result {
        Ok(session) => panic!("accepted: {session:?}"),
        Err(error) => error,
    }
}

/// The token with one part replaced.
fn with_part(jwt: &str, index: usize, part: &str) -> String {
    let mut parts: Vec<&str> = jwt.split('.').collect();
    parts[index] = part;
    parts.join(".")
}

fn header_of(jwt: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap()
}

// ---------------------------------------------------------- valid tokens --

#[tokio::test]
async fn rs256_and_es256_sessions_validate_with_every_claim_read() {
    for signing in [Signing::Rs256, Signing::Es256] {
        let fake = fake(signing).await;
        let user = User::new("ada@example.com")
            .tenant("T1", ["admin"], ["billing.read"])
            .tenant("T2", ["viewer"], Vec::<String>::new())
            .roles(["support", "auditor"])
            .permissions(["users.read"])
            .current_tenant("T1")
            .claim("plan", "pro");
        let issued = fake
            .session_for(user)
            .step_up()
            .amr(["email", "otp"])
            .claim("seats", 5)
            .issue();
        let validator = following(&fake);
        let session = validator.validate(&issued.session_jwt).await.unwrap();
        let header = header_of(&issued.session_jwt);
        assert_eq!(header["alg"], signing.name());

        assert_eq!(session.user_id(), issued.user_id);
        assert_eq!(session.project_id().as_str(), PROJECT);
        assert_eq!(session.expires_at(), issued.session_expiration);
        let issued_at = session.issued_at().unwrap();
        assert!(issued_at <= fake.now() && issued_at + Duration::from_secs(5) >= fake.now());
        assert_eq!(session.auth_methods(), ["email", "otp"]);
        assert!(session.stepped_up());
        assert_eq!(session.current_tenant(), Some("T1"));
        let tenants: Vec<(&str, Vec<String>, Vec<String>)> = session
            .tenants()
            .map(|(id, access)| (id, access.roles.clone(), access.permissions.clone()))
            .collect();
        assert_eq!(
            tenants,
            [
                ("T1", vec!["admin".into()], vec!["billing.read".into()]),
                ("T2", vec!["viewer".into()], vec![]),
            ]
        );
        assert_eq!(session.roles(), ["support", "auditor"]);
        assert_eq!(session.permissions(), ["users.read"]);
        assert_eq!(session.claim("plan"), Some(&json!("pro")));
        assert_eq!(session.claim("seats"), Some(&json!(5)));
        assert_eq!(
            session.claim("sub"),
            None,
            "registered claims are not custom"
        );
        assert!(session.session_id().is_some() && session.token_id().is_some());
        assert!(session.audience().is_empty());
        assert_eq!(session.jwt().expose_secret(), issued.session_jwt);

        // Authorization: all-of, which matched, per tenant with Go's fallback.
        assert!(session.has_roles(&["support", "auditor"]));
        assert!(!session.has_roles(&["support", "admin"]));
        assert!(session.has_roles::<&str>(&[]));
        assert_eq!(
            session.matched_roles(&["admin", "auditor", "support"]),
            ["auditor", "support"]
        );
        assert!(session.has_permissions(&["users.read"]));
        assert!(session.matched_permissions(&["users.write"]).is_empty());
        assert!(session.has_tenant_roles("T1", &["admin"]));
        assert!(!session.has_tenant_roles("T1", &["support"]));
        assert!(session.has_tenant_permissions("T1", &["billing.read"]));
        assert_eq!(
            session.matched_tenant_roles("T2", &["viewer", "admin"]),
            ["viewer"]
        );
        assert!(session
            .matched_tenant_permissions("T2", &["billing.read"])
            .is_empty());
        assert!(!session.is_in_tenant("T3"));
        assert!(!session.has_tenant_roles::<&str>("T3", &[]));

        // Every kind of call agrees: the sync one, on the keys now cached.
        let cached = validator.validate_cached(&issued.session_jwt).unwrap();
        assert_eq!(cached.user_id(), session.user_id());
        assert_eq!(key_fetches(&fake), 1, "{signing:?}");
    }
}

#[tokio::test]
async fn the_current_tenant_falls_back_to_the_top_level_grants_and_dsub_overrides_sub() {
    let now = SystemTime::now();
    let signer = rsa_signer();
    let mut claims = claims_at(now);
    claims["dsub"] = json!("U-override");
    claims["dct"] = json!("T9");
    claims["roles"] = json!(["admin"]);
    claims["permissions"] = json!(["p1", "p2"]);
    claims["tenants"] = json!({"T1": {"roles": ["viewer"]}});
    let session = fixed(&[signer], now)
        .validate_cached(&signer.token(&claims))
        .unwrap();
    assert_eq!(session.user_id(), "U-override");
    assert!(session.has_tenant_roles("T9", &["admin"]));
    assert_eq!(
        session.matched_tenant_permissions("T9", &["p2", "p3"]),
        ["p2"]
    );
    let grants = session.tenant("T1").unwrap();
    assert_eq!(
        (grants.roles, grants.permissions),
        (&["viewer".to_string()][..], &[][..])
    );
    // T1 is in `tenants`: its own grants count there, not the top-level ones.
    assert!(!session.has_tenant_roles("T1", &["admin"]));
    assert!(!session.is_in_tenant("T2"));
}

#[tokio::test]
async fn issuer_urls_descope_issues_are_this_project_and_audiences_are_checked_when_set() {
    let now = SystemTime::now();
    let signer = ec_signer();
    let validator = fixed(&[signer], now);
    for iss in [
        format!("https://api.descope.com/{PROJECT}"),
        format!("https://api.descope.com/v1/apps/{PROJECT}"),
        format!("https://api.descope.com/v1/apps/{PROJECT}/T1"),
    ] {
        let mut claims = claims_at(now);
        claims["iss"] = json!(iss);
        validator.validate_cached(&signer.token(&claims)).unwrap();
    }
    for iss in [
        json!(OTHER_PROJECT),
        json!(format!("https://api.descope.com/{OTHER_PROJECT}")),
        json!(format!("https://api.descope.com/{PROJECT}/T1/extra")),
        json!(format!("{PROJECT}/x")),
        json!(null),
    ] {
        let mut claims = claims_at(now);
        claims["iss"] = iss.clone();
        let error = refusal(validator.validate_cached(&signer.token(&claims)));
        assert!(
            matches!(error, SessionError::WrongIssuer),
            "{iss}: {error:?}"
        );
    }
    let mut no_iss = claims_at(now);
    no_iss.as_object_mut().unwrap().remove("iss");
    assert!(matches!(
        refusal(validator.validate_cached(&signer.token(&no_iss))),
        SessionError::WrongIssuer
    ));

    let with_audience = SessionValidator::builder(&client_of_nothing())
        .public_key(&jwks(&[signer]))
        .unwrap()
        .audience(["api://orders", "api://billing"])
        .clock(move || now)
        .build()
        .unwrap();
    let mut claims = claims_at(now);
    claims["aud"] = json!(["api://other", "api://billing"]);
    let session = with_audience
        .validate_cached(&signer.token(&claims))
        .unwrap();
    assert_eq!(session.audience(), ["api://other", "api://billing"]);
    for aud in [json!("api://other"), json!([]), json!(null)] {
        let mut claims = claims_at(now);
        claims["aud"] = aud;
        assert!(matches!(
            refusal(with_audience.validate_cached(&signer.token(&claims))),
            SessionError::WrongAudience
        ));
    }
    // Without an audience set, `aud` is not checked (as in the SDKs).
    validator.validate_cached(&signer.token(&claims)).unwrap();
}

// -------------------------------------------------------------- refusals --

#[tokio::test]
async fn expired_sessions_are_expired_by_their_own_exp_and_by_the_moved_clock() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let expired = fake.session_for("ada@example.com").expired().issue();
    let error = refusal(validator.validate(&expired.session_jwt).await);
    assert!(error.is_expired(), "{error:?}");
    assert!(matches!(error, SessionError::Expired { at } if at == expired.session_expiration));
    assert!(!error.is_unavailable() && !error.is_forged_or_foreign());

    let live = fake.session_for("ada@example.com").issue();
    validator.validate(&live.session_jwt).await.unwrap();
    // Within the leeway (5 s) past `exp`, still valid; past it, expired.
    let lifetime = live.session_expiration.duration_since(fake.now()).unwrap();
    fake.advance_clock(lifetime + Duration::from_secs(4));
    validator.validate_cached(&live.session_jwt).unwrap();
    fake.advance_clock(Duration::from_secs(1));
    assert!(refusal(validator.validate_cached(&live.session_jwt)).is_expired());
    assert!(refusal(validator.validate(&live.session_jwt).await).is_expired());
}

#[tokio::test]
async fn tokens_not_yet_valid_or_issued_in_the_future_are_refused_beyond_the_leeway() {
    let now = SystemTime::now();
    let signer = rsa_signer();
    let validator = fixed(&[signer], now);
    let at = |offset: i64| secs(now).checked_add_signed(offset).unwrap();

    let mut claims = claims_at(now);
    claims["nbf"] = json!(at(5));
    validator.validate_cached(&signer.token(&claims)).unwrap();
    claims["nbf"] = json!(at(6));
    let error = refusal(validator.validate_cached(&signer.token(&claims)));
    assert!(
        matches!(error, SessionError::NotYetValid { at: when } if secs(when) == at(6)),
        "{error:?}"
    );

    let mut claims = claims_at(now);
    claims["iat"] = json!(at(5));
    validator.validate_cached(&signer.token(&claims)).unwrap();
    claims["iat"] = json!(at(60));
    assert!(matches!(
        refusal(validator.validate_cached(&signer.token(&claims))),
        SessionError::IssuedInFuture { .. }
    ));

    // `exp` is required; a fractional one counts by its whole seconds.
    let mut claims = claims_at(now);
    claims.as_object_mut().unwrap().remove("exp");
    assert!(matches!(
        refusal(validator.validate_cached(&signer.token(&claims))),
        SessionError::Malformed {
            reason: "the token has no exp"
        }
    ));
    claims["exp"] = json!(at(-5) as f64 + 0.9);
    assert!(refusal(validator.validate_cached(&signer.token(&claims))).is_expired());
    // So is a user.
    let mut claims = claims_at(now);
    claims.as_object_mut().unwrap().remove("sub");
    assert!(matches!(
        refusal(validator.validate_cached(&signer.token(&claims))),
        SessionError::Malformed { .. }
    ));

    // A leeway of its own, and the bound on it.
    let strict = SessionValidator::builder(&client_of_nothing())
        .public_key(&jwks(&[signer]))
        .unwrap()
        .leeway(Duration::ZERO)
        .clock(move || now)
        .build()
        .unwrap();
    let mut claims = claims_at(now);
    claims["nbf"] = json!(at(1));
    assert!(matches!(
        refusal(strict.validate_cached(&signer.token(&claims))),
        SessionError::NotYetValid { .. }
    ));
    let too_lenient = SessionValidator::builder(&client_of_nothing())
        .leeway(Duration::from_secs(301))
        .build()
        .unwrap_err();
    let refused = too_lenient.validation().unwrap();
    assert_eq!(
        (refused.field(), refused.reason()),
        (Field::Leeway, Reason::OutOfRange)
    );
}

#[tokio::test]
async fn a_clock_set_ahead_on_the_fake_makes_its_sessions_issued_in_the_future() {
    let ahead = SystemTime::now() + Duration::from_secs(3600);
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .clock_at(ahead)
        .start()
        .await;
    let issued = fake.session_for("ada@example.com").issue();
    let validator = SessionValidator::builder(&client(fake.base_url()))
        .build()
        .unwrap();
    assert!(matches!(
        refusal(validator.validate(&issued.session_jwt).await),
        SessionError::IssuedInFuture { .. }
    ));
}

#[tokio::test]
async fn another_projects_session_and_a_refresh_jwt_are_not_this_projects_session() {
    let fake = Arc::new(
        FakeDescope::builder()
            .project(Project::new(PROJECT))
            .project(Project::new(OTHER_PROJECT))
            .start()
            .await,
    );
    let validator = following(&fake);
    let theirs = fake
        .session_for("ada@example.com")
        .project(OTHER_PROJECT)
        .issue();
    let error = refusal(validator.validate(&theirs.session_jwt).await);
    assert!(matches!(error, SessionError::WrongIssuer), "{error:?}");
    assert!(error.is_forged_or_foreign());

    let ours = fake.session_for("ada@example.com").project(PROJECT).issue();
    assert!(matches!(
        refusal(validator.validate(&ours.refresh_jwt).await),
        SessionError::NotASessionToken
    ));
    // Even when it has also expired: the kind is checked before the time.
    let expired = fake
        .session_for("ada@example.com")
        .project(OTHER_PROJECT)
        .expired()
        .issue();
    assert!(matches!(
        refusal(validator.validate(&expired.session_jwt).await),
        SessionError::WrongIssuer
    ));
    validator.validate(&ours.session_jwt).await.unwrap();
}

#[tokio::test]
async fn tampered_tokens_do_not_verify() {
    for signing in [Signing::Rs256, Signing::Es256] {
        let fake = fake(signing).await;
        let validator = following(&fake);
        let issued = fake.session_for("ada@example.com").issue();
        validator.validate(&issued.session_jwt).await.unwrap();
        let jwt = &issued.session_jwt;
        let parts: Vec<&str> = jwt.split('.').collect();

        // A claim changed: the payload no longer matches the signature.
        let mut claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        claims["roles"] = json!(["admin"]);
        let forged = with_part(jwt, 1, &b64(claims.to_string()));
        assert!(matches!(
            refusal(validator.validate_cached(&forged)),
            SessionError::BadSignature
        ));
        // A signature byte flipped; a signature of another length.
        let mut signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        signature[10] ^= 1;
        let flipped = with_part(jwt, 2, &b64(&signature));
        assert!(matches!(
            refusal(validator.validate_cached(&flipped)),
            SessionError::BadSignature
        ));
        let short = with_part(jwt, 2, &b64(&signature[..signature.len() - 1]));
        assert!(matches!(
            refusal(validator.validate_cached(&short)),
            SessionError::BadSignature
        ));
        // Another key's signature over the same bytes.
        let other = rsa_signer().signature(&format!("{}.{}", parts[0], parts[1]));
        assert!(matches!(
            refusal(validator.validate_cached(&with_part(jwt, 2, &b64(other)))),
            SessionError::BadSignature
        ));
        assert_eq!(key_fetches(&fake), 1);
    }
}

#[tokio::test]
async fn the_algorithm_is_the_keys_whatever_the_header_says() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    let kid = header_of(&issued.session_jwt)["kid"].clone();
    let with_header = |header: Value| with_part(&issued.session_jwt, 0, &b64(header.to_string()));
    for alg in [
        "none", "None", "HS256", "HS384", "HS512", "RS384", "PS256", "ES256", "EdDSA",
    ] {
        let jwt = with_header(json!({"alg": alg, "kid": kid, "typ": "JWT"}));
        let error = refusal(validator.validate(&jwt).await);
        assert!(
            matches!(&error, SessionError::AlgorithmNotAllowed { algorithm } if algorithm == alg),
            "{alg}: {error:?}"
        );
    }
    // `none` with an empty signature, as the classic attack sends it.
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "kid": kid}).to_string()),
        issued.session_jwt.split('.').nth(1).unwrap()
    );
    assert!(matches!(
        refusal(validator.validate(&unsigned).await),
        SessionError::Malformed { .. } | SessionError::AlgorithmNotAllowed { .. }
    ));
    // An HMAC "signed" with the public key as its secret is refused before
    // any key is used as one.
    let hs = with_header(json!({"alg": "HS256", "kid": kid}));
    assert!(matches!(
        refusal(validator.validate(&hs).await),
        SessionError::AlgorithmNotAllowed { .. }
    ));

    // A key set's RS256 key does not verify an RS384 token of the same key.
    let now = SystemTime::now();
    let signer = rsa_signer();
    let rs384 = Signer {
        kid: signer.kid.clone(),
        alg: "RS384",
        key: SignerKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap()),
    };
    assert!(matches!(
        refusal(fixed(&[signer], now).validate_cached(&rs384.token(&claims_at(now)))),
        SessionError::AlgorithmNotAllowed { algorithm } if algorithm == "RS384"
    ));
    // ...while a key whose `alg` says RS384 does.
    fixed(&[&rs384], now)
        .validate_cached(&rs384.token(&claims_at(now)))
        .unwrap();
    assert_eq!(key_fetches(&fake), 1);
}

#[tokio::test]
async fn header_parameters_that_choose_the_key_and_repeated_members_are_refused() {
    let now = SystemTime::now();
    let signer = rsa_signer();
    let validator = fixed(&[signer], now);
    let claims = claims_at(now).to_string();
    for parameter in ["crit", "jku", "x5u", "jwk", "x5c"] {
        let header = format!(
            r#"{{"alg":"RS256","kid":"{}","{parameter}":["https://evil.example/"]}}"#,
            signer.kid
        );
        let error = refusal(validator.validate_cached(&signer.sign_text(&header, &claims)));
        assert!(
            matches!(&error, SessionError::ForbiddenHeader { parameter: p, duplicate: false } if p == parameter),
            "{parameter}: {error:?}"
        );
    }
    for header in [
        format!(r#"{{"alg":"RS256","kid":"{}","alg":"none"}}"#, signer.kid),
        format!(r#"{{"alg":"RS256","kid":"other","kid":"{}"}}"#, signer.kid),
        format!(
            r#"{{"alg":"RS256","kid":"{}","typ":"JWT","typ":"JWT"}}"#,
            signer.kid
        ),
    ] {
        let error = refusal(validator.validate_cached(&signer.sign_text(&header, &claims)));
        assert!(
            matches!(
                error,
                SessionError::ForbiddenHeader {
                    duplicate: true,
                    ..
                }
            ),
            "{header}: {error:?}"
        );
    }
    // Repeated claims too (parsers disagree on which one counts).
    let header = format!(r#"{{"alg":"RS256","kid":"{}"}}"#, signer.kid);
    let twice = format!(
        r#"{{"sub":"U1","iss":"{PROJECT}","exp":{},"exp":{}}}"#,
        secs(now) + 600,
        secs(now) + 9_999_999
    );
    assert!(matches!(
        refusal(validator.validate_cached(&signer.sign_text(&header, &twice))),
        SessionError::Malformed {
            reason: "a claim is given twice"
        }
    ));
    // `typ` other than JWT, and no `kid`.
    for header in [
        format!(r#"{{"alg":"RS256","kid":"{}","typ":"JWE"}}"#, signer.kid),
        r#"{"alg":"RS256"}"#.to_string(),
    ] {
        assert!(matches!(
            refusal(validator.validate_cached(&signer.sign_text(&header, &claims))),
            SessionError::Malformed { .. }
        ));
    }
}

#[tokio::test]
async fn oversized_and_malformed_tokens_are_refused_before_any_key_is_looked_at() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    let jwt = &issued.session_jwt;
    let oversized = format!("{jwt}{}", "A".repeat(MAX_TOKEN_BYTES));
    assert!(matches!(
        refusal(validator.validate(&oversized).await),
        SessionError::TooLarge {
            limit: MAX_TOKEN_BYTES
        }
    ));
    let parts: Vec<&str> = jwt.split('.').collect();
    for bad in [
        String::new(),
        "garbage".to_string(),
        format!("{}.{}", parts[0], parts[1]),
        format!("{jwt}.extra"),
        with_part(jwt, 0, &format!("{}=", parts[0])),
        with_part(
            jwt,
            0,
            &parts[0]
                .replace('-', "+")
                .replace('_', "/")
                .replace('J', "+"),
        ),
        with_part(jwt, 0, &b64("not json")),
        with_part(jwt, 0, &b64("[\"RS256\"]")),
        with_part(jwt, 2, "!!!!"),
        format!("{} {}", parts[0], &jwt[parts[0].len()..]),
    ] {
        let error = refusal(validator.validate(&bad).await);
        assert!(
            matches!(error, SessionError::Malformed { .. }),
            "{bad:?}: {error:?}"
        );
    }
    // A payload that is not JSON, correctly signed, is malformed too (the
    // claims are read only once the signature verifies).
    let now = SystemTime::now();
    let signer = ec_signer();
    let header = json!({"alg": "ES256", "kid": signer.kid}).to_string();
    for payload in ["not json", "[]", "{\"exp\": \"soon\"}"] {
        assert!(matches!(
            refusal(fixed(&[signer], now).validate_cached(&signer.sign_text(&header, payload))),
            SessionError::Malformed { .. }
        ));
    }
    // None of these asked the fake for keys.
    assert_eq!(key_fetches(&fake), 0);
}

// ------------------------------------------------------------- the cache --

#[tokio::test]
async fn an_unknown_kid_makes_one_refetch_then_is_an_unknown_key() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    assert_eq!(key_fetches(&fake), 1);

    let now = fake.now();
    let stranger = Signer {
        kid: "not-a-key-of-the-set".into(),
        alg: "RS256",
        key: SignerKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap()),
    };
    let jwt = stranger.token(&claims_at(now));
    let error = refusal(validator.validate(&jwt).await);
    assert!(
        matches!(&error, SessionError::UnknownKey { kid } if kid == "not-a-key-of-the-set"),
        "{error:?}"
    );
    assert_eq!(key_fetches(&fake), 2, "one refetch");
    // Within the cooldown, no other fetch.
    for _ in 0..5 {
        assert!(matches!(
            refusal(validator.validate(&jwt).await),
            SessionError::UnknownKey { .. }
        ));
    }
    assert!(matches!(
        refusal(validator.validate_cached(&jwt)),
        SessionError::UnknownKey { .. }
    ));
    assert_eq!(key_fetches(&fake), 2);
    // After it, one more.
    fake.advance_clock(Duration::from_secs(30));
    refusal(validator.validate(&jwt).await);
    assert_eq!(key_fetches(&fake), 3);
    // The known key kept answering throughout.
    validator.validate_cached(&issued.session_jwt).unwrap();
}

#[tokio::test]
async fn a_storm_of_random_kids_makes_at_most_one_extra_fetch() {
    let fake = fake(Signing::Es256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    let now = fake.now();
    let signer = ec_signer();
    let claims = claims_at(now).to_string();
    let tokens: Vec<String> = (0..1200)
        .map(|i| {
            let header = json!({"alg": "ES256", "kid": format!("storm-{i:04}")}).to_string();
            // The signature does not matter: the key is never found.
            format!("{}.{}.{}", b64(header), b64(&claims), b64([7u8; 64]))
        })
        .collect();
    let _ = signer;
    let mut tasks = tokio::task::JoinSet::new();
    for jwt in tokens.clone() {
        let validator = validator.clone();
        tasks.spawn(async move { validator.validate(&jwt).await });
    }
    while let Some(outcome) = tasks.join_next().await {
        assert!(matches!(
            outcome.unwrap(),
            Err(SessionError::UnknownKey { .. })
        ));
    }
    // And again, one by one.
    for jwt in &tokens[..200] {
        refusal(validator.validate(jwt).await);
    }
    assert!(key_fetches(&fake) <= 2, "{} fetches", key_fetches(&fake));
    validator.validate_cached(&issued.session_jwt).unwrap();
}

#[tokio::test]
async fn a_slow_fetch_holds_up_only_the_tokens_that_need_it() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    fake.script(
        Reply::normal()
            .after(Duration::from_millis(1500))
            .on(Operation::GetKeysV2),
    );
    let stranger = rsa_signer().token(&claims_at(fake.now()));
    let waiting = {
        let validator = validator.clone();
        tokio::spawn(async move { validator.validate(&stranger).await })
    };
    // The refetch is under way (the fake logs a request when it answers,
    // so wait a little rather than for the log).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    for _ in 0..100 {
        validator.validate(&issued.session_jwt).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(!waiting.is_finished());
    assert!(matches!(
        waiting.await.unwrap(),
        Err(SessionError::UnknownKey { .. })
    ));
    assert_eq!(key_fetches(&fake), 2);
}

#[tokio::test]
async fn a_key_rotation_is_followed_with_one_fetch() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let before = fake.session_for("ada@example.com").issue();
    validator.validate(&before.session_jwt).await.unwrap();
    let kid = fake.rotate_keys();
    let after = fake.session_for("ada@example.com").issue();
    assert_eq!(header_of(&after.session_jwt)["kid"], kid);
    // The sync call does not fetch: the new key is not cached yet.
    assert!(matches!(
        refusal(validator.validate_cached(&after.session_jwt)),
        SessionError::UnknownKey { .. }
    ));
    validator.validate(&after.session_jwt).await.unwrap();
    validator.validate(&after.session_jwt).await.unwrap();
    validator.validate_cached(&after.session_jwt).unwrap();
    validator.validate_cached(&before.session_jwt).unwrap();
    assert_eq!(key_fetches(&fake), 2);
}

#[tokio::test]
async fn keys_past_their_ttl_are_read_again_in_the_background_and_a_retired_key_stops_validating() {
    let fake = fake_with(Project::new(PROJECT), Signing::Rs256).await;
    let clock = HandClock::at(fake.now());
    let validator = SessionValidator::builder(&client(fake.base_url()))
        .key_ttl(Duration::from_secs(60))
        .clock(clock.reader())
        .build()
        .unwrap();
    let old = fake.session_for("ada@example.com").issue();
    validator.validate(&old.session_jwt).await.unwrap();
    // The key is rotated and, past the fake's grace, retired.
    fake.rotate_keys();
    fake.advance_clock(Duration::from_secs(3600));
    // The validator's keys are not yet past their TTL: the old key answers.
    validator.validate(&old.session_jwt).await.unwrap();
    assert_eq!(key_fetches(&fake), 1);
    // Past it: this validation (the sync one, too) is answered from the
    // cache at once, and a refresh starts beside it.
    clock.advance(Duration::from_secs(61));
    validator.validate_cached(&old.session_jwt).unwrap();
    let fetched = |count: usize| {
        let fake = fake.clone();
        async move {
            for _ in 0..200 {
                if key_fetches(&fake) >= count {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Room for a second fetch, which must not come.
            tokio::time::sleep(Duration::from_millis(50)).await;
            key_fetches(&fake)
        }
    };
    assert_eq!(fetched(2).await, 2);
    assert!(matches!(
        refusal(validator.validate_cached(&old.session_jwt)),
        SessionError::UnknownKey { .. }
    ));
    // The next TTL, through the async call (the validator's clock catches
    // up with the fake's, an hour on).
    clock.advance(Duration::from_secs(3600));
    let new = fake.session_for("ada@example.com").issue();
    for _ in 0..10 {
        validator.validate(&new.session_jwt).await.unwrap();
    }
    assert_eq!(fetched(3).await, 3);
}

#[tokio::test]
async fn cached_keys_keep_validating_while_descope_is_unreachable_up_to_the_staleness_bound() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .start()
        .await;
    let clock = HandClock::at(fake.now());
    let validator = SessionValidator::builder(&client(fake.base_url()))
        .key_ttl(Duration::from_secs(5))
        .max_key_staleness(Duration::from_secs(120))
        .unknown_kid_cooldown(Duration::from_secs(10))
        .clock(clock.reader())
        .build()
        .unwrap();
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    fake.shutdown().await;

    // Past the TTL: the background refresh fails, the cached key answers.
    clock.advance(Duration::from_secs(10));
    for _ in 0..20 {
        validator.validate(&issued.session_jwt).await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // An unknown kid: its refetch fails too; it is unknown, the rest valid.
    let stranger = rsa_signer().token(&claims_at(SystemTime::now()));
    assert!(matches!(
        refusal(validator.validate(&stranger).await),
        SessionError::UnknownKey { .. }
    ));
    validator.validate(&issued.session_jwt).await.unwrap();

    // Past the staleness bound: nothing usable.
    clock.advance(Duration::from_secs(111));
    let error = refusal(validator.validate(&issued.session_jwt).await);
    match &error {
        SessionError::KeysUnavailable { cause: Some(cause) } => {
            assert!(
                cause.is_timeout() || matches!(**cause, Error::Transport { .. }),
                "{cause}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_unavailable());
    assert!(matches!(
        refusal(validator.validate_cached(&issued.session_jwt)),
        SessionError::KeysUnavailable { .. }
    ));
    assert!(validator.refresh_keys().await.is_err());
}

#[tokio::test]
async fn without_descope_from_the_start_validations_are_keys_unavailable_and_back_off() {
    let validator = client_of_nothing().session_validator();
    let jwt = rsa_signer().token(&claims_at(SystemTime::now()));
    let first = refusal(validator.validate(&jwt).await);
    assert!(
        matches!(&first, SessionError::KeysUnavailable { cause: Some(_) }),
        "{first:?}"
    );
    assert!(first
        .to_string()
        .starts_with("the project's signing keys are unavailable: "));
    // Within the back-off, answered at once with the same cause.
    let started = Instant::now();
    for _ in 0..100 {
        assert!(matches!(
            refusal(validator.validate(&jwt).await),
            SessionError::KeysUnavailable { cause: Some(_) }
        ));
    }
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(matches!(
        refusal(validator.validate_cached(&jwt)),
        SessionError::KeysUnavailable { cause: Some(_) }
    ));
}

#[tokio::test]
async fn keys_given_up_front_are_never_fetched() {
    let fake = fake(Signing::Rs256).await;
    let issued = fake.session_for("ada@example.com").issue();
    let jwks = fake.jwks().to_string();
    let validator = SessionValidator::builder(&client(fake.base_url()))
        .public_key(&jwks)
        .unwrap()
        .build()
        .unwrap();
    validator.validate_cached(&issued.session_jwt).unwrap();
    validator.validate(&issued.session_jwt).await.unwrap();
    // One JWK (as DESCOPE_PUBLIC_KEY holds it) is as good as a set.
    let one = fake.jwks()["keys"][0].to_string();
    let single = SessionValidator::builder(&client(fake.base_url()))
        .public_key(&one)
        .unwrap()
        .build()
        .unwrap();
    single.validate(&issued.session_jwt).await.unwrap();
    // A rotated key is not known to them, and nothing is fetched for it.
    fake.rotate_keys();
    let after = fake.session_for("ada@example.com").issue();
    assert!(matches!(
        refusal(validator.validate(&after.session_jwt).await),
        SessionError::UnknownKey { .. }
    ));
    assert_eq!(validator.refresh_keys().await.unwrap(), 1);
    assert_eq!(key_fetches(&fake), 0);

    // What is not a key is refused when given.
    for (json, reason) in [
        ("not json", Reason::NotAnObject),
        ("[]", Reason::NotAnObject),
        (r#"{"keys": 1}"#, Reason::NotAnObject),
        (r#"{"keys": []}"#, Reason::NoUsableKey),
        (
            r#"{"kty": "oct", "kid": "k", "k": "c2VjcmV0"}"#,
            Reason::NoUsableKey,
        ),
    ] {
        let error = SessionValidator::builder(&client(fake.base_url()))
            .public_key(json)
            .unwrap_err();
        let refused = error.validation().unwrap();
        assert_eq!(
            (refused.field(), refused.reason()),
            (Field::PublicKey, reason),
            "{json}"
        );
    }
}

#[tokio::test]
async fn keys_that_cannot_be_used_safely_are_skipped_and_their_kids_unknown() {
    let now = SystemTime::now();
    let good = rsa_signer();
    let mut encryption = good.jwk();
    encryption["kid"] = json!("enc");
    encryption["use"] = json!("enc");
    let mut verify_not_allowed = good.jwk();
    verify_not_allowed["kid"] = json!("ops");
    verify_not_allowed["key_ops"] = json!(["encrypt"]);
    let mut small = good.jwk();
    small["kid"] = json!("small");
    small["n"] = json!(b64([0xC5u8; 128])); // 1024 bits
    let mut hmac = json!({"kty": "oct", "kid": "hmac", "k": b64("secret")});
    hmac["alg"] = json!("HS256");
    let mut unknown_curve = ec_signer().jwk();
    unknown_curve["kid"] = json!("curve");
    unknown_curve["crv"] = json!("P-521");
    let mut wrong_alg = ec_signer().jwk();
    wrong_alg["kid"] = json!("ec-as-rs");
    wrong_alg["alg"] = json!("RS256");
    let bad = [
        encryption,
        verify_not_allowed,
        small,
        hmac,
        unknown_curve,
        wrong_alg,
    ];

    // Served by a key set endpoint beside one good key.
    let server = MockServer::start_async().await;
    let mut keys: Vec<Value> = bad.to_vec();
    keys.push(good.jwk());
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v2/keys/{PROJECT}"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "keys": keys }));
        })
        .await;
    let validator = SessionValidator::builder(&client(&server.base_url()))
        .clock(move || now)
        .build()
        .unwrap();
    assert_eq!(validator.refresh_keys().await.unwrap(), 1);
    validator
        .validate_cached(&good.token(&claims_at(now)))
        .unwrap();
    for key in &bad {
        let kid = key["kid"].as_str().unwrap();
        let header = json!({"alg": "RS256", "kid": kid}).to_string();
        let jwt = good.sign_text(&header, &claims_at(now).to_string());
        assert!(
            matches!(
                refusal(validator.validate(&jwt).await),
                SessionError::UnknownKey { .. }
            ),
            "{kid}"
        );
    }
    // A set of such keys alone, given up front, is refused.
    let error = SessionValidator::builder(&client_of_nothing())
        .public_key(&json!({ "keys": bad }).to_string())
        .unwrap_err();
    assert_eq!(error.validation().unwrap().reason(), Reason::NoUsableKey);
}

// ----------------------------------------------------------- the refresh --

#[tokio::test]
async fn an_expired_session_is_refreshed_and_the_rotated_refresh_jwt_handed_back() {
    let fake = fake_with(
        Project::new(PROJECT).rotate_refresh_jwts(true),
        Signing::Rs256,
    )
    .await;
    let validator = following(&fake);
    let user = User::new("ada@example.com").roles(["admin"]);
    let expired = fake.session_for(user).expired().issue();
    let validated = validator
        .validate_or_refresh(Some(&expired.session_jwt), Some(&expired.refresh_jwt))
        .await
        .unwrap();
    assert_eq!(refreshes(&fake), 1);
    let refreshed = validated.refreshed().expect("a refresh");
    let session = validated.session();
    assert_eq!(session.user_id(), expired.user_id);
    assert!(session.has_roles(&["admin"]));
    assert_eq!(
        session.jwt().expose_secret(),
        refreshed.session_jwt().expose_secret()
    );
    assert_ne!(session.jwt().expose_secret(), expired.session_jwt);
    let rotated = refreshed.rotated_refresh_jwt().expect("a rotating project");
    assert_ne!(rotated.expose_secret(), expired.refresh_jwt);

    // The cookies that hand them back: both, as set.
    let cookies = validated.set_cookies(&CookieSettings::default());
    assert_eq!(cookies.len(), 2);
    let session_cookie = cookies[0].to_str().unwrap();
    assert_eq!(
        session_cookie,
        format!(
            "DS={}; Path=/; Max-Age=2419200; HttpOnly; Secure; SameSite=Strict",
            session.jwt().expose_secret()
        )
    );
    assert!(cookies[1]
        .to_str()
        .unwrap()
        .starts_with(&format!("DSR={}; ", rotated.expose_secret())));
    assert!(cookies.iter().all(HeaderValue::is_sensitive));

    // The old refresh JWT is rotated out: a second try is Descope's refusal.
    let error = validator
        .validate_or_refresh(Some(&expired.session_jwt), Some(&expired.refresh_jwt))
        .await
        .unwrap_err();
    match &error {
        SessionError::RefreshFailed(cause) => assert!(cause.is_unauthorized(), "{cause}"),
        other => panic!("{other:?}"),
    }
    assert!(!error.is_unavailable());
    // The rotated one works.
    let (again, refreshed) = validator
        .validate_or_refresh(None, Some(rotated.expose_secret()))
        .await
        .unwrap()
        .into_parts();
    assert!(refreshed.is_some());
    assert_eq!(again.user_id(), expired.user_id);
}

#[tokio::test]
async fn only_an_expired_or_absent_session_is_refreshed() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let live = fake.session_for("ada@example.com").issue();

    // A valid session: no refresh.
    let validated = validator
        .validate_or_refresh(Some(&live.session_jwt), Some(&live.refresh_jwt))
        .await
        .unwrap();
    assert!(validated.refreshed().is_none());
    assert!(validated.set_cookies(&CookieSettings::default()).is_empty());

    // Forged, another project's, a refresh JWT, malformed: refused as they
    // are, with a good refresh JWT beside them, and Descope is not called.
    let mut signature = URL_SAFE_NO_PAD
        .decode(live.session_jwt.split('.').nth(2).unwrap())
        .unwrap();
    signature[0] ^= 0x80;
    let forged = with_part(&live.session_jwt, 2, &b64(&signature));
    let foreign = rsa_signer().token(&claims_at(fake.now()));
    for (jwt, name) in [
        (forged.as_str(), "forged"),
        (foreign.as_str(), "foreign"),
        (live.refresh_jwt.as_str(), "refresh"),
        ("garbage", "malformed"),
    ] {
        let error = validator
            .validate_or_refresh(Some(jwt), Some(&live.refresh_jwt))
            .await
            .unwrap_err();
        assert!(error.is_forged_or_foreign(), "{name}: {error:?}");
    }
    assert_eq!(refreshes(&fake), 0);

    // Absent: refreshed.
    let validated = validator
        .validate_or_refresh(None, Some(&live.refresh_jwt))
        .await
        .unwrap();
    assert!(validated.refreshed().is_some());
    assert_eq!(refreshes(&fake), 1);
    // Neither: missing.
    assert!(matches!(
        validator.validate_or_refresh(None, None).await.unwrap_err(),
        SessionError::Missing
    ));
    // Expired with no refresh JWT: expired.
    let expired = fake.session_for("ada@example.com").expired().issue();
    assert!(validator
        .validate_or_refresh(Some(&expired.session_jwt), None)
        .await
        .unwrap_err()
        .is_expired());

    // As the official SDKs do, when asked: any failure is refreshed.
    let like_the_sdks = SessionValidator::builder(&client(fake.base_url()))
        .refresh_on_any_failure(true)
        .clock({
            let fake = fake.clone();
            move || fake.now()
        })
        .build()
        .unwrap();
    let validated = like_the_sdks
        .validate_or_refresh(Some(&forged), Some(&live.refresh_jwt))
        .await
        .unwrap();
    assert!(validated.refreshed().is_some());
    assert_eq!(refreshes(&fake), 2);
}

#[tokio::test]
async fn a_refresh_jwt_that_fails_locally_is_never_sent() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let expired = fake.session_for("ada@example.com").expired().issue();
    let fully = fake.session_for("ada@example.com").fully_expired().issue();
    let mut signature = URL_SAFE_NO_PAD
        .decode(expired.refresh_jwt.split('.').nth(2).unwrap())
        .unwrap();
    signature[3] ^= 1;
    let forged_refresh = with_part(&expired.refresh_jwt, 2, &b64(&signature));
    for (refresh, expect) in [
        (forged_refresh.as_str(), "BadSignature"),
        (fully.refresh_jwt.as_str(), "Expired"),
        // A session JWT is no refresh JWT.
        (expired.session_jwt.as_str(), "Malformed"),
    ] {
        let error = validator
            .validate_or_refresh(Some(&expired.session_jwt), Some(refresh))
            .await
            .unwrap_err();
        match &error {
            SessionError::InvalidRefreshToken(inner) => {
                assert!(format!("{inner:?}").starts_with(expect), "{inner:?}")
            }
            other => panic!("{expect}: {other:?}"),
        }
    }
    assert_eq!(refreshes(&fake), 0);
    // A logged-out one passes locally and is Descope's to refuse.
    let client = client(fake.base_url());
    client
        .sessions()
        .logout(expired.refresh_jwt.as_str())
        .send()
        .await
        .unwrap();
    let error = validator
        .validate_or_refresh(Some(&expired.session_jwt), Some(&expired.refresh_jwt))
        .await
        .unwrap_err();
    assert!(matches!(error, SessionError::RefreshFailed(_)), "{error:?}");
    assert_eq!(refreshes(&fake), 1);
}

// ------------------------------------------------- requests and cookies --

#[tokio::test]
async fn the_tokens_of_a_request_and_a_whole_request_round() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let expired = fake.session_for("ada@example.com").expired().issue();

    let mut headers = HeaderMap::new();
    headers.insert(
        COOKIE,
        HeaderValue::from_str(&format!(
            "theme=dark; DS={}; DSR={}",
            expired.session_jwt, expired.refresh_jwt
        ))
        .unwrap(),
    );
    let tokens = SessionTokens::from_headers(&headers);
    assert_eq!(
        tokens.session.as_ref().unwrap().expose_secret(),
        expired.session_jwt
    );
    let printed = format!("{tokens:?}");
    assert!(!printed.contains(&expired.session_jwt) && !printed.contains(&expired.refresh_jwt));
    let validated = validator.validate_tokens(&tokens).await.unwrap();
    let cookies = validated.set_cookies(
        &CookieSettings::new()
            .same_site(SameSite::Lax)
            .http_only(false)
            .secure(false)
            .domain("example.com")
            .path("/app"),
    );
    assert_eq!(
        cookies[0].to_str().unwrap(),
        format!(
            "DS={}; Path=/app; Domain=example.com; Max-Age=2419200; SameSite=Lax",
            validated.session().jwt().expose_secret()
        )
    );

    // The bearer token wins over the cookie; other cookie names.
    let live = fake.session_for("ada@example.com").issue();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {}", live.session_jwt)).unwrap(),
    );
    let validated = validator
        .validate_tokens(&SessionTokens::from_headers(&headers))
        .await
        .unwrap();
    assert!(validated.refreshed().is_none());
    let names = CookieNames::new("app_session", "app_refresh");
    let mut other = HeaderMap::new();
    other.insert(
        COOKIE,
        HeaderValue::from_str(&format!("app_session={}", live.session_jwt)).unwrap(),
    );
    let tokens = SessionTokens::from_headers_with(&other, &names);
    assert!(tokens.session.is_some() && tokens.refresh.is_none());
    assert!(SessionTokens::from_headers(&other).is_empty());
}

#[tokio::test]
async fn set_cookie_takes_domain_path_and_max_age_from_descopes_answer() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(Operation::RefreshSession.path());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({
                    "sessionJwt": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
                    "refreshJwt": "eyJhbGciOiJSUzI1NiJ9.e31.c2ln",
                    "cookieDomain": "auth.example.com",
                    "cookiePath": "/",
                    "cookieMaxAge": 2419200
                }));
        })
        .await;
    let client = client(&server.base_url());
    let refreshed = client
        .sessions()
        .refresh("eyJhbGciOiJSUzI1NiJ9.old.c2ln")
        .send()
        .await
        .unwrap();
    let cookies = refreshed.set_cookies(&CookieSettings::default());
    let text: Vec<&str> = cookies.iter().map(|c| c.to_str().unwrap()).collect();
    assert_eq!(
        text,
        [
            "DS=eyJhbGciOiJSUzI1NiJ9.e30.c2ln; Path=/; Domain=auth.example.com; Max-Age=2419200; HttpOnly; Secure; SameSite=Strict",
            "DSR=eyJhbGciOiJSUzI1NiJ9.e31.c2ln; Path=/; Domain=auth.example.com; Max-Age=2419200; HttpOnly; Secure; SameSite=Strict",
        ]
    );
    // SameSite=None is always Secure; other names.
    let cookies = refreshed.set_cookies(
        &CookieSettings::new()
            .same_site(SameSite::None)
            .secure(false)
            .names(CookieNames::new("s", "r")),
    );
    assert!(cookies[0].to_str().unwrap().starts_with("s=eyJ"));
    assert!(cookies[1]
        .to_str()
        .unwrap()
        .ends_with("; HttpOnly; Secure; SameSite=None"));
}

// ------------------------------------------------------- what never prints --

#[tokio::test]
async fn nothing_prints_a_token() {
    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake
        .session_for(User::new("ada@example.com").claim("plan", "pro"))
        .issue();
    let session = validator.validate(&issued.session_jwt).await.unwrap();
    let expired = fake.session_for("ada@example.com").expired().issue();
    let refreshed = validator
        .validate_or_refresh(Some(&expired.session_jwt), Some(&expired.refresh_jwt))
        .await
        .unwrap();
    let parts: Vec<&str> = issued
        .session_jwt
        .split('.')
        .chain(expired.session_jwt.split('.'))
        .chain(expired.refresh_jwt.split('.'))
        .chain(refreshed.session().jwt().expose_secret().split('.'))
        .filter(|part| part.len() > 16)
        .collect();
    let mut printed = vec![
        format!("{session:?}"),
        format!("{refreshed:?}"),
        format!("{validator:?}"),
        format!("{:?}", SessionValidator::builder(&client(fake.base_url()))),
    ];
    let mut tampered = issued.session_jwt.clone();
    tampered.push('A');
    let with_kid = |kid: &str| {
        with_part(
            &issued.session_jwt,
            0,
            &b64(json!({"alg": "RS256", "kid": kid}).to_string()),
        )
    };
    for jwt in [
        tampered,
        issued.refresh_jwt.clone(),
        expired.session_jwt.clone(),
        with_kid(&issued.session_jwt),
        format!("{}{}", issued.session_jwt, "x".repeat(MAX_TOKEN_BYTES)),
    ] {
        let error = refusal(validator.validate(&jwt).await);
        printed.push(format!("{error:?}"));
        printed.push(error.to_string());
    }
    client(fake.base_url())
        .sessions()
        .logout(expired.refresh_jwt.as_str())
        .send()
        .await
        .unwrap();
    let refresh_error = validator
        .validate_or_refresh(Some(&expired.session_jwt), Some(&expired.refresh_jwt))
        .await
        .unwrap_err();
    printed.push(format!("{refresh_error:?}"));
    printed.push(refresh_error.to_string());
    for text in &printed {
        for part in &parts {
            assert!(!text.contains(part), "{text}");
        }
    }
    assert!(
        printed[0].contains("SessionJwt([REDACTED])"),
        "{}",
        printed[0]
    );
    assert!(
        printed[0].contains("\"plan\""),
        "claim names show: {}",
        printed[0]
    );
}

#[test]
fn the_validator_is_cheap_to_share_and_its_futures_are_send() {
    fn shared<T: Clone + Send + Sync + 'static>() {}
    shared::<SessionValidator>();
    shared::<ValidSession>();
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    error::<SessionError>();
    // A handler of a multi-threaded server awaits them.
    fn send<T: Send>(_: &T) {}
    let validator = client_of_nothing().session_validator();
    send(&validator.validate(""));
    send(&validator.validate_or_refresh(None, None));
    send(&validator.validate_tokens(&SessionTokens::default()));
    send(&validator.refresh_keys());
}

#[test]
fn the_public_key_comes_from_the_environment_as_the_sdks_read_it() {
    // Alone in a process of its own: it sets the environment.
    if !descope_testkit::process::alone(
        module_path!(),
        "the_public_key_comes_from_the_environment_as_the_sdks_read_it",
    ) {
        return;
    }
    let now = SystemTime::now();
    let signer = ec_signer();
    let jwt = signer.token(&claims_at(now));
    let from_env = || {
        SessionValidator::builder(&client_of_nothing())
            .public_key_from_env()
            .map(|builder| builder.clock(move || now).build().unwrap())
    };
    std::env::remove_var("DESCOPE_PUBLIC_KEY");
    // Unset: the keys would be read from Descope; none are cached yet.
    assert!(matches!(
        refusal(from_env().unwrap().validate_cached(&jwt)),
        SessionError::KeysUnavailable { cause: None }
    ));
    std::env::set_var("DESCOPE_PUBLIC_KEY", signer.jwk().to_string());
    from_env().unwrap().validate_cached(&jwt).unwrap();
    std::env::set_var("DESCOPE_PUBLIC_KEY", "{\"kty\": \"RSA\"}");
    let error = from_env().unwrap_err();
    assert_eq!(error.validation().unwrap().field(), Field::PublicKey);
}

#[tokio::test]
async fn once_the_key_is_cached_validate_is_ready_at_its_first_poll() {
    use std::future::Future as _;
    use std::task::{Context, Poll, Waker};

    let fake = fake(Signing::Rs256).await;
    let validator = following(&fake);
    let issued = fake.session_for("ada@example.com").issue();
    validator.validate(&issued.session_jwt).await.unwrap();
    let mut context = Context::from_waker(Waker::noop());
    let mut validation = std::pin::pin!(validator.validate(&issued.session_jwt));
    assert!(matches!(
        validation.as_mut().poll(&mut context),
        Poll::Ready(Ok(_))
    ));
    // A refusal that needs no key, too.
    let mut refused = std::pin::pin!(validator.validate("a.b"));
    assert!(matches!(
        refused.as_mut().poll(&mut context),
        Poll::Ready(Err(SessionError::Malformed { .. }))
    ));
}

mod arbitrary {
    //! Arbitrary text, and tokens of arbitrary headers and claims, through
    //! the fuzz target's check (`tooling::check_session_token`).

    use descope_ergonomic::tooling::check_session_token;
    use proptest::prelude::*;

    use super::b64;

    /// JSON-ish text: the characters JWT headers and claims are made of.
    fn jsonish() -> impl Strategy<Value = String> {
        prop_oneof![
            r#"\{("(alg|kid|typ|crit|jku|x5c|exp|iss|sub|drn|roles|tenants)":("[A-Za-z0-9_-]{0,12}"|-?[0-9]{1,20}|\[\]|\{\}|null|true),?){0,6}\}"#,
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_give_a_typed_refusal_never_a_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = check_session_token(&data);
        }

        #[test]
        fn tokens_of_arbitrary_headers_and_claims_give_a_typed_refusal(
            header in jsonish(),
            claims in jsonish(),
            signature in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            let jwt = format!("{}.{}.{}", b64(&header), b64(&claims), b64(&signature));
            // No valid signature can come of this: every one is refused.
            prop_assert!(check_session_token(jwt.as_bytes()).is_err());
        }
    }
}
