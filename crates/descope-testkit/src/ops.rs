//! Every operation of the spec, as the hardening tests call it: [`OPS`] is
//! the operation table ([`Operation::ALL`]), so a test that loops over it
//! covers an operation the day the spec gains it.
//!
//! What a test expects of an operation comes from the spec: its credential
//! header and path from the table, which of its answers' fields are secrets
//! (`format: password`) and the type of each from its schemas, a body it
//! succeeds with from its recordings (`spec/recorded/`). The one thing
//! written by hand per operation is how the ergonomic client calls it:
//! [`Op::send`], an exhaustive `match` that stops compiling when the spec
//! gains an operation. That is the one edit a new operation asks of this
//! crate.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use descope_ergonomic::management::EmbeddedLink;
use descope_ergonomic::session::{KeySet, Session, SessionUser};
use descope_ergonomic::{DescopeClient, Error, RefreshJwt, SessionJwt};
use descope_spec::recorded::{ClientKind, Outcome, Recordings};
use descope_spec::{fields, Credential, Operation, Spec};
use serde_json::{json, Map, Value};

use crate::client::{management_authorization, refresh_jwt, user_authorization, NEW_PHONE};
use crate::credentials::{LINK_TOKEN, PROJECT, USER};

/// An operation of the spec, as the tests call it through the ergonomic
/// client (with the fixed inputs of [`Op::send`]). It derefs to the
/// [`Operation`], for its table facts (`path`, `method`, `credential`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Op(pub Operation);

/// Every operation of the spec, in its order.
pub const OPS: [Op; Operation::ALL.len()] = {
    let mut ops = [Op(Operation::ALL[0]); Operation::ALL.len()];
    let mut at = 0;
    while at < ops.len() {
        ops[at] = Op(Operation::ALL[at]);
        at += 1;
    }
    ops
};

/// The names the two operations had when they were the only ones, for the
/// tests of other crates that still call them so.
#[allow(non_upper_case_globals)]
impl Op {
    /// [`Operation::UpdateUserPhoneMagicLinkSms`].
    pub const UpdatePhone: Op = Op(Operation::UpdateUserPhoneMagicLinkSms);
    /// [`Operation::EmbeddedLinkSignin`].
    pub const EmbeddedLink: Op = Op(Operation::EmbeddedLinkSignin);
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id())
    }
}

impl Deref for Op {
    type Target = Operation;

    fn deref(&self) -> &Operation {
        &self.0
    }
}

impl From<Operation> for Op {
    fn from(operation: Operation) -> Self {
        Op(operation)
    }
}

impl From<Op> for Operation {
    fn from(op: Op) -> Self {
        op.0
    }
}

/// What a call answered, under the spec's response field names.
#[derive(Clone, PartialEq)]
pub struct Output {
    /// Every field of the answer the typed output gives back (secrets
    /// exposed), by the spec's name; fields it leaves out (absent options,
    /// a flag that is off) are absent.
    pub fields: Map<String, Value>,
    /// The typed output's `Debug`, and that of each secret it holds.
    pub debug: String,
}

impl fmt::Debug for Output {
    /// The typed output's own `Debug`: what a test that prints a result
    /// shows, so that it shows no secret either.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.debug)
    }
}

impl Output {
    fn new<'a>(debug: String, fields: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Self {
        let fields = fields
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_string(), value?)))
            .collect();
        Output { fields, debug }
    }

    /// The field `name` of the answer, if the output gives it back.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Whether the output is what the success body `body` says: each field
    /// it gives back is the body's (an object's members, each one the output
    /// gives back; an array's items, one for one).
    pub fn agrees_with(&self, body: &Value) -> bool {
        agrees(&Value::Object(self.fields.clone()), body)
    }
}

fn agrees(output: &Value, body: &Value) -> bool {
    match (output, body) {
        (Value::Object(output), Value::Object(body)) => output
            .iter()
            .all(|(name, value)| body.get(name).is_some_and(|b| agrees(value, b))),
        (Value::Array(output), Value::Array(body)) => {
            output.len() == body.len() && output.iter().zip(body).all(|(o, b)| agrees(o, b))
        }
        _ => output == body,
    }
}

impl Op {
    /// The operation.
    pub const fn operation(self) -> Operation {
        self.0
    }

    /// Calls the operation with the tests' fixed inputs: the user
    /// ([`USER`]) and their refresh JWT, [`NEW_PHONE`], [`LINK_TOKEN`], and
    /// nothing else (each option left unset).
    pub async fn send(self, client: &DescopeClient) -> Result<Output, Error> {
        self.send_showing(client, |_| ()).await
    }

