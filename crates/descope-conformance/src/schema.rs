//! JSON Schema validation of bodies against OpenAPI 3.0 schema objects.
//!
//! An OpenAPI 3.0 schema object is close to JSON Schema draft 4 (the spec uses
//! no `nullable`, the one keyword that would need rewriting). Its `$ref`s
//! point at `#/components/...`, so the schema is validated inside a root
//! document that carries the spec's components at that very path.

use serde_json::{json, Value};

/// Validates `instance` against `schema`; `components` is the spec's
/// `components` object. Returns one message per violation, prefixed with the
/// location inside the instance when it is not the root.
pub fn validate(components: Value, schema: &Value, instance: &Value) -> Vec<String> {
    let root = json!({ "allOf": [schema], "components": components });
    let validator = match jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
    {
        Ok(validator) => validator,
        Err(error) => return vec![format!("the spec's schema does not compile: {error}")],
    };
    validator
        .iter_errors(instance)
        .map(|error| {
            let at = error.instance_path().to_string();
            if at.is_empty() {
                error.to_string()
            } else {
                format!("at {at}: {error}")
            }
        })
        .collect()
}
