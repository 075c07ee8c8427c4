//! What changed between two versions of the spec, and what each change does
//! to existing callers on the wire.
//!
//! The comparison walks the spec model: operations by `operationId`, their
//! security, request and response schemas (with `$ref`s followed, so a change
//! inside a shared component is reported at every operation that uses it),
//! response statuses and headers. No rule compares YAML text.
//!
//! A change is *breaking on the wire* when a request an existing caller sends
//! today may be refused, or a response it reads today may change shape;
//! requests and responses therefore read constraints in opposite directions
//! (a tighter request schema breaks callers, a tighter response schema does
//! not).

use serde::Serialize;
use serde_json::Value;

use crate::json_pointer::escape;

use descope_spec::{OperationSpec, Spec};

/// What a change does to existing callers on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireEffect {
    /// Nothing a caller sends or reads changes: descriptions, summaries, examples.
    Documentation,
    /// Callers keep working: what they send is still accepted, what they read keeps its shape.
    Compatible,
    /// A request a caller sends today may be refused, or a response it reads may change shape.
    Breaking,
}

/// Where in an operation a change is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Place {
    /// The operation itself: its existence, method or path.
    Operation,
    /// Its security requirement.
    Security,
    /// Its request body, at a JSON pointer (`/*` stands for any item or key).
    Request {
        /// JSON pointer into the body; empty for the body itself.
        pointer: String,
    },
    /// A response, by its key (`200`, `4XX`, ...), at a JSON pointer into its body.
    Response {
        /// The response key.
        status: String,
        /// JSON pointer into the body; empty for the response itself.
        pointer: String,
    },
    /// A header of a response.
    ResponseHeader {
        /// The response key.
        status: String,
        /// The header's name, lower case.
        header: String,
    },
}

impl Place {
    /// The part of the operation, without a pointer into a body:
    /// `request`, `response 200`, `response 429 header retry-after`.
    pub fn section(&self) -> String {
        match self {
            Place::Operation => "operation".to_string(),
            Place::Security => "security".to_string(),
            Place::Request { .. } => "request".to_string(),
            Place::Response { status, .. } => format!("response {status}"),
            Place::ResponseHeader { status, header } => {
                format!("response {status} header {header}")
            }
        }
    }

    /// The pointer into the body, as shown (`body` for the body itself),
    /// for a place in one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Place::Request { pointer } | Place::Response { pointer, .. } => {
                Some(if pointer.is_empty() { "body" } else { pointer })
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.section())?;
        match self.pointer() {
            Some(pointer) => write!(f, " {pointer}"),
            None => Ok(()),
        }
    }
}

/// What kind of change it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// An operation appeared.
    OperationAdded,
    /// An operation disappeared.
    OperationRemoved,
    /// The operation's path changed.
    PathChanged,
    /// The operation's method changed.
    MethodChanged,
    /// The security requirement changed.
    SecurityChanged,
    /// A request body appeared or disappeared.
    BodyChanged,
    /// A property appeared.
    FieldAdded,
    /// A property disappeared.
    FieldRemoved,
    /// A property became required.
    MadeRequired,
    /// A property stopped being required.
    MadeOptional,
    /// `type` or `format` changed.
    TypeChanged,
    /// `nullable` changed.
    NullableChanged,
    /// `additionalProperties` changed.
    AdditionalPropertiesChanged,
    /// `pattern` changed.
    PatternChanged,
    /// `minLength` or `maxLength` changed.
    LengthChanged,
    /// `minimum`, `maximum` or their exclusive forms changed.
    RangeChanged,
    /// `enum` values changed.
    EnumChanged,
    /// `minItems` or `maxItems` changed.
    ItemsChanged,
    /// A response status appeared.
    StatusAdded,
    /// A response status disappeared.
    StatusRemoved,
    /// A response header appeared.
    HeaderAdded,
    /// A response header disappeared.
    HeaderRemoved,
    /// A response header's schema changed.
    HeaderChanged,
    /// A description, summary, title or example changed.
    Documentation,
}

/// One change, located and classified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The `operationId` of the operation it affects.
    pub operation: String,
    /// Where in the operation.
    #[serde(rename = "where")]
    pub place: Place,
    /// What kind of change.
    pub change: ChangeKind,
    /// What changed, in words: old and new values where there are some.
    pub detail: String,
    /// Its effect on existing callers on the wire.
    pub wire: WireEffect,
}

/// Every change from `old` to `new`, in the order of the new spec's
/// operations (removed ones last).
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_ops = old.operations();
    let new_ops = new.operations();
    for op in &new_ops {
        match old_ops.iter().find(|o| o.id == op.id) {
            Some(before) => Walk::new(old, new, op.id, &mut changes).operation(before, op),
            None => changes.push(Change {
                operation: op.id.to_string(),
                place: Place::Operation,
                change: ChangeKind::OperationAdded,
                detail: format!("{} {} added", op.method, op.path),
                wire: WireEffect::Compatible,
            }),
        }
    }
    for op in old_ops
        .iter()
        .filter(|o| !new_ops.iter().any(|n| n.id == o.id))
    {
        changes.push(Change {
            operation: op.id.to_string(),
            place: Place::Operation,
            change: ChangeKind::OperationRemoved,
            detail: format!("{} {} removed", op.method, op.path),
            wire: WireEffect::Breaking,
        });
    }
    changes
}

