//! The `fake-descope` binary: its command line, its base URL on stdout, the
//! control API for other languages, and a clean stop on Ctrl-C.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_fake-descope");

/// A running binary and the base URL it printed.
struct Running {
    child: Child,
    base_url: String,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base_url = line.trim().to_string();
        assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url:?}");
        Running { child, base_url }
    }

    /// Sends `signal` and waits (at most 10 s) for the exit; returns whether
    /// it exited with success, and its stderr.
    fn stop(mut self, signal: &str) -> (bool, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the binary did not stop on {signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status.success(), stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(
    base_url: &str,
    path: &str,
    authorization: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = http.post(format!("{base_url}{path}")).json(&body);
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn serves_the_projects_and_users_of_its_command_line_and_stops_on_ctrl_c() {
    let fake = Running::start(&[
        "--project",
        "P1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "--management-key",
        "K1",
        "--project",
        "P2bbbbbbbbbbbbbbbbbbbbbbbbbb",
        "--management-key",
        "K2",
        "--refresh-jwt",
        "a.b.c",
        "--user",
        "ada@example.com",
    ]);
    let url = &fake.base_url;
    let link = json!({"loginId": "ada@example.com"});
    let (status, body) = post(
        url,
        "/v1/mgmt/user/signin/embeddedlink",
        Some("Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa:K1"),
        link.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = post(
        url,
        "/v1/mgmt/user/signin/embeddedlink",
        Some("Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa:K2"),
        link.clone(),
    )
    .await;
    assert_eq!(status, 401, "K2 belongs to the second project");
    let (status, _) = post(
        url,
        "/v1/mgmt/user/signin/embeddedlink",
        Some("Bearer P2bbbbbbbbbbbbbbbbbbbbbbbbbb:K2"),
        link,
    )
    .await;
    assert_eq!(status, 200);
    let phone = json!({"loginId": "ada@example.com", "phone": "+12025550123"});
    let (status, body) = post(
        url,
        "/v1/auth/magiclink/update/phone/sms",
        Some("Bearer P2bbbbbbbbbbbbbbbbbbbbbbbbbb:a.b.c"),
        phone,
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({"maskedPhone": "+1******0123"}))
    );

    let (ok, stderr) = fake.stop("-INT");
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("POST /v1/mgmt/user/signin/embeddedlink -> 401 E061004"),
        "{stderr}"
    );
    assert!(stderr.contains("stopping"), "{stderr}");
    assert!(
        !stderr.contains("K1") && !stderr.contains("a.b.c"),
        "no secret in the log: {stderr}"
    );
}

#[tokio::test]
async fn the_control_api_scripts_registers_and_lists() {
    let fake = Running::start(&["--quiet"]);
    let url = &fake.base_url;
    let (status, _) = post(
        url,
        "/_fake/projects",
        None,
        json!({"id": "P3", "managementKeys": ["K3"]}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        url,
        "/_fake/users",
        None,
        json!({"loginId": "+12025550123"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(url, "/_fake/replies", None, json!({"status": 429, "errorCode": "E130429", "retryAfter": 7, "endpoint": "EmbeddedLinkSignin"})).await;
    assert_eq!(status, 200);
    let (status, body) = post(url, "/_fake/replies", None, json!({"status": 200})).await;
    assert_eq!(status, 400, "{body}");

    let link = json!({"loginId": "+12025550123"});
    let (status, body) = post(
        url,
        "/v1/mgmt/user/signin/embeddedlink",
        Some("Bearer P3:K3"),
        link.clone(),
    )
    .await;
    assert_eq!((status, body["errorCode"].clone()), (429, json!("E130429")));
    let (status, body) = post(
        url,
        "/v1/mgmt/user/signin/embeddedlink",
        Some("Bearer P3:K3"),
        link,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["maskedPhone"], "+1******0123");

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let listed: Vec<Value> = http
        .get(format!("{url}/_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<u64> = listed
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [429, 200]);
    assert_eq!(listed[0]["endpoint"], "EmbeddedLinkSignin");
    assert_eq!(listed[0]["body"], json!({"loginId": "+12025550123"}));
    let (ok, stderr) = fake.stop("-TERM");
    assert!(ok, "{stderr}");
}

#[test]
fn a_credential_before_any_project_is_a_usage_error() {
    let output = Command::new(BIN)
        .args(["--management-key", "K", "--project", "P"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("--management-key must come after the --project"));
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(BIN).args(["--port", &port]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot listen"));
}

#[tokio::test]
async fn the_license_handshake_answers_the_tier_of_the_command_line() {
    let fake = Running::start(&[
        "--project",
        "P1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "--management-key",
        "K1",
        "--rate-limit-tier",
        "tier4",
        "--quiet",
    ]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let response = http
        .get(format!("{}/v1/mgmt/license", fake.base_url))
        .header("authorization", "Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa:K1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"rateLimitTier": "tier4"}));
}

#[tokio::test]
async fn the_sms_and_the_keys_are_served_and_the_state_bound_is_the_command_lines() {
    let fake = Running::start(&[
        "--project",
        "P1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "--refresh-jwt",
        "a.b.c",
        "--max-kept",
        "1",
        "--quiet",
    ]);
    for phone in ["+12025550123", "+12025550124"] {
        let (status, _) = post(
            &fake.base_url,
            "/v1/auth/magiclink/update/phone/sms",
            Some("Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa:a.b.c"),
            json!({"loginId": "ada@example.com", "phone": phone}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let response = reqwest::get(format!("{}/_fake/messages", fake.base_url))
        .await
        .unwrap();
    assert_eq!(response.headers()["x-fake-dropped"], "1");
    let messages: Value = response.json().await.unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 1, "{messages}");
    assert_eq!(messages[0]["to"], "+12025550124");
    let token = messages[0]["token"].as_str().unwrap();
    assert_eq!(
        messages[0]["link"],
        format!("{}?t={token}", fake_descope::DEFAULT_LINK_URI)
    );
    let (status, session) = post(
        &fake.base_url,
        "/v1/auth/magiclink/verify",
        Some("Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa"),
        json!({"token": token}),
    )
    .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["phone"], "+12025550124");
    let keys: Value = reqwest::get(format!(
        "{}/v2/keys/P1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        fake.base_url
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(keys["keys"][0]["alg"], "RS256");
    let unknown = reqwest::get(format!("{}/v2/keys/P9", fake.base_url))
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 400);
}

/// The session flags: two binaries with the same seed and fixed clock serve
/// the same ES256 key set and mint the same JWTs; the clock moves only
/// through the control API; rotation is the project's.
#[tokio::test]
async fn seed_clock_signing_and_rotation_come_from_the_command_line() {
    let args = [
        "--quiet",
        "--project",
        "P1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "--rotate-refresh-jwts",
        "--signing",
        "ES256",
        "--seed",
        "7",
        "--clock-at",
        "1800000000",
        "--session-lifetime",
        "60",
    ];
    let (a, b) = (Running::start(&args), Running::start(&args));
    let keys = |base: String| async move {
        reqwest::get(format!("{base}/v2/keys/P1aaaaaaaaaaaaaaaaaaaaaaaaaa"))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let (ka, kb) = (
        keys(a.base_url.clone()).await,
        keys(b.base_url.clone()).await,
    );
    assert_eq!((ka["keys"][0]["alg"].as_str(), &ka), (Some("ES256"), &kb));
    let mint = json!({"loginId": "ada@example.com"});
    let (_, sa) = post(&a.base_url, "/_fake/sessions", None, mint.clone()).await;
    let (_, sb) = post(&b.base_url, "/_fake/sessions", None, mint).await;
    assert_eq!(sa["sessionJwt"], sb["sessionJwt"]);
    assert_eq!(sa["sessionExpiration"], 1_800_000_060);
    let (_, moved) = post(&a.base_url, "/_fake/clock", None, json!({"advanceSecs": 5})).await;
    assert_eq!(moved["now"], 1_800_000_005);
    let bearer = format!(
        "Bearer P1aaaaaaaaaaaaaaaaaaaaaaaaaa:{}",
        sa["refreshJwt"].as_str().unwrap()
    );
    let (status, refreshed) = post(&a.base_url, "/v1/auth/refresh", Some(&bearer), json!({})).await;
    assert_eq!(status, 200, "{refreshed}");
    assert!(refreshed["refreshJwt"].is_string(), "rotated: {refreshed}");
    let (status, _) = post(&a.base_url, "/v1/auth/refresh", Some(&bearer), json!({})).await;
    assert_eq!(status, 401, "the rotated-out refresh JWT");
    let refused = Command::new(BIN)
        .args(["--signing", "hs256"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not rs256 or es256"));
}

#[test]
fn the_help_lists_every_operation_of_the_spec() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for op in descope_spec::Operation::ALL {
        let line = help
            .lines()
            .find(|line| line.split_whitespace().nth(2) == Some(op.id()))
            .unwrap_or_else(|| panic!("--help does not list {op}:\n{help}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[..2], [op.method(), op.path()], "{line}");
    }
    for credential in descope_spec::Credential::ALL {
        assert!(help.contains(credential.bearer_format()), "{help}");
    }
}
