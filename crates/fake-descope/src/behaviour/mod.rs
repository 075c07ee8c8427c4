//! What each operation does, one file each: what it answers and what state
//! it changes. Everything before (route, credentials, the spec's checks,
//! scripts) and after (the check of the answer against the spec, the log)
//! is the same for every operation, in `service.rs`.

mod embedded_link;
mod license;
mod signup;
mod update_phone;
mod verify;

pub use update_phone::DEFAULT_LINK_URI;

use descope_spec::recorded::Exchange;
use descope_spec::Operation;
use serde_json::{Map, Value};

use crate::refusal::Refusal;
use crate::service::State;
use crate::session::SessionKeys;

/// One valid call, as the behaviour of its operation sees it.
pub(crate) struct Call<'a> {
    /// The request body, checked against the spec (`null` for none).
    pub(crate) body: &'a Value,
    /// The project of the credential.
    pub(crate) project_id: &'a str,
    /// Whether the fake accepts unknown users.
    pub(crate) permissive: bool,
    /// The fake's signing keys.
    pub(crate) keys: &'a SessionKeys,
}

impl Call<'_> {
    /// A string field of the body.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    /// A boolean field of the body; absent or `null` is false.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.body
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A whole-number field of the body; absent or `null` is 0.
    pub(crate) fn number(&self, name: &str) -> u64 {
        self.body.get(name).and_then(Value::as_u64).unwrap_or(0)
    }

    /// An object field of the body; absent or `null` is empty.
    pub(crate) fn object(&self, name: &str) -> Map<String, Value> {
        self.body
            .get(name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// The success body of `call` to `operation`, or the refusal Descope gives.
pub(crate) fn answer(
    operation: Operation,
    call: &Call,
    state: &mut State,
) -> Result<Value, Refusal> {
    match operation {
        Operation::UpdateUserPhoneMagicLinkSms => update_phone::answer(call, state),
        Operation::EmbeddedLinkSignup => signup::answer(call, state),
        Operation::VerifyMagicLink => verify::answer(call, state),
        Operation::GetLicense => license::answer(call, state),
        Operation::EmbeddedLinkSignin => embedded_link::answer(call, state),
    }
}

/// Sets `state` up so that the success `exchange` records (of `operation`)
/// can happen against the fake: the users and tokens it needs.
pub(crate) fn prepare(operation: Operation, exchange: &Exchange, state: &mut State) {
    match operation {
        Operation::EmbeddedLinkSignin => embedded_link::prepare(exchange, state),
        Operation::VerifyMagicLink => verify::prepare(exchange, state),
        Operation::UpdateUserPhoneMagicLinkSms
        | Operation::EmbeddedLinkSignup
        | Operation::GetLicense => {}
    }
}
