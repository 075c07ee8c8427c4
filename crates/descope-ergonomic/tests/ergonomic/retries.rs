//! Retries: attempts and waits follow the policy (the SDK's statuses and
//! waits by default; rate limits only when opted in, capped), a call whose
//! outcome is unknown is never sent again, and a storm ends with the last
//! error; for every operation. Waits are recorded, not slept, except where
//! the test measures the real total time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_ergonomic::tooling::TokioSleep;
use descope_ergonomic::{
    DescopeClient, DescopeClientBuilder, Error, RetryPolicy, TransportErrorKind,
};
use descope_spec::Operation;
use descope_testkit::client::{self, call, call_all_at_once, closed_port_url, Op, Output, OPS};
use descope_testkit::fault_server::{
    json, response, success_for, write, FaultServer, Request, Step,
};
use descope_testkit::sleep::{RecordedSleeps, SteppedSleeps, Steps};
use reqwest::StatusCode;
use tokio::task::JoinHandle;

use crate::{proxy_429_page, transport};

const SDK_WAITS: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_secs(5),
    Duration::from_secs(5),
];

fn builder(server: &FaultServer, sleeps: Arc<RecordedSleeps>) -> DescopeClientBuilder {
    client::builder(server.base_url())
        .request_timeout(Duration::from_secs(5))
        .sleep(sleeps)
}

/// A call of `EmbeddedLinkSignin` to `server` on a task of its own, by a
/// client whose waits hand control to the test: the test receives each
/// wait from `Steps` and lets the retry go.
fn stepped_call(server: &FaultServer) -> (JoinHandle<Result<Output, Error>>, Steps) {
    let (sleeps, steps) = SteppedSleeps::new();
    let client = client::builder(server.base_url())
        .sleep(sleeps)
        .build()
        .unwrap();
    let call = tokio::spawn(async move { call(&client, Operation::EmbeddedLinkSignin).await });
    (call, steps)
}

/// A client of `server` (of [`builder`]) that follows `policy`, without
/// jitter, so that its waits are the policy's own.
fn policy_client(
    server: &FaultServer,
    sleeps: Arc<RecordedSleeps>,
    policy: RetryPolicy,
) -> DescopeClient {
    builder(server, sleeps)
        .retry_policy(policy.with_jitter(false))
        .build()
        .unwrap()
}

/// What a scripted server plays for one request.
type Answer = fn(&Request) -> Vec<Step>;

/// A server and a client of it with a policy and recorded sleeps, for a
/// test's many scripted calls (a client takes tens of milliseconds to
/// build): for the i-th request of the call being played, the server plays
/// `script[i]` (the last entry for any further request), with the request's
/// index counted from the call's first.
struct Scripted {
    server: FaultServer,
    client: DescopeClient,
    sleeps: Arc<RecordedSleeps>,
    /// The index of the call's first request, and its script.
    script: Arc<Mutex<(usize, Vec<Answer>)>>,
}

impl Scripted {
    async fn start(policy: RetryPolicy) -> Self {
        let script: Arc<Mutex<(usize, Vec<Answer>)>> = Arc::default();
        let playing = script.clone();
        let server = FaultServer::start(move |request| {
            let (first, script) = &*playing.lock().unwrap();
            let mut request = request.clone();
            request.index -= first;
            script[request.index.min(script.len() - 1)](&request)
        })
        .await;
        let sleeps = Arc::new(RecordedSleeps::default());
        let client = policy_client(&server, sleeps.clone(), policy);
        Scripted {
            server,
            client,
            sleeps,
            script,
        }
    }

    /// A call of `op` against `script`: its outcome, the requests the
    /// server saw and the waits the client asked for.
    async fn play(
        &self,
        op: Op,
        script: Vec<Answer>,
    ) -> (Result<Output, Error>, usize, Vec<Duration>) {
        let (requests, waits) = (self.server.request_count(), self.sleeps.taken().len());
        *self.script.lock().unwrap() = (requests, script);
        let result = call(&self.client, op).await;
        (
            result,
            self.server.request_count() - requests,
            self.sleeps.taken()[waits..].to_vec(),
        )
    }
}

