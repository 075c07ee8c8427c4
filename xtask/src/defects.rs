//! The defects of an OpenAPI document that stop the generator, each named
//! with an RFC 6901 JSON pointer to where it is, rather than the one sentence
//! progenitor or typify gives for the first they meet.
//!
//! [`structural`] reads the document alone and is quick on any size;
//! [`find`] adds, when the generator still refuses the document, the
//! operations and schemas it refuses on their own (see `localise`).

mod defaults;
mod localise;
mod names;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// One defect: what kind, where, and a short sentence on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// What is wrong.
    pub kind: Kind,
    /// Where, as a JSON pointer into the document (empty: the whole document).
    pub pointer: String,
    /// What is wrong there, in a sentence.
    pub detail: String,
}

/// The kinds of defect, serialised by their [`Kind::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A `$ref` to nothing in this document.
    DanglingRef,
    /// An operation without an `operationId`, which names it everywhere.
    MissingOperationId,
    /// An `operationId` that an earlier operation already has.
    DuplicateOperationId,
    /// A schema whose `default` is not a value of the schema.
    DefaultMismatch,
    /// Two names that become one Rust identifier.
    RustNameCollision,
    /// Something else the generator refuses, found by generating parts alone.
    GeneratorRefusal,
}

impl Kind {
    /// The stable kebab-case name of the kind, as JSON and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DanglingRef => "dangling-ref",
            Kind::MissingOperationId => "missing-operation-id",
            Kind::DuplicateOperationId => "duplicate-operation-id",
            Kind::DefaultMismatch => "default-mismatch",
            Kind::RustNameCollision => "rust-name-collision",
            Kind::GeneratorRefusal => "generator-refusal",
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "the whole document"
        } else {
            &self.pointer
        };
        write!(f, "{} at {at}: {}", self.kind.name(), self.detail)
    }
}

impl Defect {
    fn new(kind: Kind, pointer: impl Into<String>, detail: impl Into<String>) -> Defect {
        Defect {
            kind,
            pointer: pointer.into(),
            detail: detail.into(),
        }
    }
}

/// Every defect of `document`: the structural ones, then, if the generator
/// still refuses the document, the operations and schemas it refuses alone
/// for a reason no structural defect in them explains. Sorted by pointer.
pub fn find(document: &Value) -> Vec<Defect> {
    let mut defects = structural(document);
    let refused = match crate::codegen::syntax_tree(document) {
        Ok(_) => Vec::new(),
        Err(refusal) => localise::refusals(document, &defects, &refusal.0),
    };
    defects.extend(refused);
    sort(&mut defects);
    defects
}

/// The defects read from the document alone, without generating anything:
/// dangling references, missing and duplicate operation ids, defaults that
/// do not fit their schema, and names that collide in Rust. Sorted by pointer.
pub fn structural(document: &Value) -> Vec<Defect> {
    let operations = operations(document);
    let schemas = schemas(document);
    let (mut defects, ids) = operation_ids(&operations);
    defects.extend(dangling_refs(document));
    defects.extend(defaults::mismatches(document, &schemas));
    defects.extend(names::collisions(document, &operations, &schemas, &ids));
    sort(&mut defects);
    defects
}

/// The defects as a message: how many, then one line each.
pub fn list(defects: &[Defect]) -> String {
    let count = match defects.len() {
        1 => "1 defect".to_string(),
        n => format!("{n} defects"),
    };
    let lines: Vec<String> = defects.iter().map(|d| format!("  {d}")).collect();
    format!("{count}:\n{}", lines.join("\n"))
}

/// By pointer, then kind: the same document always lists the same way.
fn sort(defects: &mut [Defect]) {
    defects.sort_by(|a, b| (&a.pointer, a.kind, &a.detail).cmp(&(&b.pointer, b.kind, &b.detail)));
}

/// `pointer` extended by one reference token, escaped as RFC 6901 says.
fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", crate::json_pointer::escape(token))
}

/// The methods a path item may hold, as OpenAPI 3.0 lists them.
/// One operation of the document and where it is.
struct Operation<'a> {
    path: &'a str,
    method: &'static str,
    /// The path item holding it, with its shared parameters.
    item: &'a Value,
    item_pointer: String,
    node: &'a Value,
    pointer: String,
}

