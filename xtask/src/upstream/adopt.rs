//! `--adopt <operationId>`: an operation of the published document brought
//! into spec/descope.yaml, recorded deviations applied, without Descope's
//! prose: the operation, each response and each new schema get a marker
//! asking for a description of our own.

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use super::structure;
use crate::json_pointer::escape;

/// What adopted parts say until we describe them ourselves.
pub const TO_DESCRIBE: &str = "TODO(adopt): describe in our own words";

/// `spec` (our spec's text) with operation `id` of `patched` (the published
/// slice, deviations applied) added; `ours` is `spec` parsed.
pub fn adopt(spec: &str, ours: &Value, patched: &Value, id: &str) -> Result<String> {
    if structure::operation(ours, id).is_some() {
        bail!("{id} is already in the spec");
    }
    let op = structure::operation(patched, id)
        .with_context(|| format!("{id} is not in the published document"))?;
    if ours["paths"].get(op.path).is_some() {
        bail!(
            "{} is already a path of the spec: add {} {id} by hand",
            op.path,
            op.method
        );
    }
    let mut node = structure::without_prose(op.node);
    node["description"] = Value::String(TO_DESCRIBE.into());
    if let Some(responses) = node.get_mut("responses").and_then(Value::as_object_mut) {
        for response in responses.values_mut() {
            if response.get("$ref").is_none() {
                response["description"] = Value::String(TO_DESCRIBE.into());
            }
        }
    }
    rename_security(&mut node, ours, patched)?;
    // Each component the operation reaches is one of ours when ours has the
    // same structure (under its name or another), else it is added.
    let mut renamed = Vec::new();
    let mut added = Vec::new();
    for (kind, name, component) in reached_components(patched, op.node)? {
        let theirs_ref = format!("#/components/{kind}/{}", escape(&name));
        let same = ours["components"][&kind]
            .as_object()
            .into_iter()
            .flatten()
            .find(|(_, mine)| same_structure(ours, mine, patched, &component));
        match (same, ours["components"][&kind].get(&name)) {
            (Some((mine, _)), _) => {
                renamed.push((theirs_ref, format!("#/components/{kind}/{}", escape(mine))));
            }
            (None, Some(_)) => bail!(
                "components.{kind}.{name} differs between the spec and the published \
                 document: rename one (in the deviations or by hand) and adopt again"
            ),
            (None, None) => added.push((kind, name, component)),
        }
    }
    rewrite_refs(&mut node, &renamed);
    let mut text = insert_path(spec, op.path, op.method, &node)?;
    for (kind, name, component) in added {
        let mut component = structure::without_prose(&component);
        rewrite_refs(&mut component, &renamed);
        if kind == "schemas" || kind == "responses" {
            component["description"] = Value::String(TO_DESCRIBE.into());
        }
        text = insert_component(&text, &kind, &name, &component)?;
    }
    Ok(text)
}

/// Every `$ref` under `node` that `renamed` lists, pointed at its new name.
fn rewrite_refs(node: &mut Value, renamed: &[(String, String)]) {
    match node {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some((_, to)) = renamed.iter().find(|(from, _)| from == reference) {
                    *reference = to.clone();
                }
            }
            object.values_mut().for_each(|v| rewrite_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renamed)),
        _ => {}
    }
}

/// Each security scheme of the adopted operation named as ours names the
/// same scheme (same type, scheme and bearer format).
fn rename_security(node: &mut Value, ours: &Value, patched: &Value) -> Result<()> {
    let Some(requirements) = node.get_mut("security").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for requirement in requirements {
        let Some(object) = requirement.as_object_mut() else {
            continue;
        };
        let mut renamed = Map::new();
        for (name, scopes) in std::mem::take(object) {
            let theirs = patched
                .pointer(&format!("/components/securitySchemes/{}", escape(&name)))
                .with_context(|| format!("the published document lacks the scheme {name:?}"))?;
            let mine = ours["components"]["securitySchemes"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(_, scheme)| {
                    structure::without_prose(scheme) == structure::without_prose(theirs)
                })
                .map(|(mine, _)| mine.clone())
                .with_context(|| {
                    format!(
                        "no security scheme of the spec is the published {name:?}: record a \
                         deviation or add the scheme, then adopt again"
                    )
                })?;
            renamed.insert(mine, scopes);
        }
        *object = renamed;
    }
    Ok(())
}

