//! Server conformance both ways: the suite's server mode passes against the
//! fake, and the fake refuses, sent raw, every request that the recorded
//! client-side refusals keep from being sent.

use descope_conformance::{check_server, default_drivers, run, CheckKind, RunOptions, Suite};
use descope_spec::recorded::{Exchange, Recordings};
use descope_spec::Spec;
use descope_spec::{Credential, Operation};
use descope_testkit::raw::post;
use fake_descope::{FakeDescope, Project, Reply};
use serde_json::Value;

fn project_of(exchange: &Exchange) -> Project {
    let credentials = &exchange.input.credentials;
    let project = Project::new(&credentials.project_id);
    let project = credentials
        .management_key
        .iter()
        .fold(project, Project::management_key);
    let project = credentials
        .auth_management_key
        .iter()
        .fold(project, Project::auth_management_key);
    credentials
        .refresh_jwt
        .iter()
        .fold(project, Project::refresh_jwt)
}

fn login_id(exchange: &Exchange) -> &str {
    // The license call takes no login id.
    exchange
        .input
        .params
        .get("loginId")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

#[tokio::test]
async fn the_suites_server_mode_passes_against_a_recorded_fake() {
    let suite = Suite::embedded();
    let fake = FakeDescope::builder()
        .recorded(&suite.recordings)
        .start()
        .await;
    let options = RunOptions {
        base_url: Some(fake.base_url().to_string()),
        ..RunOptions::default()
    };
    let report = run(&suite, &default_drivers(), &options).await;
    let server_checks = report
        .results
        .iter()
        .filter(|r| r.check == CheckKind::Server)
        .count();
    assert!(
        server_checks >= 10,
        "only {server_checks} exchanges were put to the fake"
    );
    assert_eq!(report.failed(), 0, "{:#?}", report.problems());
    assert_eq!(fake.scripted(), 0, "every recorded answer was used");
    assert_eq!(fake.received().len(), server_checks);
}

/// Each exchange on a fresh fake that knows its credentials: the not-found
/// and unauthorized answers are the fake's own (the user or the refresh JWT
/// is left out); other errors are scripted as recorded.
#[tokio::test]
async fn each_server_exchange_passes_with_the_fakes_own_errors_where_it_has_them() {
    let spec = Spec::embedded();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let recordings = Recordings::embedded();
    let mut own_errors = 0;
    for exchange in recordings
        .exchanges
        .iter()
        .filter(|e| Exchange::suits_a_server(e))
    {
        let [response] = exchange.responses.as_slice() else {
            unreachable!()
        };
        let code = response
            .body
            .as_ref()
            .and_then(|b| b.get("errorCode"))
            .and_then(Value::as_str);
        let mut project = project_of(exchange);
        let mut builder = FakeDescope::builder();
        match (response.status, code) {
            (404, Some("E062108")) => own_errors += 1,
            (401, Some("E061004")) => {
                project = Project::new(&exchange.input.credentials.project_id);
                own_errors += 1;
            }
            (status, code) if status >= 400 => {
                let mut reply = Reply::error(status, code.unwrap_or_default());
                if let Some(secs) = response.headers.get("retry-after") {
                    reply = reply.retry_after(secs.parse().unwrap());
                }
                // Bound to the operation: a script for any operation leaves
                // the license handshake alone.
                let op = Operation::from_id(&exchange.operation).unwrap();
                builder = builder.script(reply.on(op)).user(login_id(exchange));
            }
            // A success needs what the operation's behaviour needs (a user
            // to sign in, none for a sign-up, a pending token to verify):
            // the fake's recorded setup gives it.
            _ => {
                let one = Recordings {
                    exchanges: vec![exchange.clone()],
                    errors: Vec::new(),
                };
                builder = builder.recorded(&one);
            }
        }
        let fake = builder.project(project).start().await;
        let problems = check_server(spec, exchange, fake.base_url(), &http).await;
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(fake.received().len(), 1);
    }
    // The unknown user's 404, and the 401s of unusable credentials: the
    // phone update's two, and the session operations' revoked, expired,
    // other project's and malformed refresh JWTs.
    assert_eq!(own_errors, 10, "the 404 and the 401 exchanges");
}

/// The body a client would send for the exchange's inputs if it did not
/// refuse them: the inputs under their wire names.
#[tokio::test]
async fn requests_the_clients_refuse_are_refused_by_the_fake_too() {
    let spec = Spec::embedded();
    let recordings = Recordings::embedded();
    let refused: Vec<&Exchange> = recordings
        .exchanges
        .iter()
        .filter(|e| e.request.is_none())
        .collect();
    assert!(
        refused.len() >= 5,
        "only {} refusal exchanges",
        refused.len()
    );
    for exchange in refused {
        let fake = FakeDescope::builder()
            .project(project_of(exchange))
            .user(login_id(exchange))
            .start()
            .await;
        let operation = spec.operation(&exchange.operation).unwrap();
        let credentials = &exchange.input.credentials;
        let secret = match Operation::from_id(&exchange.operation)
            .unwrap()
            .credential()
        {
            Some(Credential::ProjectManagementKey) => credentials.management_key.clone(),
            Some(Credential::ProjectRefreshJwt) => credentials.refresh_jwt.clone(),
            _ => None,
        };
        let body = Value::Object(exchange.input.params.clone());
        let bearer = match secret {
            Some(secret) => format!("{}:{secret}", credentials.project_id),
            None => credentials.project_id.clone(),
        };
        let answer = post(fake.base_url(), operation.path, &bearer, &body).await;
        assert_eq!(
            answer.status, 400,
            "{}: {body} got {:?}",
            exchange.file, answer.body
        );
        assert!(
            ["E011001", "E011002", "E011003"].contains(&answer.code()),
            "{}: {:?}",
            exchange.file,
            answer.body
        );
        assert!(
            answer.body["errorMessage"].is_string() && answer.body["errorDescription"].is_string()
        );
    }
}
