//! The control API over HTTP (`/_fake/`): every input is checked, a bad one
//! gets 400 with a message, and nothing reachable from HTTP panics the fake
//! or queues a script that never ends.

use descope_testkit::raw::{send, Answer};
use fake_descope::FakeDescope;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fake, management_bearer};

async fn control(fake: &FakeDescope, path: &str, body: &Value) -> Answer {
    let text = body.to_string();
    send(
        fake.base_url(),
        Method::POST,
        path,
        &[("content-type", "application/json")],
        Some(&text),
    )
    .await
}

fn refused(answer: &Answer, needle: &str) {
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    let message = answer.body["error"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

#[tokio::test]
async fn bad_replies_are_refused_with_a_reason() {
    let fake = fake().await;
    let cases = [
        (json!({"status": 503, "times": 0}), "times must be from 1"),
        (
            json!({"status": 503, "times": 100_001}),
            "times must be from 1",
        ),
        (json!({"status": 503, "times": -1}), "invalid value"),
        (json!({"delayMs": 600_001}), "delayMs must be at most"),
        (json!({"delayMs": -5}), "invalid value"),
        (
            json!({"delayMs": 18_446_744_073_709_551_615u64}),
            "delayMs must be at most",
        ),
        (json!({"status": 200}), "not an error status"),
        (json!({"status": 700}), "not an error status"),
        (json!({"status": "503"}), "invalid type"),
        (json!({"status": 503, "colour": "red"}), "unknown field"),
        (
            json!({"status": 503, "endpoint": "Nope"}),
            "unknown endpoint",
        ),
        (
            json!({"errorCode": "E1"}),
            "errorCode needs an error status",
        ),
        (json!({"retryAfter": 7}), "retryAfter needs an error status"),
        (json!([1, 2]), "invalid type"),
    ];
    for (body, reason) in cases {
        refused(&control(&fake, "/_fake/replies", &body).await, reason);
    }
    assert_eq!(fake.scripted(), 0, "a refused reply was queued");
    let bad_projects = [
        (json!({"id": ""}), "the project id must not be empty"),
        (json!({"id": "P:1"}), "must not contain ':'"),
        (
            json!({"id": "P1", "refreshJwts": [""]}),
            "a refresh JWT must not be empty",
        ),
        (json!({"id": "P1", "managementKeys": [7]}), "invalid type"),
    ];
    for (body, reason) in bad_projects {
        refused(&control(&fake, "/_fake/projects", &body).await, reason);
    }
    refused(
        &control(&fake, "/_fake/users", &json!({"loginId": ""})).await,
        "loginId must not be empty",
    );
    let not_json = send(
        fake.base_url(),
        Method::POST,
        "/_fake/replies",
        &[],
        Some("{"),
    )
    .await;
    assert_eq!(not_json.status, 400);
    let unknown = control(&fake, "/_fake/other", &json!({})).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn a_burst_ends_after_its_count() {
    let fake = fake().await;
    let queued = control(&fake, "/_fake/replies", &json!({"status": 503, "times": 2})).await;
    assert_eq!(queued.status, 200);
    let link = json!({"loginId": descope_testkit::credentials::USER});
    let path = descope_spec::Operation::EmbeddedLinkSignin.path();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            descope_testkit::raw::post(fake.base_url(), path, &management_bearer(), &link)
                .await
                .status,
        );
    }
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(fake.scripted(), 0);
}

#[tokio::test]
async fn the_bounds_are_inclusive_and_the_log_can_be_cleared() {
    let fake = fake().await;
    for body in [
        json!({"status": 503, "times": 1}),
        json!({"status": 503, "times": 100_000}),
        json!({"status": 503, "delayMs": 600_000}),
        json!({"delayMs": 0}),
    ] {
        let answer = control(&fake, "/_fake/replies", &body).await;
        assert_eq!(answer.status, 200, "{body}: {:?}", answer.body);
    }
    assert_eq!(
        fake.scripted(),
        1 + 100_000 + 1 + 1,
        "answers queued, by count"
    );
    let path = descope_spec::Operation::EmbeddedLinkSignin.path();
    let link = json!({"loginId": descope_testkit::credentials::USER});
    descope_testkit::raw::post(fake.base_url(), path, &management_bearer(), &link).await;
    assert_eq!(fake.received().len(), 1);
    let cleared = send(
        fake.base_url(),
        Method::DELETE,
        "/_fake/requests",
        &[],
        None,
    )
    .await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert!(fake.received().is_empty(), "the log was not cleared");
}

/// A JSON value of any shape, with the control API's own field names
/// among the keys, and numbers at the edges of the bounds.
fn any_body() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(100_000),
            Just(100_001),
            Just(600_000),
            Just(600_001),
            Just(i64::MAX),
            any::<i64>(),
        ]
        .prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        prop_oneof![
            Just(503u16),
            Just(429),
            Just(400),
            Just(599),
            Just(200),
            Just(600)
        ]
        .prop_map(Value::from),
        "[a-zA-Z0-9:]{0,6}".prop_map(Value::from),
        Just(Value::from("EmbeddedLinkSignin")),
        Just(Value::from("GetLicense")),
    ];
    let key = prop_oneof![
        Just("status"),
        Just("errorCode"),
        Just("errorDescription"),
        Just("errorMessage"),
        Just("retryAfter"),
        Just("delayMs"),
        Just("times"),
        Just("endpoint"),
        Just("id"),
        Just("managementKeys"),
        Just("refreshJwts"),
        Just("authManagementKeys"),
        Just("loginId"),
        Just("email"),
        Just("phone"),
        Just("tenants"),
        Just("roles"),
        Just("permissions"),
        Just("currentTenant"),
        Just("customClaims"),
        Just("rotateRefreshJwts"),
        Just("projectId"),
        Just("expired"),
        Just("sessionExpiresInSecs"),
        Just("advanceSecs"),
        Just("other"),
    ];
    leaf.prop_recursive(2, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(key.clone().prop_map(str::to_string), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_control_input_gets_200_or_400_and_the_fake_keeps_serving(
        calls in prop::collection::vec((0usize..6, any_body()), 1..6),
    ) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let fake = fake().await;
            for (target, body) in &calls {
                let path = [
                    "/_fake/replies",
                    "/_fake/projects",
                    "/_fake/users",
                    "/_fake/sessions",
                    "/_fake/clock",
                    "/_fake/keys/rotate",
                ][*target];
                let answer = control(&fake, path, body).await;
                assert!(answer.status == 200 || answer.status == 400, "{path} {body}: {answer:?}");
                if answer.status == 400 {
                    assert!(answer.body["error"].is_string(), "{answer:?}");
                }
            }
            // Whatever was queued, every script ends: at most 100,000 calls
            // each, and each call is answered (scripted delays aside, which
            // the calls below do not wait for).
            let listed = send(fake.base_url(), Method::GET, "/_fake/requests", &[], None).await;
            assert_eq!(listed.status, 200);
            assert!(fake.scripted() <= calls.len() * 100_000);
        });
    }
}

