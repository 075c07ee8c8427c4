//! A loaded OpenAPI 3.0 document: its operations, their declared requests,
//! responses and schemas, and validation of bodies against them.
//!
//! The document is kept as a JSON tree rather than typed OpenAPI structures:
//! the questions asked of it need a few paths into it, and its schemas reach
//! the validator as JSON anyway.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::embedded;
use crate::load;
use crate::validate::{Direction, Validators, Violation};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The JSON media type, the only one the spec's bodies use.
pub const JSON: &str = "application/json";

/// A parsed and checked OpenAPI 3.0 document. Cheap to clone: clones share
/// the document and its validators, which are built once, on first use.
#[derive(Clone)]
pub struct Spec {
    inner: Arc<Inner>,
}

struct Inner {
    label: String,
    text: String,
    document: Value,
    validators: OnceLock<Validators>,
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
    /// Parses and checks the YAML or JSON document `text`; `label` names it
    /// in messages.
    pub fn parse(label: &str, text: &str) -> Result<Spec, SpecError> {
        let document = load::parse(text).map_err(|message| SpecError {
            label: label.to_string(),
            message,
        })?;
        Ok(Spec {
            inner: Arc::new(Inner {
                label: label.to_string(),
                text: text.to_string(),
                document,
                validators: OnceLock::new(),
            }),
        })
    }

    /// Reads and checks the file at `path`; `label` names it in messages.
    pub fn load(path: &Path, label: &str) -> Result<Spec, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|e| SpecError {
            label: label.to_string(),
            message: format!("cannot read the spec: {e}"),
        })?;
        Spec::parse(label, &text)
    }

    /// The spec built into the crate from `spec/descope.yaml`, parsed once.
    pub fn embedded() -> &'static Spec {
        static EMBEDDED: OnceLock<Spec> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Spec::parse(embedded::SPEC_LABEL, embedded::SPEC)
                .unwrap_or_else(|e| panic!("the embedded spec was checked by the tests: {e}"))
        })
    }

    /// The name messages use for this spec.
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// The document's text, as read.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The whole document, as JSON.
    pub fn document(&self) -> &Value {
        &self.inner.document
    }

    /// Every operation, in the order of the document.
    pub fn operations(&self) -> Vec<OperationSpec<'_>> {
        let mut operations = Vec::new();
        let paths = self.document()["paths"].as_object().into_iter().flatten();
        for (path, item) in paths {
            for method in METHODS {
                let Some(node) = item.get(method) else {
                    continue;
                };
                if let Some(id) = node.get("operationId").and_then(Value::as_str) {
                    operations.push(OperationSpec {
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
    pub fn operation(&self, id: &str) -> Option<OperationSpec<'_>> {
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
                .document()
                .pointer(pointer)
                .ok_or_else(|| format!("dangling reference {reference}"))?;
        }
        Err("reference chain too long or cyclic".into())
    }

    /// Validates `instance` against `schema`, a schema object of this spec
    /// (such as a header's) read as part of a response. The schema is
    /// compiled for this one call; bodies of operations go through
    /// [`OperationSpec::validate_request`] and
    /// [`OperationSpec::validate_response`], whose validators are built once.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<Vec<Violation>, String> {
        crate::validate::once(self.document(), schema, Direction::Response, instance)
    }

    fn validators(&self) -> &Validators {
        self.inner
            .validators
            .get_or_init(|| Validators::build(self))
    }
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("label", &self.inner.label)
            .finish_non_exhaustive()
    }
}

/// One operation of a loaded spec.
#[derive(Clone, Debug)]
pub struct OperationSpec<'a> {
    spec: &'a Spec,
    /// Its `operationId`.
    pub id: &'a str,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: &'a str,
    node: &'a Value,
}

