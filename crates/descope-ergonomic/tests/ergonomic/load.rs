//! Load: 10,000 calls over 64 concurrent tasks against a loopback server
//! that fails 5% of requests at random (503, retried; 500 and connection
//! resets after the request was read, not retried). Every call
//! is accounted for, each with exactly the attempts the policy allows, each
//! answer reaches the call it belongs to, and no file descriptor outlives
//! the client.
//!
//! The server decides each answer from (seed, call, attempt) alone, so the
//! test knows what every call must end in whatever the interleaving. The
//! seed changes per run and is printed; `LOAD_SEED=<n>` replays one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_ergonomic::{Error, RetryPolicy};
use descope_testkit::client::{builder, refresh_jwt};
use descope_testkit::fault_server::{json, open_fds, write, FaultServer, Options, Request, Step};
use descope_testkit::process::alone;
use descope_testkit::sleep::RecordedSleeps;

const CALLS: usize = 10_000;
const TASKS: usize = 64;
/// Per mille of requests answered 503 (retried), 500 or a reset (not retried).
const UNAVAILABLE: u64 = 20;
const INTERNAL: u64 = 20;
const RESET: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Ok,
    Unavailable,
    Internal,
    Reset,
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn fate(seed: u64, call: usize, attempt: u32) -> Fate {
    let roll = splitmix64(seed ^ splitmix64(call as u64) ^ (u64::from(attempt) << 48)) % 1000;
    if roll < UNAVAILABLE {
        Fate::Unavailable
    } else if roll < UNAVAILABLE + INTERNAL {
        Fate::Internal
    } else if roll < UNAVAILABLE + INTERNAL + RESET {
        Fate::Reset
    } else {
        Fate::Ok
    }
}

/// What a call must end in under `max_attempts`: its attempts and outcome.
fn expected(seed: u64, call: usize, max_attempts: u32) -> (u32, Fate) {
    for attempt in 1..=max_attempts {
        match fate(seed, call, attempt) {
            Fate::Unavailable if attempt < max_attempts => continue,
            other => return (attempt, other),
        }
    }
    unreachable!("the last attempt always decides")
}

