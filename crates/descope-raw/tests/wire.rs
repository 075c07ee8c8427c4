//! The generated client against a loopback mock: what goes on the wire, and
//! what comes back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use descope_raw::{types, Client, Error, RequestContext, Transport, TransportFuture};
use httpmock::prelude::*;
use reqwest::header::HeaderValue;
use serde_json::json;

const REFRESH: &str = "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:refresh.jwt.value";
const MANAGEMENT: &str = "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:management-key";

fn client(server: &MockServer, authorization: &str) -> Client {
    let context =
        RequestContext::new().with_authorization(HeaderValue::from_str(authorization).unwrap());
    Client::new_with_client(&server.base_url(), reqwest::Client::new(), context)
}

#[tokio::test]
async fn update_phone_posts_the_body_with_the_given_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/auth/magiclink/update/phone/sms")
                .header("authorization", REFRESH)
                .header("content-type", "application/json")
                .json_body(json!({
                    "loginId": "ada@example.com",
                    "phone": "+12025550123",
                    "URI": "https://app.example.com/verify",
                    "addToLoginIDs": true,
                    "templateOptions": {"appName": "Example"},
                }));
            then.status(200)
                .json_body(json!({"maskedPhone": "+1******0123"}));
        })
        .await;

    let response = client(&server, REFRESH)
        .update_user_phone_magic_link_sms()
        .body(
            types::UpdatePhoneMagicLinkSmsRequest::builder()
                .login_id("ada@example.com")
                .phone("+12025550123")
                .uri(Some("https://app.example.com/verify".parse().unwrap()))
                .add_to_login_i_ds(Some(true))
                .template_options(Some(
                    [("appName".to_string(), "Example".to_string())]
                        .into_iter()
                        .collect::<std::collections::HashMap<_, _>>(),
                )),
        )
        .send()
        .await
        .expect("the mock answers 200");

    mock.assert_async().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.masked_phone, "+1******0123");
}

#[tokio::test]
async fn embedded_link_posts_the_body_with_the_given_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/mgmt/user/signin/embeddedlink")
                .header("authorization", MANAGEMENT)
                .json_body(json!({
                    "loginId": "ada@example.com",
                    "customClaims": {"plan": "pro", "seats": 5, "beta": true},
                    "timeout": 300,
                }));
            then.status(200)
                .json_body(json!({"token": "tok-123", "maskedEmail": "a***@example.com"}));
        })
        .await;

    let claims = json!({"plan": "pro", "seats": 5, "beta": true});
    let response = client(&server, MANAGEMENT)
        .embedded_link_signin()
        .body(
            types::EmbeddedLinkSigninRequest::builder()
                .login_id("ada@example.com")
                .custom_claims(Some(claims.as_object().unwrap().clone()))
                .timeout(Some(300)),
        )
        .send()
        .await
        .expect("the mock answers 200");

    mock.assert_async().await;
    assert_eq!(response.token.expose_secret(), "tok-123");
    // The token is a credential: the generated response does not print it.
    assert!(!format!("{response:?}").contains("tok-123"), "{response:?}");
    assert_eq!(response.masked_email.as_deref(), Some("a***@example.com"));
    assert_eq!(response.masked_phone, None);
}

