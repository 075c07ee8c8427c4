//! The bench's server, clients and measurement loop, checked on a handful of
//! calls in the test profile: every call must succeed and reach the server.
//! Nothing here is timed.

use descope_bench as bench;

use bench::clients::{Client, ClientKind};
use bench::load::{self, Stop};
use bench::{memory, report, server, stats};

#[test]
fn every_client_completes_every_call_at_each_concurrency() {
    let answered = bench::smoke(6).unwrap();
    let windows = (ClientKind::ALL.len() * bench::CONCURRENCY.len()) as u64;
    assert_eq!(answered, 6 * windows);
}

#[test]
fn a_timed_run_counts_its_calls_and_their_latencies() {
    let server = server::LoopbackServer::start().unwrap();
    let runtime = load::client_runtime().unwrap();
    let client = Client::new(ClientKind::Ergonomic, &server.base_url()).unwrap();
    let sample = load::run(
        &runtime,
        &client,
        4,
        Stop::Lasting(std::time::Duration::from_millis(200)),
    );
    sample.check(None).unwrap();
    assert!(sample.succeeded() > 0);
    assert_eq!(server.answered(), sample.succeeded());
    assert!(sample.per_sec() > 0.0);
    assert!(sample.latency_us(0.5) <= sample.latency_us(0.99));
}

#[test]
fn a_call_the_server_refuses_is_counted_as_failed() {
    let server = server::LoopbackServer::start().unwrap();
    let runtime = load::client_runtime().unwrap();
    // A base URL with a path prefix the server does not know: every call gets a 404.
    let client = Client::new(
        ClientKind::Reqwest,
        &format!("{}/nowhere", server.base_url()),
    )
    .unwrap();
    let sample = load::run(&runtime, &client, 2, Stop::After(4));
    assert_eq!(sample.failed, 4);
    assert!(sample.check(None).unwrap_err().contains("404"));
}

#[test]
fn median_of_odd_and_even_counts() {
    assert_eq!(stats::median([3.0, 1.0, 2.0]), 2.0);
    assert_eq!(stats::median([4.0, 1.0, 2.0, 3.0]), 2.5);
    assert_eq!(stats::median([]), 0.0);
}

#[test]
fn nearest_rank_quantiles() {
    let values: Vec<u64> = (1..=100).collect();
    assert_eq!(stats::quantile_sorted(&values, 0.5), 50);
    assert_eq!(stats::quantile_sorted(&values, 0.99), 99);
    assert_eq!(stats::quantile_sorted(&values, 1.0), 100);
    assert_eq!(stats::quantile_sorted(&[7], 0.0), 7);
    assert_eq!(stats::quantile_sorted(&[], 0.5), 0);
}

#[test]
fn the_peak_is_read_from_a_status_text() {
    let status = "Name:\tloopback\nVmPeak:\t  20000 kB\nVmHWM:\t   9876 kB\nVmRSS:\t 9000 kB\n";
    assert_eq!(memory::vmhwm_kib(status), Some(9876));
    assert_eq!(memory::vmhwm_kib("Name:\tx\n"), None);
    assert!(memory::peak_rss_kib().unwrap() > 0);
}

/// A sample of `kind` that made `per_sec` calls in one second, each taking 1 ms.
fn sample(kind: ClientKind, concurrency: usize, per_sec: u64) -> load::Sample {
    load::Sample {
        kind,
        concurrency,
        failed: 0,
        first_error: None,
        elapsed: std::time::Duration::from_secs(1),
        cpu: Some(std::time::Duration::from_millis(500)),
        latencies: vec![1_000_000; per_sec as usize],
    }
}

#[test]
fn the_report_ends_with_one_ratio_line_per_client_and_concurrency() {
    // Two rounds; in each the raw client does 90 % and the wrapper 80 % of the floor.
    let rounds = load::Rounds {
        rounds: [1000, 2000]
            .into_iter()
            .map(|floor| {
                bench::CONCURRENCY
                    .into_iter()
                    .flat_map(|c| {
                        [
                            sample(ClientKind::Reqwest, c, floor),
                            sample(ClientKind::Raw, c, floor * 9 / 10),
                            sample(ClientKind::Ergonomic, c, floor * 8 / 10),
                        ]
                    })
                    .collect()
            })
            .collect(),
    };
    let text = report::render(&rounds, &[]);
    let last: Vec<&str> = text.lines().rev().take(4).collect();
    assert_eq!(
        last.into_iter().rev().collect::<Vec<_>>(),
        [
            "RATIO descope-raw/reqwest concurrency=1 0.90",
            "RATIO descope-ergonomic/reqwest concurrency=1 0.80",
            "RATIO descope-raw/reqwest concurrency=32 0.90",
            "RATIO descope-ergonomic/reqwest concurrency=32 0.80",
        ]
    );
}
