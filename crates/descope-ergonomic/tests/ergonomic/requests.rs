//! What goes on the wire: each option byte for byte where it matters, the
//! credentials and SDK headers; and every refused input, a typed error
//! naming the field and the reason, with nothing on the wire.

use descope_ergonomic::{DescopeClient, DescopeClientBuilder, Error, Field, Reason, RefreshJwt};
use descope_spec::Operation;
use descope_testkit::client::{
    builder, builder_without_tier, call, management_authorization, refresh_jwt, user_authorization,
    OPS,
};
use descope_testkit::credentials::{AUTH_MANAGEMENT_KEY, MANAGEMENT_KEY, PROJECT, REFRESH_JWT};
use descope_testkit::fault_server::{licensing, tier_answer};
use httpmock::prelude::*;
use serde_json::json;

use crate::{catch_all, mock_client, refused};

const UPDATE_PHONE: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
const EMBEDDED_LINK: &str = Operation::EmbeddedLinkSignin.path();

#[tokio::test]
async fn update_phone_minimal_sends_only_the_required_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPDATE_PHONE)
                .header("authorization", user_authorization())
                .header("content-type", "application/json")
                .json_body(json!({"loginId": "ada@example.com", "phone": "+12025550123"}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"maskedPhone": "+1******0123"}));
        })
        .await;
    let sent = mock_client(&server)
        .magic_link()
        .update_phone_sms(refresh_jwt(), "ada@example.com", "+1 (202) 555-0123")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(sent.masked_phone(), "+1******0123");
}

#[tokio::test]
async fn update_phone_sends_every_option_under_its_wire_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(UPDATE_PHONE).json_body(json!({
                "loginId": "ada@example.com",
                "phone": "+447700900123",
                "URI": "https://app.example.com/verify?from=sms",
                "addToLoginIDs": true,
                "onMergeUseExisting": false,
                "providerId": "twilio-main",
                "templateId": "phone-change",
                "templateOptions": {"appName": "Example", "lang": "en"},
                "locale": "en-GB",
                "failOnConflict": true,
            }));
            then.status(200)
                .json_body(json!({"maskedPhone": "+44******123"}));
        })
        .await;
    mock_client(&server)
        .magic_link()
        .update_phone_sms(refresh_jwt(), "ada@example.com", "+44 7700 900123")
        .uri("https://app.example.com/verify?from=sms")
        .add_to_login_ids(true)
        .on_merge_use_existing(false)
        .provider_id("twilio-main")
        .template_id("phone-change")
        .template_option("appName", "Example")
        .template_options([("lang", "en")])
        .locale("en-GB")
        .fail_on_conflict(true)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn the_auth_management_key_is_the_third_part_of_the_user_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(UPDATE_PHONE).header(
                "authorization",
                format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}"),
            );
            then.status(200).json_body(json!({"maskedPhone": "+1***"}));
        })
        .await;
    builder(server.base_url())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .build()
        .unwrap()
        .magic_link()
        .update_phone_sms(refresh_jwt(), "ada", "+12025550123")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn embedded_link_minimal_and_full() {
    let server = MockServer::start_async().await;
    let minimal = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(EMBEDDED_LINK)
                .header("authorization", management_authorization())
                .json_body(json!({"loginId": "ada@example.com"}));
            then.status(200).json_body(json!({"token": "tok-minimal"}));
        })
        .await;
    let full = server
        .mock_async(|when, then| {
            when.method(POST).path(EMBEDDED_LINK).json_body(json!({
                "loginId": "grace@example.com",
                "customClaims": {"plan": "pro", "seats": 5, "beta": true, "tags": ["a"], "org": {"id": 7}},
                "timeout": 0,
            }));
            then.status(200).json_body(json!({
                "token": "tok-full", "maskedEmail": "g***@example.com", "maskedPhone": "+1***"
            }));
        })
        .await;
    let client = mock_client(&server);
    let link = client
        .management()
        .users()
        .embedded_link("ada@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(link.token().expose_secret(), "tok-minimal");
    assert_eq!(link.masked_email(), None);

    let link = client
        .management()
        .users()
        .embedded_link("grace@example.com")
        .custom_claims(
            json!({"plan": "pro", "seats": 5, "beta": true, "tags": ["a"], "org": {"id": 7}}),
        )
        .timeout(std::time::Duration::from_secs(0))
        .send()
        .await
        .unwrap();
    assert_eq!(link.token().expose_secret(), "tok-full");
    assert_eq!(link.masked_email(), Some("g***@example.com"));
    assert_eq!(link.masked_phone(), Some("+1***"));
    minimal.assert_async().await;
    full.assert_async().await;
}

