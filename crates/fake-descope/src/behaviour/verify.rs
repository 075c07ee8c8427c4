//! `VerifyMagicLink`: uses a token up, applies what it was for, and starts
//! a session signed by the fake's key.

use descope_spec::fields::verify_magic_link::{request, response};
use descope_spec::recorded::Exchange;
use serde_json::{json, Map, Value};

use super::Call;
use crate::flow::Purpose;
use crate::refusal::Refusal;
use crate::registry::User;
use crate::service::State;
use crate::session::REFRESH_LIFETIME_SECS;

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let token = call.text(request::TOKEN).unwrap_or_default();
    let pending = state.tokens.take(token, call.project_id)?;
    let (login_id, claims, first_seen) = match pending.purpose {
        Purpose::SignIn {
            login_id,
            claims,
            first_seen,
        } => (login_id, claims, first_seen),
        Purpose::PhoneChange {
            login_id,
            phone,
            add_to_login_ids,
        } => {
            if state.registry.user(&login_id).is_none() {
                state.registry.add_user(User::new(&login_id));
            }
            let user = state
                .registry
                .user_mut(&login_id)
                .expect("registered above");
            user.phone = Some(phone.clone());
            user.verified_phone = true;
            let user_id = user.user_id.clone();
            if add_to_login_ids {
                state.registry.add_login_id(&user_id, &phone);
            }
            (login_id, Map::new(), false)
        }
    };
    // The user may have been dropped (the bound) since the token was issued.
    let user = state
        .registry
        .user(&login_id)
        .ok_or_else(|| Refusal::user_not_found(&login_id))?;
    let issued = call.keys.issue(call.project_id, &user.user_id, &claims);
    Ok(json!({
        response::SESSION_JWT: issued.session_jwt,
        response::REFRESH_JWT: issued.refresh_jwt,
        response::COOKIE_DOMAIN: "",
        response::COOKIE_PATH: "/",
        response::COOKIE_MAX_AGE: REFRESH_LIFETIME_SECS,
        response::COOKIE_EXPIRATION: issued.refresh_expiration,
        response::SESSION_EXPIRATION: issued.session_expiration,
        response::FIRST_SEEN: first_seen,
        response::USER: user_json(user),
    }))
}

/// The user as Descope answers it; fields the user has no value for are left out.
fn user_json(user: &User) -> Value {
    let mut fields = Map::new();
    fields.insert("loginIds".into(), json!(user.login_ids));
    fields.insert("userId".into(), json!(user.user_id));
    for (name, value) in [
        ("name", user.names.name.as_deref()),
        ("givenName", user.names.given.as_deref()),
        ("middleName", user.names.middle.as_deref()),
        ("familyName", user.names.family.as_deref()),
        ("email", user.email_address()),
        ("phone", user.phone_number()),
    ] {
        if let Some(value) = value {
            fields.insert(name.into(), value.into());
        }
    }
    fields.insert("verifiedEmail".into(), json!(user.verified_email));
    fields.insert("verifiedPhone".into(), json!(user.verified_phone));
    fields.insert("status".into(), json!("enabled"));
    fields.insert("createdTime".into(), json!(user.created_time));
    Value::Object(fields)
}

/// A recorded success verifies a token the fake must know: it is made a
/// pending sign-in token of the recorded user (or of `ada@example.com`).
pub(super) fn prepare(exchange: &Exchange, state: &mut State) {
    let Some(token) = exchange
        .input
        .params
        .get(request::TOKEN)
        .and_then(Value::as_str)
    else {
        return;
    };
    let login_id = exchange
        .responses
        .iter()
        .find_map(|r| {
            r.body
                .as_ref()?
                .get(response::USER)?
                .get("loginIds")?
                .get(0)?
                .as_str()
        })
        .unwrap_or("ada@example.com")
        .to_string();
    if state.registry.user(&login_id).is_none() {
        state.registry.add_user(User::new(&login_id));
    }
    let purpose = Purpose::SignIn {
        login_id,
        claims: Map::new(),
        first_seen: false,
    };
    state.tokens.insert(
        token.to_string(),
        &exchange.input.credentials.project_id,
        purpose,
        0,
    );
}
