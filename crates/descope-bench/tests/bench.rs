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

#[test]
fn callgrind_output_gives_instructions_and_allocator_calls() {
    use bench::instructions::{parse_callgrind, Count};
    // Name compression: `(id) name` defines, `(id)` refers back.
    let text = "\
version: 1
events: Ir
fn=(1) main
5 100
cfn=(2) malloc
calls=7 0
5 700
cfn=(3) free
calls=7 0
5 70
fn=(4) worker
cfn=(2)
calls=3 0
6 30
cfn=(5) realloc
calls=2 0
6 20
cfn=(6) malloc_usable_size
calls=9 0
6 9
fn=(2)
7 50
summary: 123456
";
    assert_eq!(
        parse_callgrind(text).unwrap(),
        Count {
            instructions: 123_456,
            allocations: 12
        }
    );
    // Without compression, and `totals:` standing in for `summary:`.
    let plain = "fn=main\ncfn=calloc\ncalls=4 0\n1 1\ntotals: 99\n";
    assert_eq!(
        parse_callgrind(plain).unwrap(),
        Count {
            instructions: 99,
            allocations: 4
        }
    );
    assert!(parse_callgrind("fn=main\n")
        .unwrap_err()
        .contains("summary"));
}

#[test]
fn the_counts_end_in_instr_and_alloc_lines_against_the_floor() {
    use bench::instructions::{render, PerCall};
    let figure = |kind, concurrency, instructions, allocations| PerCall {
        kind,
        concurrency,
        instructions,
        allocations,
        samples: vec![instructions; 5],
    };
    let figures = [
        figure(ClientKind::Reqwest, 32, 84_000.0, 50.0),
        figure(ClientKind::Raw, 32, 87_360.0, 55.0),
        figure(ClientKind::Ergonomic, 32, 94_584.0, 68.5),
    ];
    let out = render(&figures, (1000, 3000));
    let lines: Vec<&str> = out.lines().rev().take(4).collect();
    assert_eq!(
        lines,
        [
            "ALLOC descope-ergonomic/reqwest concurrency=32 1.37",
            "INSTR descope-ergonomic/reqwest concurrency=32 1.126",
            "ALLOC descope-raw/reqwest concurrency=32 1.10",
            "INSTR descope-raw/reqwest concurrency=32 1.040",
        ]
    );
    assert!(out.contains("median of 5"), "{out}");
}

#[test]
fn without_valgrind_the_bench_says_how_to_get_it() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_descope-bench"))
        .arg("--instructions")
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("valgrind is needed"), "{stderr}");
    assert!(stderr.contains("apt-get install valgrind"), "{stderr}");
}

#[test]
fn the_validation_bench_runs_on_tiny_counts_without_the_sdks() {
    use bench::validation::{self, Contender, Plan};
    let figures = validation::run(Plan {
        rounds: 2,
        window: std::time::Duration::from_millis(5),
        warmup: std::time::Duration::ZERO,
        tokens: 3,
        storm: 50,
        sdks: false,
    })
    .unwrap();
    let contenders: Vec<Contender> = figures.contenders.iter().map(|(c, _)| *c).collect();
    assert_eq!(contenders, [Contender::Ours, Contender::Floor]);
    assert_eq!(figures.rounds.len(), 2);
    // Each window validates every token at least once.
    assert!(figures.rounds.iter().flatten().all(|w| w.validations >= 3));
    assert_eq!((figures.storm.tokens, figures.storm.refused), (50, 50));
    assert!(
        figures.storm.fetches <= figures.storm.allowed(),
        "{:?}",
        figures.storm
    );
    let text = validation::render(&figures);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("VALIDATION ours/floor "),
        "{text}"
    );
    assert!(!text.contains("VALIDATION ours/node-sdk"), "{text}");
}

#[test]
fn the_validation_report_ends_with_the_validation_lines() {
    use bench::validation::{render, Contender, Figures, Storm, Window};
    use std::time::Duration;
    // Per round, in 10 ms: ours 1000 validations on 10 ms of CPU, the floor
    // 1000 on 8 ms, Node 200, Python 50.
    let window = |validations, cpu_ms| Window {
        validations,
        wall: Duration::from_millis(10),
        cpu: Some(Duration::from_millis(cpu_ms)),
    };
    let figures = Figures {
        contenders: [
            Contender::Ours,
            Contender::Floor,
            Contender::NodeSdk,
            Contender::PythonSdk,
        ]
        .into_iter()
        .map(|c| (c, c.label().to_string()))
        .collect(),
        rounds: vec![
            vec![
                window(1000, 10),
                window(1000, 8),
                window(200, 10),
                window(50, 10)
            ];
            3
        ],
        window: Duration::from_millis(10),
        tokens: 64,
        storm: Storm {
            tokens: 10_000,
            refused: 10_000,
            fetches: 1,
            elapsed: Duration::from_millis(40),
            cooldown: Duration::from_secs(30),
        },
    };
    let text = render(&figures);
    let last: Vec<&str> = text.lines().rev().take(3).collect();
    assert_eq!(
        last.into_iter().rev().collect::<Vec<_>>(),
        [
            "VALIDATION ours/node-sdk 5.00",
            "VALIDATION ours/python-sdk 20.00",
            "VALIDATION ours/floor 1.250",
        ]
    );
    assert!(text.contains("1 GetKeysV2 fetch(es)"), "{text}");
    assert_eq!(figures.storm.allowed(), 1);
}
