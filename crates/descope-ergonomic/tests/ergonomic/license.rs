//! The license handshake: before its first management call a client reads
//! the project's rate-limit tier (`GetLicense`) and sends it back as
//! `x-descope-license` on every management request; concurrent first calls
//! share one handshake; a handshake that fails in any way never fails the
//! call, is logged without secrets, and is not repeated on every call.

use std::time::Duration;

use descope_ergonomic::{DescopeClient, Error, Field, Reason};
use descope_spec::Operation;

/// The handshake's own bound, as the crate documents it.
const LICENSE_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);
use descope_testkit::client::{
    builder_without_tier, call, management_authorization, user_authorization, Op, BOUND,
};
use descope_testkit::credentials::{MANAGEMENT_KEY, PROJECT};
use descope_testkit::fault_server::{
    self, is_handshake, json, licensing, write, FaultServer, Request, Step,
};
use descope_testkit::process::alone;

use crate::{capture_tracing, refused};

const TIER: &str = "tier3";

/// A client that knows no tier yet, as a service's is at start-up.
fn fresh_client(base_url: String) -> DescopeClient {
    builder_without_tier(base_url).build().unwrap()
}

fn tier_answer() -> Vec<Step> {
    fault_server::tier_answer(TIER)
}

/// The success body the servers here answer `op` with.
fn success(op: Operation) -> &'static serde_json::Value {
    Op(op).success_body()
}

fn handshakes(server: &FaultServer) -> Vec<Request> {
    server.requests().into_iter().filter(is_handshake).collect()
}

