//! The whole flow against the fake, with its state: a link, its
//! verification (sessions validated with a JWT library of the ecosystem
//! against the fake's JWKS), a phone update by SMS, its verification, and
//! the tokens' once-only and expiry rules.

use std::time::Duration;

use descope_ergonomic::management::NewUser;
use descope_ergonomic::Error;
use descope_testkit::credentials::{PROJECT, USER, USER_PHONE};
use fake_descope::FakeDescope;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::support::{client, fake};

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
    tokio::time::sleep(Duration::from_millis(1100)).await;
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
