//! Where the generator's refusal of a whole document lies: each operation is
//! generated alone, in a copy of the document holding it and the components
//! it reaches; then the schemas no accepted operation reaches, alone with
//! theirs. progenitor converts every component schema whatever the
//! operations, so one schema it refuses fails every document holding it.
//!
//! A part holding a structural defect is not generated: that defect already
//! explains a refusal, and skipping such parts keeps a defective document quick.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// part of it is refused alone and nothing else explains `refusal`. Run it
/// under [`codegen::quietly`]: the generator panics on some parts.
pub(super) fn refusals(document: &Value, known: &[Defect], refusal: &str) -> Vec<Defect> {
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
    let outcomes = on_all_cores(&parts, |part| part.refused(document));
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
        .map(|(name, _)| (name, ("schemas".to_string(), name.clone())))
        .filter(|(_, component)| !cleared.contains(component))
        .map(|(name, component)| (name, Part::schemas(document, vec![component])))
        .filter(|(_, part)| !explained(&part.territory))
        .collect();
    let together = Part::schemas(
        document,
        candidates
            .iter()
            .flat_map(|(_, part)| part.reached.iter().cloned())
            .collect(),
    );
    if candidates.is_empty() || together.refused(document).is_none() {
        return BTreeMap::new();
    }
    let outcomes = on_all_cores(&candidates, |(_, part)| part.refused(document));
    candidates
        .iter()
        .zip(outcomes)
        .filter_map(|((name, _), outcome)| Some(((*name).clone(), outcome?)))
        .collect()
}

/// Whether schema `name` reaches a refused schema other than itself: then
/// that one is to blame, not this one.
fn reaches_another(document: &Value, name: &str, failing: &BTreeMap<String, String>) -> bool {
    let own = ("schemas".to_string(), name.to_string());
    reached(document, &[&value_of(document, &own)])
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

    fn schemas(document: &Value, roots: Vec<Component>) -> Part {
        let nodes: Vec<Value> = roots.iter().map(|c| value_of(document, c)).collect();
        let mut reached = reached(document, &nodes.iter().collect::<Vec<_>>());
        reached.extend(roots);
        Part {
            pointer: None,
            paths: Value::Object(Map::new()),
            territory: reached.iter().map(pointer).collect(),
            reached,
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
        let mut targets = Vec::new();
        refs(node, &mut targets);
        for target in targets {
            let Some(component) = component(target) else {
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
    let name = tokens.next()?.replace("~1", "/").replace("~0", "~");
    Some((kind.to_string(), name))
}

fn refs<'a>(node: &'a Value, targets: &mut Vec<&'a str>) {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                targets.push(target);
            }
            map.values().for_each(|value| refs(value, targets));
        }
        Value::Array(items) => items.iter().for_each(|value| refs(value, targets)),
        _ => {}
    }
}

/// `check` of each of `items`, on every core: the parts are independent,
/// and a large document has hundreds of them.
fn on_all_cores<T: Sync, R: Send>(items: &[T], check: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, check(item)));
        }
    };
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        // The generator recurses deeply on nested schemas: give each worker
        // the main thread's stack size rather than a spawned thread's 2 MiB.
        let workers: Vec<_> = (0..threads.min(items.len()))
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, work)
                    .expect("a thread can be started")
            })
            .collect();
        for worker in workers {
            for (i, result) in worker
                .join()
                .expect("a generation does not panic past its guard")
            {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every item is checked"))
        .collect()
}
