//! Verify and the sign-up link: what goes on the wire (typed and through
//! `send_json`), what comes back, what never prints, and what is refused
//! before anything is sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use descope_ergonomic::management::NewUser;
use descope_ergonomic::tooling::WireJson;
use descope_ergonomic::{Error, Field, Reason, RefreshJwt, Session};
use descope_spec::Operation;
use descope_testkit::credentials::{MANAGEMENT_KEY, PROJECT};
use httpmock::prelude::*;
use serde_json::{json, Value};

use crate::{catch_all, mock_client, refused};

const VERIFY: &str = Operation::VerifyMagicLink.path();
const SIGNUP: &str = Operation::EmbeddedLinkSignup.path();

const SESSION_JWT: &str = "eyJhbGciOiJFUzI1NiJ9.c2Vzc2lvbg.c2ln";
const ISSUED_REFRESH: &str = "eyJhbGciOiJFUzI1NiJ9.cmVmcmVzaA.c2ln";

fn session_body() -> Value {
    json!({
        "sessionJwt": SESSION_JWT,
        "refreshJwt": ISSUED_REFRESH,
        "cookieDomain": "example.com",
        "cookiePath": "/",
        "cookieMaxAge": 2419200,
        "cookieExpiration": 1767225600,
        "sessionExpiration": 1764634200,
        "firstSeen": true,
        "idpResponse": {"ignored": true},
        "user": {
            "loginIds": ["ada@example.com", "+12025550123"],
            "userId": "U1",
            "name": "Ada", "givenName": "Ada", "middleName": "King", "familyName": "Lovelace",
            "email": "ada@example.com", "phone": "+12025550123",
            "verifiedEmail": true, "verifiedPhone": false,
            "status": "enabled", "createdTime": 1764000000
        }
    })
}

async fn verify_mock<'s>(server: &'s MockServer, token: &str) -> httpmock::Mock<'s> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(VERIFY)
                .header("authorization", format!("Bearer {PROJECT}"))
                .json_body(json!({"token": token}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(session_body());
        })
        .await
}

/// A verify of `token` by a client of `server`.
async fn verify(server: &MockServer, token: &str) -> Result<Session, Error> {
    mock_client(server).magic_link().verify(token).send().await
}

#[tokio::test]
async fn verify_sends_the_token_with_the_project_id_alone_and_hands_back_the_session() {
    let server = MockServer::start_async().await;
    let mock = verify_mock(&server, "tok-1").await;
    let session = verify(&server, "tok-1").await.unwrap();
    mock.assert_async().await;
    assert_eq!(session.session_jwt().expose_secret(), SESSION_JWT);
    let refresh: &RefreshJwt = session.refresh_jwt().unwrap();
    assert_eq!(refresh.expose_secret(), ISSUED_REFRESH);
    assert_eq!(session.session_expiration(), Some(unix(1764634200)));
    assert!(session.first_seen());
    let cookie = session.cookie();
    assert_eq!(cookie.domain.as_deref(), Some("example.com"));
    assert_eq!(cookie.path.as_deref(), Some("/"));
    assert_eq!(
        (cookie.max_age, cookie.expiration),
        (Some(Duration::from_secs(2419200)), Some(unix(1767225600)))
    );
    let user = session.user().unwrap();
    assert_eq!(user.user_id, "U1");
    assert_eq!(user.login_ids, ["ada@example.com", "+12025550123"]);
    assert_eq!(
        (
            user.name.as_deref(),
            user.given_name.as_deref(),
            user.middle_name.as_deref(),
            user.family_name.as_deref()
        ),
        (Some("Ada"), Some("Ada"), Some("King"), Some("Lovelace"))
    );
    assert_eq!(
        (user.email.as_deref(), user.phone.as_deref()),
        (Some("ada@example.com"), Some("+12025550123"))
    );
    assert_eq!((user.verified_email, user.verified_phone), (true, false));
    assert_eq!(
        (user.status.as_deref(), user.created_time),
        (Some("enabled"), Some(unix(1764000000)))
    );
    let printed = format!("{session:?}");
    for secret in [SESSION_JWT, ISSUED_REFRESH] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("SessionJwt([REDACTED])"), "{printed}");
}

#[tokio::test]
async fn verify_through_send_json_sends_the_same_token() {
    let server = MockServer::start_async().await;
    let mock = verify_mock(&server, "tok-2").await;
    let answer = mock_client(&server)
        .send_json(Operation::VerifyMagicLink, None, json!({"token": "tok-2"}))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer["sessionJwt"], SESSION_JWT);
    assert_eq!(answer["user"]["userId"], "U1");
}

