//! Defaults that are not values of their own schema. typify checks each
//! default against the type it makes of the schema and refuses the whole
//! document at the first that does not fit, naming neither.

use serde_json::{Map, Value};

use super::{child, resolve, Defect, Kind};

/// How deep a default is followed into its schema: deeper than any real
/// default, shallow enough to stop a `$ref` cycle that never narrows it.
const DEPTH: usize = 64;

/// The schemas among `schemas` whose `default` does not fit them. A
/// `default` beside a `$ref` is left alone: OpenAPI 3.0 ignores it there,
/// and so does the generator.
pub(super) fn mismatches(document: &Value, schemas: &[(String, &Value)]) -> Vec<Defect> {
    schemas
        .iter()
        .filter(|(_, schema)| schema.get("$ref").is_none())
        .filter_map(|(pointer, schema)| {
            let default = schema.get("default")?;
            (!fits(document, schema, default, 0)).then(|| {
                let of_type = match schema.get("type").and_then(Value::as_str) {
                    Some(name) => format!(" of type {name}"),
                    None => String::new(),
                };
                Defect::new(
                    Kind::DefaultMismatch,
                    child(pointer, "default"),
                    format!(
                        "the default {} does not fit its schema{of_type}",
                        shown(default)
                    ),
                )
            })
        })
        .collect()
}

/// The value as JSON, cut short when long.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// Whether `value` is one of `schema`'s values, as far as the generator
/// asks: type, `nullable`, `enum`, and what the schema says of items,
/// properties and its `allOf` / `anyOf` / `oneOf` parts. Formats, patterns
/// and bounds are left out.
fn fits(document: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    let Some(schema) = resolve(document, schema) else {
        // A reference to nothing is a defect of its own.
        return true;
    };
    if depth > DEPTH || (value.is_null() && schema.get("nullable") == Some(&Value::Bool(true))) {
        return true;
    }
    let listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|values| values.contains(value));
    let parts = |keyword: &str| {
        schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    let fits_part = |part: &Value| fits(document, part, value, depth + 1);
    let any = |keyword: &str| parts(keyword).next().is_none() || parts(keyword).any(fits_part);
    listed
        && fits_type(document, schema, value, depth)
        && parts("allOf").all(fits_part)
        && any("anyOf")
        && any("oneOf")
}

fn fits_type(document: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => value
            .as_object()
            .is_some_and(|map| fits_object(document, schema, map, depth)),
        Some("array") => value.as_array().is_some_and(|items| {
            schema
                .get("items")
                .is_none_or(|of| items.iter().all(|item| fits(document, of, item, depth + 1)))
        }),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        // No type (or one OpenAPI 3.0 does not know): anything.
        _ => true,
    }
}

/// Every property given fits its schema, every required one is given, and
/// the others are what `additionalProperties` allows.
fn fits_object(document: &Value, schema: &Value, map: &Map<String, Value>, depth: usize) -> bool {
    let properties = schema.get("properties").and_then(Value::as_object);
    let required = schema.get("required").and_then(Value::as_array);
    let given = required
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .all(|name| map.contains_key(name));
    given
        && map
            .iter()
            .all(|(name, value)| match properties.and_then(|p| p.get(name)) {
                Some(of) => fits(document, of, value, depth + 1),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(allowed)) => *allowed,
                    Some(of) => fits(document, of, value, depth + 1),
                    None => true,
                },
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, default: Value) -> bool {
        let document = json!({"components": {"schemas": {
            "Flag": {"type": "boolean"},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]},
        }}});
        fits(&document, &schema, &default, 0)
    }

    #[test]
    fn defaults_that_fit() {
        assert!(check(json!({"type": "object"}), json!({})));
        assert!(check(
            json!({"type": "string", "nullable": true}),
            json!(null)
        ));
        assert!(check(
            json!({"type": "string", "enum": ["a", "b"]}),
            json!("b")
        ));
        assert!(check(
            json!({"type": "array", "items": {"type": "integer"}}),
            json!([1, 2])
        ));
        assert!(check(
            json!({"$ref": "#/components/schemas/Flag"}),
            json!(true)
        ));
        assert!(check(
            json!({"type": "object", "properties": {"on": {"$ref": "#/components/schemas/Flag"}}, "required": ["on"]}),
            json!({"on": false, "other": 1})
        ));
        assert!(check(
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            json!(3)
        ));
        assert!(check(
            json!({"$ref": "#/components/schemas/Loop"}),
            json!(1)
        ));
        assert!(check(json!({}), json!([1])));
    }

    #[test]
    fn defaults_that_do_not() {
        assert!(!check(json!({"type": "object"}), json!(false)));
        assert!(!check(json!({"type": "string"}), json!(null)));
        assert!(!check(json!({"type": "string"}), json!(false)));
        assert!(!check(json!({"type": "integer"}), json!(1.5)));
        assert!(!check(
            json!({"type": "string", "enum": ["a", "b"]}),
            json!("c")
        ));
        assert!(!check(
            json!({"type": "array", "items": {"type": "integer"}}),
            json!([1, "2"])
        ));
        assert!(!check(
            json!({"$ref": "#/components/schemas/Flag"}),
            json!("yes")
        ));
        assert!(!check(
            json!({"type": "object", "properties": {"on": {"type": "boolean"}}, "required": ["on"]}),
            json!({})
        ));
        assert!(!check(
            json!({"type": "object", "additionalProperties": false}),
            json!({"extra": 1})
        ));
        assert!(!check(
            json!({"allOf": [{"type": "string"}, {"enum": ["a"]}]}),
            json!("b")
        ));
    }
}
