//! `cargo xtask spec-diff`: what a spec change breaks, for whom, and which
//! version it needs, before it ships.
//!
//! - the wire: [`wire`] walks the two spec models;
//! - the Rust API: the raw client and descope-spec's operation table are
//!   generated from both specs and their public items compared
//!   ([`rust_api`]); the wrapper re-exports the raw client, so raw's breaks
//!   are its breaks, and whether its own source needs edits is read from the
//!   items its source uses; fake-descope serves the spec, so a request schema
//!   that refuses more breaks the tests of the services that use it;
//! - the version each crate needs, under Cargo's rules;
//! - the recordings of `spec/recorded/` that the new spec invalidates.

mod report;
pub mod rust_api;
mod usage;
mod version;
pub mod wire;

use std::path::Path;
use std::process::{Command, ExitCode};

use self::wire::{diff, Change, WireEffect};
use anyhow::{anyhow, bail, Context, Result};
use descope_spec::recorded::{check_exchange, Recordings};
use descope_spec::Spec;
use serde::Serialize;

use self::rust_api::{ApiEffect, ItemChange};
use self::version::Bump;
use crate::{codegen, spec_table, workspace};

pub use self::report::Format;

/// Where the old spec comes from.
pub enum Old {
    /// The spec as committed at a git revision.
    Base(String),
    /// A file.
    File(std::path::PathBuf),
}

/// What `spec-diff` was asked to do.
pub struct Options {
    /// The old spec.
    pub old: Old,
    /// The new spec's file; the working tree's spec when `None`.
    pub new: Option<std::path::PathBuf>,
    /// The output format.
    pub format: Format,
    /// Fail (exit 1) on a change that breaks callers on the wire.
    pub fail_on_wire: bool,
    /// Fail (exit 1) on a change that breaks the Rust API of a crate.
    pub fail_on_rust: bool,
    /// Fail (exit 1) when `Cargo.toml`'s version is below the one needed.
    pub check_version: bool,
}

/// The whole comparison: what the report prints, in every format.
#[derive(Debug, Serialize)]
pub struct Report {
    /// How the old spec is named (`HEAD:spec/descope.yaml`, a file).
    pub old: String,
    /// How the new spec is named.
    pub new: String,
    /// Every change of the spec, located and classified.
    pub changes: Vec<ClassifiedChange>,
    /// The Rust API changes per crate, computed from generated code.
    pub crates: Vec<CrateEffect>,
    /// The recordings the new spec invalidates.
    pub recordings: Vec<InvalidRecording>,
    /// The version the crates need.
    pub version: version::Needed,
}

/// A change of the spec and its effect on each kind of user.
#[derive(Debug, Serialize)]
pub struct ClassifiedChange {
    /// The change on the wire.
    #[serde(flatten)]
    pub change: Change,
    /// The Rust API items of descope-raw this change altered, and how.
    pub rust: Vec<ItemChange>,
}

/// What the change does to one crate.
#[derive(Debug, Serialize)]
pub struct CrateEffect {
    /// The crate.
    #[serde(rename = "crate")]
    pub name: &'static str,
    /// Whether its public API breaks.
    pub api_breaking: bool,
    /// Whether its public API gains items.
    pub api_additions: bool,
    /// Whether its own source must be edited to build (the wrapper).
    pub source_needs_edits: bool,
    /// Whether its behaviour breaks its users although the API does not
    /// (the fake refusing what it accepted).
    pub behaviour_breaking: bool,
    /// Why, one line each.
    pub reasons: Vec<String>,
    /// The smallest version bump it needs.
    pub bump: Bump,
}

/// A recording that no longer holds.
#[derive(Debug, Serialize)]
pub struct InvalidRecording {
    /// The file.
    pub file: String,
    /// What the spec check says.
    pub problems: Vec<String>,
}

