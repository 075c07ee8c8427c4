//! `EmbeddedLinkSignin`: a token that signs an existing user in.

use descope_spec::fields::embedded_link_signin::{request, response};
use descope_spec::recorded::Exchange;
use serde_json::{Map, Value};

use super::Call;
use crate::flow::Purpose;
use crate::masking::{mask_email, mask_phone};
use crate::refusal::Refusal;
use crate::registry::User;
use crate::service::State;
use crate::session::Grant;

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let login_id = call.text(request::LOGIN_ID).unwrap_or_default();
    if state.registry.user(login_id).is_none() {
        if !call.permissive {
            return Err(Refusal::user_not_found(login_id));
        }
        state.registry.add_user(User::new(login_id));
    }
    let purpose = Purpose::SignIn {
        login_id: login_id.to_string(),
        grant: Grant {
            claims: call.object(request::CUSTOM_CLAIMS),
            ..Grant::default()
        },
        first_seen: false,
    };
    let token = state
        .tokens
        .issue(call.project_id, purpose, call.number(request::TIMEOUT));
    let user = state.registry.user(login_id).expect("registered above");
    Ok(Value::Object(link_answer(token, user)))
}

/// The answer of both embedded links: the token and the user's masked contacts.
pub(super) fn link_answer(token: String, user: &User) -> Map<String, Value> {
    let mut answer = Map::new();
    answer.insert(response::TOKEN.into(), token.into());
    if let Some(email) = user.email_address() {
        answer.insert(response::MASKED_EMAIL.into(), mask_email(email).into());
    }
    if let Some(phone) = user.phone_number() {
        answer.insert(response::MASKED_PHONE.into(), mask_phone(phone).into());
    }
    answer
}

/// The user a recorded success names, with a phone that masks as recorded.
pub(super) fn prepare(exchange: &Exchange, state: &mut State) {
    let Some(login_id) = exchange
        .input
        .params
        .get(request::LOGIN_ID)
        .and_then(Value::as_str)
    else {
        return;
    };
    let mut user = state
        .registry
        .user(login_id)
        .cloned()
        .unwrap_or_else(|| User::new(login_id));
    let masked_phone = exchange
        .responses
        .iter()
        .find_map(|r| r.body.as_ref()?.get(response::MASKED_PHONE)?.as_str());
    // A recorded masked phone needs a user whose phone masks alike: the
    // hidden digits filled in.
    if let Some(masked) = masked_phone {
        user.phone = Some(masked.replace('*', "5"));
    }
    state.registry.add_user(user);
}
