//! Requests that each break one constraint of an operation's request body,
//! derived from the spec: a server that follows the spec refuses every one.
//!
//! The walk reads the request schema keyword by keyword (through `$ref`s,
//! into properties, additional properties and array items), starts from a
//! valid body (the operation's smallest valid example), and for each
//! constraint tries candidate values until the spec's own validator says that
//! the body breaks that constraint and nothing else. So a constraint added to
//! the spec is probed without new code, and a keyword no candidate can break
//! alone is listed as not probed rather than skipped in silence.

use std::fmt;

use serde_json::{json, Map, Value};

use descope_spec::OperationSpec;

/// The schema keywords that constrain a value. A `type` also brings the
/// constraint reported as `nullable` ("`null` is refused") unless the schema
/// says `nullable: true`.
const CONSTRAINT_KEYWORDS: [&str; 20] = [
    "required",
    "additionalProperties",
    "type",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "pattern",
    "minLength",
    "maxLength",
    "enum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "not",
];

/// Formats that describe a value without constraining it.
const ANNOTATION_FORMATS: [&str; 3] = ["password", "binary", "byte"];

/// The key an additional property is probed under.
const ANY_KEY: &str = "probeKey";

/// One constraint of a request body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Constraint {
    /// Where it applies: a JSON pointer into the body (`*` for any
    /// additional property, `0` for array items; empty for the body itself).
    /// For `required`, the pointer of the field that must be there.
    pub at: String,
    /// The schema keyword: `required`, `type`, `nullable`, `format`,
    /// `pattern`, `minLength`, `enum`, `additionalProperties`, ...
    pub keyword: String,
    /// The keyword's declared value, in short (`int32`, the pattern, `1`).
    pub detail: String,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() {
            "(body)"
        } else {
            &self.at
        };
        if self.detail.is_empty() {
            write!(f, "{} {at}", self.keyword)
        } else {
            write!(f, "{} {} {at}", self.keyword, self.detail)
        }
    }
}

/// A request body that breaks its constraint alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The constraint it breaks.
    pub constraint: Constraint,
    /// The whole body to send.
    pub body: Value,
}

/// A declared constraint no derived body breaks alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unprobed {
    /// The constraint.
    pub constraint: Constraint,
    /// Why there is no probe for it.
    pub reason: String,
}

/// Every constraint of an operation's request body: probed or not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probes {
    /// The valid body the probes are derived from (`null` when the
    /// operation takes no body).
    pub base: Value,
    /// One body per constraint that can be broken alone.
    pub probes: Vec<Probe>,
    /// The constraints left without a probe.
    pub unprobed: Vec<Unprobed>,
}

impl Probes {
    /// How many constraints the request body declares.
    pub fn declared(&self) -> usize {
        self.probes.len() + self.unprobed.len()
    }
}

/// A constraint with the values that might break it, each the whole value
/// at the constraint's position.
struct Candidate {
    constraint: Constraint,
    /// Where the validator reports the violation: the value itself, or the
    /// object for `required` and `additionalProperties`.
    pointer: String,
    /// The validator keywords that breaking it may report.
    reports: &'static [&'static str],
    values: Vec<Value>,
}

/// A probe for every constraint of the request body schema, each checked
/// with the spec's validator to break that constraint and no other.
/// `Err` when the operation declares a body but no valid body can be
/// found to start from (give the operation a request example).
pub fn probes(op: &OperationSpec<'_>) -> Result<Probes, String> {
    let Some(schema) = op.request_schema()? else {
        return Ok(Probes::default());
    };
    let base = valid_body(op, schema)?;
    let mut probes = Probes {
        base: base.clone(),
        ..Probes::default()
    };
    for candidate in candidates(op, schema, &base, "", "")? {
        match first_breaking(op, &candidate)? {
            Some(body) => probes.probes.push(Probe {
                constraint: candidate.constraint,
                body,
            }),
            None => probes.unprobed.push(Unprobed {
                reason: if candidate.values.is_empty() {
                    format!("no probe is derived for `{}`", candidate.constraint.keyword)
                } else {
                    format!(
                        "none of {} candidate values breaks it alone",
                        candidate.values.len()
                    )
                },
                constraint: candidate.constraint,
            }),
        }
    }
    Ok(probes)
}

