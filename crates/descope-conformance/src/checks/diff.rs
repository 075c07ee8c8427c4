//! Differences between two JSON values, named by location, so that a
//! mismatch message says which field differs rather than dumping both values.

use serde_json::Value;

/// Every difference between `expected` and `actual`, one message each, such
/// as `/phone: expected "+12025550123", got "+1 (202) 555-0123"`.
pub fn json_differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut differences = Vec::new();
    walk("", expected, actual, &mut differences);
    differences
}

fn walk(at: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, want_value) in want {
                let here = format!("{at}/{key}");
                match got.get(key) {
                    Some(got_value) => walk(&here, want_value, got_value, out),
                    None => out.push(format!("{here}: missing, expected {want_value}")),
                }
            }
            for (key, got_value) in got {
                if !want.contains_key(key) {
                    out.push(format!("{at}/{key}: unexpected, got {got_value}"));
                }
            }
        }
        _ if expected != actual => {
            let at = if at.is_empty() { "/" } else { at };
            out.push(format!("{at}: expected {expected}, got {actual}"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_differing_field() {
        let mut differences = json_differences(
            &json!({"loginId": "a", "phone": "+1", "opts": {"x": "1"}}),
            &json!({"loginId": "a", "opts": {"x": "2"}, "extra": true}),
        );
        // Key order depends on serde_json's features; the set is what matters.
        differences.sort();
        assert_eq!(
            differences,
            vec![
                "/extra: unexpected, got true",
                r#"/opts/x: expected "1", got "2""#,
                r#"/phone: missing, expected "+1""#,
            ]
        );
        assert_eq!(
            json_differences(&json!([1]), &json!([2])),
            vec!["/: expected [1], got [2]"]
        );
    }
}
