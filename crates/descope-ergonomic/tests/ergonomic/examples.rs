//! The example tools, run as a user would: flags, environment, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use descope_spec::Operation;
use descope_testkit::client::management_authorization;
use descope_testkit::credentials::{AUTH_MANAGEMENT_KEY, MANAGEMENT_KEY, PROJECT, REFRESH_JWT};
use httpmock::prelude::*;
use serde_json::json;

use crate::catch_all;

const UPDATE_PHONE: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
const EMBEDDED_LINK: &str = Operation::EmbeddedLinkSignin.path();
const EXAMPLES: [&str; 2] = ["update_phone", "embedded_link"];

/// The examples' directory. A plain `cargo test` builds the examples beside
/// this binary, with the same features: those are used when they are newer
/// than the library they link and than their own source. A filtered run
/// (`--test ergonomic`) builds none, and a stale binary would test old code:
/// then they are built here, with this binary's profile and target dir.
/// (Always building them here would build them again under this package's
/// own feature set, which differs from a workspace-wide run's.)
fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // <target dir>/<profile dir>/deps/<this binary>
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(Path::parent).unwrap();
        let examples = profile_dir.join("examples");
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        // The newest build of the library, whatever its feature set.
        let library = std::fs::read_dir(profile_dir.join("deps"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with("libdescope_ergonomic-") && name.ends_with(".rlib")
            })
            .filter_map(|entry| modified(&entry.path()))
            .max();
        let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let fresh = library.is_some()
            && EXAMPLES.iter().all(|name| {
                let binary = modified(&examples.join(name));
                let source = modified(&sources.join(format!("{name}.rs")));
                let common = modified(&sources.join("common/mod.rs"));
                binary.is_some() && binary >= library && binary >= source && binary >= common
            });
        if fresh {
            return examples;
        }
        let target_dir = profile_dir.parent().unwrap();
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => panic!("no profile directory above {}", exe.display()),
        };
        let mut build = Command::new(env!("CARGO"));
        build
            .args(["build", "--quiet", "-p", "descope-ergonomic"])
            .args(EXAMPLES.iter().flat_map(|name| ["--example", name]))
            .args(["--profile", profile])
            .arg("--target-dir")
            .arg(target_dir);
        let output = build.output().unwrap();
        assert!(
            output.status.success(),
            "cannot build the examples: {}",
            text(&output.stderr)
        );
        profile_dir.join("examples")
    })
}

/// The example's binary, with an empty environment.
fn example(name: &str) -> Command {
    let mut command = Command::new(examples_dir().join(name));
    command.env_clear();
    command
}

/// The example `name`, configured for `server` with the project and the
/// credential `(variable, value)`.
fn configured(name: &str, server: &MockServer, (variable, value): (&str, &str)) -> Command {
    let mut command = example(name);
    command
        .env("DESCOPE_PROJECT_ID", PROJECT)
        .env(variable, value)
        .env("DESCOPE_BASE_URL", server.base_url());
    command
}

/// The update-phone tool, configured for `server` with a refresh JWT.
fn update_phone(server: &MockServer) -> Command {
    configured("update_phone", server, ("DESCOPE_REFRESH_JWT", REFRESH_JWT))
}

/// The embedded-link tool, configured for `server` with a management key.
fn embedded_link(server: &MockServer) -> Command {
    configured(
        "embedded_link",
        server,
        ("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY),
    )
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// What `command` printed, once it exited 0.
async fn printed(command: Command) -> String {
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    text(&output.stdout)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn update_phone_sends_every_flag_and_prints_the_masked_phone() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPDATE_PHONE)
                .header(
                    "authorization",
                    format!("Bearer {PROJECT}:{REFRESH_JWT}:{AUTH_MANAGEMENT_KEY}"),
                )
                .json_body(json!({
                    "loginId": "ada@example.com",
                    "phone": "+12025550123",
                    "URI": "https://app.example.com/verify",
                    "addToLoginIDs": true,
                    "onMergeUseExisting": true,
                    "providerId": "p1",
                    "templateId": "t1",
                    "templateOptions": {"a": "1", "b": "x=y"},
                    "locale": "fr",
                    "failOnConflict": true,
                }));
            then.status(200)
                .json_body(json!({"maskedPhone": "+1******0123"}));
        })
        .await;
    let mut command = update_phone(&server);
    command
        .env("DESCOPE_AUTH_MANAGEMENT_KEY", AUTH_MANAGEMENT_KEY)
        .args([
            "--login-id",
            "ada@example.com",
            "--phone",
            "+1 (202) 555-0123",
        ])
        .args([
            "--uri",
            "https://app.example.com/verify",
            "--add-to-login-ids",
        ])
        .args([
            "--on-merge-use-existing",
            "--provider-id",
            "p1",
            "--template-id",
            "t1",
        ])
        .args(["--template-option", "a=1", "--template-option", "b=x=y"])
        .args([
            "--locale",
            "fr",
            "--fail-on-conflict",
            "--request-timeout",
            "5",
        ]);
    assert_eq!(printed(command).await, "+1******0123\n");
    mock.assert_async().await;
}

