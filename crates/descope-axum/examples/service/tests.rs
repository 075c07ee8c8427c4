//! The service driven over loopback by an HTTP client with a cookie jar, as
//! a browser would, against fake-descope; the validator follows the fake's
//! clock, so that a session expires without waiting.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::DescopeClient;
use fake_descope::{FakeDescope, Operation, Project, User};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::app::{router, Config};

const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
const OTHER: &str = "P2other0000000000000000000000";
const KEY: &str = "K2-management-key";

struct Running {
    fake: Arc<FakeDescope>,
    url: String,
}

/// The fake (ada an admin, grace not), and the service on a free port.
async fn start(rotate: bool) -> Running {
    let fake = Arc::new(
        FakeDescope::builder()
            .project(
                Project::new(PROJECT)
                    .management_key(KEY)
                    .rotate_refresh_jwts(rotate),
            )
            .project(Project::new(OTHER))
            .user(User::new("ada@example.com").roles(["admin"]))
            .user("grace@example.com")
            .start()
            .await,
    );
    let client = DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(KEY)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let clock = fake.clone();
    let validator = descope_ergonomic::session::SessionValidator::builder(&client)
        .clock(move || clock.now())
        .build()
        .unwrap();
    let config = Config {
        client,
        port: 0,
        secure_cookies: false,
        validator: Some(validator),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(&config);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Running { fake, url }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        .build()
        .unwrap()
}

/// Signs `login_id` in through the service: the link, then verify.
async fn sign_in(browser: &reqwest::Client, url: &str, login_id: &str) {
    let link: Value = browser
        .post(format!("{url}/sign-in"))
        .json(&json!({ "loginId": login_id }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verified = browser
        .get(format!("{url}{}", link["link"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    assert_eq!(verified.headers().get_all("set-cookie").iter().count(), 2);
}

async fn get(browser: &reqwest::Client, url: &str, path: &str) -> reqwest::Response {
    browser.get(format!("{url}{path}")).send().await.unwrap()
}

#[tokio::test]
async fn sign_in_protected_routes_a_transparent_refresh_and_logout() {
    let run = start(false).await;
    let (url, browser) = (&run.url, browser());
    assert_eq!(
        get(&browser, url, "/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    sign_in(&browser, url, "ada@example.com").await;
    let me = get(&browser, url, "/me").await;
    assert_eq!(me.status(), StatusCode::OK);
    assert!(
        me.headers().get("set-cookie").is_none(),
        "a valid session is not refreshed"
    );
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["roles"], json!(["admin"]));
    assert_eq!(get(&browser, url, "/admin").await.status(), StatusCode::OK);

    // The session JWT expires (10 minutes); the next call refreshes it.
    run.fake.advance_clock(Duration::from_secs(11 * 60));
    let refreshed = get(&browser, url, "/me").await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert!(
        refreshed.headers().get("set-cookie").is_some(),
        "the new session cookie"
    );
    assert_eq!(run.fake.received_for(Operation::RefreshSession).len(), 1);
    assert_eq!(get(&browser, url, "/me").await.status(), StatusCode::OK);
    assert_eq!(
        run.fake.received_for(Operation::RefreshSession).len(),
        1,
        "the jar holds the new session: no second refresh"
    );

    // The signed-in user's own call, with the refresh JWT of the cookie.
    let sent = browser
        .post(format!("{url}/phone"))
        .json(&json!({ "phone": "+12025550123" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    assert_eq!(run.fake.messages().len(), 1);

    let out = browser.post(format!("{url}/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&browser, url, "/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_role_guard_answers_403_with_nothing_in_it() {
    let run = start(false).await;
    let browser = browser();
    sign_in(&browser, &run.url, "grace@example.com").await;
    assert_eq!(
        get(&browser, &run.url, "/me").await.status(),
        StatusCode::OK
    );
    let refused = get(&browser, &run.url, "/admin").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn forged_and_foreign_sessions_are_refused() {
    let run = start(false).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let me = |cookie: String| {
        let request = http.get(format!("{}/me", run.url)).header("cookie", cookie);
        async move { request.send().await.unwrap().status() }
    };
    let mine = run
        .fake
        .session_for("ada@example.com")
        .project(PROJECT)
        .issue();
    assert_eq!(me(format!("DS={}", mine.session_jwt)).await, StatusCode::OK);
    let mut forged = mine.session_jwt.clone();
    let at = forged.rfind('.').unwrap() + 5;
    forged.replace_range(
        at..at + 1,
        if &forged[at..at + 1] == "A" { "B" } else { "A" },
    );
    assert_eq!(me(format!("DS={forged}")).await, StatusCode::UNAUTHORIZED);
    // A forged session with a good refresh JWT is not refreshed.
    let cookie = format!("DS={forged}; DSR={}", mine.refresh_jwt);
    assert_eq!(me(cookie).await, StatusCode::UNAUTHORIZED);
    assert!(run.fake.received_for(Operation::RefreshSession).is_empty());
    let theirs = run
        .fake
        .session_for("ada@example.com")
        .project(OTHER)
        .issue();
    assert_eq!(
        me(format!("DS={}", theirs.session_jwt)).await,
        StatusCode::UNAUTHORIZED
    );
    let bearer = http
        .get(format!("{}/me", run.url))
        .bearer_auth("not.a.jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(bearer.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn concurrent_requests_with_one_expired_session_refresh_once() {
    // A project that rotates refresh JWTs honours each once: requests that
    // each refreshed would sign the user out.
    let run = start(true).await;
    let session = run
        .fake
        .session_for("ada@example.com")
        .project(PROJECT)
        .expired()
        .issue();
    let cookie = format!("DS={}; DSR={}", session.session_jwt, session.refresh_jwt);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = http
            .get(format!("{}/me", run.url))
            .header("cookie", cookie.clone());
        calls.spawn(async move { request.send().await.unwrap() });
    }
    for response in calls.join_all().await {
        assert_eq!(response.status(), StatusCode::OK);
        let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
        assert_eq!(
            cookies.len(),
            2,
            "the new session and the rotated refresh JWT"
        );
    }
    assert_eq!(run.fake.received_for(Operation::RefreshSession).len(), 1);
}