/// Header for header, what each request of every operation carries: the
/// spec's `x-descope-sdk-headers` (those of the official SDKs, with this
/// client's values), the credential its table row names, and what HTTP
/// itself needs; nothing else.
#[tokio::test]
async fn every_request_carries_the_sdk_headers_and_nothing_else() {
    let listed = descope_spec::Spec::embedded().document()["x-descope-sdk-headers"]
        .as_object()
        .expect("the spec lists the SDK headers")
        .clone();
    let server = licensing(|| tier_answer("tier3")).await;
    let client = builder_without_tier(server.base_url()).build().unwrap();
    // A management call first, which makes the handshake; then every one.
    call(&client, Operation::EmbeddedLinkSignin).await.unwrap();
    for op in OPS {
        call(&client, op).await.unwrap();
    }
    let requests = server.requests();
    let operations: Vec<Option<Operation>> = requests.iter().map(|r| r.operation()).collect();
    let expected: Vec<Option<Operation>> = [Operation::GetLicense, Operation::EmbeddedLinkSignin]
        .into_iter()
        .chain(Operation::ALL)
        .map(Some)
        .collect();
    assert_eq!(operations, expected);
    let version = env!("CARGO_PKG_VERSION");
    let agent = format!("descope-ergonomic/{version} (rust)");
    for request in &requests {
        let op = descope_testkit::client::Op(request.operation().unwrap());
        let license = op.carries_license().then_some("tier3");
        let body = op.method() != "GET";
        let mut names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let mut expected: Vec<&str> = listed
            .keys()
            .map(String::as_str)
            .filter(|name| license.is_some() || *name != "x-descope-license")
            .chain(["accept", "host"])
            .chain(op.credential().map(|_| "authorization"))
            .chain(
                body.then_some(["content-length", "content-type"])
                    .into_iter()
                    .flatten(),
            )
            .collect();
        expected.sort_unstable();
        assert_eq!(names, expected, "{request:?}");
        assert_eq!(request.header("x-descope-sdk-name"), Some("rust"));
        assert_eq!(request.header("x-descope-sdk-version"), Some(version));
        assert_eq!(request.header("x-descope-project-id"), Some(PROJECT));
        assert_eq!(request.header("user-agent"), Some(agent.as_str()));
        assert_eq!(request.header("x-descope-license"), license, "{request:?}");
        assert_eq!(
            request.header("authorization"),
            op.authorization().as_deref(),
            "{request:?}"
        );
        // reqwest's own, as Node's fetch and Python's httpx send it.
        assert_eq!(request.header("accept"), Some("*/*"));
        let rustc = request.header("x-descope-sdk-rust-version").unwrap();
        assert!(rustc.starts_with("1."), "{rustc}");
        if body {
            assert_eq!(request.header("content-type"), Some("application/json"));
        }
    }
}

#[tokio::test]
async fn clones_share_one_client_and_calls_run_concurrently() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(200).json_body(json!({"token": "t"}));
        })
        .await;
    let client = mock_client(&server);
    let calls = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .management()
                .users()
                .embedded_link(format!("user-{i}"))
                .send()
                .await
        })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(mock.calls_async().await, 50);
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<DescopeClient>();
}

/// The escape hatch of `client`, with the test project's management key.
fn raw_with_management_key(client: &DescopeClient) -> descope_ergonomic::raw::Client {
    let project = descope_ergonomic::ProjectId::new(PROJECT).unwrap();
    let key = descope_ergonomic::ManagementKey::new(MANAGEMENT_KEY).unwrap();
    client.raw(descope_ergonomic::ManagementAuthorization::new(&project, &key).header_value())
}

#[tokio::test]
async fn the_raw_escape_hatch_uses_the_same_pool_and_base_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .header("authorization", management_authorization())
                .header("x-descope-sdk-name", "rust");
            then.status(200)
                .json_body(json!({"token": "raw-issued-token"}));
        })
        .await;
    let client = mock_client(&server);
    let raw = raw_with_management_key(&client);
    let link = raw
        .embedded_link_signin()
        .body(descope_ergonomic::raw::types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    // What it protects: the token does not print, nor does the credential.
    assert_eq!(link.token.expose_secret(), "raw-issued-token");
    let shown = format!("{link:?} {raw:?}");
    assert!(!shown.contains("raw-issued-token"), "{shown}");
    assert!(!shown.contains(MANAGEMENT_KEY), "{shown}");
}

