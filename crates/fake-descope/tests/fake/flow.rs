//! The whole flow against the fake, with its state: a link, its
//! verification (sessions validated with a JWT library of the ecosystem
//! against the fake's JWKS), a phone update by SMS, its verification, and
//! the tokens' once-only and expiry rules.

use std::time::{Duration, UNIX_EPOCH};

use descope_ergonomic::management::NewUser;
use descope_ergonomic::{DescopeClient, Error};
use descope_testkit::client::refresh_jwt;
use descope_testkit::credentials::{PROJECT, USER, USER_PHONE};
use fake_descope::FakeDescope;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::support::{client, fake, fake_builder};

/// The claims of `jwt` once its signature checks against the fake's JWKS.
async fn validated(fake: &FakeDescope, jwt: &str) -> Value {
    let url = format!("{}/v2/keys/{PROJECT}", fake.base_url());
    let jwks: JwkSet = reqwest::get(url).await.unwrap().json().await.unwrap();
    let kid = decode_header(jwt).unwrap().kid.expect("a kid");
    let key = DecodingKey::from_jwk(jwks.find(&kid).expect("the key is served")).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[PROJECT]);
    decode::<Value>(jwt, &key, &validation).unwrap().claims
}

fn api_status(error: &Error) -> (u16, String) {
    match error {
        Error::Api(api) => (api.status().as_u16(), api.code().to_string()),
        other => panic!("not an API error: {other}"),
    }
}

#[tokio::test]
async fn sign_in_verify_then_change_the_phone_by_sms() {
    let fake = fake().await;
    let client = client(&fake);
    let link = client
        .management()
        .users()
        .embedded_link(USER)
        .custom_claims(serde_json::json!({"plan": "pro"}))
        .send()
        .await
        .unwrap();
    let session = client
        .magic_link()
        .verify(link.token().expose_secret())
        .send()
        .await
        .unwrap();
    let user = session.user().expect("the user comes back").clone();
    assert_eq!(user.login_ids, [USER]);
    let claims = validated(&fake, session.session_jwt().expose_secret()).await;
    assert_eq!(claims["sub"], user.user_id.as_str());
    assert_eq!(claims["plan"], "pro", "the link's custom claims");
    assert!(format!("{session:?}").contains("[REDACTED]"));
    assert!(!format!("{session:?}").contains(session.session_jwt().expose_secret()));

    // The refresh JWT verify issued is the credential of the user's own call.
    let refresh = session.refresh_jwt().expect("a refresh JWT").clone();
    let new_phone = "+447700900123";
    client
        .magic_link()
        .update_phone_sms(refresh, USER, new_phone)
        .add_to_login_ids(true)
        .uri("https://app.example.com/verify")
        .send()
        .await
        .unwrap();
    let sms = fake.messages().pop().expect("an SMS was sent");
    assert_eq!(sms.to, new_phone);
    assert_eq!(
        sms.link,
        format!("https://app.example.com/verify?t={}", sms.token)
    );
    assert_eq!(
        fake.user(USER).unwrap().phone_number(),
        Some(USER_PHONE),
        "not before verify"
    );
    let verified = client.magic_link().verify(&sms.token).send().await.unwrap();
    let user = verified.user().unwrap();
    assert_eq!(user.phone.as_deref(), Some(new_phone));
    assert!(user.verified_phone);
    assert_eq!(user.login_ids, [USER, new_phone]);
    assert_eq!(
        fake.user(new_phone).unwrap().login_id(),
        USER,
        "later calls see it"
    );

    // Over the control API too.
    let url = format!("{}/_fake/messages", fake.base_url());
    let messages: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(messages[0]["token"], sms.token.as_str());
    assert_eq!(messages[0]["loginId"], USER);
}

#[tokio::test]
async fn a_token_verifies_once_and_expires() {
    let fake = fake().await;
    let client = client(&fake);
    let token = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap();
    let token = token.token().expose_secret().to_string();
    client.magic_link().verify(&token).send().await.unwrap();
    let again = client.magic_link().verify(&token).send().await.unwrap_err();
    assert_eq!(api_status(&again), (401, "E061102".into()));
    let unknown = client
        .magic_link()
        .verify("no-such-token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_status(&unknown).0, 401);

    let short = client
        .management()
        .users()
        .embedded_link(USER)
        .timeout(Duration::from_secs(1))
        .send()
        .await
        .unwrap();
    fake.advance_clock(Duration::from_secs(1));
    let expired = client
        .magic_link()
        .verify(short.token().expose_secret())
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_status(&expired).0, 401);
    assert_eq!(fake.pending_tokens(), 0, "used and expired tokens are gone");
}

#[tokio::test]
async fn concurrent_verifies_of_one_token_let_exactly_one_through() {
    let fake = fake().await;
    let client = client(&fake);
    let link = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap();
    let token = link.token().expose_secret().to_string();
    let attempts = (0..16).map(|_| {
        let client = client.clone();
        let token = token.clone();
        tokio::spawn(async move { client.magic_link().verify(token).send().await.is_ok() })
    });
    let mut succeeded = 0;
    for attempt in attempts {
        succeeded += usize::from(attempt.await.unwrap());
    }
    assert_eq!(succeeded, 1);
}

