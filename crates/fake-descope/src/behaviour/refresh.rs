//! `RefreshSession`: a new session JWT for a live session's refresh JWT,
//! and a new refresh JWT in its place when the project rotates them.

use descope_spec::recorded::Exchange;
use serde_json::Value;

use super::{session_answer, Call};
use crate::refusal::Refusal;
use crate::service::State;

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let rotate = state
        .registry
        .project(call.project_id)
        .is_some_and(|project| project.rotates_refresh_jwts);
    let State {
        sessions,
        keys,
        registry,
        ..
    } = state;
    let (issued, user_id) = sessions.refresh(
        &call.issuer(keys),
        call.refresh_jwt,
        call.project_id,
        |user_id| registry.user_by_id(user_id).cloned(),
        rotate,
    )?;
    let user = registry.user_by_id(&user_id).expect("the refresh found it");
    Ok(session_answer(&issued, user, false, call.now))
}

/// A recorded refresh presents a refresh JWT the fake must know: it is made
/// a live session of the recorded user.
pub(super) fn prepare(exchange: &Exchange, state: &mut State) {
    super::register_recorded_session(exchange, state, None);
}