#[tokio::test]
async fn bad_tokens_and_bodies_are_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = mock_client(&server);
    for (token, reason) in [
        ("", Reason::Empty),
        ("a b", Reason::InvalidCharacter),
        ("a\nb", Reason::ControlCharacter),
    ] {
        let request = client.magic_link().verify(token);
        assert!(!format!("{request:?}").contains(token) || token.is_empty());
        assert_eq!(
            refused(request.send().await),
            (Field::Token, reason),
            "{token:?}"
        );
    }
    let printed = format!("{:?}", client.magic_link().verify("secret-token"));
    assert!(
        !printed.contains("secret-token") && printed.contains("[REDACTED]"),
        "{printed}"
    );
    let unreadable = client
        .send_json(Operation::VerifyMagicLink, None, json!({"token": 5}))
        .await
        .unwrap_err();
    assert!(
        matches!(unreadable, Error::Validation(ref v) if v.field() == Field::Request("body")),
        "{unreadable}"
    );
    let missing = client
        .send_json(Operation::UpdateUserPhoneMagicLinkSms, None, json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, Error::Validation(ref v) if v.field() == Field::RefreshJwt),
        "{missing}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_sign_up_link_sends_every_field_under_its_wire_name() {
    let server = MockServer::start_async().await;
    let everything = json!({
        "loginId": "grace@example.com",
        "user": {
            "name": "Grace Hopper", "givenName": "Grace", "middleName": "Brewster",
            "familyName": "Hopper", "phone": "+12025550199", "email": "grace@example.com"
        },
        "emailVerified": true,
        "phoneVerified": false,
        "loginOptions": {
            "stepup": true, "mfa": false, "customClaims": {"plan": "pro"},
            "templateOptions": {"appName": "Example"}, "templateId": "welcome"
        },
        "timeout": 600
    });
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(SIGNUP)
                .header(
                    "authorization",
                    format!("Bearer {PROJECT}:{MANAGEMENT_KEY}"),
                )
                .json_body(everything.clone());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"token": "signup-token", "maskedEmail": "g***@example.com"}));
        })
        .await;
    let client = mock_client(&server);
    let link = client
        .management()
        .users()
        .embedded_link_signup("grace@example.com")
        .user(
            NewUser::new()
                .name("Grace Hopper")
                .given_name("Grace")
                .middle_name("Brewster")
                .family_name("Hopper")
                .phone("+1 (202) 555-0199")
                .email("grace@example.com"),
        )
        .email_verified(true)
        .phone_verified(false)
        .stepup(true)
        .mfa(false)
        .custom_claims(json!({"plan": "pro"}))
        .template_option("appName", "Example")
        .template_id("welcome")
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .unwrap();
    assert_eq!(link.token().expose_secret(), "signup-token");
    assert_eq!(link.masked_email(), Some("g***@example.com"));
    // The same body as data, through send_json.
    let answer = client
        .send_json(Operation::EmbeddedLinkSignup, None, everything.clone())
        .await
        .unwrap();
    assert_eq!(answer["token"], "signup-token");
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn sign_up_inputs_are_checked_field_by_field() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = mock_client(&server);
    let signup = || client.management().users().embedded_link_signup("a");
    let cases = [
        (
            client.management().users().embedded_link_signup(""),
            (Field::LoginId, Reason::Empty),
        ),
        (
            signup().user(NewUser::new().phone("call me")),
            (Field::Phone, Reason::NotE164),
        ),
        (
            signup().user(NewUser::new().email(" ")),
            (Field::Request("user.email"), Reason::Empty),
        ),
        (
            signup().user(NewUser::new().name("a\nb")),
            (Field::Request("user.name"), Reason::ControlCharacter),
        ),
        (
            signup().user(NewUser::new().given_name(" ")),
            (Field::Request("user.givenName"), Reason::Empty),
        ),
        (
            signup().user(NewUser::new().middle_name(" ")),
            (Field::Request("user.middleName"), Reason::Empty),
        ),
        (
            signup().user(NewUser::new().family_name(" ")),
            (Field::Request("user.familyName"), Reason::Empty),
        ),
        (
            signup().template_id(" "),
            (Field::TemplateId, Reason::Empty),
        ),
        (
            signup().template_option("a\nb", "x"),
            (Field::TemplateOptions, Reason::ControlCharacter),
        ),
        (
            signup().custom_claims(json!([1])),
            (Field::CustomClaims, Reason::NotAnObject),
        ),
        (
            signup().timeout(std::time::Duration::from_secs(1u64 << 31)),
            (Field::LinkTimeout, Reason::OutOfRange),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(refused(request.send().await), expected);
    }
    // Empty claims and no template values stay off the wire.
    let body = signup()
        .custom_claims(json!({}))
        .stepup(false)
        .wire_json()
        .unwrap();
    assert_eq!(
        body,
        json!({"loginId": "a", "loginOptions": {"stepup": false}})
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_bare_session_has_no_refresh_jwt_user_or_first_sign_in() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(VERIFY);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"sessionJwt": SESSION_JWT}));
        })
        .await;
    let session = verify(&server, "tok").await.unwrap();
    assert!(!session.first_seen());
    assert!(session.refresh_jwt().is_none());
    assert!(session.user().is_none());
    assert_eq!(session.session_expiration(), None);
}

/// Unix seconds as a time.
fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}
