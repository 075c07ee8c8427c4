//! The session operations (`client.sessions()`): refresh, logout, logout
//! everywhere, the user, the key set. What goes on the wire (typed and
//! through `send_json`), what comes back, what never prints, and what is
//! refused before anything is sent.

use std::time::{Duration, UNIX_EPOCH};

use descope_ergonomic::session::RefreshedSession;
use descope_ergonomic::tooling::WireJson;
use descope_ergonomic::{DescopeClient, Error, Field, Reason};
use descope_spec::Operation;
use descope_testkit::client::{builder, refresh_jwt, user_authorization};
use descope_testkit::credentials::{AUTH_MANAGEMENT_KEY, PROJECT, REFRESH_JWT};
use descope_testkit::fault_server::{FaultServer, Step};
use httpmock::prelude::*;
use serde_json::{json, Value};

use crate::{catch_all, mock_client, refused};

const REFRESH: &str = Operation::RefreshSession.path();
const LOGOUT: &str = Operation::Logout.path();
const LOGOUT_ALL: &str = Operation::LogoutAllDevices.path();
const ME: &str = Operation::Me.path();

const NEW_SESSION: &str = "eyJhbGciOiJSUzI1NiJ9.bmV3LXNlc3Npb24.c2ln";
const ROTATED: &str = "eyJhbGciOiJSUzI1NiJ9.cm90YXRlZA.c2ln";

fn keys_path() -> String {
    format!("/v2/keys/{PROJECT}")
}

fn user_json() -> Value {
    json!({
        "loginIds": ["ada@example.com"], "userId": "U1", "name": "Ada",
        "email": "ada@example.com", "verifiedEmail": true, "status": "enabled",
        "createdTime": 1764000000
    })
}

async fn refresh_answer<'s>(
    server: &'s MockServer,
    status: u16,
    answer: Value,
) -> httpmock::Mock<'s> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(REFRESH)
                .header("authorization", user_authorization())
                .header("content-type", "application/json")
                .json_body(json!({}));
            then.status(status)
                .header("content-type", "application/json")
                .json_body(answer);
        })
        .await
}

/// A refresh of the user's refresh JWT by `client`.
async fn refresh(client: &DescopeClient) -> Result<RefreshedSession, Error> {
    client.sessions().refresh(refresh_jwt()).send().await
}

#[tokio::test]
async fn a_refresh_without_rotation_answers_a_session_jwt_and_no_refresh_jwt() {
    let server = MockServer::start_async().await;
    let mock = refresh_answer(
        &server,
        200,
        json!({"sessionJwt": NEW_SESSION, "sessionExpiration": 1764634200, "cookiePath": "/",
               "user": user_json()}),
    )
    .await;
    let refreshed = refresh(&mock_client(&server)).await.unwrap();
    mock.assert_async().await;
    assert_eq!(refreshed.session_jwt().expose_secret(), NEW_SESSION);
    assert_eq!(
        refreshed.session_expiration(),
        Some(UNIX_EPOCH + Duration::from_secs(1764634200))
    );
    assert!(refreshed.rotated_refresh_jwt().is_none());
    assert_eq!(refreshed.cookie().path.as_deref(), Some("/"));
    assert_eq!(refreshed.user().unwrap().user_id, "U1");
    let printed = format!("{refreshed:?}");
    assert!(!printed.contains(NEW_SESSION), "{printed}");
}

#[tokio::test]
async fn a_rotated_refresh_jwt_is_read_from_the_body_or_the_dsr_cookie() {
    let server = MockServer::start_async().await;
    refresh_answer(
        &server,
        200,
        json!({"sessionJwt": NEW_SESSION, "refreshJwt": ROTATED}),
    )
    .await;
    // Given as text this time: checked when sent, as every input.
    let refreshed = mock_client(&server)
        .sessions()
        .refresh(REFRESH_JWT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refreshed.rotated_refresh_jwt().unwrap().expose_secret(),
        ROTATED
    );
    assert!(refreshed.user().is_none());
    assert!(!format!("{refreshed:?}").contains(ROTATED));

    let cookies = MockServer::start_async().await;
    cookies
        .mock_async(|when, then| {
            when.method(POST).path(REFRESH);
            then.status(200)
                .header("content-type", "application/json")
                .header("set-cookie", format!("DS={NEW_SESSION}; Path=/; HttpOnly"))
                .header("set-cookie", format!("DSR={ROTATED}; Max-Age=2419200"))
                .json_body(json!({"sessionJwt": "", "refreshJwt": "", "sessionExpiration": 1}));
        })
        .await;
    let client = mock_client(&cookies);
    let refreshed = refresh(&client).await.unwrap();
    assert_eq!(refreshed.session_jwt().expose_secret(), NEW_SESSION);
    assert_eq!(
        refreshed.rotated_refresh_jwt().unwrap().expose_secret(),
        ROTATED
    );
    // Through send_json: the JWTs where the typed method reads them.
    let answer = client
        .send_json(Operation::RefreshSession, Some(refresh_jwt()), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (&answer["sessionJwt"], &answer["refreshJwt"]),
        (&json!(NEW_SESSION), &json!(ROTATED))
    );
}

