//! What each option puts on the wire, byte for byte where it matters.

mod common;

use common::*;
use descope_ergonomic::DescopeClient;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn update_phone_minimal_sends_only_the_required_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPDATE_PHONE)
                .header("authorization", user_authorization())
                .header("content-type", "application/json")
                .json_body(json!({"loginId": "ada@example.com", "phone": "+12025550123"}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"maskedPhone": "+1******0123"}));
        })
        .await;
    let sent = client(&server)
        .update_phone_magic_link_sms(jwt(), "ada@example.com", "+1 (202) 555-0123")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(sent.masked_phone(), "+1******0123");
}

#[tokio::test]
async fn update_phone_sends_every_option_under_its_wire_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(UPDATE_PHONE).json_body(json!({
                "loginId": "ada@example.com",
                "phone": "+447700900123",
                "URI": "https://app.example.com/verify?from=sms",
                "addToLoginIDs": true,
                "onMergeUseExisting": false,
                "providerId": "twilio-main",
                "templateId": "phone-change",
                "templateOptions": {"appName": "Example", "lang": "en"},
                "locale": "en-GB",
                "failOnConflict": true,
            }));
            then.status(200)
                .json_body(json!({"maskedPhone": "+44******123"}));
        })
        .await;
    client(&server)
        .update_phone_magic_link_sms(jwt(), "ada@example.com", "+44 7700 900123")
        .uri("https://app.example.com/verify?from=sms")
        .add_to_login_ids(true)
        .on_merge_use_existing(false)
        .provider_id("twilio-main")
        .template_id("phone-change")
        .template_option("appName", "Example")
        .template_options([("lang", "en")])
        .locale("en-GB")
        .fail_on_conflict(true)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn the_auth_management_key_is_the_third_part_of_the_user_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(UPDATE_PHONE).header(
                "authorization",
                format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}"),
            );
            then.status(200).json_body(json!({"maskedPhone": "+1***"}));
        })
        .await;
    builder(&server, Default::default())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .build()
        .unwrap()
        .update_phone_magic_link_sms(jwt(), "ada", "+12025550123")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn embedded_link_minimal_and_full() {
    let server = MockServer::start_async().await;
    let minimal = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(EMBEDDED_LINK)
                .header("authorization", management_authorization())
                .json_body(json!({"loginId": "ada@example.com"}));
            then.status(200).json_body(json!({"token": "tok-minimal"}));
        })
        .await;
    let full = server
        .mock_async(|when, then| {
            when.method(POST).path(EMBEDDED_LINK).json_body(json!({
                "loginId": "grace@example.com",
                "customClaims": {"plan": "pro", "seats": 5, "beta": true, "tags": ["a"], "org": {"id": 7}},
                "timeout": 0,
            }));
            then.status(200).json_body(json!({
                "token": "tok-full", "maskedEmail": "g***@example.com", "maskedPhone": "+1***"
            }));
        })
        .await;
    let client = client(&server);
    let link = client
        .embedded_link("ada@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(link.token().expose_secret(), "tok-minimal");
    assert_eq!(link.masked_email(), None);

    let link = client
        .embedded_link("grace@example.com")
        .custom_claims(
            json!({"plan": "pro", "seats": 5, "beta": true, "tags": ["a"], "org": {"id": 7}}),
        )
        .timeout(std::time::Duration::from_secs(0))
        .send()
        .await
        .unwrap();
    assert_eq!(link.token().expose_secret(), "tok-full");
    assert_eq!(link.masked_email(), Some("g***@example.com"));
    assert_eq!(link.masked_phone(), Some("+1***"));
    minimal.assert_async().await;
    full.assert_async().await;
}

#[tokio::test]
async fn every_request_carries_the_sdk_headers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .header("x-descope-sdk-name", "rust")
                .header("x-descope-sdk-version", env!("CARGO_PKG_VERSION"))
                .header("x-descope-project-id", PROJECT)
                .header_exists("x-descope-sdk-rust-version")
                .header(
                    "user-agent",
                    format!("descope-ergonomic/{} (rust)", env!("CARGO_PKG_VERSION")),
                )
                .header("content-type", "application/json")
                .header("accept", "application/json");
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    client(&server).embedded_link("ada").send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn clones_share_one_client_and_calls_run_concurrently() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    let client = client(&server);
    let calls = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.embedded_link(format!("user-{i}")).send().await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(mock.calls_async().await, 50);
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<DescopeClient>();
}

#[tokio::test]
async fn the_raw_escape_hatch_uses_the_same_pool_and_base_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .header("authorization", management_authorization())
                .header("x-descope-sdk-name", "rust");
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    let client = client(&server);
    let project = descope_ergonomic::ProjectId::new(PROJECT).unwrap();
    let key = descope_ergonomic::ManagementKey::new(MANAGEMENT_KEY).unwrap();
    let authorization =
        descope_ergonomic::ManagementAuthorization::new(&project, &key).header_value();
    client
        .raw(authorization)
        .embedded_link_signin()
        .body(descope_ergonomic::raw::types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