/// The components `node` reaches in `document`, transitively, as
/// (kind, name, value), in a stable order.
fn reached_components(document: &Value, node: &Value) -> Result<Vec<(String, String, Value)>> {
    let (reached, nowhere) = structure::reached(document, crate::json_pointer::refs(node));
    if let Some(reference) = nowhere.first() {
        match reference.starts_with('#') {
            true => bail!("dangling $ref {reference}"),
            false => bail!("only local references are adopted: {reference}"),
        }
    }
    let mut found = Vec::new();
    for reached in reached {
        let Some((kind, name)) = reached.component else {
            bail!(
                "{}: only references to components are adopted",
                reached.reference
            );
        };
        found.push((kind, name, reached.target.clone()));
    }
    found.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok(found)
}

/// Whether two components have the same structure, each `$ref` followed in
/// its own document.
fn same_structure(ours: &Value, mine: &Value, patched: &Value, theirs: &Value) -> bool {
    // An operation of its own security (none), so that neither document's
    // top-level `security` enters a comparison of schemas.
    let wrap = |node: &Value| {
        serde_json::json!({
            "security": [],
            "responses": {"200": {"content": {"application/json": {"schema": node}}}}
        })
    };
    let of = |document: &Value, node: &Value| {
        let op = structure::Located {
            path: "",
            method: "",
            node: &wrap(node),
        };
        structure::of(document, &op).ok()
    };
    of(ours, mine).is_some() && of(ours, mine) == of(patched, theirs)
}

/// `spec` with the path item `path: {method: node}` added at the end of `paths`.
fn insert_path(spec: &str, path: &str, method: &str, node: &Value) -> Result<String> {
    let item = serde_json::json!({ path: { method: node } });
    let block = indent(&serde_norway::to_string(&item)?, 2);
    insert_at_end_of_section(spec, "paths:", 0, &block)
}

/// `spec` with `components.<kind>.<name>` added at the end of its section
/// (the section is created at the end of `components` if missing).
fn insert_component(spec: &str, kind: &str, name: &str, component: &Value) -> Result<String> {
    let item = serde_json::json!({ name: component });
    let block = indent(&serde_norway::to_string(&item)?, 4);
    let header = format!("{kind}:");
    if section_line(spec, &header, 2).is_some() {
        return insert_at_end_of_section(spec, &header, 2, &block);
    }
    let section = format!("  {header}\n{block}");
    insert_at_end_of_section(spec, "components:", 0, &section)
}

/// The index of the line that is `header` at `depth` spaces of indentation.
fn section_line(spec: &str, header: &str, depth: usize) -> Option<usize> {
    let wanted = format!("{}{header}", " ".repeat(depth));
    spec.lines().position(|line| line.trim_end() == wanted)
}

/// `block` inserted after the last line of the section that `header` opens
/// at `depth`: before the next line indented `depth` or less.
fn insert_at_end_of_section(spec: &str, header: &str, depth: usize, block: &str) -> Result<String> {
    let lines: Vec<&str> = spec.lines().collect();
    let start = section_line(spec, header, depth)
        .with_context(|| format!("the spec has no `{}` section", header.trim_end_matches(':')))?;
    let end = lines[start + 1..]
        .iter()
        .position(|line| {
            let content = line.trim_start();
            !content.is_empty() && !content.starts_with('#') && line.len() - content.len() <= depth
        })
        .map_or(lines.len(), |offset| start + 1 + offset);
    let mut out: Vec<String> = lines[..end].iter().map(|l| l.to_string()).collect();
    out.extend(block.lines().map(str::to_string));
    out.extend(lines[end..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|line| format!("{pad}{line}\n")).collect()
}
