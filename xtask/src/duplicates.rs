//! Names the generated code would declare twice: rustc refuses them, so the
//! generator's output is refused at once, with where they are, instead of by
//! the raw crate's build later.
//!
//! Within a module, types (structs, enums, unions, aliases, traits, modules)
//! and values (functions, constants, statics, tuple and unit structs) each
//! share a namespace; `use` items are left out, as what they import is not
//! known from the syntax alone.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit::{self, Visit};

/// One sentence per name declared twice in `file`, in the order met.
pub fn find(file: &syn::File) -> Vec<String> {
    let mut finder = Finder::default();
    finder.module("the crate root", &file.items);
    finder.visit_file(file);
    finder.found
}

#[derive(Default)]
struct Finder {
    /// The module being walked, as `a::b` (empty at the root).
    path: Vec<String>,
    found: Vec<String>,
}

impl Finder {
    fn here(&self, name: &str) -> String {
        if self.path.is_empty() {
            format!("`{name}`")
        } else {
            format!("`{}::{name}`", self.path.join("::"))
        }
    }

    /// Reports each name in `names` after its first, as `what` of `owner`.
    fn report<'a>(
        &mut self,
        owner: &str,
        what: &str,
        names: impl IntoIterator<Item = &'a syn::Ident>,
    ) {
        let mut seen = BTreeMap::new();
        for name in names {
            let count = seen.entry(name.to_string()).or_insert(0);
            *count += 1;
            if *count == 2 {
                self.found
                    .push(format!("{owner} has two {what} named `{name}`"));
            }
        }
    }

    /// The items declared directly in one module, by namespace.
    fn module(&mut self, owner: &str, items: &[syn::Item]) {
        let (types, values): (Vec<_>, Vec<_>) = items
            .iter()
            .flat_map(declared)
            .partition(|(is_type, _)| *is_type);
        self.report(
            owner,
            "types or modules",
            types.into_iter().map(|(_, name)| name),
        );
        self.report(
            owner,
            "functions or constants",
            values.into_iter().map(|(_, name)| name),
        );
        self.impls(items);
    }

    /// Inherent impls of one type share its associated names, whatever block
    /// declares them; a trait impl is one block per trait.
    fn impls(&mut self, items: &[syn::Item]) {
        let mut by_target: BTreeMap<String, Vec<&syn::Ident>> = BTreeMap::new();
        for item in items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let target = match &block.trait_ {
                Some((_, name, _)) => format!(
                    "impl {} for {}",
                    name.to_token_stream(),
                    block.self_ty.to_token_stream()
                ),
                None => format!("impl {}", block.self_ty.to_token_stream()),
            };
            by_target
                .entry(target)
                .or_default()
                .extend(block.items.iter().filter_map(associated));
        }
        for (target, names) in by_target {
            let owner = self.here(&target);
            self.report(&owner, "associated items", names);
        }
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        self.path.push(module.ident.to_string());
        if let Some((_, items)) = &module.content {
            let owner = format!("module `{}`", self.path.join("::"));
            self.module(&owner, items);
        }
        visit::visit_item_mod(self, module);
        self.path.pop();
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        let owner = format!("struct {}", self.here(&item.ident.to_string()));
        self.report(
            &owner,
            "fields",
            item.fields.iter().filter_map(|f| f.ident.as_ref()),
        );
        visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        let owner = format!("enum {}", self.here(&item.ident.to_string()));
        self.report(&owner, "variants", item.variants.iter().map(|v| &v.ident));
        for variant in &item.variants {
            let owner = format!(
                "variant {}",
                self.here(&format!("{}::{}", item.ident, variant.ident))
            );
            self.report(
                &owner,
                "fields",
                variant.fields.iter().filter_map(|f| f.ident.as_ref()),
            );
        }
        visit::visit_item_enum(self, item);
    }
}

/// The name an item declares, and whether it is in the type namespace.
fn declared(item: &syn::Item) -> Vec<(bool, &syn::Ident)> {
    match item {
        syn::Item::Struct(item) => match item.fields {
            // A tuple or unit struct is also a value: its constructor.
            syn::Fields::Named(_) => vec![(true, &item.ident)],
            _ => vec![(true, &item.ident), (false, &item.ident)],
        },
        syn::Item::Enum(item) => vec![(true, &item.ident)],
        syn::Item::Union(item) => vec![(true, &item.ident)],
        syn::Item::Type(item) => vec![(true, &item.ident)],
        syn::Item::Trait(item) => vec![(true, &item.ident)],
        syn::Item::Mod(item) => vec![(true, &item.ident)],
        syn::Item::Fn(item) => vec![(false, &item.sig.ident)],
        syn::Item::Const(item) => vec![(false, &item.ident)],
        syn::Item::Static(item) => vec![(false, &item.ident)],
        _ => Vec::new(),
    }
}

/// The name an item of an impl block declares.
fn associated(item: &syn::ImplItem) -> Option<&syn::Ident> {
    match item {
        syn::ImplItem::Fn(item) => Some(&item.sig.ident),
        syn::ImplItem::Const(item) => Some(&item.ident),
        syn::ImplItem::Type(item) => Some(&item.ident),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicates(source: &str) -> Vec<String> {
        find(&syn::parse_file(source).unwrap())
    }

    #[test]
    fn a_struct_with_two_fields_of_one_name() {
        let found = duplicates(
            "pub mod types { pub struct Hint { pub login_hint: String, pub login_hint: String } }",
        );
        assert_eq!(
            found,
            ["struct `types::Hint` has two fields named `login_hint`"]
        );
    }

    #[test]
    fn enum_variants_methods_and_module_items() {
        let found = duplicates(
            "enum Mode { A, B, A }\n\
             struct Client;\n\
             impl Client { fn list(&self) {} }\n\
             impl Client { fn list(&self) {} }\n\
             impl Clone for Client { fn clone(&self) -> Self { Client } }\n\
             mod builder { pub struct Step; pub enum Step {} fn step() {} }\n",
        );
        assert_eq!(
            found,
            [
                "`impl Client` has two associated items named `list`",
                "enum `Mode` has two variants named `A`",
                "module `builder` has two types or modules named `Step`",
            ]
        );
    }

    #[test]
    fn distinct_names_and_separate_namespaces_pass() {
        let found = duplicates(
            "pub struct Hint { pub login_hint: String, pub hint: String }\n\
             pub fn hint() {}\n\
             pub mod hint {}\n\
             impl Clone for Hint { fn clone(&self) -> Self { todo!() } }\n\
             impl std::fmt::Debug for Hint { fn fmt(&self, _: &mut std::fmt::Formatter) -> std::fmt::Result { Ok(()) } }\n\
             fn outer() { struct Hint; }\n",
        );
        assert_eq!(found, Vec::<String>::new());
    }
}
