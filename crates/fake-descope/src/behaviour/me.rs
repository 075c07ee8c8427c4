//! `Me`: the user a live session's refresh JWT belongs to.

use descope_spec::recorded::Exchange;
use serde_json::Value;

use super::Call;
use crate::refusal::Refusal;
use crate::service::State;
use crate::session::BAD_REFRESH;

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let user_id =
        state
            .sessions
            .user_of(&state.keys, call.refresh_jwt, call.project_id, call.now)?;
    let user = state
        .registry
        .user_by_id(&user_id)
        .ok_or_else(|| Refusal::new(401, BAD_REFRESH, "The session's user is gone"))?;
    Ok(user.to_json())
}

/// As for a refresh: the recorded refresh JWT is a session of the recorded user.
pub(super) fn prepare(exchange: &Exchange, state: &mut State) {
    super::register_recorded_session(exchange, state, None);
}
