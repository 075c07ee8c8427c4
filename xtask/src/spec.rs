//! Reading the OpenAPI document and refusing, with a clear message, what the
//! generator would otherwise choke on or silently mistranslate.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use openapiv3::OpenAPI;
use serde_json::Value;

/// A spec that parsed and passed the checks progenitor does not do itself.
pub struct Spec {
    /// The file's bytes, hashed into the generated file's header.
    pub bytes: Vec<u8>,
    pub document: OpenAPI,
}

/// Reads and checks the spec at `path`; `name` is how messages refer to it.
pub fn load(path: &Path, name: &str) -> Result<Spec> {
    let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read the spec"))?;
    let tree: Value = serde_norway::from_slice(&bytes).map_err(|e| yaml_error(name, &e))?;
    check_version(&tree).map_err(|e| anyhow!("{name}: {e}"))?;
    check_refs(&tree, &tree, "#").map_err(|e| anyhow!("{name}: {e}"))?;
    let document: OpenAPI = serde_json::from_value(tree)
        .map_err(|e| anyhow!("{name}: not a valid OpenAPI 3.0 document: {e}"))?;
    check_operation_ids(&document).map_err(|e| anyhow!("{name}: {e}"))?;
    Ok(Spec { bytes, document })
}

fn yaml_error(name: &str, error: &serde_norway::Error) -> anyhow::Error {
    match error.location() {
        Some(at) => anyhow!(
            "{name}: YAML syntax error at line {}, column {}: {error}",
            at.line(),
            at.column()
        ),
        None => anyhow!("{name}: YAML syntax error: {error}"),
    }
}

/// progenitor reads OpenAPI 3.0.x only; a 3.1 document would half-parse.
fn check_version(tree: &Value) -> Result<()> {
    match tree.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(()),
        Some(version) => bail!(
            "OpenAPI {version} is not supported: the generator reads OpenAPI 3.0.x only \
             (set `openapi: 3.0.3` and use 3.0 constructs)"
        ),
        None => bail!("the top-level `openapi` version field is missing"),
    }
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_refs(root: &Value, node: &Value, at: &str) -> Result<()> {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref") {
                let target = target
                    .as_str()
                    .ok_or_else(|| anyhow!("`$ref` at {at} is not a string"))?;
                let pointer = target.strip_prefix('#').ok_or_else(|| {
                    anyhow!("`$ref` at {at} points outside this file ({target}); only local references are supported")
                })?;
                if root.pointer(pointer).is_none() {
                    bail!("dangling `$ref` at {at}: {target} does not exist");
                }
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                check_refs(root, child, &format!("{at}/{escaped}"))?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, child)| check_refs(root, child, &format!("{at}/{i}"))),
        _ => Ok(()),
    }
}

/// progenitor names methods after operationIds and cannot invent them.
fn check_operation_ids(document: &OpenAPI) -> Result<()> {
    for (path, item) in document.paths.iter() {
        let Some(item) = item.as_item() else {
            bail!("path {path} is a `$ref`; path items must be written out in place");
        };
        for (method, operation) in item.iter() {
            if operation.operation_id.as_deref().is_none_or(str::is_empty) {
                bail!(
                    "operation {} {path} has no operationId; every operation needs one",
                    method.to_uppercase()
                );
            }
        }
    }
    Ok(())
}