/// The bounded log: the newest requests kept, the dropped ones counted, and
/// the control API filtering and paging what is kept.
#[tokio::test]
async fn the_request_log_is_bounded_filtered_and_paged() {
    let fake = fake_descope::FakeDescope::builder()
        .project(
            fake_descope::Project::new(descope_testkit::credentials::PROJECT)
                .management_key(descope_testkit::credentials::MANAGEMENT_KEY),
        )
        .user(descope_testkit::credentials::USER)
        .max_received(5)
        .start()
        .await;
    let authorization = format!("Bearer {}", management_bearer());
    let headers = [
        ("content-type", "application/json"),
        ("authorization", authorization.as_str()),
    ];
    let link = json!({"loginId": descope_testkit::credentials::USER}).to_string();
    let stranger = json!({"loginId": "nobody@example.com"}).to_string();
    for i in 0..8 {
        let body = if i % 2 == 0 { &link } else { &stranger };
        send(
            fake.base_url(),
            Method::POST,
            descope_spec::Operation::EmbeddedLinkSignin.path(),
            &headers,
            Some(body),
        )
        .await;
    }
    let kept: Vec<u64> = fake.received().iter().map(|r| r.seq).collect();
    assert_eq!(kept, [4, 5, 6, 7, 8]);
    assert_eq!(fake.received_dropped(), 3);

    let list = |query: &str| {
        let path = format!("/_fake/requests{query}");
        let base = fake.base_url().to_string();
        async move { send(&base, Method::GET, &path, &[], None).await }
    };
    let seqs = |answer: &Answer| -> Vec<u64> {
        answer
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["seq"].as_u64().unwrap())
            .collect()
    };
    let all = list("").await;
    assert_eq!(seqs(&all), [4, 5, 6, 7, 8]);
    assert_eq!(all.header("x-fake-dropped"), Some("3"));
    assert_eq!(all.header("x-fake-more"), Some("false"));
    let found = list("?status=404").await;
    assert_eq!(seqs(&found), [4, 6, 8]);
    let page = list("?endpoint=EmbeddedLinkSignin&status=200&limit=1").await;
    assert_eq!(seqs(&page), [5]);
    assert_eq!(page.header("x-fake-more"), Some("true"));
    let next = list("?endpoint=EmbeddedLinkSignin&status=200&limit=1&since=5").await;
    assert_eq!(seqs(&next), [7]);
    assert_eq!(seqs(&list("?endpoint=GetLicense").await), Vec::<u64>::new());
    for (query, needle) in [
        ("?limit=0", "limit must be from 1 to 1000"),
        ("?limit=1001", "limit must be from 1 to 1000"),
        ("?since=-1", "since must be a whole number"),
        ("?status=99999", "past 65535"),
        ("?endpoint=License", "unknown endpoint"),
        ("?order=desc", "unknown parameter"),
    ] {
        refused(&list(query).await, needle);
    }
}
