//! Requests shaped as Descope's official SDKs send them (Go, Node, Python):
//! their headers, their explicit `false`s, `null`s and zeros, the `URI`
//! field and the three-part bearer are all accepted, and so is the license
//! handshake.

use descope_spec::Operation;
use descope_testkit::credentials::{AUTH_MANAGEMENT_KEY, PROJECT, USER};
use descope_testkit::raw::{send, Answer};
use fake_descope::{mask_phone, FakeDescope, Reply};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fake, management_bearer, user_bearer, EMBEDDED_LINK, UPDATE_PHONE};

const LICENSE: &str = Operation::GetLicense.path();

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
    fake: &FakeDescope,
    sdk: &'static str,
    path: &str,
    bearer: &str,
    body: Value,
) -> Answer {
    let authorization = format!("Bearer {bearer}");
    let mut headers = sdk_headers(sdk);
    headers.push(("authorization", &authorization));
    send(
        fake.base_url(),
        Method::POST,
        path,
        &headers,
        Some(&body.to_string()),
    )
    .await
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
        assert_eq!(answer.body["maskedPhone"], mask_phone(phone));
    }
}

/// A GET of the license call, with `authorization` as its only header.
async fn license(fake: &FakeDescope, authorization: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = authorization
        .map(|value| ("authorization", value))
        .into_iter()
        .collect();
    send(fake.base_url(), Method::GET, LICENSE, &headers, None).await
}

/// The license call the SDKs make before the others (Python's handshake):
/// answered for a management key and nothing else, whatever is scripted for
/// the operations; the tier the later calls carry back is no problem.
#[tokio::test]
async fn the_license_handshake_answers_a_management_key_and_ignores_scripts() {
    let fake = fake().await;
    let authorization = format!("Bearer {}", management_bearer());
    // Python's handshake sends nothing but the Authorization header.
    let answer = license(&fake, Some(&authorization)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["rateLimitTier"], "tier1", "{:?}", answer.body);
    let answer = license(&fake, None).await;
    answer.assert_descope_error(401, "E061004");
    // Later calls carry the tier back; the fake does not mind.
    let mut headers = sdk_headers("python");
    headers.push(("authorization", &authorization));
    headers.push(("x-descope-license", "tier1"));
    let body = json!({"loginId": USER, "customClaims": null, "timeout": 0}).to_string();
    let answer = send(
        fake.base_url(),
        Method::POST,
        EMBEDDED_LINK,
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    fake.script(Reply::unavailable());
    let answer = license(&fake, Some(&authorization)).await;
    assert_eq!(
        answer.status, 200,
        "scripts for the operations leave the license call alone"
    );
    assert_eq!(fake.scripted(), 1);
    assert_eq!(fake.received_for(Operation::GetLicense).len(), 3);
}