/// Which way a schema's values travel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Request,
    Response,
}

impl Way {
    /// The effect of a constraint that now admits fewer values (`tighter`)
    /// or more: callers' requests must fit the new one; responses they read
    /// may now hold anything the new one admits.
    fn of(self, tighter: bool) -> WireEffect {
        match (self, tighter) {
            (Way::Request, true) | (Way::Response, false) => WireEffect::Breaking,
            _ => WireEffect::Compatible,
        }
    }
}

/// The comparison of one operation.
struct Walk<'a> {
    old: &'a Spec,
    new: &'a Spec,
    operation: &'a str,
    changes: &'a mut Vec<Change>,
    /// `$ref` targets being compared, to stop at recursive schemas.
    visiting: Vec<(String, String)>,
}

impl<'a> Walk<'a> {
    fn new(old: &'a Spec, new: &'a Spec, operation: &'a str, changes: &'a mut Vec<Change>) -> Self {
        Walk {
            old,
            new,
            operation,
            changes,
            visiting: Vec::new(),
        }
    }

    fn push(&mut self, place: Place, change: ChangeKind, detail: String, wire: WireEffect) {
        self.changes.push(Change {
            operation: self.operation.to_string(),
            place,
            change,
            detail,
            wire,
        });
    }

    fn operation(mut self, old: &OperationSpec<'a>, new: &OperationSpec<'a>) {
        if old.path != new.path {
            let detail = format!("path {} -> {}", old.path, new.path);
            self.push(
                Place::Operation,
                ChangeKind::PathChanged,
                detail,
                WireEffect::Breaking,
            );
        }
        if old.method != new.method {
            let detail = format!("method {} -> {}", old.method, new.method);
            self.push(
                Place::Operation,
                ChangeKind::MethodChanged,
                detail,
                WireEffect::Breaking,
            );
        }
        let (was, is) = (old.security_schemes(), new.security_schemes());
        if was != is {
            let detail = format!("security [{}] -> [{}]", was.join(", "), is.join(", "));
            self.push(
                Place::Security,
                ChangeKind::SecurityChanged,
                detail,
                WireEffect::Breaking,
            );
        }
        self.documentation(
            Place::Operation,
            old.node(),
            new.node(),
            &["summary", "description"],
        );
        self.request(old, new);
        self.responses(old, new);
    }

