//! The spec's pattern strings, swapped for descope-raw's DFA-checked types
//! (see `crates/descope-raw/src/pattern.rs` for why), and their DFAs.
//!
//! typify matches a schema to a conversion by its content without metadata,
//! as progenitor hands it over: [`string_schema`] builds that form.

use anyhow::{anyhow, Result};
use heck::ToUpperCamelCase;
use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};
use proc_macro2::{Literal, TokenStream};
use progenitor::{GenerationSettings, TypeImpl};
use quote::{format_ident, quote};
use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use schemars::schema::{InstanceType, SchemaObject, SingleOrVec, StringValidation};

/// One string schema with a `pattern`, the name of its type, and its DFA
/// serialised in either byte order (with the leading padding to skip).
pub struct PatternString {
    name: String,
    pattern: String,
    little: (Vec<u8>, usize),
    big: (Vec<u8>, usize),
    description: Option<String>,
    schema: SchemaObject,
}

/// Every string schema with a `pattern` in the components (named, or inline
/// in an object's properties, an array's items or a map's values) and in
/// the operations' inline request and response bodies. Identical schemas
/// share the first one's type.
pub fn collect(document: &OpenAPI) -> Result<Vec<PatternString>> {
    let mut found = Vec::new();
    if let Some(components) = &document.components {
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                walk(schema, &name.to_upper_camel_case(), &mut found)?;
            }
        }
    }
    for (_, _, operation) in document.operations() {
        let prefix = operation
            .operation_id
            .as_deref()
            .unwrap_or_default()
            .to_upper_camel_case();
        let bodies = operation
            .request_body
            .iter()
            .filter_map(|body| body.as_item())
            .flat_map(|body| body.content.values())
            .map(|media| ("Body", media))
            .chain(
                operation
                    .responses
                    .responses
                    .values()
                    .filter_map(|response| response.as_item())
                    .flat_map(|response| response.content.values())
                    .map(|media| ("Response", media)),
            );
        for (suffix, media) in bodies {
            if let Some(ReferenceOr::Item(schema)) = &media.schema {
                walk(schema, &format!("{prefix}{suffix}"), &mut found)?;
            }
        }
    }
    Ok(found)
}

/// A child schema written in place, not a `$ref` (whose target is walked as a component).
fn inline(child: &ReferenceOr<Box<Schema>>) -> Option<&Schema> {
    match child {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { .. } => None,
    }
}

fn walk(schema: &Schema, name: &str, found: &mut Vec<PatternString>) -> Result<()> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let Some(pattern) = &string.pattern else {
                return Ok(());
            };
            // An identical schema already has a type (and its DFA).
            let converted = string_schema(schema, string);
            if found.iter().any(|p| p.schema == converted) {
                return Ok(());
            }
            let dfa = compile(name, pattern)?;
            found.push(PatternString {
                name: name.to_string(),
                pattern: pattern.clone(),
                little: dfa.to_bytes_little_endian(),
                big: dfa.to_bytes_big_endian(),
                description: schema.schema_data.description.clone(),
                schema: converted,
            });
        }
        SchemaKind::Type(Type::Object(object)) => {
            for (property, child) in &object.properties {
                if let Some(child) = inline(child) {
                    walk(
                        child,
                        &format!("{name}{}", property.to_upper_camel_case()),
                        found,
                    )?;
                }
            }
            if let Some(openapiv3::AdditionalProperties::Schema(child)) =
                &object.additional_properties
            {
                if let ReferenceOr::Item(child) = &**child {
                    walk(child, &format!("{name}Value"), found)?;
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(child) = array.items.as_ref().and_then(inline) {
                walk(child, &format!("{name}Item"), found)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The DFA descope-raw checks `pattern` with: unanchored (the pattern's own
/// `^` and `$` anchor it, as in ECMAScript), minimal, without captures.
fn compile(name: &str, pattern: &str) -> Result<dense::DFA<Vec<u32>>> {
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                .minimize(true),
        )
        .thompson(thompson::Config::new().which_captures(WhichCaptures::None))
        .build(pattern)
        .map_err(|e| {
            anyhow!(
                "{name}: the pattern {pattern:?} is not one regex-automata takes, \
                 which the generated client checks patterns with: {e}"
            )
        })
}

/// A string schema as progenitor converts it for typify, metadata left out.
fn string_schema(schema: &Schema, string: &StringType) -> SchemaObject {
    let instance_type = if schema.schema_data.nullable {
        SingleOrVec::Vec(vec![InstanceType::String, InstanceType::Null])
    } else {
        SingleOrVec::Single(Box::new(InstanceType::String))
    };
    let format = match &string.format {
        VariantOrUnknownOrEmpty::Item(format) => Some(
            match format {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_string(),
        ),
        VariantOrUnknownOrEmpty::Unknown(format) => Some(format.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    };
    let enum_values = (!string.enumeration.is_empty()).then(|| {
        string
            .enumeration
            .iter()
            .map(|value| value.clone().map_or(serde_json::Value::Null, Into::into))
            .collect()
    });
    SchemaObject {
        instance_type: Some(instance_type),
        format,
        enum_values,
        string: Some(Box::new(StringValidation {
            max_length: string.max_length.map(|n| n as u32),
            min_length: string.min_length.map(|n| n as u32),
            pattern: string.pattern.clone(),
        })),
        extensions: schema
            .schema_data
            .extensions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Default::default()
    }
}

/// Tells the generator to use `crate::patterns::<Name>` for each.
pub fn convert(settings: &mut GenerationSettings, patterns: &[PatternString]) {
    for pattern in patterns {
        settings.with_conversion(
            pattern.schema.clone(),
            format!("crate::patterns::{}", pattern.name),
            [TypeImpl::FromStr].into_iter(),
        );
    }
}

/// The module that defines them, appended to the generated code.
pub fn module(patterns: &[PatternString]) -> TokenStream {
    let items = patterns.iter().map(|p| {
        let name = format_ident!("{}", p.name);
        let pattern = &p.pattern;
        let doc = p
            .description
            .clone()
            .unwrap_or_else(|| format!("A string matching `{pattern}`."));
        let little = Literal::byte_string(&p.little.0[p.little.1..]);
        let big = Literal::byte_string(&p.big.0[p.big.1..]);
        quote! {
            #[doc = #doc]
            #name = #pattern, little #little, big #big;
        }
    });
    quote! {
        /// Strings the spec constrains with a `pattern`, each checked by a
        /// DFA compiled from it.
        pub mod patterns {
            crate::pattern::pattern_strings! {
                #(#items)*
            }
        }
    }
}
