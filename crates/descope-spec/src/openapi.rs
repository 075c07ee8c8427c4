//! OpenAPI 3.0 schema objects as JSON Schema draft 4.
//!
//! An OpenAPI 3.0 schema is draft 4 with a few changes, which a draft-4
//! validator would silently ignore:
//! - `nullable: true` also admits `null` (a type union here);
//! - `format: int32` / `int64` bound an integer to its two's-complement range;
//! - `readOnly` properties must not be sent in a request and `writeOnly`
//!   properties must not come back in a response; either way they stop
//!   counting as `required` in the other direction.
//!
//! The walk follows the schema keywords only, so a property that happens to
//! be named `nullable` or `format` is never mistaken for a keyword.

use serde_json::{json, Map, Value};

/// Which way a body travels: it decides what `readOnly` and `writeOnly` mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Client to server.
    Request,
    /// Server to client.
    Response,
}

impl Direction {
    /// The keyword of the properties that may not travel this way.
    fn forbidden(self) -> &'static str {
        match self {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        }
    }
}

/// `schema` translated to draft 4 for bodies travelling in `direction`.
pub(crate) fn to_draft4(schema: &Value, direction: Direction) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if object.contains_key("$ref") {
        // Draft 4 and OpenAPI 3.0 alike ignore the siblings of `$ref`.
        return schema.clone();
    }
    let mut out = Map::new();
    for (keyword, value) in object {
        let translated = match keyword.as_str() {
            "properties" => map_values(value, direction),
            "items" | "not" | "additionalProperties" => to_draft4(value, direction),
            "allOf" | "anyOf" | "oneOf" => list_values(value, direction),
            "nullable" => continue,
            _ => value.clone(),
        };
        out.insert(keyword.clone(), translated);
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        admit_null(&mut out);
    }
    if let Some(range) = object
        .get("format")
        .and_then(Value::as_str)
        .and_then(range_of)
    {
        push_all_of(&mut out, range);
    }
    forbid_one_way_properties(&mut out, direction);
    Value::Object(out)
}

/// The components' schemas translated alike, so that `$ref`s into
/// `#/components/schemas` land on translated schemas.
pub(crate) fn components_to_draft4(components: Option<&Value>, direction: Direction) -> Value {
    let mut components = components.cloned().unwrap_or_else(|| json!({}));
    if let Some(schemas) = components.get_mut("schemas") {
        *schemas = map_values(schemas, direction);
    }
    components
}

fn map_values(value: &Value, direction: Direction) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, schema)| (name.clone(), to_draft4(schema, direction)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn list_values(value: &Value, direction: Direction) -> Value {
    match value {
        Value::Array(items) => items.iter().map(|s| to_draft4(s, direction)).collect(),
        other => other.clone(),
    }
}

/// `type: T` becomes `type: [T, "null"]`, and an `enum` gains `null`.
fn admit_null(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            schema.insert("type".into(), json!([name, "null"]));
        }
        Some(Value::Array(names)) if !names.contains(&json!("null")) => names.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

/// The range an integer `format` implies.
fn range_of(format: &str) -> Option<Value> {
    match format {
        "int32" => Some(json!({"minimum": i32::MIN, "maximum": i32::MAX})),
        "int64" => Some(json!({"minimum": i64::MIN, "maximum": i64::MAX})),
        _ => None,
    }
}

/// Adds a constraint beside the schema's own, leaving those untouched.
fn push_all_of(schema: &mut Map<String, Value>, constraint: Value) {
    match schema.get_mut("allOf") {
        Some(Value::Array(all)) => all.push(constraint),
        _ => {
            schema.insert("allOf".into(), json!([constraint]));
        }
    }
}

/// Properties marked with the keyword this direction forbids may not be
/// present, and are no longer required.
fn forbid_one_way_properties(schema: &mut Map<String, Value>, direction: Direction) {
    let keyword = direction.forbidden();
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    let mut forbidden = Vec::new();
    for (name, property) in properties.iter_mut() {
        if property.get(keyword) == Some(&Value::Bool(true)) {
            *property = json!({"not": {}});
            forbidden.push(name.clone());
        }
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| {
            !name
                .as_str()
                .is_some_and(|n| forbidden.iter().any(|f| f == n))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_type_union() {
        let schema = json!({"type": "string", "nullable": true, "enum": ["a"]});
        assert_eq!(
            to_draft4(&schema, Direction::Request),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        let not_nullable = json!({"type": "string", "nullable": false});
        assert_eq!(
            to_draft4(&not_nullable, Direction::Request),
            json!({"type": "string"})
        );
    }

    #[test]
    fn integer_formats_bound_the_range() {
        let schema = json!({"type": "integer", "format": "int32", "minimum": 0});
        assert_eq!(
            to_draft4(&schema, Direction::Request),
            json!({"type": "integer", "format": "int32", "minimum": 0,
                   "allOf": [{"minimum": -2147483648i64, "maximum": 2147483647}]})
        );
    }

    #[test]
    fn keywords_are_only_read_where_schemas_are() {
        // A property named `nullable` is a property, not the keyword.
        let schema = json!({"type": "object", "properties": {
            "nullable": {"type": "boolean"},
            "inner": {"type": "object", "properties": {"n": {"type": "integer", "nullable": true}}},
            "list": {"type": "array", "items": {"type": "string", "nullable": true}}
        }});
        let out = to_draft4(&schema, Direction::Request);
        assert_eq!(out["properties"]["nullable"], json!({"type": "boolean"}));
        assert_eq!(
            out["properties"]["inner"]["properties"]["n"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            out["properties"]["list"]["items"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn read_only_and_write_only_depend_on_the_direction() {
        let schema = json!({"type": "object", "required": ["id", "secret", "name"], "properties": {
            "id": {"type": "string", "readOnly": true},
            "secret": {"type": "string", "writeOnly": true},
            "name": {"type": "string"}
        }});
        let request = to_draft4(&schema, Direction::Request);
        assert_eq!(request["properties"]["id"], json!({"not": {}}));
        assert_eq!(request["required"], json!(["secret", "name"]));
        let response = to_draft4(&schema, Direction::Response);
        assert_eq!(response["properties"]["secret"], json!({"not": {}}));
        assert_eq!(response["required"], json!(["id", "name"]));
    }
}
