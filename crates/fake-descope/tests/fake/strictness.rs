//! Raw requests: the fake refuses what Descope refuses, with Descope's error
//! body and status, and never a bare 404 for the two operations.

use descope_spec::{Operation, Spec};
use descope_testkit::credentials::{MANAGEMENT_KEY, PROJECT, USER};
use descope_testkit::raw::{post, send};
use fake_descope::Reply;
use reqwest::Method;
use serde_json::json;

use crate::support::{fake, management_bearer, user_bearer, EMBEDDED_LINK, UPDATE_PHONE};

const JSON: (&str, &str) = ("content-type", "application/json");

fn auth(bearer: &str) -> String {
    format!("Bearer {bearer}")
}

#[tokio::test]
async fn missing_or_malformed_authorization_is_401() {
    let fake = fake().await;
    let body = json!({"loginId": USER}).to_string();
    let bearer_without_key = auth(PROJECT);
    let basic = format!("Basic {}", management_bearer());
    let empty_key = auth(&format!("{PROJECT}:"));
    let three_parts = auth(&format!("{}:extra", management_bearer()));
    let cases: [&[(&str, &str)]; 5] = [
        &[JSON],
        &[JSON, ("authorization", &bearer_without_key)],
        &[JSON, ("authorization", &basic)],
        &[JSON, ("authorization", &empty_key)],
        &[JSON, ("authorization", &three_parts)],
    ];
    for headers in cases {
        let answer = send(
            fake.base_url(),
            Method::POST,
            EMBEDDED_LINK,
            headers,
            Some(&body),
        )
        .await;
        answer.assert_descope_error(401, "E061004");
    }
    let answer = send(
        fake.base_url(),
        Method::POST,
        UPDATE_PHONE,
        &[JSON],
        Some("{}"),
    )
    .await;
    answer.assert_descope_error(401, "E061004");
}

#[tokio::test]
async fn unknown_projects_and_secrets_are_401_and_wrong_kinds_403() {
    let fake = fake().await;
    let link = json!({"loginId": USER});
    let phone = json!({"loginId": USER, "phone": "+12025550123"});
    let other_project = format!("Pother0000000000000000000000:{MANAGEMENT_KEY}");
    post(fake.base_url(), EMBEDDED_LINK, &other_project, &link)
        .await
        .assert_descope_error(401, "E061004");
    let unknown_key = format!("{PROJECT}:K-unknown");
    post(fake.base_url(), EMBEDDED_LINK, &unknown_key, &link)
        .await
        .assert_descope_error(401, "E061004");
    let unknown_jwt = format!("{PROJECT}:aaa.bbb.ccc");
    post(fake.base_url(), UPDATE_PHONE, &unknown_jwt, &phone)
        .await
        .assert_descope_error(401, "E061004");
    let unknown_auth_key = format!("{}:AMK-unknown", user_bearer());
    post(fake.base_url(), UPDATE_PHONE, &unknown_auth_key, &phone)
        .await
        .assert_descope_error(401, "E061004");
    post(fake.base_url(), EMBEDDED_LINK, &user_bearer(), &link)
        .await
        .assert_descope_error(403, "E061006");
    post(fake.base_url(), UPDATE_PHONE, &management_bearer(), &phone)
        .await
        .assert_descope_error(403, "E061006");
}

#[tokio::test]
async fn refusals_never_repeat_the_secret() {
    let fake = fake().await;
    let answer = post(
        fake.base_url(),
        EMBEDDED_LINK,
        &format!("{PROJECT}:K-very-secret"),
        &json!({"loginId": USER}),
    )
    .await;
    assert!(
        !answer.body.to_string().contains("K-very-secret"),
        "{:?}",
        answer.body
    );
}

#[tokio::test]
async fn bodies_are_checked_against_the_spec() {
    let fake = fake().await;
    let m = management_bearer();
    let u = user_bearer();
    let cases = [
        (EMBEDDED_LINK, &m, json!({}), "E011002"),
        (EMBEDDED_LINK, &m, json!({"loginId": null}), "E011002"),
        (EMBEDDED_LINK, &m, json!({"loginId": ""}), "E011003"),
        (EMBEDDED_LINK, &m, json!({"loginId": 7}), "E011003"),
        (
            EMBEDDED_LINK,
            &m,
            json!({"loginId": USER, "loginID": USER}),
            "E011003",
        ),
        (
            EMBEDDED_LINK,
            &m,
            json!({"loginId": USER, "timeout": -1}),
            "E011003",
        ),
        (
            EMBEDDED_LINK,
            &m,
            json!({"loginId": USER, "timeout": "300"}),
            "E011003",
        ),
        (
            EMBEDDED_LINK,
            &m,
            json!({"loginId": USER, "customClaims": ["x"]}),
            "E011003",
        ),
        (EMBEDDED_LINK, &m, json!([USER]), "E011003"),
        (UPDATE_PHONE, &u, json!({"loginId": USER}), "E011002"),
        (
            UPDATE_PHONE,
            &u,
            json!({"phone": "+12025550123"}),
            "E011002",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "2025550123"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+1 202 555 0123"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "redirectUrl": "https://a.example"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "URI": "/relative"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "URI": "https://a.example/#x"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "addToLoginIDs": "yes"}),
            "E011003",
        ),
        (
            UPDATE_PHONE,
            &u,
            json!({"loginId": USER, "phone": "+12025550123", "templateOptions": {"n": 1}}),
            "E011003",
        ),
    ];
    for (path, bearer, body, code) in cases {
        let answer = post(fake.base_url(), path, bearer, &body).await;
        assert_eq!(answer.code(), code, "{path} {body}: {:?}", answer.body);
        answer.assert_descope_error(400, code);
    }
}