impl Operation<'_> {
    /// How messages name it: `POST /v1/things`.
    fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// Its `operationId`, when it has a usable one.
    fn id(&self) -> Option<&str> {
        self.node
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
    }
}

fn operations(document: &Value) -> Vec<Operation<'_>> {
    let paths = document.get("paths").and_then(Value::as_object);
    let mut operations = Vec::new();
    for (path, item) in paths.into_iter().flatten() {
        let item_pointer = child("/paths", path);
        for method in descope_spec::METHODS {
            if let Some(node) = item.get(method).filter(|node| node.is_object()) {
                operations.push(Operation {
                    path,
                    method,
                    item,
                    pointer: child(&item_pointer, method),
                    item_pointer: item_pointer.clone(),
                    node,
                });
            }
        }
    }
    operations
}

/// Missing and duplicated operation ids, and the operations that own an id
/// (the first to use it), which the method-name check reads.
fn operation_ids<'a, 'b>(operations: &'b [Operation<'a>]) -> (Vec<Defect>, Vec<&'b Operation<'a>>) {
    let mut defects = Vec::new();
    let mut owners: BTreeMap<&str, &Operation> = BTreeMap::new();
    let mut owning = Vec::new();
    for operation in operations {
        let Some(id) = operation.id() else {
            defects.push(Defect::new(
                Kind::MissingOperationId,
                &operation.pointer,
                format!(
                    "{} has no operationId; every operation needs one",
                    operation.label()
                ),
            ));
            continue;
        };
        match owners.get(id) {
            Some(owner) => defects.push(Defect::new(
                Kind::DuplicateOperationId,
                child(&operation.pointer, "operationId"),
                format!("`{id}` is already the id of {}", owner.label()),
            )),
            None => {
                owners.insert(id, operation);
                owning.push(operation);
            }
        }
    }
    (defects, owning)
}

/// Every `$ref` must be a local pointer to something in this document.
fn dangling_refs(document: &Value) -> Vec<Defect> {
    let mut defects = Vec::new();
    walk_refs(document, document, "", &mut defects);
    defects
}

fn walk_refs(document: &Value, node: &Value, pointer: &str, defects: &mut Vec<Defect>) {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref") {
                if let Some(detail) = ref_problem(document, target) {
                    defects.push(Defect::new(
                        Kind::DanglingRef,
                        child(pointer, "$ref"),
                        detail,
                    ));
                }
            }
            for (key, value) in map {
                walk_refs(document, value, &child(pointer, key), defects);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                walk_refs(document, value, &child(pointer, &i.to_string()), defects);
            }
        }
        _ => {}
    }
}

fn ref_problem(document: &Value, target: &Value) -> Option<String> {
    let Some(target) = target.as_str() else {
        return Some("`$ref` is not a string".into());
    };
    match target.strip_prefix('#') {
        None => Some(format!(
            "`{target}` is outside this document; only local references are read"
        )),
        Some(pointer) if document.pointer(pointer).is_none() => {
            Some(format!("`{target}` does not exist"))
        }
        Some(_) => None,
    }
}

/// What `node` stands for: itself, or what its `$ref` chain ends at (`None`
/// for a reference to nothing, reported as dangling). A chain longer than
/// any sensible document has is taken as a cycle and also gives `None`.
fn resolve<'a>(document: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match node.get("$ref") {
            None => return Some(node),
            Some(target) => {
                node = document.pointer(target.as_str()?.strip_prefix('#')?)?;
            }
        }
    }
    None
}

/// Every schema written in the document, with its pointer: the components'
/// schemas, those of parameters, headers and media types, and every schema
/// nested in those.
fn schemas(document: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    let components = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in components.into_iter().flatten() {
        nested_schemas(schema, child("/components/schemas", name), &mut found);
    }
    schema_holders(document, "", &mut found);
    found
}

/// The schemas under a `schema` key, outside the schemas themselves and the
/// values that are data (examples, extensions).
fn schema_holders<'a>(node: &'a Value, pointer: &str, found: &mut Vec<(String, &'a Value)>) {
    let children: Vec<(String, &Value)> = match node {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| {
                !matches!(key.as_str(), "example" | "examples") && !key.starts_with("x-")
            })
            .map(|(key, value)| (key.clone(), value))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (key, value) in children {
        let at = child(pointer, &key);
        if at == "/components/schemas" {
            continue;
        }
        if key == "schema" && value.is_object() {
            nested_schemas(value, at, found);
        } else {
            schema_holders(value, &at, found);
        }
    }
}

