//! JSON Schema validation of bodies against OpenAPI 3.0 schema objects.
//!
//! An OpenAPI 3.0 schema object is close to JSON Schema draft 4 (the spec uses
//! no `nullable`, the one keyword that would need rewriting). Its `$ref`s
//! point at `#/components/...`, so the schema is validated inside a root
//! document that carries the spec's components at that very path.

use serde_json::{json, Value};

/// One way an instance breaks a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value inside the instance; empty for
    /// the instance itself.
    pub at: String,
    /// The schema keyword that failed: `required`, `pattern`, `type`,
    /// `additionalProperties`, ...
    pub keyword: String,
    /// What is wrong, in the validator's words.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.at, self.message)
        }
    }
}

/// Validates `instance` against `schema`; `components` is the spec's
/// `components` object. Returns one message per violation, prefixed with the
/// location inside the instance when it is not the root.
pub fn validate(components: Value, schema: &Value, instance: &Value) -> Vec<String> {
    match violations(components, schema, instance) {
        Ok(found) => found.iter().map(Violation::to_string).collect(),
        Err(message) => vec![message],
    }
}

/// Like [`validate`], each violation kept whole; `Err` when the schema itself
/// does not compile.
pub fn violations(
    components: Value,
    schema: &Value,
    instance: &Value,
) -> Result<Vec<Violation>, String> {
    let root = json!({ "allOf": [schema], "components": components });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .map_err(|error| format!("the spec's schema does not compile: {error}"))?;
    Ok(validator
        .iter_errors(instance)
        .map(|error| Violation {
            at: error.instance_path().to_string(),
            keyword: error.kind().keyword().to_string(),
            message: error.to_string(),
        })
        .collect())
}
