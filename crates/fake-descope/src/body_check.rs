//! The checks of a request body: content type, JSON, the spec's schema for
//! the operation, and what the schema cannot say.

use descope_conformance::{Spec, Violation};
use http::HeaderMap;
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::refusal::Refusal;

/// Checks the content type and body of a request to the spec operation
/// `endpoint`, and returns the body as the fake reads it.
pub(crate) fn check_body(
    spec: &Spec,
    endpoint: Endpoint,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, Refusal> {
    check_content_type(headers)?;
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::bad_request(format!("The request body is not JSON: {e}")))?;
    drop_nulls(&mut value);
    let violations = schema_violations(spec, endpoint, &value)?;
    if let Some(missing) = violations.iter().find(|v| v.keyword == "required") {
        return Err(Refusal::missing_arguments(missing.to_string()));
    }
    if !violations.is_empty() {
        let messages: Vec<String> = violations.iter().map(Violation::to_string).collect();
        return Err(Refusal::invalid(messages.join("; ")));
    }
    if endpoint == Endpoint::UpdatePhoneSms {
        if let Some(uri) = value.get("URI").and_then(Value::as_str) {
            check_redirect_uri(uri)?;
        }
    }
    Ok(value)
}

/// `application/json`, with parameters such as `charset` allowed.
fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else if content_type.is_empty() {
        Err(Refusal::bad_request(
            "The Content-Type header is missing; send application/json",
        ))
    } else {
        Err(Refusal::bad_request(format!(
            "The Content-Type is {content_type:?}; send application/json"
        )))
    }
}

/// Removes top-level fields whose value is `null`. Descope reads JSON into
/// protobuf messages, where `null` means "not set": the Python SDK sends
/// `"customClaims": null` when it has none, and Descope takes it.
fn drop_nulls(value: &mut Value) {
    if let Value::Object(fields) = value {
        fields.retain(|_, field| !field.is_null());
    }
}

/// The violations of the operation's request schema.
fn schema_violations(
    spec: &Spec,
    endpoint: Endpoint,
    body: &Value,
) -> Result<Vec<Violation>, Refusal> {
    let broken = |why: String| Refusal::new(500, crate::refusal::codes::SERVER_ERROR, why);
    let id = endpoint.operation_id().unwrap_or_default();
    let operation = spec
        .operation(id)
        .ok_or_else(|| broken(format!("The spec has no operation {id}")))?;
    let Some(schema) = operation.request_schema().map_err(broken)? else {
        return Ok(Vec::new());
    };
    spec.violations(schema, body).map_err(broken)
}

/// The link goes to `<URI>?t=<token>`, so the URI must be an absolute http(s)
/// URL with a host, and without a fragment that would swallow the token.
fn check_redirect_uri(uri: &str) -> Result<(), Refusal> {
    let invalid = |why: &str| Refusal::invalid(format!("The URI {uri:?} {why}"));
    let parsed = url::Url::parse(uri).map_err(|_| invalid("is not an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid("is not an http(s) URL with a host"));
    }
    if parsed.fragment().is_some() {
        return Err(invalid("has a fragment, which would hide the token"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(endpoint: Endpoint, content_type: &str, body: &str) -> Result<Value, Refusal> {
        let mut headers = HeaderMap::new();
        if !content_type.is_empty() {
            headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
        }
        check_body(
            &Spec::embedded().unwrap(),
            endpoint,
            &headers,
            body.as_bytes(),
        )
    }

    fn code(result: Result<Value, Refusal>) -> String {
        result.expect_err("refused").code
    }

    #[test]
    fn sorts_problems_into_descope_codes() {
        use Endpoint::*;
        let json = "application/json";
        assert!(check(EmbeddedLink, json, r#"{"loginId":"a"}"#).is_ok());
        assert!(check(
            EmbeddedLink,
            "application/json; charset=utf-8",
            r#"{"loginId":"a"}"#
        )
        .is_ok());
        assert_eq!(
            code(check(EmbeddedLink, "", r#"{"loginId":"a"}"#)),
            "E011001"
        );
        assert_eq!(
            code(check(EmbeddedLink, "text/plain", r#"{"loginId":"a"}"#)),
            "E011001"
        );
        assert_eq!(code(check(EmbeddedLink, json, "{")), "E011001");
        assert_eq!(code(check(EmbeddedLink, json, "{}")), "E011002");
        assert_eq!(
            code(check(EmbeddedLink, json, r#"{"loginId":null}"#)),
            "E011002"
        );
        assert_eq!(
            code(check(EmbeddedLink, json, r#"{"loginId":""}"#)),
            "E011003"
        );
        assert_eq!(
            code(check(EmbeddedLink, json, r#"{"loginId":"a","x":1}"#)),
            "E011003"
        );
        assert_eq!(
            code(check(EmbeddedLink, json, r#"{"loginId":"a","timeout":-1}"#)),
            "E011003"
        );
        assert_eq!(
            code(check(
                UpdatePhoneSms,
                json,
                r#"{"loginId":"a","phone":"abc"}"#
            )),
            "E011003"
        );
    }

    #[test]
    fn reads_nulls_as_absent_and_checks_the_uri() {
        let body = r#"{"loginId":"a","customClaims":null,"timeout":0}"#;
        let read = check(Endpoint::EmbeddedLink, "application/json", body).unwrap();
        assert_eq!(read, json!({"loginId": "a", "timeout": 0}));
        for uri in ["not a uri", "ftp://x.example/", "https://x.example/v#frag"] {
            let body = json!({"loginId": "a", "phone": "+12025550123", "URI": uri}).to_string();
            assert_eq!(
                code(check(Endpoint::UpdatePhoneSms, "application/json", &body)),
                "E011003",
                "{uri}"
            );
        }
    }
}
