//! Starting, stopping and dropping a fake.

mod common;

use std::time::Duration;

use common::*;
use fake_descope::{FakeDescope, Reply};

#[tokio::test]
async fn dropping_the_fake_releases_its_port_at_once() {
    let fake = FakeDescope::start().await;
    let addr = fake.addr();
    assert_eq!(fake.base_url(), format!("http://{addr}"));
    drop(fake);
    // The aborted task lets go of the socket the next time the runtime runs it.
    for _ in 0..100 {
        if tokio::net::TcpListener::bind(addr).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{addr} is still taken after the fake was dropped");
}

#[tokio::test]
async fn shutdown_lets_a_request_in_progress_finish() {
    let fake = fake().await;
    fake.script(Reply::normal().after(Duration::from_millis(300)));
    let client = client(&fake);
    let call = tokio::spawn(async move { client.embedded_link(USER).send().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let addr = fake.addr();
    fake.shutdown().await;
    assert!(
        call.await.unwrap().is_ok(),
        "the delayed answer still arrived"
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn fakes_run_side_by_side_without_sharing_state() {
    let (a, b) = (fake().await, FakeDescope::start().await);
    assert_ne!(a.base_url(), b.base_url());
    client(&a).embedded_link(USER).send().await.unwrap();
    let error = client(&b).embedded_link(USER).send().await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!((a.received().len(), b.received().len()), (1, 1));
}
