//! Reading an OpenAPI document and refusing, with a clear message, what the
//! rest of the workspace would otherwise choke on or silently misread.

use serde_json::Value;

use crate::spec::METHODS;

/// Parses YAML (or JSON) text into a JSON tree and checks it: OpenAPI 3.0.x,
/// a `paths` object, every `$ref` local and resolvable, every operation with
/// an `operationId`. The message says what is wrong, with line and column for
/// a YAML syntax error.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let tree: Value = serde_norway::from_str(text).map_err(|error| yaml_error(&error))?;
    check_version(&tree)?;
    if !tree.get("paths").is_some_and(Value::is_object) {
        return Err("no `paths` object".into());
    }
    check_refs(&tree, &tree, "#")?;
    check_operation_ids(&tree)?;
    Ok(tree)
}

fn yaml_error(error: &serde_norway::Error) -> String {
    match error.location() {
        Some(at) => format!(
            "YAML syntax error at line {}, column {}: {error}",
            at.line(),
            at.column()
        ),
        None => format!("YAML syntax error: {error}"),
    }
}

/// The generator and these checks read OpenAPI 3.0.x only; a 3.1 document
/// would half-parse (its schemas are full JSON Schema 2020-12).
fn check_version(tree: &Value) -> Result<(), String> {
    match tree.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(()),
        Some(version) => Err(format!(
            "OpenAPI {version} is not supported: only OpenAPI 3.0.x is read \
             (set `openapi: 3.0.3` and use 3.0 constructs)"
        )),
        None => Err("the top-level `openapi` version field is missing".into()),
    }
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_refs(root: &Value, node: &Value, at: &str) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref") {
                let target = target
                    .as_str()
                    .ok_or_else(|| format!("`$ref` at {at} is not a string"))?;
                let pointer = target.strip_prefix('#').ok_or_else(|| {
                    format!(
                        "`$ref` at {at} points outside this file ({target}); \
                         only local references are supported"
                    )
                })?;
                if root.pointer(pointer).is_none() {
                    return Err(format!("dangling `$ref` at {at}: {target} does not exist"));
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

/// Operations are named after their `operationId` everywhere (the operation
/// table, the generated client's methods), so none may lack one.
fn check_operation_ids(tree: &Value) -> Result<(), String> {
    for (path, item) in tree["paths"].as_object().into_iter().flatten() {
        if item.get("$ref").is_some() {
            return Err(format!(
                "path {path} is a `$ref`; path items must be written out in place"
            ));
        }
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            if operation
                .get("operationId")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(format!(
                    "operation {} {path} has no operationId; every operation needs one",
                    method.to_uppercase()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let error = parse("openapi: 3.0.3\npaths: {\n  a: [\n").unwrap_err();
        assert!(error.starts_with("YAML syntax error at line "), "{error}");
        assert!(error.contains(", column "), "{error}");
    }

    #[test]
    fn only_openapi_3_0_is_read() {
        let error = parse("openapi: 3.1.0\npaths: {}\n").unwrap_err();
        assert!(
            error.starts_with("OpenAPI 3.1.0 is not supported"),
            "{error}"
        );
        let error = parse("paths: {}\n").unwrap_err();
        assert!(
            error.contains("`openapi` version field is missing"),
            "{error}"
        );
        let error = parse(HEAD).unwrap_err();
        assert_eq!(error, "no `paths` object");
        assert!(parse(&format!("{HEAD}paths: {{}}\n")).is_ok());
    }

    #[test]
    fn references_must_be_local_and_resolve() {
        let dangling = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n");
        let error = parse(&dangling).unwrap_err();
        assert_eq!(
            error,
            "dangling `$ref` at #/components/schemas/A: #/components/schemas/B does not exist"
        );
        let external = dangling.replace("'#/components/schemas/B'", "other.yaml#/B");
        assert!(parse(&external)
            .unwrap_err()
            .contains("points outside this file"));
        let fine = dangling.replace("schemas/B'", "schemas/A'");
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn every_operation_needs_an_id() {
        let text = format!("{HEAD}paths:\n  /x:\n    get: {{responses: {{}}}}\n");
        assert_eq!(
            parse(&text).unwrap_err(),
            "operation GET /x has no operationId; every operation needs one"
        );
        let text = format!("{HEAD}paths:\n  /x: {{$ref: '#/paths/~1y'}}\n  /y: {{}}\n");
        assert!(parse(&text)
            .unwrap_err()
            .contains("must be written out in place"));
    }
}