/// Runs `spec-diff` on the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    let (old, old_label, base_version) = match &options.old {
        Old::Base(revision) => {
            let label = format!("{revision}:{}", workspace::SPEC);
            let text = git_show(root, revision, workspace::SPEC)?;
            let cargo = git_show(root, revision, "Cargo.toml").ok();
            let spec = Spec::parse(&label, &text).map_err(|e| anyhow!("{e}"))?;
            (spec, label, cargo.and_then(|c| version::of_manifest(&c)))
        }
        Old::File(path) => {
            let label = path.display().to_string();
            (
                Spec::load(path, &label).map_err(|e| anyhow!("{e}"))?,
                label,
                None,
            )
        }
    };
    let new_path = options
        .new
        .clone()
        .unwrap_or_else(|| root.join(workspace::SPEC));
    let new_label = match &options.new {
        Some(path) => path.display().to_string(),
        None => workspace::SPEC.to_string(),
    };
    let new = Spec::load(&new_path, &new_label).map_err(|e| anyhow!("{e}"))?;
    let current_version = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|c| version::of_manifest(&c));
    let report = compare(
        root,
        &old,
        &new,
        old_label,
        new_label,
        base_version.or(current_version.clone()),
    )?;
    print!("{}", report::render(&report, options.format));

    let mut failed = false;
    if options.fail_on_wire
        && report
            .changes
            .iter()
            .any(|c| c.change.wire == WireEffect::Breaking)
    {
        eprintln!("spec-diff: a change breaks existing callers on the wire");
        failed = true;
    }
    if options.fail_on_rust && report.crates.iter().any(|c| c.api_breaking) {
        eprintln!("spec-diff: a change breaks the Rust API of a crate");
        failed = true;
    }
    if options.check_version {
        match (&current_version, &report.version.required) {
            (Some(current), Some(required)) if version::below(current, required) => {
                eprintln!(
                    "spec-diff: Cargo.toml has version {current}; this change needs at least {required}"
                );
                failed = true;
            }
            (None, _) => bail!("Cargo.toml has no [workspace.package] version to check"),
            _ => {}
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Compares `old` with `new` for the workspace at `root`; `base_version` is
/// the version the old spec shipped in.
pub fn compare(
    root: &Path,
    old: &Spec,
    new: &Spec,
    old_label: String,
    new_label: String,
    base_version: Option<String>,
) -> Result<Report> {
    let wire = diff(old, new);
    let raw = rust_api::compare(&raw_api(old, root)?, &raw_api(new, root)?);
    let table = rust_api::compare(&table_api(old, root)?, &table_api(new, root)?);
    let uses = usage::of_wrapper(&root.join(workspace::WRAPPER_SOURCE))?;
    let changes = wire
        .into_iter()
        .map(|change| {
            let rust = raw
                .iter()
                .filter(|item| relates(new, old, &change, item))
                .cloned()
                .collect();
            ClassifiedChange { change, rust }
        })
        .collect::<Vec<_>>();
    let crates = crate_effects(&changes, &raw, &table, &uses);
    let recordings = invalid_recordings(root, old, new)?;
    let version = version::needed(base_version, &crates);
    Ok(Report {
        old: old_label,
        new: new_label,
        changes,
        crates,
        recordings,
        version,
    })
}

/// The public API of the raw client generated from `spec`.
fn raw_api(spec: &Spec, root: &Path) -> Result<rust_api::Api> {
    let code = codegen::render(spec, spec.label(), root)?;
    rust_api::api(&code).map_err(|e| anyhow!("{}: {e}", spec.label()))
}

/// The public API of descope-spec's operation table generated from `spec`.
fn table_api(spec: &Spec, root: &Path) -> Result<rust_api::Api> {
    let code = spec_table::render_table(spec, root)?;
    rust_api::api(&code).map_err(|e| anyhow!("{}: {e}", spec.label()))
}

/// Whether the raw API item `item` belongs to the spec change `change`: the
/// item is the generated type of the schema the change is in (or its
/// builder), and the field the change names, or the operation's method.
fn relates(new: &Spec, old: &Spec, change: &Change, item: &ItemChange) -> bool {
    use self::wire::Place;
    // The generated client names the method as the operation table does.
    let method = spec_table::client_method(&change.operation);
    match &change.place {
        Place::Operation | Place::Security => {
            item.item == format!("Client::{method}")
                || item
                    .item
                    .starts_with(&format!("builder::{}", heck_camel(&change.operation)))
        }
        Place::Request { pointer } | Place::Response { pointer, .. } => {
            let types = [new, old]
                .iter()
                .flat_map(|spec| schema_types(spec, change))
                .collect::<Vec<_>>();
            let field = pointer
                .trim_start_matches('/')
                .split('/')
                .next()
                .map(heck_snake)
                .unwrap_or_default();
            types.iter().any(|ty| {
                let in_type = item.item.starts_with(&format!("types::{ty}"))
                    || item.item.starts_with(&format!("types::builder::{ty}"));
                in_type && (field.is_empty() || item.item.contains(&field))
            })
        }
        Place::ResponseHeader { .. } => false,
    }
}

/// The generated type names of the schema a change is in: the component a
/// request body or response refers to, in typify's spelling.
fn schema_types(spec: &Spec, change: &Change) -> Vec<String> {
    use self::wire::Place;
    let Some(op) = spec.operation(&change.operation) else {
        return Vec::new();
    };
    let schema = match &change.place {
        Place::Request { .. } => op.request_schema().ok().flatten(),
        Place::Response { status, .. } => op
            .response(status)
            .and_then(|r| r.pointer("/content/application~1json/schema")),
        _ => None,
    };
    schema
        .and_then(|s| s.get("$ref"))
        .and_then(|r| r.as_str())
        .and_then(|r| r.rsplit('/').next())
        .map(|name| vec![heck_camel(name)])
        .unwrap_or_default()
}

fn heck_snake(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

fn heck_camel(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}

/// The effect on each crate users depend on.
fn crate_effects(
    changes: &[ClassifiedChange],
    raw: &[ItemChange],
    table: &[ItemChange],
    uses: &usage::Uses,
) -> Vec<CrateEffect> {
    let breaking = |items: &[ItemChange]| items.iter().any(|i| i.effect == ApiEffect::Breaking);
    let additions = |items: &[ItemChange]| items.iter().any(|i| i.effect == ApiEffect::Addition);
    let listed = |items: &[ItemChange], effect: ApiEffect| {
        items
            .iter()
            .filter(|i| i.effect == effect)
            .map(|i| format!("{} {}", i.item, i.change))
            .collect::<Vec<_>>()
    };
    let effect =
        |name, api_breaking, api_additions, source, behaviour, reasons: Vec<String>| CrateEffect {
            name,
            api_breaking,
            api_additions,
            source_needs_edits: source,
            behaviour_breaking: behaviour,
            bump: Bump::of(
                api_breaking || behaviour,
                api_additions,
                !reasons.is_empty(),
            ),
            reasons,
        };

    let mut raw_reasons = listed(raw, ApiEffect::Breaking);
    raw_reasons.extend(listed(raw, ApiEffect::Addition));
    let raw_effect = effect(
        "descope-raw",
        breaking(raw),
        additions(raw),
        false,
        false,
        raw_reasons.clone(),
    );

    let edits: Vec<String> = raw
        .iter()
        .filter_map(|item| {
            uses.needs_edit(item)
                .map(|why| format!("{}: {why}", item.item))
        })
        .collect();
    let mut wrapper_reasons: Vec<String> = raw_reasons
        .iter()
        .map(|r| format!("re-exported as `raw`: {r}"))
        .collect();
    wrapper_reasons.extend(edits.iter().map(|e| format!("source: {e}")));
    let wrapper = effect(
        "descope-ergonomic",
        breaking(raw),
        additions(raw),
        !edits.is_empty(),
        false,
        wrapper_reasons,
    );

    let mut spec_reasons = listed(table, ApiEffect::Breaking);
    spec_reasons.extend(listed(table, ApiEffect::Addition));
    let spec_changed = changes
        .iter()
        .any(|c| c.change.wire != WireEffect::Documentation);
    if spec_changed {
        spec_reasons.push("the embedded spec changes".to_string());
    }
    let spec = effect(
        "descope-spec",
        breaking(table),
        additions(table),
        false,
        false,
        spec_reasons,
    );

    let tighter: Vec<String> = changes
        .iter()
        .filter(|c| c.change.wire == WireEffect::Breaking)
        .map(|c| {
            format!(
                "{} {}: {}",
                c.change.operation, c.change.place, c.change.detail
            )
        })
        .collect();
    let mut fake_reasons: Vec<String> = tighter
        .iter()
        .map(|t| format!("serves the new spec: {t}"))
        .collect();
    // The fake's API names operations (`Endpoint::Operation(Operation)`),
    // not field constants.
    let operations: Vec<ItemChange> = table
        .iter()
        .filter(|i| i.item.starts_with("Operation"))
        .cloned()
        .collect();
    fake_reasons.extend(
        listed(&operations, ApiEffect::Breaking)
            .into_iter()
            .map(|t| format!("exposes descope_spec::Operation: {t}")),
    );
    let fake = effect(
        "fake-descope",
        breaking(&operations),
        additions(&operations),
        false,
        !tighter.is_empty(),
        fake_reasons,
    );
    vec![raw_effect, wrapper, spec, fake]
}

/// The recordings valid against `old` that `new` invalidates, by the same
/// check the conformance suite applies.
fn invalid_recordings(root: &Path, old: &Spec, new: &Spec) -> Result<Vec<InvalidRecording>> {
    let dir = root.join(workspace::RECORDED);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let recordings = Recordings::from_dir(&dir)
        .with_context(|| format!("{}: cannot read the recordings", workspace::RECORDED))?;
    Ok(recordings
        .exchanges
        .iter()
        .filter(|exchange| check_exchange(old, exchange).is_empty())
        .filter_map(|exchange| {
            let problems = check_exchange(new, exchange);
            (!problems.is_empty()).then(|| InvalidRecording {
                file: exchange.file.clone(),
                problems,
            })
        })
        .collect())
}

/// `path` as committed at `revision`, read by git from the repository
/// holding `root`.
fn git_show(root: &Path, revision: &str, path: &str) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{revision}:./{path}")])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "cannot read {path} at {revision}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).with_context(|| format!("{path} at {revision} is not UTF-8"))
}

/// The one-paragraph summary `cargo xtask generate` ends with: the wire and
/// API effect of the spec in the working tree against the committed one.
pub fn summary_against_head(root: &Path, new: &Spec) -> String {
    let committed = match git_show(root, "HEAD", workspace::SPEC) {
        Ok(text) => text,
        Err(_) => {
            return "Not in a git checkout (or the spec is not committed): no summary of what \
                    this change breaks. `cargo xtask spec-diff --old FILE` compares two files."
                .to_string()
        }
    };
    let old = match Spec::parse("HEAD:spec/descope.yaml", &committed) {
        Ok(old) => old,
        Err(error) => return format!("The committed spec does not load ({error}): no summary."),
    };
    let base_version = git_show(root, "HEAD", "Cargo.toml")
        .ok()
        .and_then(|manifest| version::of_manifest(&manifest));
    let label = old.label().to_string();
    match compare(
        root,
        &old,
        new,
        label,
        workspace::SPEC.to_string(),
        base_version,
    ) {
        Ok(report) => report::paragraph(&report),
        Err(error) => format!("No summary of the change: {error:#}"),
    }
}
