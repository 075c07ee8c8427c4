//! Validation of bodies against the spec's schemas, with OpenAPI 3.0
//! semantics (see `openapi.rs`): a schema is validated inside a root document
//! that carries the spec's translated components at their usual path, so
//! that its `$ref`s resolve.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};

pub(crate) use crate::openapi::Direction;
use crate::openapi::{components_to_draft4, to_draft4};
use crate::spec::Spec;

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

type Compiled = Result<Arc<jsonschema::Validator>, String>;

/// The compiled validators of every operation's request body and of every
/// declared response body, built once per spec.
pub(crate) struct Validators {
    requests: HashMap<String, Compiled>,
    responses: HashMap<(String, String), Compiled>,
}

impl Validators {
    pub(crate) fn build(spec: &Spec) -> Validators {
        let components = spec.document().get("components");
        let request_components = components_to_draft4(components, Direction::Request);
        let response_components = components_to_draft4(components, Direction::Response);
        let mut validators = Validators {
            requests: HashMap::new(),
            responses: HashMap::new(),
        };
        for op in spec.operations() {
            match op.request_schema() {
                Ok(Some(schema)) => {
                    let compiled = compile(&request_components, schema, Direction::Request);
                    validators.requests.insert(op.id.to_string(), compiled);
                }
                Ok(None) => {}
                Err(error) => {
                    validators.requests.insert(op.id.to_string(), Err(error));
                }
            }
            for key in op.response_keys() {
                let schema = spec
                    .resolve(&op.node()["responses"][key])
                    .map(|response| response.pointer("/content/application~1json/schema"));
                let compiled = match schema {
                    Ok(Some(schema)) => compile(&response_components, schema, Direction::Response),
                    Ok(None) => continue,
                    Err(error) => Err(error),
                };
                validators
                    .responses
                    .insert((op.id.to_string(), key.to_string()), compiled);
            }
        }
        validators
    }

    pub(crate) fn request(&self, operation: &str, body: &Value) -> Result<Vec<Violation>, String> {
        match self.requests.get(operation) {
            None => Ok(Vec::new()),
            Some(compiled) => Ok(violations(compiled.as_ref().map_err(Clone::clone)?, body)),
        }
    }

    pub(crate) fn response(
        &self,
        operation: &str,
        key: &str,
        body: &Value,
    ) -> Result<Option<Vec<Violation>>, String> {
        match self
            .responses
            .get(&(operation.to_string(), key.to_string()))
        {
            None => Ok(None),
            Some(compiled) => Ok(Some(violations(
                compiled.as_ref().map_err(Clone::clone)?,
                body,
            ))),
        }
    }
}

/// Compiles `schema` (in OpenAPI form) inside a root holding `components`
/// (already translated).
fn compile(components: &Value, schema: &Value, direction: Direction) -> Compiled {
    let root = json!({ "allOf": [to_draft4(schema, direction)], "components": components });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .map(Arc::new)
        .map_err(|error| format!("the spec's schema does not compile: {error}"))
}

fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<Violation> {
    validator
        .iter_errors(instance)
        .map(|error| Violation {
            at: error.instance_path().to_string(),
            keyword: error.kind().keyword().to_string(),
            message: error.to_string(),
        })
        .collect()
}

/// Validates `instance` against `schema`, compiling it for this one call.
pub(crate) fn once(
    document: &Value,
    schema: &Value,
    direction: Direction,
    instance: &Value,
) -> Result<Vec<Violation>, String> {
    let components = components_to_draft4(document.get("components"), direction);
    let compiled = compile(&components, schema, direction)?;
    Ok(violations(&compiled, instance))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with one operation whose body exercises each OpenAPI rule.
    fn spec() -> Spec {
        Spec::parse(
            "rules.yaml",
            r#"
openapi: 3.0.3
info: {title: rules, version: '1'}
paths:
  /x:
    post:
      operationId: X
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Body'}
components:
  schemas:
    Body:
      type: object
      additionalProperties: false
      required: [id, secret]
      properties:
        id: {type: string, readOnly: true}
        secret: {type: string, writeOnly: true}
        small: {type: integer, format: int32}
        big: {type: integer, format: int64}
        note: {type: string, nullable: true}
        tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}
        plain: {type: string}
    Tag: {type: string, nullable: true, enum: [a, b]}
"#,
        )
        .unwrap()
    }

    fn request_keywords(body: Value) -> Vec<String> {
        let spec = spec();
        let op = spec.operation("X").unwrap();
        op.validate_request(&body)
            .unwrap()
            .into_iter()
            .map(|v| format!("{} {}", v.at, v.keyword))
            .collect()
    }

    #[test]
    fn nullable_admits_null_and_nothing_else_does() {
        assert!(request_keywords(json!({"secret": "s", "note": null})).is_empty());
        assert_eq!(
            request_keywords(json!({"secret": "s", "plain": null})),
            ["/plain type"]
        );
        // Through a `$ref` and inside an array too.
        assert!(request_keywords(json!({"secret": "s", "tags": ["a", null]})).is_empty());
        assert_eq!(
            request_keywords(json!({"secret": "s", "tags": ["c"]})),
            ["/tags/0 enum"]
        );
    }

    #[test]
    fn integer_formats_hold_their_range() {
        assert!(request_keywords(
            json!({"secret": "s", "small": 2147483647, "big": -9223372036854775808i64})
        )
        .is_empty());
        assert_eq!(
            request_keywords(json!({"secret": "s", "small": 2147483648u64})),
            ["/small maximum"]
        );
        assert_eq!(
            request_keywords(json!({"secret": "s", "small": -2147483649i64})),
            ["/small minimum"]
        );
        assert_eq!(
            request_keywords(json!({"secret": "s", "big": 9223372036854775808u64})),
            ["/big maximum"]
        );
    }

    #[test]
    fn read_only_fields_stay_out_of_requests_and_write_only_out_of_responses() {
        // `id` is required, but read-only: a request need not, and may not, send it.
        assert!(request_keywords(json!({"secret": "s"})).is_empty());
        assert_eq!(
            request_keywords(json!({"secret": "s", "id": "1"})),
            ["/id not"]
        );
        assert_eq!(request_keywords(json!({})), [" required"]);
        let spec = spec();
        let op = spec.operation("X").unwrap();
        let response = |body| op.validate_response(200, &body).unwrap().unwrap();
        assert!(response(json!({"id": "1"})).is_empty());
        assert_eq!(response(json!({"id": "1", "secret": "s"}))[0].at, "/secret");
        assert_eq!(response(json!({}))[0].keyword, "required");
    }

    #[test]
    fn a_schema_validated_once_follows_the_same_rules() {
        let spec = spec();
        let problems = spec
            .validate(
                &json!({"type": "integer", "format": "int32"}),
                &json!(4294967296u64),
            )
            .unwrap();
        assert_eq!(problems[0].keyword, "maximum");
    }
}
