//! Requests shaped as Descope's official SDKs send them (Go, Node, Python):
//! their headers, their explicit `false`s, `null`s and zeros, the `URI`
//! field and the three-part bearer are all accepted.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// The identification headers an official SDK sends besides auth.
fn sdk_headers(name: &'static str) -> Vec<(&'static str, &'static str)> {
    let language_version = match name {
        "golang" => ("x-descope-sdk-go-version", "go1.23.4"),
        "nodejs" => ("x-descope-sdk-node-version", "20.20.2"),
        _ => ("x-descope-sdk-python-version", "3.11.7"),
    };
    vec![
        ("content-type", "application/json"),
        ("x-descope-sdk-name", name),
        ("x-descope-sdk-version", "2.13.0"),
        ("x-descope-project-id", PROJECT),
        language_version,
    ]
}

async fn sdk_post(
    fake: &fake_descope::FakeDescope,
    sdk: &'static str,
    path: &str,
    bearer: &str,
    body: Value,
) -> Answer {
    let authorization = format!("Bearer {bearer}");
    let mut headers = sdk_headers(sdk);
    headers.push(("authorization", &authorization));
    send(fake, Method::POST, path, &headers, Some(&body.to_string())).await
}

#[tokio::test]
async fn embedded_link_bodies_of_each_sdk_are_accepted() {
    let fake = fake().await;
    let m = management_bearer();
    let cases = [
        (
            "golang",
            json!({"loginId": USER, "customClaims": null, "timeout": 0}),
        ),
        (
            "golang",
            json!({"loginId": USER, "customClaims": {"plan": "pro", "seats": 5, "beta": true}, "timeout": 300}),
        ),
        ("nodejs", json!({"loginId": USER})),
        (
            "nodejs",
            json!({"loginId": USER, "customClaims": {"tags": ["a"], "nested": {"x": 1.5}}, "timeout": 60}),
        ),
        (
            "python",
            json!({"loginId": USER, "customClaims": null, "timeout": 0}),
        ),
    ];
    for (sdk, body) in cases {
        let answer = sdk_post(&fake, sdk, EMBEDDED_LINK, &m, body.clone()).await;
        assert_eq!(answer.status, 200, "{sdk} {body}: {:?}", answer.body);
        assert!(answer.body["token"].as_str().is_some_and(|t| t.len() == 43));
    }
}

#[tokio::test]
async fn update_phone_bodies_of_each_sdk_are_accepted() {
    let fake = fake().await;
    let u = user_bearer();
    let three_parts = format!("{u}:{AUTH_MANAGEMENT_KEY}");
    let cases = [
        (
            "golang",
            &u,
            json!({"loginId": USER, "phone": "+12025550123"}),
        ),
        (
            "golang",
            &three_parts,
            json!({
                "loginId": USER, "phone": "+12025550123", "URI": "https://app.example.com/verify",
                "addToLoginIDs": true, "onMergeUseExisting": true, "providerId": "p",
                "templateId": "t", "templateOptions": {"k": "v"}, "locale": "en-GB", "failOnConflict": false,
            }),
        ),
        (
            "nodejs",
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "URI": "http://localhost:3000/verify"}),
        ),
        (
            "nodejs",
            &three_parts,
            json!({"loginId": USER, "phone": "+972541234567", "addToLoginIDs": true}),
        ),
        (
            "python",
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "addToLoginIDs": false, "onMergeUseExisting": false}),
        ),
        (
            "python",
            &three_parts,
            json!({
                "loginId": USER, "phone": "+12025550123", "addToLoginIDs": false, "onMergeUseExisting": false,
                "templateOptions": {"name": "Ada"}, "templateId": "t", "providerId": "p",
            }),
        ),
    ];
    for (sdk, bearer, body) in cases {
        let answer = sdk_post(&fake, sdk, UPDATE_PHONE, bearer, body.clone()).await;
        assert_eq!(answer.status, 200, "{sdk} {body}: {:?}", answer.body);
        let phone = body["phone"].as_str().unwrap();
        assert_eq!(answer.body["maskedPhone"], fake_descope::mask_phone(phone));
    }
}

#[tokio::test]
async fn the_python_license_handshake_is_answered() {
    // Python's handshake sends nothing but the Authorization header.
    let fake = fake().await;
    let authorization = format!("Bearer {}", management_bearer());
    let answer = send(
        &fake,
        Method::GET,
        "/v1/mgmt/license",
        &[("authorization", &authorization)],
        None,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["rateLimitTier"], "free");
    // Later calls carry the tier back; the fake does not mind.
    let mut headers = sdk_headers("python");
    headers.push(("authorization", &authorization));
    headers.push(("x-descope-license", "free"));
    let body = json!({"loginId": USER, "customClaims": null, "timeout": 0}).to_string();
    let answer = send(&fake, Method::POST, EMBEDDED_LINK, &headers, Some(&body)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}
