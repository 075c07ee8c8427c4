//! The recording against the spec: so that the two cannot drift apart.

use serde_json::Value;

use super::exchange::{Exchange, RecordedRequest, RecordedResponse};
use crate::spec::{OperationSpec, Spec, JSON};

/// Checks `exchange` against `spec`: the operation exists, method and path
/// match it, the inputs are request fields, every response status is
/// declared, and bodies and declared headers validate against the spec's
/// schemas. Returns one message per problem, each naming the file.
pub fn check_exchange(spec: &Spec, exchange: &Exchange) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(op) = spec.operation(&exchange.operation) else {
        return exchange.in_file(vec![format!(
            "operation `{}` is not in {}",
            exchange.operation,
            spec.label()
        )]);
    };
    check_inputs(spec, &op, exchange, &mut problems);
    if let Some(request) = &exchange.request {
        check_request(&op, request, &mut problems);
        check_parameters(&op, exchange, request, &mut problems);
    }
    for (i, response) in exchange.responses.iter().enumerate() {
        check_response(spec, &op, i, response, &mut problems);
    }
    exchange.in_file(problems)
}

fn check_inputs(
    spec: &Spec,
    op: &OperationSpec<'_>,
    exchange: &Exchange,
    problems: &mut Vec<String>,
) {
    match op.parameters("query") {
        Ok(declared) => {
            for (name, value) in &exchange.input.query {
                match declared.iter().find(|(known, _)| known == name) {
                    None => problems.push(format!(
                        "input query `{name}` is not a query parameter of {} (parameters: {})",
                        op.id,
                        names(&declared)
                    )),
                    Some((_, Some(schema))) => match spec.validate(schema, value) {
                        Ok(found) => problems
                            .extend(found.iter().map(|p| format!("input query `{name}`: {p}"))),
                        Err(error) => problems.push(format!("input query `{name}`: {error}")),
                    },
                    Some((_, None)) => {}
                }
            }
        }
        Err(error) => problems.push(format!("query parameters: {error}")),
    }
    match op.request_properties() {
        Ok(properties) => {
            for name in exchange.input.params.keys() {
                if !properties.contains(&name.as_str()) {
                    problems.push(format!(
                        "input `{name}` is not a request field of {} (fields: {})",
                        op.id,
                        properties.join(", ")
                    ));
                }
            }
        }
        Err(error) => problems.push(format!("request schema: {error}")),
    }
}

fn check_request(op: &OperationSpec<'_>, request: &RecordedRequest, problems: &mut Vec<String>) {
    if request.method != op.method {
        problems.push(format!(
            "request method: recorded {}, the spec has {} for {}",
            request.method, op.method, op.id
        ));
    }
    let path = request.path.split('?').next().unwrap_or_default();
    if !path_matches(op.path, path) {
        problems.push(format!(
            "request path: recorded {}, the spec has {} for {}",
            request.path, op.path, op.id
        ));
    }
    if let Some(Some(content_type)) = request.headers.get("content-type") {
        if content_type != JSON {
            problems.push(format!(
                "request content-type: recorded {content_type}, the spec's body is {JSON}"
            ));
        }
    }
    match (op.request_schema(), &request.body) {
        (Err(error), _) => problems.push(format!("request schema: {error}")),
        (Ok(Some(_)), Some(body)) => match op.validate_request(body) {
            Ok(found) => problems.extend(found.iter().map(|p| format!("request body: {p}"))),
            Err(error) => problems.push(format!("request schema: {error}")),
        },
        (Ok(Some(_)), None) => problems.push("request has no body; the spec declares one".into()),
        (Ok(None), Some(_)) => problems.push("request has a body; the spec declares none".into()),
        (Ok(None), None) => {}
    }
}

