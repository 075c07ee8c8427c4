//! Coverage of the spec by the recordings: every operation, every declared
//! response status or range, and every request field in some exchange.

use std::collections::BTreeSet;

use serde_json::Value;

use descope_spec::recorded::Exchange;
use descope_spec::Spec;

/// What the spec declares and no exchange exercises, one message each; empty
/// when everything is covered.
pub fn missing_coverage(spec: &Spec, exchanges: &[Exchange]) -> Vec<String> {
    let mut missing = Vec::new();
    for op in spec.operations() {
        let mine: Vec<&Exchange> = exchanges
            .iter()
            .filter(|exchange| exchange.operation == op.id)
            .collect();
        if mine.is_empty() {
            missing.push(format!("{}: no exchange calls this operation", op.id));
            continue;
        }
        let statuses: BTreeSet<&str> = mine
            .iter()
            .flat_map(|exchange| &exchange.responses)
            .filter_map(|response| op.response_key_for(response.status))
            .collect();
        for key in op.response_keys() {
            if !statuses.contains(key) {
                missing.push(format!("{}: no exchange has a `{key}` response", op.id));
            }
        }
        let sent: BTreeSet<&str> = mine
            .iter()
            .filter_map(|exchange| exchange.request.as_ref()?.body.as_ref())
            .filter_map(Value::as_object)
            .flat_map(|body| body.keys().map(String::as_str))
            .collect();
        match op.request_properties() {
            Ok(properties) => {
                for field in properties {
                    if !sent.contains(field) {
                        missing.push(format!("{}: no recorded request sends `{field}`", op.id));
                    }
                }
            }
            Err(error) => missing.push(format!("{}: request schema: {error}", op.id)),
        }
    }
    missing
}
