//! `Logout` and `LogoutAllDevices`: the session a refresh JWT belongs to
//! ends (or every session of its user); its refresh JWTs are refused after.

use descope_spec::recorded::Exchange;
use serde_json::{json, Value};

use super::Call;
use crate::refusal::Refusal;
use crate::service::State;

pub(super) fn answer(call: &Call, state: &mut State, all_devices: bool) -> Result<Value, Refusal> {
    let State { sessions, keys, .. } = state;
    sessions.logout(
        keys,
        call.refresh_jwt,
        call.project_id,
        call.now,
        all_devices,
    )?;
    Ok(json!({}))
}

/// A recorded logout ends a session the fake must know: a session of a user
/// of its own, so that it ends no other recorded exchange's session.
pub(super) fn prepare(exchange: &Exchange, state: &mut State) {
    let own = format!("{}@recorded.example.com", exchange.name);
    super::register_recorded_session(exchange, state, Some(own));
}
