//! Our recorded deviations from Descope's published document: an OpenAPI
//! Overlay 1.0 file beside the spec (read and applied by `roas-overlay`),
//! one action per deviation, each with its reason (`description`) and its
//! evidence (`x-evidence`: an SDK's source file, a recording).

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use enumset::EnumSet;
use roas_overlay::apply::Apply;
use roas_overlay::v1_0::{Action, Overlay};
use roas_overlay::validation::Validate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::structure;
use crate::json_pointer::refs;

/// The deviations file, relative to the workspace root.
pub const FILE: &str = "spec/upstream-deviations.yaml";

/// Reads and validates the overlay at `path`.
pub fn load(path: &Path) -> Result<Overlay> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: Value =
        serde_norway::from_str(&text).with_context(|| format!("{}: not YAML", path.display()))?;
    let overlay: Overlay = serde_json::from_value(value)
        .with_context(|| format!("{}: not an Overlay 1.0 document", path.display()))?;
    overlay
        .validate(EnumSet::empty())
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(overlay)
}

/// What one recorded deviation does to the published slice.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    /// Its place in the file, from 1.
    pub number: usize,
    pub target: String,
    /// Why we deviate.
    pub reason: String,
    /// Where the deviation is shown to be right.
    pub evidence: Vec<String>,
    /// How many nodes its target selects in the published slice.
    pub matched: usize,
    /// The operations whose structure it changes; none means upstream no
    /// longer needs it.
    pub changes: Vec<String>,
}

impl Effect {
    /// Whether the deviation still does something.
    pub fn applies(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Applies `overlay` to `slice`, and finds what each action does by leaving
/// it out: an action is needed where the structure of one of the operations
/// `ids` differs without it (so a component added for a later action to
/// reference counts for the operations that reference it). Returns the slice
/// with every deviation applied.
pub fn apply_each(overlay: &Overlay, slice: &Value, ids: &[&str]) -> Result<(Value, Vec<Effect>)> {
    let (document, matched) = apply(overlay, &overlay.actions, slice)?;
    let all = structures(&document, ids);
    let mut effects = Vec::new();
    for (index, action) in overlay.actions.iter().enumerate() {
        let mut others = overlay.actions.clone();
        others.remove(index);
        let (without, _) = apply(overlay, &others, slice)?;
        let changes = ids
            .iter()
            .zip(all.iter().zip(structures(&without, ids)))
            .filter(|(_, (with, without))| **with != *without)
            .map(|(id, _)| id.to_string())
            .collect();
        effects.push(Effect {
            number: index + 1,
            target: action.target.clone(),
            reason: action.description.clone().unwrap_or_default(),
            evidence: evidence(action),
            matched: matched[index],
            changes,
        });
    }
    Ok((document, effects))
}

/// `slice` with `actions` applied, and how many nodes each action selected.
fn apply(overlay: &Overlay, actions: &[Action], slice: &Value) -> Result<(Value, Vec<usize>)> {
    let mut document = slice.clone();
    let some = Overlay {
        actions: actions.to_vec(),
        ..overlay.clone()
    };
    let report = some
        .apply(&mut document, EnumSet::empty())
        .map_err(|e| anyhow!("the deviations do not apply: {e}"))?;
    Ok((document, report.actions.iter().map(|a| a.matched).collect()))
}

fn evidence(action: &Action) -> Vec<String> {
    match action.extensions.as_ref().and_then(|x| x.get("x-evidence")) {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The structure of each operation `ids` names, `None` where the document
/// lacks it or cannot resolve it.
fn structures(document: &Value, ids: &[&str]) -> Vec<Option<Value>> {
    ids.iter()
        .map(|id| {
            let op = structure::operation(document, id)?;
            structure::of(document, &op).ok()
        })
        .collect()
}

/// The part of `published` that the operations `ids` stand on: their path
/// items (those operations only), the components they reach, every
/// security scheme, and the document's own header. Deviations are applied
/// to it as to the whole document: its pointers are the same.
pub fn slice(published: &Value, ids: &[&str]) -> Value {
    let mut slice = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = published.get(key) {
            slice.insert(key.into(), value.clone());
        }
    }
    let mut paths = Map::new();
    let mut pending = Vec::new();
    for (id, op) in structure::operations(published) {
        if !ids.contains(&id) {
            continue;
        }
        let item = paths
            .entry(op.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(shared) = published["paths"][op.path].get("parameters") {
            item["parameters"] = shared.clone();
            pending.extend(refs(shared));
        }
        item[op.method] = op.node.clone();
        pending.extend(refs(op.node));
    }
    slice.insert("paths".into(), Value::Object(paths));
    let mut components = Value::Object(Map::new());
    if let Some(schemes) = published.pointer("/components/securitySchemes") {
        components["securitySchemes"] = schemes.clone();
    }
    // What does not resolve is left out: the comparison names it.
    let (reached, _) = structure::reached(published, pending);
    for reached in reached {
        if let Some((kind, name)) = reached.component {
            if components.get(&kind).is_none() {
                components[&kind] = Value::Object(Map::new());
            }
            components[&kind][name] = reached.target.clone();
        }
    }
    slice.insert("components".into(), components);
    Value::Object(slice)
}
