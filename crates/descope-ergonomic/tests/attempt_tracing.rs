//! The per-attempt tracing of a call that is retried, then fails without a
//! response: each attempt reports its own status, never an earlier one's.
//! (Its own test binary: it installs a subscriber, which must see every
//! callsite from the start.)

mod common;
mod fault_server;

use std::sync::Arc;

use common::{CapturedLog, RecordedSleeps, MANAGEMENT_KEY, PROJECT};
use descope_ergonomic::{DescopeClient, Error};
use fault_server::*;

#[tokio::test]
async fn tracing_reports_each_attempt_with_its_own_status() {
    let captured = CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
    let client = DescopeClient::builder()
        .project_id(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .base_url(server.base_url())
        .sleep(Arc::new(RecordedSleeps::default()))
        .build()
        .unwrap();
    let result = client.embedded_link("ada").send().await;
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    assert_eq!(server.request_count(), 2);
    let log = captured.text();
    let finished: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("attempt finished"))
        .collect();
    assert_eq!(finished.len(), 2, "{log}");
    assert!(finished[0].contains("status=503"), "{log}");
    // The second attempt got no response: it must not claim the first one's status.
    assert!(!finished[1].contains("status="), "{log}");
    let failed = log
        .lines()
        .find(|l| l.contains("call failed"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(failed.contains("attempts=2"), "{failed}");
    assert!(!failed.contains("status=503"), "{failed}");
}