#[tokio::test]
async fn unset_optional_fields_stay_off_the_wire() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            // json_body matches the whole body: any extra field fails the match.
            when.path("/v1/mgmt/user/signin/embeddedlink")
                .json_body(json!({"loginId": "ada@example.com"}));
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    client(&server, MANAGEMENT)
        .embedded_link_signin()
        .body(types::EmbeddedLinkSigninRequest::builder().login_id("ada@example.com"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn error_statuses_decode_the_error_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink");
            then.status(404).json_body(json!({
                "errorCode": "E062108",
                "errorDescription": "User not found",
            }));
        })
        .await;
    let error = client(&server, MANAGEMENT)
        .embedded_link_signin()
        .body(types::EmbeddedLinkSigninRequest::builder().login_id("nobody"))
        .send()
        .await
        .unwrap_err();
    match error {
        Error::ErrorResponse(body) => {
            assert_eq!(body.status(), 404);
            assert_eq!(body.error_code, "E062108");
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[tokio::test]
async fn the_spec_constraints_refuse_bad_input_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let error = client(&server, REFRESH)
        .update_user_phone_magic_link_sms()
        .body(
            types::UpdatePhoneMagicLinkSmsRequest::builder()
                .login_id("ada@example.com")
                .phone("12025550123"),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(mock.calls_async().await, 0);
}

#[test]
fn the_context_never_prints_its_credential() {
    let context = RequestContext::new().with_authorization(HeaderValue::from_static(MANAGEMENT));
    let printed = format!("{context:?}");
    assert!(!printed.contains("management-key"), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");
    assert!(context.authorization().unwrap().is_sensitive());
}

struct Counting(AtomicUsize);

impl Transport for Counting {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a> {
        assert_eq!(operation_id, "embedded_link_signin");
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(client.execute(request))
    }
}

#[tokio::test]
async fn a_transport_executes_the_generated_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink")
                .header("authorization", MANAGEMENT);
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    let counting = Arc::new(Counting(AtomicUsize::new(0)));
    let context = RequestContext::new()
        .with_authorization(HeaderValue::from_static(MANAGEMENT))
        .with_transport(counting.clone());
    Client::new_with_client(&server.base_url(), reqwest::Client::new(), context)
        .embedded_link_signin()
        .body(types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn response_headers_are_kept() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/mgmt/user/signin/embeddedlink");
            then.status(200)
                .header("x-request-id", "r-1")
                .json_body(json!({"token": "t", "maskedEmail": "a***@example.com"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/auth/magiclink/update/phone/sms");
            then.status(302)
                .header("location", "http://127.0.0.1:9/moved");
        })
        .await;
    let call = |context: RequestContext| {
        let base = server.base_url();
        async move {
            // Not followed: the 302 itself comes back, as an unexpected response.
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let client = Client::new_with_client(&base, http, context);
            let link = client
                .embedded_link_signin()
                .body(types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
                .send()
                .await
                .unwrap();
            let moved = client
                .update_user_phone_magic_link_sms()
                .body(
                    types::UpdatePhoneMagicLinkSmsRequest::builder()
                        .login_id("ada")
                        .phone("+12025550123"),
                )
                .send()
                .await
                .unwrap_err();
            let Error::UnexpectedResponse(moved) = moved else {
                panic!("a 302 is unexpected: {moved:?}");
            };
            (link, moved)
        }
    };
    let (kept, moved) = call(RequestContext::new()).await;
    assert_eq!(kept.headers()["x-request-id"], "r-1");
    assert_eq!(moved.headers()["location"], "http://127.0.0.1:9/moved");
}

/// Checks, on the request the generated code built and the hooks finished,
/// what the context promises whatever `reqwest::Client` executes it.
struct Inspecting;

impl Transport for Inspecting {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        let headers = request.headers();
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(headers["x-shared"], "shared");
        assert_eq!(headers["x-call"], "call");
        assert_eq!(headers.get_all("x-shared").iter().count(), 1);
        // progenitor's own headers, which no official SDK sends, are gone.
        assert!(headers.get("api-version").is_none());
        assert!(headers.get("accept").is_none());
        assert_eq!(request.timeout(), Some(&std::time::Duration::from_secs(7)));
        Box::pin(client.execute(request))
    }
}

#[tokio::test]
async fn the_context_puts_its_headers_and_timeout_on_every_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-shared", "shared")
                .header("x-call", "call")
                .header_missing("api-version");
            then.status(200)
                .json_body(json!({"token": "t", "rateLimitTier": "tier1"}));
        })
        .await;
    let mut shared = reqwest::header::HeaderMap::new();
    shared.insert("x-shared", HeaderValue::from_static("shared"));
    let context = RequestContext::new()
        .with_authorization(HeaderValue::from_static(MANAGEMENT))
        .with_headers(Arc::new(shared))
        .with_header(
            reqwest::header::HeaderName::from_static("x-call"),
            HeaderValue::from_static("call"),
        )
        .with_timeout(std::time::Duration::from_secs(7))
        .with_transport(Arc::new(Inspecting));
    // A client whose own default for the same header loses to the context's.
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-shared", HeaderValue::from_static("client-default"));
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = Client::new_with_client(&server.base_url(), http, context);
    client
        .embedded_link_signin()
        .body(types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap();
    let license = client.get_license().send().await.unwrap();
    assert_eq!(license.rate_limit_tier.as_str(), "tier1");
    assert_eq!(mock.calls_async().await, 2);
}
