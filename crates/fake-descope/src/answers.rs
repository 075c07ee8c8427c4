//! The fake's own answers to valid calls.

use serde_json::{json, Map, Value};

use descope_spec::fields::{
    embedded_link_signin as link_fields, get_license as license_fields,
    update_user_phone_magic_link_sms as phone_fields,
};
use descope_spec::Operation;

use crate::masking::{mask_email, mask_phone};
use crate::refusal::Refusal;
use crate::registry::{Registry, User};
use crate::token::fresh_token;

/// The success body for a valid call to `operation` with `body`, or the
/// refusal Descope would give (an unknown user).
pub(crate) fn answer(
    operation: Operation,
    body: &Value,
    registry: &Registry,
    permissive: bool,
) -> Result<Value, Refusal> {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    match operation {
        Operation::UpdateUserPhoneMagicLinkSms => Ok(json!({
            phone_fields::response::MASKED_PHONE: mask_phone(field(phone_fields::request::PHONE)),
        })),
        Operation::EmbeddedLinkSignin => {
            let login_id = field(link_fields::request::LOGIN_ID);
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
            answer.insert(link_fields::response::TOKEN.into(), fresh_token().into());
            if let Some(email) = user.email_address() {
                answer.insert(
                    link_fields::response::MASKED_EMAIL.into(),
                    mask_email(email).into(),
                );
            }
            if let Some(phone) = user.phone_number() {
                answer.insert(
                    link_fields::response::MASKED_PHONE.into(),
                    mask_phone(phone).into(),
                );
            }
            Ok(Value::Object(answer))
        }
        // The official SDKs send this tier back as `x-descope-license`.
        Operation::GetLicense => Ok(json!({
            license_fields::response::RATE_LIMIT_TIER: registry.rate_limit_tier(),
        })),
    }
}
