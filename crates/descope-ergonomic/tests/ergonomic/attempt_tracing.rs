//! The per-attempt tracing of a call that is retried, then fails without a
//! response: each attempt reports its own status, never an earlier one's.

use descope_ergonomic::Error;
use descope_testkit::client::builder;
use descope_testkit::fault_server::{json, write, FaultServer, Step};
use descope_testkit::process::alone;

use crate::capture_tracing;

#[tokio::test]
async fn tracing_reports_each_attempt_with_its_own_status() {
    // Its subscriber must see every callsite from the start.
    if !alone(
        module_path!(),
        "tracing_reports_each_attempt_with_its_own_status",
    ) {
        return;
    }
    let (captured, _guard) = capture_tracing(tracing::Level::DEBUG);

    let server = FaultServer::start(|request| {
        if request.index == 0 {
            write(json(
                "503 Service Unavailable",
                r#"{"errorCode":"E000503"}"#,
            ))
        } else {
            vec![Step::Reset]
        }
    })
    .await;
    let client = builder(server.base_url()).build().unwrap();
    let result = client
        .management()
        .users()
        .embedded_link("ada")
        .send()
        .await;
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    assert_eq!(server.request_count(), 2);
    let log = captured.text();
    let finished: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("attempt finished"))
        .collect();
    assert_eq!(finished.len(), 2, "{log}");
    assert!(finished[0].contains("status=503"), "{log}");
    // Timed when a subscriber takes the events (and only then: see the bench).
    assert!(finished.iter().all(|l| l.contains("latency_ms=")), "{log}");
    // The second attempt got no response: it must not claim the first one's status.
    assert!(!finished[1].contains("status="), "{log}");
    let failed = log
        .lines()
        .find(|l| l.contains("call failed"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(failed.contains("attempts=2"), "{failed}");
    assert!(failed.contains("latency_ms="), "{failed}");
    assert!(!failed.contains("status=503"), "{failed}");
}