#[tokio::test]
async fn sign_up_creates_the_user_once() {
    let fake = fake().await;
    let client = client(&fake);
    let login_id = "grace@example.com";
    let link = client
        .management()
        .users()
        .embedded_link_signup(login_id)
        .user(NewUser::new().given_name("Grace").phone("+1 202 555 0199"))
        .email_verified(true)
        .send()
        .await
        .unwrap();
    assert_eq!(link.masked_phone(), Some("+1******0199"));
    let kept = fake.user(login_id).expect("created");
    assert_eq!(kept.phone_number(), Some("+12025550199"));
    let session = client
        .magic_link()
        .verify(link.token().expose_secret())
        .send()
        .await
        .unwrap();
    assert!(session.first_seen());
    assert_eq!(session.user().unwrap().given_name.as_deref(), Some("Grace"));
    let again = client
        .management()
        .users()
        .embedded_link_signup(login_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_status(&again), (409, "E062107".into()));

    // Bad input: a typed error, nothing sent, nothing created.
    let sent = fake.received().len();
    let refused = client
        .management()
        .users()
        .embedded_link_signup("lin@example.com")
        .user(NewUser::new().phone("call me"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)), "{refused}");
    assert_eq!(fake.received().len(), sent);
    assert!(fake.user("lin@example.com").is_none());
}

#[tokio::test]
async fn state_stays_within_its_bound() {
    let fake = FakeDescope::builder()
        .permissive(true)
        .max_kept(3)
        .start()
        .await;
    let client = client(&fake);
    for n in 0..5 {
        client
            .management()
            .users()
            .embedded_link(format!("user{n}@example.com"))
            .send()
            .await
            .unwrap();
    }
    let dropped = fake.dropped();
    assert_eq!((dropped.users, dropped.tokens), (2, 2));
    assert_eq!(fake.pending_tokens(), 3);
    assert!(fake.user("user0@example.com").is_none());
    assert!(fake.user("user4@example.com").is_some());
}

/// A link token for the test user, living `lifetime` (the fake's default
/// without one).
async fn link(client: &DescopeClient, lifetime: Option<u64>) -> String {
    let mut request = client.management().users().embedded_link(USER);
    if let Some(secs) = lifetime {
        request = request.timeout(Duration::from_secs(secs));
    }
    let link = request.send().await.unwrap();
    link.token().expose_secret().to_string()
}

/// A full token store loses its expired tokens before its oldest live one,
/// however soon after the last sweep a token expired. (The sweep used to run
/// at most once per quarter of the bound: in between, a live link was
/// dropped while an expired one stayed.)
#[tokio::test]
async fn a_full_token_store_drops_expired_tokens_before_live_ones() {
    let fake = fake_builder()
        .max_kept(4)
        .clock_at(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        .start()
        .await;
    let client = client(&fake);
    let oldest = link(&client, None).await;
    link(&client, Some(10)).await;
    link(&client, Some(20)).await;
    link(&client, None).await;
    // Expired at its expiry second exactly, the 10 s token makes room.
    fake.advance_clock(Duration::from_secs(10));
    link(&client, None).await;
    assert_eq!((fake.pending_tokens(), fake.dropped().tokens), (4, 0));
    // Right after that sweep, the 20 s token expires and makes room in turn.
    fake.advance_clock(Duration::from_secs(10));
    link(&client, None).await;
    assert_eq!((fake.pending_tokens(), fake.dropped().tokens), (4, 0));
    client.magic_link().verify(&oldest).send().await.unwrap();
}

/// While the store has room, an expired token stays until it is presented,
/// so the caller learns that it expired rather than that it is unknown.
#[tokio::test]
async fn with_room_an_expired_token_waits_to_be_refused_as_expired() {
    let fake = fake().await;
    let client = client(&fake);
    let short = link(&client, Some(1)).await;
    fake.advance_clock(Duration::from_secs(1));
    link(&client, None).await;
    assert_eq!(fake.pending_tokens(), 2, "no sweep below the bound");
    let refused = client.magic_link().verify(&short).send().await.unwrap_err();
    match &refused {
        Error::Api(api) => assert_eq!(
            (api.status().as_u16(), api.message()),
            (401, Some("The token expired"))
        ),
        other => panic!("not an API error: {other}"),
    }
    assert_eq!(fake.pending_tokens(), 1);
}

/// The outbox keeps the newest messages and counts those its bound dropped,
/// on the fake and in the control API's header; `DELETE /_fake/messages`
/// forgets the kept ones, which does not count as dropping them.
#[tokio::test]
async fn sent_messages_are_bounded_counted_and_cleared() {
    let fake = fake_builder().max_kept(1).start().await;
    let client = client(&fake);
    for phone in ["+12025550101", "+12025550102", "+12025550103"] {
        client
            .magic_link()
            .update_phone_sms(refresh_jwt(), USER, phone)
            .send()
            .await
            .unwrap();
    }
    let kept: Vec<String> = fake.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(
        (kept, fake.dropped().messages),
        (vec!["+12025550103".to_string()], 2)
    );
    let url = format!("{}/_fake/messages", fake.base_url());
    let http = reqwest::Client::new();
    let listed = http.get(&url).send().await.unwrap();
    assert_eq!(listed.headers()["x-fake-dropped"], "2");
    assert_eq!(
        listed
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let cleared = http.delete(&url).send().await.unwrap();
    assert_eq!(cleared.status().as_u16(), 200);
    assert!(fake.messages().is_empty(), "cleared");
    let listed = http.get(&url).send().await.unwrap();
    assert_eq!(
        listed.headers()["x-fake-dropped"],
        "2",
        "clearing drops nothing"
    );
    assert_eq!(listed.json::<Value>().await.unwrap(), Value::Array(vec![]));
}