    fn request(&mut self, old: &OperationSpec<'a>, new: &OperationSpec<'a>) {
        let place = || Place::Request {
            pointer: String::new(),
        };
        let media = |op: &OperationSpec<'a>| {
            op.node()
                .get("requestBody")
                .and_then(|body| op.resolve(body).ok())
                .and_then(|body| body.pointer("/content/application~1json"))
                .unwrap_or(&NULL)
        };
        self.documentation(place(), media(old), media(new), &["example"]);
        match (old.request_schema(), new.request_schema()) {
            (Ok(Some(was)), Ok(Some(is))) => {
                self.schema(Way::Request, was, is, &mut |pointer| Place::Request {
                    pointer,
                });
            }
            (Ok(None), Ok(Some(_))) => {
                let detail = "a request body is now taken".to_string();
                self.push(
                    place(),
                    ChangeKind::BodyChanged,
                    detail,
                    WireEffect::Breaking,
                );
            }
            (Ok(Some(_)), Ok(None)) => {
                let detail = "the request body is gone".to_string();
                self.push(
                    place(),
                    ChangeKind::BodyChanged,
                    detail,
                    WireEffect::Breaking,
                );
            }
            _ => {}
        }
    }

    fn responses(&mut self, old: &OperationSpec<'a>, new: &OperationSpec<'a>) {
        let (was, is) = (old.response_keys(), new.response_keys());
        for key in &is {
            let place = Place::Response {
                status: key.to_string(),
                pointer: String::new(),
            };
            if !was.contains(key) {
                let detail = format!("response {key} declared");
                self.push(
                    place,
                    ChangeKind::StatusAdded,
                    detail,
                    WireEffect::Compatible,
                );
                continue;
            }
            let (Some(before), Some(after)) = (old.response(key), new.response(key)) else {
                continue;
            };
            self.documentation(place.clone(), before, after, &["description"]);
            let media = |r: &'a Value| r.pointer("/content/application~1json").unwrap_or(&NULL);
            self.documentation(place.clone(), media(before), media(after), &["example"]);
            let body = |r: &'a Value| r.pointer("/content/application~1json/schema");
            match (body(before), body(after)) {
                (Some(b), Some(a)) => {
                    let status = key.to_string();
                    self.schema(Way::Response, b, a, &mut |pointer| Place::Response {
                        status: status.clone(),
                        pointer,
                    });
                }
                (None, Some(_)) => {
                    let detail = "a JSON body is now declared".to_string();
                    self.push(place, ChangeKind::BodyChanged, detail, WireEffect::Breaking);
                }
                (Some(_), None) => {
                    let detail = "the JSON body is no longer declared".to_string();
                    self.push(place, ChangeKind::BodyChanged, detail, WireEffect::Breaking);
                }
                (None, None) => {}
            }
            self.headers(key, before, after);
        }
        for key in was.iter().filter(|k| !is.contains(k)) {
            let place = Place::Response {
                status: key.to_string(),
                pointer: String::new(),
            };
            let detail = format!("response {key} no longer declared");
            self.push(
                place,
                ChangeKind::StatusRemoved,
                detail,
                WireEffect::Compatible,
            );
        }
    }

    fn headers(&mut self, status: &str, old: &'a Value, new: &'a Value) {
        let headers = |spec: &'a Spec, response: &'a Value| -> Vec<(String, &'a Value)> {
            response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, header)| {
                    (
                        name.to_ascii_lowercase(),
                        spec.resolve(header).unwrap_or(header),
                    )
                })
                .collect()
        };
        let (was, is) = (headers(self.old, old), headers(self.new, new));
        for (name, header) in &is {
            let place = Place::ResponseHeader {
                status: status.to_string(),
                header: name.clone(),
            };
            match was.iter().find(|(n, _)| n == name) {
                None => {
                    let detail = format!("header {name} declared");
                    self.push(
                        place,
                        ChangeKind::HeaderAdded,
                        detail,
                        WireEffect::Compatible,
                    );
                }
                Some((_, before)) => {
                    self.documentation(place.clone(), before, header, &["description"]);
                    let schema = |h: &'a Value| h.get("schema").unwrap_or(&NULL);
                    let (b, a) = (schema(before), schema(header));
                    let mut inner = Vec::new();
                    Walk::new(self.old, self.new, self.operation, &mut inner).schema(
                        Way::Response,
                        b,
                        a,
                        &mut |_| place.clone(),
                    );
                    for change in inner {
                        let kind = if change.change == ChangeKind::Documentation {
                            ChangeKind::Documentation
                        } else {
                            ChangeKind::HeaderChanged
                        };
                        self.push(change.place, kind, change.detail, change.wire);
                    }
                }
            }
        }
        for (name, _) in was.iter().filter(|(n, _)| !is.iter().any(|(m, _)| m == n)) {
            let place = Place::ResponseHeader {
                status: status.to_string(),
                header: name.clone(),
            };
            let detail = format!("header {name} no longer declared");
            self.push(
                place,
                ChangeKind::HeaderRemoved,
                detail,
                WireEffect::Breaking,
            );
        }
    }

    /// Compares two schemas met at the same place, `$ref`s followed.
    fn schema(
        &mut self,
        way: Way,
        old: &'a Value,
        new: &'a Value,
        place: &mut dyn FnMut(String) -> Place,
    ) {
        self.schema_at(way, old, new, "", place);
    }

    fn schema_at(
        &mut self,
        way: Way,
        old: &'a Value,
        new: &'a Value,
        at: &str,
        place: &mut dyn FnMut(String) -> Place,
    ) {
        let refs = (reference(old), reference(new));
        if let (Some(a), Some(b)) = &refs {
            let key = (a.to_string(), b.to_string());
            if self.visiting.contains(&key) {
                return;
            }
            self.visiting.push(key);
        }
        let old = self.old.resolve(old).unwrap_or(old);
        let new = self.new.resolve(new).unwrap_or(new);
        self.constraints(way, old, new, at, place);
        self.properties(way, old, new, at, place);
        for keyword in ["items", "additionalProperties"] {
            if let (Some(b @ Value::Object(_)), Some(a @ Value::Object(_))) =
                (old.get(keyword), new.get(keyword))
            {
                self.schema_at(way, b, a, &format!("{at}/*"), place);
            }
        }
        self.documentation(
            place(at.to_string()),
            old,
            new,
            &["description", "title", "example"],
        );
        if matches!(refs, (Some(_), Some(_))) {
            self.visiting.pop();
        }
    }

    fn properties(
        &mut self,
        way: Way,
        old: &'a Value,
        new: &'a Value,
        at: &str,
        place: &mut dyn FnMut(String) -> Place,
    ) {
        let props = |s: &'a Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .map(|props| props.iter().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let required = |s: &Value| -> Vec<String> {
            s.get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (was_required, is_required) = (required(old), required(new));
        let closed = |s: &Value| s.get("additionalProperties") == Some(&Value::Bool(false));
        let (before, after) = (props(old), props(new));
        let find = |list: &[(&'a String, &'a Value)], name: &str| {
            list.iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, s)| *s)
        };
        for &(name, schema) in &after {
            let pointer = format!("{at}/{}", escape(name));
            match find(&before, name) {
                Some(previous) => {
                    self.schema_at(way, previous, schema, &pointer, place);
                    match (was_required.contains(name), is_required.contains(name)) {
                        (false, true) => {
                            let wire = way.of(true);
                            self.push(
                                place(pointer),
                                ChangeKind::MadeRequired,
                                format!("`{name}` is now required"),
                                wire,
                            );
                        }
                        (true, false) => {
                            let wire = way.of(false);
                            self.push(
                                place(pointer),
                                ChangeKind::MadeOptional,
                                format!("`{name}` is no longer required"),
                                wire,
                            );
                        }
                        _ => {}
                    }
                }
                None => {
                    let required = is_required.contains(name);
                    // A new required request field, or one the old schema
                    // would have refused by name, is new to every caller.
                    let wire = match way {
                        Way::Request if required => WireEffect::Breaking,
                        Way::Request => WireEffect::Compatible,
                        Way::Response => WireEffect::Compatible,
                    };
                    let what = if required { "required" } else { "optional" };
                    self.push(
                        place(pointer),
                        ChangeKind::FieldAdded,
                        format!("{what} field `{name}` added"),
                        wire,
                    );
                }
            }
        }
        for &(name, _) in before.iter().filter(|(n, _)| find(&after, n).is_none()) {
            let pointer = format!("{at}/{}", escape(name));
            // Requests: a caller still sending it is refused once unknown
            // fields are (additionalProperties: false). Responses: a reader
            // of it finds it gone.
            let wire = match way {
                Way::Request if !closed(new) => WireEffect::Compatible,
                _ => WireEffect::Breaking,
            };
            self.push(
                place(pointer),
                ChangeKind::FieldRemoved,
                format!("field `{name}` removed"),
                wire,
            );
        }
    }

    fn constraints(
        &mut self,
        way: Way,
        old: &'a Value,
        new: &'a Value,
        at: &str,
        place: &mut dyn FnMut(String) -> Place,
    ) {
        let text = |s: &Value, k: &str| {
            s.get(k)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "none".into())
        };
        // type and format: a different set of values either way, unless the
        // new type only widens the old one.
        let types = |s: &Value| -> Vec<String> {
            match s.get("type") {
                Some(Value::String(t)) => vec![t.clone()],
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (was, is) = (types(old), types(new));
        if was != is || old.get("format") != new.get("format") {
            let widened = !was.is_empty()
                && (is.is_empty()
                    || was.iter().all(|t| {
                        is.contains(t) || (t == "integer" && is.contains(&"number".to_string()))
                    }))
                && (new.get("format").is_none() || old.get("format") == new.get("format"));
            let narrowed = !is.is_empty()
                && (was.is_empty()
                    || is.iter().all(|t| {
                        was.contains(t) || (t == "integer" && was.contains(&"number".to_string()))
                    }))
                && (old.get("format").is_none() || old.get("format") == new.get("format"));
            let wire = if widened && !narrowed {
                way.of(false)
            } else if narrowed && !widened {
                way.of(true)
            } else {
                WireEffect::Breaking
            };
            let detail = format!(
                "type {}{} -> {}{}",
                text(old, "type"),
                old.get("format")
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default(),
                text(new, "type"),
                new.get("format")
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default(),
            );
            self.push(place(at.to_string()), ChangeKind::TypeChanged, detail, wire);
        }
        let flag = |s: &Value, k: &str| s.get(k) == Some(&Value::Bool(true));
        if flag(old, "nullable") != flag(new, "nullable") {
            let tighter = flag(old, "nullable");
            let detail = format!(
                "nullable {} -> {}",
                flag(old, "nullable"),
                flag(new, "nullable")
            );
            self.push(
                place(at.to_string()),
                ChangeKind::NullableChanged,
                detail,
                way.of(tighter),
            );
        }
        // additionalProperties: false admits fewer bodies than true or a schema.
        let open = |s: &Value| s.get("additionalProperties") != Some(&Value::Bool(false));
        let extra_schema = |s: &Value| s.get("additionalProperties").is_some_and(Value::is_object);
        if open(old) != open(new) || (open(old) && extra_schema(old) != extra_schema(new)) {
            let tighter =
                open(old) && !open(new) || (!extra_schema(old) && extra_schema(new) && open(new));
            let detail = format!(
                "additionalProperties {} -> {}",
                text(old, "additionalProperties"),
                text(new, "additionalProperties")
            );
            self.push(
                place(at.to_string()),
                ChangeKind::AdditionalPropertiesChanged,
                detail,
                way.of(tighter),
            );
        }
        if old.get("pattern") != new.get("pattern") {
            // A different pattern admits a different set: only dropping or
            // adding one is known to loosen or tighten.
            let wire = match (old.get("pattern"), new.get("pattern")) {
                (Some(_), None) => way.of(false),
                (None, Some(_)) => way.of(true),
                _ => WireEffect::Breaking,
            };
            let detail = format!(
                "pattern {} -> {}",
                text(old, "pattern"),
                text(new, "pattern")
            );
            self.push(
                place(at.to_string()),
                ChangeKind::PatternChanged,
                detail,
                wire,
            );
        }
        for (keyword, kind, lower) in [
            ("minLength", ChangeKind::LengthChanged, true),
            ("maxLength", ChangeKind::LengthChanged, false),
            ("minimum", ChangeKind::RangeChanged, true),
            ("maximum", ChangeKind::RangeChanged, false),
            ("minItems", ChangeKind::ItemsChanged, true),
            ("maxItems", ChangeKind::ItemsChanged, false),
        ] {
            let number = |s: &Value| s.get(keyword).and_then(Value::as_f64);
            let (b, a) = (number(old), number(new));
            if b == a {
                continue;
            }
            // A lower bound rising, or an upper bound falling, admits fewer values.
            let tighter = match (b, a) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(b), Some(a)) => (a > b) == lower,
                (None, None) => continue,
            };
            let detail = format!("{keyword} {} -> {}", text(old, keyword), text(new, keyword));
            self.push(place(at.to_string()), kind, detail, way.of(tighter));
        }
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            if flag(old, keyword) != flag(new, keyword) {
                let detail = format!("{keyword} {} -> {}", flag(old, keyword), flag(new, keyword));
                self.push(
                    place(at.to_string()),
                    ChangeKind::RangeChanged,
                    detail,
                    way.of(flag(new, keyword)),
                );
            }
        }
        let values = |s: &'a Value| s.get("enum").and_then(Value::as_array);
        match (values(old), values(new)) {
            (b, a) if b == a => {}
            (b, a) => {
                let (b, a) = (
                    b.cloned().unwrap_or_default(),
                    a.cloned().unwrap_or_default(),
                );
                let added: Vec<String> = a
                    .iter()
                    .filter(|v| !b.contains(v))
                    .map(Value::to_string)
                    .collect();
                let removed: Vec<String> = b
                    .iter()
                    .filter(|v| !a.contains(v))
                    .map(Value::to_string)
                    .collect();
                // No enum at all admits every value.
                let tighter =
                    (b.is_empty() && !a.is_empty()) || (!a.is_empty() && !removed.is_empty());
                let looser =
                    (a.is_empty() && !b.is_empty()) || (!b.is_empty() && !added.is_empty());
                let wire = match (tighter, looser) {
                    (true, true) => WireEffect::Breaking,
                    (true, false) => way.of(true),
                    _ => way.of(false),
                };
                let detail = format!(
                    "enum values added [{}], removed [{}]",
                    added.join(", "),
                    removed.join(", ")
                );
                self.push(place(at.to_string()), ChangeKind::EnumChanged, detail, wire);
            }
        }
    }

    /// Changes of the prose and examples of a node, reported as such.
    fn documentation(&mut self, place: Place, old: &'a Value, new: &'a Value, keys: &[&str]) {
        let changed: Vec<&str> = keys
            .iter()
            .copied()
            .chain(["examples"])
            .filter(|key| old.get(*key) != new.get(*key))
            .collect();
        if !changed.is_empty() {
            let detail = format!("{} changed", changed.join(", "));
            self.push(
                place,
                ChangeKind::Documentation,
                detail,
                WireEffect::Documentation,
            );
        }
    }
}

