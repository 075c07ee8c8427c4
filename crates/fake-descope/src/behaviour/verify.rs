//! `VerifyMagicLink`: uses a token up, applies what it was for, and starts
//! a session signed by the fake's key.

use descope_spec::fields::verify_magic_link::{request, response};
use descope_spec::recorded::Exchange;
use serde_json::Value;

use super::{session_answer, Call};
use crate::flow::Purpose;
use crate::refusal::Refusal;
use crate::registry::User;
use crate::service::State;
use crate::session::Grant;

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let token = call.text(request::TOKEN).unwrap_or_default();
    let pending = state.tokens.take(token, call.project_id)?;
    let (login_id, grant, first_seen) = match pending.purpose {
        Purpose::SignIn {
            login_id,
            grant,
            first_seen,
        } => (login_id, grant, first_seen),
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
            (login_id, Grant::default(), false)
        }
    };
    // The user may have been dropped (the bound) since the token was issued.
    let user = state
        .registry
        .user(&login_id)
        .ok_or_else(|| Refusal::user_not_found(&login_id))?;
    let issuer = call.issuer(&state.keys);
    let issued = state.sessions.start(
        &issuer,
        call.project_id,
        user,
        grant,
        issuer.default_expirations(),
    );
    Ok(session_answer(&issued, user, first_seen, call.now))
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
        grant: Grant::default(),
        first_seen: false,
    };
    state.tokens.insert(
        token.to_string(),
        &exchange.input.credentials.project_id,
        purpose,
        0,
    );
}