/// The first candidate body whose every violation is the constraint's.
fn first_breaking(op: &OperationSpec<'_>, candidate: &Candidate) -> Result<Option<Value>, String> {
    let inside = format!("{}/", candidate.pointer);
    for body in &candidate.values {
        let violations = op.validate_request(body)?;
        let alone = !violations.is_empty()
            && violations.iter().all(|v| {
                candidate.reports.contains(&v.keyword.as_str())
                    && (v.at == candidate.pointer || v.at.starts_with(&inside))
            });
        if alone {
            return Ok(Some(body.clone()));
        }
    }
    Ok(None)
}

/// The valid body probes start from: the request example with the
/// fewest fields, else a body built from the schema.
fn valid_body(op: &OperationSpec<'_>, schema: &Value) -> Result<Value, String> {
    let media = op
        .resolve(&op.node()["requestBody"])?
        .pointer("/content/application~1json")
        .unwrap_or(&Value::Null);
    let mut examples: Vec<Value> = media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, example)| op.resolve(example).ok()?.get("value").cloned())
        .chain(media.get("example").cloned())
        .chain(sample(op, schema))
        .collect();
    examples.sort_by_key(|body| body.as_object().map_or(0, Map::len));
    for body in examples {
        if op.validate_request(&body)?.is_empty() {
            return Ok(body);
        }
    }
    Err(format!(
        "{}: no valid request body to derive probes from; give the request an example",
        op.id
    ))
}

/// A value that may satisfy `schema`: its example or default, else the
/// simplest value of its type (checked by the caller).
fn sample(op: &OperationSpec<'_>, schema: &Value) -> Option<Value> {
    let schema = op.resolve(schema).ok()?;
    if let Some(value) = schema.get("example").or_else(|| schema.get("default")) {
        return Some(value.clone());
    }
    let number = |keyword| schema.get(keyword).cloned();
    Some(match schema.get("type")?.as_str()? {
        "string" => {
            let length = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
            Value::String("a".repeat(usize::try_from(length).ok()?))
        }
        "integer" | "number" => number("minimum").unwrap_or(json!(0)),
        "boolean" => json!(true),
        "array" => json!([]),
        "object" => {
            let mut object = Map::new();
            let properties = schema.get("properties");
            for name in strings(schema.get("required")) {
                let property = properties.and_then(|p| p.get(name))?;
                object.insert(name.to_string(), sample(op, property)?);
            }
            Value::Object(object)
        }
        _ => return None,
    })
}

