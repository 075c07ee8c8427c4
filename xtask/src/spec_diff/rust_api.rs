//! The public Rust API of generated code, as a map from item to signature,
//! and what changed between two of them. The effect on a crate's users is
//! computed from the code the generator really writes for each spec (typify
//! picks types from constraints: `minimum: 1` may give a `NonZeroU32`), not
//! guessed from the spec.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;
use syn::{Attribute, Fields, ImplItem, Item, Visibility};

/// Every public item of a file: `path` -> signature. Paths read like
/// `types::Body` (the item), `types::Body.field` (a public field),
/// `types::Body::method` (an inherent method), `types::Body: From<X>` (a
/// trait implementation), `types::Enum::Variant` (a variant).
pub type Api = BTreeMap<String, Entry>;

/// One public item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its signature, as tokens: what callers compile against.
    pub signature: String,
    /// For a field or variant: whether users may build or match the
    /// container exhaustively (a struct with public fields, an enum without
    /// `#[non_exhaustive]`), so that one more is a break.
    pub exhaustive_member: bool,
}

/// The public API of `code`.
pub fn api(code: &str) -> Result<Api, String> {
    let file: syn::File = syn::parse_str(code).map_err(|e| format!("unparsable code: {e}"))?;
    Ok(of_file(&file))
}

/// The public API of a parsed file.
pub fn of_file(file: &syn::File) -> Api {
    let mut api = Api::new();
    items(&file.items, "", &mut api);
    api
}

/// `node` as tokens, without trailing commas: the generator writes some
/// and rustfmt adds or drops others by line width, and none changes what
/// callers compile against.
fn tokens(node: &impl ToTokens) -> String {
    without_trailing_commas(&node.to_token_stream().to_string())
}