    /// [`send`](Self::send), handing `show` the prepared request's `Debug`
    /// before it is sent.
    ///
    /// The one place that knows how the ergonomic client calls each
    /// operation: a new operation of the spec stops this `match` compiling,
    /// and adding its arm is all it takes for every test over [`OPS`] to
    /// cover it.
    pub async fn send_showing(
        self,
        client: &DescopeClient,
        mut show: impl FnMut(String),
    ) -> Result<Output, Error> {
        let mut shown = |request: &dyn fmt::Debug| show(format!("{request:?}"));
        Ok(match self.0 {
            Operation::UpdateUserPhoneMagicLinkSms => {
                use fields::update_user_phone_magic_link_sms::response as f;
                let request = client
                    .magic_link()
                    .update_phone_sms(refresh_jwt(), USER, NEW_PHONE);
                shown(&request);
                let sent = request.send().await?;
                Output::new(
                    format!("{sent:?}"),
                    [(f::MASKED_PHONE, Some(json!(sent.masked_phone())))],
                )
            }
            Operation::VerifyMagicLink => {
                let request = client.magic_link().verify(LINK_TOKEN);
                shown(&request);
                session_output(&request.send().await?)
            }
            Operation::EmbeddedLinkSignin => {
                let request = client.management().users().embedded_link(USER);
                shown(&request);
                link_output(&request.send().await?)
            }
            Operation::EmbeddedLinkSignup => {
                let request = client.management().users().embedded_link_signup(USER);
                shown(&request);
                link_output(&request.send().await?)
            }
            Operation::GetLicense => {
                use fields::get_license::response as f;
                let request = client.management().license();
                shown(&request);
                let license = request.send().await?;
                Output::new(
                    format!("{license:?}"),
                    [(f::RATE_LIMIT_TIER, Some(json!(license.rate_limit_tier())))],
                )
            }
            Operation::RefreshSession => {
                use fields::refresh_session::response as f;
                let request = client.sessions().refresh(refresh_jwt());
                shown(&request);
                let refreshed = request.send().await?;
                Output::new(
                    format!(
                        "{refreshed:?} {:?} {:?}",
                        refreshed.session_jwt(),
                        refreshed.rotated_refresh_jwt()
                    ),
                    [
                        (f::SESSION_JWT, Some(session_jwt(refreshed.session_jwt()))),
                        (
                            f::REFRESH_JWT,
                            refreshed.rotated_refresh_jwt().map(refresh_jwt_json),
                        ),
                        (f::USER, refreshed.user().map(user_json)),
                    ],
                )
            }
            Operation::Logout => {
                let request = client.sessions().logout(refresh_jwt());
                shown(&request);
                let () = request.send().await?;
                Output::new("()".into(), [])
            }
            Operation::LogoutAllDevices => {
                let request = client.sessions().logout_all(refresh_jwt());
                shown(&request);
                let () = request.send().await?;
                Output::new("()".into(), [])
            }
            Operation::Me => {
                let request = client.sessions().me(refresh_jwt());
                shown(&request);
                let user = request.send().await?;
                let Value::Object(fields) = user_json(&user) else {
                    unreachable!("a user is an object")
                };
                Output {
                    fields,
                    debug: format!("{user:?}"),
                }
            }
            Operation::GetKeysV2 => {
                use fields::get_keys_v2::response as f;
                let request = client.sessions().keys();
                shown(&request);
                let keys = request.send().await?;
                Output::new(format!("{keys:?}"), [(f::KEYS, Some(keys_json(&keys)))])
            }
        })
    }
}

/// A session's fields (`VerifyMagicLink`'s answer).
fn session_output(session: &Session) -> Output {
    use fields::verify_magic_link::response as f;
    Output::new(
        format!(
            "{session:?} {:?} {:?}",
            session.session_jwt(),
            session.refresh_jwt()
        ),
        [
            (f::SESSION_JWT, Some(session_jwt(session.session_jwt()))),
            (f::REFRESH_JWT, session.refresh_jwt().map(refresh_jwt_json)),
            (f::USER, session.user().map(user_json)),
        ],
    )
}

/// A link's fields (the answer of `EmbeddedLinkSignin` and of
/// `EmbeddedLinkSignup`: one schema, `EmbeddedLinkSigninResponse`).
fn link_output(link: &EmbeddedLink) -> Output {
    use fields::embedded_link_signin::response as f;
    Output::new(
        format!("{link:?} {:?}", link.token()),
        [
            (f::TOKEN, Some(json!(link.token().expose_secret()))),
            (f::MASKED_EMAIL, link.masked_email().map(|m| json!(m))),
            (f::MASKED_PHONE, link.masked_phone().map(|m| json!(m))),
        ],
    )
}

fn session_jwt(jwt: &SessionJwt) -> Value {
    json!(jwt.expose_secret())
}

fn refresh_jwt_json(jwt: &RefreshJwt) -> Value {
    json!(jwt.expose_secret())
}

