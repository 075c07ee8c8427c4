//! `EmbeddedLinkSignup`: creates the user, then a token that signs them in.

use descope_spec::fields::embedded_link_signup::request;
use serde_json::Value;

use super::embedded_link::link_answer;
use super::Call;
use crate::flow::Purpose;
use crate::refusal::Refusal;
use crate::registry::{Names, User};
use crate::service::State;
use crate::session::Grant;

/// The code of a sign-up for a login id that already has a user.
pub(crate) const USER_EXISTS: &str = "E062107";

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let login_id = call.text(request::LOGIN_ID).unwrap_or_default();
    if state.registry.user(login_id).is_some() {
        return Err(Refusal::new(
            409,
            USER_EXISTS,
            format!("A user with the login id {login_id:?} already exists"),
        ));
    }
    let details = call.object(request::USER);
    let text = |name: &str| {
        details
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut user = User::new(login_id);
    user.email = text("email");
    user.phone = text("phone");
    user.names = Names {
        name: text("name"),
        given: text("givenName"),
        middle: text("middleName"),
        family: text("familyName"),
    };
    user.verified_email = call.flag(request::EMAIL_VERIFIED);
    user.verified_phone = call.flag(request::PHONE_VERIFIED);
    state.registry.add_user(user);
    let options = call.object(request::LOGIN_OPTIONS);
    let claims = options
        .get("customClaims")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let grant = Grant {
        claims,
        // A step-up sign-in marks its sessions `su`.
        step_up: options
            .get("stepup")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..Grant::default()
    };
    let purpose = Purpose::SignIn {
        login_id: login_id.to_string(),
        grant,
        first_seen: true,
    };
    let token = state
        .tokens
        .issue(call.project_id, purpose, call.number(request::TIMEOUT));
    let user = state.registry.user(login_id).expect("registered above");
    Ok(Value::Object(link_answer(token, user)))
}