/// Every request answers `status` with a Descope error body and a
/// `Retry-After` of 2 s; returns the attempts the server saw and the waits
/// the client asked for.
async fn attempts_for(status: u16, policy: RetryPolicy) -> (usize, Vec<Duration>) {
    let server = FaultServer::start(move |_| {
        write(response(
            &format!("{status} Status"),
            &[("content-type", "application/json"), ("retry-after", "2")],
            r#"{"errorCode":"E000001"}"#,
        ))
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = policy_client(&server, sleeps.clone(), policy);
    let error = call(&client, Operation::EmbeddedLinkSignin)
        .await
        .expect_err("every attempt fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    (server.request_count(), sleeps.taken())
}

fn unavailable_json(request: &Request) -> Vec<Step> {
    write(json(
        "503 Service Unavailable",
        format!(
            r#"{{"errorCode":"E000503","errorMessage":"attempt {}"}}"#,
            request.index + 1
        ),
    ))
}

fn unavailable_html(request: &Request) -> Vec<Step> {
    write(response(
        "503 Service Unavailable",
        &[("content-type", "text/html")],
        format!("<html>maintenance, attempt {}</html>", request.index + 1),
    ))
}

fn unavailable_empty(_: &Request) -> Vec<Step> {
    write(response("503 Service Unavailable", &[], ""))
}

/// The request's operation's success.
fn ok(request: &Request) -> Vec<Step> {
    write(success_for(request))
}

fn internal(_: &Request) -> Vec<Step> {
    write(json(
        "500 Internal Server Error",
        r#"{"errorCode":"E000500"}"#,
    ))
}

fn reset(_: &Request) -> Vec<Step> {
    vec![Step::Reset]
}

fn close(_: &Request) -> Vec<Step> {
    vec![Step::Close]
}

fn cut_503(_: &Request) -> Vec<Step> {
    vec![
        Step::Write(
            b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 90\r\n\r\n{\"errorCode\""
                .to_vec(),
        ),
        Step::Close,
    ]
}

#[tokio::test]
async fn the_default_policy_retries_the_sdk_statuses_three_times() {
    let policy = RetryPolicy::default();
    for status in [503, 520, 521, 522, 524, 530] {
        assert!(policy.retries_status(StatusCode::from_u16(status).unwrap()));
        let (attempts, waits) = attempts_for(status, policy.clone()).await;
        assert_eq!(attempts, 4, "status {status}");
        assert_eq!(attempts as u32, policy.max_attempts(), "status {status}");
        // The SDK's waits, whatever the Retry-After says.
        assert_eq!(waits, SDK_WAITS, "status {status}");
    }
}

#[tokio::test]
async fn the_default_policy_retries_nothing_else() {
    for status in [400, 401, 403, 404, 429, 500, 502, 504] {
        assert!(!RetryPolicy::default().retries_status(StatusCode::from_u16(status).unwrap()));
        let (attempts, waits) = attempts_for(status, RetryPolicy::default()).await;
        assert_eq!((attempts, waits.len()), (1, 0), "status {status}");
    }
}

#[tokio::test]
async fn rate_limits_are_retried_only_when_opted_in_and_capped() {
    let policy =
        RetryPolicy::none().retry_rate_limited(2, Duration::from_secs(10), Duration::from_secs(1));
    let (attempts, waits) = attempts_for(429, policy).await;
    assert_eq!(attempts, 3);
    assert_eq!(waits, [Duration::from_secs(2), Duration::from_secs(2)]);

    // A Retry-After beyond the cap is not waited for.
    let impatient =
        RetryPolicy::none().retry_rate_limited(5, Duration::from_secs(1), Duration::from_secs(1));
    let (attempts, waits) = attempts_for(429, impatient).await;
    assert_eq!((attempts, waits.len()), (1, 0));
}

#[tokio::test]
async fn a_custom_policy_is_followed() {
    let policy = RetryPolicy::none()
        .with_statuses([StatusCode::INTERNAL_SERVER_ERROR])
        .with_waits([Duration::from_millis(1), Duration::from_millis(2)]);
    assert_eq!(policy.max_attempts(), 3);
    let (attempts, waits) = attempts_for(500, policy.clone()).await;
    assert_eq!(attempts, 3);
    assert_eq!(waits, [Duration::from_millis(1), Duration::from_millis(2)]);
    let (attempts, _) = attempts_for(503, policy).await;
    assert_eq!(attempts, 1);
}

#[tokio::test]
async fn a_503_then_a_success_is_one_successful_call() {
    let recovered = Arc::new(AtomicBool::new(false));
    let server_recovered = recovered.clone();
    let server = FaultServer::start(move |_| {
        if server_recovered.load(Ordering::SeqCst) {
            write(json("200 OK", r#"{"token":"after-retry"}"#))
        } else {
            write(response(
                "503 Service Unavailable",
                &[("content-type", "text/html")],
                "<html>maintenance</html>",
            ))
        }
    })
    .await;
    let (call, mut steps) = stepped_call(&server);

    // The first attempt failed and the client waits: the server recovers.
    let (wait, go) = steps.recv().await.unwrap();
    assert_eq!(wait, Duration::from_millis(100));
    assert_eq!(server.request_count(), 1);
    recovered.store(true, Ordering::SeqCst);
    go.send(()).unwrap();

    let output = call.await.unwrap().unwrap();
    assert_eq!(
        output.field(descope_spec::fields::embedded_link_signin::response::TOKEN),
        Some(&serde_json::json!("after-retry"))
    );
    assert_eq!(server.request_count(), 2);
    assert!(steps.try_recv().is_err(), "no further wait");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error_and_not_retried() {
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = client::builder(closed_port_url())
        .sleep(sleeps.clone())
        .build()
        .unwrap();
    for op in OPS {
        let (kind, _) = transport(&format!("{op:?}"), call(&client, op).await);
        assert_eq!(kind, TransportErrorKind::Connect, "{op:?}");
        assert!(sleeps.taken().is_empty(), "{op:?}: retried");
    }
}

#[tokio::test]
async fn a_503_storm_gives_up_after_the_policy_with_the_last_error() {
    let scripts = Scripted::start(RetryPolicy::default()).await;
    for op in OPS {
        let (result, attempts, waits) = scripts.play(op, vec![unavailable_json]).await;
        assert_eq!((attempts, &waits[..]), (4, &SDK_WAITS[..]), "{op:?}");
        let error = result.unwrap_err();
        let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            api.message(),
            Some("attempt 4"),
            "the last error is returned"
        );

        let (result, attempts, waits) = scripts.play(op, vec![unavailable_html]).await;
        assert_eq!((attempts, waits.len()), (4, 3), "{op:?}");
        match result {
            Err(Error::MalformedResponse {
                status, excerpt, ..
            }) => {
                assert_eq!(status.as_u16(), 503);
                assert_eq!(
                    excerpt.as_deref(),
                    Some("<html>maintenance, attempt 4</html>")
                );
            }
            other => panic!("{op:?}: {other:?}"),
        }

        let (result, attempts, _) = scripts.play(op, vec![unavailable_empty]).await;
        assert_eq!(attempts, 4);
        assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    }
}

#[tokio::test]
async fn retries_stop_at_the_first_answer_that_is_not_retried() {
    let scripts = Scripted::start(RetryPolicy::default()).await;
    for op in OPS {
        let (result, attempts, waits) = scripts
            .play(op, vec![unavailable_json, unavailable_html, internal])
            .await;
        assert_eq!((attempts, waits.len()), (3, 2), "{op:?}");
        assert_eq!(result.unwrap_err().error_code(), Some("E000500"));

        let (result, attempts, waits) = scripts
            .play(op, vec![unavailable_json, unavailable_empty, ok])
            .await;
        assert_eq!((attempts, waits.len()), (3, 2), "{op:?}");
        assert!(result.is_ok(), "{op:?}: {result:?}");
    }
}

#[tokio::test]
async fn a_call_whose_outcome_is_unknown_is_not_sent_again() {
    let scripts = Scripted::start(RetryPolicy::default()).await;
    for op in OPS {
        for (what, fault) in [("reset", reset as Answer), ("closed", close)] {
            // The fault first: one attempt, no wait.
            let (result, attempts, waits) = scripts.play(op, vec![fault, ok]).await;
            assert!(
                matches!(result, Err(Error::Transport { .. })),
                "{op:?} {what}: {result:?}"
            );
            assert_eq!((attempts, waits.len()), (1, 0), "{op:?} {what}");

            // After a retried 503: the retry happened, then nothing more.
            let (result, attempts, waits) =
                scripts.play(op, vec![unavailable_json, fault, ok]).await;
            assert!(
                matches!(result, Err(Error::Transport { .. })),
                "{op:?} {what}: {result:?}"
            );
            assert_eq!(
                (attempts, &waits[..]),
                (2, &SDK_WAITS[..1]),
                "{op:?} {what}"
            );
        }
    }
}

/// A proxy's rate-limit page: HTML, with a valid `Retry-After`.
fn proxy_429(_: &Request) -> Vec<Step> {
    write(proxy_429_page("3"))
}

#[tokio::test]
async fn a_proxys_429_page_is_waited_out_by_its_retry_after() {
    let policy = RetryPolicy::default().retry_rate_limited(
        1,
        Duration::from_secs(10),
        Duration::from_secs(1),
    );
    let scripts = Scripted::start(policy).await;
    for op in OPS {
        let (result, attempts, waits) = scripts.play(op, vec![proxy_429, ok]).await;
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!(
            (attempts, &waits[..]),
            (2, &[Duration::from_secs(3)][..]),
            "{op:?}"
        );
    }
}

#[tokio::test]
async fn a_503_cut_mid_body_is_retried_like_any_503() {
    // The server said 503 before the body broke off: it did not do the work,
    // so the call is retried as any 503 is, and ends on the next answer.
    let scripts = Scripted::start(RetryPolicy::default()).await;
    for op in OPS {
        let (result, attempts, waits) = scripts.play(op, vec![cut_503, ok]).await;
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!((attempts, &waits[..]), (2, &SDK_WAITS[..1]), "{op:?}");
        // A storm of them is bounded by the policy like any storm.
        let storm: Vec<Answer> = vec![cut_503; 5];
        let (result, attempts, waits) = scripts.play(op, storm).await;
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{op:?}: {result:?}"
        );
        assert_eq!((attempts, &waits[..]), (4, &SDK_WAITS[..]), "{op:?}");
    }
}

#[tokio::test]
async fn a_timed_out_attempt_is_not_retried() {
    // Each operation's first attempt gets a 503, its retry no answer. One
    // server and client for all, built first; the calls run side by side.
    let answered = Mutex::new(std::collections::HashSet::new());
    let server = FaultServer::start(move |request| {
        if answered.lock().unwrap().insert(request.operation()) {
            unavailable_json(request)
        } else {
            vec![Step::Hang]
        }
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = builder(&server, sleeps.clone())
        .request_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    for (op, result) in call_all_at_once(&client).await {
        let error = result.unwrap_err();
        assert!(error.is_timeout(), "{op:?}: {error:?}");
    }
    assert_eq!(server.request_count(), 2 * OPS.len());
    for op in OPS {
        assert_eq!(server.requests_for(op).len(), 2, "{op:?}");
    }
    assert_eq!(sleeps.taken(), [SDK_WAITS[0]; OPS.len()]);
}

#[tokio::test]
async fn a_retried_status_is_retried_whatever_its_body() {
    // An oversized 503 is still a 503: the policy retries it, each attempt capped.
    let server = FaultServer::start(|_| {
        write(response(
            "503 Service Unavailable",
            &[("content-type", "text/html")],
            "x".repeat(10_000),
        ))
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = builder(&server, sleeps.clone())
        .max_response_bytes(1000)
        .build()
        .unwrap();
    match call(&client, Operation::EmbeddedLinkSignin).await {
        Err(Error::ResponseTooLarge { status, limit }) => {
            assert_eq!((status.as_u16(), limit), (503, 1000));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((server.request_count(), sleeps.taken().len()), (4, 3));
}

#[tokio::test]
async fn rate_limits_with_a_malformed_retry_after_wait_the_fallback() {
    let server = FaultServer::start(|_| {
        write(response(
            "429 Too Many Requests",
            &[
                ("content-type", "application/json"),
                ("retry-after", "soon"),
            ],
            r#"{"errorCode":"E130429"}"#,
        ))
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let policy =
        RetryPolicy::none().retry_rate_limited(2, Duration::from_secs(30), Duration::from_secs(3));
    let client = policy_client(&server, sleeps.clone(), policy.clone());
    let error = call(&client, Operation::UpdateUserPhoneMagicLinkSms)
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), None);
    assert_eq!(server.request_count() as u32, policy.max_attempts());
    assert_eq!(sleeps.taken(), [Duration::from_secs(3); 2]);
}

#[tokio::test]
async fn mixed_storms_count_each_kind_of_retry_separately() {
    // 503, 429, 503, 429, ...: three server retries and two rate-limit
    // retries at most, so six attempts, ending on the 429 that is not retried.
    let server = FaultServer::start(|request| {
        if request.index.is_multiple_of(2) {
            unavailable_json(request)
        } else {
            write(response(
                "429 Too Many Requests",
                &[("content-type", "application/json"), ("retry-after", "1")],
                format!(
                    r#"{{"errorCode":"E130429","errorMessage":"attempt {}"}}"#,
                    request.index + 1
                ),
            ))
        }
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let policy = RetryPolicy::default().retry_rate_limited(
        2,
        Duration::from_secs(10),
        Duration::from_secs(1),
    );
    assert_eq!(policy.max_attempts(), 6);
    let client = policy_client(&server, sleeps.clone(), policy);
    let error = call(&client, Operation::EmbeddedLinkSignin)
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.api().and_then(|a| a.message()), Some("attempt 6"));
    assert_eq!(server.request_count(), 6);
    assert_eq!(
        sleeps.taken(),
        [
            Duration::from_millis(100),
            Duration::from_secs(1),
            Duration::from_secs(5),
            Duration::from_secs(1),
            Duration::from_secs(5),
        ]
    );
}

#[tokio::test]
async fn the_total_time_of_a_call_is_bounded_by_the_policy() {
    // Real waits and real timeouts: 503s that each take 200 ms, then a
    // server that never answers. The call must end within the attempts'
    // timeouts plus the waits (plus slack for a busy machine).
    let timeout = Duration::from_millis(500);
    let waits = [Duration::from_millis(50), Duration::from_millis(50)];
    let policy = RetryPolicy::default().with_waits(waits);
    let server = FaultServer::start(|request| {
        if request.index < 2 {
            let mut steps = vec![Step::Pause(Duration::from_millis(200))];
            steps.extend(unavailable_json(request));
            steps
        } else {
            vec![Step::Hang]
        }
    })
    .await;
    let client = builder(&server, Arc::default())
        .sleep(Arc::new(TokioSleep))
        .request_timeout(timeout)
        .retry_policy(policy.clone().with_jitter(false))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = call(&client, Operation::EmbeddedLinkSignin)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.request_count() as u32, policy.max_attempts());
    let bound = timeout * policy.max_attempts() + waits.iter().sum::<Duration>();
    assert!(
        elapsed < bound + Duration::from_secs(2),
        "{elapsed:?} > {bound:?}"
    );
}

#[test]
fn max_attempts_never_overflows() {
    let policy =
        RetryPolicy::default().retry_rate_limited(u32::MAX, Duration::ZERO, Duration::ZERO);
    assert_eq!(policy.max_attempts(), u32::MAX);
}

#[tokio::test]
async fn a_server_gone_during_the_wait_ends_the_call_with_a_transport_error() {
    let server = FaultServer::start(unavailable_json).await;
    let (call, mut steps) = stepped_call(&server);
    // The first attempt got a 503; the server goes away during the wait.
    let (wait, go) = steps.recv().await.unwrap();
    assert_eq!(wait, SDK_WAITS[0]);
    assert_eq!(server.request_count(), 1);
    server.shutdown().await;
    go.send(()).unwrap();
    let (kind, _) = transport("the retry", call.await.unwrap());
    assert!(
        matches!(
            kind,
            TransportErrorKind::Connect | TransportErrorKind::Other
        ),
        "{kind:?}"
    );
    assert!(steps.try_recv().is_err(), "no further wait");
}

#[tokio::test]
async fn a_retry_sends_the_same_request_as_the_first_attempt() {
    // The first attempt takes the call's body and a retry builds it again:
    // the server must not be able to tell the attempts apart.
    let server = FaultServer::start(|request| {
        if request.index < 2 || request.index == 3 {
            unavailable_json(request)
        } else {
            ok(request)
        }
    })
    .await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = builder(&server, sleeps).build().unwrap();
    let sent = client
        .magic_link()
        .update_phone_sms(client::refresh_jwt(), "ada@example.com", "+1 202 555 0123")
        .uri("https://app.example.com/verify")
        .add_to_login_ids(true)
        .provider_id("twilio")
        .template_options([("name", "Ada"), ("team", "Engines")])
        .locale("en-GB")
        .send()
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    let link = client
        .management()
        .users()
        .embedded_link("ada@example.com")
        .timeout(Duration::from_secs(300))
        .custom_claims(serde_json::json!({"role": "admin"}))
        .send()
        .await;
    assert!(link.is_ok(), "{link:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "three attempts, then two for the link");
    let first = &requests[0];
    assert_eq!(first.json()["templateOptions"]["team"], "Engines");
    assert_eq!(first.json()["phone"], "+12025550123");
    for retry in &requests[1..3] {
        assert_eq!(first.json(), retry.json());
        assert_eq!(first.headers, retry.headers);
        assert_eq!(first.body.len(), retry.body.len());
    }
    assert_eq!(requests[3].json(), requests[4].json());
    assert_eq!(requests[3].json()["customClaims"]["role"], "admin");
}