impl<'a> OperationSpec<'a> {
    /// The operation object itself, as JSON.
    pub fn node(&self) -> &'a Value {
        self.node
    }

    /// The names of the security schemes of its first requirement (the
    /// document's default when the operation sets none).
    pub fn security_schemes(&self) -> Vec<&'a str> {
        self.node
            .get("security")
            .or_else(|| self.spec.document().get("security"))
            .and_then(Value::as_array)
            .and_then(|requirements| requirements.first())
            .and_then(Value::as_object)
            .map(|requirement| requirement.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

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
        self.request_object_keys("properties", |props| {
            props
                .as_object()
                .map(|props| props.keys().map(String::as_str).collect())
        })
    }

    /// The request body's required top-level properties.
    pub fn required_properties(&self) -> Result<Vec<&'a str>, String> {
        self.request_object_keys("required", |required| {
            required
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
        })
    }

    fn request_object_keys(
        &self,
        keyword: &str,
        read: impl Fn(&'a Value) -> Option<Vec<&'a str>>,
    ) -> Result<Vec<&'a str>, String> {
        let Some(schema) = self.request_schema()? else {
            return Ok(Vec::new());
        };
        let schema = self.spec.resolve(schema)?;
        Ok(schema.get(keyword).and_then(read).unwrap_or_default())
    }

    /// The parameters declared `in` `location` (`path`, `query`, `header`),
    /// by name, with their schemas (`$ref`s followed), if they have one.
    /// Only the operation's own: this spec declares none on path items.
    pub fn parameters(&self, location: &str) -> Result<Vec<(&'a str, Option<&'a Value>)>, String> {
        let mut found = Vec::new();
        for parameter in self
            .node
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let parameter = self.spec.resolve(parameter)?;
            if parameter.get("in").and_then(Value::as_str) != Some(location) {
                continue;
            }
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("a {location} parameter of {} has no name", self.id))?;
            let schema = match parameter.get("schema") {
                Some(schema) => Some(self.spec.resolve(schema)?),
                None => None,
            };
            found.push((name, schema));
        }
        Ok(found)
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

    /// `node`, or what its `$ref` chain points to within the spec.
    pub fn resolve(&self, node: &'a Value) -> Result<&'a Value, String> {
        self.spec.resolve(node)
    }

    /// The response object declared under `key` (`200`, `4XX`, `default`),
    /// `$ref`s followed.
    pub fn response(&self, key: &str) -> Option<&'a Value> {
        let response = self.node.get("responses")?.get(key)?;
        self.spec.resolve(response).ok()
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

    /// The ways `body` breaks the request schema, read as OpenAPI 3.0 reads
    /// it; empty when it conforms, or when the operation declares no body.
    /// `Err` when the spec's schema does not compile.
    pub fn validate_request(&self, body: &Value) -> Result<Vec<Violation>, String> {
        self.spec.validators().request(self.id, body)
    }

    /// The ways `body` breaks the JSON schema declared for `status`; `None`
    /// when the spec declares no JSON body for it.
    pub fn validate_response(
        &self,
        status: u16,
        body: &Value,
    ) -> Result<Option<Vec<Violation>>, String> {
        let Some(key) = self.response_key_for(status) else {
            return Ok(None);
        };
        self.spec.validators().response(self.id, key, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_operations_and_their_responses() {
        let spec = Spec::embedded();
        let op = spec.operation("UpdateUserPhoneMagicLinkSMS").unwrap();
        assert_eq!(op.method, "POST");
        assert_eq!(op.path, "/v1/auth/magiclink/update/phone/sms");
        assert_eq!(op.security_schemes(), ["projectRefreshJwt"]);
        assert_eq!(op.response_key_for(429), Some("429"));
        assert_eq!(op.response_key_for(404), Some("4XX"));
        assert_eq!(op.response_key_for(503), Some("5XX"));
        assert_eq!(op.response_key_for(302), None);
        assert!(op.request_properties().unwrap().contains(&"addToLoginIDs"));
        let headers = op.response_headers(429).unwrap();
        assert_eq!(headers[0].0, "retry-after");
        assert!(op.parameters("query").unwrap().is_empty());
        let keys = spec.operation("GetKeysV2").unwrap();
        let query = keys.parameters("query").unwrap();
        assert_eq!(query.len(), 1);
        assert_eq!(
            (query[0].0, query[0].1),
            ("certs", Some(&json!({"type": "boolean"})))
        );
        let path = keys.parameters("path").unwrap();
        assert_eq!(path.iter().map(|p| p.0).collect::<Vec<_>>(), ["projectId"]);
    }

    #[test]
    fn validates_requests_and_responses() {
        let spec = Spec::embedded();
        let op = spec.operation("EmbeddedLinkSignin").unwrap();
        assert!(op
            .validate_request(&json!({"loginId": "a", "timeout": 5}))
            .unwrap()
            .is_empty());
        let problems = op.validate_request(&json!({"timeout": -1})).unwrap();
        assert!(
            problems.iter().any(|p| p.keyword == "required"),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.at == "/timeout"), "{problems:?}");
        let problems = op.validate_response(200, &json!({"token": 42})).unwrap();
        assert_eq!(problems.unwrap()[0].at, "/token");
        assert_eq!(op.validate_response(302, &json!({})).unwrap(), None);
    }

    #[test]
    fn reads_files_and_names_them_in_errors() {
        let dir = std::env::temp_dir().join(format!("descope-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.yaml");
        std::fs::write(&file, "openapi: 3.1.0\npaths: {}\n").unwrap();
        let error = Spec::load(&file, "s.yaml").unwrap_err();
        assert!(
            error.to_string().starts_with("s.yaml: OpenAPI 3.1.0"),
            "{error}"
        );
        let error = Spec::load(&dir.join("missing.yaml"), "m.yaml").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("m.yaml: cannot read the spec"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
