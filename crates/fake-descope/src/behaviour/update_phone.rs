//! `UpdateUserPhoneMagicLinkSMS`: "sends" the SMS (to the outbox) with a
//! token that, once verified, makes the number the user's.

use descope_spec::fields::update_user_phone_magic_link_sms::{request, response};
use serde_json::{json, Value};

use super::Call;
use crate::flow::Purpose;
use crate::masking::mask_phone;
use crate::refusal::Refusal;
use crate::service::State;

/// Where the link points when the call names no `URI`: the fake's stand-in
/// for the project's redirect setting.
pub const DEFAULT_LINK_URI: &str = "http://localhost/magiclink/verify";

pub(super) fn answer(call: &Call, state: &mut State) -> Result<Value, Refusal> {
    // The user's refresh JWT must be the good one of a live session.
    state
        .sessions
        .check_in_use(&state.keys, call.refresh_jwt, call.project_id, call.now)?;
    let login_id = call.text(request::LOGIN_ID).unwrap_or_default();
    let phone = call.text(request::PHONE).unwrap_or_default();
    let purpose = Purpose::PhoneChange {
        login_id: login_id.to_string(),
        phone: phone.to_string(),
        add_to_login_ids: call.flag(request::ADD_TO_LOGIN_I_DS),
    };
    let token = state.tokens.issue(call.project_id, purpose, 0);
    let uri = call.text(request::URI).unwrap_or(DEFAULT_LINK_URI);
    state.outbox.send(phone, uri, &token, login_id);
    Ok(json!({ response::MASKED_PHONE: mask_phone(phone) }))
}
