//! The fake's own answers to valid calls.

use serde_json::{json, Map, Value};

use crate::endpoint::Endpoint;
use crate::masking::{mask_email, mask_phone};
use crate::refusal::Refusal;
use crate::registry::{Registry, User};
use crate::token::fresh_token;

/// What the license call answers. The official SDKs read `rateLimitTier` and
/// echo it in an `x-descope-license` header on later management calls.
pub(crate) const LICENSE_TIER: &str = "free";

/// The success body for a valid call to `endpoint` with `body`, or the
/// refusal Descope would give (an unknown user).
pub(crate) fn answer(
    endpoint: Endpoint,
    body: &Value,
    registry: &Registry,
    permissive: bool,
) -> Result<Value, Refusal> {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    match endpoint {
        Endpoint::UpdatePhoneSms => Ok(json!({ "maskedPhone": mask_phone(field("phone")) })),
        Endpoint::EmbeddedLink => {
            let login_id = field("loginId");
            let stranger;
            let user = match registry.user(login_id) {
                Some(user) => user,
                None if permissive => {
                    stranger = User::new(login_id);
                    &stranger
                }
                None => return Err(Refusal::user_not_found(login_id)),
            };
            let mut answer = Map::new();
            answer.insert("token".into(), fresh_token().into());
            if let Some(email) = user.email_address() {
                answer.insert("maskedEmail".into(), mask_email(email).into());
            }
            if let Some(phone) = user.phone_number() {
                answer.insert("maskedPhone".into(), mask_phone(phone).into());
            }
            Ok(Value::Object(answer))
        }
        Endpoint::License => Ok(json!({
            "licenseType": LICENSE_TIER,
            "rateLimitTier": LICENSE_TIER,
        })),
    }
}
