//! Hundreds of parallel calls: every one answered, every one recorded,
//! every token distinct, scripted bursts served exactly as often as queued.

mod common;

use descope_spec::Operation;
use std::collections::HashSet;
use std::sync::Arc;

use common::*;
use fake_descope::Reply;

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
                let link = client.embedded_link(USER).send().await?;
                Ok::<_, descope_ergonomic::Error>(Some(link.token().expose_secret().to_string()))
            } else {
                let phone = format!("+1202555{:04}", i);
                let sent = client
                    .update_phone_magic_link_sms(jwt(), USER, &phone)
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
    let sleeps = Arc::new(NoWait::default());
    let client = builder(&fake, sleeps).build().unwrap();
    fake.script(Reply::unavailable().times(BURST));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { client.embedded_link(USER).send().await });
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
