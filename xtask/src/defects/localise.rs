//! Where in a document the generator's refusal lies. Each operation is
//! tried alone, in a copy of the document holding it and the components it
//! reaches; then each schema no accepted operation reaches, with the
//! components it reaches. progenitor converts every component schema
//! whatever the operations, so one schema it refuses fails every document
//! holding it.
//!
//! A part holding a structural defect is not tried: that defect already
//! explains a refusal. The others are generated together, and a refused
//! group is halved until single parts remain: one generation costs tens of
//! milliseconds in a debug build however small the document, and refusals
//! are few.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{child, operations, Defect, Kind, Operation};
use crate::codegen;

/// A component, as `(kind, name)`: `("schemas", "User")`.
type Component = (String, String);

/// The generator's message, cut to its first line and a readable length.
fn short(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_string(),
    }
}

/// The refusals no structural defect in `known` explains, each at the
/// operation or schema refused alone; the document as a whole when no
/// part of it is refused alone and nothing else explains `refusal`.
pub(super) fn refusals(document: &Value, known: &[Defect], refusal: &str) -> Vec<Defect> {
    // Refused with no operation and no component, the document is refused
    // for its top level (`info`, say), whatever else it holds.
    if let Some(message) = Part::together([]).refused(document) {
        return vec![Defect::new(
            Kind::GeneratorRefusal,
            "",
            format!(
                "the generator refuses the document even with no operation or component: {}",
                short(&message)
            ),
        )];
    }
    // A repeated or colliding id is between operations: one alone has none.
    let explaining: Vec<&str> = known
        .iter()
        .filter(|d| !d.pointer.ends_with("/operationId"))
        .map(|d| d.pointer.as_str())
        .collect();
    let explained = |territory: &[String]| {
        explaining
            .iter()
            .any(|pointer| territory.iter().any(|t| within(pointer, t)))
    };
    let all = operations(document);
    let parts: Vec<Part> = all
        .iter()
        .map(|operation| Part::operation(document, operation))
        .filter(|part| !explained(&part.territory))
        .collect();
    let outcomes = refused_alone(document, &parts);
    let cleared: BTreeSet<&Component> = parts
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| outcome.is_none())
        .flat_map(|(part, _)| &part.reached)
        .collect();
    let failing = refused_schemas(document, &cleared, &explained);
    let mut defects = schema_refusals(document, &failing);
    defects.extend(operation_refusals(&parts, &outcomes, &failing));
    if defects.is_empty() && explaining.is_empty() {
        defects.push(Defect::new(
            Kind::GeneratorRefusal,
            "",
            format!(
                "the generator refuses the document, though no operation or schema alone: {}",
                short(refusal)
            ),
        ));
    }
    defects
}

/// The refused schemas to blame: those that reach no other refused schema.
fn schema_refusals(document: &Value, failing: &BTreeMap<String, String>) -> Vec<Defect> {
    failing
        .iter()
        .filter(|(name, _)| !reaches_another(document, name, failing))
        .map(|(name, message)| {
            Defect::new(
                Kind::GeneratorRefusal,
                child("/components/schemas", name),
                format!(
                    "the generator refuses this schema alone: {}",
                    short(message)
                ),
            )
        })
        .collect()
}

/// The refused operations that reach no refused schema: the operation
/// itself is to blame.
fn operation_refusals(
    parts: &[Part],
    outcomes: &[Option<String>],
    failing: &BTreeMap<String, String>,
) -> Vec<Defect> {
    let mut defects = Vec::new();
    for (part, outcome) in parts.iter().zip(outcomes) {
        let blamed = part
            .reached
            .iter()
            .any(|(kind, name)| kind == "schemas" && failing.contains_key(name));
        if let (false, Some(message), Some(pointer)) = (blamed, outcome, &part.pointer) {
            defects.push(Defect::new(
                Kind::GeneratorRefusal,
                pointer,
                format!(
                    "the generator refuses this operation alone, though not the schemas it reaches: {}",
                    short(message)
                ),
            ));
        }
    }
    defects
}

/// The component schemas that no accepted operation reaches and that no
/// structural defect explains, which the generator refuses alone, by name,
/// with its message. They are tried together first, the common case being
/// that all pass.
fn refused_schemas(
    document: &Value,
    cleared: &BTreeSet<&Component>,
    explained: &dyn Fn(&[String]) -> bool,
) -> BTreeMap<String, String> {
    let candidates: Vec<(&String, Part)> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| !cleared.contains(&("schemas".to_string(), name.to_string())))
        .map(|(name, _)| (name, Part::schema(document, name)))
        .filter(|(_, part)| !explained(&part.territory))
        .collect();
    let (names, parts): (Vec<&String>, Vec<Part>) = candidates.into_iter().unzip();
    names
        .into_iter()
        .zip(refused_alone(document, &parts))
        .filter_map(|(name, outcome)| Some((name.clone(), outcome?)))
        .collect()
}

/// For each of `parts`, the generator's message if it refuses it alone.
fn refused_alone(document: &Value, parts: &[Part]) -> Vec<Option<String>> {
    let all: Vec<usize> = (0..parts.len()).collect();
    let mut outcomes = vec![None; parts.len()];
    for (i, message) in refused_within(document, parts, &all) {
        outcomes[i] = Some(message);
    }
    outcomes
}