/// What stands where a node is absent.
static NULL: Value = Value::Null;

fn reference(node: &Value) -> Option<&str> {
    node.get("$ref").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use descope_spec::Operation;

    const PHONE: &str = "UpdateUserPhoneMagicLinkSMS";
    const LINK: &str = "EmbeddedLinkSignin";
    const SIGNUP: &str = "EmbeddedLinkSignup";

    /// The changes from the embedded spec to the embedded spec with `from`
    /// replaced by `to` (once; it must be there).
    fn edited(from: &str, to: &str) -> Vec<Change> {
        let old = Spec::embedded();
        assert!(old.text().contains(from), "the spec lacks {from:?}");
        let new = Spec::parse("new.yaml", &old.text().replacen(from, to, 1)).unwrap();
        diff(old, &new)
    }

    /// The changes that are not documentation, as `operation place kind wire`.
    fn summary(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .filter(|c| c.wire != WireEffect::Documentation)
            .map(|c| format!("{} {} {:?} {:?}", c.operation, c.place, c.change, c.wire))
            .collect()
    }

    /// Asserts the one non-documentation change of an edit, and the same
    /// edit undone classified as `reverse`.
    fn both_ways(from: &str, to: &str, forward: &str, reverse: &str) {
        both_ways_at(from, to, &[forward], &[reverse]);
    }

    /// [`both_ways`] for an edit of a component several operations use.
    fn both_ways_at(from: &str, to: &str, forward: &[&str], reverse: &[&str]) {
        assert_eq!(summary(&edited(from, to)), forward, "{from:?} -> {to:?}");
        // Undo: the edited spec is the old one.
        let old = Spec::parse("old.yaml", &Spec::embedded().text().replacen(from, to, 1)).unwrap();
        let back = diff(&old, Spec::embedded());
        assert_eq!(summary(&back), reverse, "{to:?} -> {from:?}");
    }

    const TIMEOUT: &str = "        timeout:\n          type: integer\n          nullable: true\n          format: int32\n          minimum: 0\n";

    #[test]
    fn request_fields_added_and_removed() {
        let optional = "        providerId:\n";
        both_ways(
            optional,
            "        channel:\n          type: string\n        providerId:\n",
            &format!("{PHONE} request /channel FieldAdded Compatible"),
            &format!("{PHONE} request /channel FieldRemoved Breaking"),
        );
        let required = edited(
            "      required: [loginId, phone]\n      properties:\n",
            "      required: [loginId, phone, channel]\n      properties:\n        channel:\n          type: string\n",
        );
        assert_eq!(
            summary(&required),
            [format!("{PHONE} request /channel FieldAdded Breaking")]
        );
    }

    #[test]
    fn required_and_optional() {
        both_ways(
            "      required: [loginId]\n",
            "      required: [loginId, timeout]\n",
            &format!("{LINK} request /timeout MadeRequired Breaking"),
            &format!("{LINK} request /timeout MadeOptional Compatible"),
        );
    }

    #[test]
    fn types_and_formats() {
        both_ways(
            TIMEOUT,
            &TIMEOUT.replace("type: integer", "type: number"),
            &format!("{LINK} request /timeout TypeChanged Compatible"),
            &format!("{LINK} request /timeout TypeChanged Breaking"),
        );
        both_ways(
            TIMEOUT,
            &TIMEOUT.replace("format: int32", "format: int64"),
            &format!("{LINK} request /timeout TypeChanged Breaking"),
            &format!("{LINK} request /timeout TypeChanged Breaking"),
        );
        let to_string = edited(TIMEOUT, &TIMEOUT.replace("type: integer", "type: string"));
        assert_eq!(
            summary(&to_string),
            [format!("{LINK} request /timeout TypeChanged Breaking")]
        );
    }

    #[test]
    fn nullable() {
        both_ways(
            TIMEOUT,
            &TIMEOUT.replace("          nullable: true\n", ""),
            &format!("{LINK} request /timeout NullableChanged Breaking"),
            &format!("{LINK} request /timeout NullableChanged Compatible"),
        );
    }

    #[test]
    fn additional_properties() {
        both_ways(
            "      additionalProperties: false\n      required: [loginId]\n",
            "      additionalProperties: true\n      required: [loginId]\n",
            &format!("{LINK} request body AdditionalPropertiesChanged Compatible"),
            &format!("{LINK} request body AdditionalPropertiesChanged Breaking"),
        );
    }

    #[test]
    fn patterns() {
        // The phone schema is shared: the change shows at both users of it.
        let pattern = "      pattern: ^\\+[1-9][0-9]{1,14}$\n";
        let at = |wire: &str| {
            [
                format!("{PHONE} request /phone PatternChanged {wire}"),
                format!("{SIGNUP} request /user/phone PatternChanged {wire}"),
            ]
        };
        let (breaking, compatible) = (at("Breaking"), at("Compatible"));
        let strs = |v: &[String; 2]| [v[0].clone(), v[1].clone()];
        let b = strs(&breaking);
        let c = strs(&compatible);
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        let c: Vec<&str> = c.iter().map(String::as_str).collect();
        both_ways_at(pattern, "      pattern: ^\\+[1-9][0-9]{1,11}$\n", &b, &b);
        both_ways_at(pattern, "", &c, &b);
    }

    #[test]
    fn a_shared_component_is_reported_at_every_operation_using_it() {
        let changes = edited(
            "      type: string\n      minLength: 1\n      description: The identifier",
            "      type: string\n      minLength: 3\n      description: The identifier",
        );
        assert_eq!(
            summary(&changes),
            [
                format!("{PHONE} request /loginId LengthChanged Breaking"),
                format!("{LINK} request /loginId LengthChanged Breaking"),
                format!("{SIGNUP} request /loginId LengthChanged Breaking"),
            ]
        );
        let looser = edited(
            "      type: string\n      minLength: 1\n      description: The identifier",
            "      type: string\n      minLength: 0\n      description: The identifier",
        );
        assert!(
            summary(&looser)
                .iter()
                .all(|c| c.ends_with("LengthChanged Compatible")),
            "{looser:?}"
        );
    }

    #[test]
    fn lengths_ranges_and_enums() {
        both_ways(
            "          minimum: 0\n          description: Lifetime",
            "          minimum: 1\n          description: Lifetime",
            &format!("{LINK} request /timeout RangeChanged Breaking"),
            &format!("{LINK} request /timeout RangeChanged Compatible"),
        );
        both_ways(
            "          minimum: 0\n          description: Lifetime",
            "          minimum: 0\n          maximum: 3600\n          description: Lifetime",
            &format!("{LINK} request /timeout RangeChanged Breaking"),
            &format!("{LINK} request /timeout RangeChanged Compatible"),
        );
        let locale = "        locale:\n          type: string\n          nullable: true\n";
        both_ways(
            locale,
            "        locale:\n          type: string\n          nullable: true\n          maxLength: 35\n",
            &format!("{PHONE} request /locale LengthChanged Breaking"),
            &format!("{PHONE} request /locale LengthChanged Compatible"),
        );
        both_ways(
            locale,
            "        locale:\n          type: string\n          nullable: true\n          enum: [en-GB, fr-FR]\n",
            &format!("{PHONE} request /locale EnumChanged Breaking"),
            &format!("{PHONE} request /locale EnumChanged Compatible"),
        );
        let two = "        locale:\n          type: string\n          nullable: true\n          enum: [en-GB, fr-FR]\n";
        let old = Spec::parse("a.yaml", &Spec::embedded().text().replacen(locale, two, 1)).unwrap();
        let three = Spec::parse(
            "b.yaml",
            &old.text()
                .replacen("[en-GB, fr-FR]", "[en-GB, fr-FR, de-DE]", 1),
        )
        .unwrap();
        assert_eq!(
            summary(&diff(&old, &three)),
            [format!("{PHONE} request /locale EnumChanged Compatible")]
        );
        assert_eq!(
            summary(&diff(&three, &old)),
            [format!("{PHONE} request /locale EnumChanged Breaking")]
        );
    }

    #[test]
    fn nested_maps_and_arrays() {
        both_ways(
            "          additionalProperties:\n            type: string\n",
            "          additionalProperties:\n            type: string\n            maxLength: 64\n",
            &format!("{PHONE} request /templateOptions/* LengthChanged Breaking"),
            &format!("{PHONE} request /templateOptions/* LengthChanged Compatible"),
        );
        let list = "        channel:\n          type: array\n          items:\n            type: string\n        providerId:\n";
        let old = Spec::parse(
            "a.yaml",
            &Spec::embedded()
                .text()
                .replacen("        providerId:\n", list, 1),
        )
        .unwrap();
        let fewer = Spec::parse(
            "b.yaml",
            &old.text().replacen(
                "          items:\n",
                "          maxItems: 2\n          items:\n",
                1,
            ),
        )
        .unwrap();
        assert_eq!(
            summary(&diff(&old, &fewer)),
            [format!("{PHONE} request /channel ItemsChanged Breaking")]
        );
        assert_eq!(
            summary(&diff(&fewer, &old)),
            [format!("{PHONE} request /channel ItemsChanged Compatible")]
        );
        let longer = Spec::parse(
            "c.yaml",
            &old.text().replacen(
                "          items:\n            type: string\n",
                "          items:\n            type: string\n            minLength: 2\n",
                1,
            ),
        )
        .unwrap();
        assert_eq!(
            summary(&diff(&old, &longer)),
            [format!("{PHONE} request /channel/* LengthChanged Breaking")]
        );
    }

    #[test]
    fn responses_read_constraints_the_other_way() {
        let masked = "        maskedEmail:\n          type: string\n";
        // The sign-in link's answer is the sign-up link's too.
        let both = |what: &str| [format!("{LINK} {what}"), format!("{SIGNUP} {what}")];
        let pair = |v: &[String; 2]| -> Vec<String> { v.to_vec() };
        let added = pair(&both("response 200 /userId FieldAdded Compatible"));
        let removed = pair(&both("response 200 /userId FieldRemoved Breaking"));
        both_ways_at(
            masked,
            "        maskedEmail:\n          type: string\n        userId:\n          type: string\n",
            &added.iter().map(String::as_str).collect::<Vec<_>>(),
            &removed.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let required = pair(&both("response 200 /maskedEmail MadeRequired Compatible"));
        let optional = pair(&both("response 200 /maskedEmail MadeOptional Breaking"));
        both_ways_at(
            "      required: [token]\n      properties:\n        token:\n          $ref: '#/components/schemas/EmbeddedLinkToken'\n        maskedEmail",
            "      required: [token, maskedEmail]\n      properties:\n        token:\n          $ref: '#/components/schemas/EmbeddedLinkToken'\n        maskedEmail",
            &required.iter().map(String::as_str).collect::<Vec<_>>(),
            &optional.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        // The token schema is also verify's input: stricter there is breaking.
        both_ways_at(
            "      format: password\n      minLength: 1\n",
            "      format: password\n      minLength: 16\n",
            &[
                "VerifyMagicLink request /token LengthChanged Breaking",
                &format!("{LINK} response 200 /token LengthChanged Compatible"),
                &format!("{SIGNUP} response 200 /token LengthChanged Compatible"),
            ],
            &[
                "VerifyMagicLink request /token LengthChanged Compatible",
                &format!("{LINK} response 200 /token LengthChanged Breaking"),
                &format!("{SIGNUP} response 200 /token LengthChanged Breaking"),
            ],
        );
        let typed = edited(
            "    EmbeddedLinkToken:\n      type: string\n",
            "    EmbeddedLinkToken:\n      type: integer\n",
        );
        assert_eq!(
            summary(&typed),
            [
                "VerifyMagicLink request /token TypeChanged Breaking".to_string(),
                format!("{LINK} response 200 /token TypeChanged Breaking"),
                format!("{SIGNUP} response 200 /token TypeChanged Breaking"),
            ]
        );
        let status =
            "        maskedPhone:\n          type: string\n          description: The new number";
        both_ways(
            status,
            "        maskedPhone:\n          type: string\n          enum: [a]\n          description: The new number",
            &format!("{PHONE} response 200 /maskedPhone EnumChanged Compatible"),
            &format!("{PHONE} response 200 /maskedPhone EnumChanged Breaking"),
        );
    }

    #[test]
    fn statuses_and_headers() {
        let changes = edited("        '429':\n          $ref: '#/components/responses/RateLimited'\n        4XX:\n          $ref: '#/components/responses/ClientError'\n        5XX:\n          $ref: '#/components/responses/ServerError'\n  /v1/mgmt", "        4XX:\n          $ref: '#/components/responses/ClientError'\n        5XX:\n          $ref: '#/components/responses/ServerError'\n  /v1/mgmt");
        assert_eq!(
            summary(&changes),
            [format!(
                "{PHONE} response 429 body StatusRemoved Compatible"
            )]
        );
        let headers = edited("      headers:\n        Retry-After:\n          $ref: '#/components/headers/RetryAfter'\n", "");
        // Every operation shares the 429 answer: each loses the header, in path order.
        let expected: Vec<String> = [
            "Logout",
            "LogoutAllDevices",
            PHONE,
            "VerifyMagicLink",
            "Me",
            "RefreshSession",
            "GetLicense",
            LINK,
            SIGNUP,
            "GetKeysV2",
        ]
        .iter()
        .map(|op| format!("{op} response 429 header retry-after HeaderRemoved Breaking"))
        .collect();
        assert_eq!(summary(&headers), expected);
        let schema = edited(
            "      schema:\n        type: integer\n        minimum: 0\n",
            "      schema:\n        type: string\n",
        );
        assert!(
            summary(&schema)
                .iter()
                .all(|c| c.ends_with("HeaderChanged Breaking")),
            "{schema:?}"
        );
        // Type and minimum, at every operation that declares a 429.
        let with_429 = Operation::ALL.len();
        assert_eq!(summary(&schema).len(), 2 * with_429, "{schema:?}");
    }

    #[test]
    fn operations_paths_methods_and_security() {
        let moved = edited(
            "  /v1/mgmt/user/signin/embeddedlink:\n",
            "  /v2/mgmt/user/signin/embeddedlink:\n",
        );
        assert_eq!(
            summary(&moved),
            [format!("{LINK} operation PathChanged Breaking")]
        );
        let method = edited(
            "  /v1/mgmt/user/signin/embeddedlink:\n    post:\n",
            "  /v1/mgmt/user/signin/embeddedlink:\n    put:\n",
        );
        assert_eq!(
            summary(&method),
            [format!("{LINK} operation MethodChanged Breaking")]
        );
        let security = edited(
            "        - projectManagementKey: []\n",
            "        - projectRefreshJwt: []\n",
        );
        assert_eq!(
            summary(&security),
            [format!("{LINK} security SecurityChanged Breaking")]
        );
        let renamed = edited(
            "      operationId: EmbeddedLinkSignin\n",
            "      operationId: EmbeddedLinkSignIn\n",
        );
        assert_eq!(
            summary(&renamed),
            [
                "EmbeddedLinkSignIn operation OperationAdded Compatible".to_string(),
                format!("{LINK} operation OperationRemoved Breaking"),
            ]
        );
    }

    #[test]
    fn documentation_alone_is_reported_as_such() {
        let changes = edited("summary: Issue a sign-in token", "summary: Issue a token");
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].wire, WireEffect::Documentation);
        assert_eq!(changes[0].change, ChangeKind::Documentation);
        let example = edited(
            "                  timeout: 300\n",
            "                  timeout: 600\n",
        );
        assert!(
            example.iter().all(|c| c.wire == WireEffect::Documentation),
            "{example:?}"
        );
        assert!(!example.is_empty());
        assert!(diff(Spec::embedded(), Spec::embedded()).is_empty());
    }
}
