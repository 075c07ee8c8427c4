//! The ergonomic client against the fake, for every kind of exchange: both
//! successes, each scripted error, rate limits, retried 503s, delays and bad
//! credentials.

mod common;

use descope_spec::Operation;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use descope_ergonomic::{DescopeClient, Error, RefreshJwt};
use fake_descope::{mask_phone, Endpoint, Reply};

fn status(error: &Error) -> u16 {
    error.status().map(|s| s.as_u16()).unwrap_or_default()
}

#[tokio::test]
async fn update_phone_succeeds_with_the_masked_number() {
    let fake = fake().await;
    let sent = client(&fake)
        .update_phone_magic_link_sms(jwt(), USER, "+1 (202) 555-0123")
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
        Some(Endpoint::Operation(Operation::UpdateUserPhoneMagicLinkSms))
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
    let client = builder(&fake, Arc::default())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .build()
        .unwrap();
    let sent = client
        .update_phone_magic_link_sms(jwt(), USER, "+447700900123")
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
        .embedded_link(USER)
        .custom_claims(serde_json::json!({"plan": "pro", "seats": 5}))
        .timeout_secs(300)
        .send()
        .await
        .unwrap();
    let second = client.embedded_link(USER).send().await.unwrap();
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
    let link = client(&fake).embedded_link("carol").send().await.unwrap();
    assert_eq!(link.masked_email(), None);
    assert_eq!(link.masked_phone(), None);
}

#[tokio::test]
async fn scripted_errors_reach_the_caller_typed() {
    let fake = fake().await;
    let client = client(&fake);
    let cases = [
        (
            Reply::error(400, "E011003").message("The phone number cannot receive SMS"),
            400,
            "E011003",
        ),
        (Reply::error(401, "E061004"), 401, "E061004"),
        (Reply::error(403, "E061006"), 403, "E061006"),
        (Reply::user_not_found(), 404, "E062108"),
        (Reply::error(500, "E000000"), 500, "E000000"),
    ];
    for (reply, want_status, want_code) in cases {
        fake.script(reply.clone());
        let error = client
            .update_phone_magic_link_sms(jwt(), USER, "+12025550123")
            .send()
            .await
            .unwrap_err();
        assert_eq!(status(&error), want_status, "{error}");
        assert_eq!(error.error_code(), Some(want_code));
        fake.script(reply);
        let error = client.embedded_link(USER).send().await.unwrap_err();
        assert_eq!(status(&error), want_status, "{error}");
        assert_eq!(error.error_code(), Some(want_code));
    }
    assert_eq!(fake.scripted(), 0);
    assert_eq!(fake.received().len(), 10, "no scripted error is retried");
}

#[tokio::test]
async fn a_rate_limit_reports_its_retry_after() {
    let fake = fake().await;
    let client = client(&fake);
    fake.script(Reply::rate_limited().retry_after(7));
    let error = client.embedded_link(USER).send().await.unwrap_err();
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.error_code(), Some("E130429"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(fake.received()[0].status, 429);

    fake.script(Reply::error(429, "E170429"));
    let error = client.embedded_link(USER).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), None);
    assert_eq!(fake.received().len(), 2, "a 429 is not retried");
}

#[tokio::test]
async fn a_burst_of_503_is_retried_until_it_passes() {
    let fake = fake().await;
    let sleeps = Arc::new(common::NoWait::default());
    let client = builder(&fake, sleeps.clone()).build().unwrap();
    fake.script(Reply::unavailable().times(3));
    let sent = client
        .update_phone_magic_link_sms(jwt(), USER, "+12025550123")
        .send()
        .await
        .expect("the fourth attempt succeeds");
    assert_eq!(sent.masked_phone(), "+1******0123");
    let statuses: Vec<u16> = fake.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 503, 200]);
    assert_eq!(
        sleeps.taken(),
        [
            Duration::from_millis(100),
            Duration::from_secs(5),
            Duration::from_secs(5)
        ]
    );

    fake.clear_received();
    fake.script(
        Reply::unavailable()
            .times(4)
            .on(Operation::EmbeddedLinkSignin),
    );
    let error = client.embedded_link(USER).send().await.unwrap_err();
    assert_eq!(status(&error), 503);
    assert_eq!(fake.received().len(), 4, "three retries, then the error");
}

#[tokio::test]
async fn a_script_for_one_endpoint_leaves_the_other_alone() {
    let fake = fake().await;
    let client = client(&fake);
    fake.script(Reply::error(500, "E000000").on(Operation::EmbeddedLinkSignin));
    client
        .update_phone_magic_link_sms(jwt(), USER, "+12025550123")
        .send()
        .await
        .expect("not the scripted endpoint");
    assert_eq!(fake.scripted(), 1);
    assert!(client.embedded_link(USER).send().await.is_err());
    assert_eq!(fake.scripted(), 0);
}

#[tokio::test]
async fn a_delay_holds_the_answer_and_can_outlast_the_client() {
    let fake = fake().await;
    fake.script(Reply::normal().after(Duration::from_millis(300)));
    let started = std::time::Instant::now();
    client(&fake).embedded_link(USER).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let impatient = builder(&fake, Arc::default())
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    fake.script(Reply::normal().after(Duration::from_secs(2)));
    let error = impatient.embedded_link(USER).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(
        fake.received().len(),
        2,
        "the abandoned request is still recorded"
    );
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
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(error.error_code(), Some("E061004"));
    let error = with("Pother000000000000000000000", MANAGEMENT_KEY)
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    let error = with(PROJECT, REFRESH_JWT)
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
        .update_phone_magic_link_sms(unknown, USER, "+12025550123")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    let key_as_jwt = RefreshJwt::new(MANAGEMENT_KEY).unwrap();
    let error = client
        .update_phone_magic_link_sms(key_as_jwt, USER, "+12025550123")
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
