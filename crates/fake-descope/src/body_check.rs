//! The checks of a request body: content type, JSON, and the spec's schema
//! for the operation, read with OpenAPI 3.0 semantics. Every rule is the
//! spec's: the fake adds none of its own.

use descope_spec::{Operation, Spec, Violation};
use http::HeaderMap;
use serde_json::Value;

use crate::refusal::{codes, Refusal};

/// Checks the content type and body of a request to the spec operation
/// `op`, and returns the body as the fake reads it.
pub(crate) fn check_body(
    spec: &Spec,
    op: Operation,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, Refusal> {
    let broken = |why: String| Refusal::new(500, codes::SERVER_ERROR, why);
    let operation = spec
        .operation(op.id())
        .ok_or_else(|| broken(format!("The spec has no operation {op}")))?;
    // An operation the spec gives no body (a GET) reads none, whatever came.
    if operation.request_schema().map_err(broken)?.is_none() {
        return Ok(Value::Null);
    }
    // A body the spec makes optional may be left out (the Go SDK sends
    // none for a refresh or a logout), content type or not.
    let optional = operation.node()["requestBody"]["required"] != Value::Bool(true);
    if optional && body.is_empty() {
        return Ok(Value::Null);
    }
    check_content_type(headers)?;
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::bad_request(format!("The request body is not JSON: {e}")))?;
    let violations = operation.validate_request(&value).map_err(broken)?;
    // Descope reads `null` as "not given", so a required field that is null
    // is as missing as one left out (the spec refuses both).
    let missing = violations
        .iter()
        .find(|v| v.keyword == "required" || value.pointer(&v.at) == Some(&Value::Null));
    if let Some(missing) = missing {
        return Err(Refusal::missing_arguments(missing.to_string()));
    }
    if !violations.is_empty() {
        let messages: Vec<String> = violations.iter().map(Violation::to_string).collect();
        return Err(Refusal::invalid(messages.join("; ")));
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
    if media_type.eq_ignore_ascii_case(descope_spec::JSON) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PHONE: Operation = Operation::UpdateUserPhoneMagicLinkSms;
    const LINK: Operation = Operation::EmbeddedLinkSignin;

    fn check(op: Operation, content_type: &str, body: &str) -> Result<Value, Refusal> {
        let mut headers = HeaderMap::new();
        if !content_type.is_empty() {
            headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
        }
        check_body(Spec::embedded(), op, &headers, body.as_bytes())
    }

    fn code(result: Result<Value, Refusal>) -> String {
        result.expect_err("refused").code
    }

    #[test]
    fn sorts_problems_into_descope_codes() {
        let json = "application/json";
        assert!(check(LINK, json, r#"{"loginId":"a"}"#).is_ok());
        assert!(check(
            LINK,
            "application/json; charset=utf-8",
            r#"{"loginId":"a"}"#
        )
        .is_ok());
        assert_eq!(code(check(LINK, "", r#"{"loginId":"a"}"#)), "E011001");
        assert_eq!(
            code(check(LINK, "text/plain", r#"{"loginId":"a"}"#)),
            "E011001"
        );
        assert_eq!(code(check(LINK, json, "{")), "E011001");
        assert_eq!(code(check(LINK, json, "{}")), "E011002");
        // A required field is not nullable: null there is as missing as absent.
        assert_eq!(code(check(LINK, json, r#"{"loginId":null}"#)), "E011002");
        assert_eq!(code(check(LINK, json, r#"{"loginId":""}"#)), "E011003");
        assert_eq!(
            code(check(LINK, json, r#"{"loginId":"a","x":1}"#)),
            "E011003"
        );
        assert_eq!(
            code(check(LINK, json, r#"{"loginId":"a","timeout":-1}"#)),
            "E011003"
        );
        assert_eq!(
            code(check(PHONE, json, r#"{"loginId":"a","phone":"abc"}"#)),
            "E011003"
        );
    }

    #[test]
    fn follows_the_openapi_rules_of_the_spec() {
        let json = "application/json";
        // Optional fields are nullable in the spec: null is "not given".
        let body = r#"{"loginId":"a","customClaims":null,"timeout":null}"#;
        assert_eq!(
            check(LINK, json, body).unwrap(),
            json!({"loginId": "a", "customClaims": null, "timeout": null})
        );
        // `format: int32` bounds the lifetime.
        assert!(check(LINK, json, r#"{"loginId":"a","timeout":2147483647}"#).is_ok());
        assert_eq!(
            code(check(LINK, json, r#"{"loginId":"a","timeout":2147483648}"#)),
            "E011003"
        );
        // The redirect URI's pattern: http(s), a host, no fragment.
        for uri in [
            "not a uri",
            "ftp://x.example/",
            "https://x.example/v#frag",
            "https:///path",
        ] {
            let body = json!({"loginId": "a", "phone": "+12025550123", "URI": uri}).to_string();
            assert_eq!(code(check(PHONE, json, &body)), "E011003", "{uri}");
        }
        let body =
            json!({"loginId": "a", "phone": "+12025550123", "URI": "https://x.example/v?a=1"});
        assert!(check(PHONE, json, &body.to_string()).is_ok());
    }
}