#[tokio::test]
async fn a_refused_refresh_jwt_is_a_401_not_retried_and_not_printed() {
    let server = MockServer::start_async().await;
    let mock = refresh_answer(
        &server,
        401,
        json!({
            "errorCode": "E061004", "errorDescription": "Unauthorized",
            "errorMessage": format!("refresh token {REFRESH_JWT} was revoked")
        }),
    )
    .await;
    let error = refresh(&mock_client(&server)).await.unwrap_err();
    mock.assert_calls_async(1).await;
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(error.error_code(), Some("E061004"));
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(REFRESH_JWT), "{shown}");
    }
}

#[tokio::test]
async fn a_refresh_answer_without_a_session_jwt_is_malformed() {
    let server = MockServer::start_async().await;
    refresh_answer(&server, 200, json!({"sessionExpiration": 1764634200})).await;
    let error = refresh(&mock_client(&server)).await.unwrap_err();
    assert!(
        matches!(error, Error::MalformedResponse { status, .. } if status == 200),
        "{error}"
    );
}

#[tokio::test]
async fn a_refresh_is_retried_as_every_call_is() {
    let server = MockServer::start_async().await;
    let unavailable = refresh_answer(&server, 503, json!({"errorCode": "E000000"})).await;
    let error = refresh(&mock_client(&server)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    unavailable.assert_calls_async(4).await;
}

#[tokio::test]
async fn logout_and_logout_all_send_an_empty_body_to_their_own_paths() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for path in [LOGOUT, LOGOUT_ALL] {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path(path)
                        .header(
                            "authorization",
                            format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}"),
                        )
                        .json_body(json!({}));
                    then.status(200)
                        .header("content-type", "application/json")
                        .json_body(json!({}));
                })
                .await,
        );
    }
    let client = builder(server.base_url())
        .auth_management_key(AUTH_MANAGEMENT_KEY)
        .build()
        .unwrap();
    let sessions = client.sessions();
    // By value, and by reference to a checked value kept for later.
    let kept = refresh_jwt();
    let () = sessions.logout(refresh_jwt()).send().await.unwrap();
    let () = sessions.logout_all(&kept).send().await.unwrap();
    for mock in &mocks {
        mock.assert_async().await;
    }
    // The same calls as data.
    for op in [Operation::Logout, Operation::LogoutAllDevices] {
        let answer = client
            .send_json(op, Some(refresh_jwt()), Value::Null)
            .await
            .unwrap();
        assert_eq!(answer, json!({}));
    }
    for mock in &mocks {
        mock.assert_calls_async(2).await;
    }
    assert_eq!(
        sessions.logout(refresh_jwt()).wire_json().unwrap(),
        json!({})
    );
    assert_eq!(
        sessions.refresh(refresh_jwt()).wire_json().unwrap(),
        json!({})
    );
}

#[tokio::test]
async fn me_gets_the_user_without_a_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ME)
                .header("authorization", user_authorization())
                .header_missing("content-type")
                .is_true(|request| request.body_vec().is_empty());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(user_json());
        })
        .await;
    let client = mock_client(&server);
    let user = client.sessions().me(refresh_jwt()).send().await.unwrap();
    assert_eq!(user.user_id, "U1");
    assert_eq!(user.login_ids, ["ada@example.com"]);
    assert_eq!(
        (user.name.as_deref(), user.email.as_deref()),
        (Some("Ada"), Some("ada@example.com"))
    );
    assert!(user.verified_email && !user.verified_phone);
    assert_eq!(
        user.created_time,
        Some(UNIX_EPOCH + Duration::from_secs(1764000000))
    );
    let answer = client
        .send_json(Operation::Me, Some(refresh_jwt()), json!({}))
        .await
        .unwrap();
    assert_eq!(answer["userId"], "U1");
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn the_key_set_is_read_without_a_credential_every_member_kept() {
    let server = MockServer::start_async().await;
    let keys = json!({"keys": [
        {"kid": "K1", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "0vx7agoebGcQSuuP", "e": "AQAB"},
        {"kid": "K2", "kty": "EC", "alg": "ES256", "use": "sig", "crv": "P-256",
         "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
    ]});
    let plain = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(keys_path())
                .is_true(|request| request.uri().query().is_none())
                .header_missing("authorization")
                .header_missing("content-type")
                .header("x-descope-project-id", PROJECT)
                .is_true(|request| request.body_vec().is_empty());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(keys.clone());
        })
        .await;
    let with_certs = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(keys_path())
                .query_param("certs", "true");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"keys": [
                    {"kid": "K1", "kty": "RSA", "x5c": ["MIIBszCCAVmgAwIBAgIU"]}
                ]}));
        })
        .await;
    let client = mock_client(&server);
    let set = client.sessions().keys().send().await.unwrap();
    plain.assert_async().await;
    assert_eq!(set.len(), 2);
    let rsa = set.get("K1").unwrap();
    assert_eq!(
        (rsa.kty(), rsa.alg(), rsa.key_use()),
        ("RSA", Some("RS256"), Some("sig"))
    );
    assert_eq!((rsa.n(), rsa.e()), (Some("0vx7agoebGcQSuuP"), Some("AQAB")));
    let ec = &set.keys()[1];
    assert_eq!((ec.kid(), ec.kty(), ec.n()), ("K2", "EC", None));
    assert_eq!(ec.member("crv"), Some(&json!("P-256")));
    assert!(ec.member("x").is_some() && ec.member("y").is_some());

    let certified = client.sessions().keys().certs(true).send().await.unwrap();
    with_certs.assert_async().await;
    assert_eq!(
        certified.keys()[0].member("x5c"),
        Some(&json!(["MIIBszCCAVmgAwIBAgIU"]))
    );
    // Through send_json: every member, and the query parameter by name.
    let answer = client
        .send_json(Operation::GetKeysV2, None, Value::Null)
        .await
        .unwrap();
    assert_eq!(answer, keys);
    let answer = client
        .send_json(Operation::GetKeysV2, None, json!({"certs": true}))
        .await
        .unwrap();
    assert_eq!(answer["keys"][0]["x5c"][0], "MIIBszCCAVmgAwIBAgIU");
}

