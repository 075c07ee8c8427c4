//! `GetKeysV2`: the public keys that verify the sessions the fake issues,
//! for a project it knows (any, when permissive). Rotated-out keys stay in
//! the set through their grace period.

use serde_json::Value;

use super::Call;
use crate::refusal::{codes, Refusal};
use crate::service::State;

/// The path parameter and the query parameter of the operation.
const PROJECT_ID: &str = "projectId";
const CERTS: &str = "certs";

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    let project_id = call.path_param(PROJECT_ID).unwrap_or_default();
    if let Some(certs) = call.query_param(CERTS) {
        if certs != "true" && certs != "false" {
            return Err(Refusal::invalid(format!(
                "The query parameter {CERTS} must be true or false, not {certs:?}"
            )));
        }
    }
    if !call.permissive && state.registry.project(&project_id).is_none() {
        return Err(Refusal::new(
            400,
            codes::BAD_REQUEST,
            format!("The project id {project_id:?} is not known"),
        ));
    }
    Ok(state.keys.jwks(call.now))
}
