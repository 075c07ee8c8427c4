//! `cargo xtask spec-diff`: what a spec change breaks, for whom, and which
//! version it needs, before it ships.
//!
//! - the wire: [`wire`] walks the two spec models;
//! - the Rust API: the raw client and descope-spec's operation table are
//!   generated from both specs and their public items compared
//!   ([`rust_api`]); the wrapper's API is its
//!   own types, so a wire addition is an addition of its own (minor) and a
//!   wire break a break of its behaviour (major), and whether its source
//!   needs edits is read from the items its source uses; fake-descope serves
//!   the spec, so a request schema that refuses more breaks the tests of the
//!   services that use it;
//! - the version each crate needs, under Cargo's rules;
//! - the recordings of `spec/recorded/` that the new spec invalidates.

mod report;
pub mod rust_api;
mod screen;
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
use crate::spec_table::{self, Table};
use crate::{codegen, workspace};

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
    /// For text: every change on its own line, with every item it alters.
    pub verbose: bool,
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
    /// Every item of descope-raw's API that changed (those a change relates
    /// to are also in its `rust`), for the text report to group.
    #[serde(skip)]
    pub raw_items: Vec<ItemChange>,
    /// Every item of descope-spec's operation table that changed.
    #[serde(skip)]
    pub table_items: Vec<ItemChange>,
    /// How many operations the old spec has: a change at every one of them
    /// is named "every operation" on screen.
    #[serde(skip)]
    pub operations: usize,
}

impl Report {
    /// How many of the changes have `effect` on the wire.
    pub fn count(&self, effect: WireEffect) -> usize {
        self.changes
            .iter()
            .filter(|c| c.change.wire == effect)
            .count()
    }
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
    pub reasons: Vec<Reason>,
    /// The smallest version bump it needs.
    pub bump: Bump,
}

/// One reason a crate is affected; it serialises as its line.
#[derive(Debug, Clone)]
pub struct Reason {
    /// What kind of reason it is, for the text report to count or list.
    pub why: Why,
    /// The reason in words.
    pub line: String,
}

