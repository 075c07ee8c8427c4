//! What the wrapper's own source uses of the raw client, read from its
//! syntax: which generated types it builds with struct literals (a new field
//! stops those compiling), which fields it reads, which methods it calls and
//! which names it mentions. It tells "the wrapper's source needs edits" apart
//! from "its public API changes".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use syn::visit::Visit;

use super::rust_api::ItemChange;

/// The raw items the wrapper's source touches.
#[derive(Debug, Default)]
pub struct Uses {
    /// Generated type names it builds with a struct literal.
    literals: BTreeSet<String>,
    /// Field names it reads (`x.field`).
    fields: BTreeSet<String>,
    /// Method names it calls.
    methods: BTreeSet<String>,
    /// Every identifier in a path it writes.
    names: BTreeSet<String>,
}

/// Reads every `.rs` file below `dir`.
pub fn of_wrapper(dir: &Path) -> Result<Uses> {
    let mut uses = Uses::default();
    if !dir.is_dir() {
        // A copy of the spec alone (as xtask's own tests make): nothing uses it.
        return Ok(uses);
    }
    let mut files = Vec::new();
    collect(dir, &mut files).with_context(|| format!("cannot read {}", dir.display()))?;
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let syntax =
            syn::parse_file(&text).with_context(|| format!("{} does not parse", file.display()))?;
        let mut visitor = Visitor {
            aliases: BTreeMap::new(),
            uses: &mut uses,
        };
        visitor.visit_file(&syntax);
    }
    Ok(uses)
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

struct Visitor<'a> {
    /// `use ... as Alias` of this file: alias -> original name.
    aliases: BTreeMap<String, String>,
    uses: &'a mut Uses,
}

impl Visitor<'_> {
    fn original(&self, name: &str) -> String {
        self.aliases
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_use_rename(&mut self, node: &'ast syn::UseRename) {
        self.aliases
            .insert(node.rename.to_string(), node.ident.to_string());
        self.uses.names.insert(node.ident.to_string());
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        if let Some(last) = node.path.segments.last() {
            let name = self.original(&last.ident.to_string());
            self.uses.literals.insert(name);
        }
        syn::visit::visit_expr_struct(self, node);
    }

    fn visit_expr_field(&mut self, node: &'ast syn::ExprField) {
        if let syn::Member::Named(ident) = &node.member {
            self.uses.fields.insert(ident.to_string());
        }
        syn::visit::visit_expr_field(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        self.uses.methods.insert(node.method.to_string());
        syn::visit::visit_expr_method_call(self, node);
    }

    fn visit_path_segment(&mut self, node: &'ast syn::PathSegment) {
        let name = self.original(&node.ident.to_string());
        self.uses.names.insert(name);
        syn::visit::visit_path_segment(self, node);
    }

    fn visit_use_name(&mut self, node: &'ast syn::UseName) {
        self.uses.names.insert(node.ident.to_string());
    }
}

/// A use in the wrapper's source that an item's change stops compiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What the source does with it.
    pub kind: EditKind,
    /// The type, field, method or name it uses.
    pub name: String,
}

/// The kinds of [`Edit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKind {
    /// Builds the type with a struct literal.
    Literal,
    /// Reads the field.
    Field,
    /// Calls the method.
    Call,
    /// Names it in a path.
    Name,
}

impl EditKind {
    /// What the source does, before the names it does it with.
    pub fn phrase(self) -> &'static str {
        match self {
            EditKind::Literal => "builds struct literals of",
            EditKind::Field => "reads",
            EditKind::Call => "calls",
            EditKind::Name => "names",
        }
    }
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = &self.name;
        match self.kind {
            EditKind::Literal => write!(f, "builds `{name}` with a struct literal"),
            EditKind::Field => write!(f, "reads the field `{name}`"),
            EditKind::Call => write!(f, "calls `{name}`"),
            EditKind::Name => write!(f, "names `{name}`"),
        }
    }
}

impl Uses {
    /// Why the wrapper's source must change for `item`'s change to build,
    /// if it must.
    pub fn needs_edit(&self, item: &ItemChange) -> Option<Edit> {
        let edit = |kind, name: &str| {
            Some(Edit {
                kind,
                name: name.to_string(),
            })
        };
        let path = item.item.as_str();
        let changed = item.change != "added";
        // `types::Type.field`
        if let Some((container, field)) = path.rsplit_once('.') {
            let ty = container.rsplit("::").next().unwrap_or(container);
            if self.literals.contains(ty) && !container.contains("builder") {
                return edit(EditKind::Literal, ty);
            }
            if changed && self.fields.contains(field) {
                return edit(EditKind::Field, field);
            }
            return None;
        }
        // A trait implementation: only its removal can break a use.
        if path.contains(": ") {
            return None;
        }
        let name = path.rsplit("::").next().unwrap_or(path);
        // The wrapper has builders of its own with the same method names as
        // the generated body builders (`types::builder::*`); only the
        // client's methods and its operation builders are raw's alone.
        let raw_method = path.starts_with("Client::") || path.starts_with("builder::");
        if changed && raw_method && self.methods.contains(name) {
            return edit(EditKind::Call, name);
        }
        if changed && self.names.contains(name) {
            return edit(EditKind::Name, name);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_diff::rust_api::ApiEffect;

    fn item(path: &str, change: &'static str) -> ItemChange {
        ItemChange {
            item: path.to_string(),
            change,
            before: None,
            after: None,
            effect: ApiEffect::Breaking,
        }
    }

    #[test]
    fn literals_fields_methods_and_names() {
        let code = r#"
            use descope_raw::types::Body as Wire;
            fn f(x: Answer) -> Wire {
                let _ = x.masked_phone;
                raw.embedded_link_signin();
                Wire { login_id: 1 }
            }
        "#;
        let mut uses = Uses::default();
        let syntax = syn::parse_file(code).unwrap();
        Visitor {
            aliases: BTreeMap::new(),
            uses: &mut uses,
        }
        .visit_file(&syntax);
        assert!(uses
            .needs_edit(&item("types::Body.locale", "added"))
            .unwrap()
            .to_string()
            .contains("struct literal"));
        assert!(uses
            .needs_edit(&item("types::Answer.masked_phone", "removed"))
            .unwrap()
            .to_string()
            .contains("reads"));
        assert_eq!(uses.needs_edit(&item("types::Answer.other", "added")), None);
        assert!(uses
            .needs_edit(&item("Client::embedded_link_signin", "removed"))
            .unwrap()
            .to_string()
            .contains("calls"));
        // The wrapper's own builders share names with the body builders.
        assert_eq!(
            uses.needs_edit(&item(
                "types::builder::Body::embedded_link_signin",
                "changed"
            )),
            None
        );
        assert_eq!(
            uses.needs_edit(&item("Client::update_phone", "removed")),
            None
        );
        assert!(uses
            .needs_edit(&item("types::Answer", "changed"))
            .unwrap()
            .to_string()
            .contains("names"));
        assert_eq!(uses.needs_edit(&item("types::Other", "removed")), None);
    }
}
