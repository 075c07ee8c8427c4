//! The fake as the session authority: refresh (with and without rotation),
//! logout, logout of all devices, me, minted sessions with their claims,
//! the clock, key rotation, seeds, and races, over HTTP as a service's
//! client meets them. Sessions are validated with `jsonwebtoken` against
//! the JWKS the fake serves, RS256 only, as the Java, .NET and PHP SDKs do.

use std::time::{Duration, UNIX_EPOCH};

use descope_spec::Operation;
use descope_testkit::credentials::{PROJECT, USER};
use fake_descope::{FakeDescope, Project, Signing, User, REFRESH_LIFETIME_SECS};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use crate::support::{fake, payload};

/// A fake of the test project that rotates refresh JWTs when `rotate`.
async fn session_fake(rotate: bool) -> FakeDescope {
    FakeDescope::builder()
        .project(Project::new(PROJECT).rotate_refresh_jwts(rotate))
        .user(USER)
        .start()
        .await
}

/// The claims of `jwt` when it validates, RS256 only, against the key set
/// the fake serves now (with the fake's clock as the time); the error text
/// otherwise.
async fn validate(fake: &FakeDescope, jwt: &str) -> Result<Value, String> {
    let url = format!("{}/v2/keys/{PROJECT}", fake.base_url());
    let jwks: JwkSet = reqwest::get(url).await.unwrap().json().await.unwrap();
    let kid = decode_header(jwt)
        .map_err(|e| e.to_string())?
        .kid
        .ok_or("no kid")?;
    let jwk = jwks.find(&kid).ok_or("the kid is not in the key set")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[PROJECT]);
    validation.leeway = 0;
    // The fake's clock, which a test may have moved: checked by hand.
    validation.validate_exp = false;
    let claims = decode::<Value>(jwt, &key, &validation)
        .map_err(|e| e.to_string())?
        .claims;
    let now = fake.now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    match claims["exp"].as_u64() {
        Some(exp) if exp > now => Ok(claims),
        _ => Err("expired".to_string()),
    }
}

/// `operation` with `Bearer <project>:<refresh_jwt>`, answered as (status, body).
async fn call(fake: &FakeDescope, operation: Operation, refresh_jwt: &str) -> (u16, Value) {
    call_at(fake.base_url(), operation, refresh_jwt).await
}

async fn call_at(base_url: &str, operation: Operation, refresh_jwt: &str) -> (u16, Value) {
    let url = format!("{base_url}{}", operation.path());
    let client = reqwest::Client::new();
    let request = match operation.method() {
        "GET" => client.get(url),
        _ => client.post(url).json(&json!({})),
    };
    let response = request
        .bearer_auth(format!("{PROJECT}:{refresh_jwt}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn refresh(fake: &FakeDescope, refresh_jwt: &str) -> (u16, Value) {
    call(fake, Operation::RefreshSession, refresh_jwt).await
}

fn text<'v>(body: &'v Value, field: &str) -> &'v str {
    body[field].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_refresh_answers_a_new_session_and_keeps_the_refresh_jwt_without_rotation() {
    let fake = session_fake(false).await;
    let session = fake.session_for(USER).issue();
    let (status, body) = refresh(&fake, &session.refresh_jwt).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.get("refreshJwt").is_none(),
        "no rotation, no new refresh JWT"
    );
    let claims = validate(&fake, text(&body, "sessionJwt")).await.unwrap();
    assert_eq!(claims["sub"], session.user_id.as_str());
    assert_eq!(
        (claims["drn"].as_str(), claims["iss"].as_str()),
        (Some("DS"), Some(PROJECT))
    );
    assert_eq!(body["user"]["loginIds"], json!([USER]));
    // The same refresh JWT goes on working.
    assert_eq!(refresh(&fake, &session.refresh_jwt).await.0, 200);
    let (status, me) = call(&fake, Operation::Me, &session.refresh_jwt).await;
    assert_eq!(
        (status, me["userId"].as_str()),
        (200, Some(session.user_id.as_str()))
    );
}