/// The constraints of `schema` at `at` (for display) / `pointer` (in the
/// body), with candidate values built around `valid`.
fn candidates(
    op: &OperationSpec<'_>,
    schema: &Value,
    valid: &Value,
    at: &str,
    pointer: &str,
) -> Result<Vec<Candidate>, String> {
    let schema = op.resolve(schema)?;
    let Some(object) = schema.as_object() else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    let push = |found: &mut Vec<Candidate>,
                keyword: &str,
                detail: String,
                reports: &'static [&'static str],
                values: Vec<Value>| {
        found.push(Candidate {
            constraint: Constraint {
                at: at.to_string(),
                keyword: keyword.to_string(),
                detail,
            },
            pointer: pointer.to_string(),
            reports,
            values,
        });
    };
    for keyword in CONSTRAINT_KEYWORDS {
        let Some(declared) = object.get(keyword) else {
            continue;
        };
        match keyword {
            "type" => {
                let name = declared.as_str().unwrap_or_default();
                push(
                    &mut found,
                    keyword,
                    name.into(),
                    &["type"],
                    wrong_types(name),
                );
                if object.get("nullable") != Some(&Value::Bool(true)) {
                    push(
                        &mut found,
                        "nullable",
                        "false".into(),
                        &["type"],
                        vec![Value::Null],
                    );
                }
            }
            "format" => {
                let name = declared.as_str().unwrap_or_default();
                if !ANNOTATION_FORMATS.contains(&name) {
                    let (reports, values) = bad_formats(name);
                    push(&mut found, keyword, name.into(), reports, values);
                }
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                if let Some((reports, values)) = out_of_range(keyword, object) {
                    push(
                        &mut found,
                        keyword,
                        bound_detail(keyword, object),
                        reports,
                        values,
                    );
                }
            }
            "pattern" => {
                // The pattern itself is too long for a report's row.
                push(
                    &mut found,
                    keyword,
                    String::new(),
                    &["pattern"],
                    off_pattern(valid),
                );
            }
            "minLength" | "maxLength" => {
                let bound = declared.as_u64().unwrap_or(0);
                let values = wrong_lengths(keyword, bound, valid);
                if keyword == "maxLength" || bound > 0 {
                    push(
                        &mut found,
                        keyword,
                        bound.to_string(),
                        length_reports(keyword),
                        values,
                    );
                }
            }
            "enum" => push(
                &mut found,
                keyword,
                String::new(),
                &["enum"],
                vec![json!("probe-not-listed"), json!(987654321), json!(false)],
            ),
            "required" => {
                for name in strings(Some(declared)) {
                    let mut without = valid.clone();
                    if let Some(fields) = without.as_object_mut() {
                        fields.remove(name);
                    }
                    found.push(Candidate {
                        constraint: Constraint {
                            at: format!("{at}/{name}"),
                            keyword: keyword.into(),
                            detail: String::new(),
                        },
                        pointer: pointer.to_string(),
                        reports: &["required"],
                        values: vec![without],
                    });
                }
            }
            "additionalProperties" => match declared {
                Value::Bool(false) => {
                    let mut extra = valid.clone();
                    if let Some(fields) = extra.as_object_mut() {
                        fields.insert(unused_key(object), json!(true));
                    }
                    push(
                        &mut found,
                        keyword,
                        "false".into(),
                        &["additionalProperties"],
                        vec![extra],
                    );
                }
                Value::Object(_) => {
                    let sample = sample(op, declared).unwrap_or(Value::Null);
                    let inner = candidates(
                        op,
                        declared,
                        &sample,
                        &format!("{at}/*"),
                        &format!("{pointer}/{ANY_KEY}"),
                    )?;
                    found.extend(inner.into_iter().map(|c| within(c, valid, ANY_KEY)));
                }
                _ => {}
            },
            "items" => {
                let sample = sample(op, declared).unwrap_or(Value::Null);
                let inner = candidates(
                    op,
                    declared,
                    &sample,
                    &format!("{at}/0"),
                    &format!("{pointer}/0"),
                )?;
                found.extend(inner.into_iter().map(|mut c| {
                    c.values = c.values.into_iter().map(|v| json!([v])).collect();
                    c
                }));
            }
            other => push(&mut found, other, declared.to_string(), &[], Vec::new()),
        }
    }
    for (name, property) in object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let sample = valid
            .get(name)
            .cloned()
            .or_else(|| sample(op, property))
            .unwrap_or(Value::Null);
        let inner = candidates(
            op,
            property,
            &sample,
            &format!("{at}/{name}"),
            &format!("{pointer}/{name}"),
        )?;
        found.extend(inner.into_iter().map(|c| within(c, valid, name)));
    }
    Ok(found)
}

/// `candidate`, whose values are for the field `key`, made into values of
/// the object `valid` around it.
fn within(mut candidate: Candidate, valid: &Value, key: &str) -> Candidate {
    candidate.values = candidate
        .values
        .into_iter()
        .map(|value| {
            let mut object = valid.as_object().cloned().unwrap_or_default();
            object.insert(key.to_string(), value);
            Value::Object(object)
        })
        .collect();
    candidate
}

fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A property name the object schema does not declare.
fn unused_key(schema: &Map<String, Value>) -> String {
    let declared = schema.get("properties").and_then(Value::as_object);
    (0..)
        .map(|n| format!("probeUnknownField{n}"))
        .find(|key| declared.is_none_or(|p| !p.contains_key(key)))
        .unwrap_or_default()
}

/// Values of every JSON type but `name`, and not `null` (which is the
/// `nullable` constraint's).
fn wrong_types(name: &str) -> Vec<Value> {
    let all = [
        ("string", json!("12")),
        ("integer", json!(12)),
        ("number", json!(1.5)),
        ("boolean", json!(true)),
        ("object", json!({})),
        ("array", json!([])),
    ];
    all.into_iter()
        .filter(|(kind, value)| *kind != name && !(name == "number" && value.is_i64()))
        .map(|(_, value)| value)
        .collect()
}

/// Values a format refuses, and what the validator reports for them. The
/// integer formats are ranges (see `openapi.rs`).
fn bad_formats(name: &str) -> (&'static [&'static str], Vec<Value>) {
    match name {
        "int32" => (
            &["maximum", "minimum"],
            vec![
                json!(i64::from(i32::MAX) + 1),
                json!(i64::from(i32::MIN) - 1),
            ],
        ),
        "int64" => (
            &["maximum", "minimum"],
            vec![json!(1u64 << 63), json!(-1e19)],
        ),
        _ => (
            &["format"],
            [
                "http://exa mple.com/",
                "not a value",
                "2026-13-45T99:99:99Z",
                "999.999.999.999",
                "no-at-sign",
                ":",
                "",
            ]
            .into_iter()
            .map(Value::from)
            .collect(),
        ),
    }
}

/// A value just past a bound (draft 4: `exclusive*` are booleans beside the
/// bound they make strict).
fn out_of_range(
    keyword: &str,
    schema: &Map<String, Value>,
) -> Option<(&'static [&'static str], Vec<Value>)> {
    let lower = keyword.contains("inimum");
    let bound = schema.get(if lower { "minimum" } else { "maximum" })?;
    let exclusive = keyword.starts_with("exclusive");
    if exclusive && schema.get(keyword) != Some(&Value::Bool(true)) {
        return None;
    }
    let step: i64 = if lower { -1 } else { 1 };
    let mut values = Vec::new();
    if exclusive {
        values.push(bound.clone());
    }
    if let Some(integer) = bound.as_i64() {
        values.push(json!(integer.saturating_add(step)));
    }
    if let Some(float) = bound.as_f64() {
        values.push(json!(float + step as f64 / 2.0));
    }
    let reports: &[&str] = if lower {
        &["minimum", "exclusiveMinimum"]
    } else {
        &["maximum", "exclusiveMaximum"]
    };
    Some((reports, values))
}

fn bound_detail(keyword: &str, schema: &Map<String, Value>) -> String {
    match keyword {
        "exclusiveMinimum" => schema.get("minimum"),
        "exclusiveMaximum" => schema.get("maximum"),
        _ => schema.get(keyword),
    }
    .map(Value::to_string)
    .unwrap_or_default()
}

