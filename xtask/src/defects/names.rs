//! Names that become one Rust identifier once the generator recases them:
//! properties of one schema (fields of one struct), parameters of one
//! operation (arguments of one builder), component schemas (types of one
//! module), operation ids (methods of the client).

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::{child, resolve, Defect, Kind, Operation};

/// How the generator recases a name.
#[derive(Clone, Copy)]
enum Case {
    /// Fields, parameters and methods.
    Snake,
    /// Types.
    UpperCamel,
}

/// The identifier typify and progenitor make of `name`: apostrophes go, any
/// other character an identifier cannot hold breaks words, then heck
/// recases it. (Their escaping of keywords and leading digits treats two
/// equal results alike, so it cannot separate them.)
fn rust_name(name: &str, case: Case) -> String {
    let words: String = name
        .chars()
        .filter(|&c| c != '\'')
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    match case {
        Case::Snake => words.to_snake_case(),
        Case::UpperCamel => words.to_upper_camel_case(),
    }
}

/// Each of `named` (pointer, name) whose identifier an earlier one already
/// takes, as the `what` (field, type, ...) it would be.
fn collide<'a>(
    named: impl IntoIterator<Item = (String, &'a str)>,
    case: Case,
    what: &str,
) -> Vec<Defect> {
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    let mut defects = Vec::new();
    for (pointer, name) in named {
        let identifier = rust_name(name, case);
        match taken.get(identifier.as_str()) {
            Some(first) => defects.push(Defect::new(
                Kind::RustNameCollision,
                pointer,
                format!("`{name}` becomes the {what} `{identifier}`, as `{first}` does"),
            )),
            None => {
                taken.insert(identifier, name);
            }
        }
    }
    defects
}

/// Every collision of the document; `owners` are the operations that own
/// their id (a repeated id is a defect of its own, not a collision).
pub(super) fn collisions(
    document: &Value,
    operations: &[Operation],
    schemas: &[(String, &Value)],
    owners: &[&Operation],
) -> Vec<Defect> {
    let mut defects = component_types(document);
    for (pointer, schema) in schemas {
        defects.extend(fields(pointer, schema));
    }
    for operation in operations {
        defects.extend(parameters(document, operation));
    }
    let methods = owners
        .iter()
        .filter_map(|o| Some((child(&o.pointer, "operationId"), o.id()?)));
    defects.extend(collide(methods, Case::Snake, "method"));
    defects
}

fn component_types(document: &Value) -> Vec<Defect> {
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let named = schemas
        .into_iter()
        .flatten()
        .map(|(name, _)| (child("/components/schemas", name), name.as_str()));
    collide(named, Case::UpperCamel, "type")
}

fn fields(pointer: &str, schema: &Value) -> Vec<Defect> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let at = child(pointer, "properties");
    let named = properties
        .into_iter()
        .flatten()
        .map(|(name, _)| (child(&at, name), name.as_str()));
    collide(named, Case::Snake, "field")
}

/// The path item's parameters and the operation's, less those the operation
/// overrides (same name and location), in that order.
fn parameters(document: &Value, operation: &Operation) -> Vec<Defect> {
    let own = listed(document, operation.node, &operation.pointer);
    let shared = listed(document, operation.item, &operation.item_pointer)
        .into_iter()
        .filter(|(_, key)| !own.iter().any(|(_, other)| other == key));
    let named = shared
        .chain(own.iter().cloned())
        .map(|(pointer, (name, _))| (pointer, name));
    collide(named, Case::Snake, "parameter")
}

/// The parameters `node` lists, each with its pointer, name and location.
fn listed<'a>(
    document: &'a Value,
    node: &'a Value,
    pointer: &str,
) -> Vec<(String, (&'a str, &'a str))> {
    let items = node.get("parameters").and_then(Value::as_array);
    let at = child(pointer, "parameters");
    items
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, item)| {
            let parameter = resolve(document, item)?;
            let name = parameter.get("name")?.as_str()?;
            let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
            Some((child(&at, &i.to_string()), (name, location)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recased_as_the_generator_does() {
        assert_eq!(rust_name("LoginHint", Case::Snake), "login_hint");
        assert_eq!(rust_name("SAMLRequest", Case::Snake), "saml_request");
        assert_eq!(rust_name("SamlRequest", Case::Snake), "saml_request");
        assert_eq!(
            rust_name("managementv1.RegisterRequest", Case::UpperCamel),
            "Managementv1RegisterRequest"
        );
        assert_eq!(rust_name("user's id", Case::Snake), "users_id");
    }

    #[test]
    fn a_shared_parameter_the_operation_overrides_is_no_collision() {
        let document = serde_json::json!({"paths": {"/x/{id}": {
            "parameters": [{"name": "id", "in": "path"}, {"name": "Trace-Id", "in": "header"}],
            "get": {"parameters": [{"name": "id", "in": "path"}, {"name": "trace_id", "in": "query"}]},
        }}});
        let operations = super::super::operations(&document);
        assert_eq!(
            parameters(&document, &operations[0]),
            [Defect::new(
                Kind::RustNameCollision,
                "/paths/~1x~1{id}/get/parameters/1",
                "`trace_id` becomes the parameter `trace_id`, as `Trace-Id` does"
            )]
        );
    }
}