/// `text` without the commas that only a closing bracket, or the end,
/// follows (outside string literals).
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' && (i == 0 || chars[i - 1] != '\\') {
            in_string = !in_string;
        }
        if c == ',' && !in_string {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if next.is_none_or(|c| matches!(c, ')' | '>' | ']' | '}')) {
                out.truncate(out.trim_end().len());
                continue;
            }
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

fn public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// The attributes that change what users can do: derives, serde's.
fn kept_attrs(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive") || a.path().is_ident("serde"))
        .map(tokens)
        .collect::<Vec<_>>()
        .join(" ")
}

fn items(items: &[Item], prefix: &str, api: &mut Api) {
    let at = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}::{name}")
        }
    };
    let mut put = |path: String, signature: String, exhaustive_member: bool| {
        api.insert(
            path,
            Entry {
                signature,
                exhaustive_member,
            },
        );
    };
    for item in items {
        match item {
            Item::Mod(module) if public(&module.vis) => {
                if let Some((_, inner)) = &module.content {
                    let path = at(&module.ident.to_string());
                    let mut nested = Api::new();
                    self::items(inner, &path, &mut nested);
                    for (path, entry) in nested {
                        put(path, entry.signature, entry.exhaustive_member);
                    }
                }
            }
            Item::Struct(item) if public(&item.vis) => {
                let path = at(&item.ident.to_string());
                // Users can build it with a literal, so one more public field
                // breaks them, only when every field is public.
                let buildable = !non_exhaustive(&item.attrs)
                    && item.fields.iter().all(|field| public(&field.vis));
                let mut shape = format!(
                    "{} struct {}",
                    kept_attrs(&item.attrs),
                    tokens(&item.generics)
                );
                match &item.fields {
                    Fields::Named(fields) => {
                        for field in fields.named.iter().filter(|f| public(&f.vis)) {
                            let name = field
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default();
                            let signature =
                                format!("{} {}", kept_attrs(&field.attrs), tokens(&field.ty));
                            put(format!("{path}.{name}"), signature, buildable);
                        }
                    }
                    other => shape.push_str(&tokens(other)),
                }
                put(path, shape, false);
            }
            Item::Enum(item) if public(&item.vis) => {
                let path = at(&item.ident.to_string());
                let open = !non_exhaustive(&item.attrs);
                put(
                    path.clone(),
                    format!(
                        "{} enum {}",
                        kept_attrs(&item.attrs),
                        tokens(&item.generics)
                    ),
                    false,
                );
                for variant in &item.variants {
                    put(
                        format!("{path}::{}", variant.ident),
                        tokens(&variant.fields),
                        open,
                    );
                }
            }
            Item::Type(item) if public(&item.vis) => {
                put(at(&item.ident.to_string()), tokens(&item.ty), false);
            }
            Item::Const(item) if public(&item.vis) => {
                put(
                    at(&item.ident.to_string()),
                    format!("{} = {}", tokens(&item.ty), tokens(&item.expr)),
                    false,
                );
            }
            Item::Fn(item) if public(&item.vis) => {
                put(at(&item.sig.ident.to_string()), tokens(&item.sig), false);
            }
            Item::Impl(item) => {
                let self_ty = tokens(&item.self_ty).replace(' ', "");
                match &item.trait_ {
                    Some((_, trait_path, _)) => {
                        let name = tokens(trait_path).replace(' ', "");
                        put(
                            format!("{}: {name}", at(&self_ty)),
                            tokens(&item.generics),
                            false,
                        );
                    }
                    None => {
                        for member in &item.items {
                            if let ImplItem::Fn(method) = member {
                                if public(&method.vis) {
                                    let path = format!("{}::{}", at(&self_ty), method.sig.ident);
                                    put(path, tokens(&method.sig), false);
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// How one API item changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApiEffect {
    /// Added where nobody can have depended on its absence: a minor release.
    Addition,
    /// Removed, changed, or added where users build or match exhaustively.
    Breaking,
}

/// One changed item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// The item's path (see [`Api`]).
    pub item: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The signature before, if it existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The signature after, if it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// What it does to users.
    pub effect: ApiEffect,
}

/// What changed from `old` to `new`.
pub fn compare(old: &Api, new: &Api) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    for (item, entry) in new {
        match old.get(item) {
            None => changes.push(ItemChange {
                item: item.clone(),
                change: "added",
                before: None,
                after: Some(entry.signature.clone()),
                // A new field of a buildable struct, or a new variant of an
                // exhaustive enum, breaks literals and matches. A new item
                // inside a new container breaks nobody.
                effect: if entry.exhaustive_member && container_existed(item, old) {
                    ApiEffect::Breaking
                } else {
                    ApiEffect::Addition
                },
            }),
            Some(before) if before.signature != entry.signature => changes.push(ItemChange {
                item: item.clone(),
                change: "changed",
                before: Some(before.signature.clone()),
                after: Some(entry.signature.clone()),
                effect: ApiEffect::Breaking,
            }),
            Some(_) => {}
        }
    }
    for (item, entry) in old {
        if !new.contains_key(item) {
            changes.push(ItemChange {
                item: item.clone(),
                change: "removed",
                before: Some(entry.signature.clone()),
                after: None,
                effect: ApiEffect::Breaking,
            });
        }
    }
    changes
}

/// Whether the struct or enum that holds the field or variant `item` was
/// already there.
fn container_existed(item: &str, old: &Api) -> bool {
    let container = match item.rsplit_once('.') {
        Some((container, _)) => container,
        None => item
            .rsplit_once("::")
            .map_or(item, |(container, _)| container),
    };
    old.contains_key(container)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = r#"
        pub mod types {
            #[derive(Clone, serde::Serialize)]
            pub struct Body { pub login_id: String, pub timeout: Option<i32> }
            pub enum Kind { A, B }
            #[non_exhaustive]
            pub enum Open { A }
            impl Body { pub fn builder() -> u8 { 0 } }
        }
    "#;

    fn changes(after: &str) -> Vec<(String, &'static str, ApiEffect)> {
        compare(&api(BEFORE).unwrap(), &api(after).unwrap())
            .into_iter()
            .map(|c| (c.item, c.change, c.effect))
            .collect()
    }

    #[test]
    fn trailing_commas_are_not_part_of_a_signature() {
        assert_eq!(
            without_trailing_commas("fn f (self ,) -> Result < A , B , > where T : X ,"),
            "fn f (self) -> Result < A , B > where T : X"
        );
        assert_eq!(
            without_trailing_commas("# [serde (rename = \"a,)\")] u8"),
            "# [serde (rename = \"a,)\")] u8"
        );
    }

    #[test]
    fn fields_variants_and_methods() {
        assert!(changes(BEFORE).is_empty());
        let added_field = BEFORE.replace(
            "pub timeout: Option<i32>",
            "pub timeout: Option<i32>, pub locale: Option<String>",
        );
        assert_eq!(
            changes(&added_field),
            [(
                "types::Body.locale".to_string(),
                "added",
                ApiEffect::Breaking
            )]
        );
        let retyped = BEFORE.replace("Option<i32>", "Option<std::num::NonZeroU32>");
        assert_eq!(
            changes(&retyped),
            [(
                "types::Body.timeout".to_string(),
                "changed",
                ApiEffect::Breaking
            )]
        );
        let variant = BEFORE.replace("A, B", "A, B, C");
        assert_eq!(
            changes(&variant),
            [("types::Kind::C".to_string(), "added", ApiEffect::Breaking)]
        );
        let open_variant = BEFORE.replace("pub enum Open { A }", "pub enum Open { A, B }");
        assert_eq!(
            changes(&open_variant),
            [("types::Open::B".to_string(), "added", ApiEffect::Addition)]
        );
        let method = BEFORE.replace(
            "pub fn builder() -> u8 { 0 }",
            "pub fn builder() -> u8 { 0 } pub fn other() {}",
        );
        assert_eq!(
            changes(&method),
            [(
                "types::Body::other".to_string(),
                "added",
                ApiEffect::Addition
            )]
        );
        let gone = BEFORE.replace("pub fn builder() -> u8 { 0 }", "");
        assert_eq!(
            changes(&gone),
            [(
                "types::Body::builder".to_string(),
                "removed",
                ApiEffect::Breaking
            )]
        );
        let new_type = format!("{BEFORE} pub struct Other {{ pub x: u8 }}");
        assert!(changes(&new_type)
            .iter()
            .all(|(_, _, e)| *e == ApiEffect::Addition));
    }
}
