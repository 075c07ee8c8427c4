//! A second client plugs in through the `Driver` trait. The stand-in below
//! posts the caller's inputs as they are, with plain reqwest: it shows how a
//! driver is written and what the replay reports when a client gets the wire
//! wrong.

use crate::support::spec;
use descope_conformance::{replay, Driver, DriverError, DriverFuture};
use descope_spec::recorded::{ClientKind, ErrorOutcome, Inputs, Outcome, Recordings};
use descope_spec::{Credential, Operation};
use serde_json::Value;

/// Sends the params unchanged, decodes any 200 as success and reads
/// `errorCode` from other statuses. `sends` says
/// whether it sends the SDK headers, `claims` what it tells the suite.
struct Naive {
    sends: bool,
    claims: bool,
}

const HONEST: Naive = Naive {
    sends: true,
    claims: true,
};

impl Driver for Naive {
    fn client(&self) -> ClientKind {
        ClientKind::Ergonomic
    }

    fn sends_sdk_headers(&self) -> bool {
        self.claims
    }

    fn call<'a>(
        &'a self,
        operation: &'a str,
        inputs: &'a Inputs,
        base_url: &'a str,
    ) -> DriverFuture<'a> {
        Box::pin(async move {
            let c = &inputs.credentials;
            let op =
                Operation::from_id(operation).ok_or_else(|| DriverError::UnknownOperation {
                    client: ClientKind::Ergonomic,
                    operation: operation.into(),
                })?;
            let path = op.path();
            let secret = match op.credential() {
                Some(Credential::ProjectRefreshJwt) => c.refresh_jwt.as_deref(),
                _ => c.management_key.as_deref(),
            };
            let secret = secret.ok_or(DriverError::MissingCredential("secret"))?;
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            let bearer = format!("{}:{secret}", c.project_id);
            // The license handshake, as an SDK makes it before a management call.
            let mut tier = None;
            if self.sends
                && op.credential() == Some(Credential::ProjectManagementKey)
                && op != Operation::GetLicense
            {
                let license = http
                    .get(format!("{base_url}{}", Operation::GetLicense.path()))
                    .bearer_auth(&bearer)
                    .send()
                    .await;
                if let Ok(answer) = license {
                    let body: Value = answer.json().await.unwrap_or_default();
                    tier = body["rateLimitTier"].as_str().map(str::to_string);
                }
            }
            let mut request = http
                .post(format!("{base_url}{path}"))
                .bearer_auth(bearer)
                .json(&inputs.params);
            if let Some(tier) = tier {
                request = request.header("x-descope-license", tier);
            }
            if self.sends {
                request = request
                    .header("x-descope-sdk-name", "rust")
                    .header("x-descope-sdk-version", "0.0.0-test")
                    .header("x-descope-project-id", &c.project_id);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(_) => return Ok(Outcome::Error(ErrorOutcome::Transport)),
            };
            let status = response.status().as_u16();
            Ok(match response.json::<Value>().await {
                Ok(Value::Object(body)) if status == 200 => Outcome::Success(body),
                Ok(Value::Object(body)) if body.contains_key("errorCode") => {
                    Outcome::Error(ErrorOutcome::Api {
                        status,
                        error_code: body["errorCode"].as_str().map(String::from),
                        retry_after: None,
                    })
                }
                _ => Outcome::Error(ErrorOutcome::MalformedResponse { status }),
            })
        })
    }
}

fn exchange(name: &str) -> descope_spec::recorded::Exchange {
    Recordings::embedded()
        .exchanges
        .into_iter()
        .find(|e| e.name == name)
        .expect("the exchange exists")
}

#[tokio::test]
async fn a_driver_that_gets_the_wire_right_passes() {
    for name in [
        "update-phone-minimal",
        "embedded-link-everything",
        "embedded-link-500",
    ] {
        let problems = replay(&spec(), &exchange(name), &HONEST).await;
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[tokio::test]
async fn the_replay_names_what_a_driver_got_wrong() {
    // Not normalising the phone number: the body differs, and what was sent
    // breaks the spec's pattern.
    let problems = replay(&spec(), &exchange("update-phone-normalised-phone"), &HONEST).await;
    let prefix = "update-phone-normalised-phone.yaml: request 1";
    assert!(
        problems.contains(&format!(
            "{prefix}: body /phone: expected \"+12025550123\", got \"+1 (202) 555-0123\""
        )),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with(&format!(
            "{prefix} as the ergonomic client sent it breaks the spec: at /phone: "
        ))),
        "{problems:#?}"
    );

    // A refusal that is not refused: a request goes out.
    let problems = replay(
        &spec(),
        &exchange("update-phone-refused-bad-phone"),
        &HONEST,
    )
    .await;
    let file = "update-phone-refused-bad-phone.yaml";
    assert!(
        problems.contains(&format!(
            "{file}: expected no request to arrive, 1 request arrived"
        )),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with(&format!(
            "{file}: outcome: expected {{\"error\":{{\"kind\":\"validation\",\"field\":\"phone\"}}}}, got "
        ))),
        "{problems:#?}"
    );
}

#[tokio::test]
async fn sdk_headers_are_compared_only_for_clients_that_send_them() {
    let missing = "embedded-link-minimal.yaml: request 1: header x-descope-sdk-name: missing";
    let silent = Naive {
        sends: false,
        claims: false,
    };
    let problems = replay(&spec(), &exchange("embedded-link-minimal"), &silent).await;
    assert!(problems.is_empty(), "{problems:#?}");
    let liar = Naive {
        sends: false,
        claims: true,
    };
    let problems = replay(&spec(), &exchange("embedded-link-minimal"), &liar).await;
    assert!(problems.contains(&missing.to_string()), "{problems:#?}");
}