/// `schema` and the schemas written inside it.
fn nested_schemas<'a>(schema: &'a Value, pointer: String, found: &mut Vec<(String, &'a Value)>) {
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(inner) = schema.get(keyword).filter(|inner| inner.is_object()) {
            nested_schemas(inner, child(&pointer, keyword), found);
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let at = child(&pointer, "properties");
        for (name, inner) in properties {
            nested_schemas(inner, child(&at, name), found);
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        let inners = schema.get(keyword).and_then(Value::as_array);
        let at = child(&pointer, keyword);
        for (i, inner) in inners.into_iter().flatten().enumerate() {
            nested_schemas(inner, child(&at, &i.to_string()), found);
        }
    }
    found.push((pointer, schema));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture the integration tests also generate from: one defect of each kind.
    const DEFECTIVE: &str = include_str!("../tests/xtask/fixtures/defective.yaml");

    fn yaml(text: &str) -> Value {
        serde_norway::from_str(text).unwrap()
    }

    fn found(defects: &[Defect]) -> Vec<(&'static str, &str)> {
        defects
            .iter()
            .map(|d| (d.kind.name(), d.pointer.as_str()))
            .collect()
    }

    #[test]
    fn each_defect_of_the_fixture_is_found_where_it_is() {
        let defects = find(&yaml(DEFECTIVE));
        assert_eq!(
            found(&defects),
            [
                ("rust-name-collision", "/components/schemas/Gadget_Kind"),
                (
                    "default-mismatch",
                    "/components/schemas/Widget/properties/labels/default"
                ),
                (
                    "rust-name-collision",
                    "/components/schemas/Widget/properties/serial_number"
                ),
                (
                    "rust-name-collision",
                    "/paths/~1v1~1gadgets/get/parameters/1"
                ),
                ("generator-refusal", "/paths/~1v1~1gadgets~1find/post"),
                (
                    "rust-name-collision",
                    "/paths/~1v1~1gadgets~1search/post/operationId"
                ),
                ("missing-operation-id", "/paths/~1v1~1widgets/get"),
                (
                    "dangling-ref",
                    "/paths/~1v1~1widgets/post/requestBody/content/application~1json/schema/$ref"
                ),
                (
                    "duplicate-operation-id",
                    "/paths/~1v1~1widgets~1{id}/get/operationId"
                ),
            ]
        );
    }

    #[test]
    fn details_say_what_is_wrong() {
        let defects = structural(&yaml(DEFECTIVE));
        let details: Vec<String> = defects.iter().map(ToString::to_string).collect();
        assert_eq!(
            details,
            [
                "rust-name-collision at /components/schemas/Gadget_Kind: `Gadget_Kind` becomes the type `GadgetKind`, as `GadgetKind` does",
                "default-mismatch at /components/schemas/Widget/properties/labels/default: the default false does not fit its schema of type object",
                "rust-name-collision at /components/schemas/Widget/properties/serial_number: `serial_number` becomes the field `serial_number`, as `SerialNumber` does",
                "rust-name-collision at /paths/~1v1~1gadgets/get/parameters/1: `page_size` becomes the parameter `page_size`, as `pageSize` does",
                "rust-name-collision at /paths/~1v1~1gadgets~1search/post/operationId: `SearchGadgets` becomes the method `search_gadgets`, as `search_gadgets` does",
                "missing-operation-id at /paths/~1v1~1widgets/get: GET /v1/widgets has no operationId; every operation needs one",
                "dangling-ref at /paths/~1v1~1widgets/post/requestBody/content/application~1json/schema/$ref: `#/components/schemas/catalog.WidgetRequest` does not exist",
                "duplicate-operation-id at /paths/~1v1~1widgets~1{id}/get/operationId: `ListGadgets` is already the id of GET /v1/gadgets",
            ]
        );
    }

    #[test]
    fn the_workspace_spec_has_none() {
        let spec = descope_spec::Spec::embedded();
        assert_eq!(find(spec.document()), Vec::<Defect>::new());
    }

    #[test]
    fn a_schema_the_generator_refuses_is_blamed_not_what_reaches_it() {
        // Patterns that are no regular expression: the generator refuses them.
        let document = yaml(
            "openapi: 3.0.3\n\
             info: {title: t, version: '1'}\n\
             paths:\n  /v1/codes:\n    post:\n      operationId: SendCode\n      \
             requestBody:\n        content:\n          application/json:\n            \
             schema: {$ref: '#/components/schemas/Envelope'}\n      \
             responses:\n        '204': {description: Sent.}\n\
             components:\n  schemas:\n    \
             Envelope:\n      type: object\n      properties:\n        code: {$ref: '#/components/schemas/Code'}\n    \
             Code: {type: string, pattern: '^[a-z+$'}\n    \
             Spare: {type: string, pattern: '^(b[a-z]+$'}\n    \
             Plain: {type: string}\n",
        );
        let defects = find(&document);
        assert_eq!(
            found(&defects),
            [
                ("generator-refusal", "/components/schemas/Code"),
                ("generator-refusal", "/components/schemas/Spare"),
            ]
        );
        assert!(
            defects[0].detail.starts_with(
                "the generator refuses this schema alone: the generator cannot handle this spec: \
                 type error invalid schema for Code: invalid pattern '^[a-z+$'"
            ),
            "{}",
            defects[0].detail
        );
    }

    #[test]
    fn a_refusal_no_part_explains_is_the_whole_documents() {
        // Two operations whose ids become one method name, which the
        // structural checks would name; find is handed the document alone.
        let document = yaml(
            "openapi: 3.0.3\n\
             info: {title: t, version: '1'}\n\
             paths:\n  \
             /a:\n    get: {operationId: loadThing, responses: {'204': {description: ok}}}\n  \
             /b:\n    get: {operationId: load_thing, responses: {'204': {description: ok}}}\n",
        );
        let Err(refusal) = crate::codegen::syntax_tree(&document) else {
            panic!("two methods of one name do not compile");
        };
        let defects = localise::refusals(&document, &[], &refusal.0);
        assert_eq!(found(&defects), [("generator-refusal", "")]);
        assert!(
            defects[0]
                .detail
                .contains("the generated code would not compile: `impl Client` has two associated items named `load_thing`"),
            "{}",
            defects[0].detail
        );
    }

    #[test]
    fn kinds_serialise_by_their_names() {
        let defect = Defect::new(Kind::DefaultMismatch, "/a~1b", "why");
        assert_eq!(
            serde_json::to_value(&defect).unwrap(),
            serde_json::json!({"kind": "default-mismatch", "pointer": "/a~1b", "detail": "why"})
        );
    }

    #[test]
    fn references_outside_or_not_strings_are_dangling_too() {
        let document = serde_json::json!({
            "a": {"$ref": "other.yaml#/x"},
            "b": [{"$ref": 3}],
            "c": {"$ref": "#/a"},
        });
        assert_eq!(
            dangling_refs(&document),
            [
                Defect::new(
                    Kind::DanglingRef,
                    "/a/$ref",
                    "`other.yaml#/x` is outside this document; only local references are read"
                ),
                Defect::new(Kind::DanglingRef, "/b/0/$ref", "`$ref` is not a string"),
            ]
        );
    }

    /// A document the size of Descope's published one (hundreds of
    /// operations, schemas with many properties) and free of defects is
    /// read as free of them.
    #[test]
    fn a_large_clean_document_has_no_structural_defect() {
        let mut paths = serde_json::Map::new();
        let mut schemas = serde_json::Map::new();
        for i in 0..800 {
            let properties: serde_json::Map<String, Value> = (0..40)
                .map(|p| {
                    (
                        format!("field{p}"),
                        serde_json::json!({"type": "string", "default": "x"}),
                    )
                })
                .collect();
            schemas.insert(
                format!("Thing{i}"),
                serde_json::json!({"type": "object", "properties": properties}),
            );
            paths.insert(
                format!("/v1/thing{i}"),
                serde_json::json!({"post": {
                    "operationId": format!("Thing{i}"),
                    "parameters": [{"name": "id", "in": "query", "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Thing{i}")}}}},
                    "responses": {"200": {"description": "ok"}},
                }}),
            );
        }
        let document = serde_json::json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}});
        // No timed assertion (a busy machine would fail it): a check that
        // grew quadratic would show as this test's time.
        assert_eq!(structural(&document), Vec::<Defect>::new());
    }
}