#[tokio::test]
async fn the_raw_escape_hatch_prints_what_a_server_echoes_as_documented() {
    // The generated client's errors hold the response as sent: what the
    // wrapper scrubs, the escape hatch shows (documented on `raw`).
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(400)
                .json_body(json!({"errorCode": "E011003", "errorMessage": MANAGEMENT_KEY}));
        })
        .await;
    let client = mock_client(&server);
    let error = raw_with_management_key(&client)
        .embedded_link_signin()
        .body(descope_ergonomic::raw::types::EmbeddedLinkSigninRequest::builder().login_id("ada"))
        .send()
        .await
        .unwrap_err();
    assert!(format!("{error:?}").contains(MANAGEMENT_KEY));
    // The wrapper's own call scrubs the same echo.
    let wrapped = client
        .management()
        .users()
        .embedded_link("ada")
        .send()
        .await
        .unwrap_err();
    assert!(!format!("{wrapped} {wrapped:?}").contains(MANAGEMENT_KEY));
}

// ------------------------------------------------------------ refused --

#[tokio::test]
async fn bad_update_phone_inputs_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server).await;
    let client = builder(server.base_url())
        .approved_domains(["example.com"])
        .build()
        .unwrap();
    let phone = |login: &str, phone: &str| {
        client
            .magic_link()
            .update_phone_sms(refresh_jwt(), login.to_string(), phone.to_string())
    };
    let cases = [
        (phone("", "+12025550123"), (Field::LoginId, Reason::Empty)),
        (
            phone("   ", "+12025550123"),
            (Field::LoginId, Reason::Empty),
        ),
        (
            phone("ada\r\nX-Evil: 1", "+12025550123"),
            (Field::LoginId, Reason::ControlCharacter),
        ),
        (phone("ada", "abc"), (Field::Phone, Reason::NotE164)),
        (phone("ada", "12025550123"), (Field::Phone, Reason::NotE164)),
        (phone("ada", "+0123"), (Field::Phone, Reason::NotE164)),
        (phone("ada", "+1"), (Field::Phone, Reason::NotE164)),
        (
            phone("ada", "+1234567890123456"),
            (Field::Phone, Reason::NotE164),
        ),
        (
            phone("ada", "+1 202 555 0123 ext 4"),
            (Field::Phone, Reason::NotE164),
        ),
        (
            phone("ada", "+1٢٠٢5550123"),
            (Field::Phone, Reason::NotE164),
        ),
        (
            phone("ada", "+12025550123").uri("/relative/path"),
            (Field::Uri, Reason::NotAbsoluteHttpUrl),
        ),
        (
            phone("ada", "+12025550123").uri("ftp://example.com/x"),
            (Field::Uri, Reason::NotAbsoluteHttpUrl),
        ),
        (
            phone("ada", "+12025550123").uri("https://app.example.com/verify#top"),
            (Field::Uri, Reason::HasFragment),
        ),
        (
            phone("ada", "+12025550123").uri("https://app.example.com/ verify"),
            (Field::Uri, Reason::NotAbsoluteHttpUrl),
        ),
        (
            phone("ada", "+12025550123").uri("https://evil.test/verify"),
            (Field::Uri, Reason::DomainNotApproved),
        ),
        (
            phone("ada", "+12025550123").uri("https://notexample.com/verify"),
            (Field::Uri, Reason::DomainNotApproved),
        ),
        (
            phone("ada", "+12025550123").provider_id(""),
            (Field::ProviderId, Reason::Empty),
        ),
        (
            phone("ada", "+12025550123").template_id("a\nb"),
            (Field::TemplateId, Reason::ControlCharacter),
        ),
        (
            phone("ada", "+12025550123").locale(" "),
            (Field::Locale, Reason::Empty),
        ),
        (
            phone("ada", "+12025550123").template_option("", "x"),
            (Field::TemplateOptions, Reason::Empty),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(refused(request.send().await), expected);
    }
    assert_eq!(
        mock.calls_async().await,
        0,
        "a refused input reached the server"
    );

    // Subdomains of an approved domain pass.
    phone("ada", "+12025550123")
        .uri("https://app.example.com/verify")
        .send()
        .await
        .unwrap();
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn bad_embedded_link_inputs_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server).await;
    let client = mock_client(&server);
    let link = |login: &str| client.management().users().embedded_link(login.to_string());
    let cases = [
        (link(""), (Field::LoginId, Reason::Empty)),
        (link("ada\0"), (Field::LoginId, Reason::ControlCharacter)),
        (
            link("ada").custom_claims(json!(["not", "an", "object"])),
            (Field::CustomClaims, Reason::NotAnObject),
        ),
        (
            link("ada").custom_claims("plan=pro"),
            (Field::CustomClaims, Reason::NotAnObject),
        ),
        (
            link("ada").timeout(std::time::Duration::from_secs(
                u64::from(i32::MAX as u32) + 1,
            )),
            (Field::LinkTimeout, Reason::OutOfRange),
        ),
        (
            link("ada").timeout(std::time::Duration::from_millis(1500)),
            (Field::LinkTimeout, Reason::NotWholeSeconds),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(refused(request.send().await), expected);
    }
    assert_eq!(
        mock.calls_async().await,
        0,
        "a refused input reached the server"
    );
}