/// A user (`ResponseUser`, the answer of `Me` and a session's `user`).
fn user_json(user: &SessionUser) -> Value {
    use fields::me::response as f;
    let text = |value: &Option<String>| value.as_ref().map(|v| json!(v));
    let flag = |on: bool| on.then_some(json!(true));
    let created = user
        .created_time
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|since| json!(since.as_secs()));
    let fields: Map<String, Value> = [
        (f::USER_ID, Some(json!(user.user_id))),
        (f::LOGIN_IDS, Some(json!(user.login_ids))),
        (f::NAME, text(&user.name)),
        (f::GIVEN_NAME, text(&user.given_name)),
        (f::MIDDLE_NAME, text(&user.middle_name)),
        (f::FAMILY_NAME, text(&user.family_name)),
        (f::EMAIL, text(&user.email)),
        (f::PHONE, text(&user.phone)),
        (f::STATUS, text(&user.status)),
        (f::VERIFIED_EMAIL, flag(user.verified_email)),
        (f::VERIFIED_PHONE, flag(user.verified_phone)),
        (f::CREATED_TIME, created),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_string(), value?)))
    .collect();
    Value::Object(fields)
}

/// A key set, each key with its JWK members.
fn keys_json(keys: &KeySet) -> Value {
    keys.keys()
        .iter()
        .map(|key| {
            let mut members: Map<String, Value> = key
                .members()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect();
            let named = [
                ("kid", Some(key.kid())),
                ("kty", Some(key.kty())),
                ("alg", key.alg()),
                ("use", key.key_use()),
                ("n", key.n()),
                ("e", key.e()),
            ];
            for (name, value) in named {
                if let Some(value) = value {
                    members.insert(name.to_string(), json!(value));
                }
            }
            Value::Object(members)
        })
        .collect()
}

// ------------------------------------------------ what the spec says of it --

/// One top-level field of an operation's success body, as its schema says.
#[derive(Debug, Clone, Copy)]
pub struct ResponseField {
    /// Its name.
    pub name: &'static str,
    /// Its JSON type (`string`, `integer`, `array`, ...); `None` when the
    /// schema gives none.
    pub kind: Option<&'static str>,
    /// Its minimum length, for a string that has one.
    pub min_length: Option<u64>,
    /// The pattern a string must match, if it has one.
    pub pattern: Option<&'static str>,
    /// Whether it is a secret (`format: password`).
    pub secret: bool,
    /// Whether the spec requires it.
    pub required: bool,
}

struct Facts {
    response: Vec<ResponseField>,
    secret_request_fields: Vec<&'static str>,
    success: Value,
}

fn facts(op: Operation) -> &'static Facts {
    static FACTS: OnceLock<HashMap<Operation, Facts>> = OnceLock::new();
    &FACTS.get_or_init(|| {
        let recordings = Recordings::embedded();
        Operation::ALL
            .into_iter()
            .map(|op| (op, read_facts(op, &recordings)))
            .collect()
    })[&op]
}

fn read_facts(op: Operation, recordings: &Recordings) -> Facts {
    let spec = Spec::embedded();
    let found = spec
        .operation(op.id())
        .unwrap_or_else(|| panic!("{op} is in the table but not in the spec"));
    let properties = |schema: Option<&'static Value>| -> Vec<(&'static str, &'static Value)> {
        schema
            .and_then(|s| found.resolve(s).ok())
            .and_then(|s| s["properties"].as_object())
            .into_iter()
            .flatten()
            .map(|(name, property)| {
                let property = found.resolve(property).unwrap_or(property);
                (name.as_str(), property)
            })
            .collect()
    };
    let is_secret = |property: &Value| property["format"] == "password";
    let response_schema = found
        .response_schema(200)
        .unwrap_or_else(|e| panic!("{op}: {e}"));
    let required: Vec<&str> = response_schema
        .and_then(|s| found.resolve(s).ok())
        .and_then(|s| s["required"].as_array())
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let response = properties(response_schema)
        .into_iter()
        .map(|(name, property)| ResponseField {
            name,
            kind: property["type"].as_str(),
            min_length: property["minLength"].as_u64(),
            pattern: property["pattern"].as_str(),
            secret: is_secret(property),
            required: required.contains(&name),
        })
        .collect();
    let request_schema = found
        .request_schema()
        .unwrap_or_else(|e| panic!("{op}: {e}"));
    let secret_request_fields = properties(request_schema)
        .into_iter()
        .filter(|(_, property)| is_secret(property))
        .map(|(name, _)| name)
        .collect();
    Facts {
        response,
        secret_request_fields,
        success: recorded_success(op, recordings),
    }
}