#[tokio::test]
async fn the_first_management_call_makes_the_handshake_and_every_one_carries_the_tier() {
    let server = licensing(tier_answer).await;
    let client = fresh_client(server.base_url());
    assert_eq!(client.rate_limit_tier(), None);
    for _ in 0..3 {
        call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    let handshake = &requests[0];
    assert!(is_handshake(handshake), "{requests:?}");
    assert_eq!(
        handshake.header("authorization"),
        Some(management_authorization().as_str())
    );
    assert_eq!(handshake.header("x-descope-license"), None);
    assert!(handshake.body.is_empty());
    for link in &requests[1..] {
        assert_eq!(link.path, Operation::EmbeddedLinkSignin.path());
        assert_eq!(link.header("x-descope-license"), Some(TIER));
    }
    assert_eq!(client.rate_limit_tier().as_deref(), Some(TIER));
    // Clones share what the first call learned.
    call(&client.clone(), Operation::EmbeddedLinkSignin)
        .await
        .unwrap();
    assert_eq!(handshakes(&server).len(), 1);
}

#[tokio::test]
async fn the_refresh_jwt_operation_makes_no_handshake_and_carries_no_tier() {
    let server = licensing(tier_answer).await;
    let client = fresh_client(server.base_url());
    call(&client, Operation::UpdateUserPhoneMagicLinkSms)
        .await
        .unwrap();
    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.path, Operation::UpdateUserPhoneMagicLinkSms.path());
    assert_eq!(
        request.header("authorization"),
        Some(user_authorization().as_str())
    );
    assert_eq!(request.header("x-descope-license"), None);
    // Once the tier is known, the user's calls still go without it.
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    call(&client, Operation::UpdateUserPhoneMagicLinkSms)
        .await
        .unwrap();
    let phone_calls = server.requests_for(Operation::UpdateUserPhoneMagicLinkSms);
    assert_eq!(phone_calls.len(), 2);
    assert!(phone_calls
        .iter()
        .all(|r| r.header("x-descope-license").is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_share_one_handshake() {
    // A slow handshake, so that every call arrives while it runs.
    let server = licensing(|| {
        let mut steps = vec![Step::Pause(Duration::from_millis(300))];
        steps.extend(tier_answer());
        steps
    })
    .await;
    let client = fresh_client(server.base_url());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { call(&client, Operation::EmbeddedLinkSignin).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(handshakes(&server).len(), 1);
    let links = server.requests_for(Operation::EmbeddedLinkSignin);
    assert_eq!(links.len(), 20);
    assert!(links
        .iter()
        .all(|r| r.header("x-descope-license") == Some(TIER)));
}

/// What a license endpoint does with a handshake.
type Answer = fn() -> Vec<Step>;

/// Every way the handshake can fail; each must leave the call to go on
/// without the header.
fn failures() -> Vec<(&'static str, Answer)> {
    vec![
        ("500", || {
            write(json(
                "500 Internal Server Error",
                r#"{"errorCode":"E000000"}"#,
            ))
        }),
        ("401", || {
            write(json("401 Unauthorized", r#"{"errorCode":"E061004"}"#))
        }),
        ("bad JSON", || {
            write(json("200 OK", "{rateLimitTier: tier3"))
        }),
        ("no tier", || write(json("200 OK", "{}"))),
        ("empty tier", || {
            write(json("200 OK", r#"{"rateLimitTier":""}"#))
        }),
        ("tier not a header value", || {
            write(json("200 OK", r#"{"rateLimitTier":"tier 3\r\nx-evil: 1"}"#))
        }),
        ("tier not a string", || {
            write(json("200 OK", r#"{"rateLimitTier":3}"#))
        }),
        ("reset", || vec![Step::Reset]),
        ("503 storm", || {
            write(json(
                "503 Service Unavailable",
                r#"{"errorCode":"E000503"}"#,
            ))
        }),
    ]
}

#[tokio::test]
async fn a_failed_handshake_never_fails_the_call_and_is_not_repeated_at_once() {
    for (name, failure) in failures() {
        let server = licensing(failure).await;
        let client = fresh_client(server.base_url());
        for _ in 0..3 {
            let link = call(&client, Operation::EmbeddedLinkSignin).await;
            let link = link.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                link.agrees_with(success(Operation::EmbeddedLinkSignin)),
                "{name}"
            );
        }
        let links = server.requests_for(Operation::EmbeddedLinkSignin);
        assert_eq!(links.len(), 3, "{name}");
        assert!(
            links
                .iter()
                .all(|r| r.header("x-descope-license").is_none()),
            "{name}"
        );
        // Retried by the client's policy within the handshake's 3 s bound:
        // after the 100 ms wait, not the 5 s one (which would end past it).
        // Then backed off: one handshake's worth.
        let attempts = handshakes(&server).len();
        let expected = if name == "503 storm" { 2 } else { 1 };
        assert_eq!(attempts, expected, "{name}");
        assert_eq!(client.rate_limit_tier(), None, "{name}");
    }
}

#[tokio::test]
async fn a_hanging_handshake_holds_the_call_no_longer_than_its_bound() {
    let server = licensing(|| vec![Step::Hang]).await;
    let client = fresh_client(server.base_url());
    let started = std::time::Instant::now();
    let link = call(&client, Operation::EmbeddedLinkSignin).await;
    let took = started.elapsed();
    assert!(link
        .unwrap()
        .agrees_with(success(Operation::EmbeddedLinkSignin)));
    // Not a speed check: the call ended, after the handshake's own bound
    // rather than the 60 s request timeout.
    assert!(took >= LICENSE_HANDSHAKE_TIMEOUT, "{took:?}");
    assert!(took < BOUND, "{took:?}");
    let [link] = server
        .requests_for(Operation::EmbeddedLinkSignin)
        .try_into()
        .unwrap();
    assert_eq!(link.header("x-descope-license"), None);
    // Backed off: the next call does not wait for the license endpoint again.
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    assert_eq!(handshakes(&server).len(), 1);
}

#[tokio::test]
async fn a_tier_the_caller_gives_is_sent_without_a_handshake() {
    let server = licensing(tier_answer).await;
    let client = DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(server.base_url())
        .rate_limit_tier("tier4")
        .build()
        .unwrap();
    assert_eq!(client.rate_limit_tier().as_deref(), Some("tier4"));
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    let [link] = server.requests().try_into().unwrap();
    assert_eq!(link.header("x-descope-license"), Some("tier4"));

    for (bad, reason) in [
        ("", Reason::Empty),
        ("tier 4", Reason::InvalidCharacter),
        ("tier\n4", Reason::InvalidCharacter),
        ("tiér", Reason::InvalidCharacter),
    ] {
        let built = DescopeClient::builder()
            .project_id(PROJECT)
            .rate_limit_tier(bad)
            .build();
        assert_eq!(refused(built), (Field::RateLimitTier, reason), "{bad:?}");
    }
}

#[tokio::test]
async fn the_license_can_be_read_directly_and_is_then_kept() {
    let server = licensing(tier_answer).await;
    let client = fresh_client(server.base_url());
    let license = client.management().license().send().await.unwrap();
    assert_eq!(license.rate_limit_tier(), TIER);
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    assert_eq!(
        handshakes(&server).len(),
        1,
        "the read counts as the handshake"
    );
    let [link] = server
        .requests_for(Operation::EmbeddedLinkSignin)
        .try_into()
        .unwrap();
    assert_eq!(link.header("x-descope-license"), Some(TIER));

    // Without a management key there is nothing to read it with.
    let no_key = DescopeClient::builder()
        .project_id(PROJECT)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = no_key.management().license().send().await.unwrap_err();
    assert_eq!(
        error.validation().map(|v| v.field()),
        Some(Field::ManagementKey)
    );
    // A failed read is the caller's error, unlike a failed handshake.
    let failing = licensing(|| write(json("500 Internal Server Error", "{}"))).await;
    let error = fresh_client(failing.base_url())
        .management()
        .license()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::MalformedResponse { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_failed_handshake_is_logged_without_secrets() {
    // Its subscriber must see every callsite from the start.
    if !alone(
        module_path!(),
        "a_failed_handshake_is_logged_without_secrets",
    ) {
        return;
    }
    let (captured, _guard) = capture_tracing(tracing::Level::TRACE);
    // A license endpoint that echoes the credential into its error.
    let server = licensing(|| {
        let body =
            format!(r#"{{"errorCode":"E000000","errorMessage":"bad key {MANAGEMENT_KEY}"}}"#);
        write(json("500 Internal Server Error", body))
    })
    .await;
    let client = fresh_client(server.base_url());
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    let log = captured.text();
    let warning = log
        .lines()
        .find(|l| l.contains("license handshake failed"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(warning.contains("E000000"), "{warning}");
    assert!(!log.contains(MANAGEMENT_KEY), "{log}");
}
