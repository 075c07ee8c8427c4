//! What each operation does, one file each: what it answers and what state
//! it changes. Everything before (route, credentials, the spec's checks,
//! scripts) and after (the check of the answer against the spec, the log)
//! is the same for every operation, in `service.rs`.

mod embedded_link;
mod license;
mod logout;
mod me;
mod public_keys;
mod refresh;
mod signup;
mod update_phone;
mod verify;

pub use update_phone::DEFAULT_LINK_URI;

use descope_spec::recorded::Exchange;
use descope_spec::Operation;
use serde_json::{Map, Value};

use crate::ids::Ids;
use crate::keys::KeyRing;
use crate::refusal::Refusal;
use crate::registry::User;
use crate::service::State;
use crate::session::{Issued, Issuer, Lifetimes};

/// One valid call, as the behaviour of its operation sees it.
pub(crate) struct Call<'a> {
    /// The request body, checked against the spec (`null` for none).
    pub(crate) body: &'a Value,
    /// The project of the credential.
    pub(crate) project_id: &'a str,
    /// The refresh JWT of the credential (empty for other kinds).
    pub(crate) refresh_jwt: &'a str,
    /// The path parameters, by the names of the spec's path template.
    pub(crate) path: &'a [(String, String)],
    /// The query string, if any.
    pub(crate) query: Option<&'a str>,
    /// Whether the fake accepts unknown users.
    pub(crate) permissive: bool,
    /// Now, on the fake's clock (seconds since the epoch).
    pub(crate) now: u64,
    /// Where ids and tokens come from.
    pub(crate) ids: &'a Ids,
    /// How long sessions live.
    pub(crate) lifetimes: Lifetimes,
}

impl<'a> Call<'a> {
    /// What issuing a session needs, with the fake's keys.
    pub(crate) fn issuer<'k>(&self, keys: &'k KeyRing) -> Issuer<'k>
    where
        'a: 'k,
    {
        Issuer {
            keys,
            ids: self.ids,
            now: self.now,
            lifetimes: self.lifetimes,
        }
    }

    /// A path parameter.
    pub(crate) fn path_param(&self, name: &str) -> Option<String> {
        self.path
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// A query parameter, decoded (the first, if repeated).
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query?.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

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
        Operation::RefreshSession => refresh::answer(call, state),
        Operation::Logout => logout::answer(call, state, false),
        Operation::LogoutAllDevices => logout::answer(call, state, true),
        Operation::Me => me::answer(call, state),
        Operation::GetKeysV2 => public_keys::answer(call, state),
    }
}

/// Sets `state` up so that the success `exchange` records (of `operation`)
/// can happen against the fake: the users and tokens it needs.
pub(crate) fn prepare(operation: Operation, exchange: &Exchange, state: &mut State) {
    match operation {
        Operation::EmbeddedLinkSignin => embedded_link::prepare(exchange, state),
        Operation::VerifyMagicLink => verify::prepare(exchange, state),
        Operation::RefreshSession => refresh::prepare(exchange, state),
        Operation::Logout | Operation::LogoutAllDevices => logout::prepare(exchange, state),
        Operation::Me => me::prepare(exchange, state),
        Operation::UpdateUserPhoneMagicLinkSms
        | Operation::EmbeddedLinkSignup
        | Operation::GetLicense
        | Operation::GetKeysV2 => {}
    }
}

/// The answer of a sign-in or a refresh (`JWTResponse`): the JWTs, the
/// cookie settings a browser client needs, and the user.
pub(crate) fn session_answer(issued: &Issued, user: &User, first_seen: bool, now: u64) -> Value {
    use descope_spec::fields::verify_magic_link::response;
    let mut answer = serde_json::Map::new();
    answer.insert(
        response::SESSION_JWT.into(),
        issued.session_jwt.clone().into(),
    );
    if let Some(refresh_jwt) = &issued.refresh_jwt {
        answer.insert(response::REFRESH_JWT.into(), refresh_jwt.clone().into());
    }
    let max_age = issued
        .refresh_expiration
        .saturating_sub(now)
        .min(i32::MAX as u64);
    for (name, value) in [
        (response::COOKIE_DOMAIN, Value::from("")),
        (response::COOKIE_PATH, Value::from("/")),
        (response::COOKIE_MAX_AGE, Value::from(max_age)),
        (
            response::COOKIE_EXPIRATION,
            Value::from(issued.refresh_expiration),
        ),
        (
            response::SESSION_EXPIRATION,
            Value::from(issued.session_expiration),
        ),
        (response::FIRST_SEEN, Value::from(first_seen)),
        (response::USER, user.to_json()),
    ] {
        answer.insert(name.into(), value);
    }
    Value::Object(answer)
}

/// Makes the refresh JWT of a recorded exchange a live session of the
/// recorded user (the user the recorded answer names, with its details, else
/// `ada@example.com`), or of the user `own` names. A recorded refresh that
/// answers a new refresh JWT makes its project rotate them.
fn register_recorded_session(exchange: &Exchange, state: &mut State, own: Option<String>) {
    let credentials = &exchange.input.credentials;
    let Some(refresh_jwt) = credentials.refresh_jwt.as_deref() else {
        return;
    };
    let answer = exchange.responses.iter().find_map(|r| r.body.as_ref());
    let recorded_user = answer.and_then(|body| {
        let user = body.get("user").unwrap_or(body);
        user.get("loginIds")?.get(0)?.as_str()?;
        Some(user)
    });
    let user = match (own, recorded_user) {
        (Some(login_id), _) => User::new(login_id),
        (None, Some(recorded)) => user_like(recorded),
        (None, None) => User::new("ada@example.com"),
    };
    // A user already kept keeps its id (other sessions name it); the
    // recorded details are added to it.
    let user_id = match state.registry.user_mut(user.login_id()) {
        Some(kept) => {
            kept.email = user.email.or(kept.email.take());
            kept.phone = user.phone.or(kept.phone.take());
            kept.verified_email |= user.verified_email;
            kept.verified_phone |= user.verified_phone;
            if user.names != crate::registry::Names::default() {
                kept.names = user.names;
            }
            kept.user_id.clone()
        }
        None => state.registry.add_user(user).user_id.clone(),
    };
    if answer.is_some_and(|body| body.get("refreshJwt").is_some()) {
        state.registry.add_project(
            crate::registry::Project::new(&credentials.project_id).rotate_refresh_jwts(true),
        );
    }
    let now = state.clock.now();
    state.sessions.register(
        &state.ids,
        refresh_jwt,
        &credentials.project_id,
        &user_id,
        now,
        state.lifetimes,
    );
}

/// A user with the details a recorded `ResponseUser` holds.
fn user_like(recorded: &Value) -> User {
    let text = |name: &str| {
        recorded
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let flag = |name: &str| recorded.get(name).and_then(Value::as_bool).unwrap_or(false);
    let mut user = User::new(recorded["loginIds"][0].as_str().unwrap_or_default());
    user.email = text("email");
    user.phone = text("phone");
    user.verified_email = flag("verifiedEmail");
    user.verified_phone = flag("verifiedPhone");
    user.names = crate::registry::Names {
        name: text("name"),
        given: text("givenName"),
        middle: text("middleName"),
        family: text("familyName"),
    };
    user
}