/// The parts of `group` (indices into `parts`) refused alone: none if the
/// group is accepted, else those of each half, the halves generated on
/// two threads. A group refused whose halves are both accepted (parts that
/// clash only together) gives none.
fn refused_within(document: &Value, parts: &[Part], group: &[usize]) -> Vec<(usize, String)> {
    if group.is_empty() {
        return Vec::new();
    }
    let Some(message) = Part::together(group.iter().map(|&i| &parts[i])).refused(document) else {
        return Vec::new();
    };
    if let [single] = group {
        return vec![(*single, message)];
    }
    let (left, right) = group.split_at(group.len() / 2);
    std::thread::scope(|scope| {
        // The generator recurses deeply on nested schemas: give the thread
        // the main thread's stack size rather than a spawned thread's 2 MiB.
        let left = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(scope, || refused_within(document, parts, left))
            .expect("a thread can be started");
        let mut found = refused_within(document, parts, right);
        found.extend(
            left.join()
                .expect("a generation does not panic past its guard"),
        );
        found.sort_by_key(|(i, _)| *i);
        found
    })
}

/// Whether schema `name` reaches a refused schema other than itself: then
/// that one is to blame, not this one.
fn reaches_another(document: &Value, name: &str, failing: &BTreeMap<String, String>) -> bool {
    Part::schema(document, name)
        .reached
        .iter()
        .any(|(kind, other)| kind == "schemas" && other != name && failing.contains_key(other))
}

/// One part of the document to generate alone.
struct Part {
    /// The operation's pointer, or `None` for a part of schemas alone.
    pointer: Option<String>,
    /// For an operation: its path item holding it alone.
    paths: Value,
    /// The components it reaches, its roots included.
    reached: BTreeSet<Component>,
    /// Where in the document it is: a defect under one of these explains its refusal.
    territory: Vec<String>,
}

impl Part {
    fn operation(document: &Value, operation: &Operation) -> Part {
        let mut item = Map::new();
        item.insert(operation.method.to_string(), operation.node.clone());
        let mut roots = vec![operation.node];
        if let Some(shared) = operation.item.get("parameters") {
            item.insert("parameters".to_string(), shared.clone());
            roots.push(shared);
        }
        let reached = reached(document, &roots);
        let territory = [
            operation.pointer.clone(),
            child(&operation.item_pointer, "parameters"),
        ]
        .into_iter()
        .chain(reached.iter().map(pointer))
        .collect();
        let mut paths = Map::new();
        paths.insert(operation.path.to_string(), Value::Object(item));
        Part {
            pointer: Some(operation.pointer.clone()),
            paths: Value::Object(paths),
            reached,
            territory,
        }
    }

    /// Component schema `name`, with the components it reaches.
    fn schema(document: &Value, name: &str) -> Part {
        let own = ("schemas".to_string(), name.to_string());
        let mut reached = reached(document, &[&value_of(document, &own)]);
        reached.insert(own);
        Part {
            pointer: None,
            paths: Value::Object(Map::new()),
            territory: reached.iter().map(pointer).collect(),
            reached,
        }
    }

    /// The parts as one: their operations and the components they reach.
    fn together<'a>(parts: impl IntoIterator<Item = &'a Part>) -> Part {
        let mut paths = Map::new();
        let mut reached = BTreeSet::new();
        for part in parts {
            for (path, item) in part.paths.as_object().into_iter().flatten() {
                let entry = paths
                    .entry(path.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let (Some(into), Some(from)) = (entry.as_object_mut(), item.as_object()) {
                    into.extend(from.clone());
                }
            }
            reached.extend(part.reached.iter().cloned());
        }
        Part {
            pointer: None,
            paths: Value::Object(paths),
            reached,
            territory: Vec::new(),
        }
    }

    /// The generator's message if it refuses this part alone.
    fn refused(&self, document: &Value) -> Option<String> {
        let mut copy: Map<String, Value> = document
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| !matches!(key.as_str(), "paths" | "components"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        copy.insert("paths".to_string(), self.paths.clone());
        let mut held: Map<String, Value> = Map::new();
        for component @ (kind, name) in &self.reached {
            let of_kind = held
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(map) = of_kind.as_object_mut() {
                map.insert(name.clone(), value_of(document, component));
            }
        }
        copy.insert("components".to_string(), Value::Object(held));
        codegen::syntax_tree(&Value::Object(copy))
            .err()
            .map(|refusal| refusal.0)
    }
}

/// Whether `pointer` is `ancestor` or lies under it.
fn within(pointer: &str, ancestor: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn pointer((kind, name): &Component) -> String {
    child(&child("/components", kind), name)
}

/// A component's value (`null` if it is missing: a dangling reference).
fn value_of(document: &Value, component: &Component) -> Value {
    document
        .pointer(&pointer(component))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The components `roots` reach through `$ref`s, at any depth.
fn reached(document: &Value, roots: &[&Value]) -> BTreeSet<Component> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<&Value> = roots.to_vec();
    while let Some(node) = pending.pop() {
        for target in crate::json_pointer::refs(node) {
            let Some(component) = component(&target) else {
                continue;
            };
            if let Some(value) = document.pointer(&pointer(&component)) {
                if found.insert(component) {
                    pending.push(value);
                }
            }
        }
    }
    found
}

/// The component a `$ref` target lies in: `#/components/schemas/A/properties/b` is in `A`.
fn component(target: &str) -> Option<Component> {
    let rest = target.strip_prefix("#/components/")?;
    let mut tokens = rest.split('/');
    let kind = tokens.next()?;
    let name = crate::json_pointer::unescape(tokens.next()?);
    Some((kind.to_string(), name))
}