/// The call number carried in the login id `call-<n>`.
fn call_of(request: &Request) -> usize {
    request
        .login_id()
        .strip_prefix("call-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected request {request:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_with_random_faults_are_all_accounted_for() {
    // It counts the process's file descriptors.
    if !alone(
        module_path!(),
        "ten_thousand_calls_with_random_faults_are_all_accounted_for",
    ) {
        return;
    }
    let seed = std::env::var("LOAD_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
        });
    eprintln!("LOAD_SEED={seed}");
    let started = Instant::now();
    let fds_before = open_fds();
    assert!(fds_before > 0, "cannot count /proc/self/fd");

    // Attempts seen per call, on the server's side.
    let seen: Arc<Mutex<HashMap<usize, u32>>> = Arc::default();
    let server_seen = seen.clone();
    let server = FaultServer::start_with(
        Options {
            keep_requests: false,
            ..Options::default()
        },
        move |request| {
            let call = call_of(request);
            let attempt = {
                let mut seen = server_seen.lock().unwrap();
                let n = seen.entry(call).or_insert(0);
                *n += 1;
                *n
            };
            let answer = match fate(seed, call, attempt) {
                Fate::Reset => return vec![Step::Reset],
                Fate::Ok if request.path.ends_with("/embeddedlink") => {
                    json("200 OK", format!(r#"{{"token":"tok-{call}-{attempt}"}}"#))
                }
                Fate::Ok => json(
                    "200 OK",
                    format!(r#"{{"maskedPhone":"+1-{call}-{attempt}"}}"#),
                ),
                Fate::Unavailable => json(
                    "503 Service Unavailable",
                    format!(r#"{{"errorCode":"E503","errorMessage":"{call}-{attempt}"}}"#),
                ),
                Fate::Internal => json(
                    "500 Internal Server Error",
                    format!(r#"{{"errorCode":"E500","errorMessage":"{call}-{attempt}"}}"#),
                ),
            };
            write(answer)
        },
    )
    .await;

    let sleeps = Arc::new(RecordedSleeps::default());
    let policy = RetryPolicy::default();
    let max_attempts = policy.max_attempts();
    let client = builder(server.base_url())
        .retry_policy(policy.with_jitter(false))
        .request_timeout(Duration::from_secs(30))
        .sleep(sleeps.clone())
        .build()
        .unwrap();

    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let client = client.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let call = next.fetch_add(1, Ordering::SeqCst);
                if call >= CALLS {
                    return done;
                }
                let login = format!("call-{call}");
                let result: Result<String, Error> = if call.is_multiple_of(2) {
                    client
                        .management()
                        .users()
                        .embedded_link(login)
                        .send()
                        .await
                        .map(|link| link.token().expose_secret().to_string())
                } else {
                    client
                        .magic_link()
                        .update_phone_sms(refresh_jwt(), login, "+12025550123")
                        .send()
                        .await
                        .map(|sent| sent.masked_phone().to_string())
                };
                done.push((call, result));
            }
        }));
    }
    let mut outcomes: HashMap<usize, Result<String, Error>> = HashMap::with_capacity(CALLS);
    for task in tasks {
        for (call, result) in task.await.expect("no task panicked") {
            assert!(
                outcomes.insert(call, result).is_none(),
                "call {call} ran twice"
            );
        }
    }
    let fds_loaded = open_fds();

    // Every call ended, once, in what its server-side fates dictate.
    assert_eq!(outcomes.len(), CALLS, "calls lost");
    let seen = seen.lock().unwrap().clone();
    let mut expected_requests = 0usize;
    let mut expected_waits = 0usize;
    let mut tally = HashMap::new();
    for call in 0..CALLS {
        let (attempts, fate) = expected(seed, call, max_attempts);
        expected_requests += attempts as usize;
        expected_waits += attempts as usize - 1;
        assert_eq!(
            seen.get(&call).copied(),
            Some(attempts),
            "call {call}: attempts on the server (LOAD_SEED={seed})"
        );
        let outcome = &outcomes[&call];
        let tag = format!("{call}-{attempts}");
        match (fate, outcome) {
            (Fate::Ok, Ok(value)) => {
                let want = if call.is_multiple_of(2) {
                    format!("tok-{tag}")
                } else {
                    format!("+1-{tag}")
                };
                assert_eq!(value, &want, "call {call} got another call's answer");
            }
            (Fate::Reset, Err(error @ Error::Transport { .. })) => {
                assert_eq!(error.status(), None, "call {call}");
            }
            (Fate::Unavailable | Fate::Internal, Err(error)) => {
                let api = error
                    .api()
                    .unwrap_or_else(|| panic!("call {call}: {error:?}"));
                let code = if fate == Fate::Unavailable { 503 } else { 500 };
                assert_eq!(api.status().as_u16(), code, "call {call}");
                assert_eq!(api.message(), Some(tag.as_str()), "call {call}");
            }
            _ => panic!("call {call}: expected {fate:?} after {attempts}, got {outcome:?}"),
        }
        *tally.entry(format!("{fate:?}")).or_insert(0usize) += 1;
    }
    assert_eq!(seen.len(), CALLS);
    assert_eq!(
        server.request_count(),
        expected_requests,
        "requests on the server"
    );
    assert_eq!(sleeps.taken().len(), expected_waits, "retries");
    // At these rates four 503s in a row are all but impossible: the faults
    // show as retries, 500s and resets.
    assert!(
        expected_waits > 0 && tally.contains_key("Internal") && tally.contains_key("Reset"),
        "the faults happened: {tally:?}"
    );

    // While the client lives, its pool holds at most a connection per task
    // (plus ones being set up), and the server one per connection.
    let connections = server.connections();
    assert!(
        fds_loaded <= fds_before + 4 * TASKS + 8,
        "{fds_loaded} descriptors open under load, {fds_before} before"
    );
    // Connections are reused: a new one only for a task's first call, for
    // one being set up while another frees, or after a reset.
    let resets = tally.get("Reset").copied().unwrap_or(0);
    assert!(
        connections <= 2 * TASKS + resets,
        "{connections} connections for {TASKS} tasks and {resets} resets"
    );

    // Dropping the client closes its connections: the server sees each end.
    drop(client);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.open_connections() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.open_connections(),
        0,
        "connections left open by a dropped client"
    );
    // Without the client and the server, every descriptor is given back.
    server.shutdown().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut fds_after = open_fds();
    while fds_after > fds_before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        fds_after = open_fds();
    }
    assert!(
        fds_after <= fds_before,
        "{fds_after} descriptors open after, {fds_before} before"
    );
    eprintln!(
        "{CALLS} calls, {expected_requests} requests, {expected_waits} retries, {tally:?}; \
         {connections} connections; fds {fds_before} -> {fds_loaded} -> {fds_after}; {:?}",
        started.elapsed()
    );
}
