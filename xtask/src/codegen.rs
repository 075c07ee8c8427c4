//! From a checked spec to the exact bytes of `generated.rs`.

use std::cell::Cell;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;

use anyhow::{anyhow, bail, Context, Result};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use sha2::{Digest, Sha256};

use descope_spec::Spec;

use crate::duplicates;

/// Renders the client for `spec`; `name` is the spec's path as the header
/// shows it. A [`Refusal`] of the generator is the error's source.
pub fn render(spec: &Spec, name: &str, root: &Path) -> Result<String> {
    let file = syntax_tree(spec.document()).with_context(|| name.to_string())?;
    let body = rustfmt(&prettyplease::unparse(&file), root)?;
    Ok(format!("{}{body}", header(spec, name)))
}

/// Why the generator refuses a document: it cannot translate it, or what
/// it makes would not compile. Kept apart from failures of the tools around
/// it (rustfmt), so that a caller can look for where in the document it lies.
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// The client the generator makes of `document`, as a syntax tree checked to
/// compile as far as names go, or why it refuses to.
pub fn syntax_tree(document: &serde_json::Value) -> Result<syn::File, Refusal> {
    let document: openapiv3::OpenAPI = serde_json::from_value(document.clone())
        .map_err(|e| Refusal(format!("not a valid OpenAPI 3.0 document: {e}")))?;
    let file = syntax(&document).map_err(|e| Refusal(e.to_string()))?;
    let duplicates = duplicates::find(&file);
    if !duplicates.is_empty() {
        return Err(Refusal(format!(
            "the generated code would not compile: {}",
            duplicates.join("; ")
        )));
    }
    Ok(file)
}

/// The client generated from `document` as a syntax tree, before it is
/// printed: what [`render`] formats, and what spec-diff reads the public API
/// of.
pub fn syntax(document: &openapiv3::OpenAPI) -> Result<syn::File> {
    let tokens = run_progenitor(document).map_err(anyhow::Error::msg)?;
    syn::parse2(split_doc_lines(tokens))
        .map_err(|e| anyhow!("the generator produced code that does not parse: {e}"))
}

fn settings(document: &openapiv3::OpenAPI) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The per-request credential lives in the client's inner value and is
        // applied by the hand-written hooks in the crate's lib.rs.
        .with_inner_type(quote_path("crate::RequestContext"))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    // A string schema the spec marks `format: password` (the embedded-link
    // token) becomes the hand-written `Secret`, whose `Debug` shows nothing:
    // a derive cannot be taken off a generated type, but the type can be
    // swapped for one of ours.
    // Its `minLength` becomes the type's parameter, which it checks.
    for (name, min_len) in password_schemas(document) {
        let secret = format!("crate::Secret<{min_len}>");
        settings.with_replacement(name, secret, [TypeImpl::FromStr].into_iter());
    }
    settings
}

/// The component schemas that are strings of `format: password`, with their
/// `minLength` (0 without one).
fn password_schemas(document: &openapiv3::OpenAPI) -> Vec<(String, usize)> {
    use openapiv3::{ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    let Some(components) = &document.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            ReferenceOr::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::String(string))
                    if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password) =>
                {
                    Some((name.clone(), string.min_length.unwrap_or(0)))
                }
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        })
        .collect()
}

fn quote_path(path: &str) -> TokenStream {
    path.parse().expect("a Rust path is a valid token stream")
}

/// progenitor's tokens, or its error or panic as a message. progenitor
/// panics on some specs it cannot translate; the default hook would print a
/// backtrace hint for each. The hook is the process's, and generations run
/// on several threads at once, so it is installed once and stays quiet only
/// for a thread inside this call.
fn run_progenitor(document: &openapiv3::OpenAPI) -> Result<TokenStream, String> {
    thread_local! {
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                previous(info);
            }
        }));
    });
    QUIET.set(true);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings(document)).generate_tokens(document)
    }));
    QUIET.set(false);
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(format!("the generator cannot handle this spec: {error}")),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".to_string());
            Err(format!(
                "the generator cannot handle this spec (it gave up with: {reason})"
            ))
        }
    }
}

/// A multi-line `#[doc]` becomes a `/** */` block whose indented lines
/// rustdoc would read as code; one `#[doc]` per line prints as `///` lines.
fn split_doc_lines(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Punct(hash) if hash.as_char() == '#' => {
                let lines = match trees.peek() {
                    Some(TokenTree::Group(group)) => doc_lines(group),
                    _ => None,
                };
                match lines {
                    Some(lines) => {
                        trees.next();
                        for line in lines {
                            out.push(TokenTree::Punct(hash.clone()));
                            let attr: TokenStream = [
                                TokenTree::Ident(Ident::new("doc", Span::call_site())),
                                TokenTree::Punct(Punct::new('=', Spacing::Alone)),
                                TokenTree::Literal(Literal::string(&line)),
                            ]
                            .into_iter()
                            .collect();
                            out.push(TokenTree::Group(Group::new(Delimiter::Bracket, attr)));
                        }
                    }
                    None => out.push(TokenTree::Punct(hash)),
                }
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), split_doc_lines(group.stream()));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The lines of a `[doc = "..."]` attribute body that spans several lines.
fn doc_lines(group: &Group) -> Option<Vec<String>> {
    if group.delimiter() != Delimiter::Bracket {
        return None;
    }
    let attr: syn::MetaNameValue = syn::parse2(group.stream()).ok()?;
    if !attr.path.is_ident("doc") {
        return None;
    }
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    }) = attr.value
    else {
        return None;
    };
    let text = text.value();
    text.contains('\n')
        .then(|| text.lines().map(str::to_string).collect())
}

/// prettyplease alone is stable but not what `cargo fmt --check` wants;
/// rustfmt over its output is a fixed point.
pub fn rustfmt(source: &str, root: &Path) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())
        .context("cannot feed rustfmt")?;
    let output = child.wait_with_output().context("rustfmt did not finish")?;
    if !output.status.success() {
        bail!(
            "rustfmt rejected the generated code: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).context("rustfmt printed something that is not UTF-8")
}

pub fn header(spec: &Spec, name: &str) -> String {
    let digest = Sha256::digest(spec.text().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "// @generated by `cargo xtask generate` from {name}. Do not edit by hand:\n\
         // change the spec and run `cargo xtask generate` again.\n\
         // spec sha256: {hex}\n\n"
    )
}
