//! Coverage of the spec: by the recordings (every operation, every declared
//! response status or range, every request field and query parameter in
//! some exchange), and by
//! the probes (every constraint of the request bodies), as figures and as
//! the list of what is missing.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::report::Coverage;
use descope_spec::recorded::Exchange;
use descope_spec::Spec;

/// How much of `spec` the `exchanges` cover, with no constraint probed yet,
/// and what they leave out, one message each.
pub fn coverage(spec: &Spec, exchanges: &[&Exchange]) -> (Coverage, Vec<String>) {
    let mut figures = Coverage::default();
    let mut missing = Vec::new();
    for op in spec.operations() {
        figures.operations.declared += 1;
        figures.response_statuses.declared += op.response_keys().len();
        figures.constraints_probed.declared +=
            crate::probe::probes(&op).map_or(0, |p| p.declared());
        let properties = match op.request_properties() {
            Ok(properties) => properties,
            Err(error) => {
                missing.push(format!("{}: request schema: {error}", op.id));
                Vec::new()
            }
        };
        let query = match op.parameters("query") {
            Ok(query) => query.into_iter().map(|(name, _)| name).collect(),
            Err(error) => {
                missing.push(format!("{}: query parameters: {error}", op.id));
                Vec::new()
            }
        };
        figures.request_fields.declared += properties.len() + query.len();
        let mine: Vec<&Exchange> = exchanges
            .iter()
            .copied()
            .filter(|exchange| exchange.operation == op.id)
            .collect();
        if mine.is_empty() {
            missing.push(format!("{}: no exchange calls this operation", op.id));
            continue;
        }
        figures.operations.covered += 1;
        let statuses: BTreeSet<&str> = mine
            .iter()
            .flat_map(|exchange| &exchange.responses)
            .filter_map(|response| op.response_key_for(response.status))
            .collect();
        for key in op.response_keys() {
            if statuses.contains(key) {
                figures.response_statuses.covered += 1;
            } else {
                missing.push(format!("{}: no exchange has a `{key}` response", op.id));
            }
        }
        let sent: BTreeSet<&str> = mine
            .iter()
            .filter_map(|exchange| exchange.request.as_ref()?.body.as_ref())
            .filter_map(Value::as_object)
            .flat_map(|body| body.keys().map(String::as_str))
            .collect();
        for field in properties {
            if sent.contains(field) {
                figures.request_fields.covered += 1;
            } else {
                missing.push(format!("{}: no recorded request sends `{field}`", op.id));
            }
        }
        let sent_query: BTreeSet<&str> = mine
            .iter()
            .filter_map(|exchange| exchange.request.as_ref()?.path.split_once('?'))
            .flat_map(|(_, query)| query.split('&'))
            .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
            .collect();
        for name in query {
            if sent_query.contains(name) {
                figures.request_fields.covered += 1;
            } else {
                missing.push(format!(
                    "{}: no recorded request sends query parameter `{name}`",
                    op.id
                ));
            }
        }
    }
    (figures, missing)
}
