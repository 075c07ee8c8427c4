//! `GetLicense`: the tier the official SDKs send back as `x-descope-license`.

use descope_spec::fields::get_license::response;
use serde_json::{json, Value};

use super::Call;
use crate::refusal::Refusal;
use crate::service::State;

pub(super) fn answer(_call: &Call, state: &mut State) -> Result<Value, Refusal> {
    Ok(json!({ response::RATE_LIMIT_TIER: state.registry.rate_limit_tier() }))
}