#[tokio::test]
async fn with_rotation_each_refresh_replaces_the_refresh_jwt() {
    let fake = session_fake(true).await;
    let session = fake.session_for(USER).issue();
    let (status, body) = refresh(&fake, &session.refresh_jwt).await;
    assert_eq!(status, 200, "{body}");
    let rotated = text(&body, "refreshJwt").to_string();
    assert!(!rotated.is_empty() && rotated != session.refresh_jwt);
    let (status, refused) = refresh(&fake, &session.refresh_jwt).await;
    assert_eq!(
        (status, text(&refused, "errorCode")),
        (401, "E061004"),
        "{refused}"
    );
    assert_eq!(refresh(&fake, &rotated).await.0, 200);
}

#[tokio::test]
async fn logout_revokes_and_logout_all_ends_every_device() {
    let fake = session_fake(false).await;
    fake.add_user("grace@example.com");
    let (phone, laptop) = (
        fake.session_for(USER).issue(),
        fake.session_for(USER).issue(),
    );
    let other = fake.session_for("grace@example.com").issue();
    assert_eq!(fake.live_sessions(), 3);
    let (status, _) = call(&fake, Operation::Logout, &phone.refresh_jwt).await;
    assert_eq!(status, 200);
    for operation in [Operation::RefreshSession, Operation::Me, Operation::Logout] {
        let (status, body) = call(&fake, operation, &phone.refresh_jwt).await;
        assert_eq!(status, 401, "{operation}: {body}");
    }
    assert_eq!(
        refresh(&fake, &laptop.refresh_jwt).await.0,
        200,
        "one device only"
    );
    let again = fake.session_for(USER).issue();
    assert_eq!(
        call(&fake, Operation::LogoutAllDevices, &again.refresh_jwt)
            .await
            .0,
        200
    );
    assert_eq!(
        refresh(&fake, &laptop.refresh_jwt).await.0,
        401,
        "every device"
    );
    assert_eq!(
        refresh(&fake, &other.refresh_jwt).await.0,
        200,
        "not another user's"
    );
    assert_eq!(fake.live_sessions(), 1);
}

#[tokio::test]
async fn refusals_name_no_secret_and_other_projects_tokens_fail() {
    let fake = session_fake(false).await;
    fake.add_project(Project::new("P2other0000000000000000000000"));
    let theirs = fake
        .session_for(USER)
        .project("P2other0000000000000000000000")
        .issue();
    // Both fail the credential check itself, before any operation runs.
    let unknown = "The refresh JWT is unknown or expired";
    let (status, body) = refresh(&fake, &theirs.refresh_jwt).await;
    assert_eq!(status, 401, "another project's refresh JWT: {body}");
    assert_eq!(text(&body, "errorMessage"), unknown);
    assert!(!body.to_string().contains(&theirs.refresh_jwt));
    let mine = fake.session_for(USER).project(PROJECT).issue();
    let (status, body) = refresh(&fake, &mine.session_jwt).await;
    assert_eq!(status, 401, "a session JWT is no refresh JWT");
    assert_eq!(text(&body, "errorMessage"), unknown);
    let mut tampered = mine.refresh_jwt.clone();
    tampered.insert(tampered.len() - 5, 'x');
    assert_eq!(refresh(&fake, &tampered).await.0, 401, "malformed");
    assert!(
        !format!("{mine:?}").contains(&mine.refresh_jwt),
        "Debug hides the JWTs"
    );
}