/// The shortest body of the operation's recorded successes: one 200 with a
/// JSON body and no other header, which the ergonomic client turns into a
/// value.
fn recorded_success(op: Operation, recordings: &Recordings) -> Value {
    recordings
        .exchanges
        .iter()
        .filter(|exchange| {
            exchange.operation == op.id()
                && exchange.clients.contains(&ClientKind::Ergonomic)
                && !exchange.overrides.contains_key(&ClientKind::Ergonomic)
                && matches!(exchange.outcome, Outcome::Success(_))
        })
        .filter_map(|exchange| match exchange.responses.as_slice() {
            [only]
                if only.status == 200
                    && only.text.is_none()
                    && only.headers.keys().all(|name| name == "content-type") =>
            {
                only.body.clone()
            }
            _ => None,
        })
        .min_by_key(|body| body.to_string().len())
        .unwrap_or_else(|| {
            panic!("{op} has no recorded success (one 200, JSON, no headers) in spec/recorded/")
        })
}

impl Op {
    /// The path a call of it goes to: its template, with the client's
    /// project id for each path parameter (the only one the spec has).
    pub fn request_path(self) -> String {
        self.path_for(PROJECT)
    }

    /// The `Authorization` its calls carry, by the credential the table
    /// gives it; `None` for an operation that takes none.
    pub fn authorization(self) -> Option<String> {
        self.credential().map(|credential| match credential {
            Credential::ProjectId => format!("Bearer {PROJECT}"),
            Credential::ProjectManagementKey => management_authorization(),
            Credential::ProjectRefreshJwt => user_authorization(),
        })
    }

    /// Whether it is the license handshake, which answers the rate-limit
    /// tier rather than carrying it.
    pub fn is_handshake(self) -> bool {
        self.0 == Operation::GetLicense
    }

    /// Whether its calls carry the rate-limit tier (`x-descope-license`):
    /// the management operations, but for the handshake itself.
    pub fn carries_license(self) -> bool {
        self.credential() == Some(Credential::ProjectManagementKey) && !self.is_handshake()
    }

    /// The top-level fields of its success body, by its schema.
    pub fn success_fields(self) -> &'static [ResponseField] {
        &facts(self.0).response
    }

    /// The fields of its success body that are secrets (`format:
    /// password`): an issued token, a session's JWTs.
    pub fn secret_response_fields(self) -> Vec<&'static str> {
        self.success_fields()
            .iter()
            .filter(|field| field.secret)
            .map(|field| field.name)
            .collect()
    }

    /// Whether a success of it may carry a secret: then no 2xx body of it
    /// is ever shown (in an excerpt, say).
    pub fn success_carries_secret(self) -> bool {
        self.success_fields().iter().any(|field| field.secret)
    }

    /// The secrets a call of it sends, which its output must never show:
    /// its credential's secret part, and what it sends in a secret request
    /// field (`VerifyMagicLink`'s token: [`LINK_TOKEN`]).
    pub fn sent_secrets(self) -> Vec<&'static str> {
        use crate::credentials::{MANAGEMENT_KEY, REFRESH_JWT};
        let credential = self.credential().and_then(|credential| match credential {
            Credential::ProjectId => None,
            Credential::ProjectManagementKey => Some(MANAGEMENT_KEY),
            Credential::ProjectRefreshJwt => Some(REFRESH_JWT),
        });
        let request = (!facts(self.0).secret_request_fields.is_empty()).then_some(LINK_TOKEN);
        credential.into_iter().chain(request).collect()
    }

    /// A body it succeeds with: its shortest recorded success.
    pub fn success_body(self) -> &'static Value {
        &facts(self.0).success
    }

    /// [`success_body`](Self::success_body) as JSON text.
    pub fn success_text(self) -> String {
        self.success_body().to_string()
    }

    /// [`success_body`](Self::success_body) with `secret` in every secret
    /// field the spec gives the answer (added where the recording has none).
    pub fn success_with_secret(self, secret: &str) -> Value {
        let mut body = self.success_body().clone();
        for name in self.secret_response_fields() {
            body[name] = json!(secret);
        }
        body
    }

    /// A value of the wrong JSON type for `field`: a number for a string,
    /// a string for anything else.
    pub fn wrong_value(field: &ResponseField) -> Value {
        match field.kind {
            Some("string") => json!(12),
            _ => json!("wrong"),
        }
    }
}

/// The success bodies of every operation in one: each operation decodes it
/// (the fields of the others are unknown to it, and skipped).
pub fn any_success_body() -> &'static Value {
    static BODY: OnceLock<Value> = OnceLock::new();
    BODY.get_or_init(|| {
        let mut all = Map::new();
        for op in OPS {
            if let Value::Object(body) = op.success_body() {
                for (name, value) in body {
                    all.entry(name.clone()).or_insert_with(|| value.clone());
                }
            }
        }
        Value::Object(all)
    })
}
