//! Every example in the spec is valid against the schema it illustrates, so
//! the documentation cannot drift from the contract.

use descope_spec::Spec;
use serde_json::Value;

/// Collects `(where, schema, example)` for every media type with examples.
fn media_examples<'a>(
    spec: &'a Spec,
    at: String,
    node: &'a Value,
    found: &mut Vec<(String, &'a Value, &'a Value)>,
) {
    let Some(object) = node.as_object() else {
        return;
    };
    if let (Some(schema), Some(example)) = (object.get("schema"), object.get("example")) {
        found.push((at.clone(), schema, example));
    }
    if let (Some(schema), Some(examples)) = (object.get("schema"), object.get("examples")) {
        for (name, example) in examples.as_object().into_iter().flatten() {
            let value = spec.resolve(example).unwrap().get("value").unwrap();
            found.push((format!("{at}/examples/{name}"), schema, value));
        }
    }
    for (key, child) in object {
        media_examples(spec, format!("{at}/{key}"), child, found);
    }
}

#[test]
fn every_body_example_matches_its_schema() {
    let spec = Spec::embedded();
    let mut found = Vec::new();
    media_examples(spec, String::new(), spec.document(), &mut found);
    // Two request bodies with two examples each, one success and three error responses.
    assert!(
        found.len() >= 2 * 2 + 2 + 3,
        "only {} examples found",
        found.len()
    );
    for (at, schema, example) in found {
        let schema = spec.resolve(schema).unwrap();
        let problems = spec.validate(schema, example).unwrap();
        assert!(problems.is_empty(), "{at}: {problems:?}");
    }
}
