//! RFC 6901 JSON pointer tokens, as every report here writes its places,
//! and the `$ref`s of a document, which are pointers into it.

use serde_json::Value;

/// `name` as one token of a pointer: `~` and `/` escaped.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The name one token of a pointer stands for.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The `$ref`s anywhere under `node`, in document order.
pub fn refs(node: &Value) -> Vec<String> {
    fn walk(node: &Value, found: &mut Vec<String>) {
        match node {
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    found.push(reference.to_string());
                }
                object.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(node, &mut found);
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_round_trip() {
        for name in ["a", "a/b", "~", "~1", "/v1/mgmt/{id}", "application/json"] {
            assert_eq!(super::unescape(&super::escape(name)), name);
        }
        assert_eq!(super::escape("a~/b"), "a~0~1b");
    }
}