#[tokio::test]
async fn update_phone_refuses_a_bad_phone_without_a_request() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server).await;
    let mut command = update_phone(&server);
    command.args(["--login-id", "ada", "--phone", "12025550123"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("invalid phone"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn bad_usage_exits_2() {
    let missing_flag = example("update_phone")
        .args(["--login-id", "ada"])
        .output()
        .unwrap();
    assert_eq!(missing_flag.status.code(), Some(2));

    let mut no_env = example("embedded_link");
    no_env.args(["--login-id", "ada"]);
    let output = no_env.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("project id"),
        "{}",
        text(&output.stderr)
    );

    let bad_json = example("embedded_link")
        .env("DESCOPE_PROJECT_ID", PROJECT)
        .env("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY)
        .args(["--login-id", "ada", "--claims", "{nope"])
        .output()
        .unwrap();
    assert_eq!(bad_json.status.code(), Some(2));
}

#[tokio::test]
async fn embedded_link_prints_the_token() {
    let server = MockServer::start_async().await;
    let handshake = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(Operation::GetLicense.path())
                .header("authorization", management_authorization())
                .header_missing("x-descope-license");
            then.status(200)
                .json_body(json!({"rateLimitTier": "tier3"}));
        })
        .await;
    let mock = server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK)
                .header("authorization", management_authorization())
                .header("x-descope-license", "tier3")
                .json_body(json!({"loginId": "ada", "customClaims": {"n": 1}, "timeout": 60}));
            then.status(200).json_body(json!({"token": "tok-xyz"}));
        })
        .await;
    let mut command = embedded_link(&server);
    command.args([
        "--login-id",
        "ada",
        "--claims",
        r#"{"n": 1}"#,
        "--timeout",
        "60",
    ]);
    assert_eq!(printed(command).await, "tok-xyz\n");
    mock.assert_async().await;
    handshake.assert_async().await;
}

/// A license endpoint that fails or hangs costs the tool the header, never
/// the call.
#[tokio::test]
async fn embedded_link_goes_on_when_the_handshake_fails_or_hangs() {
    for hang in [false, true] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path(Operation::GetLicense.path());
                let then = then.status(500).body("<html>down</html>");
                if hang {
                    then.delay(std::time::Duration::from_secs(30));
                }
            })
            .await;
        let mock = server
            .mock_async(|when, then| {
                when.path(EMBEDDED_LINK).header_missing("x-descope-license");
                then.status(200).json_body(json!({"token": "tok-xyz"}));
            })
            .await;
        let mut command = embedded_link(&server);
        command.args(["--login-id", "ada"]);
        assert_eq!(printed(command).await, "tok-xyz\n");
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn a_failed_call_exits_1_with_the_error_and_no_secret() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(EMBEDDED_LINK);
            then.status(401)
                .json_body(json!({"errorCode": "E011001", "errorDescription": "Unauthorized"}));
        })
        .await;
    let mut command = embedded_link(&server);
    command.args(["--login-id", "ada", "--timeout", "-5"]);
    let refused = run(command).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("invalid timeout"));

    let mut command = embedded_link(&server);
    command.args(["--login-id", "ada"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("E011001"), "{stderr}");
    assert!(!stderr.contains(MANAGEMENT_KEY) && !text(&output.stdout).contains(MANAGEMENT_KEY));
}
