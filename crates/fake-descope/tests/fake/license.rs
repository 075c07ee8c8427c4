//! The license handshake against the fake: it answers the tier it is told,
//! and its log shows what a client sends back, so a service can assert that
//! its management calls carry `x-descope-license`.

use descope_ergonomic::DescopeClient;
use descope_spec::Operation;
use descope_testkit::client::{builder_without_tier, call, refresh_jwt, Op, NEW_PHONE};
use descope_testkit::credentials::{MANAGEMENT_KEY, PROJECT, REFRESH_JWT, USER};
use descope_testkit::raw::send;
use fake_descope::{FakeDescope, Project, User};
use reqwest::Method;

/// A client that knows no tier, as a service's at start-up.
fn fresh_client(fake: &FakeDescope) -> DescopeClient {
    builder_without_tier(fake.base_url()).build().unwrap()
}

#[tokio::test]
async fn a_client_carries_the_tier_the_fake_is_told() {
    let fake = FakeDescope::builder()
        .project(
            Project::new(PROJECT)
                .management_key(MANAGEMENT_KEY)
                .refresh_jwt(REFRESH_JWT),
        )
        .user(User::new(USER))
        .rate_limit_tier("tier3")
        .start()
        .await;
    let client = fresh_client(&fake);
    call(&client, Op::EmbeddedLink).await.unwrap();
    call(&client, Op::EmbeddedLink).await.unwrap();
    client
        .magic_link()
        .update_phone_sms(refresh_jwt(), USER, NEW_PHONE)
        .send()
        .await
        .unwrap();

    let [handshake] = fake
        .received_for(Operation::GetLicense)
        .try_into()
        .expect("one handshake");
    assert_eq!(handshake.status, 200);
    assert_eq!(handshake.response["rateLimitTier"], "tier3");
    assert_eq!(handshake.header("x-descope-license"), None);
    let links = fake.received_for(Operation::EmbeddedLinkSignin);
    assert_eq!(links.len(), 2);
    assert!(links
        .iter()
        .all(|r| r.header("x-descope-license") == Some("tier3")));
    let [phone] = fake
        .received_for(Operation::UpdateUserPhoneMagicLinkSms)
        .try_into()
        .unwrap();
    assert_eq!(phone.header("x-descope-license"), None);

    // The control API shows the same, for services in other languages.
    let log = send(fake.base_url(), Method::GET, "/_fake/requests", &[], None).await;
    assert_eq!(log.status, 200);
    let sent: Vec<&str> = log
        .body
        .as_array()
        .expect("a list of requests")
        .iter()
        .filter_map(|r| r["headers"]["x-descope-license"].as_str())
        .collect();
    assert_eq!(sent, ["tier3", "tier3"], "{:?}", log.body);

    // A new tier reaches clients that read it afterwards.
    fake.set_rate_limit_tier("tier4");
    let later = fresh_client(&fake);
    call(&later, Op::EmbeddedLink).await.unwrap();
    let links = fake.received_for(Operation::EmbeddedLinkSignin);
    assert_eq!(links[2].header("x-descope-license"), Some("tier4"));
    assert_eq!(later.rate_limit_tier().as_deref(), Some("tier4"));
}

#[tokio::test]
async fn the_default_tier_is_the_free_one_and_a_broken_one_is_loud() {
    let fake = crate::support::fake().await;
    let client = fresh_client(&fake);
    assert_eq!(
        client
            .management()
            .license()
            .send()
            .await
            .unwrap()
            .rate_limit_tier(),
        "tier1"
    );
    // A tier the spec refuses is the fake's own answer breaking the spec: a
    // 500 that says so, and a client that goes on without the header.
    fake.set_rate_limit_tier("not a tier");
    let client = fresh_client(&fake);
    call(&client, Op::EmbeddedLink).await.unwrap();
    let handshakes = fake.received_for(Operation::GetLicense);
    let broken = handshakes.last().unwrap();
    assert_eq!(broken.status, 500);
    assert!(broken.response["errorMessage"]
        .as_str()
        .unwrap()
        .contains("breaks the spec"));
    let links = fake.received_for(Operation::EmbeddedLinkSignin);
    assert_eq!(links.last().unwrap().header("x-descope-license"), None);
}
