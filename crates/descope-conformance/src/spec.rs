//! The OpenAPI document, read as plain JSON: its operations, their declared
//! responses and schemas, and validation of bodies against those schemas.
//!
//! It is read as a JSON value rather than typed OpenAPI structures because the
//! checks only need a few paths into it, and the schemas must reach
//! `jsonschema` as JSON anyway.

use serde_json::Value;

use crate::embedded;
use crate::schema::{self, Violation};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The JSON media type, the only one the recorded bodies use.
pub const JSON: &str = "application/json";

/// A parsed OpenAPI 3.0 document.
#[derive(Clone, Debug)]
pub struct Spec {
    label: String,
    document: Value,
}

/// A spec that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{label}: {message}")]
pub struct SpecError {
    /// The file, e.g. `spec/descope.yaml`.
    pub label: String,
    /// What is wrong.
    pub message: String,
}

impl Spec {
    /// Parses the YAML or JSON document `text`; `label` names it in messages.
    pub fn parse(label: &str, text: &str) -> Result<Spec, SpecError> {
        let error = |message: String| SpecError {
            label: label.to_string(),
            message,
        };
        let document: Value = serde_norway::from_str(text).map_err(|e| error(e.to_string()))?;
        let version = document.get("openapi").and_then(Value::as_str);
        if !version.is_some_and(|v| v.starts_with("3.0.")) {
            return Err(error(format!(
                "expected `openapi: 3.0.x`, found {}",
                version.unwrap_or("no version")
            )));
        }
        if !document.get("paths").is_some_and(Value::is_object) {
            return Err(error("no `paths` object".into()));
        }
        Ok(Spec {
            label: label.to_string(),
            document,
        })
    }

    /// The spec built into the crate from `spec/descope.yaml`.
    pub fn embedded() -> Result<Spec, SpecError> {
        Spec::parse(embedded::SPEC_LABEL, embedded::SPEC)
    }

    /// The name messages use for this spec.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The whole document, as JSON.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every operation that has an `operationId`.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let mut operations = Vec::new();
        let paths = self.document["paths"].as_object().into_iter().flatten();
        for (path, item) in paths {
            for method in METHODS {
                let Some(node) = item.get(method) else {
                    continue;
                };
                if let Some(id) = node.get("operationId").and_then(Value::as_str) {
                    operations.push(Operation {
                        spec: self,
                        id,
                        method: method.to_ascii_uppercase(),
                        path,
                        node,
                    });
                }
            }
        }
        operations
    }

    /// The operation whose `operationId` is `id`.
    pub fn operation(&self, id: &str) -> Option<Operation<'_>> {
        self.operations().into_iter().find(|op| op.id == id)
    }

    /// `node`, or what its `$ref` chain points to within this document.
    pub fn resolve<'a>(&'a self, mut node: &'a Value) -> Result<&'a Value, String> {
        // A bound instead of cycle tracking: no sane spec nests this deep.
        for _ in 0..32 {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Ok(node);
            };
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("only local references are supported: {reference}"))?;
            node = self
                .document
                .pointer(pointer)
                .ok_or_else(|| format!("dangling reference {reference}"))?;
        }
        Err("reference chain too long or cyclic".into())
    }

    /// Validates `instance` against `schema`, a schema object of this spec
    /// whose `$ref`s point into it. Returns one message per violation.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Vec<String> {
        let components = self.document.get("components").cloned();
        schema::validate(components.unwrap_or(Value::Null), schema, instance)
    }

    /// Like [`Spec::validate`], each violation with its location and failed
    /// keyword kept apart (a server tells a missing field from a malformed
    /// one by the keyword). `Err` when the schema does not compile.
    pub fn violations(&self, schema: &Value, instance: &Value) -> Result<Vec<Violation>, String> {
        let components = self.document.get("components").cloned();
        schema::violations(components.unwrap_or(Value::Null), schema, instance)
    }
}

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Operation<'a> {
    spec: &'a Spec,
    /// Its `operationId`.
    pub id: &'a str,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: &'a str,
    node: &'a Value,
}

