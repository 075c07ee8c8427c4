//! An operation's structure, as two documents can be compared by it: path,
//! method, security, parameters, request and responses, with every `$ref`
//! inlined (so component names do not matter) and the prose left out.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::json_pointer::{escape, refs, unescape};

/// The keys that hold prose: ours and Descope's are compared by count only.
const PROSE: [&str; 5] = ["description", "summary", "example", "examples", "title"];

/// Keys that only group or place an operation in documentation.
const PLACEMENT: [&str; 2] = ["tags", "externalDocs"];

/// Whether a keyword is prose, documentation placement or a vendor
/// extension: what neither the comparison nor an adoption keeps.
fn is_documentation(key: &str) -> bool {
    PROSE.contains(&key) || PLACEMENT.contains(&key) || key.starts_with("x-")
}

/// `node` without prose, documentation placement or vendor extensions; the
/// names it maps (of properties, statuses, media types) and its `$ref`s kept.
pub fn without_prose(node: &Value) -> Value {
    without_prose_at(node, false)
}

fn without_prose_at(node: &Value, names: bool) -> Value {
    match node {
        Value::Object(object) => object
            .iter()
            .filter(|(key, _)| names || !is_documentation(key))
            .map(|(key, value)| {
                let maps_names = !names && NAME_MAPS.contains(&key.as_str());
                (key.clone(), without_prose_at(value, maps_names))
            })
            .collect(),
        Value::Array(items) => items.iter().map(|i| without_prose_at(i, false)).collect(),
        other => other.clone(),
    }
}

/// Where an operation is: its path and method, with its node.
pub struct Located<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub node: &'a Value,
}

/// Every operation of `document` with its `operationId` (operations without
/// one are skipped: they are a defect of their own).
pub fn operations(document: &Value) -> Vec<(&str, Located<'_>)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in descope_spec::METHODS {
            let Some(node) = item.get(method) else {
                continue;
            };
            if let Some(id) = node.get("operationId").and_then(Value::as_str) {
                found.push((id, Located { path, method, node }));
            }
        }
    }
    found
}

/// The operation `id` of `document`, if it has one.
pub fn operation<'a>(document: &'a Value, id: &str) -> Option<Located<'a>> {
    operations(document)
        .into_iter()
        .find(|(found, _)| *found == id)
        .map(|(_, located)| located)
}

/// The structure of one operation; `Err` names a reference that does not resolve.
pub fn of(document: &Value, op: &Located<'_>) -> Result<Value, String> {
    let mut tree = Map::new();
    tree.insert("path".into(), Value::String(op.path.to_string()));
    tree.insert("method".into(), Value::String(op.method.to_string()));
    let security = op
        .node
        .get("security")
        .or_else(|| document.get("security"))
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    tree.insert("security".into(), security_schemes(document, &security)?);
    let mut parameters = Map::new();
    let shared = document["paths"][op.path].get("parameters");
    for parameter in [shared, op.node.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let parameter = inline(document, parameter, &mut Vec::new())?;
        let key = format!(
            "{}:{}",
            parameter["in"].as_str().unwrap_or_default(),
            parameter["name"].as_str().unwrap_or_default()
        );
        parameters.insert(key, parameter);
    }
    if !parameters.is_empty() {
        tree.insert("parameters".into(), Value::Object(parameters));
    }
    for key in ["requestBody", "responses"] {
        if let Some(node) = op.node.get(key) {
            tree.insert(key.into(), inline(document, node, &mut Vec::new())?);
        }
    }
    Ok(Value::Object(tree))
}

/// Each security requirement as the schemes it names, resolved: the names
/// are labels, what a scheme asks of the caller is structure.
fn security_schemes(document: &Value, requirements: &Value) -> Result<Value, String> {
    let mut alternatives = Vec::new();
    for requirement in requirements.as_array().into_iter().flatten() {
        let mut schemes = Vec::new();
        for (name, scopes) in requirement.as_object().into_iter().flatten() {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            let scheme = document
                .pointer(&pointer)
                .ok_or_else(|| format!("the security scheme {name:?} is not defined"))?;
            let mut scheme = inline(document, scheme, &mut Vec::new())?;
            if scopes.as_array().is_some_and(|s| !s.is_empty()) {
                scheme["scopes"] = scopes.clone();
            }
            schemes.push(scheme);
        }
        schemes.sort_by_key(Value::to_string);
        alternatives.push(Value::Array(schemes));
    }
    Ok(Value::Array(alternatives))
}

/// The keys whose values map names (of properties, statuses, media types,
/// headers) to objects: those names are data, never prose or keywords.
const NAME_MAPS: [&str; 5] = ["properties", "responses", "content", "headers", "encoding"];

