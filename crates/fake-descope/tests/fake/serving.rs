//! The fake as a server: its port, its shutdown, fakes side by side, and
//! hundreds of parallel calls (every one answered, every one recorded, every
//! token distinct, scripted bursts served exactly as often as queued).

use std::collections::HashSet;
use std::time::Duration;

use descope_spec::Operation;
use descope_testkit::client::refresh_jwt;
use descope_testkit::credentials::USER;
use fake_descope::{FakeDescope, Reply};

use crate::support::{client, fake};

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
    let call =
        tokio::spawn(async move { client.management().users().embedded_link(USER).send().await });
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
    client(&a)
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap();
    let error = client(&b)
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!((a.received().len(), b.received().len()), (1, 1));
}

const CALLS: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_calls_are_all_answered_and_recorded() {
    let fake = fake().await;
    let client = client(&fake);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move {
            if i % 2 == 0 {
                let link = client
                    .management()
                    .users()
                    .embedded_link(USER)
                    .send()
                    .await?;
                Ok::<_, descope_ergonomic::Error>(Some(link.token().expose_secret().to_string()))
            } else {
                let phone = format!("+1202555{:04}", i);
                let sent = client
                    .magic_link()
                    .update_phone_sms(refresh_jwt(), USER, &phone)
                    .send()
                    .await?;
                assert_eq!(sent.masked_phone(), format!("+1******{:04}", i));
                Ok(None)
            }
        });
    }
    let mut tokens = HashSet::new();
    while let Some(result) = tasks.join_next().await {
        if let Some(token) = result
            .expect("no task panicked")
            .expect("every call succeeds")
        {
            assert!(tokens.insert(token), "a token was issued twice");
        }
    }
    assert_eq!(tokens.len(), CALLS / 2);
    let received = fake.received();
    assert_eq!(received.len(), CALLS);
    assert!(received.iter().all(|r| r.status == 200));
    let phones: HashSet<String> = fake
        .received_for(Operation::UpdateUserPhoneMagicLinkSms)
        .iter()
        .map(|r| r.json().unwrap()["phone"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        phones.len(),
        CALLS / 2,
        "each update-phone request recorded once"
    );
    let issued: HashSet<String> = fake
        .received_for(Operation::EmbeddedLinkSignin)
        .iter()
        .map(|r| r.response["token"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        issued, tokens,
        "the recorded answers are the tokens the callers got"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_under_load_is_served_exactly_as_often_as_queued() {
    const BURST: usize = 150;
    let fake = fake().await;
    let client = client(&fake);
    fake.script(Reply::unavailable().times(BURST));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { client.management().users().embedded_link(USER).send().await });
    }
    let (mut ok, mut failed) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(_) => ok += 1,
            Err(error) => {
                assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
                failed += 1;
            }
        }
    }
    assert_eq!(ok + failed, CALLS);
    let received = fake.received();
    let unavailable = received.iter().filter(|r| r.status == 503).count();
    assert_eq!(unavailable, BURST);
    assert_eq!(
        received.len(),
        ok + BURST,
        "one 200 per success, and each 503 once"
    );
    assert_eq!(fake.scripted(), 0);
}