#[tokio::test]
async fn a_session_carries_what_is_set_on_its_user_and_its_grant() {
    let fake = session_fake(false).await;
    let admin = User::new("lin@example.com")
        .tenant("T1", ["admin"], ["billing.read", "billing.write"])
        .tenant("T2", ["viewer"], Vec::<String>::new())
        .roles(["support"])
        .permissions(["tickets.read"])
        .current_tenant("T1")
        .claim("plan", "team")
        .claim("sub", "spoofed");
    let session = fake
        .session_for(admin)
        .step_up()
        .amr(["email", "otp"])
        .claim("device", "kiosk")
        .issue();
    let claims = validate(&fake, &session.session_jwt).await.unwrap();
    assert_eq!(
        claims["tenants"]["T1"],
        json!({"roles": ["admin"], "permissions": ["billing.read", "billing.write"]})
    );
    assert_eq!(claims["tenants"]["T2"]["roles"], json!(["viewer"]));
    assert_eq!(
        (claims["roles"].clone(), claims["permissions"].clone()),
        (json!(["support"]), json!(["tickets.read"]))
    );
    assert_eq!(
        (claims["dct"].as_str(), claims["su"].as_bool()),
        (Some("T1"), Some(true))
    );
    assert_eq!(claims["amr"], json!(["email", "otp"]));
    assert_eq!(
        (claims["plan"].as_str(), claims["device"].as_str()),
        (Some("team"), Some("kiosk"))
    );
    assert_eq!(
        claims["sub"],
        session.user_id.as_str(),
        "Descope's claims win"
    );
    // A refresh carries the same.
    let (_, body) = refresh(&fake, &session.refresh_jwt).await;
    let refreshed = validate(&fake, text(&body, "sessionJwt")).await.unwrap();
    assert_eq!(
        (refreshed["dct"].as_str(), refreshed["su"].as_bool()),
        (Some("T1"), Some(true))
    );
}

#[tokio::test]
async fn expiry_follows_the_fakes_clock() {
    let fake = session_fake(false).await;
    let expired = fake.session_for(USER).expired().issue();
    assert_eq!(
        validate(&fake, &expired.session_jwt).await.unwrap_err(),
        "expired"
    );
    let (status, body) = refresh(&fake, &expired.refresh_jwt).await;
    assert_eq!(status, 200, "the refresh JWT still lives");
    assert!(validate(&fake, text(&body, "sessionJwt")).await.is_ok());
    let gone = fake.session_for(USER).fully_expired().issue();
    assert_eq!(refresh(&fake, &gone.refresh_jwt).await.0, 401);

    let session = fake.session_for(USER).issue();
    let before = fake.now();
    fake.advance_clock(Duration::from_secs(601));
    assert_eq!(fake.now().duration_since(before).unwrap().as_secs(), 601);
    assert_eq!(
        validate(&fake, &session.session_jwt).await.unwrap_err(),
        "expired"
    );
    assert_eq!(refresh(&fake, &session.refresh_jwt).await.0, 200);
    fake.advance_clock(Duration::from_secs(REFRESH_LIFETIME_SECS));
    let (status, body) = refresh(&fake, &session.refresh_jwt).await;
    assert_eq!(status, 401, "{body}");
    assert!(text(&body, "errorMessage").contains("expired"), "{body}");
}

#[tokio::test]
async fn a_rotated_key_is_served_through_its_grace_and_then_retired() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .key_grace(Duration::from_secs(120))
        .session_lifetime(Duration::from_secs(3600))
        .start()
        .await;
    let before = fake.session_for(USER).issue();
    let new_kid = fake.rotate_keys();
    let after = fake.session_for(USER).issue();
    assert_eq!(
        decode_header(&after.session_jwt).unwrap().kid.as_deref(),
        Some(new_kid.as_str())
    );
    assert_eq!(fake.jwks()["keys"].as_array().unwrap().len(), 2);
    assert!(
        validate(&fake, &before.session_jwt).await.is_ok(),
        "in its grace"
    );
    assert_eq!(refresh(&fake, &before.refresh_jwt).await.0, 200);
    fake.advance_clock(Duration::from_secs(120));
    assert_eq!(fake.jwks()["keys"].as_array().unwrap().len(), 1);
    assert_eq!(
        validate(&fake, &before.session_jwt).await.unwrap_err(),
        "the kid is not in the key set"
    );
    assert_eq!(
        refresh(&fake, &before.refresh_jwt).await.0,
        401,
        "retired key"
    );
    assert!(validate(&fake, &after.session_jwt).await.is_ok());
}

