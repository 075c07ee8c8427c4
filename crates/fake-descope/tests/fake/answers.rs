//! The fake's answers through the ergonomic client: both operations'
//! successes and what the fake records of them, known, unknown and
//! late-added users, the permissive mode, and bad credentials as the client
//! reports them.

use std::time::Duration;

use descope_ergonomic::{DescopeClient, RefreshJwt};
use descope_spec::Operation;
use descope_testkit::client::{builder, refresh_jwt};
use descope_testkit::credentials::{
    AUTH_MANAGEMENT_KEY, MANAGEMENT_KEY, PROJECT, REFRESH_JWT, USER,
};
use fake_descope::mask_phone;

use crate::support::{client, fake, user_bearer, UPDATE_PHONE};

#[tokio::test]
async fn update_phone_succeeds_with_the_masked_number() {
    let fake = fake().await;
    let sent = client(&fake)
        .magic_link()
        .update_phone_sms(refresh_jwt(), USER, "+1 (202) 555-0123")
        .uri("https://app.example.com/verify")
        .add_to_login_ids(true)
        .template_option("appName", "Example")
        .send()
        .await
        .expect("the fake accepts the call");
    assert_eq!(sent.masked_phone(), "+1******0123");

    let [request] = fake.received().try_into().expect("one request");
    assert_eq!(
        request.endpoint,
        Some(Operation::UpdateUserPhoneMagicLinkSms)
    );
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, UPDATE_PHONE);
    assert_eq!(request.status, 200);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", user_bearer()).as_str())
    );
    assert_eq!(request.header("x-descope-sdk-name"), Some("rust"));
    assert_eq!(
        request.json().unwrap(),
        serde_json::json!({
            "loginId": USER,
            "phone": "+12025550123",
            "URI": "https://app.example.com/verify",
            "addToLoginIDs": true,
            "templateOptions": {"appName": "Example"},
        })
    );
}

#[tokio::test]
async fn update_phone_with_an_auth_management_key_succeeds() {
    let fake = fake().await;
    let client = builder(fake.base_url())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .build()
        .unwrap();
    let sent = client
        .magic_link()
        .update_phone_sms(refresh_jwt(), USER, "+447700900123")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.masked_phone(), mask_phone("+447700900123"));
    let request = &fake.received()[0];
    assert_eq!(
        request.header("authorization").unwrap(),
        format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}")
    );
}

#[tokio::test]
async fn embedded_links_are_fresh_tokens_with_masked_contacts() {
    let fake = fake().await;
    let client = client(&fake);
    let first = client
        .management()
        .users()
        .embedded_link(USER)
        .custom_claims(serde_json::json!({"plan": "pro", "seats": 5}))
        .timeout(Duration::from_secs(300))
        .send()
        .await
        .unwrap();
    let second = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap();
    let (a, b) = (
        first.token().expose_secret(),
        second.token().expose_secret(),
    );
    assert_eq!(a.len(), 43, "32 random bytes in base64url");
    assert_ne!(a, b);
    assert_eq!(first.masked_email(), Some("a***@example.com"));
    assert_eq!(first.masked_phone(), Some("+44******0123"));

    let received = fake.received_for(Operation::EmbeddedLinkSignin);
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].response["token"], a);
    assert_eq!(
        received[0].json().unwrap(),
        serde_json::json!({"loginId": USER, "customClaims": {"plan": "pro", "seats": 5}, "timeout": 300})
    );
}

#[tokio::test]
async fn an_unknown_user_is_not_found_unless_the_fake_is_permissive() {
    let fake = fake().await;
    let error = client(&fake)
        .management()
        .users()
        .embedded_link("bob@example.com")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.error_code(), Some("E062108"));

    let permissive = fake_descope::FakeDescope::builder()
        .permissive(true)
        .start()
        .await;
    let client = DescopeClient::builder()
        .project_id("Pany0000000000000000000000000")
        .management_key("any-management-key")
        .base_url(permissive.base_url())
        .build()
        .unwrap();
    let link = client
        .management()
        .users()
        .embedded_link("bob@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(link.masked_email(), Some("b***@example.com"));
}

#[tokio::test]
async fn users_added_later_are_found() {
    let fake = fake().await;
    fake.add_user("carol");
    let link = client(&fake)
        .management()
        .users()
        .embedded_link("carol")
        .send()
        .await
        .unwrap();
    assert_eq!(link.masked_email(), None);
    assert_eq!(link.masked_phone(), None);
}

#[tokio::test]
async fn bad_credentials_are_refused_with_401_or_403() {
    let fake = fake().await;
    let with = |project: &str, key: &str| {
        DescopeClient::builder()
            .project_id(project)
            .management_key(key)
            .base_url(fake.base_url())
            .build()
            .unwrap()
    };
    let error = with(PROJECT, "not-a-key")
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(error.error_code(), Some("E061004"));
    let error = with("Pother000000000000000000000", MANAGEMENT_KEY)
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    let error = with(PROJECT, REFRESH_JWT)
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(
        error.is_forbidden(),
        "a refresh JWT is not a management key: {error}"
    );

    let client = client(&fake);
    let unknown = RefreshJwt::new("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMiJ9.b3RoZXI").unwrap();
    let error = client
        .magic_link()
        .update_phone_sms(unknown, USER, "+12025550123")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    let key_as_jwt = RefreshJwt::new(MANAGEMENT_KEY).unwrap();
    let error = client
        .magic_link()
        .update_phone_sms(key_as_jwt, USER, "+12025550123")
        .send()
        .await
        .unwrap_err();
    assert!(
        error.is_forbidden(),
        "a management key is not a refresh JWT: {error}"
    );
    assert!(fake
        .received()
        .iter()
        .all(|r| r.status == 401 || r.status == 403));
    assert_eq!(fake.scripted(), 0);
}