/// The kinds of [`Reason`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// An item of the crate's own public API changed.
    Item,
    /// The wire change the crate wraps: an addition gets its own setter,
    /// accessor or method (a minor version); a break refuses or asks for more.
    Wraps,
    /// The crate's own source must change to build, for this use.
    SourceEdit(usage::Edit),
    /// The spec embedded in the crate changes.
    EmbeddedSpec,
    /// The crate serves the spec, which now refuses more.
    ServesWire,
    /// The crate's API names an item of descope-spec that changed.
    Exposes,
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.line)
    }
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
    let (report, current_version) = compare_as_asked(root, options)?;
    print!(
        "{}",
        report::render(&report, options.format, options.verbose)
    );

    let mut failed = false;
    if options.fail_on_wire && report.count(WireEffect::Breaking) > 0 {
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

/// What `run` prints, without the checks that set its exit status.
pub fn rendered(root: &Path, options: &Options) -> Result<String> {
    let (report, _) = compare_as_asked(root, options)?;
    Ok(report::render(&report, options.format, options.verbose))
}

/// The comparison `options` ask for, and the version in `root`'s Cargo.toml.
fn compare_as_asked(root: &Path, options: &Options) -> Result<(Report, Option<String>)> {
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
    Ok((report, current_version))
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
    let raw = rust_api::compare(&raw_api(old)?, &raw_api(new)?);
    let table = table_changes(old, new)?;
    let uses = usage::of_wrapper(&root.join(workspace::WRAPPER_SOURCE))?;
    let changes = wire
        .into_iter()
        .map(|change| {
            let relates = relation(new, old, &change);
            let rust = raw.iter().filter(|item| relates(item)).cloned().collect();
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
        raw_items: raw,
        table_items: table,
        operations: old.operations().len(),
    })
}

/// The public API of the raw client generated from `spec`. Both specs are
/// generated whole: on this spec that is a tenth of a second (a cut to what
/// a change reaches was measured to spare no more than 0.05 s of it).
fn raw_api(spec: &Spec) -> Result<rust_api::Api> {
    let label = spec.label();
    let document: openapiv3::OpenAPI = serde_json::from_value(spec.document().clone())
        .map_err(|e| anyhow!("{label}: not a valid OpenAPI 3.0 document: {e}"))?;
    let file = codegen::syntax(&document).map_err(|e| anyhow!("{label}: {e}"))?;
    Ok(rust_api::of_file(&file))
}

/// How descope-spec's operation table changes, from the table's code for
/// the operations whose entries differ (all of it when the list of
/// operations differs); nothing to generate when the two specs say the same
/// of it.
fn table_changes(old: &Spec, new: &Spec) -> Result<Vec<ItemChange>> {
    let (before, after) = (Table::read(old)?, Table::read(new)?);
    if before == after {
        return Ok(Vec::new());
    }
    let (before, after) = before.differing(after);
    let api = |table: &Table, spec: &Spec| {
        rust_api::api(&table.code()).map_err(|e| anyhow!("{}: {e}", spec.label()))
    };
    Ok(rust_api::compare(&api(&before, old)?, &api(&after, new)?))
}

/// Which raw API items belong to the spec change `change`: those of the
/// generated type of the schema the change is in (or its builder), and the
/// field the change names, or the operation's method.
fn relation(new: &Spec, old: &Spec, change: &Change) -> impl Fn(&ItemChange) -> bool {
    use self::wire::Place;
    // What the items are matched with, written once per change rather than
    // once per item: a large spec has thousands of each.
    let (exact, prefixes, field) = match &change.place {
        Place::Operation | Place::Security => (
            // The generated client names the method as the operation table does.
            Some(format!(
                "Client::{}",
                spec_table::client_method(&change.operation)
            )),
            vec![format!("builder::{}", heck_camel(&change.operation))],
            None,
        ),
        Place::Request { pointer } | Place::Response { pointer, .. } => {
            let field = pointer
                .trim_start_matches('/')
                .split('/')
                .next()
                .map(heck_snake)
                .unwrap_or_default();
            let prefixes = [new, old]
                .iter()
                .flat_map(|spec| schema_types(spec, change))
                .flat_map(|ty| [format!("types::{ty}"), format!("types::builder::{ty}")])
                .collect();
            (None, prefixes, Some(field))
        }
        Place::ResponseHeader { .. } => (None, Vec::new(), None),
    };
    move |item: &ItemChange| {
        let path = item.item.as_str();
        let in_place = prefixes
            .iter()
            .any(|prefix| path.starts_with(prefix.as_str()));
        let at_field = field
            .as_deref()
            .is_none_or(|field| field.is_empty() || path.contains(field));
        exact.as_deref() == Some(path) || (in_place && at_field)
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
    const BOTH: [ApiEffect; 2] = [ApiEffect::Breaking, ApiEffect::Addition];
    let breaking = |items: &[ItemChange]| items.iter().any(|i| i.effect == ApiEffect::Breaking);
    let additions = |items: &[ItemChange]| items.iter().any(|i| i.effect == ApiEffect::Addition);
    // The items of each effect in turn, as `why`, each line after `prefix`.
    let listed = |items: &[ItemChange], effects: &[ApiEffect], why: Why, prefix: &str| {
        effects
            .iter()
            .flat_map(|effect| items.iter().filter(move |i| i.effect == *effect))
            .map(|i| Reason {
                why: why.clone(),
                line: format!("{prefix}{} {}", i.item, i.change),
            })
            .collect::<Vec<_>>()
    };
    let effect =
        |name, api_breaking, api_additions, source, behaviour, reasons: Vec<Reason>| CrateEffect {
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

    let raw_effect = effect(
        "descope-raw",
        breaking(raw),
        additions(raw),
        false,
        false,
        listed(raw, &BOTH, Why::Item, ""),
    );

    let edits: Vec<Reason> = raw
        .iter()
        .filter_map(|item| {
            uses.needs_edit(item).map(|why| Reason {
                line: format!("source: {}: {why}", item.item),
                why: Why::SourceEdit(why),
            })
        })
        .collect();
    // The wrapper's public API is its own types, none of raw's: a wire
    // addition is one more setter, accessor or method of its own (minor); a
    // wire break makes it refuse more or ask for more (major).
    let wraps = |effect: WireEffect, what: &str| -> Vec<Reason> {
        changes
            .iter()
            .filter(|c| c.change.wire == effect)
            .map(|c| Reason {
                why: Why::Wraps,
                line: format!(
                    "{what}: {} {}: {}",
                    c.change.operation, c.change.place, c.change.detail
                ),
            })
            .collect()
    };
    let wrapper_breaks = wraps(WireEffect::Breaking, "wraps a break");
    let wrapper_adds = wraps(WireEffect::Compatible, "wraps an addition");
    let source_needs_edits = !edits.is_empty();
    let wrapper = effect(
        "descope-ergonomic",
        false,
        !wrapper_adds.is_empty(),
        source_needs_edits,
        !wrapper_breaks.is_empty(),
        [wrapper_breaks, wrapper_adds, edits].concat(),
    );

    let mut spec_reasons = listed(table, &BOTH, Why::Item, "");
    let spec_changed = changes
        .iter()
        .any(|c| c.change.wire != WireEffect::Documentation);
    if spec_changed {
        spec_reasons.push(Reason {
            why: Why::EmbeddedSpec,
            line: "the embedded spec changes".to_string(),
        });
    }
    let spec = effect(
        "descope-spec",
        breaking(table),
        additions(table),
        false,
        false,
        spec_reasons,
    );

    let mut fake_reasons: Vec<Reason> = changes
        .iter()
        .filter(|c| c.change.wire == WireEffect::Breaking)
        .map(|c| Reason {
            why: Why::ServesWire,
            line: format!(
                "serves the new spec: {} {}: {}",
                c.change.operation, c.change.place, c.change.detail
            ),
        })
        .collect();
    let tighter = !fake_reasons.is_empty();
    // The fake's API names operations (`Endpoint::Operation(Operation)`),
    // not field constants.
    let operations: Vec<ItemChange> = table
        .iter()
        .filter(|i| i.item.starts_with("Operation"))
        .cloned()
        .collect();
    fake_reasons.extend(listed(
        &operations,
        &[ApiEffect::Breaking],
        Why::Exposes,
        "exposes descope_spec::Operation: ",
    ));
    let fake = effect(
        "fake-descope",
        breaking(&operations),
        additions(&operations),
        false,
        tighter,
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
    let label = format!("HEAD:{}", workspace::SPEC);
    // The same text needs no parsing, let alone comparing.
    if committed == new.text() {
        return report::unchanged(&label);
    }
    let old = match Spec::parse(&label, &committed) {
        Ok(old) => old,
        Err(error) => return format!("The committed spec does not load ({error}): no summary."),
    };
    let base_version = git_show(root, "HEAD", "Cargo.toml")
        .ok()
        .and_then(|manifest| version::of_manifest(&manifest));
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