impl<'a> Operation<'a> {
    /// The schema of the JSON request body, if the operation takes one.
    pub fn request_schema(&self) -> Result<Option<&'a Value>, String> {
        let Some(body) = self.node.get("requestBody") else {
            return Ok(None);
        };
        let body = self.spec.resolve(body)?;
        Ok(body.pointer("/content/application~1json/schema"))
    }

    /// The names of the top-level properties of the request body schema.
    pub fn request_properties(&self) -> Result<Vec<&'a str>, String> {
        let Some(schema) = self.request_schema()? else {
            return Ok(Vec::new());
        };
        let schema = self.spec.resolve(schema)?;
        Ok(schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| props.keys().map(String::as_str).collect())
            .unwrap_or_default())
    }

    /// The declared response keys: codes such as `200`, ranges such as `4XX`,
    /// and `default`.
    pub fn response_keys(&self) -> Vec<&'a str> {
        self.node
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| responses.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The most specific declared key that covers `status`: the exact code,
    /// else its range, else `default`.
    pub fn response_key_for(&self, status: u16) -> Option<&'a str> {
        let keys = self.response_keys();
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        keys.iter()
            .find(|key| **key == exact)
            .or_else(|| keys.iter().find(|key| key.eq_ignore_ascii_case(&range)))
            .or_else(|| keys.iter().find(|key| **key == "default"))
            .copied()
    }

    /// The response object declared for `status`, `$ref`s followed.
    pub fn response_for(&self, status: u16) -> Result<Option<&'a Value>, String> {
        let Some(key) = self.response_key_for(status) else {
            return Ok(None);
        };
        self.spec.resolve(&self.node["responses"][key]).map(Some)
    }

    /// The JSON body schema declared for `status`, if any.
    pub fn response_schema(&self, status: u16) -> Result<Option<&'a Value>, String> {
        Ok(self
            .response_for(status)?
            .and_then(|response| response.pointer("/content/application~1json/schema")))
    }

    /// The headers declared for `status`, by lower-case name, with their
    /// schemas (`$ref`s followed).
    pub fn response_headers(&self, status: u16) -> Result<Vec<(String, &'a Value)>, String> {
        let Some(response) = self.response_for(status)? else {
            return Ok(Vec::new());
        };
        let mut headers = Vec::new();
        for (name, header) in response
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let header = self.spec.resolve(header)?;
            if let Some(schema) = header.get("schema") {
                headers.push((name.to_ascii_lowercase(), schema));
            }
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::embedded().expect("the embedded spec parses")
    }

    #[test]
    fn finds_operations_and_their_responses() {
        let spec = spec();
        let op = spec.operation("UpdateUserPhoneMagicLinkSMS").unwrap();
        assert_eq!(op.method, "POST");
        assert_eq!(op.path, "/v1/auth/magiclink/update/phone/sms");
        assert_eq!(op.response_key_for(429), Some("429"));
        assert_eq!(op.response_key_for(404), Some("4XX"));
        assert_eq!(op.response_key_for(503), Some("5XX"));
        assert_eq!(op.response_key_for(302), None);
        assert!(op.request_properties().unwrap().contains(&"addToLoginIDs"));
        let headers = op.response_headers(429).unwrap();
        assert_eq!(headers[0].0, "retry-after");
    }

    #[test]
    fn validates_against_component_schemas() {
        let spec = spec();
        let op = spec.operation("EmbeddedLinkSignin").unwrap();
        let schema = op.request_schema().unwrap().unwrap();
        assert!(spec
            .validate(schema, &json!({"loginId": "a", "timeout": 5}))
            .is_empty());
        let problems = spec.validate(schema, &json!({"timeout": -1}));
        assert!(
            problems
                .iter()
                .any(|p| p == "\"loginId\" is a required property"),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with("at /timeout: ")),
            "{problems:?}"
        );
        let response = op.response_schema(200).unwrap().unwrap();
        let problems = spec.validate(response, &json!({"token": 42}));
        assert!(problems[0].contains("/token"), "{problems:?}");
    }

    #[test]
    fn refuses_other_openapi_versions() {
        let err = Spec::parse("x.yaml", "openapi: 3.1.0\npaths: {}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.yaml: expected `openapi: 3.0.x`, found 3.1.0"
        );
    }
}
