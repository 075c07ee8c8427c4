//! A `reqwest::Client` of the caller's (`DescopeClientBuilder::http_client`):
//! each promise the crate makes with its own client, tried with one the
//! caller built as it pleased, on every operation.

use std::time::Duration;

use descope_ergonomic::{DescopeClientBuilder, Error, Field, Reason, TransportErrorKind};
use descope_spec::Operation;
use descope_testkit::client::{builder, call, call_all_at_once, management_authorization, OPS};
use descope_testkit::credentials::MANAGEMENT_KEY;
use descope_testkit::fault_server::{json, response, success_for, write, FaultServer, Step};
use reqwest::header::{HeaderMap, HeaderValue};

use crate::{refused, transport};

/// A client as a service might build one: redirects followed (reqwest's
/// default), no timeout, its own user agent and default headers.
fn callers_client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-service-trace", HeaderValue::from_static("t-1"));
    headers.insert("x-descope-sdk-name", HeaderValue::from_static("not-rust"));
    reqwest::Client::builder()
        .user_agent("my-service/1.0")
        .default_headers(headers)
        .build()
        .unwrap()
}

/// A builder like [`builder`]'s on [`callers_client`].
fn on_callers_client(base_url: impl Into<String>) -> DescopeClientBuilder {
    builder(base_url).http_client(callers_client())
}

#[tokio::test]
async fn the_sdk_headers_and_the_tier_replace_the_clients_defaults() {
    let server = FaultServer::start(|request| write(success_for(request))).await;
    let client = on_callers_client(server.base_url()).build().unwrap();
    for op in OPS {
        // The tier the client knows before the call: the one it was built
        // with, until the handshake's own answer replaces it.
        let tier = client.rate_limit_tier();
        assert!(tier.is_some(), "{op:?}");
        call(&client, op).await.unwrap();
        let request = server.requests().pop().unwrap();
        assert_eq!(request.operation(), Some(op.operation()));
        assert_eq!(request.header("x-descope-sdk-name"), Some("rust"));
        assert_eq!(
            request.header("x-descope-sdk-version"),
            Some(env!("CARGO_PKG_VERSION"))
        );
        let agent = format!("descope-ergonomic/{} (rust)", env!("CARGO_PKG_VERSION"));
        assert_eq!(request.header("user-agent"), Some(agent.as_str()));
        // What the crate does not set is the caller's to keep.
        assert_eq!(request.header("x-service-trace"), Some("t-1"));
        let sdk_names = request
            .headers
            .iter()
            .filter(|(name, _)| name == "x-descope-sdk-name")
            .count();
        assert_eq!(sdk_names, 1);
        // The credential and the tier are the operation's, as the table says.
        assert_eq!(
            request.header("x-descope-license"),
            tier.as_deref().filter(|_| op.carries_license()),
            "{op:?}"
        );
        assert_eq!(
            request.header("authorization"),
            op.authorization().as_deref(),
            "{op:?}"
        );
    }
    assert_eq!(server.request_count(), OPS.len());
}

#[tokio::test]
async fn the_request_timeout_holds_whatever_the_client_says() {
    let server = FaultServer::start(|_| vec![Step::Hang]).await;
    let client = on_callers_client(server.base_url())
        .request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    // Every operation at once: they wait out their timeouts side by side.
    for (op, result) in call_all_at_once(&client).await {
        let (kind, _) = transport(&format!("{op:?}"), result);
        assert_eq!(kind, TransportErrorKind::Timeout, "{op:?}");
    }
}

#[tokio::test]
async fn a_redirect_the_client_follows_within_the_origin_is_refused() {
    let server = FaultServer::start(|request| {
        if request.path.starts_with("/moved") {
            write(success_for(request))
        } else {
            write(response(
                "307 Temporary Redirect",
                &[("location", "/moved?to=here")],
                "",
            ))
        }
    })
    .await;
    let client = on_callers_client(server.base_url()).build().unwrap();
    for op in OPS {
        let error = call(&client, op).await.unwrap_err();
        let Error::RedirectFollowed { to } = &error else {
            panic!("{op:?}: {error:?}");
        };
        assert!(to.ends_with("/moved?to=here"), "{to}");
    }
    // The crate's own client, same server: never followed.
    let own = builder(server.base_url()).build().unwrap();
    let error = call(&own, Operation::EmbeddedLinkSignin).await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_take_the_credential_along() {
    let elsewhere = FaultServer::start(|request| write(success_for(request))).await;
    let target = format!("{}/stolen", elsewhere.base_url());
    let server = FaultServer::start(move |_| {
        write(response("302 Found", &[("location", target.as_str())], ""))
    })
    .await;
    let client = on_callers_client(server.base_url()).build().unwrap();
    for op in OPS {
        let error = call(&client, op).await.unwrap_err();
        assert!(
            matches!(error, Error::RedirectFollowed { .. }),
            "{op:?}: {error:?}"
        );
        assert!(!format!("{error} {error:?}").contains(MANAGEMENT_KEY));
        for secret in op.sent_secrets() {
            assert!(!format!("{error} {error:?}").contains(secret), "{op:?}");
        }
    }
    let arrived = elsewhere.requests();
    assert_eq!(arrived.len(), OPS.len());
    for request in arrived {
        assert_eq!(request.header("authorization"), None, "{request:?}");
    }
}

#[tokio::test]
async fn the_body_cap_holds() {
    let body = format!(r#"{{"token":"{}"}}"#, "t".repeat(4000));
    let server = FaultServer::start(move |_| write(json("200 OK", body.as_str()))).await;
    let client = on_callers_client(server.base_url())
        .max_response_bytes(1000)
        .build()
        .unwrap();
    for op in OPS {
        let error = call(&client, op).await.unwrap_err();
        assert!(
            matches!(error, Error::ResponseTooLarge { limit: 1000, .. }),
            "{op:?}: {error:?}"
        );
    }
}

#[test]
fn plain_http_stays_for_loopback_and_the_connect_timeout_is_the_clients() {
    assert_eq!(
        refused(on_callers_client("http://descope.internal").build()),
        (Field::BaseUrl, Reason::InsecureScheme)
    );
    let built = on_callers_client("http://127.0.0.1:1")
        .connect_timeout(Duration::from_secs(1))
        .build();
    assert_eq!(
        refused(built),
        (Field::ConnectTimeout, Reason::SetOnTheHttpClient)
    );
}

/// The credential stays marked sensitive, and the headers and timeout go
/// on each request, whoever executes it: descope-raw's wire tests check the
/// request its hooks finish. Here: the raw escape hatch of a client on the
/// caller's `reqwest::Client` keeps the SDK headers and the tier.
#[tokio::test]
async fn the_raw_escape_hatch_keeps_the_headers_on_the_callers_client() {
    let server = FaultServer::start(|request| write(success_for(request))).await;
    let client = on_callers_client(server.base_url()).build().unwrap();
    let raw = client.raw(HeaderValue::from_str(&management_authorization()).unwrap());
    let printed = format!("{raw:?}");
    assert!(!printed.contains(MANAGEMENT_KEY), "{printed}");
    raw.embedded_link_signin()
        .body(descope_ergonomic::raw::types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap();
    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.header("x-descope-sdk-name"), Some("rust"));
    assert_eq!(request.header("x-descope-license"), Some("tier2"));
}