/// `node` with its `$ref`s replaced by what they point to (a reference back
/// into a schema being inlined stays a reference, by name) and prose left out.
fn inline(document: &Value, node: &Value, within: &mut Vec<String>) -> Result<Value, String> {
    inline_at(document, node, within, false)
}

fn inline_at(
    document: &Value,
    node: &Value,
    within: &mut Vec<String>,
    names: bool,
) -> Result<Value, String> {
    match node {
        Value::Object(object) => {
            if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                if within.iter().any(|r| r == reference) {
                    return Ok(Value::String(format!("recursive {reference}")));
                }
                let target = reference
                    .strip_prefix('#')
                    .and_then(|pointer| document.pointer(pointer))
                    .ok_or_else(|| format!("dangling $ref {reference}"))?;
                within.push(reference.to_string());
                let inlined = inline_at(document, target, within, names);
                within.pop();
                return inlined;
            }
            let mut out = Map::new();
            for (key, value) in object {
                let keyword = !names;
                // The id names the operation on both sides: it is no difference.
                if keyword && (is_documentation(key) || key == "operationId") {
                    continue;
                }
                let maps_names = keyword && NAME_MAPS.contains(&key.as_str());
                let mut value = inline_at(document, value, within, maps_names)?;
                if keyword && key == "required" {
                    sort_strings(&mut value);
                }
                out.insert(key.clone(), value);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .map(|item| inline_at(document, item, within, false))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

/// `required` is a set: order and repeats mean nothing (and an Overlay
/// update appends to an array, so a deviation upstream now shares repeats it).
fn sort_strings(value: &mut Value) {
    if let Value::Array(items) = value {
        items.sort_by_key(Value::to_string);
        items.dedup();
    }
}

/// One place where two structures differ.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    /// A JSON pointer into the operation's structure.
    pub at: String,
    /// The value on the published side (`None`: absent there).
    pub published: Option<Value>,
    /// The value in our spec (`None`: absent there).
    pub ours: Option<Value>,
}

/// Where `published` and `ours` differ, outermost first: a subtree present
/// on one side only is one difference, not one per leaf.
pub fn differences(published: &Value, ours: &Value) -> Vec<Difference> {
    let mut found = Vec::new();
    walk(published, ours, String::new(), &mut found);
    found
}

fn walk(published: &Value, ours: &Value, at: String, found: &mut Vec<Difference>) {
    match (published, ours) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let here = format!("{at}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, here, found),
                    (x, y) => found.push(Difference {
                        at: here,
                        published: x.cloned(),
                        ours: y.cloned(),
                    }),
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => found.push(Difference {
            at,
            published: Some(a.clone()),
            ours: Some(b.clone()),
        }),
    }
}

/// How many prose fields (descriptions, summaries, examples, titles) a
/// subtree holds: the only way prose is compared.
pub fn prose_count(node: &Value) -> usize {
    match node {
        Value::Object(object) => object
            .iter()
            .map(|(key, value)| usize::from(PROSE.contains(&key.as_str())) + prose_count(value))
            .sum(),
        Value::Array(items) => items.iter().map(prose_count).sum(),
        _ => 0,
    }
}

/// The prose an operation reaches: its own and its components'.
pub fn reached_prose(document: &Value, op: &Located<'_>) -> usize {
    let (reached, _) = reached(document, refs(op.node));
    prose_count(op.node) + reached.iter().map(|r| prose_count(r.target)).sum::<usize>()
}

/// What a reference leads to.
pub struct Reached<'a> {
    pub reference: String,
    pub target: &'a Value,
    /// The component it names, as (kind, name), if it names one.
    pub component: Option<(String, String)>,
}

/// Everything the references `roots` lead to in `document`, transitively,
/// each once, in the order of the references; and the references that lead
/// nowhere (not local, or dangling).
pub fn reached(document: &Value, roots: Vec<String>) -> (Vec<Reached<'_>>, Vec<String>) {
    let mut found = Vec::new();
    let mut nowhere = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pending = roots;
    while let Some(reference) = pending.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        let Some(pointer) = reference.strip_prefix('#') else {
            nowhere.push(reference);
            continue;
        };
        let Some(target) = document.pointer(pointer) else {
            nowhere.push(reference);
            continue;
        };
        pending.extend(refs(target));
        let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        let component = match parts.as_slice() {
            ["components", kind, name] => Some((kind.to_string(), unescape(name))),
            _ => None,
        };
        found.push(Reached {
            reference,
            target,
            component,
        });
    }
    found.sort_by(|a, b| a.reference.cmp(&b.reference));
    nowhere.sort();
    (found, nowhere)
}