/// The recorded request's parameters: its query names are declared query
/// parameters, and every path parameter is the caller's project id (the
/// format's one source of path parameters).
fn check_parameters(
    op: &OperationSpec<'_>,
    exchange: &Exchange,
    request: &RecordedRequest,
    problems: &mut Vec<String>,
) {
    let (path, query) = request
        .path
        .split_once('?')
        .unwrap_or((request.path.as_str(), ""));
    match op.parameters("query") {
        Ok(declared) => {
            for name in query_names(query) {
                if !declared.iter().any(|(known, _)| *known == name) {
                    problems.push(format!(
                        "request path: query `{name}` is not a query parameter of {} \
                         (parameters: {})",
                        op.id,
                        names(&declared)
                    ));
                }
            }
        }
        Err(error) => problems.push(format!("query parameters: {error}")),
    }
    let project = exchange.input.credentials.project_id.as_str();
    for (template, segment) in op.path.split('/').zip(path.split('/')) {
        if template.starts_with('{') && template.ends_with('}') && segment != project {
            problems.push(format!(
                "request path: the {template} segment is {segment}, not the caller's project id \
                 ({project})"
            ));
        }
    }
}

/// The names of a query string's parameters, in order.
fn query_names(query: &str) -> impl Iterator<Item = &str> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
}

/// Parameter names for a message.
fn names(declared: &[(&str, Option<&Value>)]) -> String {
    match declared {
        [] => "none".into(),
        declared => declared
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn check_response(
    spec: &Spec,
    op: &OperationSpec<'_>,
    index: usize,
    response: &RecordedResponse,
    problems: &mut Vec<String>,
) {
    let at = format!("responses[{index}] ({})", response.status);
    if op.response_key_for(response.status).is_none() {
        problems.push(format!(
            "{at}: status {} is not declared for {} (declared: {})",
            response.status,
            op.id,
            op.response_keys().join(", ")
        ));
        return;
    }
    let mut breaches = Vec::new();
    let declared = op.response_schema(response.status);
    match (declared, &response.body) {
        (Err(error), _) => problems.push(format!("{at}: response schema: {error}")),
        (Ok(Some(_)), Some(body)) => match op.validate_response(response.status, body) {
            Ok(found) => breaches.extend(found.into_iter().flatten().map(|p| format!("body: {p}"))),
            Err(error) => problems.push(format!("{at}: response schema: {error}")),
        },
        (Ok(Some(_)), None) => breaches.push("body: not JSON, the spec declares JSON".into()),
        (Ok(None), Some(_)) => breaches.push("body: JSON, the spec declares no body".into()),
        (Ok(None), None) => {}
    }
    match op.response_headers(response.status) {
        Err(error) => problems.push(format!("{at}: response headers: {error}")),
        Ok(declared) => {
            for (name, schema) in declared {
                if let Some(value) = response.headers.get(&name) {
                    let value = header_value(schema, value);
                    match spec.validate(schema, &value) {
                        Ok(found) => {
                            breaches.extend(found.iter().map(|p| format!("header {name}: {p}")))
                        }
                        Err(error) => problems.push(format!("{at}: header {name}: {error}")),
                    }
                }
            }
        }
    }
    match (response.off_spec, breaches.is_empty()) {
        (true, true) => problems.push(format!(
            "{at}: marked offSpec, but it conforms to the spec; remove offSpec"
        )),
        (false, false) => problems.extend(breaches.into_iter().map(|b| format!("{at} {b}"))),
        _ => {}
    }
}

/// A header value as the JSON value its schema describes: numbers and
/// booleans are parsed, anything else stays a string.
fn header_value(schema: &Value, raw: &str) -> Value {
    let typed = matches!(
        schema.get("type").and_then(Value::as_str),
        Some("integer" | "number" | "boolean")
    );
    if typed {
        if let Ok(value) = serde_json::from_str(raw.trim()) {
            return value;
        }
    }
    Value::String(raw.to_string())
}

/// Whether `path` fits the template, where `{name}` stands for one segment.
pub fn path_matches(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        assert!(path_matches("/v1/users/{id}", "/v1/users/42"));
        assert!(!path_matches("/v1/users/{id}", "/v1/users/"));
        assert!(!path_matches("/v1/users", "/v1/users/42"));
    }

    #[test]
    fn header_values_take_their_schema_type() {
        let integer = serde_json::json!({"type": "integer"});
        assert_eq!(header_value(&integer, "7"), serde_json::json!(7));
        assert_eq!(header_value(&integer, "soon"), serde_json::json!("soon"));
    }
}