#[tokio::test]
async fn a_seed_and_a_fixed_clock_give_the_same_keys_ids_and_tokens() {
    let start = || {
        FakeDescope::builder()
            .project(Project::new(PROJECT))
            .seed(42)
            .clock_at(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
            .start()
    };
    let (a, b) = (start().await, start().await);
    assert_eq!(a.jwks(), b.jwks());
    let (x, y) = (a.session_for(USER).issue(), b.session_for(USER).issue());
    assert_eq!(
        (
            x.session_jwt.clone(),
            x.refresh_jwt.clone(),
            x.user_id.clone()
        ),
        (y.session_jwt, y.refresh_jwt, y.user_id)
    );
    let other = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .seed(43)
        .start()
        .await;
    assert_ne!(a.jwks(), other.jwks());
    assert_eq!(
        x.session_expiration,
        UNIX_EPOCH + Duration::from_secs(1_800_000_600)
    );
}

#[tokio::test]
async fn es256_stays_available() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .signing(Signing::Es256)
        .start()
        .await;
    let session = fake.session_for(USER).issue();
    assert_eq!(
        decode_header(&session.session_jwt).unwrap().alg,
        Algorithm::ES256
    );
    assert_eq!(fake.jwks()["keys"][0]["kty"], "EC");
    assert_eq!(refresh(&fake, &session.refresh_jwt).await.0, 200);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_rotating_refresh_jwt_have_one_winner() {
    let fake = session_fake(true).await;
    for _ in 0..5 {
        let session = fake.session_for(USER).issue();
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (base, jwt) = (fake.base_url().to_string(), session.refresh_jwt.clone());
            attempts.spawn(async move { call_at(&base, Operation::RefreshSession, &jwt).await });
        }
        let answers = attempts.join_all().await;
        let won: Vec<&Value> = answers
            .iter()
            .filter(|(s, _)| *s == 200)
            .map(|(_, b)| b)
            .collect();
        assert_eq!(won.len(), 1, "{answers:?}");
        assert!(answers.iter().all(|(s, _)| *s == 200 || *s == 401));
        assert_eq!(refresh(&fake, text(won[0], "refreshJwt")).await.0, 200);
    }
}

#[tokio::test]
async fn a_logout_racing_a_refresh_leaves_no_usable_token() {
    for rotate in [true, false] {
        let fake = session_fake(rotate).await;
        for _ in 0..10 {
            let session = fake.session_for(USER).issue();
            let base = fake.base_url().to_string();
            let jwt = session.refresh_jwt.clone();
            let refreshing =
                tokio::spawn(async move { call_at(&base, Operation::RefreshSession, &jwt).await });
            let logged_out = call(&fake, Operation::Logout, &session.refresh_jwt).await;
            let refreshed = refreshing.await.unwrap();
            assert_eq!(
                logged_out.0, 200,
                "the logout always ends the session: {logged_out:?}"
            );
            let mut left = vec![session.refresh_jwt.clone()];
            left.extend(
                refreshed
                    .1
                    .get("refreshJwt")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
            for token in left {
                assert_eq!(refresh(&fake, &token).await.0, 401, "rotate: {rotate}");
            }
        }
        assert_eq!(fake.live_sessions(), 0);
    }
}

#[tokio::test]
async fn sessions_are_bounded_oldest_first() {
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT))
        .max_kept(2)
        .start()
        .await;
    let first = fake.session_for(USER).issue();
    let _second = fake.session_for(USER).issue();
    let _third = fake.session_for(USER).issue();
    let third = fake.session_for(USER).issue();
    assert_eq!((fake.live_sessions(), fake.dropped().sessions), (2, 2));
    assert_eq!(refresh(&fake, &first.refresh_jwt).await.0, 401);
    assert_eq!(refresh(&fake, &third.refresh_jwt).await.0, 200);
}

