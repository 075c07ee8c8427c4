//! What a change between two specs can reach of the generated code: the
//! operations whose code may differ, and the components that code is built
//! from. spec-diff generates the client from these parts of each spec only;
//! the rest generates the same items on both sides, so comparing it would
//! find nothing, at the price of two renders of the whole API.
//!
//! Why leaving the rest out finds the same changes: progenitor writes a
//! method and a builder per operation, and typify a type per schema, named
//! after the schema (an inline schema after its parent and property). What an
//! item looks like depends on its own node and on the schemas it refers to (a
//! nullable target, a field type without `Eq`), never on who refers to it.
//! An operation or component is therefore kept when its own node changed, or
//! when something it refers to, however indirectly, did; and with it, every
//! component it refers to, so that its code is generated as in the full
//! spec. Descriptions, summaries and examples only become doc comments, which
//! are not part of the API: a change to them alone reaches nothing.

use std::collections::{BTreeMap, BTreeSet};

use descope_spec::Spec;
use serde_json::{Map, Value};

/// The parts of both specs a change can reach.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// The `operationId`s of the operations kept.
    pub operations: BTreeSet<String>,
    /// The components kept, as `$ref` targets (`#/components/schemas/User`).
    pub components: BTreeSet<String>,
}

impl Reach {
    /// What the change from `old` to `new` reaches.
    pub fn of(old: &Spec, new: &Spec) -> Reach {
        let (old_components, new_components) =
            (components(old.document()), components(new.document()));
        let names: BTreeSet<&String> = old_components.keys().chain(new_components.keys()).collect();
        let changed = names
            .iter()
            .filter(|name| {
                !matches!(
                    (old_components.get(**name), new_components.get(**name)),
                    (Some(a), Some(b)) if same_code(a, b, false)
                )
            })
            .map(|name| name.to_string());
        // Everything that refers to a changed component, however indirectly,
        // generates differently too.
        let mut referrers: BTreeMap<String, BTreeSet<&String>> = BTreeMap::new();
        for name in &names {
            for node in [old_components.get(*name), new_components.get(*name)]
                .into_iter()
                .flatten()
            {
                for target in refs(node) {
                    referrers.entry(target).or_default().insert(name);
                }
            }
        }
        let mut dirty: BTreeSet<String> = BTreeSet::new();
        let mut queue: Vec<String> = changed.collect();
        while let Some(name) = queue.pop() {
            let by = referrers.get(&name).into_iter().flatten();
            queue.extend(by.map(|n| n.to_string()));
            dirty.insert(name);
            queue.retain(|n| !dirty.contains(n));
        }

        let (old_ops, new_ops) = (operations(old), operations(new));
        let ids: BTreeSet<&str> = old_ops.keys().chain(new_ops.keys()).copied().collect();
        let operations: BTreeSet<String> = ids
            .into_iter()
            .filter(|id| match (old_ops.get(id), new_ops.get(id)) {
                (Some(a), Some(b)) => {
                    !a.same_code(b)
                        || a.refs()
                            .chain(b.refs())
                            .any(|target| dirty.contains(&target))
                }
                _ => true,
            })
            .map(str::to_string)
            .collect();

        // What the kept parts are built from, in either spec.
        let mut kept = BTreeSet::new();
        let mut queue: Vec<String> = dirty.into_iter().collect();
        for id in &operations {
            for op in [old_ops.get(id.as_str()), new_ops.get(id.as_str())]
                .into_iter()
                .flatten()
            {
                queue.extend(op.refs());
            }
        }
        while let Some(name) = queue.pop() {
            if !kept.insert(name.clone()) {
                continue;
            }
            for node in [old_components.get(&name), new_components.get(&name)]
                .into_iter()
                .flatten()
            {
                queue.extend(refs(node));
            }
        }
        Reach {
            operations,
            components: kept,
        }
    }