#[tokio::test]
async fn a_chunked_key_set_is_read_whole_within_the_cap_and_refused_past_it() {
    let key = r#"{"kid":"E1","kty":"EC","crv":"P-256","x":"eA","y":"eQ"}"#;
    let body = format!(r#"{{"keys":[{key},{key}]}}"#);
    let chunked = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n\
         {:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    )
    .into_bytes();
    let server = FaultServer::start(move |_| vec![Step::Write(chunked.clone())]).await;
    let set = builder(server.base_url())
        .build()
        .unwrap()
        .sessions()
        .keys()
        .send()
        .await
        .unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(set.keys()[1].member("crv"), Some(&json!("P-256")));
    let error = builder(server.base_url())
        .max_response_bytes(body.len() - 1)
        .build()
        .unwrap()
        .sessions()
        .keys()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == body.len() - 1),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_project_s_keys_are_a_400() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(keys_path());
            then.status(400)
                .header("content-type", "application/json")
                .json_body(json!({"errorCode": "E011001", "errorDescription": "Bad request"}));
        })
        .await;
    let error = mock_client(&server)
        .sessions()
        .keys()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.error_code(), Some("E011001"));
}

#[tokio::test]
async fn bad_refresh_jwts_and_bodies_are_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = mock_client(&server);
    let sessions = client.sessions();
    for (jwt, reason) in [
        ("", Reason::Empty),
        ("a:b", Reason::InvalidCharacter),
        ("a\nb", Reason::ControlCharacter),
    ] {
        let expected = (Field::RefreshJwt, reason);
        let refresh = sessions.refresh(jwt);
        if !jwt.is_empty() {
            assert!(!format!("{refresh:?}").contains(jwt));
        }
        assert_eq!(refused(refresh.send().await), expected);
        assert_eq!(refused(sessions.logout(jwt).send().await), expected);
        assert_eq!(refused(sessions.logout_all(jwt).send().await), expected);
        assert_eq!(refused(sessions.me(jwt).send().await), expected);
    }
    for request in [
        format!("{:?}", sessions.refresh(REFRESH_JWT)),
        format!("{:?}", sessions.logout(REFRESH_JWT)),
        format!("{:?}", sessions.me(REFRESH_JWT)),
    ] {
        assert!(
            !request.contains(REFRESH_JWT) && request.contains("[REDACTED]"),
            "{request}"
        );
    }
    // Through send_json: a missing refresh JWT, and fields the wrapper
    // has no setter for.
    for op in [
        Operation::RefreshSession,
        Operation::Logout,
        Operation::LogoutAllDevices,
        Operation::Me,
    ] {
        let missing = client.send_json(op, None, json!({})).await;
        assert_eq!(refused(missing), (Field::RefreshJwt, Reason::Missing));
    }
    for (op, body) in [
        (Operation::RefreshSession, json!({"externalToken": "x"})),
        (Operation::Logout, json!({"logoutType": ["web"]})),
        (Operation::Me, json!({"anything": 1})),
        (Operation::GetKeysV2, json!({"certs": "yes"})),
    ] {
        let unreadable = client.send_json(op, Some(refresh_jwt()), body).await;
        assert_eq!(
            refused(unreadable),
            (Field::Request("body"), Reason::NotAnObject)
        );
    }
    any.assert_calls_async(0).await;
}