#[tokio::test]
async fn embedded_link_without_a_management_key_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server).await;
    let client = DescopeClient::builder()
        .project_id(PROJECT)
        .base_url(server.base_url())
        .build()
        .unwrap();
    assert_eq!(
        refused(
            client
                .management()
                .users()
                .embedded_link("ada")
                .send()
                .await
        ),
        (Field::ManagementKey, Reason::Missing)
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[test]
fn bad_secrets_and_settings_are_refused_at_construction() {
    let build = |b: DescopeClientBuilder| refused(b.build());
    let base = || DescopeClient::builder().project_id(PROJECT);
    assert_eq!(
        build(DescopeClient::builder()),
        (Field::ProjectId, Reason::Missing)
    );
    assert_eq!(
        build(DescopeClient::builder().project_id("")),
        (Field::ProjectId, Reason::Empty)
    );
    assert_eq!(
        build(DescopeClient::builder().project_id("P2a:evil")),
        (Field::ProjectId, Reason::InvalidCharacter)
    );
    assert_eq!(
        build(DescopeClient::builder().project_id("P2a\r\nX: 1")),
        (Field::ProjectId, Reason::ControlCharacter)
    );
    assert_eq!(
        build(base().management_key("")),
        (Field::ManagementKey, Reason::Empty)
    );
    assert_eq!(
        build(base().management_key("key\r\nX-Evil: 1")),
        (Field::ManagementKey, Reason::ControlCharacter)
    );
    assert_eq!(
        build(base().auth_management_key("two words")),
        (Field::AuthManagementKey, Reason::InvalidCharacter)
    );
    assert_eq!(
        build(base().base_url("http://descope.example.com")),
        (Field::BaseUrl, Reason::InsecureScheme)
    );
    assert_eq!(
        build(base().request_timeout(std::time::Duration::ZERO)),
        (Field::RequestTimeout, Reason::OutOfRange)
    );
    assert_eq!(
        build(base().approved_domains(["https://example.com/"])),
        (Field::ApprovedDomains, Reason::InvalidDomain)
    );
    assert_eq!(
        refused(refused_plain(RefreshJwt::new(""))),
        (Field::RefreshJwt, Reason::Empty)
    );
    assert_eq!(
        refused(refused_plain(RefreshJwt::new("a.b.c:extra"))),
        (Field::RefreshJwt, Reason::InvalidCharacter)
    );
    assert_eq!(
        refused(refused_plain(RefreshJwt::new("a.b\n.c"))),
        (Field::RefreshJwt, Reason::ControlCharacter)
    );
}

/// `refused` takes `Result<_, Error>`; constructors return `ValidationError`.
fn refused_plain<T: std::fmt::Debug>(
    result: Result<T, descope_ergonomic::ValidationError>,
) -> Result<T, Error> {
    result.map_err(Error::from)
}

#[test]
fn the_error_text_names_the_field_and_reason_but_never_the_value() {
    let error = refused_plain(RefreshJwt::new("secret\u{7}")).unwrap_err();
    let text = error.to_string();
    assert_eq!(
        text,
        "invalid refresh JWT: must not contain control characters"
    );
    assert!(!format!("{error:?}").contains("secret"));
}

#[test]
fn phone_normalisation_is_idempotent_and_keeps_valid_numbers() {
    use descope_ergonomic::PhoneNumber;
    for (input, wire) in [
        ("+1 (202) 555-0123", "+12025550123"),
        ("+44.7700.900.123", "+447700900123"),
        ("+12", "+12"),
        ("+123456789012345", "+123456789012345"),
    ] {
        let once = PhoneNumber::parse(input).unwrap();
        assert_eq!(once.as_str(), wire);
        assert_eq!(PhoneNumber::parse(once.as_str()).unwrap(), once);
    }
}