#[tokio::test]
async fn the_key_set_is_a_spec_operation() {
    let fake = fake().await;
    let base = fake.base_url();
    let get = |path: String| async move {
        let response = reqwest::get(path).await.unwrap();
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        )
    };
    let (status, body) = get(format!("{base}/v2/keys/{PROJECT}?certs=true")).await;
    assert_eq!(
        (status, body["keys"][0]["alg"].as_str()),
        (200, Some("RS256"))
    );
    let (status, body) = get(format!("{base}/v2/keys/P2unknown")).await;
    assert_eq!((status, text(&body, "errorCode")), (400, "E011001"));
    assert_eq!(
        get(format!("{base}/v2/keys/{PROJECT}?certs=maybe")).await.0,
        400
    );
    let posted = reqwest::Client::new()
        .post(format!("{base}/v2/keys/{PROJECT}"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 405);
    // Logged as the operation (the POST, which no operation serves, is not).
    assert_eq!(fake.received_for(Operation::GetKeysV2).len(), 3);
}

#[tokio::test]
async fn a_refresh_without_a_body_is_read_as_the_go_sdk_sends_it() {
    let fake = session_fake(false).await;
    let session = fake.session_for(USER).issue();
    let response = reqwest::Client::new()
        .post(format!(
            "{}{}",
            fake.base_url(),
            Operation::RefreshSession.path()
        ))
        .header("content-type", "application/json")
        .bearer_auth(format!("{PROJECT}:{}", session.refresh_jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn the_control_api_drives_sessions_clock_and_keys() {
    let fake = session_fake(false).await;
    let client = reqwest::Client::new();
    let control = |path: &str| format!("{}/_fake/{path}", fake.base_url());
    let post = |path: &str, body: Value| client.post(control(path)).json(&body).send();
    let user = json!({"loginId": "mia@example.com", "tenants": {"T9": {"roles": ["owner"]}},
                      "currentTenant": "T9", "customClaims": {"plan": "pro"}});
    assert_eq!(post("users", user).await.unwrap().status().as_u16(), 200);
    let mint = |extra: Value| {
        let mut body = json!({"loginId": "mia@example.com"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        async {
            post("sessions", body)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let minted = mint(json!({"stepUp": true})).await;
    let claims = validate(&fake, text(&minted, "sessionJwt")).await.unwrap();
    assert_eq!(
        (
            claims["tenants"]["T9"]["roles"].clone(),
            claims["su"].clone(),
            claims["plan"].clone()
        ),
        (json!(["owner"]), json!(true), json!("pro"))
    );
    let expired = mint(json!({"expired": true})).await;
    assert_eq!(
        validate(&fake, text(&expired, "sessionJwt"))
            .await
            .unwrap_err(),
        "expired"
    );
    let now: Value = client
        .get(control("clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moved: Value = post("clock", json!({"advanceSecs": 3600}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        moved["now"].as_u64().unwrap() - now["now"].as_u64().unwrap(),
        3600
    );
    let rotated: Value = post("keys/rotate", json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fake.jwks()["keys"][0]["kid"], rotated["kid"]);
    // Bad input: a 400 with a reason, never a panic.
    for (path, body) in [
        ("sessions", json!({"loginId": ""})),
        ("sessions", json!({"loginId": "a", "projectId": "P:1"})),
        ("sessions", json!({"loginId": "a", "nope": 1})),
        ("clock", json!({"advanceSecs": -1})),
        ("clock", json!({"advanceSecs": u64::MAX})),
        (
            "users",
            json!({"loginId": "b", "tenants": {"T": {"roles": "admin"}}}),
        ),
    ] {
        let response = post(path, body.clone()).await.unwrap();
        assert_eq!(response.status().as_u16(), 400, "{path} {body}");
    }
    let strict = FakeDescope::start().await;
    let response = client
        .post(format!("{}/_fake/sessions", strict.base_url()))
        .json(&json!({"loginId": "a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        400,
        "no single project to mint for"
    );
}

#[tokio::test]
async fn lifetimes_and_issue_times_follow_the_clock() {
    const NOW: u64 = 1_800_000_000;
    let fake = FakeDescope::builder()
        .project(Project::new(PROJECT).rotate_refresh_jwts(true))
        .clock_at(UNIX_EPOCH + Duration::from_secs(NOW))
        .start()
        .await;
    let session = fake.session_for(USER).issue();
    let (claims, refresh_claims) = (payload(&session.session_jwt), payload(&session.refresh_jwt));
    assert_eq!(
        (claims["iat"].as_u64(), claims["exp"].as_u64()),
        (Some(NOW), Some(NOW + 600))
    );
    assert_eq!(
        refresh_claims["exp"].as_u64(),
        Some(NOW + 2_419_200),
        "4 weeks"
    );
    assert_eq!(REFRESH_LIFETIME_SECS, 2_419_200);
    let expired = payload(&fake.session_for(USER).expired().issue().session_jwt);
    assert_eq!(
        (expired["iat"].as_u64(), expired["exp"].as_u64()),
        (Some(NOW - 660), Some(NOW - 60)),
        "issued a lifetime before its expiry"
    );
    let short = fake
        .session_for(USER)
        .session_expires_in(Duration::from_secs(30))
        .issue();
    let short = payload(&short.session_jwt);
    assert_eq!(
        (short["iat"].as_u64(), short["exp"].as_u64()),
        (Some(NOW), Some(NOW + 30))
    );
    // Expiring this very second is expired: issued a lifetime before.
    let ending = fake
        .session_for(USER)
        .session_expires_in(Duration::ZERO)
        .issue();
    let ending = payload(&ending.session_jwt);
    assert_eq!(
        (ending["iat"].as_u64(), ending["exp"].as_u64()),
        (Some(NOW - 600), Some(NOW))
    );
    // Fully expired: both JWTs, a minute ago.
    let gone = fake.session_for(USER).fully_expired().issue();
    let (gone_session, gone_refresh) = (payload(&gone.session_jwt), payload(&gone.refresh_jwt));
    assert_eq!(
        (gone_session["exp"].as_u64(), gone_refresh["exp"].as_u64()),
        (Some(NOW - 60), Some(NOW - 60))
    );
    assert_eq!(
        gone.refresh_expiration,
        UNIX_EPOCH + Duration::from_secs(NOW - 60)
    );
    assert_eq!(
        session.refresh_expiration,
        UNIX_EPOCH + Duration::from_secs(NOW + 2_419_200)
    );
    fake.advance_clock(Duration::from_secs(100));
    let (status, body) = refresh(&fake, &session.refresh_jwt).await;
    assert_eq!(status, 200);
    assert_eq!(body["sessionExpiration"].as_u64(), Some(NOW + 100 + 600));
    assert_eq!(
        body["cookieExpiration"].as_u64(),
        Some(NOW + 100 + 2_419_200),
        "rotated: a new lifetime"
    );
    assert_eq!(
        payload(text(&body, "refreshJwt"))["iat"].as_u64(),
        Some(NOW + 100)
    );
}

#[tokio::test]
async fn the_phone_update_refuses_a_logged_out_refresh_jwt() {
    let fake = session_fake(false).await;
    let session = fake.session_for(USER).issue();
    let update = |jwt: String| {
        let url = format!(
            "{}{}",
            fake.base_url(),
            Operation::UpdateUserPhoneMagicLinkSms.path()
        );
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(format!("{PROJECT}:{jwt}"))
                .json(&json!({"loginId": USER, "phone": "+12025550123"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(update(session.refresh_jwt.clone()).await, 200);
    assert_eq!(
        call(&fake, Operation::Logout, &session.refresh_jwt).await.0,
        200
    );
    assert_eq!(update(session.refresh_jwt.clone()).await, 401);
}
