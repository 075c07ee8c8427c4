//! Scripted replies: each error reaches the caller typed, rate limits carry
//! their Retry-After, bursts of 503 are retried through, a script can aim at
//! one operation, delays hold the answer, and a request the fake refuses
//! does not use a script up.

use std::sync::Arc;
use std::time::Duration;

use descope_ergonomic::Error;
use descope_spec::Operation;
use descope_testkit::client::{builder, refresh_jwt};
use descope_testkit::credentials::USER;
use descope_testkit::raw::post;
use descope_testkit::sleep::RecordedSleeps;
use fake_descope::Reply;
use serde_json::json;

use crate::support::{client, fake, management_bearer, EMBEDDED_LINK};

fn status(error: &Error) -> u16 {
    error.status().map(|s| s.as_u16()).unwrap_or_default()
}

#[tokio::test]
async fn scripted_errors_reach_the_caller_typed() {
    let fake = fake().await;
    let client = client(&fake);
    let cases = [
        (
            Reply::error(400, "E011003").message("The phone number cannot receive SMS"),
            400,
            "E011003",
        ),
        (Reply::error(401, "E061004"), 401, "E061004"),
        (Reply::error(403, "E061006"), 403, "E061006"),
        (Reply::user_not_found(), 404, "E062108"),
        (Reply::error(500, "E000000"), 500, "E000000"),
    ];
    for (reply, want_status, want_code) in cases {
        fake.script(reply.clone());
        let error = client
            .magic_link()
            .update_phone_sms(refresh_jwt(), USER, "+12025550123")
            .send()
            .await
            .unwrap_err();
        assert_eq!(status(&error), want_status, "{error}");
        assert_eq!(error.error_code(), Some(want_code));
        fake.script(reply);
        let error = client
            .management()
            .users()
            .embedded_link(USER)
            .send()
            .await
            .unwrap_err();
        assert_eq!(status(&error), want_status, "{error}");
        assert_eq!(error.error_code(), Some(want_code));
    }
    assert_eq!(fake.scripted(), 0);
    assert_eq!(fake.received().len(), 10, "no scripted error is retried");
}

#[tokio::test]
async fn a_rate_limit_reports_its_retry_after() {
    let fake = fake().await;
    let client = client(&fake);
    fake.script(Reply::rate_limited().retry_after(7));
    let error = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.error_code(), Some("E130429"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(fake.received()[0].status, 429);

    fake.script(Reply::error(429, "E170429"));
    let error = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), None);
    assert_eq!(fake.received().len(), 2, "a 429 is not retried");
}

#[tokio::test]
async fn a_burst_of_503_is_retried_until_it_passes() {
    let fake = fake().await;
    let sleeps = Arc::new(RecordedSleeps::default());
    let client = builder(fake.base_url())
        .sleep(sleeps.clone())
        .build()
        .unwrap();
    fake.script(Reply::unavailable().times(3));
    let sent = client
        .magic_link()
        .update_phone_sms(refresh_jwt(), USER, "+12025550123")
        .send()
        .await
        .expect("the fourth attempt succeeds");
    assert_eq!(sent.masked_phone(), "+1******0123");
    let statuses: Vec<u16> = fake.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 503, 200]);
    assert_eq!(
        sleeps.taken(),
        [
            Duration::from_millis(100),
            Duration::from_secs(5),
            Duration::from_secs(5)
        ]
    );

    fake.clear_received();
    fake.script(
        Reply::unavailable()
            .times(4)
            .on(Operation::EmbeddedLinkSignin),
    );
    let error = client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 503);
    assert_eq!(fake.received().len(), 4, "three retries, then the error");
}

#[tokio::test]
async fn a_script_for_one_endpoint_leaves_the_other_alone() {
    let fake = fake().await;
    let client = client(&fake);
    fake.script(Reply::error(500, "E000000").on(Operation::EmbeddedLinkSignin));
    client
        .magic_link()
        .update_phone_sms(refresh_jwt(), USER, "+12025550123")
        .send()
        .await
        .expect("not the scripted endpoint");
    assert_eq!(fake.scripted(), 1);
    assert!(client
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .is_err());
    assert_eq!(fake.scripted(), 0);
}

#[tokio::test]
async fn a_delay_holds_the_answer_and_can_outlast_the_client() {
    let fake = fake().await;
    fake.script(Reply::normal().after(Duration::from_millis(300)));
    let started = std::time::Instant::now();
    client(&fake)
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let impatient = builder(fake.base_url())
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    fake.script(Reply::normal().after(Duration::from_secs(2)));
    let error = impatient
        .management()
        .users()
        .embedded_link(USER)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(
        fake.received().len(),
        2,
        "the abandoned request is still recorded"
    );
}

#[tokio::test]
async fn a_refused_request_does_not_use_up_a_script() {
    let fake = fake().await;
    fake.script(Reply::unavailable());
    post(
        fake.base_url(),
        EMBEDDED_LINK,
        &management_bearer(),
        &json!({}),
    )
    .await
    .assert_descope_error(400, "E011002");
    post(
        fake.base_url(),
        EMBEDDED_LINK,
        "P:x",
        &json!({"loginId": USER}),
    )
    .await
    .assert_descope_error(401, "E061004");
    assert_eq!(fake.scripted(), 1);
    let answer = post(
        fake.base_url(),
        EMBEDDED_LINK,
        &management_bearer(),
        &json!({"loginId": USER}),
    )
    .await;
    answer.assert_descope_error(503, "E000000");
}
