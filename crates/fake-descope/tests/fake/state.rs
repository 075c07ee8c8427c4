//! What the fake keeps about projects and users, as a test sees it: a
//! project registered again, users' creation times and the shapes of their
//! login ids, which user a minted session is for, recorded sessions, and
//! what `Debug` shows of a minted session.

use std::time::{Duration, UNIX_EPOCH};

use descope_spec::recorded::Recordings;
use descope_spec::Operation;
use descope_testkit::credentials::{MANAGEMENT_KEY, PROJECT, USER};
use fake_descope::{FakeDescope, Project, User, REFRESH_LIFETIME_SECS};

use crate::support::payload;
use serde_json::{json, Value};

/// `operation` with `Bearer <project_id>:<secret>`, answered as (status, body).
async fn call(
    fake: &FakeDescope,
    operation: Operation,
    project_id: &str,
    secret: &str,
) -> (u16, Value) {
    let url = format!("{}{}", fake.base_url(), operation.path());
    let client = reqwest::Client::new();
    let request = match operation.method() {
        "GET" => client.get(url),
        _ if operation == Operation::EmbeddedLinkSignin => {
            client.post(url).json(&json!({"loginId": USER}))
        }
        _ => client.post(url).json(&json!({})),
    };
    let response = request
        .bearer_auth(format!("{project_id}:{secret}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_project_registered_again_gains_credentials_and_keeps_rotating() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT).rotate_refresh_jwts(true))
        .user(USER)
        .start()
        .await;
    let again = Project::new(PROJECT).management_key(MANAGEMENT_KEY);
    assert_eq!(again.id(), PROJECT);
    fake.add_project(again);
    let (status, body) = call(
        &fake,
        Operation::EmbeddedLinkSignin,
        PROJECT,
        MANAGEMENT_KEY,
    )
    .await;
    assert_eq!(status, 200, "the added key: {body}");
    let session = fake.session_for(USER).issue();
    let (status, body) = call(
        &fake,
        Operation::RefreshSession,
        PROJECT,
        &session.refresh_jwt,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["refreshJwt"].is_string(), "still rotating: {body}");
}

#[tokio::test]
async fn a_user_is_created_at_the_clocks_time() {
    const NOW: u64 = 1_800_000_000;
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .clock_at(UNIX_EPOCH + Duration::from_secs(NOW))
        .start()
        .await;
    fake.advance_clock(Duration::from_secs(5));
    let session = fake.session_for("lin@example.com").issue();
    let (status, me) = call(&fake, Operation::Me, PROJECT, &session.refresh_jwt).await;
    assert_eq!((status, me["createdTime"].as_u64()), (200, Some(NOW + 5)));
    let kept = fake.user("lin@example.com").unwrap();
    assert_eq!(kept.user_id(), session.user_id);
    assert_eq!(kept.login_ids(), ["lin@example.com"]);
}

#[test]
fn login_ids_shaped_like_an_email_or_a_phone_count_as_one() {
    let phone = User::new("+12025550123");
    assert_eq!(phone.phone_number(), Some("+12025550123"));
    assert_eq!(phone.email_address(), None);
    for not_a_phone in ["+", "+1202a", "12025550123"] {
        assert_eq!(User::new(not_a_phone).phone_number(), None, "{not_a_phone}");
    }
    let email = User::new("ada@example.com");
    assert_eq!(
        (email.email_address(), email.phone_number()),
        (Some("ada@example.com"), None)
    );
    let set = User::new("+12025550123").phone("+447700900123");
    assert_eq!(set.phone_number(), Some("+447700900123"), "a set one wins");
}

/// A login id alone mints for the user kept under it; a `User` given with
/// details replaces that user.
#[tokio::test]
async fn a_session_is_for_the_kept_user_unless_one_is_given() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .user(User::new("lin@example.com").roles(["support"]))
        .start()
        .await;
    let bare = fake.session_for("lin@example.com").issue();
    assert_eq!(payload(&bare.session_jwt)["roles"], json!(["support"]));
    let given = User::new("lin@example.com").roles(["admin"]);
    let replaced = fake.session_for(given).issue();
    assert_eq!(payload(&replaced.session_jwt)["roles"], json!(["admin"]));
    let kept = fake.session_for("lin@example.com").issue();
    assert_eq!(payload(&kept.session_jwt)["roles"], json!(["admin"]));
}

#[tokio::test]
async fn debug_names_the_session_and_hides_its_jwts() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .start()
        .await;
    let minting = fake.session_for(USER).project(PROJECT);
    let shown = format!("{minting:?}");
    assert!(shown.contains(USER) && shown.contains(PROJECT), "{shown}");
    let session = minting.issue();
    let shown = format!("{session:?}");
    assert!(
        shown.contains(&session.user_id) && shown.contains("[REDACTED]"),
        "{shown}"
    );
    assert!(!shown.contains(&session.refresh_jwt) && !shown.contains(&session.session_jwt));
}

/// A recorded exchange's refresh JWT, which the fake did not sign, is a live
/// session of the recorded user for a refresh lifetime on the fake's clock.
#[tokio::test]
async fn a_recorded_refresh_jwt_is_a_session_for_a_refresh_lifetime() {
    let mut recordings = Recordings::embedded();
    recordings.exchanges.retain(|e| e.name == "me-200");
    let credentials = recordings.exchanges[0].input.credentials.clone();
    let (project, jwt) = (credentials.project_id, credentials.refresh_jwt.unwrap());
    let fake = FakeDescope::builder()
        .recorded(&recordings)
        .clock_at(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        .start()
        .await;
    let (status, me) = call(&fake, Operation::Me, &project, &jwt).await;
    assert_eq!(
        (status, me["loginIds"][0].as_str()),
        (200, Some(USER)),
        "{me}"
    );
    fake.advance_clock(Duration::from_secs(REFRESH_LIFETIME_SECS - 1));
    assert_eq!(call(&fake, Operation::Me, &project, &jwt).await.0, 200);
    fake.advance_clock(Duration::from_secs(1));
    let (status, me) = call(&fake, Operation::Me, &project, &jwt).await;
    assert_eq!(status, 401, "expired: {me}");
}