    /// Whether the change reaches no generated code at all.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.components.is_empty()
    }

    /// `document` with only what is kept: the operations, the components
    /// (every security scheme, which generates nothing), everything else as
    /// it is.
    pub fn cut(&self, document: &Value) -> Value {
        let Value::Object(top) = document else {
            return document.clone();
        };
        let mut out = Map::new();
        for (key, value) in top {
            let value = match (key.as_str(), value) {
                ("paths", Value::Object(paths)) => Value::Object(self.paths(paths)),
                ("components", Value::Object(kinds)) => Value::Object(
                    kinds
                        .iter()
                        .map(|(kind, entries)| (kind.clone(), self.entries(kind, entries)))
                        .collect(),
                ),
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    fn paths(&self, paths: &Map<String, Value>) -> Map<String, Value> {
        let kept = |node: &Value| {
            node.get("operationId")
                .and_then(Value::as_str)
                .is_some_and(|id| self.operations.contains(id))
        };
        paths
            .iter()
            .filter_map(|(path, item)| {
                let item = item.as_object()?;
                // The loader makes every operation have an id: what has
                // none is the path item's own (parameters, servers).
                let operation = |node: &Value| node.get("operationId").is_some();
                if !item.values().any(kept) {
                    return None;
                }
                let item = item
                    .iter()
                    .filter(|(_, node)| !operation(node) || kept(node))
                    .map(|(key, node)| (key.clone(), node.clone()))
                    .collect();
                Some((path.clone(), Value::Object(item)))
            })
            .collect()
    }

    fn entries(&self, kind: &str, entries: &Value) -> Value {
        match entries {
            Value::Object(map) if kind != "securitySchemes" => Value::Object(
                map.iter()
                    .filter(|(name, _)| self.components.contains(&target(kind, name)))
                    .map(|(name, node)| (name.clone(), node.clone()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// One operation as it is generated from: its place and its node, and the
/// parameters its path item declares for every method.
struct Operation<'a> {
    path: &'a str,
    method: String,
    node: &'a Value,
    shared_parameters: Option<&'a Value>,
}

impl Operation<'_> {
    fn same_code(&self, other: &Operation<'_>) -> bool {
        self.path == other.path
            && self.method == other.method
            && same_code(self.node, other.node, false)
            && match (self.shared_parameters, other.shared_parameters) {
                (Some(a), Some(b)) => same_code(a, b, false),
                (a, b) => a.is_none() && b.is_none(),
            }
    }

    fn refs(&self) -> impl Iterator<Item = String> {
        let mut found = refs(self.node);
        if let Some(parameters) = self.shared_parameters {
            found.extend(refs(parameters));
        }
        found.into_iter()
    }
}

/// The operations of `spec` by `operationId`.
fn operations(spec: &Spec) -> BTreeMap<&str, Operation<'_>> {
    spec.operations()
        .into_iter()
        .map(|op| {
            let operation = Operation {
                path: op.path,
                shared_parameters: spec.document()["paths"][op.path].get("parameters"),
                node: op.node(),
                method: op.method,
            };
            (op.id, operation)
        })
        .collect()
}

/// Every component of `document`, by the `$ref` that names it.
fn components(document: &Value) -> BTreeMap<String, &Value> {
    let kinds = document.get("components").and_then(Value::as_object);
    kinds
        .into_iter()
        .flatten()
        .filter_map(|(kind, entries)| Some((kind, entries.as_object()?)))
        .flat_map(|(kind, entries)| {
            entries
                .iter()
                .map(move |(name, node)| (target(kind, name), node))
        })
        .collect()
}

/// The `$ref` of component `name` of `kind`.
fn target(kind: &str, name: &str) -> String {
    use crate::json_pointer::escape;
    format!("#/components/{}/{}", escape(kind), escape(name))
}

/// Every `$ref` below `node`.
fn refs(node: &Value) -> BTreeSet<String> {
    crate::json_pointer::refs(node).into_iter().collect()
}

/// Whether `a` and `b` generate the same code: equal once what only
/// documents is set aside. `names` says the keys of `a` and `b` are names
/// (of properties), never documentation.
fn same_code(a: &Value, b: &Value, names: bool) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            fn code(map: &Map<String, Value>, names: bool) -> Vec<(&String, &Value)> {
                map.iter()
                    .filter(|(key, value)| names || !documents(key, value))
                    .collect()
            }
            let (a, b) = (code(a, names), code(b, names));
            a.len() == b.len()
                && a.iter()
                    .zip(&b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_code(va, vb, *ka == "properties"))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_code(a, b, false))
        }
        _ => a == b,
    }
}

/// Whether the member `key: value` of a schema or an operation only
/// documents it (the generator turns it into doc comments, or drops it).
fn documents(key: &str, value: &Value) -> bool {
    match key {
        "description" | "summary" => value.is_string(),
        "example" | "examples" | "externalDocs" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::spec_diff::raw_changes;
    use crate::spec_diff::rust_api::{self, ItemChange};
    use crate::{codegen, synthetic_spec};

    fn spec(user_email: Value, description: &str) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {"post": {"operationId": "A", "description": description,
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ARequest"}}}}}},
                "/b": {"post": {"operationId": "B",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/BRequest"}}}}}},
            },
            "components": {"schemas": {
                "ARequest": {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}},
                "BRequest": {"type": "object", "properties": {"id": {"type": "string"}}},
                "User": {"type": "object", "properties": {"email": user_email, "description": {"type": "string"}}},
                "Unused": {"type": "string"},
            }}
        })
    }

    fn reach_of(old: &Value, new: &Value) -> Reach {
        let spec = |doc: &Value| Spec::parse("test.json", &doc.to_string()).unwrap();
        Reach::of(&spec(old), &spec(new))
    }

    fn names(set: &BTreeSet<String>) -> Vec<&str> {
        set.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_change_reaches_its_referrers_and_what_they_are_built_from() {
        let old = spec(json!({"type": "string"}), "A");
        assert!(reach_of(&old, &old).is_empty());
        // Documentation alone reaches nothing.
        let docs = spec(
            json!({"type": "string", "description": "Mail", "example": "a@b"}),
            "Another A",
        );
        assert!(reach_of(&old, &docs).is_empty());
        // A property named `description` is a property, not documentation.
        let mut renamed = old.clone();
        renamed["components"]["schemas"]["User"]["properties"]["description"] =
            json!({"type": "integer"});
        let reach = reach_of(&old, &renamed);
        assert_eq!(names(&reach.operations), ["A"]);
        let typed = spec(json!({"type": "string", "nullable": true}), "A");
        let reach = reach_of(&old, &typed);
        assert_eq!(names(&reach.operations), ["A"]);
        assert_eq!(
            names(&reach.components),
            ["#/components/schemas/ARequest", "#/components/schemas/User"]
        );
        let cut = reach.cut(&typed);
        assert_eq!(
            cut["paths"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["/a"]
        );
        assert_eq!(
            cut["components"]["schemas"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["ARequest", "User"]
        );
        // A component nothing refers to still generates a type.
        let mut unused = old.clone();
        unused["components"]["schemas"]["Unused"] = json!({"type": "integer"});
        let reach = reach_of(&old, &unused);
        assert!(reach.operations.is_empty());
        assert_eq!(names(&reach.components), ["#/components/schemas/Unused"]);
        // An operation gone is kept from the old side.
        let mut gone = old.clone();
        gone["paths"].as_object_mut().unwrap().remove("/b");
        let reach = reach_of(&old, &gone);
        assert_eq!(names(&reach.operations), ["B"]);
        assert_eq!(names(&reach.components), ["#/components/schemas/BRequest"]);
    }

    /// The API of the client generated from the whole of `spec`.
    fn whole_api(spec: &Spec) -> rust_api::Api {
        let document = codegen::openapi(spec, spec.label()).unwrap();
        rust_api::of_file(&codegen::syntax(&document).unwrap())
    }

    /// The changes of the whole client from `old` to `new`, and the other
    /// way, are those spec-diff finds in what the change reaches.
    fn same_as_the_whole(old: &Spec, new: &Spec) -> Vec<ItemChange> {
        for (a, b) in [(old, new), (new, old)] {
            let whole = rust_api::compare(&whole_api(a), &whole_api(b));
            let reached = raw_changes(a, b, &Reach::of(a, b)).unwrap();
            assert_eq!(reached, whole, "{} -> {}", a.label(), b.label());
        }
        raw_changes(old, new, &Reach::of(old, new)).unwrap()
    }

    fn edited(spec: &Spec, from: &str, to: &str) -> Spec {
        assert!(
            spec.text().contains(from),
            "{} lacks {from:?}",
            spec.label()
        );
        Spec::parse(&format!("{to:?}"), &spec.text().replace(from, to)).unwrap()
    }

    #[test]
    fn what_a_change_reaches_holds_every_change_of_the_whole_client() {
        let spec = Spec::embedded();
        // Each edit, and whether it changes the API: a length and a pattern
        // are checked in bodies, a header and a status whose error body the
        // range declares too are not in a signature.
        let edits = [
            // A constraint typify turns into another type.
            (
                "          minimum: 0\n          description: Lifetime",
                "          minimum: 1\n          description: Lifetime",
                true,
            ),
            (
                "        providerId:\n",
                "        channel:\n          type: string\n          nullable: true\n        providerId:\n",
                true,
            ),
            ("        locale:\n", "        language:\n", true),
            // Shared components: a string, a pattern (whose type is named
            // after its first owner), a secret, a response header.
            (
                "      minLength: 1\n      description: The identifier",
                "      minLength: 3\n      description: The identifier",
                false,
            ),
            ("{1,14}$\n", "{1,11}$\n", false),
            (
                "    EmbeddedLinkToken:\n      type: string\n",
                "    EmbeddedLinkToken:\n      type: integer\n",
                true,
            ),
            (
                "      schema:\n        type: integer\n        minimum: 0\n",
                "      schema:\n        type: string\n",
                false,
            ),
            (
                "  schemas:\n",
                "  schemas:\n    Unused:\n      type: string\n",
                true,
            ),
            (
                "      operationId: EmbeddedLinkSignin\n",
                "      operationId: EmbeddedLinkSignIn\n",
                true,
            ),
            (
                "        '429':\n          $ref: '#/components/responses/RateLimited'\n        4XX:",
                "        4XX:",
                false,
            ),
        ];
        for (from, to, changes_api) in edits {
            let changes = same_as_the_whole(spec, &edited(spec, from, to));
            assert_eq!(!changes.is_empty(), changes_api, "{to:?}: {changes:?}");
        }
        // Words alone reach no code, and change none.
        let words = edited(
            spec,
            "summary: Issue a sign-in token",
            "summary: Issue a token",
        );
        assert!(Reach::of(spec, &words).is_empty());
        assert!(same_as_the_whole(spec, &words).is_empty());

        // A synthetic spec: one field of one request, a schema every
        // request uses, one more operation.
        let old = Spec::parse("30.yaml", &synthetic_spec::document(30)).unwrap();
        let renamed =
            Spec::parse("renamed.yaml", &synthetic_spec::renamed_field(old.text())).unwrap();
        let reach = Reach::of(&old, &renamed);
        assert_eq!(reach.operations.len(), 1, "{reach:?}");
        let changes = same_as_the_whole(&old, &renamed);
        assert!(changes
            .iter()
            .any(|c| c.item.ends_with(".display_name") && c.change == "removed"));
        assert!(changes
            .iter()
            .any(|c| c.item.ends_with(".shown_name") && c.change == "added"));
        let shared = edited(
            &old,
            "    Profile:\n      type: object\n      nullable: true\n",
            "    Profile:\n      type: object\n",
        );
        assert!(!same_as_the_whole(&old, &shared).is_empty());
        let more = Spec::parse("31.yaml", &synthetic_spec::document(31)).unwrap();
        assert_eq!(Reach::of(&old, &more).operations.len(), 1);
        assert!(!same_as_the_whole(&old, &more).is_empty());
    }

    #[test]
    fn the_api_read_from_the_syntax_tree_is_that_of_the_written_file() {
        let spec = Spec::embedded();
        let root = tempfile::tempdir().unwrap();
        let written = codegen::render(spec, spec.label(), root.path()).unwrap();
        assert_eq!(rust_api::api(&written).unwrap(), whole_api(spec));
    }
}
