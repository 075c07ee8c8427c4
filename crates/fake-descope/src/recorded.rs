//! The recorded spec (`spec/recorded/`) as a setup for the fake: the
//! credentials, users and tokens it uses, and its recorded error answers, so that the
//! conformance suite's server mode can be pointed at the fake.

use descope_spec::fields::error as error_fields;
use descope_spec::recorded::{ErrorOutcome, Exchange, Outcome, RecordedResponse, Recordings};
use descope_spec::Operation;
use serde_json::Value;

use crate::behaviour;
use crate::registry::Project;
use crate::reply::Reply;
use crate::service::State;

/// The projects (with every credential) of the exchanges in `recordings`.
pub(crate) fn recorded_projects(recordings: &Recordings) -> Vec<Project> {
    recordings
        .exchanges
        .iter()
        .map(|exchange| {
            let credentials = &exchange.input.credentials;
            let mut project = Project::new(&credentials.project_id);
            project = credentials
                .management_key
                .iter()
                .fold(project, Project::management_key);
            project = credentials
                .refresh_jwt
                .iter()
                .fold(project, Project::refresh_jwt);
            credentials
                .auth_management_key
                .iter()
                .fold(project, Project::auth_management_key)
        })
        .collect()
}

/// Sets `state` up for the recorded successes a server is sent: the users
/// and tokens each operation's behaviour needs for them.
pub(crate) fn prepare_recorded(exchanges: &[Exchange], state: &mut State) {
    for exchange in exchanges {
        let succeeds = matches!(exchange.responses.as_slice(), [only] if only.status < 400);
        if let (Some(operation), true) = (Operation::from_id(&exchange.operation), succeeds) {
            behaviour::prepare(operation, exchange, state);
        }
    }
}

/// One reply per exchange that the suite's server mode sends, in the order
/// it sends them: the recorded error for an error exchange, the fake's own
/// answer for a success. Each reply is bound to its exchange's endpoint, so
/// the two operations' queues stay in step with the suite.
pub(crate) fn recorded_replies(recordings: &Recordings) -> Vec<Reply> {
    recordings
        .exchanges
        .iter()
        .filter(|exchange| exchange.suits_a_server())
        .filter_map(|exchange| {
            let endpoint = Operation::from_id(&exchange.operation)?;
            let [response] = exchange.responses.as_slice() else {
                return None;
            };
            Some(reply_like(exchange, response).on(endpoint))
        })
        .collect()
}

/// The scripted reply that answers like `response`.
fn reply_like(exchange: &Exchange, response: &RecordedResponse) -> Reply {
    if response.status < 400 {
        return Reply::normal();
    }
    let body = response.body.as_ref();
    let text = |name: &str| body.and_then(|b| b.get(name)).and_then(Value::as_str);
    let mut reply = Reply::error(
        response.status,
        text(error_fields::ERROR_CODE).unwrap_or_default(),
    );
    if let Some(description) = text(error_fields::ERROR_DESCRIPTION) {
        reply = reply.description(description);
    }
    reply = reply.message(
        text(error_fields::ERROR_MESSAGE)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Answer recorded in {}", exchange.file)),
    );
    // The wait the caller must see, as the recording states it, rather than
    // the header read a second time.
    if let Outcome::Error(ErrorOutcome::Api {
        retry_after: Some(secs),
        ..
    }) = &exchange.outcome
    {
        reply = reply.retry_after(*secs);
    }
    reply
}