/// Strings a pattern is likely to refuse, from the plainest on; the valid
/// value with a stray character is among them.
fn off_pattern(valid: &Value) -> Vec<Value> {
    let mut values: Vec<Value> = [
        "",
        "x",
        "!",
        " ",
        "0",
        "+0",
        "ftp://example.com/",
        "http://example.com/#fragment",
        "\u{7f}",
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    if let Some(text) = valid.as_str() {
        values.push(Value::from(format!("{text}#")));
        values.push(Value::from(format!("#{text}")));
    }
    values
}

/// Strings one character too short or too long.
fn wrong_lengths(keyword: &str, bound: u64, valid: &Value) -> Vec<Value> {
    let Ok(bound) = usize::try_from(bound) else {
        return Vec::new();
    };
    let seed: Vec<char> = valid.as_str().unwrap_or("a").chars().collect();
    let filler = seed.last().copied().unwrap_or('a');
    let length = if keyword == "minLength" {
        bound.saturating_sub(1)
    } else {
        bound + 1
    };
    let from_valid: String = seed
        .iter()
        .copied()
        .chain(std::iter::repeat(filler))
        .take(length)
        .collect();
    vec![Value::from(from_valid), Value::from("a".repeat(length))]
}

fn length_reports(keyword: &str) -> &'static [&'static str] {
    if keyword == "minLength" {
        &["minLength"]
    } else {
        &["maxLength"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use descope_spec::Spec;

    fn constraints(probes: &Probes) -> Vec<String> {
        probes
            .probes
            .iter()
            .map(|p| p.constraint.to_string())
            .collect()
    }

    #[test]
    fn every_constraint_of_the_embedded_spec_is_probed() {
        let spec = Spec::embedded();
        for op in spec.operations() {
            let probes = probes(&op).unwrap();
            assert!(
                probes.unprobed.is_empty(),
                "{}: {:#?}",
                op.id,
                probes.unprobed
            );
            for probe in &probes.probes {
                let violations = op.validate_request(&probe.body).unwrap();
                assert!(!violations.is_empty(), "{}: {}", op.id, probe.constraint);
            }
        }
        let phone = spec.operation("UpdateUserPhoneMagicLinkSMS").unwrap();
        let found = constraints(&probes(&phone).unwrap());
        for expected in [
            "required /loginId",
            "required /phone",
            "additionalProperties false (body)",
            "type object (body)",
            "nullable false (body)",
            "minLength 1 /loginId",
            "nullable false /phone",
            "type boolean /addToLoginIDs",
            "type string /templateOptions/*",
            "format uri /URI",
        ] {
            assert!(
                found.iter().any(|c| c == expected),
                "{expected}: {found:#?}"
            );
        }
        assert!(found.iter().any(|c| c == "pattern /phone"), "{found:#?}");
        assert!(found.iter().any(|c| c == "pattern /URI"), "{found:#?}");
        let link = probes(&spec.operation("EmbeddedLinkSignin").unwrap()).unwrap();
        let found = constraints(&link);
        for expected in [
            "format int32 /timeout",
            "minimum 0 /timeout",
            "type integer /timeout",
        ] {
            assert!(
                found.iter().any(|c| c == expected),
                "{expected}: {found:#?}"
            );
        }
        // Nullable fields take `null`: it is no constraint of theirs.
        assert!(!found.iter().any(|c| c == "nullable false /timeout"));
    }

    #[test]
    fn a_constraint_added_to_the_spec_is_probed_and_an_unknown_one_listed() {
        let text = Spec::embedded().text().replacen(
            "          description: The SMS provider to send through",
            "          maxLength: 8\n          uniqueItems: true\n          description: The SMS provider to send through",
            1,
        );
        let spec = Spec::parse("edited.yaml", &text).unwrap();
        let op = spec.operation("UpdateUserPhoneMagicLinkSMS").unwrap();
        let probes = probes(&op).unwrap();
        let probe = probes
            .probes
            .iter()
            .find(|p| p.constraint.to_string() == "maxLength 8 /providerId")
            .expect("probed");
        assert_eq!(probe.body["providerId"].as_str().map(str::len), Some(9));
        assert_eq!(probe.body["phone"], "+12025550123", "the rest stays valid");
        assert_eq!(probes.unprobed.len(), 1, "{:#?}", probes.unprobed);
        assert_eq!(probes.unprobed[0].constraint.keyword, "uniqueItems");
        assert!(probes.unprobed[0].reason.contains("no probe is derived"));
    }

    #[test]
    fn without_a_valid_body_to_start_from_there_are_no_probes() {
        let text = Spec::embedded()
            .text()
            .replace("loginId: ada@example.com", "loginId: ''")
            .replace("example: ada@example.com", "example: ''");
        let spec = Spec::parse("edited.yaml", &text).unwrap();
        let error = probes(&spec.operation("EmbeddedLinkSignin").unwrap()).unwrap_err();
        assert!(error.contains("no valid request body"), "{error}");
    }
}