#[tokio::test]
async fn the_body_must_be_json_and_say_so() {
    let fake = fake().await;
    let authorization = auth(&management_bearer());
    let body = json!({"loginId": USER}).to_string();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("authorization", &authorization)], &body),
        (
            &[
                ("authorization", &authorization),
                ("content-type", "text/plain"),
            ],
            &body,
        ),
        (
            &[
                ("authorization", &authorization),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "loginId=ada",
        ),
        (&[("authorization", &authorization), JSON], "{\"loginId\": "),
    ];
    for (headers, body) in cases {
        let answer = send(
            fake.base_url(),
            Method::POST,
            EMBEDDED_LINK,
            headers,
            Some(body),
        )
        .await;
        answer.assert_descope_error(400, "E011001");
    }
    let with_charset = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json; charset=utf-8"),
    ];
    let answer = send(
        fake.base_url(),
        Method::POST,
        EMBEDDED_LINK,
        &with_charset,
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

#[tokio::test]
async fn wrong_methods_and_unknown_paths_get_descope_bodies() {
    let fake = fake().await;
    let authorization = auth(&management_bearer());
    let answer = send(
        fake.base_url(),
        Method::GET,
        EMBEDDED_LINK,
        &[("authorization", &authorization)],
        None,
    )
    .await;
    answer.assert_descope_error(405, "E011001");
    assert_eq!(answer.headers["allow"], "POST");
    let answer = send(
        fake.base_url(),
        Method::PUT,
        UPDATE_PHONE,
        &[JSON],
        Some("{}"),
    )
    .await;
    answer.assert_descope_error(405, "E011001");
    let answer = post(
        fake.base_url(),
        "/v1/auth/magiclink/update/phone",
        &user_bearer(),
        &json!({}),
    )
    .await;
    answer.assert_descope_error(404, "E011404");
    assert!(answer.body["errorMessage"]
        .as_str()
        .unwrap()
        .contains(UPDATE_PHONE));
}

#[tokio::test]
async fn every_answer_is_valid_against_the_spec() {
    let fake = fake().await;
    let spec = Spec::embedded();
    fake.script(
        Reply::rate_limited()
            .retry_after(3)
            .on(Operation::UpdateUserPhoneMagicLinkSms),
    );
    let phone = json!({"loginId": USER, "phone": "+12025550123"});
    let answers = [
        post(
            fake.base_url(),
            EMBEDDED_LINK,
            &management_bearer(),
            &json!({"loginId": USER}),
        )
        .await,
        post(
            fake.base_url(),
            EMBEDDED_LINK,
            &management_bearer(),
            &json!({"loginId": "nobody"}),
        )
        .await,
        post(fake.base_url(), EMBEDDED_LINK, "P:x", &json!({})).await,
        post(fake.base_url(), UPDATE_PHONE, &user_bearer(), &phone).await,
        post(fake.base_url(), UPDATE_PHONE, &user_bearer(), &phone).await,
        post(
            fake.base_url(),
            UPDATE_PHONE,
            &user_bearer(),
            &json!({"phone": 1}),
        )
        .await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 404, 401, 429, 200, 400]);
    assert_eq!(answers[3].headers["retry-after"], "3");
    let ops = [
        Operation::EmbeddedLinkSignin,
        Operation::EmbeddedLinkSignin,
        Operation::EmbeddedLinkSignin,
        Operation::UpdateUserPhoneMagicLinkSms,
        Operation::UpdateUserPhoneMagicLinkSms,
        Operation::UpdateUserPhoneMagicLinkSms,
    ];
    for (answer, op) in answers.iter().zip(ops) {
        let operation = spec.operation(op.id()).unwrap();
        let problems = operation
            .validate_response(answer.status, &answer.body)
            .unwrap()
            .expect("a declared JSON body");
        assert!(problems.is_empty(), "{op} {}: {problems:?}", answer.status);
        assert_eq!(answer.headers["content-type"], "application/json");
    }
}

/// The request-body cap: 1 MiB unless set, a larger body answered 413 with
/// Descope's error body, the fake still serving afterwards.
#[tokio::test]
async fn a_body_over_the_cap_is_413_with_a_descope_error() {
    assert_eq!(fake_descope::DEFAULT_MAX_REQUEST_BYTES, 1024 * 1024);
    let fake = fake_descope::FakeDescope::builder()
        .project(fake_descope::Project::new(PROJECT).management_key(MANAGEMENT_KEY))
        .user(USER)
        .max_request_bytes(64)
        .start()
        .await;
    let authorization = auth(&management_bearer());
    let headers = [JSON, ("authorization", authorization.as_str())];
    // Exactly at the cap: read, and judged on its content (a padded login id).
    let at_cap = json!({"loginId": "u".repeat(64 - 14)}).to_string();
    assert_eq!(at_cap.len(), 64);
    let answer = send(
        fake.base_url(),
        Method::POST,
        EMBEDDED_LINK,
        &headers,
        Some(&at_cap),
    )
    .await;
    answer.assert_descope_error(404, "E062108");
    let over = json!({"loginId": "u".repeat(64 - 13)}).to_string();
    let answer = send(
        fake.base_url(),
        Method::POST,
        EMBEDDED_LINK,
        &headers,
        Some(&over),
    )
    .await;
    answer.assert_descope_error(413, "E011001");
    let message = answer.body["errorMessage"].as_str().unwrap();
    assert!(message.contains("larger than 64 bytes"), "{message}");
    let body = json!({"loginId": USER}).to_string();
    let answer = send(
        fake.base_url(),
        Method::POST,
        EMBEDDED_LINK,
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}
